"""`kvpt import` into a PostGIS project: the hostile corpus and real files (issue #10 part 4).

The hostile corpus (``tests/hostile/make_corpus.py``: every input run in-process, and
every reported repair) goes through ``kvpt import`` into a PostGIS project with the same
assertions as ``tests/test_hostile_inputs.py``: one catalogue line, exit 2, the project
unchanged row for row. The few cases run as a subprocess there (terminal bytes, options
read as file names) are about the command line, not the store, and run on GeoPackage only.
Real files import into both back ends identically.
"""

from __future__ import annotations

import re
import tempfile
import warnings
from pathlib import Path

import pytest
from geopandas.testing import assert_geodataframe_equal
from test_hostile_inputs import CASES, REPORTED, check_refusal, expected_line
from typer.testing import CliRunner

from cli import app
from layers.store_open import open_store
from pg_support import fingerprint

runner = CliRunner()
SUBSET = [c for c in CASES if not c.subprocess]
DATA = Path(__file__).parent / "data"
REAL = Path(__file__).parents[1] / "data" / "real"


def prepare(case, tmp_path: Path, url: str) -> tuple[Path, Path]:
    """Make the PostGIS project, run the case's earlier imports, build its input."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    assert runner.invoke(app, ["init", url]).exit_code == 0
    for build, args in case.before:
        cmd = [args[0], url, *args[1:]] if build is None else [
            "import", url, str(build(inputs)), *args]
        res = runner.invoke(app, cmd)
        assert res.exit_code == 0, res.stderr
    return inputs, case.build(inputs)


def test_the_corpus_is_all_here() -> None:
    assert len(SUBSET) >= 190 and len({c.key for c in SUBSET}) >= 20


@pytest.mark.parametrize("case", SUBSET, ids=lambda c: c.name)
def test_refused_in_one_line_with_the_postgis_project_unchanged(
        case, tmp_path: Path, pg_url, monkeypatch: pytest.MonkeyPatch) -> None:
    url = pg_url()
    inputs, source = prepare(case, tmp_path, url)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    before = fingerprint(open_store(url))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = runner.invoke(app, ["import", url, str(source), *case.args])
    assert res.exit_code == case.exit_code, (res.stderr, res.exception)
    check_refusal(case, res.stderr, res.stdout)
    assert [str(w.message) for w in caught] == []
    assert fingerprint(open_store(url)) == before
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("case", REPORTED, ids=lambda c: c.name)
def test_repairs_and_losses_are_reported(case, tmp_path: Path, pg_url) -> None:
    url = pg_url()
    _, source = prepare(case, tmp_path, url)
    res = runner.invoke(app, ["import", url, str(source), *case.args])
    assert res.exit_code == 0, res.stderr
    note = expected_line(case.key).pattern.replace("kvpt: error: ", "  warning: ", 1)
    note = note.replace("( Candidates from the coordinates: .*)?", "")
    assert any(re.fullmatch(note, line) for line in res.stdout.splitlines()), res.stdout


@pytest.mark.parametrize("source", [
    DATA / "lang_son_communes_sample.geojson", DATA / "ne_border_vn_china_lang_son.geojson",
    DATA / "ne_places_lang_son_region.geojson", REAL / "roads.geojson"], ids=lambda p: p.stem)
def test_real_files_import_identically_into_both_back_ends(source: Path, tmp_path: Path,
                                                           pg_url) -> None:
    gpkg, url = str(tmp_path / "p.gpkg"), pg_url()
    for project in (gpkg, url):
        assert runner.invoke(app, ["init", project]).exit_code == 0
        res = runner.invoke(app, ["import", project, str(source)])
        assert res.exit_code == 0, res.output
    a, b = open_store(gpkg), open_store(url)
    assert [r.name for r in a.layers()] == [r.name for r in b.layers()]
    for rec in a.layers():
        other = b.record(rec.name)
        assert (rec.kind, rec.feature_count, rec.checksum, rec.source_crs, rec.encoding) == (
            other.kind, other.feature_count, other.checksum, other.source_crs,
            other.encoding)
        assert_geodataframe_equal(a.read(rec.name), b.read(rec.name), check_dtype=True,
                                  check_less_precise=False)
        assert rec.feature_count > 0
