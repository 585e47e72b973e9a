"""planning.appraisal: proposals and works named by their codes; CLI and page agree.

A hand-made project (VN-2000 / UTM 48N metres) has eight combat bases CT-01…CT-08, 100 m
squares 20 km apart, and six proposals DA-01…DA-06, 100 m squares placed at hand-chosen
gaps from them, imported from files through ``kvpt import`` (codes in a column ``ma``,
names in ``ten``, as a GIS officer's layers write them). Default widths: a combat base's
protection zone is 500 m, "near" is 1000 m, the search distance 5000 m.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from cli import app
from layers.kinds import DEFENSE_WORK_KINDS
from layers.store import ProjectStore
from planning import appraisal
from planning.errors import PlanningError
from planning.project import Project
from ui.tables import header, localized

ROOT = Path(__file__).parents[1]
X0, Y0 = 600_000.0, 2_400_000.0
SPACING = 20_000.0  # between works: each proposal meets one work at most
WORKS, PROPOSALS = "Công trình quốc phòng", "Dự án đề xuất"

# proposal → (work it is placed by, gap in metres east of that work: < 0 overlaps)
PLACED = {
    "DA-01": ("CT-01", -50.0),    # overlaps the east half: conflict, 50 x 100 m²
    "DA-02": ("CT-02", 150.0),    # inside the 500 m zone
    "DA-03": ("CT-03", 800.0),    # beyond the zone, within 1000 m: near
    "DA-04": ("CT-04", 3000.0),   # within the search distance only: clear
    "DA-05": ("CT-05", 9800.0),   # 9.8 km from CT-05, 10 km from CT-06: no pair
    "DA-06": ("CT-07", 400.0),    # inside the 500 m zone; near with a 300 m zone
}


def square(x: float, y: float = 0.0, size: float = 100.0):  # noqa: ANN201 - Polygon
    return box(X0 + x, Y0 + y, X0 + x + size, Y0 + y + size)


def work_x(code: str) -> float:
    return (int(code[-2:]) - 1) * SPACING


def kvpt(*args: object):  # noqa: ANN201 - click Result
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def coded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made project, built with ``kvpt init`` and ``kvpt import``."""
    folder = tmp_path_factory.mktemp("coded")
    works = gpd.GeoDataFrame(
        {"ma": [f"CT-{i:02d}" for i in range(1, 9)],
         "ten": [f"Căn cứ {i}" for i in range(1, 9)]},
        geometry=[square(work_x(f"CT-{i:02d}")) for i in range(1, 9)], crs=3405)
    props = gpd.GeoDataFrame(
        {"ma": list(PLACED), "ten": [f"Dự án {c[-1]}" for c in PLACED]},
        geometry=[square(work_x(w) + 100.0 + gap) for w, gap in PLACED.values()], crs=3405)
    project = folder / "p.gpkg"
    assert kvpt("init", project).exit_code == 0
    for frame, name, kind in ((works, WORKS, "combat_base"),
                              (props, PROPOSALS, "proposed_project")):
        src = folder / f"{kind}.geojson"
        frame.to_crs(4326).to_file(src)
        res = kvpt("import", project, src, "--kind", kind, "--name", name)
        assert res.exit_code == 0, res.output
    return project


def appraise_json(project: Path, *args: str) -> dict:
    res = kvpt("appraise", project, "--proposals", PROPOSALS, "--json", *args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_json_names_every_proposal_and_work_by_its_code(coded: Path) -> None:
    data = appraise_json(coded)
    projects = data["projects"]
    assert [p["proposal_code"] for p in projects] == list(PLACED)
    assert [p["proposal_id"] for p in projects] == [f"{PROPOSALS}:{i}" for i in range(6)]
    assert [p["index"] for p in projects] == list(range(6))
    assert [p["proposal_name"] for p in projects] == [f"Dự án {i}" for i in range(1, 7)]
    assert [p["verdict"] for p in projects] == [
        "conflict", "protection_zone", "near", "clear", "clear", "protection_zone"]
    assert [p["nearest_work_code"] for p in projects] == [
        "CT-01", "CT-02", "CT-03", "CT-04", "", "CT-07"]
    assert projects[4]["nearest_work"] is None  # DA-05: nothing within 5 km
    assert [p["nearest_work"] for p in projects if p["nearest_work"]] == [
        f"{WORKS}:{i}" for i in (0, 1, 2, 3, 6)]
    pairs = data["pairs"]
    got = [(p["proposal_code"], p["work_code"], p["verdict"]) for p in pairs]
    assert got == [("DA-01", "CT-01", "conflict"), ("DA-02", "CT-02", "protection_zone"),
                   ("DA-03", "CT-03", "near"), ("DA-04", "CT-04", "clear"),
                   ("DA-06", "CT-07", "protection_zone")]
    # the fields of before, unchanged: proposal (row), work ("<layer>:<row>"), names
    assert [p["proposal"] for p in pairs] == [0, 1, 2, 3, 5]
    assert [p["work"] for p in pairs] == [f"{WORKS}:{i}" for i in (0, 1, 2, 3, 6)]
    assert [p["work_name"] for p in pairs] == ["Căn cứ 1", "Căn cứ 2", "Căn cứ 3",
                                               "Căn cứ 4", "Căn cứ 7"]
    # hand-computed measures (the layers went through EPSG:4326: allow a few mm)
    assert [p["distance_m"] for p in pairs] == pytest.approx([0, 150, 800, 3000, 400],
                                                             abs=0.01)
    assert pairs[0]["overlap_m2"] == pytest.approx(50 * 100, rel=1e-4)
    assert pairs[1]["zone_overlap_m2"] == pytest.approx(100 * 100, rel=1e-4)  # all inside
    assert {p["zone_width_m"] for p in pairs} == {500.0}


def test_zone_override_and_csv_keep_the_codes(coded: Path, tmp_path: Path) -> None:
    narrow = appraise_json(coded, "--zone", "combat_base=300")
    verdicts = {p["proposal_code"]: p["verdict"] for p in narrow["projects"]}
    assert verdicts["DA-06"] == "near" and verdicts["DA-02"] == "protection_zone"
    out = tmp_path / "pairs.csv"
    res = kvpt("appraise", coded, "--proposals", PROPOSALS, "--out", out)
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert table["proposal_code"].tolist() == ["DA-01", "DA-02", "DA-03", "DA-04", "DA-06"]
    assert table["work_code"].tolist() == ["CT-01", "CT-02", "CT-03", "CT-04", "CT-07"]


def test_the_layer_must_be_proposed_projects(coded: Path) -> None:
    res = kvpt("appraise", coded, "--proposals", WORKS)
    assert res.exit_code == 2
    assert "not proposed projects" in res.stderr and repr(PROPOSALS) in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    with pytest.raises(PlanningError) as err:
        appraisal.appraise(Project(ProjectStore(coded)), "nope")
    assert err.value.key == "unknown_layer"
    assert "không phải một lớp" in err.value.text("vi")


def test_defense_works_are_stacked_with_code_and_name(demo_master: Path) -> None:
    store = ProjectStore(demo_master)
    works = appraisal.defense_works(Project(store))
    expected = [(r.name, i) for r in store.layers() if r.kind in DEFENSE_WORK_KINDS
                for i in range(r.feature_count)]
    assert works.index.tolist() == [f"{n}:{i}" for n, i in expected]
    assert {"layer", "kind", "name", "code"} <= set(works.columns)
    assert {"combat_base", "air_defense"} <= set(works["kind"])
    assert works["code"].str.len().gt(0).all() and works.crs.to_epsg() == 4326
    bases = appraisal.defense_works(Project(store), ["combat_base"])
    assert set(bases["kind"]) == {"combat_base"} and len(bases) == 12


def test_a_layer_without_codes_gives_empty_codes(coded: Path, tmp_path: Path) -> None:
    project = tmp_path / "nocode.gpkg"
    project.write_bytes(coded.read_bytes())
    store = ProjectStore(project)
    src = tmp_path / "plain.geojson"
    gpd.GeoDataFrame({"ten": ["Không mã"]}, geometry=[square(work_x("CT-08") - 50)],
                     crs=3405).to_crs(4326).to_file(src)
    assert kvpt("import", project, src, "--kind", "proposed_project", "--name", "Plain"
                ).exit_code == 0
    result = appraisal.appraise(Project(store), "Plain")
    (row,) = result.json_data()["projects"]
    assert (row["proposal_id"], row["proposal_code"], row["verdict"]) == ("Plain:0", "",
                                                                          "conflict")
    assert row["nearest_work_code"] == "CT-08"


# --- parity with the Appraisal page -----------------------------------------------------------


def test_command_json_equals_page_tables(demo_master: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """``kvpt appraise --json`` rows, put through :func:`ui.tables.localized`, are exactly
    the page's two tables on the demo (the page leaves out ``index``, the JSON row number;
    the ids name the same rows)."""
    name = next(r.name for r in ProjectStore(demo_master).layers()
                if r.kind == "proposed_project")
    res = kvpt("appraise", demo_master, "--proposals", name, "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("KVPT_PROJECT", str(demo_master))
    at = AppTest.from_file(str(ROOT / "ui/appraisal_page.py"), default_timeout=60).run()
    assert not at.exception and not at.error
    for key, column in (("projects", "n_conflict"), ("pairs", "zone_width_m")):
        wanted = header(column, "vi")
        shown = next(d.value for d in at.dataframe if wanted in d.value.columns)
        expected = localized(pd.DataFrame(data[key]).drop(columns="index"), "vi")
        assert list(shown.columns) == list(expected.columns), key
        assert len(shown) == len(expected) > 0, key
        for col in expected.columns:
            assert (shown[col].astype(str).tolist()
                    == expected[col].astype(str).tolist()), (key, col)
    codes = shown[header("proposal_code", "vi")].tolist()
    assert codes and all(c.startswith("DA-") for c in codes)
