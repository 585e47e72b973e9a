"""Big layers get a packed spatial index (layers/stage_index.py + layers/rtree_bulk.py).

From :data:`layers.stage_index.BULK_INDEX_MIN` features the stage writes a layer without
GDAL's R-tree and packs one from the boxes in memory, with GDAL's own triggers and
``gpkg_extensions`` row. Checked here against independent answers: GDAL's bbox filter (which
reads through the R-tree) returns the features a brute-force shapely filter finds; the
index, triggers and bookkeeping are those GDAL writes for a small layer; an edit by GDAL
afterwards keeps the index right; a broken index is refused and the store stays byte for
byte what it was, with no stray table; a staged table whose rows are not the features
written is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from layers import rtree_bulk, stage_index, store_tables, store_tx
from layers.store import NewLayer, ProjectStore

BOX = (106.60, 21.70, 106.75, 21.85)


def _layer(n: int, seed: int = 4) -> gpd.GeoDataFrame:
    """Points and small polygons over Lạng Sơn, with a few empty and missing geometries."""
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(106.3, 107.2, n), rng.uniform(21.5, 22.3, n)
    geoms = shapely.points(x, y)
    polys = rng.random(n) < 0.3
    geoms[polys] = shapely.buffer(geoms[polys], 0.01, quad_segs=2)
    geoms[5] = shapely.Point()
    geoms[17] = None
    return gpd.GeoDataFrame({"name": [f"Vùng {i}" for i in range(n)],
                             "code": np.arange(n)}, geometry=geoms, crs="EPSG:4326")


def _packed_nodes(entries: int) -> int:
    """Nodes of an R-tree of full nodes (51 cells, SQLite's maximum) over ``entries``."""
    total = 0
    while True:
        entries = -(-entries // 51)
        total += entries
        if entries == 1:
            return total


def _present(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    geoms = gdf.geometry.values
    return gdf[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _objects(path: Path) -> set[tuple[str, str]]:
    with contextlib.closing(sqlite3.connect(path)) as con:
        return set(con.execute("SELECT type, name FROM sqlite_master"))


@pytest.fixture
def low_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stage_index, "BULK_INDEX_MIN", 1000)


def test_bbox_read_through_packed_index_matches_brute_force(tmp_path: Path,
                                                           low_threshold: None) -> None:
    store = ProjectStore.init(tmp_path / "p.gpkg")
    gdf = _layer(6000)
    rec = store.add_layer(NewLayer(gdf, "Vùng", "military_zone"))
    with contextlib.closing(sqlite3.connect(store.path)) as con:
        rtree = f"rtree_{rec.table}_geom"
        assert con.execute("SELECT rtreecheck(?)", (rtree,)).fetchone()[0] == "ok"
        entries = con.execute(f'SELECT COUNT(*) FROM "{rtree}"').fetchone()[0]
        nodes = con.execute(f'SELECT COUNT(*) FROM "{rtree}_node"').fetchone()[0]
    assert entries == 6000 - 2  # no entry for the empty and the missing geometry
    assert nodes == _packed_nodes(entries)  # full nodes: packed here, not built by GDAL
    got = pyogrio.read_dataframe(store.path, layer=rec.table, bbox=BOX)
    present = _present(gdf)
    expected = present[shapely.intersects(present.geometry.values, shapely.box(*BOX))]
    assert len(expected) > 50
    assert sorted(got["code"]) == sorted(expected["code"])


def test_packed_index_has_what_gdal_writes_for_a_small_layer(tmp_path: Path,
                                                             low_threshold: None) -> None:
    store = ProjectStore.init(tmp_path / "p.gpkg")
    big = store.add_layer(NewLayer(_layer(1500), "Lớn", "military_zone"))
    small = store.add_layer(NewLayer(_layer(200), "Nhỏ", "military_zone"))  # GDAL's own index
    with contextlib.closing(sqlite3.connect(store.path)) as con:
        def schema(table: str) -> list[tuple[str, str]]:
            rows = con.execute("SELECT type, sql FROM sqlite_master WHERE tbl_name LIKE ? "
                               "AND sql IS NOT NULL ORDER BY name", (f"%{table}%",))
            return sorted((kind, sql.replace(table, "T")) for kind, sql in rows)

        def extension(table: str) -> list[tuple]:
            return con.execute("SELECT column_name, extension_name, definition, scope FROM "
                               "gpkg_extensions WHERE table_name = ?", (table,)).fetchall()

        assert schema(big.table) == schema(small.table)
        assert extension(big.table) == extension(small.table) != []
        assert pyogrio.read_info(store.path, layer=big.table)["capabilities"][
            "fast_spatial_filter"]


def test_gdal_edits_keep_the_packed_index_right(tmp_path: Path, low_threshold: None) -> None:
    """The staged table with its packed index, changed by GDAL: the triggers keep it right."""
    gdf = _layer(1500).iloc[20:].reset_index(drop=True)  # no empty or missing geometry
    with store_tables.Stage() as stage:
        table = stage.add(gdf)
        extra = gpd.GeoDataFrame({"name": ["mới"], "code": [-1]},
                                 geometry=[shapely.Point(106.7, 21.8)], crs="EPSG:4326")
        pyogrio.write_dataframe(extra, stage.path, layer=table, append=True)
        got = pyogrio.read_dataframe(stage.path, layer=table, bbox=BOX)
        with contextlib.closing(sqlite3.connect(stage.path)) as con:
            check = con.execute("SELECT rtreecheck(?)", (f"rtree_{table}_geom",)).fetchone()
    everything = pd.concat([gdf, extra], ignore_index=True)
    expected = everything[shapely.intersects(everything.geometry.values, shapely.box(*BOX))]
    assert check[0] == "ok"
    assert -1 in set(got["code"])
    assert sorted(got["code"]) == sorted(expected["code"])


def test_broken_packed_index_is_refused_and_nothing_changes(
        tmp_path: Path, low_threshold: None, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProjectStore.init(tmp_path / "p.gpkg")
    store.add_layer(NewLayer(_layer(300), "Cũ", "military_zone"))
    before, objects = _sha(store.path), _objects(store.path)
    write = rtree_bulk.write

    def broken(con: sqlite3.Connection, rtree: str, tree: rtree_bulk.PackedTree) -> None:
        write(con, rtree, tree)  # then lose one entry's leaf mapping
        con.execute(f'DELETE FROM "{rtree}_rowid" WHERE rowid = (SELECT MIN(rowid) '
                    f'FROM "{rtree}_rowid")')

    monkeypatch.setattr(rtree_bulk, "write", broken)
    with pytest.raises(RuntimeError, match="failed its check.*rtree_.*rowid"):
        store.add_layer(NewLayer(_layer(2000), "Mới", "military_zone"))
    assert _sha(store.path) == before
    assert _objects(store.path) == objects
    assert [r.name for r in store.layers()] == ["Cũ"]


def test_copy_with_missing_index_rows_is_refused(tmp_path: Path, low_threshold: None) -> None:
    """The copy of a checked staged index must hold as many rows as the stage."""
    store = ProjectStore.init(tmp_path / "p.gpkg")
    before = _sha(store.path)
    with store_tables.Stage() as stage:
        source = stage.add(_layer(1200))
        with pytest.raises(RuntimeError, match="parent holds"), \
                store_tx.change(store.path) as con:
            stage.attach(con)
            store_tables.copy_table(con, schema=store_tables.STAGE, source=source,
                                    target="x__v1", identifier="x", description="x")
            assert store_tables.check_table(con, "x__v1") == []
            con.execute('DELETE FROM "rtree_x__v1_geom_parent" WHERE nodeno = '
                        '(SELECT MAX(nodeno) FROM "rtree_x__v1_geom_parent")')
            problems = store_tables.check_table(con, "x__v1")
            raise RuntimeError("; ".join(problems))
    assert _sha(store.path) == before


def test_rows_not_written_in_order_are_refused(tmp_path: Path) -> None:
    gdf = _layer(100).iloc[20:].reset_index(drop=True)
    path = tmp_path / "s.gpkg"
    pyogrio.write_dataframe(gdf, path, layer="t", driver="GPKG")
    bounds = shapely.bounds(gdf.geometry.values)
    ids = np.arange(1, len(gdf) + 1)
    with contextlib.closing(sqlite3.connect(path)) as con:
        stage_index.check_row_order(con, "t", len(gdf), ids, bounds)  # as written: fine
        with pytest.raises(RuntimeError, match="not the feature written"):
            stage_index.check_row_order(con, "t", len(gdf), ids, bounds[::-1])
        with pytest.raises(RuntimeError, match="not 1..81"):
            stage_index.check_row_order(con, "t", len(gdf) + 1, ids, bounds)


def test_restore_of_a_packed_layer_keeps_a_sound_index(tmp_path: Path,
                                                       low_threshold: None) -> None:
    store = ProjectStore.init(tmp_path / "p.gpkg")
    gdf = _layer(2500)
    store.add_layer(NewLayer(gdf, "Vùng", "military_zone"))
    store.add_layer(NewLayer(gdf.head(10), "Vùng", "military_zone"))
    rec = store.restore("Vùng", 1)
    got = pyogrio.read_dataframe(store.path, layer=rec.table, bbox=BOX)
    present = _present(gdf)
    expected = present[shapely.intersects(present.geometry.values, shapely.box(*BOX))]
    assert sorted(got["code"]) == sorted(expected["code"])


def test_a_layer_gdal_cannot_write_leaves_no_check_running(tmp_path: Path,
                                                          low_threshold: None) -> None:
    """GDAL refuses the rows while the packed index is checked: the error is GDAL's, the
    check's thread ends with the stage, the store is unchanged."""
    import threading

    from layers.errors import LayerError

    store = ProjectStore.init(tmp_path / "p.gpkg")
    before = _sha(store.path)
    gdf = _layer(1500)
    gdf["mixed"] = [1 if i % 2 else "một" for i in range(len(gdf))]  # one type per column
    with pytest.raises(LayerError) as err:
        store.add_layer(NewLayer(gdf, "Hỏng", "military_zone"))
    assert err.value.key == "layer_write_failed"
    assert not [t for t in threading.enumerate() if t.name.startswith("kvpt-rtree")]
    assert _sha(store.path) == before


def test_stage_without_spatial_index_writes_none(low_threshold: None) -> None:
    """The PostGIS store reads staged layers back only: no R-tree, packed or GDAL's."""
    gdf = _layer(1500).iloc[20:].reset_index(drop=True)
    for n in (len(gdf), 50):  # above and below the threshold
        with store_tables.Stage(spatial_index=False) as stage:
            table = stage.add(gdf.head(n))
            back = pyogrio.read_dataframe(stage.path, layer=table)
            with contextlib.closing(sqlite3.connect(stage.path)) as con:
                rtrees = con.execute("SELECT name FROM sqlite_master WHERE name LIKE 'rtree%'"
                                     ).fetchall()
        assert rtrees == []
        assert back["code"].tolist() == gdf["code"].head(n).tolist()
