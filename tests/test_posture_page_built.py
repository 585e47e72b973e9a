"""The Posture page's "built works only" toggle (issue #12 §1), under AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import shown_table

ROOT = Path(__file__).parents[1]


def test_built_only_toggle_changes_every_tab(demo_master: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("KVPT_PROJECT", str(demo_master))
    at = AppTest.from_file(str(ROOT / "ui/posture_page.py"), default_timeout=90).run()
    assert not at.exception and not at.error
    plan = shown_table(at, "completeness_pct")
    assert "progress_pct" in plan.columns
    at.toggle(key="posture_built_only").set_value(True).run()
    assert not at.exception and not at.error
    built = shown_table(at, "completeness_pct")
    # the same units; fewer kinds present once planned and unfinished works are left out
    assert len(built) == len(plan)
    assert built["n_missing"].astype(int).sum() > plan["n_missing"].astype(int).sum()
    at.session_state["posture_tab_vi"] = "Chiều sâu"
    at.run()
    depth = shown_table(at, "depth_km")
    assert not at.exception and len(depth) > 0
    # every listed work is complete ("Hoàn thành (%)" shown as 100)
    assert set(depth["completion_pct"].astype(float)) == {100.0}
    assert not set(depth["work_status"]) & {"quy hoạch", "đang xây dựng"}
