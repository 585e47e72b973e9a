"""Generated real-size data for ``bench/run.py`` (deterministic; nothing big committed).

A province-sized road grid, enterprises and relocation sites for the relocation case
(issue #11), a million points to import, and the peak memory of the process.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely


def grid_roads(side: int, seed: int = 11) -> gpd.GeoDataFrame:
    """A jittered square grid of roads, one line per row and column (junctions shared).

    A province's 89 km square (a road every 400 m with 224 lines a side; sparser with
    fewer). Every 40th line is a national road (50 km/h), every 10th provincial (40),
    every 4th district (30), the rest commune roads (25).
    """
    spacing = 89_200.0 / (side - 1)
    rng = np.random.default_rng(seed)
    gx, gy = np.meshgrid(np.arange(side) * spacing, np.arange(side) * spacing)
    x = 650_000.0 + gx + rng.uniform(-0.3, 0.3, gx.shape) * spacing
    y = 2_380_000.0 + gy + rng.uniform(-0.3, 0.3, gy.shape) * spacing

    def klass(i: int) -> str:
        return ("national_road" if i % 40 == 0 else "provincial_road" if i % 10 == 0
                else "district_road" if i % 4 == 0 else "other_road")

    lines, classes = [], []
    for i in range(side):
        lines += [shapely.LineString(np.c_[x[i], y[i]]), shapely.LineString(np.c_[x[:, i],
                                                                              y[:, i]])]
        classes += [klass(i), klass(i)]
    return gpd.GeoDataFrame({"class": classes}, geometry=lines, crs="EPSG:3405",
                            index=[f"r{i}" for i in range(len(lines))])


def relocation_case_data(roads: gpd.GeoDataFrame, n_ent: int, n_site: int, capacity: float,
                         seed: int = 5) -> tuple[gpd.GeoDataFrame, ...]:
    """Enterprises (60 % in 40 industrial zones), sites, the border, 8 flood zones.

    Workforce 60–540 and floor area 13–20 m² a worker, as the demo's; site capacity the
    demo's 170–760 workers times ``capacity``, usable area 13–20 m² a worker; the border
    runs 2 km north of the grid (so a quarter of the sites are too near it).
    """
    x0, y0, x1, y1 = roads.total_bounds
    rng = np.random.default_rng(seed)
    crs = roads.crs
    zones = np.c_[rng.uniform(x0 + 3000, x1 - 3000, 40), rng.uniform(y0 + 3000, y1 - 3000, 40)]
    pts = zones[rng.integers(0, 40, n_ent)] + rng.normal(0, 2500, (n_ent, 2))
    spread = rng.random(n_ent) < 0.4
    pts[spread] = np.c_[rng.uniform(x0, x1, spread.sum()), rng.uniform(y0, y1, spread.sum())]
    pts = np.clip(pts, [x0, y0], [x1, y1])
    work = rng.integers(60, 541, n_ent)
    ents = gpd.GeoDataFrame(
        {"name": [f"Doanh nghiệp {i}" for i in range(n_ent)], "workforce": work,
         "floor_area_m2": (work * rng.uniform(13, 20, n_ent)).round()},
        geometry=shapely.points(pts), crs=crs, index=[f"DN-{i:04d}" for i in range(n_ent)])
    sx, sy = rng.uniform(x0, x1, n_site), rng.uniform(y0, y1, n_site)
    side = rng.uniform(150, 500, n_site)
    cap = (rng.integers(170, 761, n_site) * capacity).round().astype(int)
    sites = gpd.GeoDataFrame(
        {"name": [f"Địa điểm {j}" for j in range(n_site)], "capacity": cap,
         "usable_area_m2": (cap * rng.uniform(13, 20, n_site)).round()},
        geometry=shapely.box(sx, sy, sx + side, sy + side), crs=crs,
        index=[f"DDDC-{j:04d}" for j in range(n_site)])
    border = gpd.GeoDataFrame(geometry=[shapely.LineString([(x0 - 5000, y1 + 2000),
                                                            (x1 + 5000, y1 + 2000)])], crs=crs)
    centres = shapely.points(rng.uniform(x0, x1, 8), rng.uniform(y0, y1 - 25_000, 8))
    hazards = gpd.GeoDataFrame({"name": [f"Vùng ngập {i}" for i in range(8)]},
                               geometry=shapely.buffer(centres, rng.uniform(1500, 4000, 8)),
                               crs=crs)
    return ents, sites, border, hazards


def points_file(path: Path, n: int, seed: int = 3) -> Path:
    """Write ``n`` generated points over Lạng Sơn, in VN-2000 / UTM 48N, as a GeoPackage.

    Attributes as GIS staff bring them: a Vietnamese name, a category, a number; a few
    names written decomposed (NFD) so that the import's NFC step has work to do.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(650_000.0, 740_000.0, n)
    y = rng.uniform(2_380_000.0, 2_470_000.0, n)
    names = np.array([f"Điểm quan sát {i}" for i in range(n)], dtype=object)
    names[::50] = [unicodedata.normalize("NFD", v) for v in names[::50]]
    gdf = gpd.GeoDataFrame(
        {"ten": names, "loai": rng.choice(["Trạm", "Mốc", "Chốt"], n),
         "gia_tri": rng.uniform(0, 100, n).round(2)},
        geometry=shapely.points(x, y), crs="EPSG:3405")
    gdf.to_file(path, layer="diem", engine="pyogrio", use_arrow=True)
    return path


def peak_rss_reset() -> None:
    """Start a new peak of the resident memory (Linux: ``/proc/self/clear_refs``)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:  # pragma: no cover - not Linux: the peak since the start is printed
        pass


def peak_rss_mib() -> float:
    """Peak resident memory of this process since :func:`peak_rss_reset`, MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:  # pragma: no cover
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # pragma: no cover
