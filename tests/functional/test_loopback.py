"""The golden Omni SDK over real HTTP: the emulator serves on loopback with a token required, the
client is configured from ``CDF_*`` variables as a user's program would be, writes the shared
payloads and reads them back, through injected 429s and 503s."""

from __future__ import annotations

from collections import Counter

from functional_clients import golden_sdk
from functional_payloads import PAYLOAD_SPACE, build_write_objects, load_payloads, properties_in
from functional_values import same_value
from pygen_runtime.schema import Space
from pygen_runtime.testing import Emulator, Fault
from shared_cdf import model_file


def test_the_sdk_configured_from_the_environment_writes_and_reads_over_loopback_through_faults() -> None:
    payloads = load_payloads()
    emulator = Emulator(project="omni-loopback", require_auth=True)
    emulator.load_model(model_file("Omni"))
    with golden_sdk("Omni", "omni_sdk") as sdk, emulator.serve(port=0) as server:
        environ = {
            "CDF_URL": server.url,
            "CDF_PROJECT": emulator.project,
            "CDF_TOKEN": emulator.issue_token(),
            "CDF_INSTANCE_SPACE": PAYLOAD_SPACE,
        }
        with sdk.OmniClient.from_env(environ=environ, retry_backoff_base=0.0, max_retry_wait=0.0) as client:
            assert server.url.startswith("http://127.0.0.1:")
            assert client.instance_space == PAYLOAD_SPACE
            client.cdf.spaces.apply(Space(space=PAYLOAD_SPACE))
            upserted = client.upsert(build_write_objects(sdk, payloads).items)
            assert len(upserted.nodes) > 0
            limited = emulator.faults.add(Fault.rate_limited(0, endpoint="/models/instances/list", times=2))
            failed = emulator.faults.add(Fault.server_error(503, endpoint="/models/instances/list", times=2))
            seen: Counter[str] = Counter()
            chunks = client.primitive_required_listed.iterate(chunk_size=2)
            for chunk in chunks:
                seen.update(item.external_id for item in chunk)
            assert (emulator.faults.fired(limited), emulator.faults.fired(failed)) == (2, 2)
            written = payloads.nodes_of("PrimitiveRequiredListed")
            assert sorted(seen) == sorted(node["externalId"] for node in written)
            assert set(seen.values()) == {1}
            for node in written:
                item = client.primitive_required_listed.retrieve(node["externalId"])
                for wire, value in properties_in(node, "PrimitiveRequiredListed").items():
                    field = next(
                        name
                        for name, info in type(item).model_fields.items()
                        if (info.serialization_alias or name) == wire
                    )
                    assert same_value(value, getattr(item, field)), f"{node['externalId']}.{wire}"
