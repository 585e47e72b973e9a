"""The Relocation page under AppTest: plan A, a cut picked by segment id, plan B and changes."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import sha256, with_feature_files
from geo import relocation
from layers.store import ProjectStore
from maps.compare_map import STYLES
from ui.tables import header, value_text

ROOT = Path(__file__).parents[1]
PAGE = "ui/relocation_page.py"


def run_page(project: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("KVPT_PROJECT", str(project))
    return AppTest.from_file(str(ROOT / PAGE), default_timeout=60).run()


ENTERPRISES = (*relocation.ENTERPRISE_COLUMNS, *relocation.ROUTE_HAZARD_COLUMNS)


def frame_with(at: AppTest, column: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """The first table shown with ``column``, whose headers (in Vietnamese, as the page shows
    them) are those of ``columns``; returned with the result's column names."""
    wanted = header(column, "vi")
    frame = next(d.value for d in at.dataframe if wanted in d.value.columns)
    assert list(frame.columns) == [header(c, "vi") for c in columns]
    return frame.set_axis(list(columns), axis=1)


def numbers(values: pd.Series) -> pd.Series:
    """A column shown for people as numbers again ("" for a missing one)."""
    return pd.to_numeric(values.replace("", None))


def test_page_plans_then_cuts_a_segment(demo_project: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    before = sha256(demo_project)
    at = run_page(demo_project, monkeypatch)
    assert not at.exception
    assert at.title[0].value == "Di chuyển doanh nghiệp động viên công nghiệp"
    assert at.metric[0].value == "27/27"  # the demo enterprises that must relocate
    enterprises = frame_with(at, "binding", ENTERPRISES)
    assert len(enterprises) == 27
    sites = frame_with(at, "passes_depth", relocation.SITE_COLUMNS)
    assert len(sites) == 40 and sites["in_hazard"].sum() >= 2
    assert not (sites["selected"] & ~sites["passes_hazard"]).any()
    assert {b.key for b in at.get("download_button")} >= {"reloc_download_csv",
                                                           "reloc_download_sites"}

    picker = at.multiselect(key="reloc_cut")
    top = picker.options[0].split(" – ")[0]  # the segment used by most routes comes first
    picker.set_value([top]).run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert "Đã bố trí (B)" in labels
    columns = relocation.CHANGE_COLUMNS
    changes = frame_with(at, "change", (*columns[:3], "route_cut", *columns[3:]))
    assert len(changes) > 0
    direct = int(changes["route_cut"].sum())
    assert any(f"{direct} doanh nghiệp có tuyến" in c.value for c in at.caption)
    assert set(changes["change"]) <= {value_text(c, "vi") for c in relocation.CHANGES}
    assert "reloc_download_changes" in {b.key for b in at.get("download_button")}
    placed_b = at.metric[labels.index("Đã bố trí (B)")].value
    time_a = float(at.metric[1].value.replace(",", ""))
    time_b = float(at.metric[labels.index("Tổng thời gian (B, phút)")].value.replace(",", ""))
    assert placed_b != "27/27" or time_b > time_a
    frames = at.get("iframe")  # plan A beside plan B, panned and zoomed together
    assert len(frames) == 1 and frames[0].proto.srcdoc.count("<iframe ") == 2
    docs = [with_feature_files(html.unescape(d))
            for d in re.findall(r'srcdoc="([^"]*)"', frames[0].proto.srcdoc)]
    assert len(docs) == 2 and all(STYLES["segment_cut"].color in d for d in docs)  # A and B
    assert "reloc_download_pair" in {b.key for b in at.get("download_button")}
    at.toggle(key="reloc_pick_on_map").set_value(True).run()  # back to picking on plan A
    assert not at.exception and not at.get("iframe")
    assert at.multiselect(key="reloc_cut").value == [top]
    assert sha256(demo_project) == before


def test_page_tight_criteria_list_unplaced_and_switches_language(
        demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_page(demo_project, monkeypatch)
    at.number_input(key="reloc_max_min").set_value(30.0).run()
    assert not at.exception
    assert at.metric[0].value != "27/27"
    assert any("Chưa bố trí được" in w.value for w in at.warning)
    enterprises = frame_with(at, "binding", ENTERPRISES)
    placed = enterprises["site"] != ""
    assert 0 < placed.sum() < 30
    assert (numbers(enterprises.loc[placed, "travel_min"]) <= 30.0).all()
    assert (enterprises.loc[~placed, "travel_min"] == "").all()
    at.sidebar.radio(key="lang_choice").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Relocation of designated enterprises"
    assert any("unplaced" in w.value for w in at.warning)


def test_page_without_layers_says_what_to_import(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "empty.gpkg"
    ProjectStore.init(path)
    at = run_page(path, monkeypatch)
    assert not at.exception
    assert "Địa điểm di chuyển" in at.info[0].value
    missing = run_page(tmp_path / "missing.gpkg", monkeypatch)
    assert not missing.exception
    assert "kvpt demo" in missing.warning[0].value


def test_page_select_all_cuts_says_too_many_in_the_interface_language(
        demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_page(demo_project, monkeypatch)
    picker = at.multiselect(key="reloc_cut")
    every = [o.split(" – ")[0] for o in picker.options]
    assert len(every) > 10  # the demo's road segments: "select all" is too many
    picker.set_value(every).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"Cắt {len(every)} đoạn là quá nhiều (tối đa 10): chọn các đoạn cần xét."]
    assert at.metric[0].value == "27/27" and "Đã bố trí (B)" not in [m.label for m in at.metric]
    at.sidebar.radio(key="lang_choice").set_value("en").run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"cutting {len(every)} segments is too many (at most 10): pick the segments to study."]


def test_a_refined_plan_b_draws_the_plan_b_side_only(demo_project: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from maps import compare_map

    drawn: list[str] = []
    original = compare_map.side_map

    def counting(*args, side: str, **kw):  # noqa: ANN002, ANN003, ANN202
        drawn.append(side)
        return original(*args, side=side, **kw)

    monkeypatch.setattr(compare_map, "side_map", counting)
    at = run_page(demo_project, monkeypatch)
    picker = at.multiselect(key="reloc_cut")
    # the second most used segment (the first is cut by another test: its sides are kept)
    picker.set_value([picker.options[1].split(" – ")[0]]).run()
    assert not at.exception and len(at.get("iframe")) == 1
    assert "reloc_refined" in at.session_state  # a quick plan B, then the optimal one:
    # plan A's side is drawn once for the cut
    assert drawn.count("A") == 1 and 1 <= drawn.count("B") <= 2, drawn


def test_everyone_toggle_plans_every_enterprise_as_the_cli(
        demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from typer.testing import CliRunner

    from cli import app

    def plan(*flags: str) -> list[dict]:
        res = CliRunner().invoke(app, ["relocate", str(demo_project), "--json", *flags])
        assert res.exit_code == 0, res.output
        return json.loads(res.stdout)["enterprises"]

    everyone, must = plan("--all"), plan()
    assert len(everyone) > len(must)  # the switch changes what is planned on the demo
    at = run_page(demo_project, monkeypatch)
    assert not at.exception
    assert at.metric[0].value == f"{sum(r['site'] is not None for r in must)}/{len(must)}"
    at.toggle(key="reloc_everyone").set_value(True).run()
    assert not at.exception
    placed = sum(r["site"] is not None for r in everyone)
    assert at.metric[0].value == f"{placed}/{len(everyone)}"
    shown = frame_with(at, "binding", ENTERPRISES)
    assert sorted(shown["enterprise"]) == sorted(r["enterprise"] for r in everyone)
    at.toggle(key="reloc_everyone").set_value(False).run()
    assert at.metric[0].value == f"{sum(r['site'] is not None for r in must)}/{len(must)}"


def test_the_relocation_brief_plans_every_enterprise_when_the_page_does(
        demo_master: Path) -> None:
    from planning.brief_relocation import relocation_brief
    from planning.brief_tables import BriefTable
    from planning.project import Project

    def enterprises(everyone: bool) -> str:
        brief = relocation_brief(Project(ProjectStore(demo_master)), everyone=everyone)
        (table,) = [b for b in brief.overview.blocks if isinstance(b, BriefTable)]
        return table.rows[0][table.keys.index("n_enterprises")]

    must = ProjectStore(demo_master).read_kinds(["enterprise"]).popitem()[1]
    # the page's options (its "every enterprise" switch included) are the brief's
    assert enterprises(True) == str(len(must)) != enterprises(False)
