"""Writes that queue instead of failing (issue #10, part 2).

Eight processes import into one project at once; a writer that cannot get the write lock in
time says so and changes nothing; ``kill -9`` of a writer at random moments (and inside its
transaction) leaves every earlier version readable, byte for byte, and nothing beside the
store; a reader always sees a whole state; version tables the registry does not list are
dropped by the next change. Child processes are forked, so they start at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import random
import signal
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from typer.testing import CliRunner

import layers.store as store_mod
from cli import app
from layers import store_tx, store_views
from layers.errors import LayerError
from layers.store import NewLayer, ProjectStore
from layers.store_open import open_store

CTX = multiprocessing.get_context("fork")
NAMES = ("Điểm cao A", "Điểm cao B", "Điểm cao C")
WRITERS, IMPORTS = 8, 5

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")


def points(n: int, seed: int, **columns: object) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    geometry = shapely.points(rng.uniform(106.3, 107.2, n), rng.uniform(21.4, 22.3, n))
    data = {"name": [f"Điểm {seed}-{i}" for i in range(n)], **columns}
    return gpd.GeoDataFrame(data, geometry=geometry, crs=4326)


def frame_hash(gdf: gpd.GeoDataFrame) -> str:
    attrs = pd.DataFrame(gdf.drop(columns="geometry"))
    digest = hashlib.sha256(",".join(map(str, attrs.columns)).encode())
    digest.update(pd.util.hash_pandas_object(attrs, index=True).to_numpy().tobytes())
    digest.update(b"".join(shapely.to_wkb(gdf.geometry.to_numpy())))
    return digest.hexdigest()


def version_hashes(store: ProjectStore) -> dict[str, str]:
    """``{table: hash of store.read}`` of every version with data (a rename keeps tables)."""
    rows = store_mod._registry(store.path)
    return {r.table: frame_hash(store.read(r.name, r.version)) for r in rows if not r.deleted}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def integrity(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as con:
        return con.execute("PRAGMA integrity_check").fetchone()[0]


def whole_snapshot(path: Path) -> list[str]:
    """Read registry, tables and views in one read transaction; return what disagrees."""
    with store_tx.access("sqlite"), contextlib.closing(store_tx.connect_read(path)) as con:
        con.execute("BEGIN")
        rows = store_mod._registry_rows(con)
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        planned = {v.name: store_views._view_sql(con, v)
                   for v in store_views.plan_views(con, rows)}
        own = store_views._own_views(con)
        con.execute("COMMIT")
    problems = [f"{r.table} missing" for r in rows if not r.deleted and r.table not in tables]
    if own != planned:
        problems.append(f"views {sorted(own)} != {sorted(planned)}")
    return problems


# -- eight writers at once -------------------------------------------------------------------


def _writer(path: str, writer: int, start: object, results: object) -> None:
    store = open_store(path)  # a GeoPackage path or a PostGIS URL (tests/test_pg_concurrency)
    start.wait()
    for i in range(IMPORTS):
        name = NAMES[(writer + i) % len(NAMES)]
        gdf = points(20, 100 * writer + i, writer=[writer] * 20, seq=[i] * 20)
        rec = store.add_layer(NewLayer(gdf, name, "high_point", note=f"w{writer}-{i}"))
        results.put((writer, i, rec.name, rec.version))


def test_eight_writers_queue_and_all_forty_imports_land(tmp_path: Path) -> None:
    path = tmp_path / "project.gpkg"
    ProjectStore.init(path)
    start, results = CTX.Barrier(WRITERS), CTX.Queue()
    procs = [CTX.Process(target=_writer, args=(str(path), w, start, results))
             for w in range(WRITERS)]
    for p in procs:
        p.start()
    got, snapshots, problems = [], 0, []
    deadline = time.monotonic() + 120
    while len(got) < WRITERS * IMPORTS and time.monotonic() < deadline:
        problems += whole_snapshot(path)  # a reader meanwhile sees whole states only
        snapshots += 1
        with contextlib.suppress(Exception):
            got.append(results.get(timeout=0.05))
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0] * WRITERS
    assert problems == [] and snapshots > 5
    assert len(got) == WRITERS * IMPORTS

    store = ProjectStore(path)
    rows = store_mod._registry(path)
    assert len(rows) == WRITERS * IMPORTS
    for name in NAMES:
        mine = [r for r in rows if r.name == name]  # in registry (commit) order
        assert [r.version for r in mine] == list(range(1, len(mine) + 1))
        assert [r.current for r in mine] == [False] * (len(mine) - 1) + [True]
    for writer in range(WRITERS):  # each writer's own imports got increasing versions
        own = sorted((i, name, version) for w, i, name, version in got if w == writer)
        for name in NAMES:
            versions = [v for _, n, v in own if n == name]
            assert versions == sorted(versions)
    for r in rows:  # every import's data, under its own version
        gdf = store.read(r.name, r.version)
        writer, seq = (int(x) for x in r.note[1:].split("-"))
        assert len(gdf) == 20 and set(gdf["writer"]) == {writer} and set(gdf["seq"]) == {seq}
    assert sorted(r.note for r in rows) == sorted(f"w{w}-{i}" for w in range(WRITERS)
                                                  for i in range(IMPORTS))
    assert integrity(path) == "ok"
    store_mod._verify(path)
    assert store.layer_views() == {n: n for n in NAMES}
    for name in NAMES:
        view = pyogrio.read_dataframe(path, layer=name)
        assert frame_hash(view) == frame_hash(store.read(name))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project.gpkg"]


def test_threads_of_one_process_share_a_store_safely(tmp_path: Path) -> None:
    """The app serves users from threads: GDAL reads and sqlite3 changes take turns."""
    store = ProjectStore.init(tmp_path / "project.gpkg")
    store.add_layer(NewLayer(points(200, 0), NAMES[0], "high_point"))
    errors: list[BaseException] = []
    done = threading.Event()

    def write(t: int) -> None:
        try:
            for i in range(3):
                gdf = points(30, 10 * t + i, writer=[t] * 30)
                store.add_layer(NewLayer(gdf, NAMES[(t + i) % 3], "high_point"))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    def read() -> None:
        try:
            while not done.is_set():
                for rec in store.layers():
                    assert len(store.read(rec.name, rec.version)) == rec.feature_count
                assert whole_snapshot(store.path) == []
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    writers = [threading.Thread(target=write, args=(t,)) for t in range(4)]
    reader = threading.Thread(target=read)
    reader.start()
    for w in writers:
        w.start()
    for w in writers:
        w.join(60)
    done.set()
    reader.join(60)
    assert errors == []
    rows = store_mod._registry(store.path)
    assert len(rows) == 13
    for name in NAMES:
        assert [r.version for r in rows if r.name == name] == list(
            range(1, 1 + sum(r.name == name for r in rows)))
    assert integrity(store.path) == "ok"


def test_the_access_gate_keeps_the_two_sqlite_libraries_apart() -> None:
    order: list[str] = []
    inside = threading.Event()

    def gdal_user() -> None:
        with store_tx.access("gdal"):
            inside.set()
            time.sleep(0.2)
            order.append("gdal done")

    thread = threading.Thread(target=gdal_user)
    thread.start()
    assert inside.wait(5)
    with store_tx.access("gdal"):  # the same library: no wait
        order.append("gdal shared")
    with store_tx.access("sqlite"):  # the other one waits for it
        order.append("sqlite")
    thread.join(5)
    assert order == ["gdal shared", "gdal done", "sqlite"]
    with store_tx.access("sqlite"), pytest.raises(RuntimeError, match="wait for itself"):
        with store_tx.access("gdal"):
            pass


# -- a writer that cannot get the lock in time ------------------------------------------------


def _hold_write_lock(path: str, ready: object, release: object) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    ready.set()
    release.wait(30)
    con.execute("ROLLBACK")
    con.close()


def test_a_writer_that_cannot_get_the_lock_in_time_fails_clearly_and_changes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProjectStore.init(tmp_path / "project.gpkg")
    store.add_layer(NewLayer(points(5, 1), "Điểm cao A", "high_point"))
    before, rows_before = sha256(store.path), store_mod._registry(store.path)
    ready, release = CTX.Event(), CTX.Event()
    holder = CTX.Process(target=_hold_write_lock, args=(str(store.path), ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        monkeypatch.setattr(store_tx, "write_wait_s", 0.3)
        started = time.monotonic()
        with pytest.raises(LayerError) as info:
            store.add_layer(NewLayer(points(5, 2), "Điểm cao A", "high_point"))
        assert 0.3 <= time.monotonic() - started < 5
        assert info.value.key == "store_busy"
        assert str(info.value).startswith(
            "The project project.gpkg is busy with another change for more than 0.3 s; "
            "nothing was saved. Try again")
        assert "đang bận" in info.value.text("vi")
        with pytest.raises(LayerError, match="busy with another change"):
            store.delete("Điểm cao A")
        res = CliRunner().invoke(app, ["rename", str(store.path), "Điểm cao A", "B"])
        assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1
        assert "busy with another change for more than 0.3 s" in res.stderr
        assert sha256(store.path) == before
        assert store_mod._registry(store.path) == rows_before
        # with time to wait, the change waits its turn and lands
        monkeypatch.setattr(store_tx, "write_wait_s", 20.0)
        timer = CTX.Process(target=_release_later, args=(release, 0.5))
        timer.start()
        rec = store.add_layer(NewLayer(points(5, 3), "Điểm cao A", "high_point"))
        assert rec.version == 2 and time.monotonic() - started > 0.5
        timer.join(10)
    finally:
        release.set()
        holder.join(10)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project.gpkg"]


def _release_later(release: object, delay: float) -> None:
    time.sleep(delay)
    release.set()


# -- kill -9 -----------------------------------------------------------------------------------


def _busy_writer(path: str, seed: int, ready: object) -> None:
    """Change the store without a pause, in every way the store can change."""
    rng = random.Random(seed)
    store = open_store(path)
    ready.set()
    for step in range(10_000):
        op = rng.random()
        with contextlib.suppress(LayerError):
            if op < 0.35:
                store.add_layer(NewLayer(points(1500, seed * 1000 + step), rng.choice(NAMES),
                                         "high_point"))
            elif op < 0.55:
                name = rng.choice(NAMES)
                store.restore(name, rng.choice([r.version for r in store.versions(name)]))
            elif op < 0.65:
                store.rename(NAMES[0], "Điểm cao tạm")
                store.rename("Điểm cao tạm", NAMES[0])
            elif op < 0.8:
                store.delete(NAMES[1])
                store.undelete(NAMES[1])
            else:
                store.write_records("exercises", pd.DataFrame({"year": [2020 + step % 7]}))


def _check_after_kill(store_path: Path, known: dict[str, str],
                      rng: random.Random | None = None) -> None:
    """The store opens and is sound; earlier versions read back identical.

    With ``rng``, the versions already checked after an earlier kill are re-read only as a
    sample of 8 (every one is re-read at the end, without ``rng``).
    """
    store = ProjectStore(store_path)  # opens (rolling back the killed change's journal)
    assert integrity(store_path) == "ok"
    store_mod._verify(store_path)
    assert whole_snapshot(store_path) == []
    rows = {r.table: r for r in store_mod._registry(store_path) if not r.deleted}
    assert set(known) <= set(rows)  # no version with data is lost
    check = set(rows) - set(known)
    check |= set(rng.sample(sorted(known), min(8, len(known)))) if rng else set(known)
    for table in sorted(check):
        got = frame_hash(store.read(rows[table].name, rows[table].version))
        assert known.setdefault(table, got) == got, table  # identical to what it was
    # beside the store, at most SQLite's own journal of the killed change (not "hot": no
    # byte of the store was written yet; the next change reuses and removes it)
    assert {p.name for p in store_path.parent.iterdir()} <= {"project.gpkg",
                                                             "project.gpkg-journal"}
    registry = store_mod._registry(store_path)
    names = {r.name for r in registry}
    assert all(sum(r.current for r in registry if r.name == n) == 1 for n in names)


def test_kill_9_at_random_moments_leaves_every_earlier_version_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, stages = tmp_path / "project", tmp_path / "tmp"
    folder.mkdir()
    stages.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(stages))  # where the writers stage tables
    store = ProjectStore.init(folder / "project.gpkg")
    for i, name in enumerate(NAMES):
        store.add_layer(NewLayer(points(50, i), name, "high_point"))
    known = version_hashes(store)
    rng = random.Random(20261201)
    delays = sorted(rng.uniform(0.05, 1.0) for _ in range(12))
    for kill, delay in enumerate(delays):
        ready = CTX.Event()
        child = CTX.Process(target=_busy_writer, args=(str(store.path), kill, ready))
        child.start()
        assert ready.wait(10)
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
        assert child.exitcode == -signal.SIGKILL
        _check_after_kill(store.path, known, rng)
    assert len(known) > len(NAMES)  # the writers did commit changes between the kills
    store.add_layer(NewLayer(points(5, 99), NAMES[2], "high_point"))  # and the store goes on
    _check_after_kill(store.path, known)
    assert sorted(p.name for p in folder.iterdir()) == ["project.gpkg"]


def _pause_inside_change(path: str, change: str, inside: object, hold: float) -> None:
    """Start ``change`` and stop inside its transaction, after all its writes."""
    real = store_mod._check_change

    def paused(con, rows, before):
        real(con, rows, before)
        inside.set()
        time.sleep(hold)

    store_mod._check_change = paused
    run_change(ProjectStore(path), change)


def run_change(store: object, change: str) -> None:
    """Make ``change`` (add, purge or records) in ``store``: a new version, a purge, a table."""
    if change == "add":
        store.add_layer(NewLayer(points(3000, 7), NAMES[0], "high_point"))
    elif change == "purge":
        store.purge(NAMES[1])
    else:
        store.write_records("exercises", pd.DataFrame({"year": [1999]}))


@pytest.mark.parametrize("change", ["add", "purge", "records"])
def test_a_change_killed_inside_its_transaction_leaves_no_trace(
        tmp_path: Path, change: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # its stage: beside, not inside
    (tmp_path / "project").mkdir()
    store = ProjectStore.init(tmp_path / "project" / "project.gpkg")
    for i, name in enumerate(NAMES):
        store.add_layer(NewLayer(points(50, i), name, "high_point"))
    store.write_records("exercises", pd.DataFrame({"year": [2024]}))
    known, before = version_hashes(store), sha256(store.path)
    inside = CTX.Event()
    child = CTX.Process(target=_pause_inside_change,
                        args=(str(store.path), change, inside, 30.0))
    child.start()
    assert inside.wait(20)
    # a reader meanwhile sees the state before the change, whole
    assert whole_snapshot(store.path) == []
    assert version_hashes(ProjectStore(store.path)) == known
    assert store.read_records("exercises")["year"].tolist() == [2024]
    os.kill(child.pid, signal.SIGKILL)
    child.join(10)
    _check_after_kill(store.path, dict(known))
    assert version_hashes(store) == known
    assert store.read_records("exercises")["year"].tolist() == [2024]
    assert sha256(store.path) == before  # the killed change was rolled back whole
    store.add_layer(NewLayer(points(5, 8), NAMES[2], "high_point"))
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["project.gpkg"]


# -- leftovers of other tools and of older versions --------------------------------------------


def test_the_next_change_drops_unregistered_version_tables_only(tmp_path: Path) -> None:
    store = ProjectStore.init(tmp_path / "project.gpkg")
    store.add_layer(NewLayer(points(10, 1), NAMES[0], "high_point"))
    # a version table nobody registered (e.g. written by another tool), a user's own table,
    # and files an older KVPT Planner left when it was killed
    pyogrio.write_dataframe(points(10, 2), store.path, layer="diem_cao_a__v7", driver="GPKG")
    pyogrio.write_dataframe(pd.DataFrame({"style": ["x"]}), store.path, layer="layer_styles",
                            driver="GPKG")
    (tmp_path / ".project.abcd1234.kvpt-tmp.gpkg").write_bytes(b"old copy")
    (tmp_path / ".project.abcd1234.kvpt-tmp.gpkg-journal").write_bytes(b"")
    (tmp_path / ".project.efgh5678.kvpt-init").mkdir()
    (tmp_path / ".other.abcd1234.kvpt-tmp.gpkg").write_bytes(b"another project's")
    assert "diem_cao_a__v7" in {str(n) for n, _ in pyogrio.list_layers(store.path)}
    rec = store.add_layer(NewLayer(points(10, 3), NAMES[0], "high_point"))
    assert rec.version == 2
    listed = {str(n) for n, _ in pyogrio.list_layers(store.path)}
    assert "diem_cao_a__v7" not in listed and "layer_styles" in listed
    with contextlib.closing(sqlite3.connect(store.path)) as con:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master")]
        contents = [r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")]
    assert not [n for n in names + contents if "__v7" in n]
    assert integrity(store.path) == "ok"
    store_mod._verify(store.path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.abcd1234.kvpt-tmp.gpkg",
                                                          "project.gpkg"]


def test_a_store_another_tool_switched_to_wal_keeps_working(tmp_path: Path) -> None:
    store = ProjectStore.init(tmp_path / "project.gpkg")
    store.add_layer(NewLayer(points(10, 1), NAMES[0], "high_point"))
    with contextlib.closing(sqlite3.connect(store.path)) as con:  # as QGIS does for editing
        assert con.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
    store.add_layer(NewLayer(points(12, 2), NAMES[0], "high_point"))
    store.restore(NAMES[0], 1)
    assert [len(store.read(NAMES[0], v)) for v in (1, 2, 3)] == [10, 12, 10]
    assert len(pyogrio.read_dataframe(store.path, layer=NAMES[0])) == 10
    with contextlib.closing(sqlite3.connect(store.path)) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert integrity(store.path) == "ok"
