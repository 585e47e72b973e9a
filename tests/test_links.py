"""Economic facilities linked to bases (issue #12 §2): ``base_code`` resolved and measured.

Hand-made case in VN-2000 / UTM 48N metres (offset X0, Y0):

* bases: CC-01 a point at (0, 0); CC-02 a 200 m square at x 5000..5200, y 0..200; HC-01 a
  point at (0, 3000); two bases both coded DUP, at (9000, 0) and (9000, 500);
* facilities: Z0 a zone x 1000..2000, y 0..1000 naming " cc-01 " (1000 m from CC-01: the
  zone's corner (1000, 0)); E1 a point at (5300, 100) naming "CC-02; HC-01" (100 m from
  CC-02's east side; hypot(5300, 2900) m from HC-01); E2 naming CC-99 (no such base); E3
  naming nothing; E4 naming DUP (two bases); E5 a point inside CC-02 (0 m).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box
from typer.testing import CliRunner

from cli import app
from geo import links

X0, Y0 = 600_000.0, 2_400_000.0


def pt(x: float, y: float) -> Point:
    return Point(X0 + x, Y0 + y)


def bases() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"code": ["CC-01", "CC-02", "HC-01", "DUP", "DUP"],
         "name": ["Căn cứ 1", "Căn cứ 2", "Hậu cứ 1", "Trùng A", "Trùng B"],
         "kind": ["combat_base", "combat_base", "rear_base", "combat_base", "combat_base"]},
        geometry=[pt(0, 0), box(X0 + 5000, Y0, X0 + 5200, Y0 + 200), pt(0, 3000),
                  pt(9000, 0), pt(9000, 500)],
        crs=3405, index=[f"B:{i}" for i in range(5)])


def facilities() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"base_code": [" cc-01 ", "CC-02; HC-01", "CC-99", None, "DUP", "CC-02"],
         "name": ["Khu KT-QP", "DN 1", "DN 2", "DN 3", "DN 4", "DN 5"]},
        geometry=[box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000), pt(5300, 100), pt(100, 100),
                  pt(200, 200), pt(300, 300), pt(5100, 100)],
        crs=3405, index=[f"F:{i}" for i in range(6)])


EXPECTED = [  # facility, code, base, distance (by hand), status
    ("F:0", "cc-01", "B:0", 1000.0, "linked"),
    ("F:1", "CC-02", "B:1", 100.0, "linked"),
    ("F:1", "HC-01", "B:2", math.hypot(5300, 2900), "linked"),
    ("F:2", "CC-99", "", math.nan, "unknown_base"),
    ("F:3", "", "", math.nan, "not_linked"),
    ("F:4", "DUP", "", math.nan, "ambiguous_base"),
    ("F:5", "CC-02", "B:1", 0.0, "linked"),
]


@pytest.mark.parametrize("crs", [3405, 4326])
def test_links_resolve_codes_and_measure_in_metres(crs: int) -> None:
    out = links.facility_links(facilities().to_crs(crs), bases().to_crs(crs))
    assert list(out.columns) == list(links.LINK_COLUMNS)
    assert len(out) == len(EXPECTED)
    for row, (fac, code, base, dist, status) in zip(out.itertuples(), EXPECTED, strict=True):
        assert (row.facility, row.base_code, row.base, row.status) == (fac, code, base, status)
        if math.isnan(dist):
            assert math.isnan(row.distance_m)
        else:  # a round trip through EPSG:4326 moves points by well under a centimetre
            assert row.distance_m == pytest.approx(dist, abs=0.01)


def test_base_summary_counts_each_base() -> None:
    b = bases()
    summary = links.base_summary(links.facility_links(facilities(), b), b)
    assert summary["n_facilities"].tolist() == [1, 2, 1, 0, 0]
    assert summary["facilities"].tolist() == ["F:0", "F:1; F:5", "F:1", "", ""]
    assert summary.loc["B:1", "max_distance_m"] == pytest.approx(100.0)
    assert math.isnan(summary.loc["B:3", "max_distance_m"])


def test_no_code_column_means_not_linked() -> None:
    out = links.facility_links(facilities().drop(columns="base_code"), bases())
    assert set(out["status"]) == {"not_linked"} and len(out) == 6


# --- kvpt links ---------------------------------------------------------------------------


def kvpt(*args: object):  # noqa: ANN201 - click Result
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def project_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("links")
    path = folder / "p.gpkg"
    assert kvpt("init", path).exit_code == 0
    b, f = bases(), facilities()
    combat = b[b["kind"] == "combat_base"].drop(columns="kind").rename(
        columns={"code": "ma", "name": "ten"})
    rear = b[b["kind"] == "rear_base"].drop(columns="kind").rename(
        columns={"code": "ma", "name": "ten"})
    zone = f.iloc[[0]].rename(columns={"base_code": "ma_can_cu", "name": "ten"})
    firms = f.iloc[1:].rename(columns={"base_code": "ma_can_cu", "name": "ten"})
    for name, kind, gdf in (("Căn cứ CĐ", "combat_base", combat),
                            ("Căn cứ HP", "rear_base", rear),
                            ("Khu KT-QP", "defense_economic_zone", zone),
                            ("Doanh nghiệp", "enterprise", firms)):
        src = folder / f"{kind}.geojson"
        gdf.reset_index(drop=True).to_crs(4326).to_file(src)
        res = kvpt("import", path, src, "--kind", kind, "--name", name)
        assert res.exit_code == 0, res.output
    return path


def test_links_command_lists_links_and_bases(project_path: Path) -> None:
    res = kvpt("links", project_path, "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    got = {(r["facility_name"], r["base_code"]): r for r in data["links"]}
    assert got[("Khu KT-QP", "cc-01")]["base_name"] == "Căn cứ 1"
    assert got[("Khu KT-QP", "cc-01")]["facility_kind"] == "defense_economic_zone"
    assert got[("Khu KT-QP", "cc-01")]["distance_m"] == pytest.approx(1000.0, abs=0.01)
    assert got[("DN 1", "HC-01")]["base"] == "Căn cứ HP:0"
    assert got[("DN 1", "HC-01")]["distance_m"] == pytest.approx(math.hypot(5300, 2900),
                                                                 abs=0.01)
    assert got[("DN 2", "CC-99")]["status"] == "unknown_base"
    assert got[("DN 2", "CC-99")]["distance_m"] is None
    assert got[("DN 4", "DUP")]["status"] == "ambiguous_base"
    assert got[("DN 3", "")]["status"] == "not_linked"
    per_base = {r["code"]: r for r in data["bases"]}
    assert per_base["CC-02"]["n_facilities"] == 2
    assert per_base["CC-02"]["facilities"] == "Doanh nghiệp:0; Doanh nghiệp:4"
    assert per_base["HC-01"]["kind"] == "rear_base"
    assert "1 links name a base code that no base has" in res.stderr
    assert "'CC-99'" in res.stderr and "held by several bases" in res.stderr


def test_links_command_text_and_no_facilities(project_path: Path, tmp_path: Path) -> None:
    res = kvpt("links", project_path)
    assert res.exit_code == 0, res.output
    assert "4 links to bases, 2 to unknown or ambiguous base codes, 1 of 6" in res.stdout
    empty = tmp_path / "e.gpkg"
    assert kvpt("init", empty).exit_code == 0
    res = kvpt("links", empty)
    assert res.exit_code == 2 and "defense_economic_zone / enterprise" in res.stderr
