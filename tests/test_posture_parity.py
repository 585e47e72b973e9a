"""Parity: each posture command's ``--json`` rows equal the Posture page's table on the demo.

Both front ends go through :mod:`planning.posture`, but by different paths (the command
reads the store, the page a cached reader and its widgets' defaults). The page shows the
table for people (:func:`ui.tables.localized`: Vietnamese headers and values, rounding);
the JSON records put through the same function must give exactly the page's table.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from cli import app
from ui.tables import header, localized

ROOT = Path(__file__).parents[1]
TABS = {"completeness": "Thành phần", "depth": "Chiều sâu", "support": "Hỗ trợ lẫn nhau",
        "nearest": "Căn cứ gần nhất", "hazards": "Thiên tai"}
# tab → (command, key of the records in its JSON, a column only that table has)
CASES = {
    "completeness": ("posture", None, "completeness_pct"),
    "depth": ("depth", "records", "outside_province"),
    "support": ("support", "records", "component_size"),
    "nearest": ("nearest", None, "road_time_min"),
    "hazards": ("hazards", "records", "geometry_type"),
}


@pytest.fixture(scope="module")
def page(demo_master: Path) -> dict[str, pd.DataFrame]:
    """The table each tab shows, opened once per tab on one page run."""
    mp = pytest.MonkeyPatch()
    mp.chdir(ROOT)
    mp.setenv("KVPT_PROJECT", str(demo_master))
    at = AppTest.from_file(str(ROOT / "ui/posture_page.py"), default_timeout=60).run()
    tables = {}
    for tab, (_, _, column) in CASES.items():
        at.session_state["posture_tab_vi"] = TABS[tab]
        at.run()
        assert not at.exception and not at.error, tab
        wanted = header(column, "vi")
        tables[tab] = next(d.value for d in at.dataframe if wanted in d.value.columns)
    mp.undo()
    return tables


@pytest.mark.parametrize("tab", list(CASES))
def test_command_json_equals_page_table(tab: str, page: dict, demo_master: Path) -> None:
    command, key, _ = CASES[tab]
    res = CliRunner().invoke(app, [command, str(demo_master), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    rows = pd.DataFrame(data[key] if key else data)
    shown = page[tab].reset_index(drop=True)
    expected = localized(rows, "vi")
    assert list(shown.columns) == list(expected.columns)
    assert len(shown) == len(expected) > 0
    for column in expected.columns:
        left = shown[column].astype(str).tolist()
        right = expected[column].astype(str).tolist()
        assert left == right, column
