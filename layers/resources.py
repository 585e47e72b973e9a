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
        raise LayerError(key="no_resource_folder", params={"name": name,
                                                           "names": ", ".join(PACKAGES)})
    try:
        root = resources.files(PACKAGES[name])
    except ModuleNotFoundError:
        root = None
    if isinstance(root, Path) and root.is_dir():
        return root
    checkout = _CHECKOUT / name
    if checkout.is_dir():
        return checkout
    raise LayerError(key="resource_folder_missing", params={
        "name": name, "package": PACKAGES[name], "path": str(checkout)})
