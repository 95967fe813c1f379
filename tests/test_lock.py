"""pygen.lock: TOML that pins each model's snapshot by digest, and refuses a snapshot that changed."""

from __future__ import annotations

from pathlib import Path

import model_builder
import pytest

from hatch_pygen.config import CdfModel
from hatch_pygen.errors import LockError
from hatch_pygen.lock import (
    Lock,
    LockedModel,
    prune_snapshots,
    read_lock,
    read_locked_snapshot,
    snapshot_path_for,
    write_lock,
    write_snapshot,
)

MODEL = CdfModel(model_builder.SPACE, "Model", "1")
SNAPSHOT = model_builder.snapshot([model_builder.view("A", {"x": model_builder.mapped()})])


def test_a_lock_round_trips_through_toml(tmp_path: Path) -> None:
    entry = write_snapshot(tmp_path, MODEL, SNAPSHOT)
    lock = Lock(generator_version="1.2.3", runtime_version="0.4.0", models=(entry,))
    write_lock(tmp_path / "pygen.lock", lock)
    text = (tmp_path / "pygen.lock").read_text()
    assert text.startswith("# Written by `pygen lock`.")
    assert 'external-id = "Model"' in text
    assert f'digest = "{SNAPSHOT.digest()}"' in text
    assert read_lock(tmp_path / "pygen.lock") == lock
    assert lock.find(MODEL) == entry
    assert lock.find(CdfModel("x", "Y", "1")) is None
    assert entry.model == MODEL


def test_snapshots_live_under_pygen_models_named_by_identity() -> None:
    assert (
        snapshot_path_for(CdfModel("power", "WindTurbine", "1.2"))
        == "pygen-models/power.WindTurbine.1.2.json"
    )


def test_no_lock_file_means_no_lock(tmp_path: Path) -> None:
    assert read_lock(tmp_path / "pygen.lock") is None


def test_a_snapshot_reads_back_after_its_digest_is_checked(tmp_path: Path) -> None:
    entry = write_snapshot(tmp_path, MODEL, SNAPSHOT)
    assert read_locked_snapshot(tmp_path, entry).digest() == SNAPSHOT.digest()


def test_line_ending_changes_from_a_checkout_do_not_break_the_digest(tmp_path: Path) -> None:
    entry = write_snapshot(tmp_path, MODEL, SNAPSHOT)
    path = tmp_path / entry.snapshot
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert read_locked_snapshot(tmp_path, entry).digest() == entry.digest


def test_an_edited_snapshot_is_refused_with_the_way_to_refresh_it(tmp_path: Path) -> None:
    entry = write_snapshot(tmp_path, MODEL, SNAPSHOT)
    path = tmp_path / entry.snapshot
    path.write_text(path.read_text().replace('"text"', '"int64"'))
    with pytest.raises(LockError) as caught:
        read_locked_snapshot(tmp_path, entry)
    message = str(caught.value)
    assert message.startswith(f"{entry.snapshot} does not match its digest in pygen.lock")
    assert "run `pygen lock --upgrade` to fetch it anew, or restore it from version control" in message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "is missing"),
        ("{broken", "cannot be read"),
        ('{"snapshotFormat": 7}', "unsupported snapshot format 7"),
    ],
)
def test_a_missing_or_unreadable_snapshot_is_a_lock_error(
    tmp_path: Path, content: str | None, message: str
) -> None:
    entry = write_snapshot(tmp_path, MODEL, SNAPSHOT)
    path = tmp_path / entry.snapshot
    if content is None:
        path.unlink()
    else:
        path.write_text(content)
    with pytest.raises(LockError, match=message):
        read_locked_snapshot(tmp_path, entry)


def test_a_snapshot_of_another_model_is_refused(tmp_path: Path) -> None:
    entry = write_snapshot(tmp_path, MODEL, SNAPSHOT)
    other = LockedModel("elsewhere", "Other", "2", entry.digest, entry.snapshot)
    with pytest.raises(
        LockError, match=r"holds test_space:Model/1, not elsewhere:Other/2 as pygen.lock says"
    ):
        read_locked_snapshot(tmp_path, other)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lock-version = [", "is not valid TOML"),
        ("lock-version = 9", "lock-version 9 is not one this pygen reads"),
        ("lock-version = 1\nmodels = 3", "models must be an array of tables"),
        ('lock-version = 1\n[[models]]\nspace = "s"', r"models\[0\] is incomplete"),
        (
            'lock-version = 1\n[[models]]\nspace = "s"\nexternal-id = "M"\nversion = 1\n'
            'digest = "d"\nsnapshot = "p"',
            r"models\[0\] holds a value that is not a string",
        ),
    ],
)
def test_a_malformed_lock_says_how_to_rewrite_it(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "pygen.lock").write_text(text)
    with pytest.raises(LockError, match=message) as caught:
        read_lock(tmp_path / "pygen.lock")
    assert "run `pygen lock`" in str(caught.value)


def test_an_unreadable_lock_path_is_a_lock_error(tmp_path: Path) -> None:
    (tmp_path / "pygen.lock").mkdir()
    with pytest.raises(LockError, match="cannot be read"):
        read_lock(tmp_path / "pygen.lock")


def test_snapshots_of_models_no_longer_locked_are_pruned(tmp_path: Path) -> None:
    kept = write_snapshot(tmp_path, MODEL, SNAPSHOT)
    dropped_model = CdfModel(model_builder.SPACE, "Dropped", "1")
    dropped = write_snapshot(tmp_path, dropped_model, model_builder.snapshot([], external_id="Dropped"))
    outside = LockedModel("s", "Outside", "1", "sha256:x", "elsewhere/Outside.json")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "Outside.json").write_text("{}")
    old = Lock("1", "1", (kept, dropped, outside))
    assert prune_snapshots(tmp_path, old, [kept]) == [dropped.snapshot]
    assert not (tmp_path / dropped.snapshot).exists()
    assert (tmp_path / kept.snapshot).exists()
    # Only files under pygen-models/ are ever deleted.
    assert (tmp_path / "elsewhere" / "Outside.json").exists()
    assert prune_snapshots(tmp_path, None, [kept]) == []
