"""`kvpt copy`: GeoPackage → PostGIS → GeoPackage loses nothing (issue #10 part 4)."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import Point, box
from typer.testing import CliRunner

from cli import app
from layers.errors import LayerError
from layers.store import NewLayer, ProjectStore
from layers.store_open import open_store
from layers.store_users import USERS_TABLE
from pg_support import connect

runner = CliRunner()
BOSS, PLANNER = ("boss", "admin-pw-1"), ("phan", "planner-pw-3")


def rich_project(path: Path) -> ProjectStore:
    """A project with users, versions, a tombstone, a rename, records and settings."""
    store = ProjectStore.init(path, admin=BOSS[0], password=BOSS[1])
    store.add_user(PLANNER[0], "planner", PLANNER[1])
    zones = gpd.GeoDataFrame(
        {"ten": ["Khu 'A'", "Đồi B", None], "so": pd.array([1, 2, 3], dtype="int32"),
         "dien_tich": [1.5, None, 3.25], "ngay": pd.to_datetime(
             ["2024-01-02", None, "2025-12-31"]).astype("datetime64[ms]"),
         "co": [True, False, True]},
        geometry=[box(106.70, 21.80, 106.71, 21.81), box(106.72, 21.80, 106.73, 21.82),
                  box(106.74, 21.80, 106.7512345678901, 21.8198765432109)], crs=4326)
    points = gpd.GeoDataFrame({"name": ["Điểm cao 1", "Điểm cao 2"]},
                              geometry=[Point(106.7, 21.8), Point(106.8, 21.9)], crs=4326)
    store.add_layers([NewLayer(zones, "Dự án A", "proposed_project", source_file="a.geojson",
                               checksum="ab" * 32, source_crs="EPSG:3405"),
                      NewLayer(points, "Điểm cao", "high_point")])
    store.add_layer(NewLayer(zones.head(2), "Dự án A", "proposed_project", note="sửa"))
    store.restore("Dự án A", 1)
    store.add_layer(NewLayer(points.head(1), "Tạm", "high_point"))
    store.delete("Tạm")
    store.rename("Điểm cao", "Điểm cao chính")
    store.write_records("settings", pd.DataFrame({"key": ["classification", "buffer_m"],
                                                  "value": ["MẬT", "500"]}))
    store.write_records("notes", pd.DataFrame({"n": [1, 2], "text": ["=1+1", "Ghi chú"]}))
    with pytest.raises(LayerError):  # a sign-in failure in the audit log too
        store.as_user(PLANNER[0], "wrong")
    return store


def user_rows(store) -> list[tuple]:
    """Every user row with its hash, read straight from the project's tables."""
    if hasattr(store, "schema"):
        with connect(store.target) as con:
            return [tuple(r) for r in con.execute(
                f'SELECT name, role, password_hash, created FROM "{store.schema}".'
                f"{USERS_TABLE} ORDER BY id")]
    with contextlib.closing(sqlite3.connect(store.path)) as con:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = ?",
                           (USERS_TABLE,)).fetchone():
            return []
        return list(con.execute(f"SELECT name, role, password_hash, created FROM {USERS_TABLE} "
                                "ORDER BY id"))


def assert_same_project(a, b, records: tuple[str, ...]) -> None:
    """Everything of two projects is equal: registry, every version, records, users, log."""
    names = [r.name for r in a.layers() + a.deleted_layers()]
    assert names == [r.name for r in b.layers() + b.deleted_layers()]
    assert a.layers() == b.layers() and a.deleted_layers() == b.deleted_layers()
    for name in names:
        versions = a.versions(name)
        assert versions == b.versions(name)
        for rec in versions:
            if not rec.deleted:
                assert_geodataframe_equal(a.read(name, rec.version), b.read(name, rec.version),
                                          check_dtype=True, check_less_precise=False)
    for table in records:
        pd.testing.assert_frame_equal(a.read_records(table), b.read_records(table))
    assert a.users() == b.users() and user_rows(a) == user_rows(b)
    assert a.audit() == b.audit()
    assert a.layer_views() == b.layer_views()


def test_round_trip_gpkg_postgis_gpkg_loses_nothing(tmp_path: Path, pg_url) -> None:
    src = rich_project(tmp_path / "a.gpkg")
    url = pg_url()
    env = {"KVPT_USER": BOSS[0], "KVPT_PASSWORD": BOSS[1]}
    res = runner.invoke(app, ["copy", str(src.path), url], env=env)
    assert res.exit_code == 0, res.output
    assert "3 layers (7 versions), 2 record tables, 2 users" in res.stdout
    res = runner.invoke(app, ["copy", url, str(tmp_path / "b.gpkg")], env=env)
    assert res.exit_code == 0, res.output
    a = src.as_user(*BOSS)
    pg = open_store(url).as_user(*BOSS)
    back = ProjectStore(tmp_path / "b.gpkg").as_user(*BOSS)
    assert [len(a.versions(r.name)) for r in a.layers()] == [3, 2]  # what is compared
    assert_same_project(a, pg, ("settings", "notes"))
    assert_same_project(a, back, ("settings", "notes"))
    # the copies work: the same passwords sign in, a planner imports into the PostGIS one
    planner = open_store(url).as_user(*PLANNER)
    rec = planner.add_layer(NewLayer(a.read("Dự án A"), "Dự án A", "proposed_project"))
    assert rec.version == 4 and pg.audit()[-1].action == "import"


def test_demo_project_copies_both_ways(demo_project: Path, tmp_path: Path, pg_url) -> None:
    url = pg_url()
    assert runner.invoke(app, ["copy", str(demo_project), url]).exit_code == 0
    out = tmp_path / "back.gpkg"
    res = runner.invoke(app, ["copy", url, str(out)])
    assert res.exit_code == 0, res.output
    records = ("exercises",)
    assert_same_project(ProjectStore(demo_project), open_store(url), records)
    assert_same_project(ProjectStore(demo_project), ProjectStore(out), records)


def test_copy_refused_for_a_planner_and_onto_an_existing_project(tmp_path: Path,
                                                                  pg_url) -> None:
    src = rich_project(tmp_path / "a.gpkg")
    url = pg_url()
    res = runner.invoke(app, ["copy", str(src.path), url],
                        env={"KVPT_USER": PLANNER[0], "KVPT_PASSWORD": PLANNER[1]})
    assert res.exit_code == 2 and "admin" in res.stderr
    with pytest.raises(LayerError, match="no KVPT project"):  # nothing was made
        open_store(url)
    env = {"KVPT_USER": BOSS[0], "KVPT_PASSWORD": BOSS[1]}
    assert runner.invoke(app, ["copy", str(src.path), url], env=env).exit_code == 0
    res = runner.invoke(app, ["copy", str(src.path), url], env=env)
    assert res.exit_code == 2 and "already exists" in res.stderr
    res = runner.invoke(app, ["copy", url, url], env=env)
    assert res.exit_code == 2 and "are the same project" in res.stderr
    existing = tmp_path / "other.gpkg"
    ProjectStore.init(existing)
    before = existing.read_bytes()
    res = runner.invoke(app, ["copy", url, str(existing)], env=env)
    assert res.exit_code == 2 and existing.read_bytes() == before


def test_database_password_is_never_printed(pg_url) -> None:
    url = pg_url().replace("postgres@", "postgres:s3cr3t-pw@")
    res = runner.invoke(app, ["init", url])
    assert res.exit_code == 0, res.output  # trust auth: the password is not checked
    assert "s3cr3t-pw" not in res.output and "postgres:***@" in res.stdout
    bad = url.replace("127.0.0.1:", "127.0.0.1:1").replace("?schema", "x?schema")
    res = runner.invoke(app, ["layers", bad])
    assert res.exit_code == 2 and "s3cr3t-pw" not in res.output
    assert "Cannot connect" in res.stderr and repr(open_store(url)).count("***") == 1
