"""Villages (thôn, bản, làng) below the commune, and combat villages counted by completeness.

Issue #12 part 1: seed 003 asks for "làng, xã chiến đấu" ("Làng giữ làng; xã giữ xã").
"""

from __future__ import annotations

import json
import math
import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box
from typer.testing import CliRunner

from cli import app
from geo import settings
from geo.completeness import LEVELS, completeness, split_levels
from geo.errors import AnalysisInputError
from layers.encoding import decode, encode
from layers.importer import canonical_level, infer_levels
from planning import exercises, posture
from planning.errors import PlanningError
from planning.messages import MESSAGES
from planning.project import Project

ROOT = Path(__file__).parents[1]
METRIC = "EPSG:3405"
NO_ASSETS = gpd.GeoDataFrame({"kind": []}, geometry=[], crs=METRIC)
SHARE = {"commune": ["combat_villages"]}
runner = CliRunner()


def _open(path: Path) -> Project:
    from layers.store import ProjectStore

    return Project(ProjectStore(path))


def hand_units() -> gpd.GeoDataFrame:
    """Commune A (2 km square) with 4 villages, 3 of them combat villages; commune B with none.

    Village 4 is a polygon mostly outside A whose representative point is inside A (it
    counts for A); village 5 is a combat village outside both (it counts for none).
    """
    village_4 = box(1800, 100, 2600, 300).union(box(1800, 100, 1900, 1900))
    rows = [("commune", "Xã A", None, box(0, 0, 2000, 2000)),
            ("commune", "Xã B", None, box(5000, 0, 7000, 2000)),
            ("village", "Thôn 1", 2019, Point(500, 500)),
            ("village", "Bản 2", 2020, box(1000, 1000, 1400, 1400)),
            ("village", "Làng 3", None, Point(300, 1700)),
            ("village", "Xóm 4", 2021, village_4),
            ("village", "Thôn 5", 2022, Point(3500, 1000))]
    return gpd.GeoDataFrame({"level": [r[0] for r in rows], "name": [r[1] for r in rows],
                             "combat_year": [r[2] for r in rows]},
                            geometry=[r[3] for r in rows], crs=METRIC)


# --- geo.completeness ---------------------------------------------------------------------


def test_the_village_is_the_fourth_level() -> None:
    assert LEVELS == ("province", "district", "commune", "village")
    units = hand_units()
    assert list(split_levels(units)) == ["commune", "village"]
    assert list(split_levels(units[units["level"] == "commune"])) == ["commune"]


def test_hand_computed_share_of_combat_villages() -> None:
    units = hand_units()
    # village 4 sticks out of A, but its representative point is in A
    village_4 = units.geometry.iloc[5]
    assert village_4.area - village_4.intersection(units.geometry.iloc[0]).area > 0
    assert units.geometry.iloc[0].covers(shapely.point_on_surface(village_4))
    for share_min, met in ((0.5, True), (0.75, True), (0.76, False), (1.0, False)):
        out = completeness(units, NO_ASSETS, requirements=SHARE, share_min=share_min)
        a, b = out.iloc[0], out.iloc[1]
        assert (a["n_villages"], a["n_combat_villages"]) == (4, 3)  # 3 of 4
        assert a["combat_villages_pct"] == pytest.approx(75.0)
        assert bool(a["has_combat_villages"]) is met and bool(a["complete"]) is met
        assert a["missing"] == ("" if met else "combat_villages")
        assert a["progress_pct"] == pytest.approx(100 * min(1.0, 0.75 / share_min))
        # B has no village: not assessable, never met
        assert b["n_villages"] == 0 and math.isnan(b["combat_villages_pct"])
        assert not b["has_combat_villages"] and b["missing"] == "combat_villages"


def test_random_villages_match_a_plain_shapely_loop() -> None:
    rng = np.random.default_rng(3)
    communes = [box(x, y, x + 3000, y + 2000) for x in (0, 3000, 6000) for y in (0, 2000)]
    villages = [Point(x, y) if i % 2 else box(x - 60, y - 60, x + 60, y + 60)
                for i, (x, y) in enumerate(zip(rng.uniform(-500, 9500, 80),
                                               rng.uniform(-500, 4500, 80), strict=True))]
    combat = rng.random(80) < 0.6
    units = gpd.GeoDataFrame(
        {"level": ["commune"] * 6 + ["village"] * 80,
         "combat_year": [None] * 6 + [2020 if c else None for c in combat]},
        geometry=communes + villages, crs=METRIC)
    out = completeness(units, NO_ASSETS, requirements=SHARE, share_min=0.6)
    for i, commune in enumerate(communes):
        inside = [j for j, v in enumerate(villages)
                  if commune.covers(v if v.geom_type == "Point" else v.representative_point())]
        assert out.iloc[i]["n_villages"] == len(inside)
        assert out.iloc[i]["n_combat_villages"] == int(combat[inside].sum())
        share = combat[inside].mean() if inside else math.nan
        assert out.iloc[i]["combat_villages_pct"] == pytest.approx(100 * share, nan_ok=True)
        assert bool(out.iloc[i]["has_combat_villages"]) == (bool(inside) and share >= 0.6)


def test_a_commune_without_villages_is_never_met_even_at_share_zero() -> None:
    units = hand_units()
    out = completeness(units[units["level"] == "commune"], NO_ASSETS, requirements=SHARE,
                       share_min=0.0)
    assert not out["has_combat_villages"].any()
    assert out["combat_villages_pct"].isna().all()
    assert (out["completeness_pct"] == 0).all()


def test_default_share_is_every_village() -> None:
    assert settings.combat_village_share_min == 1.0
    units = hand_units()
    out = completeness(units, NO_ASSETS, requirements=SHARE)
    assert not out.iloc[0]["has_combat_villages"]
    units.loc[4, "combat_year"] = 2024  # now 4 of 4
    assert completeness(units, NO_ASSETS, requirements=SHARE).iloc[0]["has_combat_villages"]


def test_a_village_is_a_combat_village_by_its_own_year() -> None:
    units = hand_units()
    out = completeness(units, NO_ASSETS, requirements={"village": ["combat_village"]})
    villages = out[out["level"] == "village"]
    expected = [y is not None and not (isinstance(y, float) and math.isnan(y))
                for y in units.loc[villages.index, "combat_year"]]
    assert villages["has_combat_village"].tolist() == expected
    assert (out.loc[out["level"] == "commune", "n_required"] == 0).all()


@pytest.mark.parametrize("bad", [1.5, -0.1, "all"])
def test_a_share_outside_0_1_is_refused(bad: object) -> None:
    with pytest.raises(AnalysisInputError, match="share_min"):
        completeness(hand_units(), NO_ASSETS, requirements=SHARE, share_min=bad)


def test_assets_of_village_level_fall_to_the_commune_without_villages() -> None:
    units = hand_units()
    base = gpd.GeoDataFrame({"kind": ["combat_base"], "level": ["thôn"]},
                            geometry=[Point(600, 600)], crs=METRIC)
    reqs = {"commune": ["combat_base"], "village": ["combat_base"]}
    with_villages = completeness(units, base, requirements=reqs)
    assert with_villages["n_combat_base"].tolist() == [0, 0, 0, 0, 0, 0, 0]  # no village
    # covers (600, 600): Thôn 1 is a point; without villages it counts for commune A
    communes = units[units["level"] == "commune"]
    assert completeness(communes, base, requirements=reqs)["n_combat_base"].tolist() == [1, 0]


# --- level inference ------------------------------------------------------------------------

VILLAGE_NAMES = ["Thôn Nà Sác", "Bản Chắt", "Làng Mới", "Xóm Đồi", "Ấp Tân Lập",
                 "Tổ dân phố 5", "Khu phố Đông Kinh", "THÔN KHUỔI PHẶC"]
OTHER_NAMES = {"Lạng Sơn": None, "Bàn Cờ": None, "Xã Quảng Lạc": "commune",
               "Huyện Cao Lộc": "district"}


def _forms(name: str) -> dict[str, str]:
    return {"nfc": unicodedata.normalize("NFC", name),
            "nfd": unicodedata.normalize("NFD", name),
            "tcvn3": decode(encode(name, "tcvn3"), "tcvn3")}


@pytest.mark.parametrize("form", ["nfc", "nfd", "tcvn3"])
def test_village_names_give_the_village_level(form: str) -> None:
    names = [_forms(n)[form] for n in [*VILLAGE_NAMES, *OTHER_NAMES]]
    assert encode(VILLAGE_NAMES[0], "tcvn3") != VILLAGE_NAMES[0].encode()  # really recoded
    inference = infer_levels(pd.DataFrame({"ten": names}))
    assert list(inference.levels) == ["village"] * len(VILLAGE_NAMES) + list(
        OTHER_NAMES.values())
    assert not inference.sure  # mixed levels and two names with none


def test_names_without_accents_and_abbreviations() -> None:
    names = ["Thon Na Lan", "Ban Pac", "Xom 3", "TDP 7", "KP 2", "Lang Son"]
    levels = infer_levels(pd.DataFrame({"ten": names})).levels
    assert list(levels) == ["village"] * 5 + [None]  # "Lang Son" is the province


def test_level_column_words_and_the_whole_layer_level() -> None:
    frame = pd.DataFrame({"ten": ["Nà Sác", "Chắt", "Quảng Lạc"],
                              "cap": ["Thôn", "Cấp thôn", "Xã"]})
    inference = infer_levels(frame)
    assert list(inference.levels) == ["village", "village", "commune"]
    assert inference.column == "cap"
    for word in ("village", "thôn", "Bản", "làng"):
        assert canonical_level(word) == "village"
    given = infer_levels(pd.DataFrame({"ten": ["A", "B"]}), level="thôn")
    assert given.levels == ("village", "village") and given.counts == {"village": 2}


def test_requirements_from_the_command_line() -> None:
    reqs = posture.parse_requirements(["xã=combat_villages", "thôn=combat_village"])
    assert reqs["commune"] == ["combat_villages"] and reqs["village"] == ["combat_village"]
    assert reqs["province"] == settings.posture_requirements["province"]
    assert posture.parse_requirements(["commune="])["commune"] == []
    for bad in ("commune", "hamlets=combat_villages", "commune=combat_vilages"):
        with pytest.raises(PlanningError):
            posture.parse_requirements([bad])


# --- the project: import, posture, exercises --------------------------------------------------


def _points_in_hoang_dong(demo_master: Path, folder: Path, n: int, *, seed: int
                          ) -> tuple[Path, gpd.GeoDataFrame, list[Point]]:
    """A copy of the demo in ``folder``, Xã Hoàng Đồng's row and ``n`` random points
    (metric CRS) at least 300 m inside it."""
    project = folder / "demo.gpkg"
    project.write_bytes(demo_master.read_bytes())
    communes = _open(project).read("Xã, phường, thị trấn (Lạng Sơn, 2009)")
    row = communes[communes["name"] == "Xã Hoàng Đồng"]
    inner = row.to_crs(METRIC).geometry.iloc[0].buffer(-300)
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = inner.bounds
    points = [Point(x, y) for x, y in zip(rng.uniform(minx, maxx, 400),
                                          rng.uniform(miny, maxy, 400), strict=True)]
    return project, row, [p for p in points if inner.contains(p)][:n]


@pytest.fixture(scope="module")
def village_project(demo_master: Path, tmp_path_factory: pytest.TempPathFactory
                    ) -> tuple[Path, str]:
    """The demo project plus 4 villages (100 m squares) in one commune (3 combat), imported.

    Villages are polygons: an admin-unit layer holds polygons (``layers.kinds``); geo counts
    point villages too (``test_hand_computed_share_of_combat_villages``).
    """
    folder = tmp_path_factory.mktemp("villages")
    project, row, points = _points_in_hoang_dong(demo_master, folder, 4, seed=12)
    villages = gpd.GeoDataFrame({"ten": ["Nà Sác", "Chắt", "Mới", "Đồi"],
                                 "nam_lcd": [2019, 2020, None, 2022]},
                                geometry=[p.buffer(50, cap_style="square") for p in points],
                                crs=METRIC).to_crs("EPSG:4326")
    assert len(villages) == 4 and villages.within(row.geometry.iloc[0]).all()
    path = folder / "thon_ban.geojson"
    villages.to_file(path, driver="GeoJSON")
    done = runner.invoke(app, ["import", str(project), str(path), "--kind", "admin_unit",
                               "--level", "village", "--name", "Thôn bản", "--json"])
    assert done.exit_code == 0, done.output
    return project, str(row["code"].iloc[0])


def test_kvpt_posture_counts_the_imported_villages(village_project: tuple[Path, str]) -> None:
    project, code = village_project
    done = runner.invoke(app, ["posture", str(project), "--json", "--require",
                               "commune=combat_villages", "--village-share", "0.75"])
    assert done.exit_code == 0, done.output
    records = json.loads(done.stdout)
    levels = [r["level"] for r in records]
    assert levels.count("village") == 4 and levels.count("commune") == 226
    commune = next(r for r in records if r["level"] == "commune" and r["code"] == code)
    assert (commune["n_villages"], commune["n_combat_villages"]) == (4, 3)
    assert commune["combat_villages_pct"] == pytest.approx(75.0)
    assert commune["has_combat_villages"] and commune["complete"]
    others = [r for r in records if r["level"] == "commune" and r["code"] != code]
    assert all(r["combat_villages_pct"] is None and not r["complete"] for r in others)
    assert "cannot be assessed for 225 unit(s)" in done.stderr
    stricter = runner.invoke(app, ["posture", str(project), "--json", "--require",
                                   "commune=combat_villages", "--village-share", "0.8"])
    commune = next(r for r in json.loads(stricter.stdout) if r["code"] == code)
    assert not commune["has_combat_villages"]
    typo = runner.invoke(app, ["posture", str(project), "--require", "xã=combat_vilages"])
    assert typo.exit_code != 0 and "unknown kind 'combat_vilages'" in typo.output
    assert "Traceback" not in typo.output


def test_without_a_village_layer_the_share_is_not_assessable(demo_project: Path) -> None:
    result = posture.completeness(_open(demo_project), requirements=SHARE)
    communes = result.main[result.main["level"] == "commune"]
    assert len(communes) == 226 and not communes["has_combat_villages"].any()
    assert [w.key for w in result.warnings] == ["combat_villages_no_layer"]
    vi, en = MESSAGES["combat_villages_no_layer"]
    assert result.warnings[0].text("vi") == vi.format(count=226)
    assert "--level village" in result.warnings[0].text("en") == en.format(count=226)


def test_default_posture_is_unchanged_by_villages(village_project: tuple[Path, str],
                                                   demo_master: Path) -> None:
    with_villages = posture.completeness(_open(village_project[0])).main
    plain = posture.completeness(_open(demo_master)).main
    kept = with_villages[with_villages["level"] != "village"]
    assert kept["missing"].tolist() == plain["missing"].tolist()
    assert (with_villages.loc[with_villages["level"] == "village", "n_required"] == 0).all()


def test_exercises_rotate_communes_only(village_project: tuple[Path, str]) -> None:
    project = _open(village_project[0])
    communes = exercises.communes(project)
    assert len(communes) == 226 and set(communes["level"]) == {"commune"}
    plan = exercises.rotation(project).main
    villages = project.read("Thôn bản")
    assert len(plan) and set(plan["commune_code"]) <= set(communes["code"])
    assert not set(plan["commune_name"]) & set(villages["name"])


# --- the pages ------------------------------------------------------------------------------


def test_posture_page_shows_the_village_level(village_project: tuple[Path, str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import app_test, shown_table

    at = app_test("ui/posture_page.py", village_project[0], monkeypatch)
    assert not at.exception and not at.error
    level = at.radio(key="posture_level")
    assert "Thôn, bản, làng" in level.options
    requirement = at.multiselect(key="posture_req_commune")
    assert "Tỷ lệ làng chiến đấu trong đơn vị đạt mức tối thiểu" in requirement.options
    requirement.set_value(["combat_villages"]).run()
    at.number_input(key="posture_village_share").set_value(75.0).run()
    assert not at.exception and not at.error
    assert any("không có thôn, bản nào" in w.value for w in at.warning)
    table = shown_table(at, "combat_villages_pct")
    commune = table[table["code"] == village_project[1]].iloc[0]
    assert float(commune["combat_villages_pct"]) == pytest.approx(75.0)  # shown as text
    assert int(commune["n_villages"]) == 4 and int(commune["n_combat_villages"]) == 3
    assert (table["level"] == "thôn, bản").sum() == 4
    at.radio(key="posture_level").set_value("village").run()
    assert not at.exception and not at.error


def test_layers_page_reads_and_offers_the_village_level(demo_project: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    from conftest import app_test
    from layers.store import ProjectStore

    names = ["Thôn Nà Sác", "Bản Chắt", "Xóm Đồi"]
    points = gpd.GeoDataFrame({"ten": names, "nam_lcd": [2019, None, 2021]},
                              geometry=[box(x, 21.85, x + 0.002, 21.852)
                                        for x in (106.75, 106.76, 106.77)], crs="EPSG:4326")
    path = tmp_path / "thon_ban_hoang_dong.geojson"
    points.to_file(path, driver="GeoJSON")
    at = app_test("ui/layers_page.py", demo_project, monkeypatch)
    at.file_uploader[0].set_value((path.name, path.read_bytes(), "application/geo+json")).run()
    assert not at.exception and not at.error
    assert at.selectbox(key="kind_0").value == "admin_unit"
    level = at.selectbox(key="level_0")
    assert level.value == "auto" and "Tất cả cấp thôn, bản, làng" in level.options
    assert "thôn, bản: 3" in at.table[0].value.loc["Cấp đơn vị"].iloc[0]
    at.button(key="confirm_import").click().run()
    assert not at.exception and not at.error
    stored = ProjectStore(demo_project).read("thon_ban_hoang_dong")
    assert set(stored["level"]) == {"village"} and len(stored) == 3
    assert stored["combat_year"].notna().tolist() == [True, False, True]


# --- villages given as points -----------------------------------------------------------------

VILLAGE_POINTS = ["Thôn Nà Pàn", "Bản Pò Mỏ", "Làng Khòn Khuyên", "Xóm Bản Cắm", "Thôn Nà Lệnh"]


@pytest.fixture(scope="module")
def village_points(demo_master: Path, tmp_path_factory: pytest.TempPathFactory
                   ) -> tuple[Path, str, gpd.GeoDataFrame]:
    """The demo plus 5 village POINTS (3 combat villages) in Xã Hoàng Đồng, imported."""
    folder = tmp_path_factory.mktemp("village_points")
    project, row, points = _points_in_hoang_dong(demo_master, folder, 5, seed=5)
    villages = gpd.GeoDataFrame({"ten": VILLAGE_POINTS,
                                 "nam_lcd": [2019, None, 2020, 2021, None]},
                                geometry=points, crs=METRIC).to_crs("EPSG:4326")
    path = folder / "thon_ban_diem.geojson"
    villages.to_file(path, driver="GeoJSON")
    done = runner.invoke(app, ["import", str(project), str(path), "--kind", "admin_unit",
                               "--level", "village", "--name", "Thôn bản (điểm)", "--json"])
    assert done.exit_code == 0, done.output
    return project, str(row["code"].iloc[0]), villages


def test_admin_units_may_be_points_with_a_symbol() -> None:
    from layers.kinds import KINDS, POINT, POLYGON
    from maps.symbols import DEFAULT_SYMBOL, symbol_for

    assert KINDS["admin_unit"].geometry_types == {POINT, POLYGON}
    assert symbol_for("admin_unit") is not DEFAULT_SYMBOL


def test_kvpt_posture_counts_village_points(village_points) -> None:  # noqa: ANN001
    project, code, villages = village_points
    done = runner.invoke(app, ["posture", str(project), "--json", "--require",
                               "commune=combat_villages", "--village-share", "0.6"])
    assert done.exit_code == 0, done.output
    records = json.loads(done.stdout)
    assert sorted(r["name"] for r in records if r["level"] == "village") == sorted(
        VILLAGE_POINTS)
    # by hand: every point lies in Xã Hoàng Đồng (checked with shapely), 3 have a year
    communes = _open(project).read("Xã, phường, thị trấn (Lạng Sơn, 2009)")
    inside = communes.geometry.to_crs(METRIC).apply(
        lambda g: int(villages.to_crs(METRIC).within(g).sum()))
    assert inside.max() == 5 and inside.sum() == 5
    commune = next(r for r in records if r["level"] == "commune" and r["code"] == code)
    assert (commune["n_villages"], commune["n_combat_villages"]) == (5, 3)
    assert commune["combat_villages_pct"] == pytest.approx(60.0)
    assert commune["has_combat_villages"]


def test_a_print_centred_on_a_village_point_and_the_province(village_points, tmp_path: Path
                                                              ) -> None:  # noqa: ANN001
    from pyproj import Geod

    from planning import prints

    project = village_points[0]
    extent = prints.find_extent(_open(project), VILLAGE_POINTS[0])
    assert extent.level == "village" and extent.area is None
    west, south, east, north = extent.bounds
    geod = Geod(ellps="WGS84")
    middle = (south + north) / 2
    # a 2 km square in VN-2000 metres; its box in degrees is a little wider (grid rotation)
    assert geod.inv(west, middle, east, middle)[2] == pytest.approx(2000.0, rel=0.02)
    assert geod.inv(west, south, west, north)[2] == pytest.approx(2000.0, rel=0.02)
    for extent_text, name in ((VILLAGE_POINTS[0], "village.pdf"), ("Lạng Sơn", "province.pdf")):
        out = tmp_path / name
        done = runner.invoke(app, ["print", str(project), str(out), "--extent", extent_text])
        assert done.exit_code == 0, done.output
        assert out.read_bytes().startswith(b"%PDF") and "Traceback" not in done.output


def test_map_page_draws_village_points(village_points,  # noqa: ANN001
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import app_test, map_pages, with_feature_files

    at = app_test("ui/map_page.py", village_points[0], monkeypatch)
    assert not at.exception and not at.error
    html = "".join(with_feature_files(page) for page in map_pages(at))
    assert json.dumps("Thôn bản (điểm)")[1:-1] in html


def test_commune_points_are_left_out_with_a_warning(demo_project: Path, tmp_path: Path
                                                    ) -> None:
    communes = _open(demo_project).read("Xã, phường, thị trấn (Lạng Sơn, 2009)")
    points = gpd.GeoDataFrame({"ten": ["Xã Điểm A", "Xã Điểm B"], "cap": ["xã", "xã"]},
                              geometry=communes.to_crs(METRIC).representative_point()
                              .iloc[:2].to_numpy(), crs=METRIC).to_crs("EPSG:4326")
    path = tmp_path / "xa_diem.geojson"
    points.to_file(path, driver="GeoJSON")
    done = runner.invoke(app, ["import", str(demo_project), str(path), "--kind", "admin_unit",
                               "--level", "commune", "--name", "Xã (điểm)"])
    assert done.exit_code == 0, done.output
    for command in (["posture"], ["exercises"], ["evacuate"], ["reach", "--minutes", "30"]):
        res = runner.invoke(app, [command[0], str(demo_project), "--json", *command[1:]])
        assert res.exit_code == 0, (command, res.output)
        assert "'Xã (điểm)': 2 province, district or commune units are points" in res.stderr, \
            command
    records = json.loads(runner.invoke(app, ["posture", str(demo_project), "--json"]).stdout)
    assert [r for r in records if r["level"] == "commune"].__len__() == 226
    assert not {"Xã Điểm A", "Xã Điểm B"} & {r["name"] for r in records}
    vi, en = MESSAGES["units_not_areas"]
    assert "chỉ thôn, bản được là điểm" in vi and "only villages may be points" in en
