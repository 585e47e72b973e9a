"""``kvpt`` commands on users and the audit log: ``kvpt user add|list|passwd|remove`` and audit.

A project made with ``kvpt init P --admin NAME`` has users; every command on it acts as
the user given by ``--user NAME`` (``kvpt --user NAME COMMAND ...``, or ``--user`` after
the user and audit commands) or ``KVPT_USER``, with the password from ``KVPT_PASSWORD`` or
a prompt. The store checks the user's role for every change (:mod:`layers.store_users`);
a refusal exits with status 2 and one line naming the role needed.
"""

from __future__ import annotations

import os
import sys
from dataclasses import asdict
from typing import Annotated, Any

import typer

from cli.common import JsonOpt, ProjectArg, UserOpt, _open, _print_json, app, handles_errors

user_app = typer.Typer(help="Manage the users of a project (admins only).",
                       no_args_is_help=True, rich_markup_mode=None)
app.add_typer(user_app, name="user")

PasswordStdinOpt = Annotated[bool, typer.Option(
    "--password-stdin", help="Read the new password from one line of standard input "
                             "(instead of a prompt).")]
RoleOpt = Annotated[str, typer.Option(
    "--role", help="viewer (see, export, print), planner (also import, edit, draw, "
                   "records) or admin (also users, settings, restore, delete, rename, "
                   "purge).")]


def sign_in(store: Any, name: str | None) -> Any:
    """Return ``store`` acting for user ``name`` (password from KVPT_PASSWORD or a prompt).

    Raises
    ------
    LayerError
        ``sign_in_needed`` without a name; ``sign_in_failed`` (audited) for a wrong one.
    """
    from layers.errors import LayerError

    if not name:
        raise LayerError(key="sign_in_needed", params={"file": store.path.name})
    password = os.environ.get("KVPT_PASSWORD")
    if password is None:
        password = typer.prompt(f"Password of {name}", hide_input=True, err=True)
    return store.as_user(name, password)


def new_password(name: str, *, from_stdin: bool) -> str:
    """Read a new password: one line of stdin, or a hidden prompt typed twice."""
    from layers.errors import LayerError

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(f"New password of {name}", hide_input=True, err=True)
        again = typer.prompt("Type it again", hide_input=True, err=True)
        if again != password:
            raise LayerError(key="password_mismatch")
    if not password.strip():
        raise LayerError(key="password_empty")
    return password


@user_app.command("add")
@handles_errors
def add(project: ProjectArg, name: str, role: RoleOpt, password_stdin: PasswordStdinOpt = False,
        user: UserOpt = None) -> None:
    """Add a user with a role (the first user of a project must be an admin)."""
    store = _open(project, user)
    store_users_check(role)
    rec = store.add_user(name, role, new_password(name, from_stdin=password_stdin))
    typer.echo(f"Added user {rec.name} ({rec.role})")


@user_app.command("list")
@handles_errors
def list_(project: ProjectArg, as_json: JsonOpt = False, user: UserOpt = None) -> None:
    """List the users and their roles (never passwords)."""
    records = [asdict(r) for r in _open(project, user).users()]
    if as_json:
        _print_json(records)
        return
    if not records:
        typer.echo("No users: the project has no sign-in, no roles and no audit log.")
    for r in records:
        typer.echo(f"{r['name']}\t{r['role']}\t{r['created']}")


@user_app.command("passwd")
@handles_errors
def passwd(project: ProjectArg, name: str, password_stdin: PasswordStdinOpt = False,
           user: UserOpt = None) -> None:
    """Change a user's password (an admin, or the user themself)."""
    store = _open(project, user)
    store.set_password(name, new_password(name, from_stdin=password_stdin))
    typer.echo(f"Changed the password of {name}")


@user_app.command("remove")
@handles_errors
def remove(project: ProjectArg, name: str, user: UserOpt = None) -> None:
    """Remove a user (not the last admin)."""
    _open(project, user).remove_user(name)
    typer.echo(f"Removed user {name}")


@app.command("audit")
@handles_errors
def audit(project: ProjectArg, as_json: JsonOpt = False, user: UserOpt = None) -> None:
    """Show the audit log (admins): who changed what, when, and what was refused."""
    records = [asdict(r) for r in _open(project, user).audit()]
    if as_json:
        _print_json(records)
        return
    if not records:
        typer.echo("The audit log is empty (a project without users keeps none).")
    for r in records:
        version = "" if r["version"] is None else f"v{r['version']}"
        typer.echo(f"{r['time']}\t{r['user'] or '-'}\t{r['action']}\t{r['layer']}\t{version}"
                   f"\t{r['detail']}")


def store_users_check(role: str) -> None:
    """Refuse an unknown role before any password is asked for."""
    from layers.errors import LayerError
    from layers.store_users import ROLES

    if role not in ROLES:
        raise LayerError(key="role_unknown", params={"role": role, "roles": ", ".join(ROLES)})
