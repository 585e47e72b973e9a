"""Files the app serves to its map pages: feature collections named after their content.

The app's map pages load their larger feature collections from ``static/cache/`` (see
:mod:`maps.shared_data`), which Streamlit serves at ``/app/static/cache/``. A file's name
is the hash of its content, so a file once written never changes: it is written only when
missing (through a temporary file and a rename, so a page never loads half a file). Its
access time says when a page last used it (:func:`prune` removes the files unused the
longest); its modification time is an old date, so that browsers keep it (:func:`_stamp`).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from pathlib import Path

from layers.atomic import write_atomic
from layers.resources import resource_dir


def cache_dir() -> Path:
    """Return where the files go: ``cache/`` in the app's static folder (not in git)."""
    return resource_dir("static") / "cache"


LAST_MODIFIED = 946_684_800.0
"""Modification time given to every file (2000-01-01): see :func:`_stamp`."""

MAX_FILES = 2000
"""At most this many files are kept; :func:`publish` removes the least recently used."""

_NAME_RE = re.compile(r"features-[0-9a-f]{32}\.js")


def publish(files: Mapping[str, str], directory: Path | None = None) -> bool:
    """Write the files a page loads, those not yet there; touch the others.

    Parameters
    ----------
    files : mapping of str to str
        File name (``features-<hash>.js``) to its text.
    directory : Path, optional
        Where to write (default :func:`cache_dir`).

    Returns
    -------
    bool
        False when a file could not be written (a read-only installation…): the caller
        then shows the page with its features inside instead.

    Raises
    ------
    ValueError
        If a name is not of the form ``features-<32 hex digits>.js``.
    """
    folder = cache_dir() if directory is None else directory
    bad = [n for n in files if not _NAME_RE.fullmatch(n)]
    if bad:
        msg = f"Not a feature file name: {bad[0]!r}. Names are 'features-<32 hex digits>.js'."
        raise ValueError(msg)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        wrote = False
        for name, text in files.items():
            path = folder / name
            if path.exists():
                _stamp(path)  # used again: kept longest by prune()
                continue
            write_atomic(path, text)
            _stamp(path)
            wrote = True
        if wrote:
            prune(folder)
    except OSError:
        return False
    return True


def prune(directory: Path | None = None, *, keep: int = MAX_FILES) -> int:
    """Remove all but the ``keep`` most recently used files; return how many went."""
    folder = cache_dir() if directory is None else directory
    paths = [p for p in folder.glob("features-*.js") if _NAME_RE.fullmatch(p.name)]
    if len(paths) <= keep:
        return 0
    paths.sort(key=lambda p: p.stat().st_atime, reverse=True)
    for path in paths[keep:]:
        path.unlink(missing_ok=True)
    return len(paths) - keep


def read(name: str, directory: Path | None = None) -> str | None:
    """Return the text of a published file, or None when it is not there."""
    if not _NAME_RE.fullmatch(name):
        return None
    path = (cache_dir() if directory is None else directory) / name
    return path.read_text(encoding="utf-8") if path.exists() else None


def _stamp(path: Path) -> None:
    """Mark ``path`` used now (its access time) and unchanged since :data:`LAST_MODIFIED`.

    Streamlit's static files carry no ``Cache-Control``; a browser then keeps a file for a
    tenth of its age by ``Last-Modified``. A file named after its content never changes,
    so an old modification time lets the browser keep it for years instead of asking the
    server again for each map that loads it.
    """
    os.utime(path, (time.time(), LAST_MODIFIED))
