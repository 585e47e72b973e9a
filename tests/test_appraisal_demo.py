"""The demo's fictional military and defense–economic zones, and what the appraisal says.

The geometry is checked with shapely in metres straight from the stored layers (not through
:mod:`geo`); then the appraisal of the demo is compared with it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from layers.demo import FICTIONAL, FICTIONAL_SUFFIX, MILITARY_GAP_M
from layers.store import ProjectStore
from planning import appraisal, opinion_records
from planning.project import Project

PROPOSALS = "Dự án đề xuất" + FICTIONAL_SUFFIX


def layer(store: ProjectStore, kind: str):  # noqa: ANN201 - GeoDataFrame
    (name,) = [r.name for r in store.layers() if r.kind == kind]
    assert name.endswith(FICTIONAL_SUFFIX)
    gdf = store.read(name).to_crs(3405)
    assert (gdf["fictional"] == FICTIONAL).all()
    return gdf


def test_demo_zones_and_their_verdicts(demo_master: Path) -> None:
    store = ProjectStore(demo_master)
    military = layer(store, "military_zone").set_index("code")
    economic = layer(store, "defense_economic_zone").set_index("code")
    props = store.read(PROPOSALS).to_crs(3405).set_index("code")
    gap = props.geometry["DA-02"].distance(military.geometry["KQS-01"])
    assert gap == pytest.approx(MILITARY_GAP_M, abs=1.0)
    inside = props.geometry["DA-04"].intersection(economic.geometry["KTQP-01"]).area
    assert inside > 0
    result = appraisal.appraise(Project(store), PROPOSALS)
    projects = result.tables["projects"].set_index("proposal_code")
    # the zones change no verdict of the designed scenarios
    assert projects["verdict"].tolist() == ["conflict", "protection_zone", "conflict", "clear"]
    pairs = result.main.set_index(["proposal_code", "work_code"])
    assert pairs.loc[("DA-02", "KQS-01"), "verdict"] == "near"
    assert pairs.loc[("DA-02", "KQS-01"), "distance_m"] == pytest.approx(gap, abs=0.5)
    zones = result.tables["zones"].set_index(["proposal_code", "zone_code"])
    assert zones.loc[("DA-04", "KTQP-01"), "overlap_m2"] == pytest.approx(inside, rel=1e-3)
    # the project at the Tân Thanh gate is inside the border belt
    belt = result.main[(result.main["work_kind"] == "border")
                       & (result.main["proposal_code"] == "DA-03")]
    assert belt["verdict"].tolist() == ["protection_zone"]
    drafts = opinion_records.opinion_table(Project(store), result).set_index("proposal_code")
    assert "khu quân sự KQS-01" in drafts.loc["DA-02", "opinion"]
    assert "vành đai biên giới" in drafts.loc["DA-03", "opinion"]
    assert "KTQP-01" in drafts.loc["DA-04", "opinion"]
    # the page's map gets the defense–economic zones with the result
    assert result.extra["economic"]["code"].tolist() == economic.index.tolist()
