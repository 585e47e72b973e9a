"""Where the bundled resources are on disk: the ``data/`` and ``static/`` folders.

Both stay top-level folders of the repository. ``pyproject.toml`` maps them to the
packages :data:`PACKAGES` (``package-dir``), so a wheel installs them beside the code and
:func:`resource_dir` finds them with :mod:`importlib.resources`, whatever the current
directory. In a checkout with an editable install the packages are the folders
themselves; without any install (an old editable install, or ``PYTHONPATH=.``) the
folders are found next to this package.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from layers.errors import LayerError

PACKAGES: dict[str, str] = {"data": "kvpt_data", "static": "kvpt_static"}
"""Folder of the repository -> the package it is installed as."""

_CHECKOUT = Path(__file__).resolve().parent.parent


@cache
def resource_dir(name: str) -> Path:
    """Return the folder of a bundled resource.

    Parameters
    ----------
    name : {"data", "static"}
        ``"data"``: the real data (``real/``), ``SOURCES.md`` and the licences
        (``licenses/``); ``"static"``: the vendored web assets (``leaflet/``).

    Returns
    -------
    Path
        The folder: the installed package's own folder, else the checkout's folder.

    Raises
    ------
    LayerError
        If ``name`` is unknown, or the folder is neither installed nor in a checkout.
    """
    if name not in PACKAGES:
        msg = f"No bundled resource folder {name!r}. Use one of: {', '.join(PACKAGES)}."
        raise LayerError(msg)
    try:
        root = resources.files(PACKAGES[name])
    except ModuleNotFoundError:
        root = None
    if isinstance(root, Path) and root.is_dir():
        return root
    checkout = _CHECKOUT / name
    if checkout.is_dir():
        return checkout
    msg = (f"The bundled {name}/ folder is missing: package {PACKAGES[name]!r} is not "
           f"installed and {checkout} does not exist. Reinstall KVPT Planner "
           "(pip install kvpt-planner, or pip install -e . in a checkout).")
    raise LayerError(msg)
