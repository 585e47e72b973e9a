from __future__ import annotations

from pathlib import Path

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
