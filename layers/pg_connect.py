"""Connections to a project kept in PostgreSQL + PostGIS: the URL, reading, one change.

A PostGIS project is named by a URL where a project path goes (command line and
``KVPT_PROJECT``)::

    postgresql://USER@HOST:PORT/DATABASE?schema=PROJECT

``schema`` (default :data:`DEFAULT_SCHEMA`) is the PostgreSQL schema that holds the
project: one schema per project, so one database can hold several. Every other part of the
URL is libpq's own (``sslmode=…`` and the like pass through). The database password comes
from the URL, or better from libpq's usual ``PGPASSWORD`` / ``~/.pgpass``; it is never
printed: messages name a project by :func:`display_name` (database and schema only) and
:func:`masked` hides the password of a URL.

A change is one PostgreSQL transaction (:func:`change`) holding a transaction-level
advisory lock of its project: changes of one project queue, each waiting at most
:data:`layers.store_tx.write_wait_s` for the one before it, then failing with
``store_busy``, unchanged. DDL is transactional in PostgreSQL, so a killed client leaves
the project as it was before its change. Readers use a ``REPEATABLE READ`` snapshot
(:func:`reading`) and see a change whole or not at all; they do not wait for a writer,
but for two: a reader of a layer being purged, or of a table of records rewritten with
other columns, waits until that change ends (``DROP TABLE`` locks the table).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from layers import store_tx
from layers.errors import LayerError
from layers.messages import clip

DEFAULT_SCHEMA = "kvpt"
"""Schema of a project when the URL names none."""

_SCHEMES = ("postgresql", "postgres")
_SCHEMA_RE = re.compile(r"[a-z][a-z0-9_]{0,62}")


def is_pg_target(target: object) -> bool:
    """Whether ``target`` (a path or string) names a PostGIS project (``postgresql://…``)."""
    return bool(re.match(r"(?i)(postgresql|postgres):/", str(target)))


def split_target(target: object) -> tuple[str, str]:
    """Return ``(libpq URL, schema)`` of a PostGIS project URL.

    A URL that went through :class:`pathlib.Path` (``postgresql:/host…``, one slash) is
    repaired. ``schema`` is taken out of the query; the rest is libpq's.

    Raises
    ------
    LayerError
        ``pg_url_bad`` if the URL names no database or the schema is not a lower-case
        identifier.
    """
    text = url_text(target)
    parts = urlsplit(text)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), DEFAULT_SCHEMA)
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    url = urlunsplit((parts.scheme.lower(), parts.netloc, parts.path, rest, ""))
    if parts.scheme.lower() not in _SCHEMES or parts.path.strip("/") == "":
        raise LayerError(key="pg_url_bad", params={"target": masked(text)})
    if not _SCHEMA_RE.fullmatch(schema):
        raise LayerError(key="pg_schema_bad", params={"schema": clip(schema)})
    return url, schema


def url_text(target: object) -> str:
    """Return the URL of ``target``, repaired if it went through :class:`pathlib.Path`.

    ``Path("postgresql://h/db")`` keeps one slash (``postgresql:/h/db``); the second one is
    put back.
    """
    return re.sub(r"(?i)^(postgresql|postgres):/(?!/)", r"\1://", str(target))


def masked(url: str) -> str:
    """Return ``url`` with its password (if any) replaced by ``***``."""
    text = re.sub(r"(://[^:/@?#]*):[^@/?#]*@", r"\1:***@", str(url))
    return re.sub(r"(?i)(password=)[^&]*", r"\1***", text)


def display_name(target: object) -> str:
    """Return ``database/schema``: how messages name a PostGIS project (no host, no secret)."""
    parts = urlsplit(url_text(target))
    query = dict(parse_qsl(parts.query))
    return f"{parts.path.strip('/')}/{query.get('schema', DEFAULT_SCHEMA)}"


def connect(url: str, name: str) -> Any:
    """Open a psycopg connection (UTC session, autocommit off) or raise ``pg_connect_failed``.

    The error names the project by ``name`` and quotes libpq's reason without the URL.
    """
    import psycopg

    try:
        con = psycopg.connect(url, connect_timeout=10)
    except psycopg.Error as err:
        raise LayerError(key="pg_connect_failed", params={
            "name": name, "detail": _reason(err, url)}) from None
    con.execute("SET TIME ZONE 'UTC'")
    con.commit()
    return con


@contextlib.contextmanager
def reading(url: str, schema: str, name: str) -> Iterator[Any]:
    """Yield a connection inside a read-only ``REPEATABLE READ`` transaction on ``schema``."""
    con = connect(url, name)
    try:
        with _server_errors(url, name):
            con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            con.execute(f"SET LOCAL search_path TO {quote(schema)}, public")
            yield con
            con.rollback()
    finally:
        con.close()


@contextlib.contextmanager
def change(url: str, schema: str, name: str) -> Iterator[Any]:
    """Yield a connection inside one transaction holding the project's write lock.

    Waits at most :data:`layers.store_tx.write_wait_s` for the change before it; commits
    on success, rolls back on any exception (``KeyboardInterrupt`` included).

    Raises
    ------
    LayerError
        ``store_busy`` when the lock is not free in time.
    """
    import psycopg.errors

    con = connect(url, name)
    try:
        con.execute(f"SET LOCAL search_path TO {quote(schema)}, public")
        con.execute(f"SET LOCAL lock_timeout = '{int(store_tx.write_wait_s * 1000)}ms'")
        try:
            con.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"kvpt:{schema}",))
        except psycopg.errors.LockNotAvailable:
            raise LayerError(key="store_busy", params={
                "file": name, "seconds": f"{store_tx.write_wait_s:g}"}) from None
        con.execute("SET LOCAL lock_timeout = 0")
        with _server_errors(url, name):
            yield con
            con.commit()
    except BaseException:
        con.rollback()
        raise
    finally:
        con.close()


def quote(identifier: str) -> str:
    """Quote an SQL identifier (``"`` doubled)."""
    return '"' + str(identifier).replace('"', '""') + '"'


def table_names(con: Any, schema: str) -> set[str]:
    """Names of the tables and views in ``schema``."""
    rows = con.execute("SELECT table_name FROM information_schema.tables "
                       "WHERE table_schema = %s", (schema,)).fetchall()
    return {r[0] for r in rows}


def schema_exists(con: Any, schema: str) -> bool:
    """Whether ``schema`` exists in the database of ``con``."""
    return con.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s",
                       (schema,)).fetchone() is not None


class SqliteLike:
    """A psycopg connection seen as the few ``sqlite3`` calls shared helpers make.

    ``execute(sql, params)`` with ``?`` placeholders; ``sqlite_master`` lookups of a table
    read ``information_schema`` of the project's schema (first on the ``search_path``).
    Lets the role rule and user lookups of :mod:`layers.store_users` run unchanged on
    PostGIS.
    """

    def __init__(self, con: Any) -> None:
        self.con = con

    def execute(self, sql: str, params: Sequence[object] = ()) -> Any:
        """Run ``sql`` (``?`` placeholders) and return the cursor."""
        sql = sql.replace("%", "%%").replace("?", "%s")
        sql = sql.replace("sqlite_master WHERE type = 'table' AND name =",
                          "information_schema.tables WHERE table_schema = "
                          "current_schema() AND table_name =")
        return self.con.execute(sql, tuple(params))


@contextlib.contextmanager
def _server_errors(url: str, name: str) -> Iterator[None]:
    """Turn a lost server or missing rights into one clear :class:`LayerError`.

    Other database errors are bugs of this code and pass on (with their traceback).
    """
    import psycopg.errors

    try:
        yield
    except psycopg.errors.InsufficientPrivilege as err:
        raise LayerError(key="pg_no_rights", params={
            "name": name, "detail": _reason(err, url)}) from None
    except psycopg.OperationalError as err:
        raise LayerError(key="pg_connect_failed", params={
            "name": name, "detail": _reason(err, url)}) from None


def _reason(err: Exception, url: str) -> str:
    """Return libpq's reason for ``err``, one line, short, without the URL or its password."""
    text = " ".join(str(err).split()).replace(url, "(url)")
    return clip(masked(text), 200)
