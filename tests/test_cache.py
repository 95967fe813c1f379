"""The model cache: keyed by CDF URL, project and model; atomic; safe with two writers; no secrets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import model_builder
import pytest

from hatch_pygen.cache import DEFAULT_TTL_SECONDS, ModelCache, default_cache_dir
from hatch_pygen.config import CdfModel
from hatch_pygen.errors import SourceError
from hatch_pygen.sources import ModelSnapshot

URL = "https://westeurope-1.cognitedata.com"
MODEL = CdfModel(model_builder.SPACE, "Model", "1")
SNAPSHOT = model_builder.snapshot([model_builder.view("A", {"x": model_builder.mapped()})])


def digest(snapshot: ModelSnapshot | None) -> str | None:
    return None if snapshot is None else snapshot.digest()


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_reads_back_until_it_is_older_than_the_ttl(tmp_path: Path) -> None:
    clock = Clock()
    cache = ModelCache(tmp_path, ttl_seconds=60, clock=clock)
    assert cache.get(URL, "proj", MODEL) is None
    cache.put(URL, "proj", MODEL, SNAPSHOT)
    assert digest(cache.get(URL, "proj", MODEL)) == SNAPSHOT.digest()
    clock.now += 61
    assert cache.get(URL, "proj", MODEL) is None
    assert digest(cache.get(URL, "proj", MODEL, any_age=True)) == SNAPSHOT.digest()


def test_entries_are_keyed_by_url_project_and_model(tmp_path: Path) -> None:
    cache = ModelCache(tmp_path)
    cache.put(URL, "proj", MODEL, SNAPSHOT)
    assert cache.get("https://other.cognitedata.com", "proj", MODEL) is None
    assert cache.get(URL, "other-proj", MODEL) is None
    assert cache.get(URL, "proj", CdfModel(MODEL.space, "Model", "2")) is None
    assert digest(cache.get(URL + "/", "proj", MODEL)) == SNAPSHOT.digest()
    path = cache.path_for(URL, "proj", MODEL)

    assert path.relative_to(tmp_path).parts[0] == "models"
    assert path.name == "1.json"
    assert path.parent.name == "Model"
    assert path.parent.parent.name == MODEL.space


def test_credentials_in_a_url_never_reach_the_cache(tmp_path: Path) -> None:
    cache = ModelCache(tmp_path)
    path = cache.put("https://user:hunter2@api.example.test:8443/", "proj", MODEL, SNAPSHOT)
    text = path.read_text()
    assert "hunter2" not in text
    assert json.loads(text)["url"] == "https://api.example.test:8443"
    assert digest(cache.get("https://api.example.test:8443", "proj", MODEL)) == SNAPSHOT.digest()


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        '{"fetchedAt": 1}',
        '{"fetchedAt": "x", "snapshot": {}}',
        "[]",
        '{"fetchedAt": 1, "snapshot": 3}',
    ],
)
def test_a_damaged_entry_is_a_miss_not_an_error(tmp_path: Path, content: str) -> None:
    cache = ModelCache(tmp_path)
    path = cache.path_for(URL, "proj", MODEL)
    path.parent.mkdir(parents=True)
    path.write_text(content)
    assert cache.get(URL, "proj", MODEL) is None


def test_an_entry_holding_another_model_is_a_miss(tmp_path: Path) -> None:
    cache = ModelCache(tmp_path)
    cache.put(URL, "proj", MODEL, SNAPSHOT)
    other = CdfModel(MODEL.space, "Other", "1")
    cache.path_for(URL, "proj", other).parent.mkdir(parents=True)
    cache.path_for(URL, "proj", MODEL).replace(cache.path_for(URL, "proj", other))
    assert cache.get(URL, "proj", other) is None


def test_the_location_and_ttl_come_from_the_environment(tmp_path: Path) -> None:
    cache = ModelCache.from_environment({"PYGEN_CACHE_DIR": str(tmp_path), "PYGEN_CACHE_TTL": "5"})
    assert cache.root == tmp_path
    assert cache.ttl_seconds == 5
    assert ModelCache.from_environment({"PYGEN_CACHE_DIR": str(tmp_path)}).ttl_seconds == DEFAULT_TTL_SECONDS
    assert default_cache_dir({}).name == "pygen"
    with pytest.raises(SourceError, match=r"PYGEN_CACHE_TTL='soon' is not a number of seconds"):
        ModelCache.from_environment({"PYGEN_CACHE_TTL": "soon"})


def test_a_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    cache = ModelCache(tmp_path)
    for _ in range(3):
        cache.put(URL, "proj", MODEL, SNAPSHOT)
    folder = cache.path_for(URL, "proj", MODEL).parent
    assert [p.name for p in folder.iterdir()] == ["1.json"]


def test_two_processes_filling_the_same_cache_never_see_a_torn_entry(tmp_path: Path) -> None:
    script = Path(__file__).parent / "support" / "cache_stress.py"
    writers = [
        subprocess.Popen(
            [sys.executable, str(script), str(tmp_path), name, "40"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    for writer in writers:
        _, stderr = writer.communicate(timeout=120)
        assert writer.returncode == 0, stderr
    entries = sorted((tmp_path / "models").rglob("*.json"))
    assert len(entries) == 5
    for entry in entries:
        description = json.loads(entry.read_text())["snapshot"]["dataModel"]["views"][0]["properties"]["p0"]
        assert description["description"].split("-")[0] in {"first", "second"}
    assert not [p for p in (tmp_path / "models").rglob("*") if p.is_file() and p.suffix != ".json"]
