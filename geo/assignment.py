"""The assignment of enterprises to relocation sites: a MILP on candidate pairs, proven.

The problem
-----------
Each enterprise ``i`` goes to at most one site ``j`` of its allowed pairs (reachable within
the maximum time, site eligible, demand fitting the site alone); site loads stay within
the capacities of each dimension ``d`` (``Σ_i a_id x_ij ≤ b_jd``). Lexicographically:
(1) place the most enterprises, (2) with that number, least total time ``Σ t_ij x_ij``.
Both stages are MILPs (HiGHS through :func:`scipy.optimize.milp`, one binary per pair).

Candidate pairs
---------------
One binary per allowed pair does not scale (1,000 enterprises × 2,000 sites are millions
of pairs). Each stage is solved on **candidate** pairs, the ``k`` fastest allowed sites of
each enterprise (:data:`geo.settings.relocation_candidates`), grown by pricing with the
LP relaxation until the result is proven for the **full** problem:

* Let ``y`` be dual values of the LP relaxation on the candidates (``y ≤ 0`` on the
  ``≤`` rows). For every pair, candidate or not, its reduced cost is
  ``r_ij = c_ij − y_i − Σ_d a_id y_jd − y_count`` (``y_count ≥ 0`` the dual of the row
  "at least N placed", when there is one). For *any* plan ``x`` of the full problem (Lagrangian
  duality, ``0 ≤ x ≤ 1``)::

      c·x ≥ y·b + Σ_cand min(0, r) + Σ_other r_ij x_ij  =  L + Σ_other r_ij x_ij.

  So a plan using a non-candidate pair ``p`` costs at least ``L + r_p`` when no
  non-candidate pair has a negative reduced cost.
* **LP pricing**: pairs with ``r < 0`` join the candidates and the LP is solved again
  (column generation), until none is left: then ``L`` is the optimum of the full LP.
* **MILP**, then **proof**: with ``UB`` the candidates' best plan, every pair with
  ``r < UB − L`` (``UB − 1 − L`` for the count, an integer; ``(1 − gap)·UB − L`` with
  :data:`geo.settings.relocation_gap`) could be in a better plan: exactly those pairs
  join the candidates (the rule: no "k doubled", the LP says which) and the MILP runs
  once more (the LP duals stay optimal: the pairs added have ``r ≥ 0``). Every pair left
  out then has ``r ≥ UB − L``: no plan using it beats the candidates' optimum, which is
  therefore the full problem's optimum.
* The bound reported is always one of the full problem:
  ``min(MILP bound on the candidates, L + Σ_left min(0, r) + max(0, min_left r))``. It is
  what a stage stopped by its time limit reports, and what a stage reports when the proof
  would add too many pairs (more than 3× the candidates and 20,000): with tight
  capacities the LP bound is weak, ``UB − L`` large, and nearly every nearby pair could
  matter; the plan is then the candidates' best and its gap is proven, not claimed.
* The count is proven at once when a **first-fit** plan (largest enterprises first, each
  at its fastest site with room) places every enterprise that has an allowed pair; that
  plan is also the stage's answer when its MILP finds none in time (with candidates; on
  every pair the stage raises as ever, and the caller may give it more time).
* Up to :data:`geo.settings.relocation_all_pairs_up_to` pairs (the demo), every pair is a
  candidate from the start: the MILP is the one of one binary per pair, as before.

Times not searched
------------------
The pair times may be known only near each enterprise (:class:`PairTimes`: every pair up
to ``floor[i]`` minutes is known, farther ones are at least ``floor[i]``). The ``k``
fastest come from a search grown (doubled from 1/32 of the maximum time) until it holds
``k`` allowed sites; a pair not searched is priced with ``floor[i]`` as its time (a lower
bound of its reduced cost); when that bound says it might matter, the enterprise is
searched farther, out to the time beyond which no pair can matter (``threshold + y_i``), and
the pair priced exactly. Nothing needed is ever assumed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from geo import _validate, settings
from geo.errors import AnalysisInputError, Problem

if TYPE_CHECKING:
    from scipy.optimize import LinearConstraint

_TIME_TOL = 1e-6  # minutes: a pair this much over the maximum time is still allowed
_FIRST_SHARE = 1 / 32  # the first search reaches this share of the maximum time
_REL_TOL = 1e-7  # relative tolerance of a reduced-cost proof (HiGHS's own is 1e-7)
_PROOF_GROWTH = 3  # prove by a second MILP at most this many times as large,
_PROOF_PAIRS = 20_000  # or of at most this many pairs


@dataclass(frozen=True)
class Assignment:
    """The solution of :func:`solve_assignment`.

    Attributes
    ----------
    site : ndarray of int
        Per enterprise, the position of its site, or -1 when unplaced.
    total_min : float
        Total travel time of the placed enterprises.
    optimal : bool
        Whether both stages were proven optimal for the full problem (``False`` when a
        time limit was hit and the best solution so far returned).
    bound_min : float
        Proven lower bound of the total travel time of a plan placing the most
        enterprises possible (equal to ``total_min`` when optimal); ``-inf`` when the
        solver stopped before proving how many can be placed.
    """

    site: np.ndarray
    total_min: float
    optimal: bool
    bound_min: float = math.nan


class PairTimes(Protocol):
    """Pair times known up to a radius per enterprise (see the module note).

    Attributes
    ----------
    times : ndarray, shape (n, m)
        Minutes of the known pairs; ``inf`` for a pair farther than ``floor[i]`` (or not
        allowed once the row is complete); ``NaN`` for a pair that can never be allowed.
    floor : ndarray, shape (n,)
        Every pair of row ``i`` faster than this is known.
    complete : ndarray of bool, shape (n,)
        Rows whose every pair within the maximum time is known.
    """

    times: np.ndarray
    floor: np.ndarray

    @property
    def complete(self) -> np.ndarray:
        """Rows fully known."""

    def widen(self, rows: np.ndarray, radius: np.ndarray | float | None = None) -> None:
        """Know the pairs of ``rows`` up to ``radius`` minutes (all of them when ``None``)."""


class KnownTimes:
    """A :class:`PairTimes` of a full matrix (``NaN`` or ``inf``: pair not allowed).

    Parameters
    ----------
    times : ndarray, shape (n, m)
        Minutes.
    """

    def __init__(self, times: np.ndarray) -> None:
        self.times = np.where(np.isfinite(times), times, np.nan)
        self.floor = np.full(len(times), np.inf)
        self.complete = np.ones(len(times), dtype=bool)

    def widen(self, rows: np.ndarray, radius: np.ndarray | float | None = None) -> None:
        """Do nothing: everything is known."""


def solve_assignment(
    times: np.ndarray,
    demands: np.ndarray,
    capacities: np.ndarray,
    *,
    time_limit_s: float | None = None,
    candidates: int | None = None,
) -> Assignment:
    """Assign enterprises to sites: most placed first, then least total time.

    Parameters
    ----------
    times : ndarray, shape (n_enterprises, n_sites)
        Travel time (minutes) of each allowed pair; ``NaN`` or ``inf`` where the pair
        is not allowed (unreachable, too far, site failing a criterion).
    demands : ndarray, shape (n_enterprises, k)
        What each enterprise needs in each of ``k`` capacity dimensions (k may be 0).
    capacities : ndarray, shape (n_sites, k)
        What each site offers in each dimension.
    time_limit_s : float, optional
        Solver time limit per stage; :data:`geo.settings.relocation_time_limit_s` by
        default.
    candidates : int, optional
        Candidate sites per enterprise (0: every allowed pair);
        :data:`geo.settings.relocation_candidates` by default, or every pair when there are
        at most :data:`geo.settings.relocation_all_pairs_up_to` pairs. The result is
        proven for the full problem either way (see the module note).

    Returns
    -------
    Assignment
        The site position of each enterprise (-1 when unplaced).

    Raises
    ------
    AnalysisInputError
        If the shapes disagree, a demand or capacity is negative or missing, or the
        solver stops without any solution.
    """
    times = np.asarray(times, dtype=float)
    demands = np.asarray(demands, dtype=float).reshape(len(times), -1)
    capacities = np.asarray(capacities, dtype=float).reshape(times.shape[1], -1)
    _validate.raise_problems(_array_problems(times, demands, capacities))
    return solve_pairs(KnownTimes(times), np.ones(times.shape[1], dtype=bool), demands,
                       capacities, time_limit_s=time_limit_s, candidates=candidates)


def solve_pairs(
    pairs: PairTimes,
    eligible: np.ndarray,
    demands: np.ndarray,
    capacities: np.ndarray,
    *,
    max_min: float = np.inf,
    time_limit_s: float | None = None,
    candidates: int | None = None,
    milp: Callable[..., _Solved] | None = None,
) -> Assignment:
    """Solve the assignment on pair times known near each enterprise (see the module note).

    Parameters
    ----------
    pairs : PairTimes
        The times, widened on demand.
    eligible : ndarray of bool, shape (n_sites,)
        Sites that pass the criteria.
    demands, capacities : ndarray
        As :func:`solve_assignment`.
    max_min : float
        Maximum travel time of an allowed pair.
    time_limit_s : float, optional
        Solver time limit per stage; :data:`geo.settings.relocation_time_limit_s` by
        default.
    candidates : int, optional
        Candidate sites per enterprise (0: every allowed pair);
        :data:`geo.settings.relocation_candidates` by default, or every pair when there are
        at most :data:`geo.settings.relocation_all_pairs_up_to` (enterprise, eligible site)
        pairs.
    milp : callable, optional
        ``milp(cost, constraints, limit)`` (and ``gap=`` when it is not 0) solving one MILP
        (:func:`_milp` by default): a caller may time it or replace it.

    Returns
    -------
    Assignment
        The site position of each enterprise (-1 when unplaced).

    Raises
    ------
    AnalysisInputError
        If the solver stops without any solution: on every pair (a small problem) when a
        stage's MILP finds none in its time, as ever; on candidates the first-fit plan is
        kept instead.
    """
    limit = float(settings.relocation_time_limit_s if time_limit_s is None else time_limit_s)
    k = int(settings.relocation_candidates if candidates is None else candidates)
    pairs_count = len(demands) * int(eligible.sum())
    if candidates is None and pairs_count <= settings.relocation_all_pairs_up_to:
        k = 0  # small: every pair at once
    fits = np.all(demands[:, None, :] <= capacities[None, :, :] + 1e-9, axis=2)
    state = _State(pairs, eligible[None, :] & fits, demands, capacities, max_min)
    state.milp, state.fallback = milp or _milp, k > 0
    state.grow(k)
    site = np.full(len(demands), -1)
    if not state.cand.any():
        return Assignment(site, 0.0, True, 0.0)
    gap = float(settings.relocation_gap)
    count = _count_stage(state, _Budget(limit))
    placed = round(-count.value)
    rows = _Rows(must=state.placeable() if placed == state.placeable().sum() else None,
                 at_least=placed)
    best = _stage(state, "time", rows, _Budget(limit), gap, count)
    site[best.ei] = best.si
    total = float(pairs.times[best.ei, best.si].sum())
    if count.proven and best.proven and best.bound >= total - _REL_TOL * max(1.0, total):
        return Assignment(site, total, True, total)
    # a bound on the time holds only if the number placed was proven the most possible
    return Assignment(site, total, False, min(best.bound, total) if count.proven else -math.inf)


# --- the stages ------------------------------------------------------------------------------


class _Budget:
    """Solver seconds left in a stage: each LP or MILP gets what the ones before left."""

    def __init__(self, seconds: float) -> None:
        self.left = float(seconds)

    def limit(self) -> float:
        """Return the time limit of the next solver call."""
        return max(self.left, 0.01)

    def spend(self, since: float) -> None:
        """Count the time since ``since`` (a :func:`time.monotonic` reading)."""
        self.left -= time.monotonic() - since


@dataclass(frozen=True)
class _Rows:
    """The enterprise rows of a stage: who must be placed, or how many at least."""

    must: np.ndarray | None = None  # bool per enterprise: placed exactly once
    at_least: int = 0  # else: at least this many placed (0: no such row)


@dataclass(frozen=True)
class _Duals:
    ent: np.ndarray  # per enterprise row
    cap: np.ndarray  # (n_sites, dims)
    count: float  # of the row "at least N placed", written -Σx ≤ -N
    rows: float  # y·b, the rows' part of the Lagrangian bound
    value: float  # L: the Lagrangian bound over the candidates of the LP

    def lagrangian(self, r: np.ndarray, pairs: np.ndarray) -> float:
        """Return L over these pairs: ``y·b + Σ_pairs min(0, r)``."""
        return self.rows + float(np.minimum(r[pairs], 0.0).sum())


@dataclass(frozen=True)
class _Found:
    ei: np.ndarray  # chosen pairs
    si: np.ndarray
    value: float  # objective (minimised: -count, or minutes)
    bound: float  # proven lower bound of the objective over the full problem
    proven: bool


class _State:
    """What the solver knows: the pair times, which pairs are allowed, the candidates."""

    def __init__(self, pairs: PairTimes, static: np.ndarray, demands: np.ndarray,
                 caps: np.ndarray, max_min: float) -> None:
        self.pairs, self.static, self.demands, self.caps = pairs, static, demands, caps
        self.max_min = max_min
        self.cand = np.zeros(static.shape, dtype=bool)
        self.milp: Callable[..., _Solved] = _milp
        self.fallback = False  # keep the first-fit plan when a MILP finds none in time

    def known(self) -> np.ndarray:
        """Return the allowed pairs whose time is known."""
        return self.static & (self.pairs.times <= self.max_min + _TIME_TOL)

    def maybe(self) -> np.ndarray:
        """Return the pairs not searched yet that may be allowed."""
        return (self.static & np.isinf(self.pairs.times)
                & ~self.pairs.complete[:, None])

    def placeable(self) -> np.ndarray:
        """Return the enterprises with an allowed pair (each has a candidate after grow)."""
        return self.cand.any(axis=1)

    def grow(self, k: int) -> None:
        """Search each enterprise until it has ``k`` allowed sites; take the k fastest."""
        first = self.max_min * _FIRST_SHARE if math.isfinite(self.max_min) else None
        while True:
            count = self.known().sum(axis=1)
            need = ((count < k) | (k <= 0)) & ~self.pairs.complete & self.static.any(axis=1)
            if not need.any():
                break
            floor = self.pairs.floor[need]
            radius = (None if first is None or k <= 0
                      else np.where(floor > 0, 2 * floor, first))
            self.pairs.widen(np.flatnonzero(need), radius)
        known = self.known()
        if k <= 0:
            self.cand = known
            return
        t = np.where(known, self.pairs.times, np.inf)
        take = min(k, t.shape[1])
        pick = np.argpartition(t, take - 1, axis=1)[:, :take] if take else np.empty((len(t), 0),
                                                                                   int)
        self.cand = np.zeros(known.shape, dtype=bool)
        np.put_along_axis(self.cand, pick, True, axis=1)
        self.cand &= known

    def others(self) -> np.ndarray:
        """Return the pairs left out of the candidates that may be allowed."""
        return (self.known() | self.maybe()) & ~self.cand

    def reduced(self, objective: str, y: _Duals) -> np.ndarray:
        """Return every pair's reduced cost (a lower bound where its time is unknown)."""
        if objective == "count":
            cost = np.full(self.static.shape, -1.0)
        else:
            floor = np.broadcast_to(self.pairs.floor[:, None], self.static.shape)
            cost = np.where(np.isfinite(self.pairs.times), self.pairs.times, floor)
        return cost - y.ent[:, None] - self.demands @ y.cap.T + y.count

    def settle(self, objective: str, y: _Duals, r: np.ndarray, threshold: float) -> np.ndarray:
        """Search far enough that every pair with ``r < threshold`` is known; return ``r``.

        A pair not searched has ``r >= floor - y_i + y_count`` (its time is at least the
        floor, ``y_cap <= 0``): searching enterprise ``i`` out to
        ``threshold + y_i - y_count`` leaves out only pairs at or above the threshold. A
        count costs no time: the enterprise is searched out to the maximum time.
        """
        rows = ((r < threshold) & self.maybe()).any(axis=1)
        if not rows.any():
            return r
        if objective == "count":
            self.pairs.widen(np.flatnonzero(rows))
        else:
            far = threshold + y.ent - y.count + _REL_TOL * max(1.0, abs(threshold))
            self.pairs.widen(np.flatnonzero(rows), far[rows])
        return self.reduced(objective, y)


def _count_stage(state: _State, budget: _Budget) -> _Found:
    """Stage 1: most placed.

    A first-fit plan (:func:`_first_fit`) joins the candidates; when it places every
    enterprise that has an allowed pair, that is the most possible, proven with no MILP.
    Otherwise the count is solved and proven like the time (:func:`_stage`), from it.
    """
    ei, si = _first_fit(state)
    state.cand[ei, si] = True
    first = _Found(ei, si, -float(len(ei)), -math.inf, False)
    if len(ei) == state.placeable().sum():
        return _Found(ei, si, first.value, first.value, True)
    return _stage(state, "count", _Rows(), budget, 0.0, first)  # a count is exact


def _first_fit(state: _State) -> tuple[np.ndarray, np.ndarray]:
    """Place the largest enterprises first, each at its fastest site with room left.

    An enterprise that finds no known site with room is searched farther (its radius
    doubled) and the plan made again, until every one is placed or searched out.
    """
    size = (state.demands / np.maximum(state.caps.mean(axis=0), 1e-9)).max(axis=1) \
        if state.caps.shape[1] else np.zeros(len(state.demands))
    order = np.argsort(-size, kind="stable")
    while True:
        t = np.where(state.known(), state.pairs.times, np.inf)
        room = state.caps.copy()
        site = np.full(len(order), -1)
        for i in order[np.isfinite(t[order]).any(axis=1)].tolist():
            ok = np.isfinite(t[i]) & (state.demands[i] <= room + 1e-9).all(axis=1)
            if ok.any():
                site[i] = int(np.argmin(np.where(ok, t[i], np.inf)))
                room[site[i]] -= state.demands[i]
        need = (site < 0) & ~state.pairs.complete & state.static.any(axis=1)
        if not need.any():
            placed = np.flatnonzero(site >= 0)
            return placed, site[placed]
        floor = state.pairs.floor[need]
        state.pairs.widen(np.flatnonzero(need), np.where(floor > 0, 2 * floor, np.inf))


def _stage(state: _State, objective: str, rows: _Rows, budget: _Budget, gap: float,
           incumbent: _Found) -> _Found:
    """Price the LP, solve the MILP on the candidates, then prove it (module note).

    ``incumbent`` is a plan that meets the stage's rows (the first-fit plan, or stage 1's):
    the answer when the MILP finds nothing better in its time.
    """
    y = _column_generation(state, objective, rows, budget)
    used = state.cand.copy()
    found = _best(_solve_milp(state, objective, rows, budget, gap),
                  _valued(state, objective, incumbent), y, state, objective, used)
    if y is None:
        return found if not state.others().any() else _unbounded(found)
    found, used, r = _prove(state, objective, rows, budget, gap, y, found, used)
    left = (state.known() | state.maybe()) & ~used
    if not left.any():
        return found
    # a plan using a pair left out costs at least L + Σ_left min(0, r) + max(0, min_left r)
    others = y.lagrangian(r, used) + float(np.minimum(r[left], 0.0).sum()) \
        + max(0.0, float(r[left].min()))
    bound = min(found.bound, others)
    tol = _REL_TOL * max(1.0, abs(found.value))
    proven = found.proven and (bound > found.value - 1 + tol if objective == "count"
                               else bound >= found.value - gap * abs(found.value) - tol)
    return _Found(found.ei, found.si, found.value, bound, proven)


def _prove(state: _State, objective: str, rows: _Rows, budget: _Budget, gap: float,
           y: _Duals, found: _Found, used: np.ndarray
           ) -> tuple[_Found, np.ndarray, np.ndarray]:
    """Add every pair that could be in a better plan, and solve once more.

    A plan better than ``(1 - gap)`` times the one found (a count better by 1) can only
    use pairs with ``r`` below the threshold; once they are candidates, no pair left out
    can improve the plan. Skipped when the candidates' MILP was not solved (time), or
    when the pairs to add would make a MILP many times as large (the bound then says how
    far the plan may be from the best). Return the plan, the candidates it was solved on
    and the reduced costs.
    """
    step = 1.0 if objective == "count" else 0.0
    tol = _REL_TOL * max(1.0, abs(found.value))
    r = state.reduced(objective, y)
    threshold = found.value - step - gap * abs(found.value) - y.lagrangian(r, used) + tol
    risky = int(((r < threshold) & state.others()).sum())
    size = int(state.cand.sum())
    if not (found.proven and risky and budget.left > 0
            and risky + size <= max(_PROOF_GROWTH * size, _PROOF_PAIRS)):
        return found, used, r
    r = state.settle(objective, y, r, threshold)
    add = state.known() & ~state.cand & (r < threshold)
    if add.any() and budget.left > 0:
        state.cand |= add
        again = _solve_milp(state, objective, rows, budget, gap, fallback=True)
        if again is not None and again.value <= found.value + tol:  # same plan, other order
            return again, state.cand.copy(), r
    return found, used, r


def _valued(state: _State, objective: str, plan: _Found) -> _Found:
    """Return a plan valued by this stage's objective (no bound: not solved here)."""
    value = float(_costs(state, objective, plan.ei, plan.si).sum())
    return _Found(plan.ei, plan.si, value, -math.inf, False)


def _best(found: _Found | None, incumbent: _Found, y: _Duals | None, state: _State,
          objective: str, used: np.ndarray) -> _Found:
    """Return the MILP's plan, or the incumbent when the MILP found none or worse in time.

    The bound over the candidates is the MILP's, or else the LP's (Lagrangian) bound.
    """
    lp = y.lagrangian(state.reduced(objective, y), used) if y is not None else -math.inf
    if found is None:
        return _Found(incumbent.ei, incumbent.si, incumbent.value, lp, False)
    if incumbent.value < found.value:
        return _Found(incumbent.ei, incumbent.si, incumbent.value, found.bound, False)
    return found


def _unbounded(found: _Found) -> _Found:
    return _Found(found.ei, found.si, found.value, -math.inf, False)


def _column_generation(state: _State, objective: str, rows: _Rows, budget: _Budget
                       ) -> _Duals | None:
    """Add the pairs the LP wants (negative reduced cost) until it wants none."""
    while state.others().any():
        y = _lp_duals(state, objective, rows, budget)
        if y is None:
            return None
        r = state.settle(objective, y, state.reduced(objective, y), 0.0)
        add = state.known() & ~state.cand & (r < -_REL_TOL * max(1.0, abs(y.value)))
        if not add.any():
            return y
        state.cand |= add
    return None


def _costs(state: _State, objective: str, ei: np.ndarray, si: np.ndarray) -> np.ndarray:
    return -np.ones(len(ei)) if objective == "count" else state.pairs.times[ei, si]


def _solve_milp(state: _State, objective: str, rows: _Rows, budget: _Budget, gap: float, *,
                fallback: bool = False) -> _Found | None:
    """Solve the stage's MILP on the candidates.

    Return ``None`` when it found no plan in time and there is one to fall back on
    (``fallback`` or the state's); raise otherwise.
    """
    ei, si = np.nonzero(state.cand)
    cost = _costs(state, objective, ei, si)
    n = len(state.demands)
    at_least = rows.must.astype(float) if rows.must is not None else 0.0
    constraints = _constraints(ei, si, state.demands, state.caps, n, at_least=at_least)
    if rows.must is None and rows.at_least > 0:
        from scipy import sparse
        from scipy.optimize import LinearConstraint

        ones = sparse.csr_array(np.ones((1, len(ei))))
        constraints.append(LinearConstraint(ones, rows.at_least - 0.5, np.inf))
    start = time.monotonic()
    try:
        solved = (state.milp(cost, constraints, budget.limit(), gap=gap) if gap
                  else state.milp(cost, constraints, budget.limit()))
    except AnalysisInputError:
        if fallback or state.fallback:
            return None
        raise
    finally:
        budget.spend(start)
    chosen = solved.x > 0.5
    value = float(cost[chosen].sum())
    bound = value if solved.optimal and not gap else min(solved.bound, value)
    return _Found(ei[chosen], si[chosen], value, bound, solved.optimal)


def _lp_duals(state: _State, objective: str, rows: _Rows, budget: _Budget) -> _Duals | None:
    """Dual values of the LP relaxation on the candidates, and its Lagrangian bound."""
    from scipy import sparse
    from scipy.optimize import linprog

    ei, si = np.nonzero(state.cand)
    cost = _costs(state, objective, ei, si)
    n, m = state.static.shape
    dims = state.caps.shape[1]
    cols = np.arange(len(ei))
    once = sparse.csr_array((np.ones(len(ei)), (ei, cols)), shape=(n, len(ei)))
    must = rows.must if rows.must is not None else np.zeros(n, dtype=bool)
    loads = [sparse.csr_array((state.demands[ei, d], (si, cols)), shape=(m, len(ei)))
             for d in range(dims)]
    ub = [once[np.flatnonzero(~must)], *loads]
    b_ub = [np.ones(int((~must).sum())), *[state.caps[:, d] for d in range(dims)]]
    if rows.must is None and rows.at_least > 0:
        ub.append(sparse.csr_array(-np.ones((1, len(ei)))))
        b_ub.append(np.array([-float(rows.at_least)]))
    start = time.monotonic()
    res = linprog(cost, A_ub=sparse.vstack(ub, format="csr"), b_ub=np.concatenate(b_ub),
                  A_eq=once[np.flatnonzero(must)] if must.any() else None,
                  b_eq=np.ones(int(must.sum())) if must.any() else None, bounds=(0, 1),
                  method="highs", options={"time_limit": budget.limit()})
    budget.spend(start)
    if res.status != 0:
        return None
    y_ub = np.minimum(res.ineqlin.marginals, 0.0)
    ent = np.zeros(n)
    ent[~must] = y_ub[:int((~must).sum())]
    if must.any():
        ent[must] = res.eqlin.marginals
    start = int((~must).sum())
    cap = y_ub[start:start + m * dims].reshape(dims, m).T if dims else np.zeros((m, 0))
    count = float(y_ub[-1]) if rows.must is None and rows.at_least > 0 else 0.0
    b = float(np.concatenate(b_ub) @ y_ub) + float(ent[must].sum())
    reduced = cost - ent[ei] - (state.demands[ei] * cap[si]).sum(axis=1) + count
    return _Duals(ent, cap, count, b, b + float(np.minimum(reduced, 0.0).sum()))


# --- the MILP --------------------------------------------------------------------------------


def _array_problems(times: np.ndarray, demands: np.ndarray, capacities: np.ndarray
                    ) -> list[str]:
    problems = []
    if times.ndim != 2:
        problems.append(Problem("times_not_2d", ndim=times.ndim))
    elif demands.shape[1] != capacities.shape[1]:
        problems.append(Problem("capacity_dims", demands=demands.shape[1],
                                capacities=capacities.shape[1]))
    for name, arr in (("demands", demands), ("capacities", capacities)):
        if arr.size and not (np.isfinite(arr).all() and (arr >= 0).all()):
            problems.append(Problem("array_not_finite", arg=name))
    return problems


def _constraints(ei: np.ndarray, si: np.ndarray, demands: np.ndarray, capacities: np.ndarray,
                 n: int, *, at_least: np.ndarray | float = 0.0) -> list[LinearConstraint]:
    """Return the constraint rows: one site per enterprise at most, capacities per site.

    An enterprise whose ``at_least`` is 1 must be placed.
    """
    from scipy import sparse
    from scipy.optimize import LinearConstraint

    cols = np.arange(len(ei))
    once = sparse.csr_array((np.ones(len(ei)), (ei, cols)), shape=(n, len(ei)))
    out = [LinearConstraint(once, at_least, 1)]
    m = len(capacities)
    for d in range(capacities.shape[1]):
        load = sparse.csr_array((demands[ei, d], (si, cols)), shape=(m, len(ei)))
        out.append(LinearConstraint(load, -np.inf, capacities[:, d]))
    return out


@dataclass(frozen=True)
class _Solved:
    x: np.ndarray
    optimal: bool
    bound: float  # the solver's proven bound of the objective (minimised)


def _milp(cost: np.ndarray, constraints: list[LinearConstraint], limit: float,
          gap: float = 0.0) -> _Solved:
    from scipy.optimize import Bounds, milp

    res = milp(cost, integrality=np.ones(len(cost)), bounds=Bounds(0, 1),
               constraints=constraints,
               options={"time_limit": limit, "mip_rel_gap": gap, "presolve": True})
    if res.x is None:
        raise AnalysisInputError(Problem("solver_time_limit", limit=limit) if res.status == 1
                                 else Problem("solver_failed", detail=res.message, limit=limit))
    bound = getattr(res, "mip_dual_bound", None)
    return _Solved(np.round(res.x), res.status == 0,
                   float(bound) if bound is not None else -math.inf)
