"""Users, roles and the audit log of a project store.

Two attribute tables of the store GeoPackage, registered in ``gpkg_contents`` like
``kvpt_layers`` and made by the first user added (a store without them, or with no user
in them, has no checks: one person works as before, unaudited):

``kvpt_users`` (:data:`USERS_TABLE`)
    ``name``, ``role`` (:data:`ROLES`), ``password_hash`` (argon2id, never the password),
    ``created`` (UTC ISO time).
``kvpt_audit`` (:data:`AUDIT_TABLE`)
    One row per change and per refusal: ``time`` (UTC ISO), ``user``, ``action``,
    ``layer``, ``version``, ``detail``.

Roles are ranked: a ``viewer`` sees, exports and prints; a ``planner`` also imports,
edits, draws and writes records; an ``admin`` also manages users and settings, restores,
deletes, undeletes, renames and purges (:data:`ACTIONS` maps each changing action to the
role it needs). :class:`layers.store.ProjectStore` checks the role of its acting user
(:class:`Actor`, from :func:`authenticate`) before a change and again inside the change's
transaction, and writes the change's audit row in that same transaction: a change and its
audit row are saved together or not at all. A refusal is audited in a small transaction
of its own; so is a failed sign-in.

The store file is the security boundary: whoever can write the file can change it with
any SQLite tool. The roles keep honest people of one team from doing what is not theirs
and record who did what.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from layers import store_tx
from layers.errors import LayerError
from layers.messages import Note, clip

USERS_TABLE = "kvpt_users"
"""Name of the table of users."""

AUDIT_TABLE = "kvpt_audit"
"""Name of the audit log table."""

ROLES: tuple[str, ...] = ("viewer", "planner", "admin")
"""The roles, weakest first: each role may do everything the roles before it may."""

ACTIONS: dict[str, str] = {
    "import": "planner",
    "records": "planner",
    "settings": "admin",
    "restore": "admin",
    "delete": "admin",
    "undelete": "admin",
    "rename": "admin",
    "purge": "admin",
    "user_add": "admin",
    "user_passwd": "admin",
    "user_remove": "admin",
    "users": "admin",
    "audit": "admin",
}
"""Action → the weakest role allowed to do it (every change; reading users and the log)."""

NAME_MAX = 64
"""Longest user name, in characters."""

_USERS_SQL = f"""
CREATE TABLE {USERS_TABLE} (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ({", ".join(repr(r) for r in ROLES)})),
    password_hash TEXT NOT NULL CHECK (password_hash LIKE '$argon2%'),
    created TEXT NOT NULL
)"""

_AUDIT_SQL = f"""
CREATE TABLE {AUDIT_TABLE} (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    time TEXT NOT NULL,
    user TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    layer TEXT NOT NULL DEFAULT '',
    version INTEGER,
    detail TEXT NOT NULL DEFAULT ''
)"""

_AUDIT_COLUMNS = ("time", "user", "action", "layer", "version", "detail")


class Refused(LayerError):
    """A change refused for the acting user's role (key ``role_needed``)."""


@dataclass(frozen=True)
class Actor:
    """The user a store acts for, as signed in (:func:`authenticate`).

    Attributes
    ----------
    name : str
        User name.
    role : str
        Role when signed in; every change reads the role again from the store.
    """

    name: str
    role: str


@dataclass(frozen=True)
class UserRecord:
    """One user of a project (never the password or its hash).

    Attributes
    ----------
    name : str
        User name.
    role : str
        One of :data:`ROLES`.
    created : str
        ISO 8601 time (UTC) the user was added.
    """

    name: str
    role: str
    created: str


@dataclass(frozen=True)
class AuditRecord:
    """One row of the audit log.

    Attributes
    ----------
    time : str
        ISO 8601 time (UTC).
    user : str
        Who acted (``""`` when nobody was signed in).
    action : str
        ``import``, ``restore``, ``user_add``… (:data:`ACTIONS`), ``refused``,
        ``sign_in_failed`` or ``init``.
    layer : str
        The layer (or the user, for user actions) acted on; ``""`` if none.
    version : int or None
        The layer version the change wrote.
    detail : str
        More: the source file, the refused action and the role it needs…
    """

    time: str
    user: str
    action: str
    layer: str
    version: int | None
    detail: str


# -- reading ---------------------------------------------------------------------------


def has_users(con: sqlite3.Connection) -> bool:
    """Whether the store of ``con`` has at least one user (and so checks roles)."""
    if not _has_table(con, USERS_TABLE):
        return False
    return con.execute(f"SELECT 1 FROM {USERS_TABLE} LIMIT 1").fetchone() is not None


def list_users(path: Path) -> list[UserRecord]:
    """Return the users of the store at ``path``, in the order they were added."""
    with _reading(path) as con:
        if not _has_table(con, USERS_TABLE):
            return []
        rows = con.execute(f"SELECT name, role, created FROM {USERS_TABLE} ORDER BY id")
        return [UserRecord(*r) for r in rows.fetchall()]


def store_has_users(path: Path) -> bool:
    """Whether the store at ``path`` has users (sign-in needed, roles checked)."""
    with _reading(path) as con:
        return has_users(con)


def audit_log(path: Path) -> list[AuditRecord]:
    """Return the audit log of the store at ``path``, oldest first (empty without one)."""
    with _reading(path) as con:
        if not _has_table(con, AUDIT_TABLE):
            return []
        rows = con.execute(f"SELECT {', '.join(_AUDIT_COLUMNS)} FROM {AUDIT_TABLE} "
                           "ORDER BY id").fetchall()
    return [AuditRecord(t, u, a, lay, None if v is None else int(v), d)
            for t, u, a, lay, v, d in rows]


# -- signing in ----------------------------------------------------------------------------


def authenticate(path: Path, name: str, password: str) -> Actor:
    """Check ``name`` and ``password`` against the store at ``path``; return the actor.

    A failure is audited (``sign_in_failed``) and says neither which of the two was wrong.

    Raises
    ------
    LayerError
        ``sign_in_failed`` for an unknown name or a wrong password, ``no_users`` when the
        project has no users (nobody needs to sign in).
    """
    with _reading(path) as con:
        if not has_users(con):
            raise LayerError(key="no_users", params={"file": path.name})
        row = con.execute(f"SELECT name, role, password_hash FROM {USERS_TABLE} "
                          "WHERE name = ?", (name,)).fetchone()
    if row is None:
        verify_password(_DUMMY_HASH(), password or "x")  # same time as a wrong password
    elif password and verify_password(row[2], password):
        return Actor(row[0], row[1])
    record_refusal(path, clip(name, NAME_MAX), "sign_in_failed", "", "")
    raise LayerError(key="sign_in_failed", params={"file": path.name})


def hash_password(password: str) -> str:
    """Return the argon2id hash of ``password`` (a new random salt each time)."""
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


def verify_password(hashed: str, password: str) -> bool:
    """Whether ``password`` matches the argon2 hash ``hashed``."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return PasswordHasher().verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


_dummy: list[str] = []


def _DUMMY_HASH() -> str:  # noqa: N802 - a lazily made constant
    if not _dummy:
        _dummy.append(hash_password("not a password of anyone"))
    return _dummy[0]


# -- checking and auditing (inside a change) ----------------------------------------------


def check(con: sqlite3.Connection, actor: Actor | None, action: str, layer: str = "") -> None:
    """Raise ``role_needed`` unless ``actor`` may do ``action`` in the store of ``con``.

    A store without users allows everything. The role is read from the store, so a user
    removed or given a weaker role since signing in is refused.

    Raises
    ------
    Refused
        A :class:`~layers.errors.LayerError` ``role_needed``, naming the role needed, the
        action and who asked.
    """
    if not has_users(con):
        return
    needed = ACTIONS[action]
    role = None
    if actor is not None:
        row = con.execute(f"SELECT role FROM {USERS_TABLE} WHERE name = ?",
                          (actor.name,)).fetchone()
        role = row[0] if row else None
    if role is not None and ROLES.index(role) >= ROLES.index(needed):
        return
    who = (Note.of("user_has_role", user=actor.name, role=Note.of(f"role_{role}"))
           if actor and role
           else Note.of("user_gone", user=actor.name) if actor else Note.of("nobody_signed_in"))
    raise Refused(key="role_needed", params={"role": Note.of(f"role_{needed}"),
                                             "action": Note.of(f"action_{action}"),
                                             "who": who,
                                             "layer": f" {layer!r}" if layer else ""})


def write_audit(con: sqlite3.Connection, user: str, action: str, layer: str = "",
                version: int | None = None, detail: str = "") -> None:
    """Add one row to the audit log inside the transaction of ``con``.

    Nothing is written in a store without users (one person, unaudited, as before).
    """
    if not has_users(con):
        return
    _ensure_tables(con)
    con.execute(f"INSERT INTO {AUDIT_TABLE} ({', '.join(_AUDIT_COLUMNS)}) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (_now(), user, action, layer, version, clip(detail, 500)))


def record_refusal(path: Path, user: str, action: str, layer: str, detail: str) -> None:
    """Audit a refusal in a small transaction of its own (best effort).

    A store that cannot be written (read-only, busy) still refuses; the refusal then goes
    unrecorded rather than hiding the reason.
    """
    with contextlib.suppress(LayerError), store_tx.change(path) as con:
        write_audit(con, user, action, layer, None, detail)


# -- managing users (inside a change) -----------------------------------------------------


def add_user(con: sqlite3.Connection, name: str, role: str, password: str) -> UserRecord:
    """Add user ``name`` with ``role`` and ``password`` (stored as an argon2 hash).

    The first user of a project must be an admin (else nobody could manage the others).

    Raises
    ------
    LayerError
        For a bad name, role or empty password, a name taken, or a first user who is not
        an admin.
    """
    name = check_name(name)
    _check_role(role)
    _check_password(password)
    _ensure_tables(con)
    if not has_users(con) and role != "admin":
        raise LayerError(key="first_user_admin", params={"user": name})
    if con.execute(f"SELECT 1 FROM {USERS_TABLE} WHERE name = ?", (name,)).fetchone():
        raise LayerError(key="user_exists", params={"user": name})
    rec = UserRecord(name, role, _now())
    con.execute(f"INSERT INTO {USERS_TABLE} (name, role, password_hash, created) "
                "VALUES (?, ?, ?, ?)", (name, role, hash_password(password), rec.created))
    _touch(con, USERS_TABLE)
    return rec


def set_password(con: sqlite3.Connection, name: str, password: str) -> None:
    """Replace the password of user ``name``.

    Raises
    ------
    LayerError
        If the user is unknown or the password empty.
    """
    _check_password(password)
    _known(con, name)
    con.execute(f"UPDATE {USERS_TABLE} SET password_hash = ? WHERE name = ?",
                (hash_password(password), name))
    _touch(con, USERS_TABLE)


def remove_user(con: sqlite3.Connection, name: str) -> None:
    """Remove user ``name``; the last admin cannot be removed.

    Raises
    ------
    LayerError
        If the user is unknown or the last admin.
    """
    role = _known(con, name)
    admins = con.execute(f"SELECT COUNT(*) FROM {USERS_TABLE} WHERE role = 'admin'"
                         ).fetchone()[0]
    if role == "admin" and admins <= 1:
        raise LayerError(key="last_admin", params={"user": name})
    con.execute(f"DELETE FROM {USERS_TABLE} WHERE name = ?", (name,))
    _touch(con, USERS_TABLE)


def check_name(name: str) -> str:
    """Return ``name`` stripped, or raise ``user_name_bad`` if it is not a usable name."""
    clean = " ".join(str(name).split())
    if not clean or len(clean) > NAME_MAX or not clean.isprintable():
        raise LayerError(key="user_name_bad", params={"user": clip(name), "max": NAME_MAX})
    return clean


# -- helpers ---------------------------------------------------------------------------------


@contextlib.contextmanager
def _reading(path: Path) -> Iterator[sqlite3.Connection]:
    with store_tx.access("sqlite"), contextlib.closing(store_tx.connect_read(path)) as con:
        yield con


def _has_table(con: sqlite3.Connection, table: str) -> bool:
    return con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                       (table,)).fetchone() is not None


def _ensure_tables(con: sqlite3.Connection) -> None:
    """Create the users and audit tables (registered in ``gpkg_contents``) if missing."""
    for table, sql, description in (
            (USERS_TABLE, _USERS_SQL, "KVPT Planner users (argon2 password hashes)"),
            (AUDIT_TABLE, _AUDIT_SQL, "KVPT Planner audit log (one row per change)")):
        if _has_table(con, table):
            continue
        con.execute(sql)
        con.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
            "last_change) VALUES (?, 'attributes', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', "
            "'now'))", (table, table, description))


def _touch(con: sqlite3.Connection, table: str) -> None:
    con.execute("UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ', "
                "'now') WHERE table_name = ?", (table,))


def _known(con: sqlite3.Connection, name: str) -> str:
    row = (con.execute(f"SELECT role FROM {USERS_TABLE} WHERE name = ?", (name,)).fetchone()
           if _has_table(con, USERS_TABLE) else None)
    if row is None:
        names = ([r[0] for r in con.execute(f"SELECT name FROM {USERS_TABLE} ORDER BY id")]
                 if _has_table(con, USERS_TABLE) else [])
        raise LayerError(key="user_unknown", params={"user": clip(name),
                                                     "users": ", ".join(names) or "-"})
    return row[0]


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise LayerError(key="role_unknown", params={"role": clip(role),
                                                     "roles": ", ".join(ROLES)})


def _check_password(password: str) -> None:
    if not password or not password.strip():
        raise LayerError(key="password_empty")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
