"""Issue #12: the posture follows the construction roadmap; the posture brief "built only".

The demo's combat bases all carry a ``percent_complete`` (read from the layer below), so
the built set by attribute is those at 100 %. The roadmap then sets CCCD-188 (40 % by its
attribute) to 100 % and CCCD-178 (100 % by its attribute) to 40 %: by hand, the built
set swaps one for the other. The brief's counts are taken from ``kvpt`` ``--json``.
"""

from __future__ import annotations

import json
import subprocess
import unicodedata
from pathlib import Path

import pandas as pd
from shapely.geometry import Point
from typer.testing import CliRunner

from cli import app
from conftest import flat, needs_poppler, page_texts
from layers.store import ProjectStore
from planning import posture
from planning import roadmap as planning_roadmap
from planning.project import Project

runner = CliRunner()
LAYER = "Căn cứ chiến đấu (giả định)"
ROADMAP = b"work_code,year,actual_pct\nCCCD-188,2024,100\nCCCD-178,2024,40\n"



def kvpt(*args: object):
    return runner.invoke(app, [str(a) for a in args])




def attribute_built(path: Path) -> set[str]:
    """Codes of the combat bases at 100 % by their own attribute (every one has a number)."""
    layer = ProjectStore(path).read(LAYER)
    pct = pd.to_numeric(layer["percent_complete"], errors="raise")
    assert pct.notna().all()
    assert pct[layer["code"] == "CCCD-188"].tolist() == [40.0]
    assert pct[layer["code"] == "CCCD-178"].tolist() == [100.0]
    return set(layer.loc[pct == 100.0, "code"])


def test_built_only_follows_the_roadmap(demo_project: Path) -> None:
    by_attribute = attribute_built(demo_project)
    proj = Project(ProjectStore(demo_project))
    before = posture.works(proj, ["combat_base"], built_only=True)
    assert set(before["code"]) == by_attribute
    assert (before["completion_source"] == "attribute").all()
    planning_roadmap.import_roadmap(proj, ROADMAP, source="r.csv")
    proj = Project(ProjectStore(demo_project))
    every = posture.works(proj, ["combat_base"]).set_index("code")
    assert every.loc["CCCD-188", ["completion_pct", "completion_source"]].tolist() == [
        100.0, "roadmap"]
    assert every.loc["CCCD-178", ["completion_pct", "completion_source"]].tolist() == [
        40.0, "roadmap"]
    assert (every.drop(["CCCD-188", "CCCD-178"])["completion_source"] == "attribute").all()
    built = posture.works(proj, ["combat_base"], built_only=True)
    assert set(built["code"]) == (by_attribute - {"CCCD-178"}) | {"CCCD-188"}
    depth = posture.depth(proj, built_only=True).main
    assert "CCCD-188" in set(depth["code"]) and "CCCD-178" not in set(depth["code"])


def test_completeness_built_only_moves_with_the_roadmap(demo_project: Path) -> None:
    proj = Project(ProjectStore(demo_project))
    before = posture.completeness(proj, built_only=True).main.set_index("unit")
    planning_roadmap.import_roadmap(proj, ROADMAP, source="r.csv")
    after = posture.completeness(Project(ProjectStore(demo_project)),
                                 built_only=True).main.set_index("unit")
    bases = ProjectStore(demo_project).read(LAYER).set_index("code")
    districts = before[before["level"] == "district"]

    def holder(code: str) -> str:  # the district containing the base (a topological test)
        point = bases.loc[code].geometry.representative_point()
        hits = [u for u, g in districts.geometry.items() if g.contains(Point(point))]
        assert len(hits) == 1
        return hits[0]

    change = (after["n_combat_base"] - before["n_combat_base"]).loc[districts.index]
    expected = pd.Series(0, index=districts.index)
    expected[holder("CCCD-188")] += 1
    expected[holder("CCCD-178")] -= 1
    assert change.tolist() == expected.tolist() and expected.abs().sum() == 2


@needs_poppler
def test_brief_built_only_says_so_and_counts_as_the_command(demo_project: Path) -> None:
    proj = Project(ProjectStore(demo_project))
    planning_roadmap.import_roadmap(proj, ROADMAP, source="r.csv")
    counts = {}
    for flag in ("--built-only", None):
        units = [u for u in json.loads(kvpt("posture", demo_project, "--json",
                                            *([flag] if flag else [])).stdout)
                 if u["n_required"] > 0]
        records = json.loads(kvpt("support", demo_project, "--json",
                                  *([flag] if flag else [])).stdout)["records"]
        counts[flag] = (sum(bool(u["complete"]) for u in units), len(units),
                        len({r["component"] for r in records}),
                        sum(bool(r["isolated"]) for r in records))
    assert counts["--built-only"] != counts[None]  # the flag changes what is counted
    complete, total, groups, isolated = counts["--built-only"]
    out = demo_project.parent / "built.pdf"
    res = kvpt("brief", demo_project, out, "--posture", "--built-only", "--lang", "en",
               "--classification", "")
    assert res.exit_code == 0, res.stderr
    pages = [flat(p) for p in page_texts(out)]
    assert len(pages) >= 5 and all("built works only" in p for p in pages)
    text = " ".join(pages)
    assert "Counts built works only" in text
    assert f"{complete} of {total} units with requirements are complete." in text
    assert f"{groups} groups, {isolated} isolated positions" in text
    assert "Built works only" in text and "built_only" in text  # the settings page


def test_built_only_needs_a_posture_brief(demo_project: Path, tmp_path: Path) -> None:
    res = kvpt("brief", demo_project, tmp_path / "x.pdf", "--relocation", "--built-only")
    assert res.exit_code == 2
    assert "--built-only applies to --posture briefs only" in res.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("x.pdf")]


@needs_poppler
def test_page_builder_passes_built_only_in_vietnamese(demo_project: Path,
                                                       tmp_path: Path) -> None:
    from ui.brief_buttons import _posture_pdf

    proj = Project(ProjectStore(demo_project))
    paths = {}
    for built in (True, False):
        data = _posture_pdf(proj, bands=None, within_km=None, within_min=None, paper="A4",
                            lang="vi", marking=(), built_only=built)
        paths[built] = tmp_path / f"{built}.pdf"
        paths[built].write_bytes(data)
    said = "chỉ tính công trình đã xây dựng xong"

    def pages(path: Path) -> list[str]:
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                              capture_output=True, text=True).stdout
        return [flat(unicodedata.normalize("NFC", p)) for p in text.split("\f") if p.strip()]

    assert all(said in p for p in pages(paths[True]))
    assert not any(said in p for p in pages(paths[False]))


@needs_poppler
def test_page_pdf_is_made_again_after_a_roadmap_update(demo_project: Path,
                                                       tmp_path: Path) -> None:
    from ui.brief_buttons import _pdf_bytes, _posture_pdf

    options = {"bands": None, "within_km": None, "within_min": None, "built_only": True,
               "paper": "A4", "lang": "en", "marking": ()}

    def depth_codes() -> str:
        proj = Project(ProjectStore(demo_project))
        data = _pdf_bytes(proj, _posture_pdf, options, planning_roadmap.history(proj))
        path = tmp_path / "p.pdf"
        path.write_bytes(data)
        return flat(" ".join(page_texts(path)))

    before = depth_codes()
    assert "CCCD-178" in before and "CCCD-188" not in before
    planning_roadmap.import_roadmap(Project(ProjectStore(demo_project)), ROADMAP,
                                    source="r.csv")
    after = depth_codes()  # same layer versions: only the roadmap changed
    assert "CCCD-188" in after and "CCCD-178" not in after
