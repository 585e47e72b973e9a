"""The app on a PostGIS project (``KVPT_PROJECT=postgresql://…``), issue #10 part 4."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from layers.pg_copy import copy_project
from layers.store import NewLayer, ProjectStore
from layers.store_open import open_store

ROOT = Path(__file__).parents[1]


def page(path: str, project: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("KVPT_PROJECT", project)
    return AppTest.from_file(str(ROOT / path), default_timeout=90).run()


@pytest.fixture
def pg_demo(demo_project: Path, pg_url) -> str:
    """The demo project copied into PostGIS; its URL carries a (masked) password."""
    url = pg_url().replace("postgres@", "postgres:pw-in-url@")
    copy_project(ProjectStore(demo_project), url)
    return url


def test_pages_run_and_restore_on_postgis(pg_demo: str, monkeypatch) -> None:
    store = open_store(pg_demo)
    name = store.layers()[0].name
    gdf = store.read(name)
    store.add_layer(NewLayer(gdf.head(1), name, store.record(name).kind))
    at = page("ui/layers_page.py", pg_demo, monkeypatch)
    assert not at.exception
    assert name in set(at.dataframe[0].value["name"])
    shown = " ".join(c.value for c in at.sidebar.caption)
    assert "postgres:***@" in shown and "pw-in-url" not in shown
    at.selectbox(key="layer_pick").set_value(name).run()
    at.button(key="restore_btn").click().run()
    assert not at.exception
    assert open_store(pg_demo).record(name).version == 3
    for path in ("app.py", "ui/appraisal_page.py"):
        assert not page(path, pg_demo, monkeypatch).exception


def test_sign_in_on_a_postgis_project_with_users(pg_demo: str, monkeypatch) -> None:
    open_store(pg_demo).add_user("boss", "admin", "admin-pw-1")
    at = page("ui/layers_page.py", pg_demo, monkeypatch)
    assert not at.exception and not at.dataframe  # nothing shown before signing in
    at.text_input(key="kvpt_sign_in_name").input("boss")
    at.text_input(key="kvpt_sign_in_password").input("admin-pw-1")
    at.button[0].click().run()
    assert not at.exception
    assert at.dataframe and len(at.dataframe[0].value) == len(open_store(pg_demo).layers())


def test_appraisal_page_offers_postgis_with_the_same_table(pg_demo: str, monkeypatch,
                                                           demo_project: Path) -> None:
    from layers import pg_appraisal

    calls = []
    sql = pg_appraisal.appraise

    def counted(*args, **kwargs):  # noqa: ANN202 - the pairs frame
        calls.append(1)
        return sql(*args, **kwargs)

    monkeypatch.setattr(pg_appraisal, "appraise", counted)
    at = page("ui/appraisal_page.py", pg_demo, monkeypatch)
    assert not at.exception and calls == []
    memory = at.dataframe[0].value.copy()  # the projects table, measured in memory
    at.toggle(key="appraisal_on_postgis").set_value(True).run()
    assert not at.exception and not at.error
    measured = at.dataframe[0].value
    assert calls and measured.equals(memory)  # measured by PostGIS, the same table
    # a GeoPackage project has no such switch
    gpkg = page("ui/appraisal_page.py", str(demo_project), monkeypatch)
    assert not gpkg.exception and not [t for t in gpkg.toggle
                                        if t.key == "appraisal_on_postgis"]
