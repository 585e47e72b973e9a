"""The wheel carries everything: built, installed in a fresh venv, run outside the checkout.

``data/`` and ``static/`` are installed as the packages ``kvpt_data`` and ``kvpt_static``
(``pyproject.toml``) and found with ``importlib.resources`` (``layers/resources.py``).
The fresh venv gets only the wheel (``--no-deps``); a ``.pth`` file lends it the project
venv's site-packages for the dependencies. A path added by a ``.pth`` file is not scanned
for ``.pth`` files itself, so the project's editable install is not loaded there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from maps.offline import external_urls

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]

DATA_FILES = ["SOURCES.md", "real/LICENSES.txt", "real/roads.geojson",
              "licenses/dvhcvn_LICENSE_GPL-3.0.txt", "licenses/CC-BY-SA-4.0_legalcode.txt"]
STATIC_FILES = ["leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/LICENSE",
                "leaflet/images/marker-icon.png",
                "leaflet-vectorgrid/Leaflet.VectorGrid.bundled.min.js",
                "leaflet-vectorgrid/LICENSE"]


def _run(args: list, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    res = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                         text=True, timeout=120, check=False)
    assert res.returncode == 0, f"{args}\n{res.stdout}\n{res.stderr}"
    return res


def _source_copy(dest: Path) -> Path:
    """Copy what the build needs (named by pyproject.toml) away from the checkout."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    dest.mkdir()
    for name in ["pyproject.toml", "README.md", "LICENSE",
                 *(f"{m}.py" for m in SETUPTOOLS.get("py-modules", []))]:
        shutil.copy2(ROOT / name, dest / name)
    mapped = SETUPTOOLS.get("package-dir", {})
    folders = {mapped.get(p, p.split(".")[0]) for p in SETUPTOOLS["packages"]
               if "." not in p or p.split(".")[0] not in mapped}
    for folder in sorted(folders):
        shutil.copytree(ROOT / folder, dest / folder, ignore=ignore)
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import setuptools

    major = int(setuptools.__version__.split(".")[0])
    assert major >= 77, (f"setuptools {setuptools.__version__} cannot build the wheel (PEP 639 "
                         "licence metadata): pip install -e '.[test]' brings setuptools>=77")
    tmp = tmp_path_factory.mktemp("wheel")
    src = _source_copy(tmp / "src")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "--no-index", "--quiet", src, "-w", tmp / "dist"], cwd=tmp)
    (built,) = (tmp / "dist").glob("kvpt_planner-*.whl")
    return built


def test_wheel_carries_data_static_and_licences(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for rel in DATA_FILES:
        assert f"kvpt_data/{rel}" in names, rel
    for rel in STATIC_FILES:
        assert f"kvpt_static/{rel}" in names, rel
    real = {p.name for p in (ROOT / "data" / "real").glob("*.geojson")}
    assert {n.removeprefix("kvpt_data/real/") for n in names
            if n.startswith("kvpt_data/real/") and n.endswith(".geojson")} == real
    info = next(n for n in names if n.endswith(".dist-info/METADATA")).rsplit("/", 1)[0]
    assert f"{info}/licenses/LICENSE" in names
    assert f"{info}/licenses/data/licenses/dvhcvn_LICENSE_GPL-3.0.txt" in names
    assert f"{info}/licenses/static/leaflet/LICENSE" in names
    meta = zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode()
    assert "License-Expression: GPL-3.0-or-later AND CC-BY-SA-4.0" in meta
    gpl = zipfile.ZipFile(wheel).read(f"{info}/licenses/LICENSE").decode()
    assert "GNU GENERAL PUBLIC LICENSE" in gpl and "END OF TERMS AND CONDITIONS" in gpl


def test_installed_wheel_runs_demo_and_map_outside_the_checkout(
        wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp_path)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
          "--no-index", "--quiet", wheel], cwd=tmp_path)
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                     cwd=tmp_path).stdout.strip())
    deps = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (site / "_kvpt_test_deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")

    work = tmp_path / "work"  # outside the checkout: nothing found relative to the cwd
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    probe = ("import json, cli, geo, kvpt_data, kvpt_static, maps.offline as o, "
             "layers.basemap as b; print(json.dumps([geo.__file__, cli.__file__, "
             "kvpt_data.__file__, kvpt_static.__file__, str(o.STATIC_DIR), str(b.DATA_DIR)]))")
    paths = json.loads(_run([python, "-c", probe], cwd=work, env=env).stdout)
    for path in paths:  # the code and the resources come from the wheel, not the checkout
        assert Path(path).resolve().is_relative_to(venv.resolve()), path

    kvpt = venv / "bin" / "kvpt"
    _run([kvpt, "demo", "P.gpkg"], cwd=work, env=env)
    layers = json.loads(_run([kvpt, "layers", "P.gpkg", "--json"], cwd=work, env=env).stdout)
    sources = {row["source_file"] for row in layers}
    kinds = {row["kind"] for row in layers}
    assert {"data/real/province.geojson", "data/real/roads.geojson",
            "data/real/communes.geojson"} <= sources
    assert {"admin_unit", "border", "combat_base", "relocation_site"} <= kinds
    assert all(row["feature_count"] > 0 for row in layers)

    _run([kvpt, "map", "P.gpkg", "out.html"], cwd=work, env=env)
    page = (work / "out.html").read_text(encoding="utf-8")
    leaflet = (ROOT / "static" / "leaflet" / "leaflet.js").read_text(encoding="utf-8")
    assert leaflet.splitlines()[1] in page  # " * Leaflet 1.9.x, a JS library ..." inlined
    assert external_urls(page) == [] and "/app/static/" not in page
    assert not any(cdn in page for cdn in ("cdn.jsdelivr.net", "cdnjs.cloudflare.com",
                                           "unpkg.com", "code.jquery.com"))
    assert json.dumps("Lạng Sơn") in page  # the project's features, JSON-escaped
