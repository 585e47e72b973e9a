"""The Map page's view of a project with big layers: features sent by view, not whole.

A layer of more than :data:`maps.viewport.BIG_LAYER_FEATURES` features is drawn by view
(:mod:`maps.viewport`): the map reports its bounds and zoom after each pan or zoom, and
only this fragment reruns (``st.fragment``), never the page; it sends the features in
view (``feature_group_to_add``), so the map itself is not built or loaded again.

The map without the big layers' features is built once per layer versions, layers shown
and language (``cached``) and copied for each run, as on the working map.
"""

from __future__ import annotations

import copy

import streamlit as st
from streamlit_folium import st_folium

from maps.project import basemap_layers, project_title, store_layers
from maps.viewport import View, ViewMap, view_groups, view_map
from planning.project import Project
from ui.i18n import lang, tr
from ui.state import cached

MAP_HEIGHT_PX = 640
_KEY = "big_map"  # the map's state (bounds, zoom) as st_folium last reported it


def prepared_map(proj: Project, names: tuple[str, ...], language: str) -> ViewMap:
    """Return the project's map with its big layers prepared for views."""
    layers = store_layers(proj.reader, list(names))
    return view_map(layers, basemap=basemap_layers(),
                    title=project_title(proj.reader, layers, lang=language), lang=language)


@st.fragment
def big_map(proj: Project, names: tuple[str, ...]) -> None:
    """Draw the map of ``names``, the big layers' features by view (see the module)."""
    prepared = cached(proj, prepared_map, names, lang())
    view = View.from_map(st.session_state.get(_KEY)) or _first_view(prepared)
    groups, parts = view_groups(prepared.big, view, lang=lang())
    st_folium(copy.deepcopy(prepared.base), feature_group_to_add=groups,
              returned_objects=["bounds", "zoom"], key=_KEY, height=MAP_HEIGHT_PX,
              use_container_width=True)
    for name, part in parts:
        if part.hidden:
            count = _number(part.hidden)
            st.caption(tr(f"Lớp «{name}»: {count} đối tượng trong khung nhìn, quá nhiều để "
                          "vẽ ở mức thu phóng này; phóng to để xem.",
                          f"Layer '{name}': {count} features in view, too many to draw at "
                          "this zoom; zoom in to see them."))
        elif len(part.groups):
            count, circles = _number(part.in_view), _number(len(part.groups))
            st.caption(tr(f"Lớp «{name}»: {count} điểm trong khung nhìn, gộp thành {circles} "
                          "vòng tròn (rê chuột để xem số điểm); phóng to để xem từng điểm.",
                          f"Layer '{name}': {count} points in view, grouped in {circles} "
                          "circles (hover for the count); zoom in to see each point."))


def _number(value: int) -> str:
    """Return ``value`` with thousands separated as the interface language writes them."""
    text = f"{value:,}"
    return text.replace(",", ".") if lang() == "vi" else text


def _first_view(prepared: ViewMap) -> View:
    """Return the view before the map has reported one: all big layers, far out."""
    boxes = [b.gdf.total_bounds for b in prepared.big if len(b)]
    west = min(b[0] for b in boxes)
    south = min(b[1] for b in boxes)
    east = max(b[2] for b in boxes)
    north = max(b[3] for b in boxes)
    return View(west, south, east, north, zoom=6.0)
