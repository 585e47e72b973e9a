"""Bad input to geo/ raises AnalysisInputError; front ends report it, and only it, as bad input.

A plain ``ValueError`` (or any other exception) from an analysis is a bug: ``kvpt`` must
not turn it into "bad input" (one line, exit 2), it propagates with its traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import networkx as nx
import pytest
import typer
from shapely.geometry import Point
from typer.testing import CliRunner

import geo._validate
from cli import app
from cli.common import handles_errors
from geo import appraisal, depth, exercises, network
from geo.errors import AnalysisInputError
from layers.errors import LayerError

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def kvpt(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def _points(crs: object = 3405) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": ["a", "b"], "kind": ["combat_base", "combat_base"]},
                            geometry=[Point(0, 0), Point(1000, 0)], crs=crs)


BAD_CALLS = {
    "appraise, no CRS": lambda: appraisal.appraise(_points(None), _points()),
    "depth, no CRS": lambda: depth.depth_from_border(_points(), _points(None)),
    "yearly_count, no communes": lambda: exercises.yearly_count(0),
    "find_feature, unknown": lambda: network.find_feature(_points().set_axis(["L:0", "L:1"]),
                                                          "nowhere"),
    "network_lines, no roads": lambda: network.network_lines({"L": _points()}),
    "without_segments, unknown": lambda: network.without_segments(nx.MultiGraph(), ["L:9/0/0"]),
}


@pytest.mark.parametrize("call", BAD_CALLS.values(), ids=BAD_CALLS.keys())
def test_bad_input_raises_analysis_input_error_without_cli_words(call) -> None:  # noqa: ANN001
    with pytest.raises(AnalysisInputError) as err:
        call()
    assert isinstance(err.value, ValueError)  # callers catching ValueError still work
    message = str(err.value)
    assert "kvpt" not in message and not re.search(r"(?<![\w-])--\w", message), message


def test_messages_name_the_function_parameters() -> None:
    with pytest.raises(AnalysisInputError, match=r"speeds=\{'QL': 50\}.*all_lines=True"):
        network.network_lines({"L": _points()})
    with pytest.raises(AnalysisInputError, match="n_communes"):
        exercises.yearly_count(0)


def test_geo_raises_no_plain_value_error() -> None:
    pattern = re.compile(r"raise ValueError\b|^\s+ValueError\s*$", re.MULTILINE)
    for path in sorted((ROOT / "geo").glob("*.py")):
        hits = [m.group(0).strip() for m in pattern.finditer(path.read_text(encoding="utf-8"))]
        assert not hits, f"{path.name}: raise AnalysisInputError (geo.errors) instead: {hits}"


# --- cli.common.handles_errors ------------------------------------------------------------


@pytest.mark.parametrize("error", [LayerError("bad layer"),
                                   AnalysisInputError("bad value\nsecond problem")])
def test_handles_errors_reports_bad_input_on_one_line(error: Exception, capsys) -> None:  # noqa: ANN001
    def command() -> None:
        raise error

    with pytest.raises(typer.Exit) as exit_:
        handles_errors(command)()
    assert exit_.value.exit_code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kvpt: error: bad ")


@pytest.mark.parametrize("error", [ValueError("internal"), KeyError("internal")])
def test_handles_errors_lets_bugs_through(error: Exception) -> None:
    def command() -> None:
        raise error

    with pytest.raises(type(error)):
        handles_errors(command)()


# --- through the command line --------------------------------------------------------------


def test_cli_bug_in_an_analysis_is_not_bad_input(demo_master: Path, monkeypatch) -> None:  # noqa: ANN001
    def broken(*_args: object, **_kwargs: object) -> list[str]:
        raise ValueError("simulated internal bug")

    monkeypatch.setattr(geo._validate, "frame_problems", broken)
    res = kvpt("posture", demo_master)
    assert res.exit_code != 2
    assert type(res.exception) is ValueError and "simulated internal bug" in str(res.exception)
    assert "kvpt: error:" not in res.stderr


def test_cli_analysis_input_error_exits_2_with_one_line(demo_master: Path, monkeypatch) -> None:  # noqa: ANN001
    def bad(*_args: object, **_kwargs: object) -> list[str]:
        raise AnalysisInputError("`units` is bad:\nfix it")

    monkeypatch.setattr(geo._validate, "frame_problems", bad)
    res = kvpt("posture", demo_master)
    assert res.exit_code == 2, res.output
    assert res.stderr.strip().splitlines() == ["kvpt: error: `units` is bad: fix it"]


def test_cli_unknown_feature_exits_2_with_one_line(demo_master: Path) -> None:
    res = kvpt("route", demo_master, "--from", "nowhere-at-all", "--to", "nowhere-else")
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "nowhere-at-all" in lines[0] and "Traceback" not in res.stderr
