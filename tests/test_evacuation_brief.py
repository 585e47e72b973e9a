"""The demo's forest-fire zone and the evacuation brief (issue #12 part 3, civil defense).

The zone is checked with shapely in metres against the real commune polygons read from
``data/real``; the brief's PDF is read back page by page (``pdftotext``) and must say what
``kvpt evacuate --json`` says for the same options (totals, the communes left and why,
each shelter's load), in Vietnamese; the Evacuation page's button must build that PDF.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli import app
from conftest import app_test, flat, needs_poppler, page_texts, title_of
from layers.basemap import real_layer
from layers.demo import FICTIONAL, FICTIONAL_SUFFIX
from layers.demo_hazards import FIRE_COMMUNES, FIRE_DISTRICT, FIRE_INSET_M, FIRE_LAYER
from layers.store import ProjectStore

METRIC = "EPSG:3405"
FIRE = ("--hazard", "forest_fire", "--max-min", "120")
REASONS_VI = {  # what a Vietnamese reader must read for each reason code of the JSON
    "no_shelter": "mọi nơi sơ tán đều nằm trong vùng thiên tai",
    "not_connected": "không tới được nơi sơ tán an toàn nào bằng đường bộ",
    "max_time": "không có nơi sơ tán an toàn trong thời gian tối đa",
    "capacity": "các nơi sơ tán an toàn trong thời gian tối đa đã hết chỗ",
}
ENGLISH = ("People at risk", "Shelter", "forest_fire", "area_share", "max_time",
           "capacity", "Evacuation", "sheltered")



def kvpt(*args: object):  # noqa: ANN201 - click Result
    return CliRunner().invoke(app, [str(a) for a in args])


def vi(n: float) -> str:
    """A whole number written the Vietnamese way (``4.227``), independently of the code."""
    return f"{round(n):,}".replace(",", ".")




@pytest.fixture(scope="module")
def fire_json(demo_master: Path) -> dict:
    res = kvpt("evacuate", demo_master, *FIRE, "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def fire_pdf(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("evac_brief") / "so_tan.pdf"
    res = kvpt("brief", demo_master, out, "--evacuation", *FIRE)
    assert res.exit_code == 0, res.output
    assert f"Wrote {out} ({len(page_texts(out))} pages, 3 items)" in res.stdout
    return out


def test_demo_fire_zone_is_fictional_and_inside_the_upland_communes(demo_master: Path
                                                                     ) -> None:
    store = ProjectStore(demo_master)
    zone = store.read(FIRE_LAYER + FICTIONAL_SUFFIX).to_crs(METRIC)
    assert len(zone) == 1 and zone["hazard"].tolist() == ["forest_fire"]
    assert (zone["fictional"] == FICTIONAL).all() and "Giả định" in zone["note"].iloc[0]
    real = real_layer("communes").to_crs(METRIC)
    picked = real[(real["level2_id"] == FIRE_DISTRICT) & real["commune_vn"].isin(FIRE_COMMUNES)]
    assert sorted(picked["commune_vn"]) == sorted(FIRE_COMMUNES)
    upland = picked.geometry.buffer(60.0).union_all()
    # shrunk by FIRE_INSET_M, then thinned by 100 m at most: still 1,400 m inside
    assert zone.geometry.iloc[0].buffer(FIRE_INSET_M - 100.0).within(upland)
    assert zone.area.iloc[0] > 50e6  # a real upland, not a sliver (km² of three communes)


def test_evacuating_from_forest_fire_takes_the_zone_communes(demo_master: Path,
                                                            fire_json: dict) -> None:
    zone = ProjectStore(demo_master).read(FIRE_LAYER + FICTIONAL_SUFFIX).to_crs(METRIC)
    real = real_layer("communes").to_crs(METRIC)
    hit = real[real.intersection(zone.geometry.iloc[0]).area > 0]
    communes = pd.DataFrame(fire_json["communes"])
    assert set(communes["code"]) == set(hit["commune_id"].astype(str))
    assert set(communes["name"]) == set(FIRE_COMMUNES)
    assert set(communes["hazards"]) == {"forest_fire"}
    # at 120 min some are sheltered and some are not: the brief has both to show
    assert 0 < communes["evacuated"].sum() < communes["at_risk"].sum()


@needs_poppler
def test_brief_totals_are_the_commands(fire_pdf: Path, fire_json: dict) -> None:
    pages = page_texts(fire_pdf)
    communes = pd.DataFrame(fire_json["communes"])
    at_risk, sheltered = communes["at_risk"].sum(), communes["evacuated"].sum()
    left = communes[communes["unserved"] > 0]
    overview = flat(pages[1])
    assert (f"{len(communes)} xã trong vùng thiên tai: {vi(at_risk)} người cần sơ tán; "
            f"đã bố trí nơi sơ tán cho {vi(sheltered)} người; {vi(at_risk - sheltered)} "
            f"người chưa có nơi sơ tán ({len(left)} xã).") in overview
    assert "cháy rừng" in overview and "120 phút" in overview
    plan = flat(pages[2])
    for row in communes.itertuples():
        assert f"{row.code} {row.name}" in plan
        assert f"{vi(row.at_risk)} {vi(row.evacuated)} {vi(row.unserved)}" in plan


@needs_poppler
def test_brief_lists_the_unserved_communes_with_their_reason(fire_pdf: Path,
                                                            fire_json: dict) -> None:
    pages = page_texts(fire_pdf)
    communes = pd.DataFrame(fire_json["communes"])
    left = communes[communes["unserved"] > 0]
    assert len(left)
    page = flat(next(p for p in pages if title_of(p) == "Xã còn người chưa có nơi sơ tán"))
    for row in left.itertuples():
        assert (f"{row.code} {row.name} {vi(row.at_risk)} {vi(row.evacuated)} "
                f"{vi(row.unserved)} {REASONS_VI[row.reason]}") in page
    for row in communes[communes["unserved"] == 0].itertuples():
        assert f"{row.code} {row.name}" not in page.split("chưa có nơi sơ tán.", 1)[-1]


@needs_poppler
def test_brief_shows_each_shelter_load(fire_pdf: Path, fire_json: dict) -> None:
    pages = page_texts(fire_pdf)
    text = " ".join(flat(p) for p in pages
                    if title_of(p).startswith("Sức chứa và số người bố trí"))
    shelters = pd.DataFrame(fire_json["shelters"])
    used = shelters[shelters["sheltered"] > 0]
    assert used["sheltered"].sum() == pd.DataFrame(fire_json["communes"])["evacuated"].sum()
    for row in used.itertuples():
        load = f"{100 * row.sheltered / row.shelter_capacity:.1f}".replace(".", ",")
        assert (f"{row.shelter} {row.name} {vi(row.shelter_capacity)} {vi(row.sheltered)} "
                f"{load} {row.n_groups} không") in text
    assert f"{len(used)}/{len(shelters)} nơi sơ tán được dùng" in text


@needs_poppler
def test_brief_is_vietnamese_with_settings_and_english_on_request(
        demo_master: Path, fire_pdf: Path, tmp_path: Path) -> None:
    pages = page_texts(fire_pdf)
    assert "Báo cáo sơ tán dân khỏi vùng thiên tai" in pages[0]
    body = "\n".join(pages)
    for word in ENGLISH:
        assert word not in body, word
    settings = flat(pages[-1])
    assert "Thời gian di chuyển tối đa (phút) max_travel_min 120" in settings
    assert "Loại thiên tai cần sơ tán hazard_types cháy rừng" in settings
    out = tmp_path / "en.pdf"
    res = kvpt("brief", demo_master, out, "--evacuation", *FIRE, "--lang", "en",
               "--classification", "MẬT")
    assert res.exit_code == 0, res.output
    english = page_texts(out)
    assert "Evacuation from hazard zones" in english[0] and "MẬT" in english[0]
    assert "people at risk" in flat(english[1]) and "forest fire" in flat(english[1])


def test_evacuation_options_need_evacuation(demo_master: Path, tmp_path: Path) -> None:
    res = kvpt("brief", demo_master, tmp_path / "x.pdf", "--posture", "--max-min", "90")
    assert res.exit_code == 2 and "--max-min" in res.output and "--evacuation" in res.output
    both = kvpt("brief", demo_master, tmp_path / "y.pdf", "--posture", "--evacuation")
    assert both.exit_code == 2 and "exactly one" in both.output
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "y.pdf").exists()


@needs_poppler
def test_page_button_builds_the_same_pdf(demo_project: Path, fire_pdf: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import brief_buttons

    calls: list[tuple] = []
    original = brief_buttons._download

    def record(proj, build, options, key, file_name, depends_on=None):  # noqa: ANN001
        calls.append((proj, build, options, key))
        return original(proj, build, options, key, file_name, depends_on)

    monkeypatch.setattr(brief_buttons, "_download", record)
    at = app_test("ui/evacuation_page.py", demo_project, monkeypatch)
    at.multiselect(key="evac_types").set_value(["forest_fire"])
    at.number_input(key="evac_max_min").set_value(120.0)
    at = at.run()
    assert not at.exception
    assert "brief_evacuation_pdf" in {b.key for b in at.get("download_button")}
    proj, build, options, key = calls[-1]
    assert key == "brief_evacuation"
    assert dict(options["options"])["hazard_types"] == ("forest_fire",)
    data = build(proj, **options, paper="A4", lang="vi", marking=())
    out = tmp_path / "page.pdf"
    out.write_bytes(data)
    assert page_texts(out) == page_texts(fire_pdf)


def test_brief_without_people_at_risk_says_so(demo_project: Path) -> None:
    from planning.brief_evacuation import evacuation_brief
    from planning.brief_tables import BriefTable, BriefText
    from planning.project import Project

    store = ProjectStore(demo_project)
    for rec in store.layers():
        if rec.kind == "hazard_zone":
            assert kvpt("delete", demo_project, rec.name).exit_code == 0
    brief = evacuation_brief(Project(ProjectStore(demo_project)))
    lead = brief.overview.blocks[0]
    assert isinstance(lead, BriefText) and lead.text.startswith(
        "0 xã trong vùng thiên tai: 0 người cần sơ tán")
    assert any(isinstance(b, BriefText) and "Không xã nào" in b.text
               for b in brief.overview.blocks)
    shelters = next(b for b in brief.items[2].blocks if isinstance(b, BriefTable))
    assert set(shelters.column("sheltered")) == {"0"}
    assert len(shelters.rows) == len(store.read(next(
        r.name for r in store.layers() if r.kind == "shelter")))
