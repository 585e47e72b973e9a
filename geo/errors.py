"""The error :mod:`geo` raises for bad input to an analysis."""

from __future__ import annotations


class AnalysisInputError(ValueError):
    """Bad input to an analysis: the message names the bad value and the fix.

    Front ends show it to the user (the app on the page, ``kvpt`` on one line, exit 2);
    any other exception from :mod:`geo` is a bug and must not be reported as bad input.
    """
