"""Issue #8: every expected error reaches a planner in Vietnamese, the command line in English.

The catalogue (``layers.messages`` with ``layers.messages_io``, ``planning.messages``, and
for the problems of ``geo`` its English ``geo.messages`` beside the Vietnamese
``planning.analysis_messages``) must be complete and consistent; real error cases shown
through ``ui.state.error_text`` in Vietnamese must hold no English sentence and no server
path; ``kvpt`` keeps printing English.
"""

from __future__ import annotations

import ast
import pickle
import re
import string
from pathlib import Path

import geopandas as gpd
import networkx as nx
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box
from typer.testing import CliRunner

import ui.state
from cli import app
from geo import appraisal, completeness, depth, exercises, network, relocation, support
from geo import messages as geo_messages
from geo.errors import AnalysisInputError, Problem
from layers import encoding, messages_io
from layers import messages as layer_messages
from layers import records as rec
from layers.errors import LayerError
from layers.export import export_bytes, export_layer
from planning import analysis_messages
from planning import messages as planning_messages
from planning.messages import analysis_text

ROOT = Path(__file__).resolve().parents[1]
CRS = "EPSG:3405"

ENGLISH = re.compile(
    r"\b(must|column|columns|missing|layer|layers|cannot|the|not|has|have|no|should|file|"
    r"empty|unknown|invalid|found|number|values?|rows?|line|records?|give|pass|use)\b",
    re.IGNORECASE)
"""English words that must not appear in a Vietnamese message (names in data aside)."""

UNTRANSLATED: set[str] = set()
"""Keys of ``geo.messages.MESSAGES`` shown in Vietnamese only as a lead sentence with the
English detail. Empty: every problem of ``geo`` has its Vietnamese text."""

PAGE_REACHABLE = (
    "works_kind_no_width", "works_no_kind_column", "zone_width_bad", "levels_unknown",
    "levels_empty", "level_column_missing", "frame_no_geometry", "no_communes",
    "cycle_too_short", "shares_order", "share_bad", "communes_without_code",
    "communes_duplicate_codes", "percent_complete_bad", "target_bounds", "unreachable",
    "unknown_segments", "feature_unknown", "feature_ambiguous", "no_road_lines",
    "speed_class_bad", "within_km_bad", "within_min_bad", "bands_bad", "border_no_line",
    "hazards_not_polygons", "no_border_depth", "capacity_values_bad",
    "capacity_columns_missing", "solver_time_limit", "solver_failed", "network_no_segments",
    "distance_negative", "no_hub", "no_target",
)
"""Problems a page can reach from stored layers and its widgets: translated for sure."""

PLACEHOLDER_EXCEPTIONS = {"no_relocation_layers"}
"""Planning keys whose Vietnamese leaves a placeholder out on purpose: the English names the
missing kinds joined with 'nor' for the command line, the Vietnamese names both layers."""


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def vi_text(err: Exception, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(ui.state, "lang", lambda: "vi")
    return ui.state.error_text(err)


def assert_vietnamese(text: str, *paths: Path) -> None:
    hits = ENGLISH.findall(text)
    assert not hits, f"English words {hits} in: {text}"
    assert re.search(r"[ăâđêôơưạảấầẩậắằẳặẹẻẽếềểệịỉọỏốồổộớờởợụủứừửựỳỷỹý]", text), text
    for path in paths:
        assert str(path) not in text and str(path.parent) not in text, text


# --- the catalogue ---------------------------------------------------------------------------


def test_layer_catalogue_is_one_lookup_without_duplicates() -> None:
    assert layer_messages.DUPLICATE_KEYS == [] and planning_messages.DUPLICATE_KEYS == []
    for key, pair in messages_io.MESSAGES.items():
        assert layer_messages.MESSAGES[key] is pair
    assert set(layer_messages.HINTS) <= set(layer_messages.MESSAGES)


@pytest.mark.parametrize("catalogue", [layer_messages.MESSAGES, planning_messages.MESSAGES],
                         ids=["layers", "planning"])
def test_every_key_has_vi_and_en_with_the_same_placeholders(catalogue: dict) -> None:
    for key, (vi, en) in catalogue.items():
        assert vi.strip() and en.strip(), key
        if key not in PLACEHOLDER_EXCEPTIONS:
            assert fields(vi) == fields(en), key
    assert set(layer_messages.MESSAGES).isdisjoint(planning_messages.MESSAGES)


def test_geo_problems_have_vietnamese_with_the_same_placeholders() -> None:
    english, vietnamese = geo_messages.MESSAGES, analysis_messages.ANALYSIS
    assert set(vietnamese) <= set(english), set(vietnamese) - set(english)
    assert set(english) - set(vietnamese) == UNTRANSLATED
    assert set(PAGE_REACHABLE) <= set(vietnamese)
    for key, vi in vietnamese.items():
        assert vi.strip() and english[key].strip(), key
        assert fields(vi) == fields(english[key]), key


def _geo_sources() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "geo").glob("*.py"))
            if p.name != "messages.py"}


def test_every_problem_key_raised_by_geo_is_known_and_every_known_key_used() -> None:
    used: set[str] = set()
    for name, source in _geo_sources().items():
        for node in ast.walk(ast.parse(source)):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Problem"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                assert node.args[0].value in geo_messages.MESSAGES, (name, node.args[0].value)
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                used.add(node.value)
    assert set(geo_messages.MESSAGES) <= used, set(geo_messages.MESSAGES) - used


ROLE_CALLS = {"frame_problems": 1, "levels_of": 1, "_point_series": 1, "_check_columns": 1,
              "_share": 2}
"""Functions of geo taking an argument name for messages, and its position."""

LOOP_ROLES = {"border", "hazards", "enterprises", "sites", "demands", "capacities"}
"""Argument names geo passes from loops over (name, value) pairs, not as literal calls."""


def _argument_names() -> set[str]:
    names = set(LOOP_ROLES)
    for source in _geo_sources().values():
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call):
                continue
            func = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            at = ROLE_CALLS.get(func)
            if at is not None and len(node.args) > at and isinstance(node.args[at], ast.Constant):
                names.add(node.args[at].value)
            if func == "_speed_problems" and isinstance(node.args[0], ast.Dict):
                names |= {k.value for k in node.args[0].keys if isinstance(k, ast.Constant)}
            for kw in node.keywords:
                if func == "distance_problems" and kw.arg:
                    names.add(kw.arg)
                elif kw.arg in ("role", "arg") and isinstance(kw.value, ast.Constant):
                    names.add(kw.value.value)
    return names


def test_geo_argument_names_have_vietnamese_words() -> None:
    names = _argument_names()
    assert {"works", "proposals", "units", "assets", "communes", "search_distance",
            "min_depth_km", "share_min", "offroad_speed_kmh"} <= names
    missing = names - set(analysis_messages.ARGUMENTS)
    assert not missing, f"argument names without a Vietnamese word: {sorted(missing)}"


# --- real error cases, shown on a page in Vietnamese ------------------------------------------


COMMUNES = pd.DataFrame({"code": ["X01", "X02"], "name": ["Xã Hữu Lũng", "Xã Tân Thành"],
                         "parent_code": ["H1", "H1"]})


def test_records_csv_with_a_missing_column(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"ma_xa,nam\nX01,2023\n"
    with pytest.raises(LayerError, match="lack column.*type") as err:
        rec.parse_exercise_csv(data, COMMUNES, source="ket_qua.csv")
    assert_vietnamese(vi_text(err.value, monkeypatch))


def test_records_csv_with_bad_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    data = ("ma_xa,nam,loai\nX01,2023,chiến đấu phòng thủ xã\nZZ9,1200,bơi lội\n"
            ",2024,\n").encode()
    with pytest.raises(LayerError, match=r"ket_qua.csv line 3: unknown commune code 'ZZ9'"
                       ) as err:
        rec.parse_exercise_csv(data, COMMUNES, source="ket_qua.csv")
    text = vi_text(err.value, monkeypatch)
    assert_vietnamese(text)
    assert "ket_qua.csv dòng 3" in text and "'ZZ9'" in text and "'bơi lội'" in text


def test_records_file_that_cannot_be_read(tmp_path: Path, demo_project: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from layers.store import ProjectStore

    missing = tmp_path / "khong_co" / "ket_qua.csv"
    with pytest.raises(LayerError) as err:
        rec.import_exercises(ProjectStore(demo_project), missing, communes=COMMUNES)
    assert_vietnamese(vi_text(err.value, monkeypatch), missing)
    assert str(missing) in str(err.value)  # the command line still names the path typed


def _gdf() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": ["Xã A"]}, geometry=[Point(106.7, 21.8)], crs=4326)


def test_export_to_an_unsupported_format(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(LayerError, match="Cannot export to '.xlsx'") as err:
        export_bytes(_gdf(), "xlsx", layer_name="x")
    assert_vietnamese(vi_text(err.value, monkeypatch))
    with pytest.raises(LayerError, match="without extension") as err:
        export_layer(_gdf(), tmp_path / "x", layer_name="x")
    assert_vietnamese(vi_text(err.value, monkeypatch), tmp_path / "x")
    out = tmp_path / "khong_co" / "x.gpkg"
    with pytest.raises(LayerError, match="does not exist") as err:
        export_layer(_gdf(), out, layer_name="x")
    assert_vietnamese(vi_text(err.value, monkeypatch), out)


def test_encodings_that_cannot_be_used(tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(LayerError, match="not a Vietnamese encoding") as err:
        encoding.normalize_encoding("latin1")
    assert_vietnamese(vi_text(err.value, monkeypatch))
    long_text = "Thôn Bản " * 40 + "中"
    with pytest.raises(LayerError, match=r"U\+4E2D.*TCVN3") as err:
        encoding.encode(long_text, "tcvn3")
    text = vi_text(err.value, monkeypatch)
    assert_vietnamese(text)
    assert len(text) < 300 and long_text not in str(err.value)  # a short excerpt only
    dbf = tmp_path / "xa.dbf"
    with pytest.raises(LayerError, match="xa.dbf") as err:
        encoding.read_dbf_ldid(dbf)
    assert_vietnamese(vi_text(err.value, monkeypatch), dbf)


def test_store_that_is_not_a_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from layers.store import ProjectStore

    path = tmp_path / "ghi_chu.gpkg"
    path.write_text("không phải GeoPackage")
    with pytest.raises(LayerError, match="not a GeoPackage") as err:
        ProjectStore(path)
    assert_vietnamese(vi_text(err.value, monkeypatch), path)
    assert "kvpt init" in str(err.value) and "kvpt" not in err.value.text("vi")


def _works(**columns: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=[Point(0, 0), Point(500, 0)], crs=CRS)


def test_geo_missing_column_and_negative_value(monkeypatch: pytest.MonkeyPatch) -> None:
    proposals = gpd.GeoDataFrame(geometry=[box(100, 100, 200, 200)], crs=CRS)
    with pytest.raises(AnalysisInputError, match="no column 'kind'") as err:
        appraisal.appraise(proposals, _works(name=["a", "b"]))
    assert_vietnamese(vi_text(err.value, monkeypatch))
    works = _works(kind=["combat_base", "bunker"])
    with pytest.raises(AnalysisInputError, match=r"'combat_base' must be .* not -5") as err:
        appraisal.appraise(proposals, works, zones={"combat_base": -5})
    text = vi_text(err.value, monkeypatch)
    assert_vietnamese(text)
    assert "-5" in text and "'bunker'" in text and len(text.splitlines()) == 2


def test_geo_levels_and_capacities(monkeypatch: pytest.MonkeyPatch) -> None:
    units = gpd.GeoDataFrame({"level": ["cụm", None]}, geometry=[box(0, 0, 9, 9)] * 2,
                             crs=CRS)
    assets = gpd.GeoDataFrame({"kind": ["combat_base"]}, geometry=[Point(1, 1)], crs=CRS)
    with pytest.raises(AnalysisInputError, match="unknown levels.*'cụm'") as err:
        completeness.completeness(units, assets)
    assert_vietnamese(vi_text(err.value, monkeypatch))
    ent = gpd.GeoDataFrame({"workforce": [-3]}, geometry=[Point(0, 0)], crs=CRS, index=["e0"])
    sites = gpd.GeoDataFrame({"capacity": [10]}, geometry=[box(0, 0, 9, 9)], crs=CRS,
                             index=["s0"])
    crit = relocation.site_criteria(sites, None, min_depth_km=0)
    times = pd.DataFrame([[5.0]], index=ent.index, columns=sites.index)
    with pytest.raises(AnalysisInputError, match="'workforce' has missing or negative") as err:
        relocation.plan_relocation(ent, sites, times, crit, min_depth_km=0)
    text = vi_text(err.value, monkeypatch)
    assert_vietnamese(text)
    assert "doanh nghiệp" in text and "diện tích" in text


def test_geo_network_and_widgets(monkeypatch: pytest.MonkeyPatch) -> None:
    roads = gpd.GeoDataFrame({"class": ["national_road", "national_road"]},
                             geometry=[LineString([(0, 0), (1000, 0)]),
                                       LineString([(5000, 0), (6000, 0)])], crs=CRS)
    graph = network.build_graph(roads)
    ends = list(nx.connected_components(graph))
    with pytest.raises(AnalysisInputError, match="cannot be reached") as err:
        network.shortest_route(graph, next(iter(ends[0])), next(iter(ends[1])))
    assert_vietnamese(vi_text(err.value, monkeypatch))
    calls = [lambda: support.mutual_support(_works(name=["a", "b"]), within_km=-1),
             lambda: depth.depth_from_border(_works(name=["a", "b"]), roads,
                                             bands_km=(30, 10)),
             lambda: exercises.yearly_count(0),
             lambda: network.without_segments(graph, ["L:9/0/0"])]
    for call in calls:
        with pytest.raises(AnalysisInputError) as err:
            call()
        assert_vietnamese(vi_text(err.value, monkeypatch))


def test_problem_without_vietnamese_leads_in_vietnamese(
        monkeypatch: pytest.MonkeyPatch) -> None:
    err = AnalysisInputError("`x` is bad: fix it", Problem("minutes_bad", value=-1))
    lines = vi_text(err, monkeypatch).splitlines()
    assert lines[0].startswith("Dữ liệu đầu vào của phân tích chưa hợp lệ")
    assert lines[0].endswith("`x` is bad: fix it")
    assert lines[1].startswith("Thời gian phải là số phút") and "-1" in lines[1]
    monkeypatch.setattr(ui.state, "lang", lambda: "en")
    assert ui.state.error_text(err) == str(err) == "`x` is bad: fix it\n" + str(err.problems[1])


# --- English where it was English ------------------------------------------------------------


def test_str_of_geo_errors_is_the_english_text() -> None:
    problem = Problem("frame_no_crs", role="works")
    assert problem == ("`works` has no CRS: set the CRS first, e.g. gdf.set_crs('EPSG:4326') "
                       "for longitude/latitude or gdf.set_crs('EPSG:3405') for VN-2000 / UTM "
                       "48N metres.")
    more = Problem("frame_no_geometry", role="units", labels=[*map(str, range(7))])
    assert "['0', '1'" in more  # plain lists format as before
    err = AnalysisInputError(problem, Problem("pair_and", first=Problem("none"), second="x"))
    assert str(err) == f"{problem}\nnone and x"
    assert analysis_text(err, "en") == str(err)
    again = pickle.loads(pickle.dumps(err))
    assert again.problems == err.problems and again.problems[0].key == "frame_no_crs"
    assert analysis_text(again, "vi") == analysis_text(err, "vi")
    assert "không có và x" in analysis_text(err, "vi")


def test_cli_output_stays_english(demo_master: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["route", str(demo_master), "--from", "nowhere-at-all", "--to",
                              "nowhere-else"])
    assert res.exit_code == 2 and "no feature 'nowhere-at-all'" in res.stderr
    missing = tmp_path / "nope.gpkg"
    res = runner.invoke(app, ["layers", str(missing)])
    assert res.exit_code == 2, res.output
    assert res.stderr.startswith("kvpt: error: No project store at nope.gpkg.")
    assert f"kvpt init {missing}" in res.stderr
    assert not re.search(r"[ăâđêôơư]", res.stderr)


def test_numbers_and_labels_list_in_the_message_language() -> None:
    many = Problem("nodes_not_in_network", nodes=network._show(list(range(8))))
    assert "and 3 more" in many
    assert "và 3 giá trị khác" in planning_messages.problem_text(many, "vi")


def test_quoted_values_and_command_line_errors_carry_no_control_bytes() -> None:
    """A name or header quoted in a message, and the CLI's error line, escape terminal
    control bytes instead of passing them to the screen."""
    from typer.testing import CliRunner

    from cli import app
    from layers.messages import clip

    assert clip("Xã\x1b[31m\x00") == "Xã\\x1b[31m\\x00"
    res = CliRunner().invoke(app, ["layers", "no\x1b[2Jsuch.gpkg"])
    assert res.exit_code == 2 and "\x1b" not in res.stderr and "\\x1b" in res.stderr
