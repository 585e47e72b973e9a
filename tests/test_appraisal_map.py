from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from geo import appraisal
from layers.store import ProjectStore
from maps.appraisal_map import VERDICT_LABELS, VERDICT_STYLES, appraisal_map
from maps.legend import Legend
from maps.offline import external_urls, standalone_html
from planning.appraisal import defense_works
from planning.project import Project


def test_appraisal_map_colours_projects_by_verdict(demo_master: Path) -> None:
    store = ProjectStore(demo_master)
    name = next(r.name for r in store.layers() if r.kind == "proposed_project")
    proposals, works = store.read(name), defense_works(Project(store))
    summary = appraisal.appraisal_summary(proposals, appraisal.appraise(proposals, works))
    m = appraisal_map(proposals, works, summary, assets="inline")
    html = standalone_html(m)
    assert external_urls(html) == []
    (legend,) = [c for c in m._children.values() if isinstance(c, Legend)]
    for verdict in set(summary["verdict"]):
        assert VERDICT_LABELS[verdict][0] in legend.html
        assert VERDICT_STYLES[verdict].fill_color in html
    for verdict in set(VERDICT_STYLES) - set(summary["verdict"]):
        assert VERDICT_LABELS[verdict][0] not in legend.html
    assert "Hành lang bảo vệ công trình" in legend.html


def test_appraisal_map_draws_military_and_defense_economic_zones() -> None:
    from shapely.geometry import box

    from layers.kinds import get_kind

    x0, y0 = 600_000.0, 2_400_000.0

    def sq(x: float, y: float, size: float = 100.0):  # noqa: ANN202 - Polygon
        return box(x0 + x, y0 + y, x0 + x + size, y0 + y + size)

    proposals = gpd.GeoDataFrame({"name": ["DA-01"]}, geometry=[sq(400, 50)], crs=3405)
    works = gpd.GeoDataFrame({"name": ["Khu quân sự A"], "kind": ["military_zone"]},
                             geometry=[sq(0, 0, 200)], crs=3405)
    economic = gpd.GeoDataFrame({"name": ["Khu KT-QP A"], "code": ["KTQP-01"]},
                                geometry=[sq(9000, 0, 2000)], crs=3405)
    summary = appraisal.appraisal_summary(proposals, appraisal.appraise(proposals, works))
    for lang, military, zone in (("vi", "Khu quân sự", "Khu kinh tế – quốc phòng"),
                                 ("en", "Military zone", "Defense–economic zone")):
        m = appraisal_map(proposals, works, summary, economic=economic, lang=lang,
                          assets="inline")
        html = standalone_html(m)
        assert external_urls(html) == []
        (legend,) = [c for c in m._children.values() if isinstance(c, Legend)]
        assert military in legend.html and zone in legend.html
        assert get_kind("defense_economic_zone").style.color in html
        assert get_kind("military_zone").style.color in html
        assert "KTQP-01" in html
    m = appraisal_map(proposals, works, summary)
    (legend,) = [c for c in m._children.values() if isinstance(c, Legend)]
    assert "Khu kinh tế – quốc phòng" not in legend.html and "Khu quân sự" in legend.html
