"""Tests of geo.assets: stacking layers into one traceable frame."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo.assets import stack_layers


def layer(n: int, crs: str = "EPSG:4326", **cols: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(cols, geometry=[Point(106.5 + i / 100, 21.8) for i in range(n)],
                            crs="EPSG:4326").to_crs(crs)


def test_stack_keeps_layer_kind_and_labels() -> None:
    a = layer(2, name=["A1", "A2"], level=["district", None])
    b = layer(1, "EPSG:3405", name=["B1"], code=[7])
    out = stack_layers([("Căn cứ", "combat_base", a), ("Phòng không", "air_defense", b)])
    assert list(out.index) == ["Căn cứ:0", "Căn cứ:1", "Phòng không:0"]
    assert list(out["kind"]) == ["combat_base", "combat_base", "air_defense"]
    assert list(out["name"]) == ["A1", "A2", "B1"]
    assert out["level"].isna().tolist() == [False, True, True]
    assert out.loc["Phòng không:0", "code"] == "7"
    assert out.crs == "EPSG:4326"
    # the layer in metres was reprojected: back on its longitude
    assert out.geometry.iloc[2].x == pytest.approx(106.5, abs=1e-7)
    assert all(pd.api.types.is_string_dtype(out[c]) for c in ("layer", "kind", "name"))


def test_stack_filters_kinds_and_empty() -> None:
    a = layer(1, name=["A"])
    out = stack_layers([("A", "combat_base", a), ("H", "hazard_zone", a)], kinds=["hazard_zone"])
    assert list(out.index) == ["H:0"]
    empty = stack_layers([("A", "combat_base", a)], kinds=["border"])
    assert len(empty) == 0 and list(empty.columns) == ["layer", "kind", "name", "code", "level",
                                                       "geometry"]


def test_stack_rejects_duplicate_names_and_missing_crs() -> None:
    a = layer(1, name=["A"])
    with pytest.raises(ValueError, match="given twice"):
        stack_layers([("A", "combat_base", a), ("A", "rear_base", a)])
    with pytest.raises(ValueError, match="with a CRS"):
        stack_layers([("A", "combat_base", a.set_crs(None, allow_override=True))])
