"""Shared fixtures: the demo project is built once per test session and copied per test."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def sha256(path: Path) -> str:
    """Return the sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project, built once (do not modify: use ``demo_project``)."""
    from layers.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    build_demo(path)
    return path


@pytest.fixture
def demo_project(demo_master: Path, tmp_path: Path) -> Path:
    """A private copy of the demo project for one test."""
    path = tmp_path / "demo.gpkg"
    shutil.copy2(demo_master, path)
    return path


def without_exercises(path: Path) -> Path:
    """Remove the demo's (fictional) exercise records from the project at ``path``."""
    import pandas as pd

    from layers import records
    from layers.store import ProjectStore

    empty = pd.DataFrame(columns=list(records.EXERCISE_COLUMNS))
    ProjectStore(path).write_records(records.EXERCISE_TABLE, empty)
    return path


def shown_table(at, column: str, lang: str = "vi"):  # noqa: ANN001, ANN201 - AppTest, DataFrame
    """Return the page table that shows ``column`` (by its header in ``lang``).

    Headers are turned back into the stable column names (the values stay as shown:
    rounded, translated, blanks for missing), so tests read ``frame["travel_min"]``.
    """
    from ui.tables import header

    wanted = header(column, lang)
    frame = next(d.value for d in at.dataframe if wanted in d.value.columns)
    names = {header(c, lang): c for c in _known_columns()}
    return frame.rename(columns=lambda h: names.get(h, h))


def _known_columns() -> list[str]:
    from layers.kinds import KINDS
    from ui.tables import COLUMN_LABELS

    return [*COLUMN_LABELS, *(f"{p}{k}" for p in ("n_", "has_") for k in KINDS)]
