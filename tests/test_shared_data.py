"""Map pages of the app load their larger feature collections from files (maps/shared_data)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from layers import static_cache
from layers.store import ProjectStore
from maps.display import FeatureLayer
from maps.map_pair import map_doc
from maps.project import store_map
from maps.shared_data import SHARED_MIN_CHARS, URL_BASE, app_page, inline_shared
from planning.project import Project

_FILE_RE = re.compile(
    r'^\(window\.kvptData=window\.kvptData\|\|\{\}\)\["([0-9a-f]{32})"\]=(.*);\n$', re.DOTALL)


def _map(demo_project: Path):  # noqa: ANN202 - a folium map
    store = ProjectStore(demo_project)
    return store_map(Project(store).reader, lang="vi")


def _collections(m) -> list[dict]:  # noqa: ANN001 - folium map
    found = []

    def walk(element) -> None:  # noqa: ANN001
        for child in element._children.values():
            if isinstance(child, FeatureLayer):
                found.append(child.data)
            walk(child)

    walk(m)
    return found


def test_larger_collections_go_to_files_named_after_their_content(demo_project: Path) -> None:
    m = _map(demo_project)
    whole = m.get_root().render()
    page = _map(demo_project)
    shared = app_page(page)
    assert page.get_root().__dict__.get("kvpt_shared") is None  # nothing left on the map
    assert len(shared.html) < len(whole) / 3
    assert shared.files
    loaded = re.findall(r'<script src="' + re.escape(URL_BASE) + r'(features-[0-9a-f]+\.js)">',
                        shared.html)
    assert sorted(loaded) == sorted(shared.files)
    by_key = {}
    for name, text in shared.files.items():
        key, body = _FILE_RE.match(text).groups()
        assert name == f"features-{key}.js"
        by_key[key] = json.loads(body)
    # every collection of the map is in a file (the larger) or in the page (the smaller)
    for data in _collections(m):
        text = json.dumps(data, separators=(",", ":"), sort_keys=True)
        data = json.loads(text)  # tuples as lists, as read back
        if len(text) >= SHARED_MIN_CHARS:
            assert data in by_key.values()
        else:
            assert data not in by_key.values()
    # with its files put back, the page is the page that carries its features
    assert len(inline_shared(shared.html, shared.files)) == pytest.approx(len(whole), rel=0.01)


def test_a_collection_shared_by_two_sides_is_one_file(demo_project: Path) -> None:
    side_a = map_doc(_map(demo_project), shared=True)
    side_b = map_doc(_map(demo_project), shared=True)
    assert side_a.files and side_a.files == side_b.files
    plain = map_doc(_map(demo_project))
    assert not plain.files and URL_BASE not in plain.html


def test_publish_writes_once_touches_and_prunes(tmp_path: Path) -> None:
    names = [f"features-{i:032x}.js" for i in range(5)]
    assert static_cache.publish({n: f"x{i}" for i, n in enumerate(names)}, tmp_path)
    assert [static_cache.read(n, tmp_path) for n in names] == [f"x{i}" for i in range(5)]
    stat = (tmp_path / names[0]).stat()
    assert stat.st_mtime == static_cache.LAST_MODIFIED  # browsers keep it for years
    os.utime(tmp_path / names[0], (1, 1))
    assert static_cache.publish({names[0]: "changed"}, tmp_path)  # same name: same content
    assert static_cache.read(names[0], tmp_path) == "x0"
    assert (tmp_path / names[0]).stat().st_atime > 1  # used again: touched
    for i, name in enumerate(names):
        os.utime(tmp_path / name, (1000 + i, static_cache.LAST_MODIFIED))
    assert static_cache.prune(tmp_path, keep=2) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == names[3:]
    assert not list(tmp_path.glob(".tmp-*"))


def test_publish_refuses_other_names_and_reports_an_unwritable_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="features-<32 hex digits>"):
        static_cache.publish({"../app.py": "x"}, tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert static_cache.publish({f"features-{0:032x}.js": "x"}, blocker / "cache") is False
    assert static_cache.read("../etc/passwd", tmp_path) is None
