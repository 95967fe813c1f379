"""What the GraphQL tests share: a client class naming its data model, and a small wind farm.

Importing it puts the typed tests' folder on ``sys.path`` for the reference SDK."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "typed"))

from reference_sdk import WindTurbineClient
from reference_sdk.data_classes import (
    BladeWrite,
    MetmastWrite,
    RotorWrite,
    SensorPositionWrite,
    WindTurbineWrite,
)

TURBINES = 5


class ModelClient(WindTurbineClient):
    """The reference SDK's client as the renderer now emits it: naming its data model."""

    data_model_ids = (("sp_pygen_power", "WindTurbine", "1"),)


def wind_farm() -> list[WindTurbineWrite | SensorPositionWrite]:
    """Five turbines (capacity 0..4), two blades each (the second damaged), one rotor each, a
    metmast shared by the even ones (edges), and a sensor position on each first blade."""
    mast = MetmastWrite(external_id="mast", position=1.5)
    turbines: list[WindTurbineWrite | SensorPositionWrite] = []
    for number in range(TURBINES):
        blades = [
            BladeWrite(external_id=f"blade-{number}-{index}", name=f"blade {index}", is_damaged=index == 1)
            for index in range(2)
        ]
        turbines.append(
            WindTurbineWrite(
                external_id=f"turbine-{number}",
                name=f"turbine {number}",
                capacity=float(number),
                blades=blades,
                rotor=RotorWrite(external_id=f"rotor-{number}"),
                metmast=[mast] if number % 2 == 0 else [],
            )
        )
        turbines.append(SensorPositionWrite(external_id=f"position-{number}", blade=blades[0]))
    return turbines
