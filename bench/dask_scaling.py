"""Appraisal on dask-geopandas partitions as partitions and workers grow (issue #11 goal 6).

Standalone (not part of ``bench/run.py``)::

    .venv/bin/python bench/dask_scaling.py            # 100,000 proposals x 10,000 works
    .venv/bin/python bench/dask_scaling.py --quick    # 10,000 x 1,000
    .venv/bin/python bench/dask_scaling.py --workers 1 2 --partitions 1 2 4 8 \
        --scheduler cluster                           # the defaults

The data is generated, deterministic and not stored: proposals are boxes of 50–400 m and
works points, 300 x 200 m polygons and 900 m lines of four kinds, spread over an 89 km
square in VN-2000 / UTM 48N (as ``bench/realsize.py``'s road grid). For each number of
workers and of partitions it times :func:`geo.appraisal.appraise` in memory and right
after it :func:`geo.partitioned.appraise` (turns taken, so a change in the machine's load
hits both), checks that each result equals the in-memory table, and prints both times,
the speed-up and the peak resident memory (MiB) of this process and of the workers (the
largest worker; summed over workers in ``all_workers``). Exit status 1 when a table
differs.

Schedulers: ``cluster`` a :class:`dask.distributed.LocalCluster` of ``W`` worker processes
of one thread each (what several machines would run, on one); ``threads`` dask's thread
pool of ``W`` threads (GEOS releases the GIL); ``processes`` its process pool.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from realsize import peak_rss_mib, peak_rss_reset  # noqa: E402

from geo import appraisal, partitioned  # noqa: E402

SIDE_M, X0, Y0 = 89_200.0, 650_000.0, 2_380_000.0
SEARCH_M = 1_000.0
KINDS = ("combat_base", "rear_base", "air_defense", "key_defense_area")


def proposals(n: int, seed: int = 7) -> gpd.GeoDataFrame:
    """``n`` proposal boxes of 50–400 m a side over the square."""
    rng = np.random.default_rng(seed)
    x, y = X0 + rng.uniform(0, SIDE_M, n), Y0 + rng.uniform(0, SIDE_M, n)
    side = rng.uniform(50, 400, n)
    return gpd.GeoDataFrame({"name": [f"Dự án {i}" for i in range(n)]},
                            geometry=shapely.box(x, y, x + side, y + side), crs="EPSG:3405")


def works(n: int, seed: int = 13) -> gpd.GeoDataFrame:
    """``n`` works: points, 300 x 200 m polygons and 900 m lines of four kinds, in turn."""
    rng = np.random.default_rng(seed)
    x, y = X0 + rng.uniform(0, SIDE_M, n), Y0 + rng.uniform(0, SIDE_M, n)
    shape = np.arange(n) % 3
    geoms = np.where(shape == 0, shapely.points(x, y),
                     np.where(shape == 1, shapely.box(x, y, x + 300, y + 200),
                              shapely.linestrings(np.stack(
                                  [np.c_[x, y], np.c_[x + 900, y + 400]], axis=1))))
    return gpd.GeoDataFrame(
        {"kind": [KINDS[i % 4] for i in range(n)], "name": [f"CT-{i:05d}" for i in range(n)]},
        geometry=geoms, crs="EPSG:3405", index=[f"works:{i}" for i in range(n)])


def timed(call: Callable[[], pd.DataFrame]) -> tuple[float, pd.DataFrame]:
    """Seconds of one call (garbage collection off) and its result."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        out = call()
        return time.perf_counter() - start, out
    finally:
        gc.enable()


def run(args: argparse.Namespace) -> int:
    """Time every configuration and print one line each; 1 when a result differs."""
    n_props, n_works = (10_000, 1_000) if args.quick else (100_000, 10_000)
    props, wks = proposals(n_props), works(n_works)
    print(f"appraisal of {n_props:,} proposals x {n_works:,} works within {SEARCH_M:.0f} m "
          f"(scheduler {args.scheduler}; {os.cpu_count()} CPUs)")
    peak_rss_reset()
    memory = appraisal.appraise(props, wks, search_distance=SEARCH_M)
    print(f"memory peak {peak_rss_mib():.0f} MiB, {len(memory):,} pairs. Each line below "
          f"times the in-memory call again right before the dask one (the machine's load "
          f"changes); seconds are the minimum of {args.repeat} such turn(s).")
    print(f"{'workers':>7}{'parts':>7}{'memory s':>10}{'dask s':>9}{'speed-up':>10}"
          f"{'main MiB':>10}{'worker MiB':>12}{'all_workers':>13}  same")
    failed = 0
    for n_workers in args.workers:
        with _scheduler(args.scheduler, n_workers) as (scheduler, client):
            for _ in range(n_workers):  # untimed: imports in this process and the workers
                partitioned.appraise(props.iloc[:100], wks, search_distance=SEARCH_M,
                                     npartitions=n_workers, scheduler=scheduler)
            for parts in args.partitions:
                failed += _one(props, wks, memory, (n_workers, parts), scheduler, client,
                               args.repeat)
    return 1 if failed else 0


def _one(props: gpd.GeoDataFrame, wks: gpd.GeoDataFrame, memory: pd.DataFrame,
         config: tuple[int, int], scheduler: object, client: object, repeat: int) -> int:
    """Time one configuration against memory, print its line; 1 when its table differs."""
    n_workers, parts = config
    base, seconds, same = float("inf"), float("inf"), True
    peak_rss_reset()
    if client is not None:
        client.run(peak_rss_reset)
    for _ in range(repeat):
        took, _out = timed(lambda: appraisal.appraise(props, wks, search_distance=SEARCH_M))
        base = min(base, took)
        took, out = timed(lambda: partitioned.appraise(
            props, wks, search_distance=SEARCH_M, npartitions=parts, scheduler=scheduler))
        seconds, same = min(seconds, took), same and out.equals(memory)
    peaks = list(client.run(peak_rss_mib).values()) if client is not None else []
    print(f"{n_workers:>7}{parts:>7}{base:>10.2f}{seconds:>9.2f}{base / seconds:>10.2f}"
          f"{peak_rss_mib():>10.0f}{max(peaks, default=0):>12.0f}{sum(peaks):>13.0f}  "
          f"{'yes' if same else 'NO'}", flush=True)
    return 0 if same else 1


class _scheduler:
    """Context: ``(scheduler argument, distributed client or None)`` for ``n`` workers."""

    def __init__(self, kind: str, n: int) -> None:
        self.kind, self.n, self.stack = kind, n, []

    def __enter__(self) -> tuple[object, object]:
        import dask

        if self.kind != "cluster":
            self.stack.append(dask.config.set(num_workers=self.n))
            return self.kind, None
        from dask.distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=self.n, threads_per_worker=1, processes=True,
                               dashboard_address=None, memory_limit=0)
        client = Client(cluster)
        self.stack += [cluster, client]
        return None, client

    def __exit__(self, *exc: object) -> None:
        for item in reversed(self.stack):
            item.__exit__(None, None, None) if hasattr(item, "__exit__") else item.close()


def main() -> int:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 x 1,000 instead")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--partitions", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--repeat", type=int, default=1,
                        help="turns of memory then dask per line (minimum kept)")
    parser.add_argument("--scheduler", choices=("cluster", "threads", "processes"),
                        default="cluster")
    logging.getLogger("distributed").setLevel(logging.ERROR)
    # the proposals start in this process: their partitions travel in the graph, by design
    warnings.filterwarnings("ignore", message="Sending large graph", category=UserWarning)
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
