"""Shared page state: the project in use, the language switch and cached reads."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from geo.errors import AnalysisInputError
from layers import store_open
from layers.errors import LayerError
from layers.messages import text as message_text
from layers.store import LayerRecord, ProjectStore
from layers.store_users import Actor
from maps.viewport import BIG_LAYER_FEATURES
from planning.messages import analysis_text
from planning.project import Project
from planning.results import Result
from planning.terrain import dem_stamp
from ui.analysis_cache import cached, prefetch, settings_key  # noqa: F401 - pages take cached here
from ui.i18n import lang, t
from ui.map_pages import big_map_page, project_map_page

DEFAULT_PROJECT = "var/demo.gpkg"


def project_path() -> Path:
    """Return the project GeoPackage in use (``KVPT_PROJECT`` or ``var/demo.gpkg``)."""
    return Path(st.session_state.get("project") or os.environ.get("KVPT_PROJECT")
                or DEFAULT_PROJECT)


LANG_WIDGET = "lang_choice"
"""Key of the language radio. The language itself is kept under ``"lang"``, a key no widget
owns: Streamlit forgets a widget's value when a page without that widget runs, and every
page has its own radio."""


def sidebar() -> None:
    """Draw the language switch and the project in use."""
    st.session_state[LANG_WIDGET] = lang()
    st.sidebar.radio(t("lang"), ["vi", "en"], key=LANG_WIDGET, horizontal=True,
                     format_func={"vi": "Tiếng Việt", "en": "English"}.get,
                     on_change=_keep_language)
    st.sidebar.caption(f"{t('project')}: `{store_open.target_text(project_path())}`")
    actor = signed_in()
    if actor is not None:
        st.sidebar.caption(message_text("signed_in_as", lang(), user=actor.name,
                                         role=actor.role))
        if st.sidebar.button(message_text("sign_out_button", lang()), key="kvpt_sign_out"):
            st.session_state.pop(ACTOR_KEY, None)
            st.rerun()
    st.sidebar.caption(t("fictional_note"))


def _keep_language() -> None:
    """Store the language picked on the radio where every page finds it."""
    st.session_state["lang"] = st.session_state[LANG_WIDGET]


def open_store(*, prefetch_map: bool = True) -> ProjectStore | None:
    """Open the project store, or show why it can't be opened and return ``None``.

    With ``prefetch_map``, the Map page's map of every layer is built in the background
    on a page's first run (see :func:`prefetch_project_map`).
    """
    store = _open_store()
    if store is not None and prefetch_map:
        prefetch_project_map(store)
    return store


def _open_store() -> ProjectStore | None:
    path = project_path()
    if not store_open.is_pg_target(path) and not path.exists():
        st.warning(t("no_project", path=path))
        return None
    try:
        store = store_open.open_store(path)
        if not store.has_users():
            return store
    except LayerError as err:
        st.error(error_text(err))
        return None
    actor = signed_in()
    if actor is not None:
        return store_open.open_store(path, user=actor)
    _sign_in_form(store)
    return None


PREFETCH_ENV = "KVPT_PREFETCH"
"""Environment variable: ``0`` builds no map ahead (a small server, or tests)."""

_PREFETCHED_ON = "kvpt_map_prefetched_on"
"""Session key of the page (script hash) whose first run last asked for the prefetch."""


def prefetch_project_map(store: ProjectStore) -> None:
    """Build the Map page's default map (every layer) while the planner is on this page.

    Once per visit of a page (its first run, not the reruns of its widgets); nothing when
    the map is kept already. With a big layer, its vector tiles are cut meanwhile
    (:mod:`ui.big_map`): tens of seconds for 100,000 points, once per layer version.
    """
    ctx = get_script_run_ctx(suppress_warning=True)
    page = getattr(ctx, "page_script_hash", None)
    if (page is None or st.session_state.get(_PREFETCHED_ON) == page
            or os.environ.get(PREFETCH_ENV, "1") == "0"):
        return
    st.session_state[_PREFETCHED_ON] = page
    job = default_map_job(store, lang())
    if job is not None:
        prefetch(job[0], job[1], *job[2])


def default_map_job(store: ProjectStore, language: str
                    ) -> tuple[Project, Callable[..., object], tuple] | None:
    """Return how the Map page builds its default map (every layer), for :func:`cached`.

    ``(project, builder, arguments)``: the map page of every layer, with a big layer's
    vector tiles (cut when new); ``None`` for a project without layers.
    """
    records = store.layers()
    if not records:
        return None
    proj, names = Project(CachedReader(store)), tuple(r.name for r in records)
    if any(r.feature_count > BIG_LAYER_FEATURES for r in records):  # tiles cut ahead
        return proj, big_map_page, (names, language)
    return proj, project_map_page, (names, language, dem_stamp(proj))


ACTOR_KEY = "kvpt_actor"
"""Session key of ``(project path, Actor)``: who is signed in to which project."""


def signed_in() -> Actor | None:
    """Return the user signed in to the project in use (``None`` if nobody is)."""
    held = st.session_state.get(ACTOR_KEY)
    if held and held[0] == str(project_path().resolve()):
        return held[1]
    return None


def _sign_in_form(store: ProjectStore) -> None:
    """Ask for a name and password; keep the actor in the session when they are right."""
    with st.form("kvpt_sign_in"):
        st.subheader(message_text("sign_in_title", lang()))
        name = st.text_input(message_text("sign_in_name", lang()), key="kvpt_sign_in_name")
        password = st.text_input(message_text("sign_in_password", lang()), type="password",
                                 key="kvpt_sign_in_password")
        submitted = st.form_submit_button(message_text("sign_in_button", lang()))
    if not submitted:
        return
    try:
        actor = store.as_user(name, password).user
    except LayerError as err:
        st.error(error_text(err))
        return
    st.session_state[ACTOR_KEY] = (str(project_path().resolve()), actor)
    st.rerun()


class CachedReader:
    """A project reader for the pages: the registry read fresh, layers cached by version.

    Satisfies :class:`planning.project.ProjectReader`. A layer is kept (``st.cache_data``)
    under its project path and the table of its current version, so a new version, a
    restore or another project is read afresh, and reruns and pages share the reads.
    """

    def __init__(self, store: ProjectStore) -> None:
        self.store = store
        self.path = store.path

    def layers(self) -> list[LayerRecord]:
        """Return the current version of every layer (never cached: it is cheap)."""
        return self.store.layers()

    def read(self, name: str, version: int | None = None) -> gpd.GeoDataFrame:
        """Return a layer, cached by its stored table."""
        rec = self.store.record(name, version)
        return _read_table(str(getattr(self.store, "target", self.path)), rec.name, rec.version,
                           rec.table, rec.imported_at)

    def read_records(self, table: str) -> pd.DataFrame:
        """Return a stored table of records (not cached: it may be edited on the page)."""
        return self.store.read_records(table)


@st.cache_data(max_entries=128, show_spinner=False)
def _read_table(path: str, name: str, version: int, table: str, stamp: str
                ) -> gpd.GeoDataFrame:
    return store_open.open_store(path).read(name, version)


def project() -> Project | None:
    """Return the project for the planning layer (``None`` after saying why there is none)."""
    store = open_store()
    if store is None:
        return None
    reader = CachedReader(store)
    return Project(reader, memo=_inputs_memo(reader))


INPUTS_MEMO_SIZE = 4
"""Sets of assembled inputs kept (:func:`_inputs_memo`); the oldest used go first."""

_INPUTS: OrderedDict[tuple, dict] = OrderedDict()
_INPUTS_LOCK = threading.Lock()


def _inputs_memo(reader: CachedReader) -> dict:
    """Return the memo of inputs for the project's layer versions and settings now.

    Shared by the reruns and sessions that see the same versions, so a widget change does
    not stack the layers or build the graph again; a new version, another project or a
    changed setting gets a fresh memo.
    """
    key = (str(getattr(reader.store, "target", reader.path)),
           tuple((r.name, r.table, r.imported_at) for r in reader.layers()), settings_key())
    with _INPUTS_LOCK:
        memo = _INPUTS.get(key)
        if memo is None:
            memo = _INPUTS[key] = {}
            while len(_INPUTS) > INPUTS_MEMO_SIZE:
                _INPUTS.popitem(last=False)
        _INPUTS.move_to_end(key)
    return memo


def error_text(err: Exception) -> str:
    """Return the text of an expected error in the interface language.

    A :class:`~layers.errors.LayerError` (a planning error included) and a
    :class:`~geo.errors.AnalysisInputError` come from their catalogues; any other error
    is shown as its text.
    """
    if isinstance(err, LayerError):
        return err.text(lang())
    if isinstance(err, AnalysisInputError):
        return analysis_text(err, lang())
    return str(err)


EXPECTED_ERRORS = (LayerError, AnalysisInputError)
"""Errors a page shows with ``st.error(error_text(err))``; anything else is a bug."""


def shown_result(run: Callable[[], Result]) -> Result | None:
    """Run a page's analysis and show its warnings; on an expected error show it instead.

    Returns
    -------
    Result or None
        The result, or ``None`` after an error of :data:`EXPECTED_ERRORS` was shown (in the
        interface language); anything else is a bug and propagates.
    """
    try:
        result = run()
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))
        return None
    for message in result.warnings:
        st.warning(message.text(lang()))
    return result
