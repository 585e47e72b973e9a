"""Shared fixtures: the demo project is built once per test session and copied per test."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from layers import static_cache
from maps.shared_data import inline_shared, referenced_files
from pg_support import pg_url  # noqa: F401 - the fixture of PostGIS tests, everywhere

DATA = Path(__file__).parent / "data"


def sha256(path: Path) -> str:
    """Return the sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(autouse=True)
def _no_map_prefetch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages build no map ahead in tests (tests/test_prefetch.py turns it on)."""
    monkeypatch.setenv("KVPT_PREFETCH", "0")


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


ROOT = Path(__file__).parents[1]


def app_test(page: str, project: Path, monkeypatch: pytest.MonkeyPatch,
             timeout: float = 90):  # noqa: ANN201 - AppTest
    """Run ``page`` (e.g. ``"ui/network_page.py"``) under AppTest on ``project``."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("KVPT_PROJECT", str(project))
    return AppTest.from_file(str(ROOT / page), default_timeout=timeout).run()


def page_table(at, column: str):  # noqa: ANN001, ANN201 - AppTest, DataFrame
    """Return the table the page shows with ``column`` (by its Vietnamese header), as shown."""
    from ui.tables import header

    wanted = header(column, "vi")
    return next(d.value for d in at.dataframe if wanted in d.value.columns)


def assert_page_shows(page, rows) -> None:  # noqa: ANN001 - DataFrames or records
    """Assert a page's table equals a command's rows put through the page's localization."""
    import pandas as pd

    from ui.tables import localized

    expected = localized(pd.DataFrame(rows), "vi")
    page = page.reset_index(drop=True)
    assert list(page.columns) == list(expected.columns)
    assert len(page) == len(expected) > 0
    for column in expected.columns:
        left, right = page[column].tolist(), expected[column].tolist()
        if pd.api.types.is_float_dtype(expected[column]):
            # a column the page does not round: JSON keeps 10 decimals
            assert left == pytest.approx(right, rel=1e-9, abs=1e-9, nan_ok=True), column
        else:
            assert list(map(str, left)) == list(map(str, right)), column


# --- shared checks ----------------------------------------------------------------------------


def brute_force(times, demands, caps) -> tuple[int, float]:  # noqa: ANN001 - ndarrays
    """Most enterprises placed, then least total time, over every assignment."""
    import itertools

    import numpy as np

    n, m = times.shape
    best = (0, 0.0)
    for combo in itertools.product(range(-1, m), repeat=n):
        load = np.zeros_like(caps)
        total, count = 0.0, 0
        for i, j in enumerate(combo):
            if j < 0:
                continue
            if not np.isfinite(times[i, j]):
                break
            load[j] += demands[i]
            total += times[i, j]
            count += 1
        else:
            if (load <= caps).all() and (count, -total) > (best[0], -best[1]):
                best = (count, total)
    return best


def page_texts(path: Path) -> list[str]:
    """The text of every page of a PDF (pdftotext, layout kept, NFC), in order."""
    import subprocess
    import unicodedata

    from pypdf import PdfReader

    count = len(PdfReader(path).pages)
    return [unicodedata.normalize("NFC", subprocess.run(
        ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"], check=True,
        capture_output=True, text=True).stdout) for n in range(1, count + 1)]


def title_of(text: str) -> str:
    """A printed page's title: the line under the classification marking."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[1] if lines and lines[0] == "MẬT" else lines[0]


def map_pages(at) -> list[str]:  # noqa: ANN001 - AppTest
    """The HTML pages of the maps a page shows (``ui.map_frames.show_map_page``'s frames)."""
    from ui.map_frames import shown_page

    return [shown_page(e.proto) for e in at.get("bidi_component")
            if e.proto.component_name == "kvpt_map_frames"]


def page_map_html(at) -> str:  # noqa: ANN001 - AppTest
    """The HTML page of the one map a page shows, its feature files put inside."""
    pages = map_pages(at)
    assert len(pages) == 1, len(pages)
    return with_feature_files(pages[0])


def with_feature_files(html: str) -> str:
    """An app map page with the feature files it loads put inside (all must exist)."""
    files = {name: static_cache.read(name) for name in referenced_files(html)}
    missing = [name for name, text in files.items() if text is None]
    assert not missing, f"the page loads feature files that were not published: {missing}"
    return inline_shared(html, files)


needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext"),
    reason="poppler-utils (pdftotext) not installed: `make test` installs them")
"""Mark of the tests that read a PDF's text back with poppler's ``pdftotext``."""


def flat(text: str) -> str:
    """A page's words in one line (wrapped paragraphs joined)."""
    return " ".join(text.split())
