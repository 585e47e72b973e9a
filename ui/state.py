"""Shared page state: the project in use, the language switch and cached reads."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import networkx as nx
import streamlit as st

from layers.errors import LayerError
from layers.store import ProjectStore
from ui.i18n import lang, t

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
    st.sidebar.caption(f"{t('project')}: `{project_path()}`")
    st.sidebar.caption(t("fictional_note"))


def _keep_language() -> None:
    """Store the language picked on the radio where every page finds it."""
    st.session_state["lang"] = st.session_state[LANG_WIDGET]


def open_store() -> ProjectStore | None:
    """Open the project store, or show why it can't be opened and return ``None``."""
    path = project_path()
    if not path.exists():
        st.warning(t("no_project", path=path))
        return None
    try:
        return ProjectStore(path)
    except LayerError as err:
        st.error(str(err))
        return None


def store_stamp(store: ProjectStore) -> tuple[str, int]:
    """Return a cache key that changes whenever the store file changes."""
    stat = store.path.stat()
    return str(store.path), stat.st_mtime_ns


@st.cache_data(max_entries=64, show_spinner=False)
def read_layer(stamp: tuple[str, int], name: str, version: int | None = None) -> gpd.GeoDataFrame:
    """Read a layer, cached until the store file changes."""
    return ProjectStore(stamp[0]).read(name, version)


@st.cache_resource(max_entries=4, show_spinner=False)
def road_graph(stamp: tuple[str, int], layers: tuple[str, ...],
               speeds: tuple[tuple[str, float], ...] = ()) -> nx.MultiGraph:
    """Build the road graph of ``layers``, cached until the store file changes.

    The graph is shared between reruns and pages: analyses must work on a copy (those
    of :mod:`geo` do). ``speeds`` are ``(class, km/h)`` pairs overriding the settings.
    """
    from geo import network

    frames = {name: read_layer(stamp, name) for name in layers}
    speed = dict(speeds)
    return network.build_graph(network.network_lines(frames, speeds=speed), speeds=speed)
