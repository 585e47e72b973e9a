"""Appraisal with military zones, the border belt, dual-use infrastructure and defense–economic
zones, through ``kvpt``; the written opinions drafted, saved in the project and exported.

A hand-made project in VN-2000 / UTM 48N metres, imported with ``kvpt import`` from files
whose columns have the Vietnamese names GIS staff give them (``hanh_lang``, ``luong_dung``,
``tai_trong``). Expected numbers are worked out by hand:

* military zone KQS-01: a 200 m square at the origin, its own protection width 300 m;
* the border: a line along y = -3000 (the belt: 1000 m, the default);
* bridge CAU-01 at (5000, 0), dual-use ("Có"), load class HL-93; bridge CAU-02 at
  (5000, 400), not dual-use ("không"): never appraised;
* defense–economic zone KTQP-01: x 9000..11000, y -1000..1000;
* proposals, 100 m squares: DA-01 at x 400 (200 m east of KQS-01: inside its 300 m zone,
  100 x 100 m in it); DA-02 at y -2700 (300 m from the border line: inside the belt);
  DA-03 at x 5150, y -50 (150 m from CAU-01: inside its 200 m zone); DA-04 at x 10950
  (half inside KTQP-01: 50 x 100 m, 50 %), 3000 m from the border line: clear.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from cli import app
from layers.store import ProjectStore
from planning import appraisal, opinion_records
from planning.errors import PlanningError
from planning.project import Project

ROOT = Path(__file__).parents[1]
X0, Y0 = 600_000.0, 2_400_000.0
PROPOSALS = "Dự án đề xuất"


def sq(x: float, y: float, size: float = 100.0):  # noqa: ANN201 - Polygon
    return box(X0 + x, Y0 + y, X0 + x + size, Y0 + y + size)


def kvpt(*args: object):  # noqa: ANN201 - click Result
    return CliRunner().invoke(app, [str(a) for a in args])


def layers() -> list[tuple[str, str, gpd.GeoDataFrame]]:
    def frame(data: dict, geoms: list) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame(data, geometry=geoms, crs=3405)

    return [
        ("Khu quân sự", "military_zone", frame(
            {"ma": ["KQS-01"], "ten": ["Khu quân sự A"], "hanh_lang": [300.0]}, [sq(0, 0, 200)])),
        ("Biên giới", "border", frame({"ten": ["Biên giới"]}, [LineString(
            [(X0 - 5000, Y0 - 3000), (X0 + 15000, Y0 - 3000)])])),
        ("Cầu", "infrastructure", frame(
            {"ma": ["CAU-01", "CAU-02"], "ten": ["Cầu A", "Cầu B"], "loai": ["bridge"] * 2,
             "luong_dung": ["Có", "không"], "tai_trong": ["HL-93", "H30"]},
            [Point(X0 + 5000, Y0), Point(X0 + 5000, Y0 + 400)])),
        ("Khu KT-QP", "defense_economic_zone", frame(
            {"ma": ["KTQP-01"], "ten": ["Khu KT-QP A"]},
            [box(X0 + 9000, Y0 - 1000, X0 + 11000, Y0 + 1000)])),
        (PROPOSALS, "proposed_project", frame(
            {"ma": ["DA-01", "DA-02", "DA-03", "DA-04"],
             "ten": ["Khu A", "Khu B", "Khu C", "=1+1 Khu D"]},
            [sq(400, 50), sq(0, -2700), sq(5150, -50), sq(10950, 0)])),
    ]


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("zones")
    project = folder / "p.gpkg"
    assert kvpt("init", project).exit_code == 0
    for name, kind, gdf in layers():
        src = folder / f"{kind}.geojson"
        gdf.to_crs(4326).to_file(src)
        res = kvpt("import", project, src, "--kind", kind, "--name", name)
        assert res.exit_code == 0, res.output
    return project


@pytest.fixture
def project(master: Path, tmp_path: Path) -> Path:
    path = tmp_path / "p.gpkg"
    path.write_bytes(master.read_bytes())
    return path


def appraise_json(project: Path, *args: str) -> dict:
    res = kvpt("appraise", project, "--proposals", PROPOSALS, "--json", *args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_verdicts_against_zones_belt_and_dual_use(master: Path) -> None:
    data = appraise_json(master)
    assert [p["verdict"] for p in data["projects"]] == [
        "protection_zone", "protection_zone", "protection_zone", "clear"]
    pairs = pd.DataFrame(data["pairs"]).set_index(["proposal_code", "work_code"])
    mz = pairs.loc[("DA-01", "KQS-01")]
    assert (mz["work_kind"], mz["zone_width_m"]) == ("military_zone", 300.0)
    assert mz["distance_m"] == pytest.approx(200.0)
    assert mz["zone_overlap_m2"] == pytest.approx(100 * 100, rel=1e-6)
    belt = pairs[pairs["work_kind"] == "border"].loc["DA-02"].iloc[0]
    assert belt["verdict"] == "protection_zone" and belt["zone_width_m"] == 1000.0
    assert belt["distance_m"] == pytest.approx(300.0, abs=1e-3)
    bridge = pairs.loc[("DA-03", "CAU-01")]
    assert bridge["verdict"] == "protection_zone"
    assert bridge["distance_m"] == pytest.approx(150.0, abs=1e-3)
    assert (bridge["load_class"], bridge["work_class"]) == ("HL-93", "bridge")
    assert "CAU-02" not in set(pairs.index.get_level_values("work_code"))  # not dual-use
    zones = pd.DataFrame(data["zones"]).set_index("proposal_code")
    # DA-03 (x 5150..5250) is 3750 m west of KTQP-01, within the 5 km search
    assert list(zones.index) == ["DA-03", "DA-04"] and set(zones["zone_code"]) == {"KTQP-01"}
    assert zones.loc["DA-03", "distance_m"] == pytest.approx(3750.0, abs=1e-3)
    assert zones.loc["DA-03", "overlap_m2"] == 0.0
    assert zones.loc["DA-04", "overlap_m2"] == pytest.approx(50 * 100, rel=1e-6)
    assert zones.loc["DA-04", "share_pct"] == pytest.approx(50.0, rel=1e-6)


def test_belt_and_dual_use_widths_are_options(master: Path) -> None:
    # a 250 m belt leaves DA-02 (300 m off) near; a 100 m zone leaves DA-03 (150 m) near
    data = appraise_json(master, "--belt-m", "250", "--dual-use-m", "100")
    assert [p["verdict"] for p in data["projects"]][1:3] == ["near", "near"]
    res = kvpt("appraise", master, "--proposals", PROPOSALS, "--belt-m", "-1")
    assert res.exit_code == 2 and "'border'" in res.output


def test_kinds_lists_the_new_kinds_and_attributes() -> None:
    res = kvpt("kinds")
    assert res.exit_code == 0
    lines = {line.split("\t")[0]: line for line in res.stdout.splitlines()}
    assert "zone_width_m" in lines["military_zone"]
    assert "Khu kinh tế – quốc phòng" in lines["defense_economic_zone"]
    assert all(a in lines["infrastructure"] for a in ("dual_use", "load_class",
                                                      "runway_length_m"))


def test_drafted_opinions_export_name_works_zones_and_distances(project: Path) -> None:
    out = project.parent / "opinions.csv"
    res = kvpt("appraise", project, "--proposals", PROPOSALS, "--opinions", out)
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert table["status"].tolist() == ["drafted"] * 4
    text = dict(zip(table["proposal_code"], table["opinion"], strict=True))
    assert "khu quân sự KQS-01 – Khu quân sự A" in text["DA-01"]
    assert "rộng 300 m" in text["DA-01"] and "cách khu quân sự 200 m" in text["DA-01"]
    assert "vành đai biên giới rộng 1.000 m" in text["DA-02"]
    assert "cách đường biên giới 300 m" in text["DA-02"]
    assert "Bộ đội Biên phòng" in text["DA-02"]
    assert "CAU-01" in text["DA-03"] and "tải trọng HL-93" in text["DA-03"]
    assert "CAU-02" not in text["DA-03"]
    assert "KTQP-01" in text["DA-03"] and "cách dự án 3.750 m" in text["DA-03"]
    assert "KTQP-01" in text["DA-04"] and "50,0 %" in text["DA-04"]
    assert table["proposal_name"].iloc[3] == "'=1+1 Khu D"  # formula neutralised
    assert "Biên giới v1" in table["layer_versions"].iloc[0]
    assert ProjectStore(project).read_records(opinion_records.TABLE).empty  # nothing saved


def test_saved_opinions_keep_author_time_versions_and_history(project: Path) -> None:
    res = kvpt("appraise", project, "--proposals", PROPOSALS, "--save-opinions",
               "--author", "Trung tá A")
    assert res.exit_code == 0, res.output
    stored = ProjectStore(project).read_records(opinion_records.TABLE)
    assert len(stored) == 4 and set(stored["author"]) == {"Trung tá A"}
    assert stored["layer_versions"].str.contains(f"{PROPOSALS} v1; Khu quân sự v1").all()
    proj = Project(ProjectStore(project))
    result = appraisal.appraise(proj, PROPOSALS)
    edited = "Ý kiến đã sửa: đề nghị dời ranh giới dự án 150 m về phía tây."
    ident = f"{PROPOSALS}:0"
    opinion_records.save_opinions(proj, result, {ident: edited}, author="Đại uý B")
    history = ProjectStore(project).read_records(opinion_records.TABLE)
    assert len(history) == 5  # the earlier opinion is kept
    table = opinion_records.opinion_table(proj, result).set_index("proposal_id")
    assert table.loc[ident, "opinion"] == edited
    assert table.loc[ident, "author"] == "Đại uý B"
    assert not table["layers_changed"].any()
    # a new version of a layer read by the appraisal: the saved opinions are flagged
    name, kind, gdf = layers()[0]
    src = project.parent / "mz.geojson"
    gdf.assign(hanh_lang=100.0).to_crs(4326).to_file(src)
    assert kvpt("import", project, src, "--kind", kind, "--name", name, "--again").exit_code == 0
    proj = Project(ProjectStore(project))
    table = opinion_records.opinion_table(proj, appraisal.appraise(proj, PROPOSALS))
    assert table["layers_changed"].all()
    assert table.set_index("proposal_id").loc[ident, "opinion"] == edited


def test_unknown_proposal_is_refused_and_nothing_saved(project: Path) -> None:
    proj = Project(ProjectStore(project))
    result = appraisal.appraise(proj, PROPOSALS)
    with pytest.raises(PlanningError, match="DA-99"):
        opinion_records.save_opinions(proj, result, {"DA-99": "x"})
    assert ProjectStore(project).read_records(opinion_records.TABLE).empty


def test_page_edits_and_saves_an_opinion(project: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("KVPT_PROJECT", str(project))
    at = AppTest.from_file(str(ROOT / "ui/appraisal_page.py"), default_timeout=90).run()
    assert not at.exception
    key = f"opinion_{PROPOSALS}:1"
    assert "vành đai biên giới" in at.text_area(key=key).value
    at.text_area(key=key).input("Ý kiến sửa trên trang.")
    at.text_input(key="opinion_author").input("Thiếu tá C")
    next(b for b in at.button if b.label == "Lưu ý kiến").click()
    at.run()
    assert not at.exception
    stored = ProjectStore(project).read_records(opinion_records.TABLE)
    row = stored.set_index("proposal_id").loc[f"{PROPOSALS}:1"]
    assert row["opinion"] == "Ý kiến sửa trên trang."
    assert row["author"] == "Thiếu tá C" and row["saved_at"]
    assert len(stored) == 4  # the four shown opinions, drafts included


def test_english_drafts_on_request(master: Path, tmp_path: Path) -> None:
    out = tmp_path / "en.csv"
    res = kvpt("appraise", master, "--proposals", PROPOSALS, "--opinions", out,
               "--opinion-lang", "en")
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    text = dict(zip(table["proposal_code"], table["opinion"], strict=True))
    assert "protection zone of military zone KQS-01 – Khu quân sự A" in text["DA-01"]
    assert "200 m from it" in text["DA-01"]
    assert "1,000 m border belt" in text["DA-02"] and "Border Guard" in text["DA-02"]
    assert "load class HL-93" in text["DA-03"]
    assert "defense–economic zone KTQP-01" in text["DA-04"] and "50.0 %" in text["DA-04"]
