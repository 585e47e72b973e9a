"""The print panel (``ui/print_panel.py``) under Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest


def _panel() -> None:
    import os

    from layers.store import ProjectStore
    from planning.project import Project
    from ui.print_panel import print_panel
    from ui.state import CachedReader

    store = ProjectStore(os.environ["KVPT_PROJECT"])
    names = [r.name for r in store.layers()]
    print_panel(Project(CachedReader(store)), names[:3] + names[8:10])


def _submit(at: AppTest, label: str) -> AppTest:
    return next(b for b in at.button if b.label == label).click().run()


def test_panel_previews_and_offers_pdf_and_png(demo_master: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KVPT_PROJECT", str(demo_master))
    at = AppTest.from_function(_panel, default_timeout=120).run()
    assert not at.exception
    assert at.expander[0].label == "In bản đồ"
    assert not at.get("image")  # nothing drawn before the form is sent
    at.selectbox(key="print_paper").set_value("A4")
    at.selectbox(key="print_area").set_value("Huyện Tràng Định")
    at.text_input(key="print_classification").set_value("MẬT")
    at = _submit(at, "Tạo bản in")
    assert not at.exception and not at.error
    downloads = at.get("download_button")
    assert len(downloads) == 2
    assert len(at.get("image")) == 1
    caption = at.get("image")[0].proto.imgs[0].caption
    assert caption.startswith("A4 · 1:") and caption.endswith("đối tượng")
    assert caption.split(" · ")[1].endswith(".000")  # 1:200.000, written the Vietnamese way


def test_panel_shows_an_unknown_box_as_an_error(demo_master: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KVPT_PROJECT", str(demo_master))
    at = AppTest.from_function(_panel, default_timeout=120).run()
    at.text_input(key="print_box").set_value("107,22,106,21")
    at = _submit(at, "Tạo bản in")
    assert not at.exception
    assert "Khung '107,22,106,21' không hợp lệ" in at.error[0].value
    assert not at.get("image")
