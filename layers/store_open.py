"""One way to open or create a project store, GeoPackage or PostGIS, from where it is.

A project is a GeoPackage path (``var/demo.gpkg``) or a PostGIS URL
(``postgresql://USER@HOST:PORT/DATABASE?schema=PROJECT``, :mod:`layers.pg_connect`); the
command line, ``KVPT_PROJECT`` and the app all go through :func:`open_store` and
:func:`init_store`. Both stores have the same public methods
(:class:`layers.store.ProjectStore`, :class:`layers.pg_store.PgStore`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from layers.pg_connect import is_pg_target

if TYPE_CHECKING:
    from layers.pg_store import PgStore
    from layers.store import ProjectStore
    from layers.store_users import Actor

__all__ = ["init_store", "is_pg_target", "open_store", "target_text"]


def open_store(target: str | Path, user: Actor | None = None) -> ProjectStore | PgStore:
    """Open the project at ``target`` (a ``.gpkg`` path or a ``postgresql://`` URL).

    Parameters
    ----------
    target : str or Path
        Where the project is.
    user : Actor, optional
        The acting user, as signed in.

    Raises
    ------
    LayerError
        If there is no project there (or the server cannot be reached).
    """
    if is_pg_target(target):
        from layers.pg_store import PgStore

        return PgStore(target, user)
    from layers.store import ProjectStore

    return ProjectStore(target, user)


def init_store(target: str | Path, *, admin: str | None = None,
               password: str | None = None) -> ProjectStore | PgStore:
    """Create an empty project at ``target`` and open it (see ``ProjectStore.init``)."""
    if is_pg_target(target):
        from layers.pg_store import PgStore

        return PgStore.init(target, admin=admin, password=password)
    from layers.store import ProjectStore

    return ProjectStore.init(target, admin=admin, password=password)


def target_text(target: str | Path) -> str:
    """Return how to show ``target`` to people: a path, or a URL with its password masked."""
    if is_pg_target(target):
        from layers.pg_connect import masked, url_text

        return masked(url_text(target))
    return str(target)
