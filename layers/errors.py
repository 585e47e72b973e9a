"""Errors raised for bad input that a user can fix."""

from __future__ import annotations

from layers.messages import Message, cli_text


class LayerError(ValueError):
    """Bad input: the message names the bad value and what to do about it.

    Pages show it with ``st.error(err.text(lang))``; the ``kvpt`` command prints
    ``str(err)`` (English, with command-line hints) on one line and exits with status 2.
    The project store is never changed when it is raised.

    Parameters
    ----------
    message : str, optional
        The English text. Omitted when ``key`` is given: the text then comes from the
        catalogue (:data:`layers.messages.MESSAGES`) and its command-line hint.
    key : str, optional
        Key of :data:`layers.messages.MESSAGES`; lets a page show the message in
        Vietnamese (:meth:`text`).
    params : dict, optional
        Values formatted into the catalogue text.
    """

    def __init__(self, message: str | None = None, *, key: str | None = None,
                 params: dict | None = None) -> None:
        self._message = Message(key, dict(params or {})) if key else None
        super().__init__(message if message is not None
                         else cli_text(key, **dict(params or {})) if key else "")

    @property
    def key(self) -> str | None:
        """Key of the message in :data:`layers.messages.MESSAGES` (``None`` for plain text)."""
        return self._message.key if getattr(self, "_message", None) else None

    @property
    def params(self) -> dict:
        """Values formatted into the message."""
        return dict(self._message.params) if getattr(self, "_message", None) else {}

    def text(self, lang: str = "en") -> str:
        """Return the message in ``lang`` for a page (no command-line hints).

        A plain-text error (no key) returns its English text.
        """
        message = getattr(self, "_message", None)
        return message.text(lang) if message is not None else str(self)


class MissingCRSError(LayerError):
    """A source has no coordinate reference system and none was named.

    Parameters
    ----------
    message : str, optional
        What is missing and how to name the CRS (omitted with ``key``).
    candidates : list
        CRS candidates suggested from the coordinate ranges, best first
        (``layers.crs.CrsCandidate`` items).
    key, params
        As for :class:`LayerError`.
    """

    def __init__(self, message: str | None = None, candidates: list | None = None, *,
                 key: str | None = None, params: dict | None = None) -> None:
        super().__init__(message, key=key, params=params)
        self.candidates = list(candidates or [])


class UnchangedSourceError(LayerError):
    """The file being imported is byte for byte the source of the layer's current version.

    Raised by :func:`layers.importer.run_import` with ``allow_unchanged=False``; nothing
    is written. ``records`` holds the current versions the plans would repeat.
    """

    def __init__(self, records: list) -> None:
        self.records = list(records)
        shown = ", ".join(f"{r.name!r} (v{r.version})" for r in self.records)
        super().__init__(key="unchanged_source", params={"layers": shown})
