"""geo.partitioned: appraisal and the asset → unit join on dask-geopandas partitions.

Every result is compared with the in-memory one (same rows, same values, same order) and,
on the generated cases, with a brute force over every pair in shapely (metres, EPSG:3405),
which needs no spatial index and no partition. The generated cases put features on the
partitions' edges: a work paired with proposals of several partitions, a long line across
them all, works exactly at the search distance, points on the shared edge of two units.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import dask_geopandas
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point, box
from typer.testing import CliRunner

from cli import app
from geo import appraisal as geo_appraisal
from geo import completeness, partitioned, settings
from geo.errors import AnalysisInputError
from layers.demo import FICTIONAL_SUFFIX
from layers.store import ProjectStore
from planning import appraisal, posture
from planning.project import Project

CRS = "EPSG:3405"
X0, Y0 = 600_000.0, 2_400_000.0
SEARCH, NEAR = 2_000.0, 500.0
PROPOSALS = "Dự án đề xuất" + FICTIONAL_SUFFIX


@pytest.fixture(scope="module")
def generated() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """300 proposals (boxes, a few large) and 80 works (points, lines, polygons, a belt)."""
    rng = np.random.default_rng(11)
    xy = rng.uniform(0, 30_000, size=(300, 2))
    size = np.where(np.arange(300) % 50 == 0, 6_000.0, rng.uniform(50, 400, 300))
    props = gpd.GeoDataFrame(
        {"name": [f"P{i}" for i in range(300)]},
        geometry=[box(X0 + x, Y0 + y, X0 + x + s, Y0 + y + s)
                  for (x, y), s in zip(xy, size, strict=True)],
        crs=CRS, index=pd.Index([f"p{i:03d}" for i in range(300)]))
    wxy = rng.uniform(0, 30_000, size=(76, 2))
    geoms = [Point(X0 + x, Y0 + y) if i % 3 == 0 else
             box(X0 + x, Y0 + y, X0 + x + 300, Y0 + y + 200) if i % 3 == 1 else
             LineString([(X0 + x, Y0 + y), (X0 + x + 900, Y0 + y + 400)])
             for i, (x, y) in enumerate(wxy)]
    # across every partition; exactly at the search distance (east of proposal 1); a belt
    far = props.geometry.iloc[1].bounds[2] + SEARCH
    geoms += [LineString([(X0 - 500, Y0 + 15_000), (X0 + 31_000, Y0 + 15_500)]),
              Point(far, props.geometry.iloc[1].bounds[1]),
              box(X0 + 10_000, Y0, X0 + 11_000, Y0 + 30_000),
              Point(X0 + 15_000, Y0 + 15_000)]
    kinds = ["combat_base", "air_defense", "rear_base", "key_defense_area"]
    works = gpd.GeoDataFrame(
        {"kind": [kinds[i % 4] for i in range(80)], "name": [f"W{i}" for i in range(80)],
         "belt": ["yes" if i == 78 else "" for i in range(80)]},
        geometry=geoms, crs=CRS, index=pd.Index([f"w:{i}" for i in range(80)]))
    return props, works


def brute_pairs(props: gpd.GeoDataFrame, works: gpd.GeoDataFrame, search: float
                ) -> pd.DataFrame:
    """Every (proposal, work) within ``search`` metres, by distances of all pairs."""
    p = np.repeat(props.geometry.to_numpy(), len(works))
    w = np.tile(works.geometry.to_numpy(), len(props))
    dist = shapely.distance(p, w)
    keep = dist <= search
    return pd.DataFrame({
        "proposal": np.repeat(props.index.to_numpy(), len(works))[keep],
        "work": np.tile(works.index.to_numpy(), len(props))[keep],
        "distance_m": dist[keep]}).sort_values(["proposal", "work"], ignore_index=True)


def partition_of(props: gpd.GeoDataFrame, parts: int) -> dict[object, int]:
    """The partition each proposal goes to, cut as :mod:`geo.partitioned` cuts it."""
    slim = partitioned._slim(props, [])
    slim = slim.take(np.argsort(slim.geometry.hilbert_distance().to_numpy(), kind="stable"))
    frame = dask_geopandas.from_geopandas(slim, npartitions=parts, sort=False)
    out: dict[object, int] = {}
    for i in range(frame.npartitions):
        for pos in frame.partitions[i].compute()[partitioned._POS]:
            out[props.index[pos]] = i
    return out


@pytest.mark.parametrize("parts", [1, 2, 4, 7])
def test_generated_appraisal_equals_memory_and_brute_force(generated, parts: int) -> None:
    props, works = generated
    kw = {"search_distance": SEARCH, "near_distance": NEAR}
    memory = geo_appraisal.appraise(props, works, **kw)
    dask = partitioned.appraise(props, works, npartitions=parts, scheduler="threads", **kw)
    pd.testing.assert_frame_equal(dask, memory, check_exact=True)
    brute = brute_pairs(props, works, SEARCH)
    got = dask.sort_values(["proposal", "work"], ignore_index=True)
    assert got[["proposal", "work"]].equals(brute[["proposal", "work"]])
    np.testing.assert_allclose(got["distance_m"], brute["distance_m"], rtol=0, atol=1e-9)
    assert ("p001", "w:77") in set(zip(dask["proposal"], dask["work"], strict=True))


def test_generated_case_has_works_on_partition_edges(generated) -> None:
    props, works = generated
    where = partition_of(props, 4)
    assert len(set(where.values())) == 4
    pairs = geo_appraisal.appraise(props, works, search_distance=SEARCH)
    spread = pairs.groupby("work")["proposal"].agg(lambda s: len({where[p] for p in s}))
    assert (spread >= 2).sum() >= 5  # works seen from several partitions
    assert spread["w:76"] == 4  # the line across all of them


def test_demo_appraisal_dask_engine_equals_memory(demo_master: Path) -> None:
    project = Project(ProjectStore(demo_master))
    memory = appraisal.appraise(project, PROPOSALS)
    assert len(memory.main) > 0
    for parts in (1, 2, 3):
        dask = appraisal.appraise(project, PROPOSALS, engine="dask", partitions=parts)
        for name in ("pairs", "projects", "zones"):
            pd.testing.assert_frame_equal(dask.tables[name], memory.tables[name],
                                          check_exact=True)


def test_cli_engine_dask_prints_the_memory_json(demo_master: Path) -> None:
    base = ["appraise", str(demo_master), "--proposals", PROPOSALS, "--json"]
    memory = CliRunner().invoke(app, base)
    dask = CliRunner().invoke(app, [*base, "--engine", "dask", "--partitions", "3"])
    assert memory.exit_code == 0 and dask.exit_code == 0, dask.output
    assert json.loads(dask.stdout) == json.loads(memory.stdout)
    bad = CliRunner().invoke(app, [*base, "--engine", "dask", "--partitions", "0"])
    assert bad.exit_code == 2
    assert "partitions must be a whole number >= 1, not 0" in bad.stderr


def test_dask_engine_raises_the_memory_problems_once(generated) -> None:
    props, works = generated
    props = props.copy()
    props.loc["p005", "geometry"] = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    works = works.assign(kind=works["kind"].where(works.index != "w:3", "bakery"))
    with pytest.raises(AnalysisInputError) as memory:
        geo_appraisal.appraise(props, works)
    with pytest.raises(AnalysisInputError) as dask:
        partitioned.appraise(props, works, npartitions=2)
    assert len(memory.value.problems) == 2
    assert sorted(dask.value.problems) == sorted(memory.value.problems)


def test_missing_dask_is_a_problem_with_the_install_hint(generated, monkeypatch) -> None:
    props, works = generated
    monkeypatch.setitem(sys.modules, "dask_geopandas", None)
    with pytest.raises(AnalysisInputError) as err:
        partitioned.appraise(props, works, npartitions=2)
    (problem,) = err.value.problems
    assert problem.key == "dask_missing"
    assert "pip install kvpt-planner[dask]" in problem


def units_and_points() -> tuple[gpd.GeoSeries, np.ndarray]:
    """A 6 x 5 grid of 1 km units and 2,000 points, 200 of them on shared unit edges."""
    units = gpd.GeoSeries([box(X0 + i * 1000, Y0 + j * 1000, X0 + (i + 1) * 1000,
                               Y0 + (j + 1) * 1000) for i in range(6) for j in range(5)],
                          crs=CRS)
    rng = np.random.default_rng(3)
    xy = rng.uniform(-500, 6500, size=(2000, 2))
    xy[:100, 0] = np.round(xy[:100, 0] / 1000) * 1000  # on vertical edges
    xy[100:200, 1] = np.round(xy[100:200, 1] / 1000) * 1000  # on horizontal edges
    return units, shapely.points(xy[:, 0] + X0, xy[:, 1] + Y0)


@pytest.mark.parametrize("parts", [1, 3, 8])
def test_query_pairs_equals_sindex_and_brute_force(parts: int) -> None:
    units, points = units_and_points()
    li, ri = partitioned.query_pairs(points, units, npartitions=parts, scheduler="threads")
    mi, mu = units.sindex.query(points, predicate="covered_by")
    order = np.lexsort((mu, mi))
    np.testing.assert_array_equal(li, mi[order])
    np.testing.assert_array_equal(ri, mu[order])
    hits = shapely.covered_by(points[:, None], units.to_numpy()[None, :])
    bi, bu = np.nonzero(hits)
    np.testing.assert_array_equal(li, bi)
    np.testing.assert_array_equal(ri, bu)
    assert np.bincount(li, minlength=len(points))[:200].max() >= 2  # shared edges count twice


def test_query_pairs_on_a_distributed_cluster() -> None:
    from dask.distributed import Client, LocalCluster

    units, points = units_and_points()
    mi, mu = units.sindex.query(points, predicate="covered_by")
    order = np.lexsort((mu, mi))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster):
        li, ri = partitioned.query_pairs(points, units, npartitions=4)
    np.testing.assert_array_equal(li, mi[order])
    np.testing.assert_array_equal(ri, mu[order])


def test_completeness_setting_uses_partitions_with_the_same_table(
        demo_master: Path, monkeypatch) -> None:
    project = Project(ProjectStore(demo_master))
    memory = posture.completeness(project).main
    calls: list[int] = []
    real = partitioned.query_pairs

    def spy(*args, **kwargs):  # noqa: ANN202 - the real function's result
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(partitioned, "query_pairs", spy)
    monkeypatch.setattr(settings, "dask_partitions", 3)
    dask = posture.completeness(project).main
    assert calls
    pd.testing.assert_frame_equal(dask, memory, check_exact=True)
    assert memory.filter(like="n_").to_numpy().sum() > 0


def test_completeness_generated_counts_equal(monkeypatch) -> None:
    units, points = units_and_points()
    unit_frame = gpd.GeoDataFrame({"level": ["commune"] * len(units)}, geometry=units, crs=CRS)
    assets = gpd.GeoDataFrame({"kind": ["combat_base"] * len(points)}, geometry=points,
                              crs=CRS)
    reqs = {"commune": ["combat_base"]}
    memory = completeness.completeness(unit_frame, assets, requirements=reqs)
    monkeypatch.setattr(settings, "dask_partitions", 5)
    dask = completeness.completeness(unit_frame, assets, requirements=reqs)
    pd.testing.assert_frame_equal(dask, memory, check_exact=True)
    brute = shapely.covered_by(points[:, None], units.to_numpy()[None, :]).sum(axis=0)
    np.testing.assert_array_equal(dask["n_combat_base"].to_numpy(), brute)


def test_bad_partitions_are_refused(generated) -> None:
    props, works = generated
    for value in (0, -1, 2.5, True):
        with pytest.raises(AnalysisInputError, match="partitions must be a whole number"):
            partitioned.appraise(props, works, npartitions=value)


def test_cli_runs_on_a_cluster_by_its_address(demo_master: Path) -> None:
    from dask.distributed import LocalCluster

    base = ["appraise", str(demo_master), "--proposals", PROPOSALS, "--json"]
    memory = CliRunner().invoke(app, base)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster:
        alone = CliRunner().invoke(app, [*base, "--engine", "dask", "--partitions", "2"])
        idle = sum(len(w.state.log) for w in cluster.workers.values())
        dask = CliRunner().invoke(app, [*base, "--engine", "dask", "--partitions", "2",
                                        "--cluster", cluster.scheduler_address])
        ran = sum(len(w.state.log) for w in cluster.workers.values())
    assert dask.exit_code == 0, dask.output
    assert json.loads(dask.stdout) == json.loads(memory.stdout)
    assert alone.exit_code == 0 and idle == 0  # without --cluster: this process's threads
    assert ran > 0  # with it: the workers of the cluster did the work


def test_cli_unreachable_cluster_is_one_line(demo_master: Path, monkeypatch) -> None:
    import socket

    monkeypatch.setattr(appraisal, "CLUSTER_TIMEOUT", "1s")
    with socket.socket() as sock:  # a port with nobody listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    out = CliRunner().invoke(app, ["appraise", str(demo_master), "--proposals", PROPOSALS,
                                   "--engine", "dask", "--cluster", f"tcp://127.0.0.1:{port}"])
    assert out.exit_code == 2
    assert f"cannot reach the dask scheduler at 'tcp://127.0.0.1:{port}'" in out.stderr
    assert "Traceback" not in out.output


def test_no_pairs_and_more_partitions_than_proposals(generated) -> None:
    props, works = generated
    few = props.iloc[:3]
    far = works.iloc[:2].set_geometry(works.geometry.iloc[:2].translate(100_000, 100_000))
    for wks in (far, works):
        memory = geo_appraisal.appraise(few, wks, search_distance=SEARCH)
        dask = partitioned.appraise(few, wks, npartitions=10, search_distance=SEARCH,
                                    scheduler="synchronous")
        pd.testing.assert_frame_equal(dask, memory, check_exact=True)
    assert len(geo_appraisal.appraise(few, far, search_distance=SEARCH)) == 0
