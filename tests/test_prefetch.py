"""Analyses computed ahead of the page (ui/analysis_cache.prefetch) and the Map page's map."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from conftest import app_test
from layers.store import ProjectStore
from planning.project import Project
from planning.terrain import dem_stamp
from ui import analysis_cache
from ui.map_pages import big_map_page, project_map_page
from ui.state import CachedReader


def _counting(delay_s: float = 0.0, fail: bool = False):  # noqa: ANN202 - the analysis
    calls: list[str] = []

    def analysis(proj: Project, *, n: int) -> list:
        calls.append(threading.current_thread().name)
        time.sleep(delay_s)
        if fail:
            raise ValueError("bad n")
        return [n]

    return analysis, calls


def _wait(key_part: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with analysis_cache._ANALYSES_LOCK:
            pending = [k for k in analysis_cache._PENDING if key_part in k[3]]
        if not pending:
            return
        time.sleep(0.05)
    raise AssertionError("the prefetch did not end")


def test_a_prefetched_analysis_is_computed_once_in_the_background(demo_master: Path,
                                                                   monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(analysis_cache, "PREFETCH_DELAY_S", 0.05)
    analysis, calls = _counting()
    proj = Project(ProjectStore(demo_master))
    analysis_cache.prefetch(proj, analysis, n=1)
    analysis_cache.prefetch(proj, analysis, n=1)  # asked again while on its way: once
    _wait("analysis")
    value = analysis_cache.cached(proj, analysis, n=1)
    assert value == [1] and len(calls) == 1
    assert calls[0] != threading.current_thread().name  # computed by the prefetch
    analysis_cache.prefetch(proj, analysis, n=1)  # kept: nothing to do
    assert analysis_cache.cached(proj, analysis, n=1) is value and len(calls) == 1


def test_a_page_claims_a_prefetch_not_started_and_waits_for_one_running(
        demo_master: Path, monkeypatch) -> None:  # noqa: ANN001
    proj = Project(ProjectStore(demo_master))
    monkeypatch.setattr(analysis_cache, "PREFETCH_DELAY_S", 30.0)
    analysis, calls = _counting()
    analysis_cache.prefetch(proj, analysis, n=2)
    assert analysis_cache.cached(proj, analysis, n=2) == [2]  # not 30 s later
    assert calls == [threading.current_thread().name]
    monkeypatch.setattr(analysis_cache, "PREFETCH_DELAY_S", 0.0)
    slow, slow_calls = _counting(delay_s=0.5)
    analysis_cache.prefetch(proj, slow, n=3)
    time.sleep(0.2)  # running now
    assert analysis_cache.cached(proj, slow, n=3) == [3]
    assert len(slow_calls) == 1 and slow_calls[0] != threading.current_thread().name


def test_a_failed_prefetch_leaves_the_error_to_the_page(demo_master: Path,
                                                        monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(analysis_cache, "PREFETCH_DELAY_S", 0.0)
    proj = Project(ProjectStore(demo_master))
    analysis, calls = _counting(fail=True)
    analysis_cache.prefetch(proj, analysis, n=4)
    _wait("analysis")
    with pytest.raises(ValueError, match="bad n"):
        analysis_cache.cached(proj, analysis, n=4)
    assert len(calls) == 2  # the page computed it again and got the error itself


def test_another_page_builds_the_map_page_map_meanwhile(demo_project: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analysis_cache, "PREFETCH_DELAY_S", 0.0)
    monkeypatch.setenv("KVPT_PREFETCH", "1")
    at = app_test("ui/links_page.py", demo_project, monkeypatch)
    assert not at.exception
    _wait("project_map_page", timeout_s=120)
    store = ProjectStore(demo_project)
    proj = Project(CachedReader(store))
    names = tuple(r.name for r in store.layers())
    built = []
    monkeypatch.setattr(analysis_cache, "_keep", lambda *a: built.append(a))
    page = analysis_cache.cached(proj, project_map_page, names, "vi", dem_stamp(proj))
    assert not built  # from memory: the prefetch built it
    fresh = project_map_page(proj, names, "vi", dem_stamp(proj))
    assert page.files == fresh.files  # the same features (element ids differ per build)
    at.run()  # a rerun of the same page asks for nothing more
    with analysis_cache._ANALYSES_LOCK:
        assert not analysis_cache._PENDING


def test_no_map_is_built_ahead_when_turned_off(demo_project: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    asked = []
    monkeypatch.setattr("ui.state.prefetch", lambda *a, **k: asked.append(a))
    monkeypatch.setenv("KVPT_PREFETCH", "0")
    assert not app_test("ui/links_page.py", demo_project, monkeypatch).exception
    assert not asked
    monkeypatch.setenv("KVPT_PREFETCH", "1")
    at = app_test("ui/links_page.py", demo_project, monkeypatch)
    at.run()  # the same page again: asked once
    assert len(asked) == 1 and asked[0][1] is project_map_page
    assert not app_test("ui/map_page.py", demo_project, monkeypatch).exception
    assert len(asked) == 1  # the Map page builds its own map


def test_a_project_with_a_big_layer_has_its_tiles_cut_ahead(demo_project: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    asked = []
    monkeypatch.setattr("ui.state.prefetch", lambda *a, **k: asked.append(a))
    monkeypatch.setattr("ui.state.BIG_LAYER_FEATURES", 100)  # the demo's 226 communes: big
    monkeypatch.setenv("KVPT_PREFETCH", "1")
    assert not app_test("ui/links_page.py", demo_project, monkeypatch).exception
    assert len(asked) == 1 and asked[0][1] is big_map_page
    names = tuple(r.name for r in ProjectStore(demo_project).layers())
    assert asked[0][2:] == (names, "vi")  # what the Map page asks for: the same key
