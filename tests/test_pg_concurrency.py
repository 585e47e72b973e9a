"""The PostGIS store under concurrent writers and ``kill -9`` (issue #10 part 4).

The same contract as ``tests/test_store_concurrency.py`` for the GeoPackage store: 8
processes × 5 imports into one project all land, in version order, while a reader sees
whole states only; a writer that cannot get the lock in time fails clearly and changes
nothing; ``kill -9`` of a writer at random moments never loses or tears a version.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import time
from typing import Any

import pandas as pd
import pytest
from test_store_concurrency import (
    CTX,
    IMPORTS,
    NAMES,
    WRITERS,
    _busy_writer,
    _writer,
    frame_hash,
    points,
    run_change,
)

from layers import pg_connect, pg_store, store_tx
from layers.errors import LayerError
from layers.store import NewLayer
from layers.store_open import open_store
from pg_support import connect, fingerprint

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")

_BASE = {"kvpt_meta", "kvpt_layers", "kvpt_users", "kvpt_audit"}


def snapshot_problems(store: Any) -> list[str]:
    """Read registry, tables and views in one snapshot; return what disagrees."""
    with store._reading() as con:
        rows = pg_store.registry_rows(con)
        tables = pg_connect.table_names(con, store.schema)
        views = pg_store._views(con)
    problems = [f"{r.table} missing" for r in rows if not r.deleted and r.table not in tables]
    live = {r.name for r in rows if r.current and not r.deleted}
    if set(views) != live or not set(views.values()) <= tables:
        problems.append(f"views {sorted(views)} != layers {sorted(live)}")
    return problems


def version_hashes(store: Any) -> dict[str, str]:
    return {r.table: frame_hash(store.read(r.name, r.version))
            for r in store._registry() if not r.deleted}


def test_eight_writers_queue_and_all_forty_imports_land(pg_url) -> None:
    url = pg_url()
    store = pg_store.PgStore.init(url)
    start, results = CTX.Barrier(WRITERS), CTX.Queue()
    procs = [CTX.Process(target=_writer, args=(url, w, start, results))
             for w in range(WRITERS)]
    for p in procs:
        p.start()
    got, snapshots, problems = [], 0, []
    deadline = time.monotonic() + 180
    while len(got) < WRITERS * IMPORTS and time.monotonic() < deadline:
        problems += snapshot_problems(store)  # a reader meanwhile sees whole states only
        snapshots += 1
        with contextlib.suppress(Exception):
            got.append(results.get(timeout=0.05))
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0] * WRITERS
    assert problems == [] and snapshots > 5 and len(got) == WRITERS * IMPORTS
    rows = store._registry()
    assert len(rows) == WRITERS * IMPORTS
    for name in NAMES:
        mine = [r for r in rows if r.name == name]  # in registry (commit) order
        assert [r.version for r in mine] == list(range(1, len(mine) + 1))
        assert [r.current for r in mine] == [False] * (len(mine) - 1) + [True]
    for r in rows:  # every import's data, under its own version
        gdf = store.read(r.name, r.version)
        writer, seq = (int(x) for x in r.note[1:].split("-"))
        assert len(gdf) == 20 and set(gdf["writer"]) == {writer} and set(gdf["seq"]) == {seq}
    assert sorted(r.note for r in rows) == sorted(f"w{w}-{i}" for w in range(WRITERS)
                                                  for i in range(IMPORTS))
    assert store.layer_views() == {n: n for n in NAMES}
    with connect(url) as con:  # the view shows the current version, row for row
        for name in NAMES:
            view = con.execute(f'SELECT name FROM "{store.schema}"."{name}" ORDER BY fid')
            assert [r[0] for r in view] == store.read(name)["name"].tolist()


def test_a_writer_that_cannot_get_the_lock_in_time_fails_clearly_and_changes_nothing(
        pg_url, monkeypatch: pytest.MonkeyPatch) -> None:
    url = pg_url()
    store = pg_store.PgStore.init(url)
    store.add_layer(NewLayer(points(5, 1), NAMES[0], "high_point"))
    before = fingerprint(store)
    monkeypatch.setattr(store_tx, "write_wait_s", 1.0)
    with connect(url) as holder:  # another change holds the project's lock
        holder.execute("SELECT pg_advisory_lock(hashtext(%s))", (f"kvpt:{store.schema}",))
        started = time.monotonic()
        with pytest.raises(LayerError, match=r"busy with another change for more than 1 s"):
            store.add_layer(NewLayer(points(5, 2), NAMES[0], "high_point"))
        assert 0.9 < time.monotonic() - started < 10
        assert fingerprint(store) == before
        assert store.read(NAMES[0]).shape[0] == 5  # readers never wait
    assert store.add_layer(NewLayer(points(5, 2), NAMES[0], "high_point")).version == 2


def _check_after_kill(url: str, known: dict[str, str]) -> None:
    """The project opens and is sound; every earlier version reads back identical."""
    store = open_store(url)
    assert snapshot_problems(store) == []
    registry = store._registry()
    rows = {r.table: r for r in registry if not r.deleted}
    assert set(known) <= set(rows)  # no version with data is lost
    for table in sorted(set(rows) - set(known)) + rng_sample(known):
        got = frame_hash(store.read(rows[table].name, rows[table].version))
        assert known.setdefault(table, got) == got, table
    names = {r.name for r in registry}
    assert all(sum(r.current for r in registry if r.name == n) == 1 for n in names)
    with store._reading() as con:  # no table the registry does not know (no torn change)
        tables = pg_connect.table_names(con, store.schema)
    views = set(store.layer_views().values())
    assert tables - views - _BASE - {"kvpt_rec_exercises"} == set(rows)


def rng_sample(known: dict[str, str]) -> list[str]:
    return random.Random(len(known)).sample(sorted(known), min(8, len(known)))


def test_kill_9_at_random_moments_leaves_every_earlier_version_whole(pg_url) -> None:
    url = pg_url()
    store = pg_store.PgStore.init(url)
    for i, name in enumerate(NAMES):
        store.add_layer(NewLayer(points(50, i), name, "high_point"))
    known = version_hashes(store)
    rng = random.Random(20261201)
    delays = sorted(rng.uniform(0.05, 1.5) for _ in range(10))
    for kill, delay in enumerate(delays):
        ready = CTX.Event()
        child = CTX.Process(target=_busy_writer, args=(url, kill, ready))
        child.start()
        assert ready.wait(20)
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
        assert child.exitcode == -signal.SIGKILL
        _check_after_kill(url, known)
    assert len(known) > len(NAMES)  # the writers did commit changes between the kills
    # the server noticed the dead clients: their locks are gone, the next change goes on
    rec = store.add_layer(NewLayer(points(5, 99), NAMES[2], "high_point"))
    assert rec.current and len(store.read(NAMES[2])) == 5
    _check_after_kill(url, known)


def _pause_inside_change(url: str, change: str, inside: Any, hold: float) -> None:
    """Start ``change`` and stop inside its transaction, after all its writes and checks."""
    real = pg_store.check_change

    def paused(con, schema, rows, before) -> None:
        real(con, schema, rows, before)
        inside.set()
        time.sleep(hold)

    pg_store.check_change = paused
    run_change(open_store(url), change)


@pytest.mark.parametrize("change", ["add", "purge", "records"])
def test_a_change_killed_inside_its_transaction_leaves_no_trace(pg_url, change: str) -> None:
    url = pg_url()
    store = pg_store.PgStore.init(url)
    for i, name in enumerate(NAMES):
        store.add_layer(NewLayer(points(50, i), name, "high_point"))
    store.write_records("exercises", pd.DataFrame({"year": [2024]}))
    known, before = version_hashes(store), fingerprint(store)
    inside = CTX.Event()
    child = CTX.Process(target=_pause_inside_change, args=(url, change, inside, 30.0))
    child.start()
    assert inside.wait(30)
    # a reader meanwhile sees the state before the change, whole, without waiting for it
    # (only a reader of the very layer being purged waits: DROP TABLE locks it)
    started = time.monotonic()
    assert snapshot_problems(store) == []
    purged = {r.table for r in store.versions(NAMES[1])} if change == "purge" else set()
    seen = {r.table: frame_hash(store.read(r.name, r.version))
            for r in store._registry() if not r.deleted and r.table not in purged}
    assert seen == {t: h for t, h in known.items() if t not in purged}
    assert store.read_records("exercises")["year"].tolist() == [2024]
    assert time.monotonic() - started < 15  # the change holds its transaction for 30 s
    os.kill(child.pid, signal.SIGKILL)
    child.join(10)
    deadline = time.monotonic() + 20  # the server notices the dead client and rolls back
    while fingerprint(store) != before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert fingerprint(store) == before
    _check_after_kill(url, dict(known))
    assert store.add_layer(NewLayer(points(5, 8), NAMES[2], "high_point")).version == 2
