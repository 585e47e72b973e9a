"""Combat communes counted by the posture completeness of a project (issue #12 §1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo import settings
from layers.store import NewLayer, ProjectStore
from planning import posture
from planning.project import Project


def test_designated_communes_meet_the_requirement(demo_project: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProjectStore(demo_project)
    layers = {r.name: store.read(r.name) for r in store.layers() if r.kind == "admin_unit"}
    name = max(layers, key=lambda n: len(layers[n]))  # the commune layer
    units = layers[name]
    communes = units.index
    designated = communes[:5]
    units["combat_year"] = None
    units.loc[designated, "combat_year"] = 2020
    store.add_layer(NewLayer(gdf=units, name=name, kind="admin_unit"))
    monkeypatch.setitem(settings.posture_requirements, "commune", ["combat_commune"])
    result = posture.completeness(Project(ProjectStore(demo_project))).main
    rows = result[result["level"] == "commune"]
    assert len(rows) == len(communes) == 226
    done = set(rows.loc[rows["complete"], "code"])
    assert done == set(units.loc[designated, "code"])
    assert (rows.loc[~rows["complete"], "missing"] == "combat_commune").all()
