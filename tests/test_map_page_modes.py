"""The Map page's modes under AppTest: each draws its panel (their modules load on choice).

The print and atlas panels are imported only when their mode is chosen (the first visitor
of a fresh app sees the map without waiting for the print layout); choosing them still draws
them, and the view mode shows the map without them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import map_pages

ROOT = Path(__file__).parents[1]


def map_page(project: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> AppTest:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("KVPT_PROJECT", str(project))
    at = AppTest.from_file(str(ROOT / "ui" / "map_page.py"), default_timeout=90)
    at.session_state["map_mode"] = mode
    return at.run()


@pytest.mark.parametrize(("mode", "label"), [
    ("print", "Tiêu đề"),  # the sheet's title
    ("atlas", "Tập bản đồ (PDF)"),
])
def test_each_mode_draws_its_panel(demo_project: Path, monkeypatch: pytest.MonkeyPatch,
                                   mode: str, label: str) -> None:
    at = map_page(demo_project, monkeypatch, mode)
    assert not at.exception and not at.error
    shown = [w.label for w in at.text_input] + [e.label for e in at.expander]
    assert label in shown
    assert not map_pages(at)  # the panel instead of the map


def test_the_view_shows_the_map(demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = map_page(demo_project, monkeypatch, "view")
    assert not at.exception and not at.error
    assert len(map_pages(at)) == 1
    assert "Tiêu đề" not in [w.label for w in at.text_input]
