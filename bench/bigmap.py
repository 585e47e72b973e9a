"""A map of real size in a real browser: Vietnam's 11,163 communes and 100,000 points.

Usage::

    .venv/bin/python bench/bigmap.py [--communes GPKG] [--points N] [--json]

Builds a project of the communes of Vietnam (census 2009 boundaries, the ``communes``
layer of ``../shared/data/vn/census2009_vn_admin_boundaries.gpkg`` by default; not
bundled with the app) and ``N`` generated points over the country, starts
``streamlit run app.py`` on 127.0.0.1, opens the Map page in headless Chromium and
measures:

- **sent**: bytes the page receives over Streamlit's websocket until the map is drawn
  (the map and its data; Leaflet and the app's scripts are local files, as for the peer)
  against the HTML of ``GeoDataFrame.explore()`` of the same two layers (the peer, built
  in this process). Goal: at most a tenth (issue #11, goal 1).
- **first paint**: from opening the page until the map shows the points (grouped).
  Goal: 2 s.
- **zoom** to a district (zoom 11: communes and points drawn one by one) and **pan** by
  half a screen: from the change until the new view's features are on the map. Goal: 2 s
  each (the map must not freeze while panning; only the map's fragment reruns).

Exit status: 0 when every goal is met, 1 when one is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pyogrio  # noqa: E402
import shapely  # noqa: E402
from playwright.sync_api import Frame, Page  # noqa: E402

from browser import launch, open_page, serve_app, wait_for_streamlit  # noqa: E402
from layers.store import NewLayer, ProjectStore  # noqa: E402

COMMUNES = ROOT.parent / "shared" / "data" / "vn" / "census2009_vn_admin_boundaries.gpkg"
SENT_SHARE_GOAL = 0.1
PAINT_GOAL_S = 2.0
MOVE_GOAL_S = 2.0
DISTRICT = (106.76, 21.85)  # Lạng Sơn city: lon, lat of the zoomed view

COUNTS = """() => { let polys = 0, points = 0, groups = 0;
    window.map.eachLayer(l => {
        if (l instanceof L.CircleMarker) {
            if (l.feature && l.feature.properties && 'count' in l.feature.properties) groups++;
            else points++;
        } else if (l instanceof L.Polygon && l.feature) polys++; });
    return {polys, points, groups}; }"""


@dataclass
class Row:
    """One measure against its goal."""

    case: str
    ours: float
    goal: float
    unit: str
    status: str
    note: str = ""


def data(communes: Path, n: int) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The communes (name, level) and ``n`` generated points inside Vietnam's extent."""
    gdf = pyogrio.read_dataframe(communes, layer="communes")
    gdf = gpd.GeoDataFrame({"name": gdf["commune"].astype(str), "level": "commune"},
                           geometry=gdf.geometry, crs=gdf.crs)
    rng = np.random.default_rng(11)
    w, s, e, no = gdf.total_bounds
    inside = gdf.union_all()
    xs, ys = [], []
    while sum(map(len, xs)) < n:  # points on land: drawn where the communes are
        x, y = rng.uniform(w, e, n), rng.uniform(s, no, n)
        keep = shapely.contains_xy(inside, x, y)
        xs.append(x[keep])
        ys.append(y[keep])
    x, y = np.concatenate(xs)[:n], np.concatenate(ys)[:n]
    pts = gpd.GeoDataFrame({"name": [f"Điểm {i}" for i in range(n)]},
                           geometry=shapely.points(x, y), crs="EPSG:4326")
    return gdf, pts


def peer_bytes(communes: gpd.GeoDataFrame, pts: gpd.GeoDataFrame) -> tuple[int, float]:
    """Size of ``explore()`` of both layers (one map) and the seconds it took."""
    start = time.perf_counter()
    m = communes.explore(tiles=None)
    pts.explore(m=m)
    html = m.get_root().render()
    return len(html.encode("utf-8")), time.perf_counter() - start


def map_frame(page: Page, timeout_s: float = 120.0) -> Frame:
    """The frame of the st_folium map once Leaflet is there."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            if "streamlit_folium" in frame.url and not frame.is_detached():
                try:
                    if frame.evaluate("() => !!(window.map && window.map.getCenter)"):
                        return frame
                except Exception:  # noqa: BLE001, S112 - a frame being replaced
                    continue
        page.wait_for_timeout(20)
    raise AssertionError("no map on the page")


def until(frame: Frame, condition: str, timeout_s: float = 120.0) -> float:
    """Seconds until ``condition`` (a JavaScript expression over ``c``, the counts) holds."""
    start = time.perf_counter()
    frame.wait_for_function(f"() => {{ const c = ({COUNTS})(); return {condition}; }}",
                            timeout=timeout_s * 1000, polling=20)
    return time.perf_counter() - start


def measure(project: Path, peer: int) -> list[Row]:
    """Open the Map page and time the first paint, a zoom and a pan."""
    received = [0]
    with serve_app(project) as url, launch() as browser, \
            open_page(browser, width=1400, height=1000) as (page, log):
        page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda payload: received.__setitem__(0, received[0] + len(
                payload if isinstance(payload, (bytes, str)) else b""))))
        start = time.perf_counter()
        page.goto(url)
        frame = map_frame(page)
        until(frame, "c.groups > 0")
        paint = time.perf_counter() - start
        wait_for_streamlit(page, timeout=120_000)
        sent = received[0]
        lon, lat = DISTRICT
        start = time.perf_counter()
        frame.evaluate(f"() => window.map.setView([{lat}, {lon}], 11)")
        until(frame, "c.polys > 0 && c.groups === 0 && c.points > 0")
        zoom = time.perf_counter() - start
        before = frame.evaluate(f"() => ({COUNTS})().polys")
        start = time.perf_counter()
        frame.evaluate("() => window.map.panBy([window.map.getSize().x / 2, 0], "
                       "{animate: false})")
        frame.wait_for_function(
            f"() => {{ const c = ({COUNTS})(); return c.polys > 0 && c.polys !== {before}; }}",
            timeout=120_000, polling=20)
        pan = time.perf_counter() - start
        outside = log.outside_localhost()
    note = f"ours {sent / 1e6:.2f} MB, explore() {peer / 1e6:.2f} MB"
    return [
        Row("sent / explore()", sent / peer, SENT_SHARE_GOAL, "share",
            _status(sent / peer <= SENT_SHARE_GOAL and not outside), note),
        Row("first paint", paint, PAINT_GOAL_S, "s", _status(paint <= PAINT_GOAL_S)),
        Row("zoom to a district", zoom, MOVE_GOAL_S, "s", _status(zoom <= MOVE_GOAL_S)),
        Row("pan half a screen", pan, MOVE_GOAL_S, "s", _status(pan <= MOVE_GOAL_S)),
    ]


def _status(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    """Build the project, measure, print the table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=Path, default=COMMUNES,
                        help="GeoPackage with a 'communes' layer (default: %(default)s)")
    parser.add_argument("--points", type=int, default=100_000, help="generated points")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if not args.communes.exists():
        print(f"bigmap: {args.communes} not found; pass --communes (a GeoPackage with a "
              "'communes' layer, e.g. the census 2009 boundaries of ../shared/data/vn).")
        return 1
    communes, pts = data(args.communes, args.points)
    peer, peer_s = peer_bytes(communes, pts)
    with tempfile.TemporaryDirectory(prefix="kvpt_bigmap_") as tmp:
        project = Path(tmp) / "vn.gpkg"
        store = ProjectStore.init(project)
        store.add_layer(NewLayer(communes, "Xã, phường, thị trấn (2009)", "admin_unit"))
        store.add_layer(NewLayer(pts, "Điểm (sinh ra)", "high_point"))
        rows = measure(project, peer)
    if args.json:
        print(json.dumps({"communes": len(communes), "points": len(pts),
                          "peer_build_s": round(peer_s, 1),
                          "rows": [asdict(r) for r in rows]}, ensure_ascii=False, indent=2))
    else:
        print(f"Map page of {len(communes):,} communes + {len(pts):,} points, headless "
              f"Chromium (explore() built in {peer_s:.0f} s)")
        for r in rows:
            print(f"{r.case:<20} {r.ours:>8.3f} {r.unit:<5} goal {r.goal:<5g} {r.status}  "
                  f"{r.note}")
    return 1 if any(r.status != "pass" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
