"""Map pages shown in frames the browser keeps: a map seen again is shown, not reloaded.

``st.iframe`` loads its page again whenever the page changes: switching a map between two
views (the posture levels, two sets of layers…) reloads Leaflet, refetches the features and
redraws, about 0.3 s each time. :func:`show_map_page` draws the page in a frame of a small
Streamlit component (``st.components.v2``, in the app's own page: no iframe of its own) that
keeps the frames of the last :data:`KEEP_FRAMES` pages it showed, hidden: showing one of
them again costs nothing but the rerun, and the map comes back as it was left (its zoom,
its open popup). A page is told from another by the digest of its HTML.

The frames are sandboxed as ``st.iframe``'s are (scripts, same origin, popups, downloads).
"""

from __future__ import annotations

import hashlib
import json

import streamlit as st

from ui.i18n import tr

KEEP_FRAMES = 4
"""At most this many map pages are kept in one place of a page (the least recently shown
go first): each kept frame holds a live Leaflet map in the browser."""

_SANDBOX = ("allow-forms allow-modals allow-popups allow-popups-to-escape-sandbox "
            "allow-same-origin allow-scripts allow-downloads")

_JS = """
export default function ({ data, parentElement }) {
  let box = parentElement.querySelector(".kvpt-frames");
  if (!box) {
    box = document.createElement("div");
    box.className = "kvpt-frames";
    parentElement.appendChild(box);
  }
  box.style.height = `${data.height}px`;
  let shown = [...box.children].find((f) => f.dataset.page === data.page);
  if (!shown) {
    shown = document.createElement("iframe");
    shown.dataset.page = data.page;
    shown.title = data.title;
    shown.setAttribute("sandbox", data.sandbox);
    shown.srcdoc = data.html;
    box.appendChild(shown);
  }
  shown.dataset.used = String(performance.now());
  for (const frame of box.children) {
    frame.classList.toggle("kvpt-shown", frame === shown);
  }
  [...box.children]
    .sort((a, b) => Number(b.dataset.used) - Number(a.dataset.used))
    .slice(data.keep)
    .forEach((frame) => frame.remove());
}
"""

_CSS = """
.kvpt-frames { position: relative; width: 100%; }
.kvpt-frames iframe {
  position: absolute; inset: 0; width: 100%; height: 100%; border: 0;
  visibility: hidden; pointer-events: none;
}
.kvpt-frames iframe.kvpt-shown { visibility: visible; pointer-events: auto; }
"""

_map_frames = st.components.v2.component("kvpt_map_frames", js=_JS, css=_CSS)


def show_map_page(html: str, *, key: str, height: int, title: str | None = None) -> None:
    """Show a map's HTML page in a frame, keeping the frames of the last pages shown.

    Parameters
    ----------
    html : str
        The map's page (an app map page: Leaflet from the app's static files).
    key : str
        The place on the page: the same on every rerun (the kept frames belong to it).
    height : int
        Height of the frame in pixels.
    title : str, optional
        The frame's title (read by screen readers); "Bản đồ" / "Map" by default.
    """
    title = tr("Bản đồ", "Map") if title is None else title
    page = hashlib.blake2b(html.encode("utf-8"), digest_size=16).hexdigest()
    _map_frames(key=key, height=height, data={
        "html": html, "page": page, "height": height, "title": title,
        "sandbox": _SANDBOX, "keep": KEEP_FRAMES})


def shown_page(element: object) -> str:
    """Return the HTML page a :func:`show_map_page` element shows (for tests and tools).

    ``element`` is the element's protobuf message (an ``st.testing`` element's ``proto``).
    """
    return json.loads(element.json)["html"]  # type: ignore[attr-defined]
