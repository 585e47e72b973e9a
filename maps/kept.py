"""What a map makes of a frame, kept while the frame lives.

The frames a page draws mostly live across reruns (the basemap, a layer read once per
version, a kept analysis result): reprojecting them, measuring their areas, building
their feature collections or digesting them for a cache key again on every map build
was most of a build (plan B's two sides: about 1 s of 1.8 s). :func:`kept` keeps such a
value under the frame's identity and a key, while the frame lives (a weak reference
tells a frame gone, whose id may be reused, from the same frame). A frame made afresh
is a miss and costs what a build costs.

The frames and the kept values are shared: do not change either in place.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

KEPT_MAX = 512
"""At most this many values are kept (the least recently used go first)."""

T = TypeVar("T")
_KEPT: OrderedDict[tuple, tuple[weakref.ref, Any]] = OrderedDict()
_LOCK = threading.Lock()


def kept(source: object, key: Hashable, compute: Callable[[], T]) -> T:
    """Return ``compute()``, kept under ``key`` while ``source`` lives.

    Parameters
    ----------
    source : object
        The frame (or any object that takes weak references) the value is made from.
    key : hashable
        What else the value depends on (its kind, columns, CRS, tolerance…).
    compute : callable
        Makes the value; called only on a miss.
    """
    full = (id(source), key)
    with _LOCK:
        hit = _KEPT.get(full)
        if hit is not None and hit[0]() is source:
            _KEPT.move_to_end(full)
            return hit[1]
    value = compute()
    with _LOCK:
        for gone in [k for k, (ref, _) in _KEPT.items() if ref() is None]:
            del _KEPT[gone]  # the frame is gone: nobody can ask for it again
        _KEPT[full] = (weakref.ref(source), value)
        while len(_KEPT) > KEPT_MAX:
            _KEPT.popitem(last=False)
    return value


def kept_keys(source: object) -> list[Hashable]:
    """Return the keys of the values kept for ``source`` (for tests and diagnostics)."""
    with _LOCK:
        return [k[1] for k, (ref, _) in _KEPT.items() if k[0] == id(source)
                and ref() is source]


def kept_ids() -> set[int]:
    """Return the ids of the sources with a value kept (dead ones included until swept)."""
    with _LOCK:
        return {k[0] for k in _KEPT}
