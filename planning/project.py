"""A project as the planning layer sees it: a reader of layers, with per-call memory.

The command line passes a :class:`layers.store.ProjectStore`; the app passes a reader
whose reads are cached across reruns (``ui.state``). Both satisfy :class:`ProjectReader`.
Planning never imports streamlit: caching is the reader's business, except for the road
graph, which :mod:`planning.inputs` keeps by layer versions. The app may also hand every
run the same ``memo`` for the same layer versions and settings, so the inputs assembled by
one rerun (stacked layers, the graph for a load…) serve the next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

import geopandas as gpd
import pandas as pd

from layers.store import LayerRecord
from planning.messages import Message


class ProjectReader(Protocol):
    """What planning needs of a project: its layers and their features."""

    def layers(self) -> list[LayerRecord]:
        """Return the current version of every layer, in import order."""

    def read(self, name: str, version: int | None = None) -> gpd.GeoDataFrame:
        """Return a layer (current version by default) in EPSG:4326, fresh RangeIndex."""

    def read_records(self, table: str) -> pd.DataFrame:
        """Return a stored table of records (e.g. the exercise records)."""


class Project:
    """A project opened for analyses: a reader plus the inputs already assembled.

    Parameters
    ----------
    reader : ProjectReader
        The store, or a caching reader.
    ident : str, optional
        Identity of the project in caches (default: the reader's ``path``).
    memo : dict, optional
        Where assembled inputs are kept (default: a new dict, for this object only). A
        caller may share one among objects that see the same layer versions and
        settings; a memo key must then name everything else its value depends on.

    Notes
    -----
    Open one per command or page run: inputs are kept for the life of the object, and
    warnings gathered while assembling them are reported by the results built from them.
    """

    def __init__(self, reader: ProjectReader, ident: str | None = None,
                 memo: dict[Any, tuple[Any, list[Message]]] | None = None) -> None:
        self.reader = reader
        self.ident = ident if ident is not None else str(getattr(reader, "path", id(reader)))
        self._records: list[LayerRecord] | None = None
        self._memo = {} if memo is None else memo
        self._notes: list[Message] = []

    # --- layers ---------------------------------------------------------------------------

    def records(self) -> list[LayerRecord]:
        """Return the current layer records (read once)."""
        if self._records is None:
            self._records = list(self.reader.layers())
        return self._records

    def names(self, kinds: Iterable[str] | None = None) -> list[str]:
        """Return the names of the layers of ``kinds`` (every layer by default)."""
        wanted = None if kinds is None else set(kinds)
        return [r.name for r in self.records() if wanted is None or r.kind in wanted]

    def kind_of(self, name: str) -> str | None:
        """Return the kind of layer ``name`` (``None`` when there is no such layer)."""
        return next((r.kind for r in self.records() if r.name == name), None)

    def read(self, name: str) -> gpd.GeoDataFrame:
        """Return the current version of layer ``name`` (read once per project object)."""
        return self.memo(("layer", name), lambda: self.reader.read(name))

    def versions_key(self, names: Iterable[str]) -> tuple:
        """Return a key that changes when any of the layers ``names`` changes."""
        by_name = {r.name: r for r in self.records()}
        return tuple((n, by_name[n].table, by_name[n].imported_at) for n in names
                     if n in by_name)

    # --- memory and warnings --------------------------------------------------------------

    def memo(self, key: Any, build: Callable[[], Any]) -> Any:
        """Return ``build()``, computed once per ``key``; its warnings are noted again."""
        kept = self._memo.get(key)
        if kept is None:
            before = len(self._notes)
            value = build()
            self._memo[key] = (value, self._notes[before:])
            return value
        value, notes = kept
        self._notes.extend(n for n in notes if n not in self._notes)
        return value

    def note(self, key: str, **params: object) -> None:
        """Record a warning about the inputs (shown with the result that used them)."""
        message = Message(key, dict(params))
        if message not in self._notes:
            self._notes.append(message)

    def take_notes(self) -> list[Message]:
        """Return the warnings gathered so far and forget them."""
        notes, self._notes = self._notes, []
        return notes
