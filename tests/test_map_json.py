"""Attribute columns become JSON for the map's popups: whole columns at once, as value by value."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from maps.display import json_value, json_values

COLUMNS = {
    "float": pd.Series([1.5, np.nan, np.inf, -np.inf, 2.0]),
    "float32": pd.Series([0.1, 2.5], dtype="float32"),
    "Float64": pd.Series([1.0, None], dtype="Float64"),
    "int": pd.Series([1, -2, 3]),
    "Int64": pd.Series([1, None], dtype="Int64"),
    "bool": pd.Series([True, False]),
    "boolean": pd.Series([True, None], dtype="boolean"),
    "text": pd.Series(["Xã Tân Thanh", None, "b"]),
    "text with NaN": pd.Series(["a", np.nan], dtype=object),
    "string": pd.Series(["x", None], dtype="string"),
    "arrow string": pd.Series(["Lạng Sơn", None], dtype="string[pyarrow]"),
    "dates": pd.Series([dt.date(2020, 1, 1), None]),
    "datetimes": pd.Series(pd.to_datetime(["2020-01-01 08:30", None])),
    "mixed": pd.Series(["a", 1, 2.5]),
    "lists": pd.Series([[1], 2]),
}


@pytest.mark.parametrize("name", list(COLUMNS))
def test_a_column_converts_as_its_values_one_by_one(name: str) -> None:
    column = COLUMNS[name]
    try:
        expected = [json_value(v) for v in column]
    except TypeError:
        expected = None  # no JSON form: the column is dropped
    got = json_values(column)
    assert got == expected
    for a, b in zip(got or [], expected or [], strict=True):
        assert type(a) is type(b), (a, b)


def test_a_living_frame_is_drawn_from_its_kept_collection() -> None:
    import gc

    import geopandas as gpd
    from shapely.geometry import Point

    from maps import display, kept

    layer = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[Point(106.7, 21.8),
                                                            Point(106.8, 21.9)], crs=4326)
    first = display.kept_collection(layer, layer, ["name"])
    assert display.kept_collection(layer, layer, ["name"]) is first  # the same frame: kept
    assert first == display.feature_collection(layer, ["name"])  # as built afresh
    assert display.kept_collection(layer, layer, []) is not first  # other attributes sent
    copy = layer.copy()
    copy.loc[0, "name"] = "c"  # another frame (here changed): built for itself
    assert display.kept_collection(copy, copy, ["name"])["features"][0]["properties"] == {
        "name": "c"}
    key = id(copy)
    del copy
    gc.collect()
    display.kept_collection(layer, layer, ["name", "name"])  # a miss sweeps the dead frames
    assert key not in kept.kept_ids()


def test_the_basemap_is_drawn_coarser_than_the_data() -> None:
    import json as json_module
    import re as re_module

    import shapely

    from maps import display
    from maps.project import load_basemap
    from maps.project_map import BASEMAP_TOLERANCE_M, MapLayer, build_map

    name, kind, provinces = next(b for b in load_basemap() if "dvhcvn" in b[0])
    page = build_map([MapLayer("Tỉnh (dữ liệu)", kind, provinces)],
                     basemap=[MapLayer(name, kind, provinces)]).get_root().render()
    drawn = [json_module.loads(c) for c in re_module.findall(
        r'(\{"bbox":\[[^\]]*\],"features":.*?\],"type":"FeatureCollection"\})', page)]
    vertices = sorted(sum(shapely.get_num_coordinates(shapely.from_geojson(
        json_module.dumps(f["geometry"]))) for f in c["features"]) for c in drawn)
    west, south, east, north = provinces.to_crs(4326).total_bounds  # the map's UTM zone
    metric = display.display_crs((west + east) / 2, (south + north) / 2)
    as_data = display.display_geometries(provinces.to_crs(4326), metric, coverage=True)
    as_base = display.display_geometries(provinces.to_crs(4326), metric, coverage=True,
                                         tolerance_m=BASEMAP_TOLERANCE_M)
    # the same provinces: the basemap copy at the coarse tolerance, the data at the fine one
    assert vertices == sorted([int(shapely.get_num_coordinates(as_base).sum()),
                               int(shapely.get_num_coordinates(as_data).sum())])
    assert vertices[0] < vertices[1] / 2
