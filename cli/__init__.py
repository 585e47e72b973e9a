"""``kvpt``: the KVPT Planner command line for GIS staff.

Every command takes the project GeoPackage first. Bad input exits with status 2
and one line on stderr; the project file is then unchanged. One module per group of
commands; every analysis command gets its result from :mod:`planning` and prints it
through :func:`cli.common.emit`.
"""

from __future__ import annotations

import importlib
import sys

from cli.common import app

GROUPS: tuple[str, ...] = ("store", "qgis", "appraisal", "posture", "network", "relocation",
                           "mobilization", "evacuation", "exercises", "roadmap", "prints", "briefs",
                           "users", "terrain", "links")
"""Modules of commands, in the order ``kvpt --help`` lists them."""

for _group in GROUPS:
    importlib.import_module(f"cli.{_group}")

__all__ = ["app", "main"]


def main() -> None:
    """Run the command line."""
    app()


if __name__ == "__main__":
    sys.exit(main())
