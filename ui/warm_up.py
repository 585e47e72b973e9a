"""Before the first visitor: import the pages' modules and build the Map page's map.

Streamlit runs the app's script only when a visitor comes: the first visitor of a freshly
started app waited for the modules to import (~3 s here) and for the Map page's map of the
project to be built (~2 s for Vietnam's communes and 100,000 points), 4-6 s in all.
``serve.py`` (what ``make app`` runs) calls :func:`warm_up` while the server starts, so
that the server answers once both are done. ``streamlit run app.py`` starts cold, as before.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import time
from pathlib import Path

import ui
from layers import store_open
from ui.analysis_cache import cached
from ui.state import default_map_job, project_path

CONTEXT_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"

LANGUAGE = "vi"
"""The map is built in the app's default language (a visitor in English builds theirs)."""


def support_modules() -> list[str]:
    """Return the modules of ``ui/`` that the pages import (not the page scripts)."""
    return [f"ui.{m.name}" for m in pkgutil.iter_modules(ui.__path__)
            if not m.name.endswith("_page")]


def warm_up(project: str | Path | None = None) -> str:
    """Import the pages' modules, then build the Map page's default map of ``project``.

    Parameters
    ----------
    project : path-like or str, optional
        The project (GeoPackage path or PostgreSQL URL); ``KVPT_PROJECT`` (or the demo)
        by default, as the pages.

    Returns
    -------
    str
        What was done, for the server's log. Never raises: a project that cannot be opened
        or drawn is left for the pages to report in the planner's language.
    """
    quiet = logging.getLogger(CONTEXT_LOGGER)
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # "missing ScriptRunContext": no visitor's run here
    try:
        return _warm_up(project)
    finally:
        quiet.setLevel(level)


def _warm_up(project: str | Path | None) -> str:
    start = time.perf_counter()
    for name in support_modules():
        importlib.import_module(name)
    imported = time.perf_counter() - start
    try:
        job = default_map_job(store_open.open_store(project or project_path()), LANGUAGE)
        if job is not None:
            cached(job[0], job[1], *job[2])
    except Exception as err:  # noqa: BLE001 - the pages show it
        return f"modules imported in {imported:.1f} s; map not built ({type(err).__name__})"
    return (f"modules imported in {imported:.1f} s, map page built in "
            f"{time.perf_counter() - start - imported:.1f} s")
