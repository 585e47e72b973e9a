"""The PostGIS store's URL, messages and database rights (issue #10 part 4).

The store's behaviour on both back ends is tested in ``tests/test_store.py`` and
``tests/test_users.py`` (``@both_backends``).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pandas as pd
import pytest
from test_store_concurrency import points

from layers import pg_store
from layers.errors import LayerError
from layers.pg_connect import display_name, is_pg_target, masked, quote, split_target
from layers.store import NewLayer
from layers.store_open import init_store, open_store, target_text
from pg_support import connect, fingerprint


@pytest.mark.parametrize(("target", "url", "schema"), [
    ("postgresql://u@h:5432/db?schema=lang_son", "postgresql://u@h:5432/db", "lang_son"),
    ("postgresql://u@h/db", "postgresql://u@h/db", "kvpt"),
    ("postgres://u:p@h/db?sslmode=require&schema=a1",
     "postgres://u:p@h/db?sslmode=require", "a1"),
    (Path("postgresql://u@h:5432/db?schema=x"), "postgresql://u@h:5432/db", "x"),
])
def test_urls_are_split_into_libpq_url_and_schema(target, url: str, schema: str) -> None:
    assert is_pg_target(target) and split_target(target) == (url, schema)


def test_bad_urls_and_schemas_say_how_to_write_them() -> None:
    with pytest.raises(LayerError, match=r"DATABASE\?schema=PROJECT"):
        split_target("postgresql://u:secret@h:5432/?schema=x")
    with pytest.raises(LayerError, match="lower-case ASCII") as err:
        split_target("postgresql://u@h/db?schema=Bad;DROP")
    assert "secret" not in str(err.value)
    assert not is_pg_target("var/demo.gpkg") and not is_pg_target("postgresql.gpkg")


def test_passwords_are_masked_and_projects_named_without_host() -> None:
    assert masked("postgresql://kvpt:s3cr3t@db:5432/kvpt?schema=a") == (
        "postgresql://kvpt:***@db:5432/kvpt?schema=a")
    assert masked("postgresql://db/kvpt?password=s3cr3t&x=1") == (
        "postgresql://db/kvpt?password=***&x=1")
    assert display_name("postgresql://kvpt:s@db:5432/kvpt?schema=lang_son") == "kvpt/lang_son"
    assert target_text(Path("postgresql://a:b@h/d")) == "postgresql://a:***@h/d"


def test_open_init_and_missing_postgis_messages(pg_url) -> None:
    url = pg_url()
    with pytest.raises(LayerError, match=r"no KVPT project in the schema t_\w+ \(kvpt_test/"):
        open_store(url)
    init_store(url)
    with pytest.raises(LayerError, match="already exists in the database"):
        init_store(url)
    base = url.split("?")[0]
    db = f"kvpt_nopostgis_{uuid.uuid4().hex[:8]}"
    with connect(base) as con:
        con.execute(f"CREATE DATABASE {db}")
    try:
        with pytest.raises(LayerError, match="has no PostGIS") as err:
            init_store(base.rsplit("/", 1)[0] + f"/{db}?schema=p")
        assert "CREATE EXTENSION postgis" in err.value.text("vi")
    finally:
        with connect(base) as con:
            con.execute(f"DROP DATABASE {db}")


def test_a_read_only_database_login_reads_but_cannot_change(pg_url) -> None:
    url = pg_url()
    store = init_store(url)
    store.add_layer(NewLayer(points(5, 1), "Điểm cao A", "high_point"))
    role = f"reader_{uuid.uuid4().hex[:8]}"
    with connect(url) as con:
        con.execute(f"CREATE ROLE {role} LOGIN")
        con.execute(f'GRANT USAGE ON SCHEMA "{store.schema}" TO {role}')
        con.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{store.schema}" TO {role}')
    try:
        reader = open_store(url.replace("postgres@", f"{role}@"))
        assert len(reader.read("Điểm cao A")) == 5
        with pytest.raises(LayerError, match="no right to do this") as err:
            reader.add_layer(NewLayer(points(3, 2), "Điểm cao A", "high_point"))
        assert err.value.key == "pg_no_rights"
        assert [r.version for r in store.versions("Điểm cao A")] == [1]
    finally:
        with connect(url) as con:
            con.execute(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{store.schema}" FROM {role}')
            con.execute(f'REVOKE ALL ON SCHEMA "{store.schema}" FROM {role}')
            con.execute(f"DROP ROLE {role}")


@pytest.mark.parametrize("error", [RuntimeError("check failed"), KeyboardInterrupt()])
def test_a_change_failing_after_all_its_writes_leaves_the_project_unchanged(
        pg_url, monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    store = init_store(pg_url())
    store.add_layer(NewLayer(points(5, 1), "Điểm cao A", "high_point"))
    store.write_records("settings", pd.DataFrame({"k": ["a"], "v": ["1"]}))
    before = fingerprint(store)
    real = pg_store.check_change

    def failing(con, schema, rows, first) -> None:
        real(con, schema, rows, first)  # every write of the change is done and checked
        raise error

    monkeypatch.setattr(pg_store, "check_change", failing)
    for change in (lambda: store.add_layer(NewLayer(points(3, 2), "Điểm cao A", "high_point")),
                   lambda: store.delete("Điểm cao A"),
                   lambda: store.rename("Điểm cao A", "B"), lambda: store.purge("Điểm cao A"),
                   lambda: store.write_records("settings", pd.DataFrame({"k": ["b"]}))):
        with pytest.raises(type(error)):
            change()
        assert fingerprint(store) == before


def test_views_follow_new_versions_renames_and_deletions(pg_url, tmp_path: Path) -> None:
    store, gpkg = init_store(pg_url()), init_store(tmp_path / "p.gpkg")
    for project in (store, gpkg):  # named as the GeoPackage store names its views
        project.add_layers([NewLayer(points(4, 1), "Điểm cao A", "high_point"),
                            NewLayer(points(3, 2), "kvpt_layers", "high_point")])
        project.add_layer(NewLayer(points(2, 3), "Điểm cao A", "high_point"))
        project.rename("Điểm cao A", "Đồi \"B\"")
    views = store.layer_views()
    assert views == gpkg.layer_views() == {"Đồi \"B\"": "Đồi \"B\"",
                                           "kvpt_layers": "layer kvpt_layers"}

    def shown(view: str) -> list[str]:
        with connect(store.target) as con:
            return [r[0] for r in con.execute(
                f'SELECT name FROM "{store.schema}".{quote(view)} ORDER BY fid')]

    assert shown("Đồi \"B\"") == store.read("Đồi \"B\"")["name"].tolist()
    assert len(shown("Đồi \"B\"")) == 2 and len(shown("layer kvpt_layers")) == 3
    store.delete("kvpt_layers")
    assert store.layer_views() == {"Đồi \"B\"": "Đồi \"B\""}
    assert "layer kvpt_layers" not in table_names_of(store)


def table_names_of(store) -> set[str]:
    with connect(store.target) as con:
        return {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (store.schema,))}
