"""The stages wired together: where models come from (lock, cache, CDF, files) and what is built."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from emulated_cdf import IN_PROCESS_URL, emulator_with, in_process_environ
from pygen_runtime.testing import Emulator
from pytest_httpserver import HTTPServer
from shared_cdf import model_file

from hatch_pygen.config import PygenConfig, parse_config
from hatch_pygen.errors import LockError, OfflineError
from hatch_pygen.lock import read_lock
from hatch_pygen.pipeline import build, load_models, lock_models

MULTI = ["OmniMultiA", "OmniMultiB", "OmniMultiC"]


def models_table(*names: str) -> list[dict[str, str]]:
    tables = []
    for name in names:
        raw = yaml.safe_load(model_file(name).read_text())
        tables.append(
            {"space": raw["space"], "external-id": raw["externalId"], "version": str(raw["version"])}
        )
    return tables


def config_for(root: Path, *names: str, **extra: Any) -> PygenConfig:
    return parse_config({"models": models_table(*names), **extra}, project_root=root)


@pytest.fixture
def emulator() -> Emulator:
    return emulator_with(*(model_file(name) for name in [*MULTI, "Pumps", "WindTurbine"]))


@pytest.fixture
def environ(emulator: Emulator, tmp_path: Path) -> dict[str, str]:
    return in_process_environ(emulator, PYGEN_CACHE_DIR=str(tmp_path / "cache"))


def test_several_models_from_cdf_make_one_ir_with_shared_views_once(
    tmp_path: Path, emulator: Emulator, environ: dict[str, str]
) -> None:
    config = config_for(tmp_path, *MULTI, package="multi_sdk")
    loaded = load_models(config, environ=environ, transport=emulator.transport())
    assert loaded.origins == ("cdf", "cdf", "cdf")
    ir = build(config, loaded.snapshots).ir
    assert ir.package == "multi_sdk"
    assert [m.external_id for m in ir.data_models] == MULTI
    main = next(v for v in ir.views if v.external_id == "MainInterface")
    assert [m.external_id for m in main.data_models] == ["OmniMultiA", "OmniMultiB"]
    assert len([v for v in ir.views if v.external_id == "MainInterface"]) == 1


def test_the_second_run_reads_the_cache_and_a_stale_entry_is_fetched_again(
    tmp_path: Path, emulator: Emulator, environ: dict[str, str]
) -> None:
    config = config_for(tmp_path, "Pumps")
    assert load_models(config, environ=environ, transport=emulator.transport()).origins == ("cdf",)
    assert load_models(config, environ=environ, transport=emulator.transport()).origins == ("cache",)
    stale = {**environ, "PYGEN_CACHE_TTL": "0"}
    assert load_models(config, environ=stale, transport=emulator.transport()).origins == ("cdf",)


def test_offline_a_cached_model_of_any_age_is_used_and_a_missing_one_refused(
    tmp_path: Path, emulator: Emulator, environ: dict[str, str]
) -> None:
    load_models(config_for(tmp_path, "Pumps"), environ=environ, transport=emulator.transport())
    offline = {**environ, "PYGEN_OFFLINE": "1", "PYGEN_CACHE_TTL": "0"}
    loaded = load_models(config_for(tmp_path, "Pumps"), environ=offline, transport=emulator.transport())
    assert loaded.origins == ("cache",)
    with pytest.raises(OfflineError, match="pygen-models:OmniMultiA/1 must be fetched"):
        load_models(
            config_for(tmp_path, "Pumps", "OmniMultiA"), environ=offline, transport=emulator.transport()
        )


def test_lock_round_trip_then_generation_never_calls_cdf(
    tmp_path: Path, emulator: Emulator, environ: dict[str, str], httpserver: HTTPServer
) -> None:
    config = config_for(tmp_path, *MULTI)
    outcome = lock_models(config, environ=environ, transport=emulator.transport())
    assert [str(m) for m in outcome.fetched] == [f"pygen-models:{name}/1" for name in MULTI]
    lock = read_lock(tmp_path / "pygen.lock")
    assert lock == outcome.lock
    assert [entry.snapshot for entry in lock.models] == [
        f"pygen-models/pygen-models.{name}.1.json" for name in MULTI
    ]
    direct = build(
        config,
        load_models(
            config_for(tmp_path / "x", *MULTI), environ=environ, transport=emulator.transport()
        ).snapshots,
    ).ir
    # A CDF that answers nothing, an empty cache and offline mode: the lock alone must do.
    nowhere = {
        "CDF_URL": httpserver.url_for("/").rstrip("/"),
        "CDF_PROJECT": "p",
        "PYGEN_OFFLINE": "1",
        "PYGEN_CACHE_DIR": str(tmp_path / "empty-cache"),
    }
    loaded = load_models(config, environ=nowhere)
    assert loaded.origins == ("lock", "lock", "lock")
    assert build(config, loaded.snapshots).ir == direct
    assert httpserver.log == []


def test_a_lock_that_misses_a_listed_model_says_to_run_pygen_lock(
    tmp_path: Path, emulator: Emulator, environ: dict[str, str]
) -> None:
    lock_models(config_for(tmp_path, "Pumps"), environ=environ, transport=emulator.transport())
    with pytest.raises(LockError) as caught:
        load_models(
            config_for(tmp_path, "Pumps", "OmniMultiA"), environ=environ, transport=emulator.transport()
        )
    assert str(caught.value) == (
        "pygen.lock does not cover pygen-models:OmniMultiA/1, listed in tool.pygen.models; "
        "run `pygen lock` to add them (or delete pygen.lock to work unlocked)"
    )


def test_a_tampered_snapshot_stops_generation(
    tmp_path: Path, emulator: Emulator, environ: dict[str, str]
) -> None:
    outcome = lock_models(config_for(tmp_path, "Pumps"), environ=environ, transport=emulator.transport())
    path = tmp_path / outcome.lock.models[0].snapshot
    data = json.loads(path.read_text())
    data["dataModel"]["description"] = "edited by hand"
    path.write_text(json.dumps(data))
    with pytest.raises(LockError, match=r"does not match its digest .*`pygen lock --upgrade`"):
        load_models(config_for(tmp_path, "Pumps"), environ=environ)


def test_lock_keeps_what_is_locked_adds_what_is_new_and_prunes_what_is_gone(
    tmp_path: Path, emulator: Emulator, environ: dict[str, str]
) -> None:
    first = lock_models(
        config_for(tmp_path, "Pumps", "OmniMultiA"), environ=environ, transport=emulator.transport()
    )
    second = lock_models(
        config_for(tmp_path, "Pumps", "OmniMultiC"), environ=environ, transport=emulator.transport()
    )
    assert [str(m) for m in second.kept] == ["IntegrationTestsImmutable:Pumps/1"]
    assert [str(m) for m in second.fetched] == ["pygen-models:OmniMultiC/1"]
    assert second.removed == ("pygen-models/pygen-models.OmniMultiA.1.json",)
    assert second.lock.models[0] == first.lock.models[0]
    assert sorted(p.name for p in (tmp_path / "pygen-models").iterdir()) == [
        "IntegrationTestsImmutable.Pumps.1.json",
        "pygen-models.OmniMultiC.1.json",
    ]


def test_lock_upgrade_fetches_anew_past_the_cache(
    tmp_path: Path, emulator: Emulator, environ: dict[str, str]
) -> None:
    config = config_for(tmp_path, "Pumps")
    before = lock_models(config, environ=environ, transport=emulator.transport())
    changed = yaml.safe_load(model_file("Pumps").read_text())
    changed["description"] = "changed in CDF"
    emulator.load_model(changed)
    assert lock_models(config, environ=environ, transport=emulator.transport()).fetched == ()
    after = lock_models(config, upgrade=True, environ=environ, transport=emulator.transport())
    assert [str(m) for m in after.fetched] == ["IntegrationTestsImmutable:Pumps/1"]
    assert after.lock.models[0].digest != before.lock.models[0].digest
    assert load_models(config, environ=environ).snapshots[0].data_model.description == "changed in CDF"


def test_a_damaged_lock_stops_lock_but_not_lock_upgrade(
    tmp_path: Path, emulator: Emulator, environ: dict[str, str]
) -> None:
    (tmp_path / "pygen.lock").write_text("not = [toml")
    config = config_for(tmp_path, "Pumps")
    with pytest.raises(LockError):
        lock_models(config, environ=environ, transport=emulator.transport())
    assert lock_models(config, upgrade=True, environ=environ, transport=emulator.transport()).fetched


def test_file_models_are_read_each_time_and_mix_with_cdf_models(
    tmp_path: Path, emulator: Emulator, environ: dict[str, str]
) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "pumps.yaml").write_text(model_file("Pumps").read_text())
    config = parse_config(
        {"models": [{"file": "models/pumps.yaml"}, *models_table("OmniMultiC")]}, project_root=tmp_path
    )
    loaded = load_models(config, environ=environ, transport=emulator.transport())
    assert loaded.origins == ("file", "cdf")
    assert [s.model_id.external_id for s in loaded.snapshots] == ["Pumps", "OmniMultiC"]


def test_only_file_models_need_no_cdf_settings_at_all(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(model_file("Pumps").read_text())
    config = parse_config({"models": [{"file": "m.yaml"}], "exclude-views": ["Pump"]}, project_root=tmp_path)
    loaded = load_models(config, environ={})
    generation = build(config, loaded.snapshots)
    assert [v.external_id for v in generation.ir.views] == ["Pumps"]
    assert [p.code for p in generation.schema.problems] == ["relation-target-not-generated"]


def test_a_v1_table_and_a_new_table_give_the_same_ir(
    tmp_path: Path, emulator: Emulator, environ: dict[str, str]
) -> None:
    new = parse_config(
        {
            "package": "wind_sdk",
            "client-name": "WindClient",
            "instance-space": "wind-instances",
            "models": models_table("WindTurbine"),
            "exclude-views": ["sp_pygen_power:Metmast"],
            "cdf": {"url": IN_PROCESS_URL, "project": emulator.project},
        },
        project_root=tmp_path,
    )
    [model] = models_table("WindTurbine")
    v1 = parse_config(
        {
            "top_level_package": "wind_sdk",
            "client_name": "WindClient",
            "instance_space": "wind-instances",
            "space": model["space"],
            "external_id": model["external-id"],
            "version": model["version"],
            "exclude_views": ["sp_pygen_power:Metmast"],
            "cdf_url": IN_PROCESS_URL,
            "cdf_project": emulator.project,
        },
        project_root=tmp_path,
    )
    assert v1.notes
    irs = [
        build(config, load_models(config, environ=environ, transport=emulator.transport()).snapshots).ir
        for config in (new, v1)
    ]
    assert irs[0] == irs[1]
    assert irs[0].package == "wind_sdk"
    assert "Metmast" not in [v.external_id for v in irs[0].views]


def test_an_unwritable_cache_costs_a_fetch_not_the_build(
    tmp_path: Path, emulator: Emulator, environ: dict[str, str]
) -> None:
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("")
    messages: list[str] = []
    loaded = load_models(
        config_for(tmp_path, "Pumps"),
        environ={**environ, "PYGEN_CACHE_DIR": str(blocker)},
        transport=emulator.transport(),
        progress=messages.append,
    )
    assert loaded.origins == ("cdf",)
    assert any(message.startswith("could not write the model cache") for message in messages)


def test_no_credential_lands_in_the_cache_the_lock_or_the_snapshots(tmp_path: Path) -> None:
    secret = "client-secret-that-must-not-land"
    emulator = Emulator(project="emulated-project", require_auth=True, client_secret=secret)
    emulator.load_model(model_file("Pumps"))
    token = emulator.issue_token()
    environ = in_process_environ(emulator, PYGEN_CACHE_DIR=str(tmp_path / "cache"), CDF_TOKEN=token)
    config = config_for(tmp_path / "project", "Pumps")
    load_models(config, environ=environ, transport=emulator.transport())
    lock_models(config, upgrade=True, environ=environ, transport=emulator.transport())
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) >= 3
    for path in written:
        text = path.read_text()
        assert token not in text
        assert secret not in text
