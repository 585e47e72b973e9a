"""Users and roles of a project: `kvpt init --admin`, `kvpt user ...`, checks in the store."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box
from typer.testing import CliRunner

from cli import app
from layers.errors import LayerError
from layers.store import NewLayer, ProjectStore
from layers.store_open import is_pg_target, open_store
from layers.store_users import AUDIT_TABLE, USERS_TABLE
from pg_support import BACKENDS, connect

runner = CliRunner()
PASSWORDS = {"boss": "admin-pw-1", "vy": "viewer-pw-2", "phan": "planner-pw-3",
             "an": "admin-pw-4"}


def kvpt(*args: object, user: str | None = None, password: str | None = None,
         stdin: str | None = None):
    env = {"KVPT_USER": user, "KVPT_PASSWORD": password if password is not None
           else PASSWORDS.get(user or "")}
    return runner.invoke(app, [str(a) for a in args], input=stdin, env=env)


def source(tmp_path: Path) -> Path:
    path = tmp_path / "du_an.geojson"
    gpd.GeoDataFrame({"ten": ["Khu A"], "chu_dau_tu": ["Công ty A"]},
                     geometry=[box(106.70, 21.80, 106.71, 21.81)], crs=4326).to_file(path)
    return path


def layer() -> NewLayer:
    gdf = gpd.GeoDataFrame({"ten": ["Khu A"], "chu_dau_tu": ["Công ty A"]},
                           geometry=[box(106.70, 21.80, 106.71, 21.81)], crs=4326)
    return NewLayer(gdf, "Dự án A", "proposed_project")


def table_digests(path: Path, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """SHA-256 of the rows of every table (but ``skip``), to compare two states of a store."""
    if is_pg_target(path):
        return pg_table_digests(str(path), skip=skip)
    out = {}
    with contextlib.closing(sqlite3.connect(path)) as con:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = "
                                           "'table' ORDER BY name")]
        for name in names:
            if name in skip:
                continue
            rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
            if name == "sqlite_sequence":
                rows = [r for r in rows if r[0] not in skip]
            out[name] = hashlib.sha256(repr(sorted(rows, key=repr)).encode()).hexdigest()
    return out


def pg_table_digests(url: str, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """SHA-256 of the rows of every table of a PostGIS project's schema (but ``skip``)."""
    schema = open_store(url).schema
    out = {}
    with connect(url) as con:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
            "ORDER BY table_name", (schema,))]
        for name in names:
            if name not in skip:
                rows = con.execute(f'SELECT * FROM "{schema}"."{name}"').fetchall()
                out[name] = hashlib.sha256(repr(sorted(rows, key=repr)).encode()).hexdigest()
    return out


@pytest.fixture
def team(tmp_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """A project with an admin (boss), a viewer (vy) and a planner (phan).

    A GeoPackage; with ``@both_backends``, a PostGIS project too.
    """
    project = tmp_path / "p.gpkg"
    if getattr(request, "param", "gpkg") == "postgis":
        project = request.getfixturevalue("pg_url")()
    res = kvpt("init", project, "--admin", "boss", "--password-stdin",
               stdin=PASSWORDS["boss"] + "\n")
    assert res.exit_code == 0, res.output
    assert "admin boss" in res.stdout
    for name, role in (("vy", "viewer"), ("phan", "planner")):
        res = kvpt("user", "add", project, name, "--role", role, "--password-stdin",
                   user="boss", stdin=PASSWORDS[name] + "\n")
        assert res.exit_code == 0, res.output
    return project


both_backends = pytest.mark.parametrize("team", BACKENDS, indirect=True)


@both_backends
def test_init_with_admin_and_users_of_each_role(team: Path) -> None:
    res = kvpt("user", "list", team, "--json", user="boss")
    assert res.exit_code == 0, res.output
    assert [(u["name"], u["role"]) for u in json.loads(res.stdout)] == [
        ("boss", "admin"), ("vy", "viewer"), ("phan", "planner")]
    res = kvpt("user", "add", team, "an", "--role", "admin", "--password-stdin",
               user="boss", stdin=PASSWORDS["an"] + "\n")
    assert res.exit_code == 0, res.output
    assert open_store(team).as_user("an", PASSWORDS["an"]).user.role == "admin"


@both_backends
def test_passwords_are_argon2_hashes_never_plain(team: Path) -> None:
    if is_pg_target(team):
        with connect(str(team)) as con:
            schema = open_store(team).schema
            hashes = [r[0] for r in con.execute(
                f'SELECT password_hash FROM "{schema}".{USERS_TABLE}')]
            dump = repr(con.execute(f'SELECT * FROM "{schema}".{USERS_TABLE}').fetchall())
        assert len(hashes) == 3 and all(h.startswith("$argon2id$") for h in hashes)
        assert not any(p in dump for p in PASSWORDS.values())
        return
    raw = team.read_bytes()
    for password in PASSWORDS.values():
        assert password.encode() not in raw
    with contextlib.closing(sqlite3.connect(team)) as con:
        hashes = [r[0] for r in con.execute(f"SELECT password_hash FROM {USERS_TABLE}")]
        kinds = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents"))
    assert len(hashes) == 3 and all(h.startswith("$argon2id$") for h in hashes)
    assert kinds[USERS_TABLE] == kinds[AUDIT_TABLE] == "attributes"


@both_backends
def test_viewer_import_refused_naming_planner_store_unchanged(team: Path,
                                                             tmp_path: Path) -> None:
    src = source(tmp_path)
    before = table_digests(team, skip=(AUDIT_TABLE,))
    audit_before = len(open_store(team).as_user("boss", PASSWORDS["boss"]).audit())
    res = kvpt("import", team, src, "--kind", "proposed_project", user="vy")
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "planner" in lines[0] and lines[0].startswith("kvpt: error:")
    assert table_digests(team, skip=(AUDIT_TABLE,)) == before
    log = open_store(team).as_user("boss", PASSWORDS["boss"]).audit()
    refusal = log[audit_before]
    assert (refusal.user, refusal.action) == ("vy", "refused")
    assert "planner" in refusal.detail


@both_backends
def test_planner_import_is_audited(team: Path, tmp_path: Path) -> None:
    res = kvpt("import", team, source(tmp_path), "--kind", "proposed_project", "--name",
               "Dự án A", user="phan")
    assert res.exit_code == 0, res.output
    log = json.loads(kvpt("audit", team, "--json", user="boss").stdout)
    row = log[-1]
    assert (row["user"], row["action"], row["layer"], row["version"]) == (
        "phan", "import", "Dự án A", 1)


@both_backends
def test_admin_restores_and_deletes_planner_may_not(team: Path) -> None:
    planner = open_store(team).as_user("phan", PASSWORDS["phan"])
    planner.add_layer(layer())
    planner.add_layer(layer())
    res = kvpt("restore", team, "Dự án A", 1, user="phan")
    assert res.exit_code == 2 and "admin" in res.stderr
    with pytest.raises(LayerError, match="admin") as err:
        planner.delete("Dự án A")
    assert err.value.key == "role_needed" and err.value.params["role"] == "admin"
    assert "vai trò quản trị (admin) để xóa lớp" in err.value.text("vi")
    assert "có vai trò người lập kế hoạch (planner)" in err.value.text("vi")
    assert open_store(team).record("Dự án A").version == 2
    res = kvpt("restore", team, "Dự án A", 1, user="boss")
    assert res.exit_code == 0, res.output
    res = kvpt("delete", team, "Dự án A", user="boss")
    assert res.exit_code == 0, res.output
    actions = [(r.user, r.action, r.version) for r in
               open_store(team).as_user("boss", PASSWORDS["boss"]).audit()]
    assert actions[-2:] == [("boss", "restore", 3), ("boss", "delete", 4)]
    assert ("phan", "refused", None) in actions


@both_backends
def test_wrong_password_refused_and_audited(team: Path) -> None:
    res = kvpt("layers", team, user="phan", password="not it")
    assert res.exit_code == 2 and "wrong name or password" in res.stderr
    res = kvpt("layers", team, user="nobody", password="x")
    assert res.exit_code == 2 and "wrong name or password" in res.stderr
    log = open_store(team).as_user("boss", PASSWORDS["boss"]).audit()
    assert [(r.user, r.action) for r in log[-2:]] == [("phan", "sign_in_failed"),
                                                      ("nobody", "sign_in_failed")]


@both_backends
def test_a_project_with_users_needs_a_user(team: Path) -> None:
    res = kvpt("layers", team)
    assert res.exit_code == 2 and "--user" in res.stderr
    with pytest.raises(LayerError) as err:
        open_store(team).add_layer(layer())
    assert err.value.key == "role_needed"
    assert open_store(team).layers() == []


@both_backends
def test_viewer_reads_and_admin_only_lists(team: Path) -> None:
    assert kvpt("layers", team, user="vy").exit_code == 0
    res = kvpt("user", "list", team, user="phan")
    assert res.exit_code == 2 and "admin" in res.stderr
    res = kvpt("audit", team, user="vy")
    assert res.exit_code == 2 and "admin" in res.stderr


@both_backends
def test_passwd_remove_and_last_admin(team: Path) -> None:
    res = kvpt("user", "passwd", team, "phan", "--password-stdin", user="phan",
               stdin="new-planner-pw\n")
    assert res.exit_code == 0, res.output
    assert kvpt("layers", team, user="phan").exit_code == 2
    assert kvpt("layers", team, user="phan", password="new-planner-pw").exit_code == 0
    res = kvpt("user", "passwd", team, "boss", "--password-stdin", user="phan",
               password="new-planner-pw", stdin="hijack\n")
    assert res.exit_code == 2 and "admin" in res.stderr
    res = kvpt("user", "remove", team, "boss", user="boss")
    assert res.exit_code == 2 and "last admin" in res.stderr
    planner = open_store(team).as_user("phan", "new-planner-pw")
    assert kvpt("user", "remove", team, "phan", user="boss").exit_code == 0
    with pytest.raises(LayerError, match="no longer in the project"):
        planner.add_layer(layer())  # removed since signing in
    assert kvpt("layers", team, user="phan", password="new-planner-pw").exit_code == 2


def test_bad_input_for_users(team: Path) -> None:
    res = kvpt("user", "add", team, "x", "--role", "boss", "--password-stdin", user="boss",
               stdin="pw\n")
    assert res.exit_code == 2 and "viewer, planner, admin" in res.stderr
    res = kvpt("user", "add", team, "vy", "--role", "viewer", "--password-stdin", user="boss",
               stdin="pw\n")
    assert res.exit_code == 2 and "already" in res.stderr
    res = kvpt("user", "add", team, "z", "--role", "viewer", "--password-stdin", user="boss",
               stdin="\n")
    assert res.exit_code == 2 and "empty" in res.stderr
    res = kvpt("init", team.with_name("q.gpkg"), "--admin", "a", "--password-stdin", stdin="\n")
    assert res.exit_code == 2 and not team.with_name("q.gpkg").exists()


def test_prompted_passwords(tmp_path: Path) -> None:
    project = tmp_path / "p.gpkg"
    res = kvpt("init", project, "--admin", "boss", stdin="s3cret\ns3cret\n")
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["--user", "boss", "user", "list", str(project)],
                        input="s3cret\n", env={"KVPT_USER": None, "KVPT_PASSWORD": None})
    assert res.exit_code == 0, res.output
    assert "boss\tadmin" in res.stdout
    res = kvpt("init", tmp_path / "q.gpkg", "--admin", "boss", stdin="a\nb\n")
    assert res.exit_code == 2 and "differ" in res.stderr


def test_without_users_everything_works_as_before(tmp_path: Path) -> None:
    project = tmp_path / "p.gpkg"
    res = kvpt("init", project)
    assert res.exit_code == 0 and "no users" in res.stdout
    src = source(tmp_path)
    for _ in range(2):
        res = kvpt("import", project, src, "--kind", "proposed_project", "--name", "A",
                   "--again")
        assert res.exit_code == 0, res.output
    assert kvpt("restore", project, "A", 1).exit_code == 0
    assert kvpt("delete", project, "A").exit_code == 0
    assert kvpt("undelete", project, "A").exit_code == 0
    assert kvpt("rename", project, "A", "B").exit_code == 0
    store = ProjectStore(project)
    assert not store.has_users() and store.audit() == [] and store.users() == []
    with contextlib.closing(sqlite3.connect(project)) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    assert USERS_TABLE not in tables and AUDIT_TABLE not in tables
    res = kvpt("user", "list", project)
    assert res.exit_code == 0 and "No users" in res.stdout
    with pytest.raises(LayerError, match="no users"):
        store.as_user("x", "y")


def test_first_user_of_an_old_project_must_be_admin(tmp_path: Path) -> None:
    project = tmp_path / "p.gpkg"
    ProjectStore.init(project).add_layer(layer())
    res = kvpt("user", "add", project, "vy", "--role", "viewer", "--password-stdin",
               stdin="pw\n")
    assert res.exit_code == 2 and "must have the role admin" in res.stderr
    res = kvpt("user", "add", project, "boss", "--role", "admin", "--password-stdin",
               stdin=PASSWORDS["boss"] + "\n")
    assert res.exit_code == 0, res.output
    with pytest.raises(LayerError):
        ProjectStore(project).delete("Dự án A")
    res = kvpt("delete", project, "Dự án A", user="boss")
    assert res.exit_code == 0, res.output
