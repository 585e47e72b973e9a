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
