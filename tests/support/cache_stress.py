"""One of two processes that fill the same model cache at once (run by tests/test_cache.py).

    python tests/support/cache_stress.py CACHE_DIR WRITER_ID ROUNDS

Each round writes every model's entry (with this writer's marker in the model description)
and reads every entry back; a read that finds a file it cannot use is a torn write, and the
process exits 1 naming it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pygen_runtime.schema import DataModel

from hatch_pygen.cache import ModelCache
from hatch_pygen.config import CdfModel
from hatch_pygen.sources import ModelSnapshot

URL = "https://stress.example.test"
PROJECT = "stress"
MODELS = [CdfModel("space", f"Model{index}", "1") for index in range(5)]


def snapshot_for(model: CdfModel, writer: str, round_: int) -> ModelSnapshot:
    views = [
        {
            "space": model.space,
            "externalId": f"View{index}",
            "version": "1",
            "properties": {
                f"p{n}": {
                    "container": {"space": model.space, "externalId": "C"},
                    "containerPropertyIdentifier": f"p{n}",
                    "type": {"type": "text"},
                    "description": f"{writer}-{round_}-" + "x" * 200,
                }
                for n in range(20)
            },
        }
        for index in range(10)
    ]
    data = {"space": model.space, "externalId": model.external_id, "version": model.version, "views": views}
    return ModelSnapshot(data_model=DataModel.load(data))


def main(root: str, writer: str, rounds: int) -> int:
    cache = ModelCache(Path(root))
    for round_ in range(rounds):
        for model in MODELS:
            cache.put(URL, PROJECT, model, snapshot_for(model, writer, round_))
        for model in MODELS:
            if cache.get(URL, PROJECT, model) is None:
                print(f"torn or missing entry for {model} in round {round_}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
