"""The R-tree packer (layers/rtree_bulk.py) against SQLite's own R-tree.

Every packed tree must pass SQLite's ``rtreecheck``, hold one entry per feature whose
single-precision box contains the feature's box, answer window queries with exactly the
entries whose stored box meets the window (a brute-force filter of the boxes SQLite reads
back), and stay a tree SQLite can change (insert, delete) afterwards.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from layers import rtree_bulk


def _new_rtree() -> tuple[sqlite3.Connection, int]:
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE r USING rtree(id, minx, maxx, miny, maxy)")
    size = con.execute("SELECT length(data) FROM r_node WHERE nodeno = 1").fetchone()[0]
    return con, size


def _boxes(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled ids (not 1..n) and boxes over Lạng Sơn, some of them points."""
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(106.0, 107.4, n), rng.uniform(21.3, 22.5, n)
    w = np.where(rng.random(n) < 0.5, 0.0, rng.uniform(0, 0.05, n))
    h = np.where(w == 0, 0.0, rng.uniform(0, 0.05, n))
    ids = rng.permutation(n) * 7 + 3
    return ids, np.column_stack([x, x + w, y, y + h])


def _window(con: sqlite3.Connection, q: tuple[float, float, float, float]) -> set[int]:
    return {r[0] for r in con.execute(
        "SELECT id FROM r WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?", q)}


@pytest.mark.parametrize("n", [1, 2, 51, 52, 2601, 2602, 30_000])
def test_packed_tree_is_sound_and_answers_like_brute_force(n: int) -> None:
    con, size = _new_rtree()
    ids, boxes = _boxes(n, n)
    tree = rtree_bulk.pack(ids, boxes, size)
    rtree_bulk.write(con, "r", tree)
    assert con.execute("SELECT rtreecheck('r')").fetchone()[0] == "ok"
    stored = np.array(con.execute("SELECT id, minx, maxx, miny, maxy FROM r ORDER BY id")
                      .fetchall())
    order = np.argsort(ids)
    assert stored[:, 0].astype(np.int64).tolist() == ids[order].tolist()
    # every stored (single precision) box holds the feature's exact box
    exact = boxes[order]
    assert (stored[:, 1] <= exact[:, 0]).all() and (stored[:, 2] >= exact[:, 1]).all()
    assert (stored[:, 3] <= exact[:, 2]).all() and (stored[:, 4] >= exact[:, 3]).all()
    rng = np.random.default_rng(1)
    for _ in range(5):
        x0, y0 = rng.uniform(106.0, 107.2), rng.uniform(21.3, 22.3)
        q = (x0, x0 + 0.2, y0, y0 + 0.15)
        hit = ((stored[:, 2] >= q[0]) & (stored[:, 1] <= q[1])
               & (stored[:, 4] >= q[2]) & (stored[:, 3] <= q[3]))
        assert _window(con, q) == set(stored[hit, 0].astype(np.int64).tolist())


def test_depth_root_and_full_nodes() -> None:
    """52 entries need two leaves under a root: depth 1, node 1 the root, 51 + 1 cells."""
    con, size = _new_rtree()
    ids, boxes = _boxes(52, 5)
    tree = rtree_bulk.pack(ids, boxes, size)
    rtree_bulk.write(con, "r", tree)
    assert tree.depth == 1 and size == 4 + 24 * 51
    root = con.execute("SELECT data FROM r_node WHERE nodeno = 1").fetchone()[0]
    assert int.from_bytes(root[:2], "big") == 1 and int.from_bytes(root[2:4], "big") == 2
    counts = sorted(int.from_bytes(d[2:4], "big") for (d,) in con.execute(
        "SELECT data FROM r_node WHERE nodeno <> 1"))
    assert counts == [1, 51]
    parents = con.execute("SELECT nodeno, parentnode FROM r_parent ORDER BY nodeno").fetchall()
    assert parents == [(2, 1), (3, 1)]


def test_outward_rounding_to_single_precision() -> None:
    """0.1 is not a float32: the minimum goes one step down, the maximum one step up."""
    out = rtree_bulk.outward_f32(np.array([[0.1, 0.1, 0.5, 0.5]]))
    low, high = float(out[0, 0]), float(out[0, 1])
    assert low < 0.1 < high
    assert np.nextafter(np.float32(low), np.float32(1)) == np.float32(high)
    assert float(out[0, 2]) == float(out[0, 3]) == 0.5  # exact in float32: unchanged


def test_sqlite_changes_a_packed_tree_afterwards() -> None:
    """Inserts and deletes through SQLite (what the GeoPackage triggers do) keep it sound."""
    con, size = _new_rtree()
    ids, boxes = _boxes(5000, 9)
    rtree_bulk.write(con, "r", rtree_bulk.pack(ids, boxes, size))
    gone = ids[:300].tolist()
    con.executemany("DELETE FROM r WHERE id = ?", [(i,) for i in gone])
    con.executemany("INSERT INTO r VALUES (?, ?, ?, ?, ?)",
                    [(10**6 + i, 106.5 + i * 1e-4, 106.5 + i * 1e-4, 21.5, 21.5)
                     for i in range(400)])
    assert con.execute("SELECT rtreecheck('r')").fetchone()[0] == "ok"
    assert con.execute("SELECT COUNT(*) FROM r").fetchone()[0] == 5000 - 300 + 400
    found = _window(con, (106.49, 106.541, 21.49, 21.51))
    assert {10**6 + i for i in range(400)} <= found
    assert not set(gone) & found


def test_pack_refuses_mismatched_input() -> None:
    with pytest.raises(ValueError, match="one box per feature"):
        rtree_bulk.pack(np.arange(3), np.zeros((2, 4)), 1228)
    with pytest.raises(ValueError, match="fewer than 2 cells"):
        rtree_bulk.pack(np.arange(3), np.zeros((3, 4)), 40)
