"""The audit log: its fields, and a change and its audit row saved together or not at all."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from test_users import PASSWORDS, kvpt, layer, table_digests

from layers import store as store_mod
from layers import store_users
from layers.errors import LayerError
from layers.store import ProjectStore
from layers.store_users import AUDIT_TABLE


@pytest.fixture
def admin(tmp_path: Path) -> ProjectStore:
    store = ProjectStore.init(tmp_path / "p.gpkg", admin="boss", password=PASSWORDS["boss"])
    store.add_user("phan", "planner", PASSWORDS["phan"])
    store.add_user("vy", "viewer", PASSWORDS["vy"])
    return store


def test_audit_json_fields(admin: ProjectStore) -> None:
    admin.add_layer(layer())
    res = kvpt("audit", admin.path, "--json", user="boss")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert all(set(r) == {"user", "action", "layer", "version", "time", "detail"}
               for r in rows)
    assert [r["action"] for r in rows] == ["init", "user_add", "user_add", "import"]
    assert rows[-1]["layer"] == "Dự án A" and rows[-1]["version"] == 1
    assert rows[-1]["time"].endswith("+00:00")  # UTC
    text = kvpt("audit", admin.path, user="boss").stdout
    assert "boss\timport\tDự án A\tv1" in text


@pytest.mark.parametrize("where", ["sync_views", "check_change"])
def test_change_and_audit_row_land_together(admin: ProjectStore,
                                            monkeypatch: pytest.MonkeyPatch,
                                            where: str) -> None:
    planner = admin.as_user("phan", PASSWORDS["phan"])
    planner.add_layer(layer())
    before = table_digests(admin.path)
    inserted = []
    real_write = store_users.write_audit

    def spy(*args: object, **kwargs: object) -> None:
        real_write(*args, **kwargs)
        inserted.append(args[2])

    def boom(*args: object, **kwargs: object) -> None:
        assert inserted, "the audit row is written before the failure"
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store_users, "write_audit", spy)
    if where == "sync_views":
        monkeypatch.setattr(store_mod.store_views, "sync_views", boom)
    else:
        monkeypatch.setattr(store_mod, "_check_change", boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        planner.add_layer(layer())
    with pytest.raises(RuntimeError, match="disk on fire"):
        admin.delete("Dự án A")
    assert inserted == ["import", "delete"]
    assert table_digests(admin.path) == before
    assert [r.action for r in admin.audit()][-1] == "import"
    assert admin.record("Dự án A").version == 1


def test_records_and_settings_are_audited_with_their_roles(admin: ProjectStore) -> None:
    planner = admin.as_user("phan", PASSWORDS["phan"])
    planner.write_records("exercises_x", pd.DataFrame({"a": [1, 2]}))
    with pytest.raises(LayerError, match="admin"):
        planner.write_records("settings", pd.DataFrame({"key": ["k"], "value": ["v"]}))
    admin.write_records("settings", pd.DataFrame({"key": ["k"], "value": ["v"]}))
    log = [(r.user, r.action, r.layer) for r in admin.audit()][-3:]
    assert log == [("phan", "records", "exercises_x"), ("phan", "refused", "settings"),
                   ("boss", "settings", "settings")]


def test_refusal_inside_the_transaction_is_audited_apart(admin: ProjectStore,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    viewer = admin.as_user("vy", PASSWORDS["vy"])
    monkeypatch.setattr(ProjectStore, "_require", lambda *a, **k: None)  # skip the pre-check
    before = table_digests(admin.path, skip=(AUDIT_TABLE,))
    with pytest.raises(LayerError) as err:
        viewer.add_layer(layer())
    assert err.value.key == "role_needed" and err.value.params["role"] == "planner"
    assert table_digests(admin.path, skip=(AUDIT_TABLE,)) == before
    last = store_users.audit_log(admin.path)[-1]
    assert (last.user, last.action, last.layer) == ("vy", "refused", "Dự án A")


def test_every_admin_action_refused_for_a_planner(admin: ProjectStore) -> None:
    admin.add_layer(layer())
    admin.add_layer(layer())
    planner = admin.as_user("phan", PASSWORDS["phan"])
    calls = {"restore": lambda: planner.restore("Dự án A", 1),
             "delete": lambda: planner.delete("Dự án A"),
             "rename": lambda: planner.rename("Dự án A", "B"),
             "purge": lambda: planner.purge("Dự án A"),
             "user_add": lambda: planner.add_user("x", "viewer", "pw"),
             "user_remove": lambda: planner.remove_user("vy")}
    for action, call in calls.items():
        with pytest.raises(LayerError) as err:
            call()
        assert err.value.key == "role_needed" and err.value.params["action"] == action
    admin.delete("Dự án A")
    with pytest.raises(LayerError, match="admin"):
        planner.undelete("Dự án A")
    admin.undelete("Dự án A")
    admin.rename("Dự án A", "B")
    admin.purge("B")
    actions = [r.action for r in admin.audit() if r.user == "boss"]
    assert actions[-4:] == ["delete", "undelete", "rename", "purge"]


def sign_in(at, name: str, password: str):  # noqa: ANN001, ANN201 - AppTest
    at.text_input(key="kvpt_sign_in_name").input(name)
    at.text_input(key="kvpt_sign_in_password").input(password)
    return at.button[0].click().run()


def test_app_asks_to_sign_in_and_audit_page_is_for_admins(
        admin: ProjectStore, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import app_test

    admin.add_layer(layer())
    at = app_test("ui/audit_page.py", admin.path, monkeypatch)
    assert not at.exception
    assert not at.dataframe and at.text_input(key="kvpt_sign_in_name")
    at = sign_in(at, "boss", "wrong")
    assert at.error and not at.dataframe
    at = sign_in(at, "boss", PASSWORDS["boss"])
    assert not at.exception and not at.error
    shown = at.dataframe[0].value
    assert list(shown.columns) == ["time", "user", "action", "layer", "version", "detail"]
    assert list(shown["action"].iloc[:2]) == ["sign_in_failed", "import"]  # newest first
    at = app_test("ui/audit_page.py", admin.path, monkeypatch)
    at = sign_in(at, "vy", PASSWORDS["vy"])
    assert not at.exception and at.error and "admin" in at.error[0].value
    assert not at.dataframe


def test_pages_without_users_need_no_sign_in(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import app_test

    store = ProjectStore.init(tmp_path / "p.gpkg")
    store.add_layer(layer())
    at = app_test("ui/audit_page.py", store.path, monkeypatch)
    assert not at.exception and not at.text_input and at.info
