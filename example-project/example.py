"""The generated WindTurbine SDK at work: list, iterate, filter, search, aggregate, upsert, delete.

The package ``windturbine_sdk`` is not in this folder: the build generates it from the locked
model. Install the project, point the ``CDF_*`` variables at CDF (or at the emulator, as
``./scripts/demo.sh`` does), and run this script:

    pip install .
    export CDF_URL=... CDF_PROJECT=... CDF_TOKEN=...
    python example.py

It leaves the data as it found it: what it adds, it deletes again.
"""

from __future__ import annotations

from windturbine_sdk import BladeWrite, WindTurbineClient, WindTurbineWrite

NEW_TURBINE = "hornsea-04"


def main() -> None:
    with WindTurbineClient.from_env() as client:
        turbines = client.wind_turbine.list(limit=None)
        names = ", ".join(sorted(turbine.name or turbine.external_id for turbine in turbines))
        print(f"list       {len(turbines)} wind turbines: {names}")

        chunk_sizes = [len(chunk) for chunk in client.wind_turbine.iterate(chunk_size=4)]
        print(f"iterate    {sum(chunk_sizes)} turbines, fetched in chunks of {chunk_sizes}")

        large = client.wind_turbine.list(windfarm="Dogger Bank", min_capacity=14.0)
        print(f"filter     Dogger Bank turbines of 14 MW or more: {[(t.name, t.capacity) for t in large]}")
        damaged = client.blade.list(is_damaged=True)
        print(f"filter     damaged blades: {sorted(blade.external_id for blade in damaged)}")

        hits = client.wind_turbine.search("north", properties=["description"])
        print(f"search     'north' in descriptions: {sorted(turbine.name or '' for turbine in hits)}")

        for group in client.wind_turbine.aggregate("count", group_by="windfarm"):
            farm = (group.group or {}).get("windfarm")
            print(f"aggregate  {farm}: {group.value('count')} turbines")
        [overall] = client.wind_turbine.aggregate("avg", "capacity")
        print(f"aggregate  average capacity: {overall.value('avg', 'capacity'):.2f} MW")

        blades = [
            BladeWrite(external_id=f"{NEW_TURBINE}-blade-{number}", name=f"HORNSEA-04 blade {number}")
            for number in (1, 2, 3)
        ]
        new = WindTurbineWrite(
            external_id=NEW_TURBINE, name="HORNSEA-04", windfarm="Hornsea", capacity=8.0, blades=blades
        )
        written = client.upsert([new])
        print(f"upsert     {NEW_TURBINE} with its blades: {len(written.nodes)} nodes written")
        stored = client.wind_turbine.retrieve(NEW_TURBINE)
        assert stored is not None, f"{NEW_TURBINE} was written but cannot be read back"
        print(f"retrieve   {stored.name}: {stored.capacity} MW, {len(stored.blades or [])} blades")

        client.delete([NEW_TURBINE, *(blade.external_id for blade in blades)])
        gone = client.wind_turbine.retrieve(NEW_TURBINE) is None
        print(f"delete     {NEW_TURBINE} and its blades: {'gone' if gone else 'STILL THERE'}")
        if not gone:
            raise SystemExit(f"{NEW_TURBINE} is still there after delete")


if __name__ == "__main__":
    main()
