"""Issue #10, part 1: no crash on hostile input.

Every input of the generated corpus (``tests/hostile/make_corpus.py``, over 200 files) goes
through ``kvpt import``: exit 2 and one line on stderr, the catalogue message the case
names (escaped: no control character), no traceback, no warning, nothing echoed from the
file, the project byte for byte unchanged and no file written beside the input or left in
the temporary folder. A few inputs are imported with a repair or a loss the report states
(exit 0). The ones that must prove a clean stderr of a real process (GDAL warnings, click
usage text, terminal escapes, ``-x.geojson``) run as subprocesses.

Also here: exports neutralise spreadsheet formulas (OWASP CSV injection) and accept any
layer name; a usage error of ``kvpt import`` is one line too.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import string
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box
from typer.testing import CliRunner

from cli import app
from layers import limits
from layers.messages import HINTS, MESSAGES

sys.path.insert(0, str(Path(__file__).parent / "hostile"))

from make_corpus import Case, all_cases, reported_cases  # noqa: E402

CASES = all_cases()
REPORTED = reported_cases()
KVPT = Path(sys.executable).with_name("kvpt")
runner = CliRunner()


def test_the_corpus_holds_over_200_inputs() -> None:
    assert len(CASES) >= 200
    assert {c.key for c in CASES} <= set(MESSAGES)


def test_the_new_messages_are_their_own_keys() -> None:
    import ast

    from layers import messages as catalogue
    from layers import messages_input, messages_io

    source = Path(catalogue.__file__).read_text(encoding="utf-8")
    base = {k.value for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Dict)
            for k in node.keys if isinstance(k, ast.Constant)}
    assert set(messages_input.MESSAGES).isdisjoint(base | set(messages_io.MESSAGES))
    for key, pair in messages_input.MESSAGES.items():
        assert catalogue.MESSAGES[key] is pair
    assert set(messages_input.HINTS) <= set(messages_input.MESSAGES)


def expected_line(key: str) -> re.Pattern[str]:
    """The regex of the one stderr line of a refusal with catalogue message ``key``."""
    template = MESSAGES[key][1] + HINTS.get(key, "")
    pattern = ""
    for literal, name, _, _ in string.Formatter().parse(template):
        pattern += re.escape(literal) + (".*?" if name is not None else "")
    return re.compile(rf"kvpt: error: {pattern}( Candidates from the coordinates: .*)?")


@pytest.fixture(scope="module")
def empty_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "p.gpkg"
    assert runner.invoke(app, ["init", str(path)]).exit_code == 0
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def prepare(case: Case, tmp_path: Path, empty_project: Path) -> tuple[Path, Path, Path]:
    """Copy the project, run the case's earlier imports, build its input."""
    project_dir = tmp_path / "project"
    inputs = tmp_path / "inputs"
    project_dir.mkdir()
    inputs.mkdir()
    project = project_dir / "p.gpkg"
    shutil.copy2(empty_project, project)
    for build, args in case.before:
        cmd = [args[0], str(project), *args[1:]] if build is None else [
            "import", str(project), str(build(inputs)), *args]
        res = runner.invoke(app, cmd)
        assert res.exit_code == 0, res.stderr
    return project, inputs, case.build(inputs)


def check_refusal(case: Case, stderr: str, stdout: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert expected_line(case.key).fullmatch(lines[0]), (case.key, lines[0])
    assert all(c.isprintable() for c in lines[0]), repr(lines[0])
    assert "Traceback" not in stderr and "Warning" not in stderr
    assert len(lines[0]) < 1200
    assert stdout == ""
    if "secret" in case.tags:
        assert "root:" not in stderr and "PATH=" not in stderr and "/bin/" not in stderr


@pytest.mark.parametrize("case", [c for c in CASES if not c.subprocess], ids=lambda c: c.name)
def test_refused_in_one_line_with_the_store_unchanged(
        case: Case, tmp_path: Path, empty_project: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    project, inputs, source = prepare(case, tmp_path, empty_project)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    before, files = sha256(project), listing(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = runner.invoke(app, ["import", str(project), str(source), *case.args])
    assert res.exit_code == case.exit_code, (res.stderr, res.exception)
    check_refusal(case, res.stderr, res.stdout)
    assert [str(w.message) for w in caught] == []
    assert sha256(project) == before
    assert listing(tmp_path) == files and listing(scratch) == []


@pytest.mark.parametrize("case", [c for c in CASES if c.subprocess], ids=lambda c: c.name)
def test_refused_by_a_real_process_with_a_clean_stderr(
        case: Case, tmp_path: Path, empty_project: Path) -> None:
    project, inputs, source = prepare(case, tmp_path, empty_project)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    before, files = sha256(project), listing(tmp_path)
    env = {**os.environ, "TMPDIR": str(scratch), "PYTHONWARNINGS": "always"}
    arg = source.name if "dash" in case.tags else str(source)
    res = subprocess.run([KVPT, "import", str(project), arg, *case.args], cwd=inputs,
                         capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == case.exit_code, res.stderr
    check_refusal(case, res.stderr, res.stdout)
    assert "Usage:" not in res.stderr
    assert sha256(project) == before
    assert listing(tmp_path) == files and listing(scratch) == []


@pytest.mark.parametrize("case", REPORTED, ids=lambda c: c.name)
def test_repairs_and_losses_are_reported(case: Case, tmp_path: Path,
                                         empty_project: Path) -> None:
    project, _, source = prepare(case, tmp_path, empty_project)
    res = runner.invoke(app, ["import", str(project), str(source), *case.args])
    assert res.exit_code == 0, res.stderr
    note = expected_line(case.key).pattern.replace("kvpt: error: ", "  warning: ", 1)
    note = note.replace("( Candidates from the coordinates: .*)?", "")
    assert any(re.fullmatch(note, line) for line in res.stdout.splitlines()), res.stdout


def test_text_in_numeric_fields_is_stored_empty_not_zero(tmp_path: Path,
                                                         empty_project: Path) -> None:
    from layers.store import ProjectStore

    case = next(c for c in REPORTED if c.name == "dbf_text_in_numbers")
    project, _, source = prepare(case, tmp_path, empty_project)
    assert runner.invoke(app, ["import", str(project), str(source), *case.args]).exit_code == 0
    stored = ProjectStore(project).read(source.stem)
    assert stored["so"].tolist()[0] == 1 and stored["so"].tolist()[2] == 3
    assert pd.isna(stored["so"].iloc[1]) and pd.isna(stored["so"].iloc[3])
    assert pd.isna(stored["dt"].iloc[2]) and stored["dt"].iloc[0] == 1.5


def test_a_nearly_closed_ring_is_closed_and_stored_valid(tmp_path: Path,
                                                         empty_project: Path) -> None:
    from layers.store import ProjectStore

    case = next(c for c in REPORTED if c.name == "geojson_ring_nearly_closed")
    project, _, source = prepare(case, tmp_path, empty_project)
    assert runner.invoke(app, ["import", str(project), str(source), *case.args]).exit_code == 0
    stored = ProjectStore(project).read(source.stem)
    assert stored.geometry.is_valid.all() and stored.to_crs(3405).area.iloc[0] > 1e5


# --- limits are settings ------------------------------------------------------------------


def test_raising_a_limit_lets_the_input_through(tmp_path: Path, empty_project: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    case = next(c for c in CASES if c.name == "zip_60_shapefiles")
    project, _, source = prepare(case, tmp_path, empty_project)
    monkeypatch.setattr(limits, "max_layers", 100)
    from layers.readers import read_source

    assert len(read_source(source)) == 60


def test_one_layer_of_a_big_zip_can_still_be_picked(tmp_path: Path) -> None:
    from layers.readers import read_source, source_layers

    case = next(c for c in CASES if c.name == "zip_60_shapefiles")
    source = case.build(tmp_path)
    assert len(source_layers(source)) == 60
    [src] = read_source(source, layer="s07")
    assert src.name == "s07" and len(src.gdf) == 1


# --- the command line ---------------------------------------------------------------------


def test_a_usage_error_of_import_is_one_line(tmp_path: Path, empty_project: Path) -> None:
    res = subprocess.run([KVPT, "import", str(empty_project), "x.geojson", "--bogus"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert res.returncode == 2
    assert len(res.stderr.splitlines()) == 1, res.stderr
    assert res.stderr.startswith("kvpt: error: ") and "--bogus" in res.stderr


def test_a_file_after_double_dash_is_a_file(tmp_path: Path, empty_project: Path) -> None:
    project = tmp_path / "p.gpkg"
    shutil.copy2(empty_project, project)
    src = tmp_path / "--kind.geojson"
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(106.5, 21.8)], crs=4326).to_file(src)
    res = runner.invoke(app, ["import", str(project), "--kind", "place", "--", str(src)])
    assert res.exit_code == 0, res.stderr


# --- exports --------------------------------------------------------------------------------

FORMULAS = ["=1+1", "+1", "-2+3", "@SUM(A1)", "\tx", "\r=1", "=HYPERLINK(\"http://x\")"]


def formula_layer() -> gpd.GeoDataFrame:
    n = len(FORMULAS)
    return gpd.GeoDataFrame({"name": FORMULAS, "so": [-5] * n, "dt": [-1.5] * n,
                             "=cot": ["ok"] * n},
                            geometry=[Point(106.5 + i / 100, 21.8) for i in range(n)],
                            crs=4326)


def assert_neutral(frame: pd.DataFrame) -> None:
    for col in frame.columns:
        assert not str(col).startswith(("=", "+", "-", "@", "\t", "\r")), col
    for value in frame["name"]:
        assert value.startswith("'"), value
    assert frame["so"].tolist() == [-5] * len(FORMULAS)
    assert frame["dt"].tolist() == [-1.5] * len(FORMULAS)


def test_export_csv_neutralises_formulas(tmp_path: Path) -> None:
    from layers.export import export_layer

    out = export_layer(formula_layer(), tmp_path / "x.csv", layer_name="=bad")
    assert_neutral(pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False,
                               lineterminator="\n"))


def test_result_csv_neutralises_formulas(tmp_path: Path) -> None:
    from layers.tables import table_csv_bytes, write_table

    frame = formula_layer()
    out = write_table(frame, tmp_path / "r.csv")
    assert_neutral(pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False,
                               lineterminator="\n"))
    plain = pd.DataFrame(frame.drop(columns="geometry"))
    data = table_csv_bytes(plain).decode("utf-8-sig")
    assert "\n=" not in data and ",=" not in data and ",+1" not in data
    assert ",-5," in data


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".kml", ".csv", ".zip"])
@pytest.mark.parametrize("name", ["Quốc lộ / tỉnh lộ", "a\\b", "..", "x:y*z?", "", "\x1b[31m",
                                  "tên " * 40])
def test_every_export_takes_any_layer_name(tmp_path: Path, suffix: str, name: str) -> None:
    from layers.export import export_bytes, export_layer

    gdf = gpd.GeoDataFrame({"name": ["a"]}, geometry=[box(106.5, 21.8, 106.6, 21.9)],
                           crs=4326)
    out = export_layer(gdf, tmp_path / f"out{suffix}", layer_name=name)
    assert out.is_file() and listing(tmp_path) == [f"out{suffix}"]
    data, file_name, _ = export_bytes(gdf, suffix, layer_name=name)
    assert data and "/" not in file_name


def test_export_kml_keeps_the_layer_name(tmp_path: Path) -> None:
    from layers.export import export_layer

    gdf = gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(106.5, 21.8)], crs=4326)
    out = export_layer(gdf, tmp_path / "roads.kml", layer_name="Quốc lộ / tỉnh lộ")
    assert "Quốc lộ / tỉnh lộ" in out.read_text(encoding="utf-8")
