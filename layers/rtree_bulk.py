"""Bulk loading of a GeoPackage spatial index (an SQLite R-tree) from bounding boxes.

GDAL builds the R-tree of a new GeoPackage table after writing its rows; for a million
points that is more than half the time of the write. This module builds the same index
from the boxes the features already have in memory, packed with *sort-tile-recursive*
(STR) order, and writes SQLite's R-tree tables directly:

``<rtree>_node``
    One row per node: a blob of 2 bytes (the tree's depth, in the root only), 2 bytes (the
    number of cells), then the cells, each an 8-byte id (a feature id in a leaf, a child
    node number above) and 4 single-precision floats ``minx, maxx, miny, maxy``, all
    big-endian, zero-padded to the node size SQLite chose. The root is node 1.
``<rtree>_parent``
    ``nodeno -> parentnode`` for every node but the root.
``<rtree>_rowid``
    ``feature id -> leaf node``.

Boxes are rounded outward to single precision, as SQLite does, so that every box holds its
feature. SQLite's ``rtreecheck`` accepts the result (the store checks every index it
copies, :func:`layers.store_tables.check_table`). Nothing here knows GeoPackage's triggers
or bookkeeping: :mod:`layers.store_tables` takes those from GDAL.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass

import numpy as np

MAX_CELLS = 51
"""SQLite's ``RTREE_MAXCELLS``: at most this many cells in a node of any size."""

NODE_SIZE = 4 + 24 * MAX_CELLS
"""Bytes of a node of a 2-D R-tree SQLite makes in a file of 4,096-byte pages (the
GeoPackages GDAL writes, and SQLite's default): ``min(page size - 64, 4 + 24 * 51)``."""

_CELL = np.dtype([("id", ">i8"), ("box", ">f4", (4,))])  # 24 bytes, as SQLite stores it


@dataclass
class PackedTree:
    """An R-tree ready to write.

    Attributes
    ----------
    nodes : list of tuple
        ``(node number, blob)``; node 1 is the root.
    parents : ndarray
        ``(node number, parent node number)`` rows, shape ``(nodes - 1, 2)``.
    leaves : ndarray
        ``(feature id, leaf node number)`` rows sorted by feature id, shape ``(n, 2)``.
    depth : int
        Levels above the leaves (0: the root is the only leaf).
    """

    nodes: list[tuple[int, bytes]]
    parents: np.ndarray
    leaves: np.ndarray
    depth: int
    _leaves_json: str | None = None
    _nodes_blob: bytes | None = None

    def nodes_blob(self) -> tuple[bytes, int, int]:
        """Return the node blobs of nodes 1, 2, ... joined, the size of one, and the count."""
        if self._nodes_blob is None:
            ordered = sorted(self.nodes)
            if [n for n, _ in ordered] != list(range(1, len(ordered) + 1)):
                msg = "packed nodes are not numbered 1..n"
                raise RuntimeError(msg)
            self._nodes_blob = b"".join(data for _, data in ordered)
        return self._nodes_blob, len(self.nodes[0][1]), len(self.nodes)

    def leaves_json(self) -> str | None:
        """Return the leaf rows as one JSON array of ``id << 24 | node`` numbers (made once).

        ``None`` when an id needs 39 bits or more, or there are 2**24 nodes or more: the
        rows then go one by one.
        """
        leaves = self.leaves
        if len(leaves) and (leaves[:, 0].min() < 0 or leaves[:, 0].max() >= 2**39
                            or leaves[:, 1].max() >= 2**24):
            return None
        if self._leaves_json is None:
            packed = (leaves[:, 0] << 24) | leaves[:, 1]
            self._leaves_json = "[" + ",".join(map(str, packed.tolist())) + "]"
        return self._leaves_json


def outward_f32(boxes: np.ndarray) -> np.ndarray:
    """Return ``(n, 4)`` boxes ``minx, maxx, miny, maxy`` in float32, rounded outward.

    A minimum is rounded down and a maximum up, so that the float32 box holds the
    float64 one (SQLite's R-tree rounds the same way).
    """
    boxes = np.asarray(boxes, dtype=np.float64)
    out = boxes.astype(np.float32)
    low, high = [0, 2], [1, 3]
    over = out[:, low].astype(np.float64) > boxes[:, low]
    out[:, low] = np.where(over, np.nextafter(out[:, low], np.float32(-np.inf)), out[:, low])
    under = out[:, high].astype(np.float64) < boxes[:, high]
    out[:, high] = np.where(under, np.nextafter(out[:, high], np.float32(np.inf)),
                            out[:, high])
    return out


def pack(ids: np.ndarray, boxes: np.ndarray, node_size: int) -> PackedTree:
    """Pack features into an R-tree (sort-tile-recursive order, full nodes).

    Parameters
    ----------
    ids : ndarray of int
        Feature ids (unique).
    boxes : ndarray
        ``(n, 4)`` float64 ``minx, maxx, miny, maxy`` of each feature.
    node_size : int
        Bytes of a node blob (the length SQLite gave the root of the new R-tree).

    Returns
    -------
    PackedTree

    Raises
    ------
    ValueError
        If there are no features, ids and boxes differ in length, a node holds fewer
        than 2 cells, or the tree needs 2**24 nodes or more (some 850 million features).
    """
    ids = np.asarray(ids, dtype=np.int64)
    if len(ids) == 0 or len(ids) != len(boxes):
        msg = f"pack needs one box per feature, got {len(ids)} ids and {len(boxes)} boxes"
        raise ValueError(msg)
    cells = min(MAX_CELLS, (node_size - 4) // _CELL.itemsize)
    if cells < 2:
        msg = f"an R-tree node of {node_size} bytes holds fewer than 2 cells"
        raise ValueError(msg)
    levels, order = _levels(ids, outward_f32(boxes), cells)  # leaves first
    if sum(count for _, _, count in levels) >= 2**24:  # (node numbers fit 24 bits in write)
        msg = f"{len(ids)} features need 2**24 R-tree nodes or more; split the layer"
        raise ValueError(msg)
    depth = len(levels) - 1
    first = _numbers(levels)
    nodes: list[tuple[int, bytes]] = []
    parents = [np.empty((0, 2), dtype=np.int64)]
    for level, (child_ids, child_boxes, count) in enumerate(levels):
        numbers = first[level] + np.arange(count)
        owner = np.repeat(numbers, _sizes(len(child_ids), cells))  # node of each child
        if level:  # children are positions in the level below: make them node numbers
            child_ids = child_ids + first[level - 1]
            parents.append(np.column_stack([child_ids, owner]))
        else:
            leaf_of = np.empty(len(ids), dtype=np.int64)
            leaf_of[order] = owner  # back in the order of ``ids``
        blobs = _blobs(child_ids, child_boxes, count, cells, node_size,
                       depth if level == depth else None)
        nodes += list(zip(numbers.tolist(), blobs, strict=True))
    by_id = np.argsort(ids, kind="stable") if (np.diff(ids) < 0).any() else slice(None)
    leaves = np.column_stack([ids, leaf_of])[by_id]
    return PackedTree(nodes, np.concatenate(parents), leaves, depth)


def write(con: sqlite3.Connection, rtree: str, tree: PackedTree) -> None:
    """Replace the content of the (new, empty) R-tree ``rtree`` by ``tree``.

    ``con`` must not have read the R-tree through the virtual table since it was created
    (SQLite would keep its own copy of the root).
    """
    name = rtree.replace('"', '""')
    con.execute(f'DELETE FROM "{name}_node"')
    blob, size, count = tree.nodes_blob()  # nodes 1..count, one statement (no GIL)
    con.execute(f'INSERT INTO "{name}_node" (nodeno, data) SELECT key + 1, '
                f"substr(?, key * {size} + 1, {size}) FROM json_each(?)",
                (blob, "[" + ",".join(["0"] * count) + "]"))
    parents = (tree.parents[:, 0] << 24) | tree.parents[:, 1]  # node numbers < 2**24
    con.execute(f'INSERT INTO "{name}_parent" (nodeno, parentnode) SELECT value >> 24, '
                f"value & {2**24 - 1} FROM json_each(?)",
                ("[" + ",".join(map(str, parents.tolist())) + "]",))
    table = f'"{name}_rowid"'
    rows = tree.leaves_json()  # one JSON array that SQLite splits: 3x faster than bound rows
    if rows is None:
        con.executemany(f"INSERT INTO {table} (rowid, nodeno) VALUES (?, ?)",
                        tree.leaves.tolist())
    else:
        con.execute(f"INSERT INTO {table} (rowid, nodeno) SELECT value >> 24, "
                    f"value & {2**24 - 1} FROM json_each(?)", (rows,))


# -- helpers ---------------------------------------------------------------------------------


def _levels(ids: np.ndarray, boxes: np.ndarray,
            cells: int) -> tuple[list[tuple[np.ndarray, np.ndarray, int]], np.ndarray]:
    """Return each level as (children in node order, their boxes, node count), leaves first.

    Above the leaves a child is the position of a node in the level below. Also returns
    the order of the leaf level (positions in ``ids``).
    """
    levels = []
    leaf_order = None
    while True:
        order = _str_order(boxes, cells)
        leaf_order = order if leaf_order is None else leaf_order
        ids, boxes = ids[order], boxes[order]
        count = math.ceil(len(ids) / cells)
        levels.append((ids, boxes, count))
        if count == 1:
            return levels, leaf_order
        starts = np.arange(count) * cells
        boxes = np.column_stack([np.minimum.reduceat(boxes[:, 0], starts),
                                 np.maximum.reduceat(boxes[:, 1], starts),
                                 np.minimum.reduceat(boxes[:, 2], starts),
                                 np.maximum.reduceat(boxes[:, 3], starts)])
        ids = np.arange(count, dtype=np.int64)


def _str_order(boxes: np.ndarray, cells: int) -> np.ndarray:
    """Sort-tile-recursive order: vertical slices by x centre, each sorted by y centre."""
    n = len(boxes)
    if n <= cells:
        return np.arange(n)
    cx = boxes[:, 0].astype(np.float64) + boxes[:, 1]
    cy = boxes[:, 2].astype(np.float64) + boxes[:, 3]
    per_slice = math.ceil(math.sqrt(math.ceil(n / cells))) * cells
    slices = np.empty(n, dtype=np.int64)
    slices[np.argsort(cx)] = np.arange(n) // per_slice
    by_y = np.argsort(cy)
    key = slices[by_y]  # a stable sort by slice keeps each slice in y order
    key = key.astype(np.int16) if key.max() < 2**15 else key  # (16 bits: a radix sort)
    return by_y[np.argsort(key, kind="stable")]


def _numbers(levels: list[tuple[np.ndarray, np.ndarray, int]]) -> list[int]:
    """First node number of each level: the root is 1, then each level below in turn."""
    first = [0] * len(levels)
    nxt = 1
    for level in range(len(levels) - 1, -1, -1):
        first[level] = nxt
        nxt += levels[level][2]
    return first


def _sizes(children: int, cells: int) -> np.ndarray:
    """Cells in each node: full nodes, the last one holding the rest."""
    count = math.ceil(children / cells)
    sizes = np.full(count, cells, dtype=np.int64)
    sizes[-1] = children - (count - 1) * cells
    return sizes


def _blobs(ids: np.ndarray, boxes: np.ndarray, count: int, cells: int, node_size: int,
           depth: int | None) -> list[bytes]:
    """Node blobs of one level (``depth`` written in the root only)."""
    packed = np.zeros(count * cells, dtype=_CELL)
    packed["id"][:len(ids)] = ids
    packed["box"][:len(ids)] = boxes
    raw = np.zeros((count, node_size), dtype=np.uint8)
    raw[:, 4:4 + cells * _CELL.itemsize] = packed.view(np.uint8).reshape(count, -1)
    sizes = _sizes(len(ids), cells)
    raw[:, 2], raw[:, 3] = sizes >> 8, sizes & 0xFF
    if depth is not None:
        raw[0, 0], raw[0, 1] = depth >> 8, depth & 0xFF
    return [row.tobytes() for row in raw]
