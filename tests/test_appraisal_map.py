from __future__ import annotations

from pathlib import Path

from geo import appraisal
from layers.project import read_defense_works
from layers.store import ProjectStore
from maps.appraisal_map import VERDICT_LABELS, VERDICT_STYLES, appraisal_map
from maps.offline import external_urls, standalone_html


def test_appraisal_map_colours_projects_by_verdict(demo_master: Path) -> None:
    store = ProjectStore(demo_master)
    name = next(r.name for r in store.layers() if r.kind == "proposed_project")
    proposals, works = store.read(name), read_defense_works(store)
    summary = appraisal.appraisal_summary(proposals, appraisal.appraise(proposals, works))
    html = standalone_html(appraisal_map(proposals, works, summary, assets="inline"))
    assert external_urls(html) == []
    for verdict in set(summary["verdict"]):
        assert VERDICT_LABELS[verdict][0] in html
        assert VERDICT_STYLES[verdict].fill_color in html
    absent = set(VERDICT_STYLES) - set(summary["verdict"])
    for verdict in absent:
        assert VERDICT_LABELS[verdict][0] not in html
    assert "Hành lang bảo vệ công trình" in html
