"""Changes of the project store as SQLite transactions: writers queue, readers stay whole.

Every change of a store (:mod:`layers.store`) runs as **one** SQLite transaction on one
``sqlite3`` connection (:func:`change`): ``BEGIN IMMEDIATE`` takes SQLite's write lock,
the change reads the registry, copies the new tables in (staged beforehand in a temporary file, see
:mod:`layers.store_tables`), registers them, updates the views, checks itself, and
``COMMIT`` makes all of it visible at once. Any exception, ``KeyboardInterrupt`` included,
rolls everything back: the file is byte for byte what it was. A process killed at any
moment leaves the old state or the new one, never half: SQLite rolls an unfinished
transaction back from its journal when the file is next opened. Nothing else is written
beside the store (no temporary copies); the change costs the size of what it adds, not
the size of the project.

**Waiting.** A second writer waits for the write lock (SQLite's busy timeout) for at most
:data:`write_wait_s` seconds, then fails with the catalogue message ``store_busy`` and
changes nothing. A reader sees the last committed state; it waits only while a commit is
being written.

**Journal: rollback, not WAL.** The store keeps SQLite's default rollback journal
(``journal_mode = DELETE``); a store another tool switched to WAL (QGIS does, when it
edits a GeoPackage) is used as it is. WAL would let readers go on during a commit, but it
is not safe here: GDAL (inside pyogrio) carries its own copy of SQLite, and Python's
``sqlite3`` another. POSIX locks belong to the process, so neither copy sees the other's
locks; when GDAL closes a WAL file it believes it is the last user, folds the log in and
deletes the ``-wal`` and ``-shm`` files under any ``sqlite3`` connection still open in the
same process, which then fails ("disk I/O error") or, with another process writing, can
lose a commit. An idle rollback-journal connection holds no lock and no shared memory, so
it is not harmed. Every change uses ``synchronous = FULL``: the journal and the file are
flushed at each commit, so a change reported saved survives a power cut and the file stays
sound (``NORMAL`` can corrupt a rollback-journal file on a power cut). The cost is a few
``fsync`` calls per change.

**Two SQLite libraries in one process.** For the same reason, one copy closing the file
drops the locks the other holds *while* it reads or writes, and so does a plain
``open()``/``close()`` of the file. Inside one process (the app serves several users from
threads), :func:`access` therefore never lets the two libraries, or plain file reads, use
the stores at the same time; users of one library share it freely. Every access to a
store file goes through it.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from layers.errors import LayerError
from layers.messages import clip

write_wait_s: float = 60.0
"""Seconds a change waits for another change of the same store before giving up.

Read when a change starts. A change that cannot begin within this time raises
:class:`~layers.errors.LayerError` ``store_busy`` ("busy with another change for more than
N s; nothing was saved; try again") and leaves the store unchanged.
"""

_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_CANTOPEN = 5, 6, 8, 14
_FAMILIES = ("sqlite", "gdal", "file")
# files of the store's folder that older versions of this code left after a kill
_LEFTOVER = r"^\.{stem}\.[A-Za-z0-9_]{{8}}\.kvpt-(tmp\.gpkg(-journal|-wal|-shm)?|init)$"


# -- one library at a time (per process) ---------------------------------------------------


class _Gate:
    """Let any number of threads in, as long as they all use the same family."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._family: str | None = None
        self._count = 0
        self._mine = threading.local()

    @contextlib.contextmanager
    def use(self, family: str) -> Iterator[None]:
        held = getattr(self._mine, "family", None)
        if held is not None and held != family:
            msg = f"store access by {family!r} inside {held!r} would wait for itself"
            raise RuntimeError(msg)
        with self._cond:
            while self._count and self._family != family:
                self._cond.wait()
            self._family = family
            self._count += 1
        self._mine.depth = getattr(self._mine, "depth", 0) + 1
        self._mine.family = family
        try:
            yield
        finally:
            self._mine.depth -= 1
            if not self._mine.depth:
                self._mine.family = None
            with self._cond:
                self._count -= 1
                if not self._count:
                    self._family = None
                    self._cond.notify_all()


_GATE = _Gate()


def access(family: str) -> contextlib.AbstractContextManager[None]:
    """Return a context in which this thread may use store files through ``family``.

    Parameters
    ----------
    family : {"sqlite", "gdal", "file"}
        Python's ``sqlite3``, GDAL (pyogrio), or plain ``open()`` of a store file.

    Raises
    ------
    RuntimeError
        If this thread already holds another family (that would wait for itself).
    """
    if family not in _FAMILIES:
        msg = f"unknown access family {family!r}; use one of {_FAMILIES}"
        raise ValueError(msg)
    return _GATE.use(family)


# -- connections ----------------------------------------------------------------------------


def connect_read(path: Path) -> sqlite3.Connection:
    """Open ``path`` with sqlite3 for reading only (``query_only``; never creates a file).

    Call it inside ``access("sqlite")``. It opens read-write (read-only where the file is
    write-protected) so that it can roll back the journal of a change that was killed, as
    SQLite does on opening; ``query_only`` refuses any change of its own.
    """
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True,
                          timeout=write_wait_s)
    con.execute("PRAGMA query_only = ON")
    return con


@contextlib.contextmanager
def change(path: Path) -> Iterator[sqlite3.Connection]:
    """Yield a connection inside one ``BEGIN IMMEDIATE`` transaction; commit on success.

    Waits at most :data:`write_wait_s` for another writer. On any exception the
    transaction is rolled back and the exception passes on.

    Raises
    ------
    LayerError
        ``store_busy`` when the write lock is not free in time; ``store_read_only`` when
        the file or its folder cannot be written.
    """
    with access("sqlite"):
        con = _open_for_change(path)
        try:
            _run(con, path, "BEGIN IMMEDIATE")
            try:
                yield con
                _run(con, path, "COMMIT")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
        finally:
            con.close()
    remove_leftovers(path)


def _open_for_change(path: Path) -> sqlite3.Connection:
    """Connect for a change: busy timeout, ``synchronous = FULL``, a page cache that holds it."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True,
                              timeout=write_wait_s, isolation_level=None)
    except sqlite3.OperationalError as e:
        raise _as_layer_error(e, path) from e
    con.execute("PRAGMA synchronous = FULL")
    # up to 256 MiB of changed pages stay in memory: readers are kept out only at the commit
    con.execute("PRAGMA cache_size = -262144")
    return con


def _run(con: sqlite3.Connection, path: Path, sql: str) -> None:
    try:
        con.execute(sql).fetchall()
    except sqlite3.OperationalError as e:
        mapped = _as_layer_error(e, path)
        if mapped is e:
            raise
        raise mapped from e


def _as_layer_error(err: sqlite3.OperationalError, path: Path) -> Exception:
    """Turn a busy or read-only error into the catalogue's message; else return ``err``."""
    code = (getattr(err, "sqlite_errorcode", 0) or 0) & 0xFF
    text = str(err).lower()
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED) or "locked" in text or "busy" in text:
        return LayerError(key="store_busy", params={"file": path.name,
                                                    "seconds": f"{write_wait_s:g}"})
    if code in (_SQLITE_READONLY, _SQLITE_CANTOPEN) or "readonly" in text:
        return LayerError(key="store_read_only", params={"file": path.name,
                                                         "detail": clip(str(err), 80)})
    return err


# -- files older versions left behind ---------------------------------------------------------


def remove_leftovers(path: Path) -> list[str]:
    """Remove the temporary copies older versions of the store left beside ``path``.

    Those versions changed a copy (``.<stem>.XXXXXXXX.kvpt-tmp.gpkg``) or built a new
    store in a folder (``.<stem>.XXXXXXXX.kvpt-init``) and left them when killed. This
    store never writes them, so any found beside an existing store is garbage.

    Returns
    -------
    list of str
        The names removed.
    """
    pattern = re.compile(_LEFTOVER.format(stem=re.escape(path.stem)))
    removed = []
    with contextlib.suppress(OSError):
        for entry in path.parent.iterdir():
            if not pattern.match(entry.name):
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry.name)
    return removed
