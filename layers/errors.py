"""Errors raised for bad input that a user can fix."""

from __future__ import annotations


class LayerError(ValueError):
    """Bad input: the message names the bad value and what to do about it.

    Pages show it with ``st.error``; the ``kvpt`` command prints it on one line
    and exits with status 2. The project store is never changed when it is raised.
    """


class MissingCRSError(LayerError):
    """A source has no coordinate reference system and none was named.

    Parameters
    ----------
    message : str
        What is missing and how to name the CRS.
    candidates : list
        CRS candidates suggested from the coordinate ranges, best first
        (``layers.crs.CrsCandidate`` items).
    """

    def __init__(self, message: str, candidates: list | None = None) -> None:
        super().__init__(message)
        self.candidates = list(candidates or [])
