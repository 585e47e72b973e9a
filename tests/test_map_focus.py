"""The Posture and Exercises maps open on their results (issue #8), checked under AppTest.

Like the route and chokepoint maps (``test_network_page``), each map is fitted to what its
table is about, not to the whole province: the units lacking a component, the assets of
the depth and support tables, what lies in a hazard zone, the communes of the chosen year.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_maps import fit_bounds

from conftest import page_map_html
from geo import settings
from layers.store import ProjectStore
from planning import exercises as planning_exercises
from planning import posture
from planning.project import Project

ROOT = Path(__file__).parents[1]
POSTURE_TABS = {"depth": "Chiều sâu", "support": "Hỗ trợ lẫn nhau", "hazards": "Thiên tai"}


def run_page(page: str, project: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("KVPT_PROJECT", str(project))
    return AppTest.from_file(str(ROOT / page), default_timeout=60).run()


def opened_on(at: AppTest) -> list[list[float]]:
    """``[[south, west], [north, east]]`` the one map of the page is fitted to."""
    return fit_bounds(page_map_html(at))


def bounds_of(geoms: gpd.GeoDataFrame | gpd.GeoSeries) -> list[list[float]]:
    west, south, east, north = geoms.to_crs(4326).total_bounds
    return [[south, west], [north, east]]


def smaller(inner: list[list[float]], outer: list[list[float]]) -> bool:
    """Whether the box ``inner`` lies in ``outer`` and is clearly smaller."""
    (s, w), (n, e) = inner
    (s2, w2), (n2, e2) = outer
    inside = s >= s2 - 1e-9 and w >= w2 - 1e-9 and n <= n2 + 1e-9 and e <= e2 + 1e-9
    return inside and (n - s) * (e - w) < 0.9 * (n2 - s2) * (e2 - w2)


def test_posture_maps_open_on_what_the_tables_show(demo_project: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_page("ui/posture_page.py", demo_project, monkeypatch)
    assert not at.exception and not at.error
    proj = Project(ProjectStore(demo_project))
    # completeness: the units of the level shown that lack a required component
    reqs = {w.key.removeprefix("posture_req_"): w.value for w in at.multiselect}
    units = posture.completeness(proj, requirements=reqs).main
    part = units[units["level"] == at.radio(key="posture_level").value]
    lacking = part[(part["n_required"] > 0) & ~part["complete"].astype(bool)]
    assert 0 < len(lacking) < len(part)
    assert np.allclose(opened_on(at), bounds_of(lacking), atol=1e-4)
    province = bounds_of(units[units["level"] == "province"])
    found = {}
    for name, label in POSTURE_TABS.items():
        at.session_state["posture_tab_vi"] = label
        at.run()
        assert not at.exception and not at.error, name
        found[name] = opened_on(at)
    depth = posture.depth(proj, bands=settings.depth_bands_km).main  # the page's default
    assert np.allclose(found["depth"], bounds_of(depth), atol=1e-4)  # the assets
    support = posture.support(proj, within_km=settings.support_within_km).main
    assert np.allclose(found["support"], bounds_of(support), atol=1e-4)  # the positions
    hazards = posture.hazards(proj)
    features = hazards.extra["features"]
    exposed = pd.concat([features[features.index.isin(hazards.main["feature"])].geometry,
                         hazards.tables["road_parts"].geometry])
    assert np.allclose(found["hazards"], bounds_of(gpd.GeoSeries(exposed, crs=features.crs)),
                       atol=1e-4)
    assert smaller(found["hazards"], province)


def test_exercise_plan_map_opens_on_the_communes_of_the_year(
        demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_page("ui/exercises_page.py", demo_project, monkeypatch)
    at.session_state["ex_tab"] = "Kế hoạch luân phiên"
    at.run()
    proj = Project(ProjectStore(demo_project))
    result = planning_exercises.rotation(proj, years=int(at.number_input(key="plan_years")
                                                         .value),
                                         start=int(at.number_input(key="plan_start").value))
    communes = result.extra["communes"]
    seen = []
    for option in at.selectbox(key="plan_year").options[:2]:
        at.selectbox(key="plan_year").set_value(option).run()
        assert not at.exception and not at.error
        year, plan = at.selectbox(key="plan_year").value, result.main
        chosen = communes[communes["code"].isin(plan.loc[plan["year"] == year,
                                                          "commune_code"])]
        assert 0 < len(chosen) < len(communes)
        assert np.allclose(opened_on(at), bounds_of(chosen), atol=1e-4)
        seen.append(opened_on(at))
    assert not np.allclose(seen[0], seen[1])  # the map follows the year
