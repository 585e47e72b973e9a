"""Analyses kept across reruns, pages and sessions, and computed ahead of the page.

:func:`cached` keeps what an analysis returned under the project's layer versions, its
parameters and the settings. :func:`prefetch` computes one in the background, for a page
the planner is likely to open next: the app opens on the Map page, and the map of all the
project's layers is built again after each import; once a planner is on another page, the
map is built meanwhile (after :data:`PREFETCH_DELAY_S`, so the page being drawn goes
first), and opening the Map page shows it at once. A page that asks for a result still
waiting to start computes it itself; one being computed is waited for, not computed twice.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from geo import settings
from planning.project import Project
from ui.map_cache import fingerprint

ANALYSIS_CACHE_SIZE = 64
"""Analysis results kept by :func:`cached` (the oldest used is dropped first)."""

PREFETCH_DELAY_S = 0.5
"""A prefetch starts this long after it was asked for: the page that asked goes first."""

_ANALYSES: OrderedDict[tuple, Any] = OrderedDict()
_ANALYSES_LOCK = threading.Lock()


class _Prefetch:
    """One analysis computed in the background: waiting, claimed by a page, or running."""

    def __init__(self, key: tuple, compute: Callable[[], Any]) -> None:
        self.key, self.compute, self.state = key, compute, "waiting"
        self.done = threading.Event()
        self.timer = threading.Timer(PREFETCH_DELAY_S, self._run)
        self.timer.daemon = True
        add_script_run_ctx(self.timer, get_script_run_ctx(suppress_warning=True))

    def _run(self) -> None:
        with _ANALYSES_LOCK:
            if self.state != "waiting":
                return
            self.state = "running"
        try:
            _keep(self.key, self.compute())
        except Exception:  # noqa: BLE001, S110 - the page that needs it computes it and says why
            pass
        finally:
            with _ANALYSES_LOCK:
                _PENDING.pop(self.key, None)
            self.done.set()

    def claim(self) -> bool:
        """Return True if the caller computes it (it had not started); else wait for it."""
        with _ANALYSES_LOCK:
            if self.state == "waiting":
                self.state = "claimed"
                self.timer.cancel()
                _PENDING.pop(self.key, None)
                return True
        self.done.wait()
        return False


_PENDING: dict[tuple, _Prefetch] = {}


def settings_key() -> str:
    """Return the analysis settings now (``geo.settings`` may be changed at run time)."""
    return repr(sorted((k, v) for k, v in vars(settings).items()
                       if not k.startswith("_") and isinstance(v, (str, int, float, bool,
                                                                    tuple, dict, list,
                                                                    type(None)))))


def cached(proj: Project, analysis: Callable[..., Any], *args: object,
           depends_on: object = None, **kwargs: object) -> Any:
    """Return ``analysis(proj, *args, **kwargs)``, kept across reruns and pages.

    The key is the project (its ident and the version of every layer), the analysis, its
    parameters and the analysis settings, so a new layer version, another project or a
    changed setting computes afresh. A widget change that does not alter the parameters
    of an analysis (or goes back to earlier ones) answers from memory. Errors are not
    kept. The result is shared: pages must not change it in place.

    ``depends_on``: what else the analysis reads that has no layer version (a table of
    records the page edits…), keyed by content (:func:`ui.map_cache.fingerprint`).
    """
    key = _key(proj, analysis, args, kwargs, depends_on)
    with _ANALYSES_LOCK:
        if key in _ANALYSES:
            _ANALYSES.move_to_end(key)
            return _ANALYSES[key]
        pending = _PENDING.get(key)
    if pending is not None and not pending.claim():
        with _ANALYSES_LOCK:  # computed meanwhile (unless it failed: then here, below)
            if key in _ANALYSES:
                return _ANALYSES[key]
    value = analysis(proj, *args, **kwargs)
    _keep(key, value)
    return value


def prefetch(proj: Project, analysis: Callable[..., Any], *args: object,
             **kwargs: object) -> None:
    """Compute :func:`cached`'s ``analysis`` in the background, unless kept or on its way.

    The analysis must call no Streamlit command. An error is not kept nor shown: the page
    that needs the result computes it and shows the error.
    """
    key = _key(proj, analysis, args, kwargs, None)
    with _ANALYSES_LOCK:
        if key in _ANALYSES or key in _PENDING:
            return
        job = _PENDING[key] = _Prefetch(key, lambda: analysis(proj, *args, **kwargs))
    job.timer.start()


def _key(proj: Project, analysis: Callable[..., Any], args: tuple, kwargs: dict,
         depends_on: object) -> tuple:
    return (proj.ident, proj.versions_key(proj.names()), analysis.__module__,
            analysis.__qualname__, repr(args), repr(sorted(kwargs.items())), settings_key(),
            None if depends_on is None else fingerprint(depends_on))


def _keep(key: tuple, value: Any) -> None:
    with _ANALYSES_LOCK:
        _ANALYSES[key] = value
        _ANALYSES.move_to_end(key)
        while len(_ANALYSES) > ANALYSIS_CACHE_SIZE:
            _ANALYSES.popitem(last=False)
