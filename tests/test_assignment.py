"""The assignment solver on candidate pairs (geo.assignment): the same optimum as every
pair, a bound that holds against every pair, and searches that stop near each enterprise."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import brute_force
from geo import assignment, settings
from geo.assignment import solve_assignment, solve_pairs


def instance(seed: int, n: int, m: int, *, tight: bool) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    times = rng.uniform(5, 120, (n, m)).round(2)
    times[rng.random((n, m)) < 0.15] = np.nan
    demands = rng.integers(1, 10, (n, 2)).astype(float)
    caps = rng.integers(2, 14 if tight else 30, (m, 2)).astype(float)
    return times, demands, caps


class Revealed:
    """A :class:`geo.assignment.PairTimes` that shows a full matrix only as far as asked
    (as :class:`geo.travel_matrix.OutwardTimes` does), counting what it shows."""

    def __init__(self, times: np.ndarray, limit: float) -> None:
        self.full, self.limit = times, limit
        self.times = np.where(np.isnan(times), np.nan, np.inf)
        self.floor = np.zeros(len(times))

    @property
    def complete(self) -> np.ndarray:
        return self.floor >= self.limit

    def widen(self, rows: np.ndarray, radius: np.ndarray | float | None = None) -> None:
        rows = np.asarray(rows, dtype=int)
        far = np.full(len(rows), self.limit) if radius is None else np.minimum(
            np.broadcast_to(np.asarray(radius, dtype=float), rows.shape), self.limit)
        for i, r in zip(rows.tolist(), far.tolist(), strict=True):
            if r > self.floor[i]:
                full = self.full[i]
                self.times[i] = np.where(np.isnan(full), np.nan,
                                         np.where(full <= r, full, np.inf))
                self.floor[i] = r


@pytest.mark.parametrize("seed", range(10))
def test_candidates_give_the_brute_force_optimum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    times, demands, caps = instance(seed, int(rng.integers(4, 7)), int(rng.integers(3, 5)),
                                    tight=seed % 2 == 0)
    count, total = brute_force(times, demands, caps)
    for k in (1, 2):
        got = solve_assignment(times, demands, caps, candidates=k)
        assert got.optimal
        assert (got.site >= 0).sum() == count
        assert got.total_min == pytest.approx(total, abs=1e-6)


@pytest.mark.parametrize("seed", range(8))
def test_candidates_give_the_full_optimum(seed: int) -> None:
    """Larger than brute force allows: k = 1, 2, 4 against every pair (k = 0)."""
    rng = np.random.default_rng(50 + seed)
    times, demands, caps = instance(50 + seed, int(rng.integers(15, 30)),
                                    int(rng.integers(10, 25)), tight=seed % 2 == 0)
    full = solve_assignment(times, demands, caps, candidates=0)
    assert full.optimal
    for k in (1, 2, 4):
        got = solve_assignment(times, demands, caps, candidates=k)
        assert got.optimal and got.bound_min == got.total_min
        assert (got.site >= 0).sum() == (full.site >= 0).sum()
        assert got.total_min == pytest.approx(full.total_min, abs=1e-6)
        placed = got.site >= 0
        assert np.isfinite(times[placed, got.site[placed]]).all()
        for j in range(times.shape[1]):
            assert (demands[got.site == j].sum(axis=0) <= caps[j]).all()


@pytest.mark.parametrize("seed", range(4))
def test_times_searched_only_as_far_as_needed(seed: int) -> None:
    """Pair times shown only near each enterprise give the optimum of the whole matrix,
    within the maximum time, while most of the matrix is never searched."""
    rng = np.random.default_rng(seed)
    n, m = 40, 120
    times = rng.uniform(1, 200, (n, m)).round(3)
    demands = rng.integers(1, 10, (n, 2)).astype(float)
    caps = rng.integers(4, 20, (m, 2)).astype(float)
    eligible = rng.random(m) < 0.8
    limit = 150.0
    allowed = np.where(eligible[None, :] & (times <= limit), times, np.nan)
    full = solve_assignment(allowed, demands, caps, candidates=0)
    shown = Revealed(times, limit)
    got = solve_pairs(shown, eligible, demands, caps, max_min=limit, candidates=5)
    assert got.optimal and full.optimal
    assert (got.site >= 0).sum() == (full.site >= 0).sum()
    assert got.total_min == pytest.approx(full.total_min, abs=1e-6)
    assert np.isfinite(shown.times).mean() < 0.5  # most pairs were never searched


@pytest.mark.parametrize("tight", [True, False])
def test_a_time_limited_bound_holds_against_every_pair(tight: bool) -> None:
    """Stopped early, the plan is feasible and its bound is below the optimum of the full
    problem (candidates or not): the gap the page shows is a proven one."""
    times, demands, caps = instance(7, 70, 60, tight=tight)
    best = solve_assignment(times, demands, caps, candidates=0, time_limit_s=60)
    assert best.optimal
    for limit in (0.05, 0.3):
        got = solve_assignment(times, demands, caps, candidates=4, time_limit_s=limit)
        for j in range(times.shape[1]):
            assert (demands[got.site == j].sum(axis=0) <= caps[j]).all()
        if (got.site >= 0).sum() < (best.site >= 0).sum():  # the count is not proven
            assert got.bound_min == -np.inf and not got.optimal
            continue
        assert got.bound_min <= best.total_min + 1e-6 <= got.total_min + 2e-6
        if not tight:  # first fit places everyone: a plan, and a finite bound, at once
            assert np.isfinite(got.bound_min)


def test_gap_setting_stops_within_the_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    times, demands, caps = instance(11, 60, 50, tight=True)
    best = solve_assignment(times, demands, caps, candidates=0, time_limit_s=60)
    monkeypatch.setattr(settings, "relocation_gap", 0.02)
    got = solve_assignment(times, demands, caps, candidates=3)
    gap = (got.total_min - got.bound_min) / got.total_min
    assert gap <= 0.02 + 1e-9
    assert got.bound_min <= best.total_min + 1e-6 <= got.total_min + 1e-6


def test_small_problems_take_every_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    """Up to relocation_all_pairs_up_to pairs the MILP is the one of every pair (the same
    plan to the last bit as before candidates); above, candidates are used."""
    seen = []
    real = assignment._solve_milp

    def spy(state, *args, **kw):  # noqa: ANN001, ANN202
        seen.append(int(state.cand.sum()))
        return real(state, *args, **kw)

    monkeypatch.setattr(assignment, "_solve_milp", spy)
    times, demands, caps = instance(3, 30, 40, tight=False)
    fits = (demands[:, None, :] <= caps[None, :, :]).all(axis=2)
    allowed = int((np.isfinite(times) & fits).sum())
    solve_assignment(times, demands, caps)
    assert seen and seen[0] == allowed
    seen.clear()
    monkeypatch.setattr(settings, "relocation_all_pairs_up_to", 100)
    monkeypatch.setattr(settings, "relocation_candidates", 3)
    solve_assignment(times, demands, caps)
    assert seen and seen[0] < allowed
