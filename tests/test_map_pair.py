"""Plan A beside plan B: one page, two offline maps that pan and zoom together."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest
from test_maps import border, communes, fictional_bases

from browser import launch, open_page, page_errors, serve_dir, wait_for_leaflet
from maps.map_pair import FRAME_IDS, synced_pair_html
from maps.offline import STATIC_DIR, external_urls
from maps.project_map import MapLayer, build_map


def pair() -> tuple:
    left = build_map([MapLayer("Xã (mẫu)", "admin_unit", communes())], title="Phương án A")
    right = build_map([MapLayer("Biên giới", "border", border()),
                       MapLayer("Căn cứ chiến đấu", "combat_base", fictional_bases())],
                      title="Phương án B")
    return left, right


def test_pair_page_holds_both_maps_and_no_outside_url() -> None:
    page = synced_pair_html(*pair(), assets="inline", title="A và B")
    inner = html.unescape(page)
    assert page.count("<iframe ") == 2
    assert "Phương án A" in inner and "Phương án B" in inner
    assert external_urls(inner) == []
    assert "/app/static/" not in inner  # inline: works from a file, no server


def test_pair_static_mode_loads_leaflet_from_the_app() -> None:
    inner = html.unescape(synced_pair_html(*pair(), assets="static"))
    assert external_urls(inner) == []
    assert inner.count('src="/app/static/leaflet/leaflet.js"') == 2


def test_unknown_asset_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown asset mode 'cdn'"):
        synced_pair_html(*pair(), assets="cdn")


VIEW_JS = """id => {
    const w = document.getElementById(id).contentWindow;
    const map = w[w.document.querySelector(".folium-map").id];
    const c = map.getCenter();
    return [c.lat, c.lng, map.getZoom()];
}"""

MOVE_JS = """([id, lat, lng, zoom]) => {
    const w = document.getElementById(id).contentWindow;
    w[w.document.querySelector(".folium-map").id].setView([lat, lng], zoom, {animate: false});
}"""


@pytest.mark.browser
@pytest.mark.parametrize("assets", ["inline", "static"])
def test_maps_follow_each_other_in_chromium(tmp_path: Path, assets: str) -> None:
    if assets == "static":
        shutil.copytree(STATIC_DIR, tmp_path / "app" / "static")
    (tmp_path / "pair.html").write_text(synced_pair_html(*pair(), assets=assets),
                                        encoding="utf-8")
    with serve_dir(tmp_path) as base, launch() as browser, \
            open_page(browser, width=1000) as (page, log):  # two maps of ~500 px
        page.goto(f"{base}/pair.html")
        for frame in page.frames[1:]:
            wait_for_leaflet(frame)
        page.wait_for_function("document.body.dataset.synced === '1'", timeout=10_000)
        left, right = FRAME_IDS
        assert page.evaluate(VIEW_JS, right) == pytest.approx(page.evaluate(VIEW_JS, left))

        page.evaluate(MOVE_JS, [left, 21.6, 106.4, 11])
        assert page.evaluate(VIEW_JS, right) == pytest.approx([21.6, 106.4, 11], abs=1e-6)
        page.evaluate(MOVE_JS, [right, 22.1, 106.9, 9])
        assert page.evaluate(VIEW_JS, left) == pytest.approx([22.1, 106.9, 9], abs=1e-6)

        assert page.locator(f"#{left}").bounding_box()["x"] < \
            page.locator(f"#{right}").bounding_box()["x"]
        # each map is narrower than FOLD_BELOW_PX: its legend opens folded, a click unfolds
        legend = page.frame_locator(f"#{right}").locator(".kvpt-legend")
        assert legend.locator("details").get_attribute("open") is None
        assert not legend.locator(".kvpt-entry").first.is_visible()
        legend.locator("summary").click()
        assert legend.locator(".kvpt-entry").first.is_visible()
        assert page_errors(page) == []
        assert log.outside_localhost() == [] and log.failed == []
