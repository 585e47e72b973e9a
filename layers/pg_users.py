"""Users, roles and the audit log of a PostGIS project (tables ``kvpt_users``, ``kvpt_audit``).

The same tables, rules and messages as the GeoPackage store (:mod:`layers.store_users`,
whose role rule, name and password checks and argon2 hashing are used here as they are):
roles are read from the project on every change, a change and its audit row commit
together, a refusal or a failed sign-in is audited in a transaction of its own. A project
with no user checks nothing. The database's own roles are a second boundary: whoever may
write the schema can change it with any SQL client.
"""

from __future__ import annotations

import contextlib
from typing import Any

from layers import pg_connect, store_users
from layers.errors import LayerError
from layers.messages import clip
from layers.store_users import (
    AUDIT_TABLE,
    ROLES,
    USERS_TABLE,
    Actor,
    AuditRecord,
    UserRecord,
)

SCHEMA_SQL = (
    f"""CREATE TABLE {USERS_TABLE} (
    id bigserial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    role text NOT NULL CHECK (role IN ({", ".join(repr(r) for r in ROLES)})),
    password_hash text NOT NULL CHECK (password_hash LIKE '$argon2%'),
    created text NOT NULL)""",
    f"""CREATE TABLE {AUDIT_TABLE} (
    id bigserial PRIMARY KEY,
    time text NOT NULL,
    "user" text NOT NULL DEFAULT '',
    action text NOT NULL,
    layer text NOT NULL DEFAULT '',
    version integer,
    detail text NOT NULL DEFAULT '')""",
)
"""The users and audit tables, made with the project (empty: no checks)."""

_AUDIT_COLUMNS = 'time, "user", action, layer, version, detail'


def has_users(con: Any) -> bool:
    """Whether the project of ``con`` has a user (and so checks roles)."""
    return store_users.has_users(pg_connect.SqliteLike(con))


def list_users(con: Any) -> list[UserRecord]:
    """Return the users, in the order they were added."""
    rows = con.execute(f"SELECT name, role, created FROM {USERS_TABLE} ORDER BY id")
    return [UserRecord(*r) for r in rows.fetchall()]


def user_rows(con: Any) -> list[tuple[str, str, str, str]]:
    """Return ``(name, role, password_hash, created)`` of every user (for a copy)."""
    return [tuple(r) for r in con.execute(
        f"SELECT name, role, password_hash, created FROM {USERS_TABLE} ORDER BY id")]


def audit_log(con: Any) -> list[AuditRecord]:
    """Return the audit log, oldest first."""
    rows = con.execute(f"SELECT {_AUDIT_COLUMNS} FROM {AUDIT_TABLE} ORDER BY id").fetchall()
    return [AuditRecord(*r) for r in rows]


def check(con: Any, actor: Actor | None, action: str, layer: str = "") -> None:
    """Raise ``role_needed`` unless ``actor`` may do ``action`` (:func:`store_users.check`)."""
    store_users.check(pg_connect.SqliteLike(con), actor, action, layer)


def authenticate(con: Any, name: str, password: str, display: str) -> Actor | None:
    """Return the actor for ``name`` and ``password``, ``None`` when they are wrong.

    Raises
    ------
    LayerError
        ``no_users`` when the project has no users.
    """
    if not has_users(con):
        raise LayerError(key="no_users", params={"file": display})
    row = con.execute(f"SELECT name, role, password_hash FROM {USERS_TABLE} WHERE name = %s",
                      (name,)).fetchone()
    if row is None:
        store_users.verify_password(store_users._DUMMY_HASH(), password or "x")
        return None
    if password and store_users.verify_password(row[2], password):
        return Actor(row[0], row[1])
    return None


def write_audit(con: Any, user: str, action: str, layer: str = "",
                version: int | None = None, detail: str = "", *, time: str = "") -> None:
    """Add one audit row in the transaction of ``con`` (none in a project without users)."""
    if not has_users(con):
        return
    con.execute(f"INSERT INTO {AUDIT_TABLE} ({_AUDIT_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)",
                (time or store_users._now(), user, action, layer, version, clip(detail, 500)))


def record_refusal(url: str, schema: str, display: str, user: str, action: str,
                   layer: str, detail: str) -> None:
    """Audit a refusal or failed sign-in in a transaction of its own (best effort)."""
    with contextlib.suppress(LayerError), pg_connect.change(url, schema, display) as con:
        write_audit(con, user, action, layer, None, detail)


def add_user(con: Any, name: str, role: str, password: str) -> UserRecord:
    """Add a user (:func:`layers.store_users.add_user`'s rules; argon2 hash)."""
    name = store_users.check_name(name)
    store_users._check_role(role)
    store_users._check_password(password)
    if not has_users(con) and role != "admin":
        raise LayerError(key="first_user_admin", params={"user": name})
    if con.execute(f"SELECT 1 FROM {USERS_TABLE} WHERE name = %s", (name,)).fetchone():
        raise LayerError(key="user_exists", params={"user": name})
    rec = UserRecord(name, role, store_users._now())
    insert_user(con, name, role, store_users.hash_password(password), rec.created)
    return rec


def insert_user(con: Any, name: str, role: str, password_hash: str, created: str) -> None:
    """Insert a user row as it is (a new user, or one copied from another project)."""
    con.execute(f"INSERT INTO {USERS_TABLE} (name, role, password_hash, created) "
                "VALUES (%s, %s, %s, %s)", (name, role, password_hash, created))


def set_password(con: Any, name: str, password: str) -> None:
    """Replace the password of user ``name`` (unknown user or empty password refused)."""
    store_users._check_password(password)
    _known(con, name)
    con.execute(f"UPDATE {USERS_TABLE} SET password_hash = %s WHERE name = %s",
                (store_users.hash_password(password), name))


def remove_user(con: Any, name: str) -> None:
    """Remove user ``name``; the last admin cannot be removed."""
    role = _known(con, name)
    admins = con.execute(f"SELECT COUNT(*) FROM {USERS_TABLE} WHERE role = 'admin'"
                         ).fetchone()[0]
    if role == "admin" and admins <= 1:
        raise LayerError(key="last_admin", params={"user": name})
    con.execute(f"DELETE FROM {USERS_TABLE} WHERE name = %s", (name,))


def _known(con: Any, name: str) -> str:
    """Return the role of user ``name`` or raise ``user_unknown`` (the store's own rule)."""
    return store_users._known(pg_connect.SqliteLike(con), name)
