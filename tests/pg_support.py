"""Test support for the PostGIS back end: the server, fresh projects, both back ends.

The server comes from ``KVPT_TEST_PG`` (``make postgis`` starts a throwaway one on
127.0.0.1 and ``make test`` exports its URL). Without it a PostGIS test is skipped on a
developer's machine but FAILS under CI (``CI`` set): a missing server never hides a
failure there.

``tests/conftest.py`` imports the fixture ``pg_url`` (a factory of fresh PostGIS project
URLs, dropped afterwards), so every test module can use it; a test module runs a test on
both back ends with ``pytest.mark.parametrize("store", BACKENDS, indirect=True)`` over its
own project fixture (see ``tests/test_store.py`` and ``tests/test_users.py``).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

BACKENDS = ("gpkg", "postgis")


def server_url() -> str | None:
    """The test server's URL (``KVPT_TEST_PG``), or ``None``."""
    return os.environ.get("KVPT_TEST_PG") or None


def need_server() -> str:
    """Return the server URL; skip without one, but fail under CI."""
    url = server_url()
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail("KVPT_TEST_PG is not set: PostGIS tests need `make postgis` under CI")
    pytest.skip("no PostGIS server (set KVPT_TEST_PG, or run `make postgis`)")
    raise AssertionError  # unreachable


def connect(url: str) -> Any:
    """An autocommit psycopg connection to the test database."""
    import psycopg

    from layers.pg_connect import split_target

    return psycopg.connect(split_target(url)[0], autocommit=True)


def drop_schema(url: str, schema: str) -> None:
    """Drop a test project's schema and everything in it."""
    with connect(url) as con:
        con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def pg_url() -> Iterator[Callable[[], str]]:
    """A factory of fresh project URLs on the test server (schemas dropped afterwards)."""
    base = need_server()
    made: list[str] = []

    def fresh() -> str:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        made.append(schema)
        return f"{base}?schema={schema}"

    yield fresh
    for schema in made:
        drop_schema(base, schema)


def target_of(store: Any) -> str:
    """Where ``store`` is (path or URL), to open it again."""
    return str(getattr(store, "target", store.path))


def reopen(store: Any, user: Any = None) -> Any:
    """Open the project of ``store`` afresh."""
    from layers.store_open import open_store

    return open_store(target_of(store), user)


def is_pg(store: Any) -> bool:
    """Whether ``store`` is a PostGIS project."""
    return hasattr(store, "schema")


def fingerprint(store: Any) -> str:
    """A digest of everything in a project: the file's bytes, or every row of its schema."""
    if not is_pg(store):
        return hashlib.sha256(Path(store.path).read_bytes()).hexdigest()
    digest = hashlib.sha256()
    with connect(target_of(store)) as con:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
            "ORDER BY table_name", (store.schema,))]
        for table in tables:
            rows = con.execute(f'SELECT * FROM "{store.schema}"."{table}"').fetchall()
            digest.update(repr((table, sorted(map(repr, rows)))).encode())
    return digest.hexdigest()


def table_names(store: Any) -> set[str]:
    """Names of the tables of a project (GDAL's list, or the schema's base tables)."""
    if not is_pg(store):
        import pyogrio

        return {str(n) for n, _ in pyogrio.list_layers(store.path)}
    with connect(target_of(store)) as con:
        return {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
            "AND table_type = 'BASE TABLE'", (store.schema,))}
