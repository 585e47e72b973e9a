"""Issue #12: roadmap rows follow their work's code across new versions of a works layer.

A work's id ``"<layer>:<row>"`` is a row position; a new version of the layer (rows
reordered, one removed, one added) moves it, the code stays. The expected ids are read
back from the re-imported layer itself (the position of each code), not from the code
under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli import app
from geo import roadmap as rm
from layers.prepare import NewLayer
from layers.store import ProjectStore
from planning import posture
from planning import roadmap as planning_roadmap
from planning.project import Project

LAYER = "Căn cứ chiến đấu (giả định)"
SAVED = {"CCCD-T": (2023, 10.0), "CCCD-181": (2024, 55.0), "CCCD-186": (2024, 60.0),
         "CCCD-189": (2024, 90.0)}
"""Code → (year, actual %) saved before the new version; CCCD-186 is then removed."""


def test_match_works_by_hand() -> None:
    works = pd.DataFrame({"layer": ["A", "A", "A", "B"], "code": ["a2", "a1", "", "a1"]},
                         index=["A:0", "A:1", "A:2", "B:0"])
    saved = pd.DataFrame([
        ("A", "A:0", "a1"),   # a1 of layer A is now row 1: moved
        ("A", "A:1", "a2"),   # a2 now row 0: moved
        ("A", "A:2", ""),     # no code: kept by id
        ("A", "A:5", ""),     # no code, the id is gone: lost
        ("A", "A:3", "a9"),   # code gone: lost
        ("C", "C:0", "a1"),   # layer C gone; a1 is in A and B: ambiguous, lost
        ("B", "B:0", "a1"),   # its own layer first: B:0, not moved
        ("A", "A:0", "a1"),   # a second update of the first work: one move listed
    ], columns=["work_layer", "work_id", "work_code"])
    matched, lost, moved = rm.match_works(saved, works)
    assert matched["work_id"].tolist() == ["A:1", "A:0", "A:2", "B:0", "A:1"]
    assert matched["work_code"].tolist() == ["a1", "a2", "", "a1", "a1"]
    assert list(zip(lost["work_id"], lost["reason"], strict=True)) == [
        ("A:5", "missing"), ("A:3", "missing"), ("C:0", "ambiguous")]
    assert list(moved.itertuples(index=False, name=None)) == [
        ("a1", "A:0", "A:1"), ("a2", "A:1", "A:0")]


def _csv(rows: dict[str, tuple[int, float]]) -> bytes:
    lines = ["work_code,year,actual_pct"] + [f"{c},{y},{p:g}" for c, (y, p) in rows.items()]
    return ("\n".join(lines) + "\n").encode()


def _new_version(path: Path) -> dict[str, str]:
    """Store a new version of the combat bases: reversed, CCCD-186 removed, one added first.

    Returns each code's id in the new version, counted on the layer read back.
    """
    store = ProjectStore(path)
    old = store.read(LAYER)
    kept = old[old["code"] != "CCCD-186"].iloc[::-1]
    added = old.iloc[[0]].assign(code="CCCD-999", name="Căn cứ mới")
    new = pd.concat([added, kept], ignore_index=True)
    store.add_layer(NewLayer(new, LAYER, "combat_base"))
    back = ProjectStore(path).read(LAYER)
    assert len(back) == len(old) and back["code"].iloc[0] == "CCCD-999"
    return {str(code): f"{LAYER}:{i}" for i, code in enumerate(back["code"])}


@pytest.fixture
def moved_project(demo_project: Path) -> tuple[Path, dict[str, str], dict[str, str]]:
    """The demo with a roadmap saved, then a new version of the combat bases."""
    proj = Project(ProjectStore(demo_project))
    before = {str(c): f"{LAYER}:{i}" for i, c in enumerate(proj.read(LAYER)["code"])}
    planning_roadmap.import_roadmap(proj, _csv(SAVED), source="r.csv", author="A")
    saved = planning_roadmap.history(proj).set_index("work_code")["work_id"].to_dict()
    assert saved == {c: before[c] for c in SAVED}  # saved against row positions
    return demo_project, before, _new_version(demo_project)


def test_roadmap_rows_land_on_the_work_with_their_code(
        moved_project: tuple[Path, dict[str, str], dict[str, str]]) -> None:
    path, before, now = moved_project
    kept = {c: v for c, v in SAVED.items() if c != "CCCD-186"}
    assert all(before[c] != now[c] for c in kept)  # by position each would be wrong
    proj = Project(ProjectStore(path))
    result = planning_roadmap.roadmap(proj, year=2024)
    table = result.main.set_index("work_id")
    for code, (_, pct) in kept.items():
        assert table.loc[now[code], ["work_code", "actual_pct", "completion_source"]
                         ].tolist() == [code, pct, "roadmap"]
    others = table[~table["work_code"].isin(list(kept))]
    assert others["actual_pct"].isna().all() and "CCCD-186" not in set(table["work_code"])
    notes = {w.key: w for w in result.warnings}
    lost = notes["roadmap_rows_lost"]
    assert lost.params["count"] == 1
    assert "CCCD-186" in lost.text("en") and "CCCD-186" in lost.text("vi")
    assert "no longer found" in lost.text("en") and "không còn tìm thấy" in lost.text("vi")
    assert notes["roadmap_rows_moved"].params["count"] == len(kept)
    # the editor's table names the current ids, and saving it unchanged adds nothing
    current = planning_roadmap.current(proj)
    assert set(zip(current["work_id"], current["work_code"], strict=True)) == {
        (now[c], c) for c in kept}
    assert planning_roadmap.save_edits(proj, current).empty


def test_targets_read_the_roadmap_by_code(
        moved_project: tuple[Path, dict[str, str], dict[str, str]]) -> None:
    path, _, _ = moved_project
    proj = Project(ProjectStore(path))
    frame = planning_roadmap.works_as_of(proj, "combat_base", 2024).set_index("code")
    layer = proj.read(LAYER).set_index("code")
    for code in ("CCCD-181", "CCCD-189", "CCCD-T"):
        assert frame.loc[code, "percent_complete"] == SAVED[code][1]
    for code in ("CCCD-999", "CCCD-178", "CCCD-188"):  # no roadmap: the layer's value
        assert frame.loc[code, "percent_complete"] == pytest.approx(
            pd.to_numeric(layer.loc[code, "percent_complete"]), nan_ok=True)
    # the posture reads it too; it warns of the lost row, the moves only the roadmap says
    proj = Project(ProjectStore(path))
    found = posture.works(proj, ["combat_base"]).set_index("code")
    assert found.loc["CCCD-189", ["completion_pct", "completion_source"]].tolist() == [
        90.0, "roadmap"]
    keys = {note.key for note in proj.take_notes()}
    assert "roadmap_rows_lost" in keys and "roadmap_rows_moved" not in keys


def test_import_prefers_the_code_to_a_stale_id(
        moved_project: tuple[Path, dict[str, str], dict[str, str]]) -> None:
    path, before, now = moved_project
    proj = Project(ProjectStore(path))
    stale = f"work_id,work_code,year,actual_pct\n{before['CCCD-189']},CCCD-189,2025,95\n"
    added = planning_roadmap.import_roadmap(proj, stale.encode(), source="s.csv")
    assert added[["work_id", "work_code"]].values.tolist() == [[now["CCCD-189"], "CCCD-189"]]
    assert before["CCCD-189"] != now["CCCD-189"]


def test_cli_warns_in_english(
        moved_project: tuple[Path, dict[str, str], dict[str, str]]) -> None:
    path, _, now = moved_project
    res = CliRunner().invoke(app, ["roadmap", str(path), "--year", "2024", "--json"])
    assert res.exit_code == 0, res.stderr
    rows = {r["work_id"]: r for r in json.loads(res.stdout)}
    assert rows[now["CCCD-181"]]["actual_pct"] == 55.0
    warned = [line for line in res.stderr.splitlines() if line.startswith("kvpt: warning:")]
    assert any("1 construction roadmap rows name a work no longer found" in line
               and "CCCD-186" in line for line in warned), res.stderr
