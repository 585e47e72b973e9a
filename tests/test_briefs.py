"""Briefing packs: ``kvpt brief``, :mod:`planning.briefs` and :mod:`maps.briefing` (#9, part 3).

The PDFs are read back page by page (``pdftotext``); what a page must say is taken from
the analysis commands' own ``--json`` output, so the brief and the command line agree.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from cli import app
from conftest import flat, needs_poppler, page_texts, sha256, title_of
from maps.pdf_table import Box, column_widths, paginate, text_width
from planning.brief_tables import BriefTable, BriefText, format_number
from planning.table_labels import value_text

runner = CliRunner()
UNIT = "Bộ CHQS tỉnh Lạng Sơn"
PROPOSALS = "Dự án đề xuất (giả định)"
EDITED = "Ý kiến đã sửa: đồng ý có điều kiện, dời ranh giới phía bắc 300 m."



def kvpt(*args: object):
    return runner.invoke(app, [str(a) for a in args])




def marks_per_page(path: Path) -> list[tuple[float, float]]:
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    out = []
    for height, body in re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>',
                                   html, flags=re.S):
        ys = [(float(a) + float(b)) / 2 / float(height) for a, b, word in re.findall(
            r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', body)
            if unicodedata.normalize("NFC", word) == "MẬT"]
        out.append((min(ys, default=1.0), max(ys, default=0.0)))
    return out


@pytest.fixture(scope="module")
def project(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("briefs") / "demo.gpkg"
    shutil.copy2(demo_master, path)
    assert kvpt("settings", path, "--unit", UNIT).exit_code == 0
    return path


@pytest.fixture(scope="module")
def appraisal(project: Path) -> dict:
    res = kvpt("appraise", project, "--proposals", PROPOSALS, "--json")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    opinions = project.parent / "opinions.json"
    opinions.write_text(json.dumps({"DA-02": EDITED}, ensure_ascii=False), encoding="utf-8")
    out = project.parent / "appraisal.pdf"
    res = kvpt("brief", project, out, "--appraisal", PROPOSALS, "--opinions", opinions,
               "--classification", "MẬT")
    assert res.exit_code == 0, res.stderr
    return {"pdf": out, "pages": page_texts(out), "json": data, "stdout": res.stdout}


@needs_poppler
def test_appraisal_brief_has_a_page_per_proposal(appraisal: dict) -> None:
    pages, data = appraisal["pages"], appraisal["json"]
    projects = data["projects"]
    assert len(projects) == 4
    assert len(pages) == 1 + 1 + len(projects) + 1  # cover, overview, proposals, settings
    assert title_of(pages[0]) == "Báo cáo thẩm định dự án – Tỉnh Lạng Sơn"
    assert title_of(pages[1]) == "Tổng hợp kết quả thẩm định"
    for row in projects:
        title = f"Dự án {row['proposal_code']} – {row['proposal_name']}"
        mine = [p for p in pages if title_of(p).startswith(title)]
        assert len(mine) == 1, title  # one page, nothing continued
        text = flat(mine[0])
        assert f"Kết luận: {value_text(row['verdict'], 'vi')}" in text
        works = [p["work_code"] for p in data["pairs"] if p["proposal_id"] ==
                 row["proposal_id"]]
        assert works and all(code in text for code in works), title
        assert f"Công trình quốc phòng trong phạm vi 5.000 m: {len(works)}" in text


@needs_poppler
def test_drafted_opinion_names_the_works_and_an_edited_one_replaces_it(appraisal: dict
                                                                        ) -> None:
    pages, data = appraisal["pages"], appraisal["json"]
    for row in data["projects"]:
        page = next(p for p in pages if row["proposal_code"] in title_of(p))
        opinion = flat(page).split("Ý kiến đề xuất", 1)[1]
        if row["proposal_code"] == "DA-02":
            assert flat(EDITED) in opinion
            assert "Đề nghị" not in opinion  # the draft is gone
            continue
        for pair in (p for p in data["pairs"] if p["proposal_id"] == row["proposal_id"]):
            assert pair["work_code"] in opinion
            assert format_number(pair["distance_m"], 0, "vi") in opinion or \
                pair["verdict"] == "conflict"
        assert "Đề nghị" in opinion  # conditions proposed
    conflict = next(p for p in data["pairs"] if p["verdict"] == "conflict")
    page = next(p for p in pages if conflict["proposal_code"] in title_of(p))
    assert format_number(conflict["overlap_m2"], 0, "vi") + " m²" in flat(page)


@needs_poppler
def test_settings_page_and_marking_on_every_page(appraisal: dict, project: Path) -> None:
    from layers.store import ProjectStore
    from planning.appraisal import appraise
    from planning.project import Project

    used = appraise(Project(ProjectStore(project)), PROPOSALS).settings
    last = appraisal["pages"][-1]
    assert title_of(last) == "Các thiết lập đã dùng"
    for key, value in used.items():
        assert key in last, key
        if isinstance(value, dict):
            for kind, width in value.items():
                assert f"{kind} = {format_number(width, None, 'vi')}" in flat(last)
        elif isinstance(value, float):
            assert format_number(value, None, "vi") in last
    marks = marks_per_page(appraisal["pdf"])
    assert len(marks) == len(appraisal["pages"])
    assert all(top < 0.06 and bottom > 0.94 for top, bottom in marks)
    cover = flat(appraisal["pages"][0])
    assert UNIT in cover and "Độ mật: MẬT" in cover
    contents = re.findall(r"^\s*(\d+) (.+?)\s{2,}(\d+)\s*$", appraisal["pages"][0],
                          flags=re.M)
    assert len(contents) == 6  # overview, 4 proposals, settings
    for _, title, page in contents:  # the contents point at the pages
        assert title_of(appraisal["pages"][int(page) - 1]) == title.strip()


@needs_poppler
def test_relocation_brief_totals_equal_the_command(project: Path) -> None:
    res = kvpt("relocate", project, "--list-segments", "--json")
    cut = json.loads(res.stdout)[0]["segment_id"]
    totals = {}
    for tag, args in (("A", []), ("B", ["--cut", cut])):
        res = kvpt("relocate", project, "--json", *args)
        assert res.exit_code == 0, res.stderr
        rows = json.loads(res.stdout)["enterprises"]
        placed = [r for r in rows if r["site"] is not None]
        totals[tag] = (len(placed), len(rows), sum(r["travel_min"] for r in placed))
    out = project.parent / "relocation.pdf"
    res = kvpt("brief", project, out, "--relocation", "--cut", cut)
    assert res.exit_code == 0, res.stderr
    pages = page_texts(out)
    text = flat("\n".join(pages))
    for tag, (placed, total, minutes) in totals.items():
        line = (f"Phương án {tag}: bố trí {placed}/{total} doanh nghiệp; tổng thời gian "
                f"{format_number(minutes, 1, 'vi')} phút")
        assert line in text, line
    assert totals["A"] != totals["B"]  # the cut changed the plan
    titles = [title_of(p) for p in pages]
    for title in ("Phương án A: mạng đường đầy đủ", "Phương án B: đã cắt đoạn đường",
                  "Thay đổi khi cắt đoạn đường"):
        assert title in titles
    assert f"Đoạn đường bị cắt: {cut}" in text
    changes = json.loads(kvpt("relocate", project, "--json", "--cut", cut).stdout)["changes"]
    changed = flat("\n".join(p for p in pages if title_of(p).startswith("Thay đổi")))
    assert changes and all(c["enterprise"] in changed for c in changes)
    assert "cut" in flat(pages[-1]) and cut in flat(pages[-1])  # settings: the cut


@needs_poppler
def test_posture_brief_in_english(project: Path) -> None:
    res = kvpt("posture", project, "--json")
    units = [u for u in json.loads(res.stdout) if u["n_required"] > 0]
    complete = sum(bool(u["complete"]) for u in units)
    out = project.parent / "posture.pdf"
    res = kvpt("brief", project, out, "--posture", "--lang", "en", "--classification", "")
    assert res.exit_code == 0, res.stderr
    pages = page_texts(out)
    text = flat("\n".join(pages))
    assert f"{complete} of {len(units)} units with requirements are complete." in text
    titles = [title_of(p) for p in pages]
    for title in ("Posture overview", "Completeness per admin unit", "Depth behind the border",
                  "Mutual support between positions", "Settings used"):
        assert title in titles
    assert "MẬT" not in text and "posture_requirements" in text and "depth_bands_km" in text


def test_brief_errors_exit_2_and_write_nothing(project: Path, tmp_path: Path) -> None:
    before = sha256(project)
    bad = tmp_path / "bad.json"
    bad.write_text('{"DA-09": "x"}', encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    cases = (([], "give exactly one of"), (["--posture", "--relocation"], "exactly one"),
             (["--posture", "--cut", "x"], "--cut applies to --relocation"),
             (["--appraisal", "Nope"], "'Nope' is not a layer"),
             (["--appraisal", PROPOSALS, "--opinions", bad], "DA-01, DA-02, DA-03, DA-04"),
             (["--appraisal", PROPOSALS, "--opinions", broken], "must be a JSON object"),
             (["--relocation", "--cut", "no-such-segment"], "no road segment"))
    for args, words in cases:
        res = kvpt("brief", project, tmp_path / "x.pdf", *args)
        assert res.exit_code == 2, args
        assert words in res.stderr and len(res.stderr.strip().splitlines()) == 1, args
    assert kvpt("brief", project, tmp_path / "x.txt", "--posture").exit_code == 2
    assert not [p for p in tmp_path.iterdir() if p.suffix != ".json"]
    assert sha256(project) == before


def test_draft_opinion_per_verdict() -> None:
    import pandas as pd

    from planning.opinions import draft_opinion

    row = {"proposal_code": "DA-9", "proposal_name": "Khu X", "verdict": "near"}
    pairs = pd.DataFrame([
        {"work": "L:1", "work_code": "CT-1", "work_name": "Căn cứ A", "work_kind": "rear_base",
         "distance_m": 812.4, "overlap_m2": 0.0, "zone_overlap_m2": 0.0,
         "zone_width_m": 300.0, "verdict": "near"},
        {"work": "L:2", "work_code": "CT-2", "work_name": "Căn cứ B",
         "work_kind": "combat_base", "distance_m": 4012.0, "overlap_m2": 0.0,
         "zone_overlap_m2": 0.0, "zone_width_m": 500.0, "verdict": "clear"}])
    vi = draft_opinion(row, pairs, lang="vi", search_m=5000, near_m=1000)
    assert "DA-9 – Khu X" in vi and "“gần”" in vi
    assert "CT-1 – Căn cứ A (căn cứ hậu phương) 812 m" in vi
    assert "CT-2 – Căn cứ B cách 4.012 m" in vi and "1.000 m" in vi
    assert "giữ khoảng cách hiện nay tới công trình CT-1" in vi
    en = draft_opinion({**row, "verdict": "clear"}, pairs.assign(verdict="clear"), lang="en",
                       search_m=5000)
    assert "affects no defense work within 5,000 m" in en and "CT-1 – Căn cứ A" in en


def test_long_table_flows_over_boxes_with_headers_and_whole_rows() -> None:
    rows = [[f"C-{i:02d}", "Một tên rất dài " * (1 + i % 3), str(i)] for i in range(60)]
    table = BriefTable(["Mã", "Tên", "Số"], rows, ["code", "name", "n"],
                       [False, False, True], "Danh sách")
    boxes = [Box(0, 0, 80, 40), Box(0, 0, 150, 120)]
    filled = paginate([BriefText("Mở đầu " * 40), table], lambda n: boxes[min(n, 1)])
    assert len(filled) > 2
    seen = []
    for n, lines in enumerate(filled):
        box = boxes[min(n, 1)]
        assert sum(line.height for line in lines) <= box.h + 1e-6  # nothing overflows
        rows_here = [line for line in lines if line.kind == "row"]
        if rows_here:
            assert rows_here[0].style == "header"  # each box's part starts with the header
        seen += [line.texts[0] for line in rows_here if line.style != "header"]
        for line in rows_here:
            assert abs(sum(line.widths) - box.w) < 1e-6
    assert seen == [r[0] for r in rows]  # every row once, in order, none split


def test_columns_fit_their_longest_word_and_wrapping_is_exact() -> None:
    table = BriefTable(["Mã", "Tên công trình", "Loại"],
                       [["CCCD-181", "Căn cứ chiến đấu Bình Gia " * 3, "Căn cứ chiến đấu"]],
                       ["code", "name", "kind"], [False] * 3)
    widths = column_widths(table, 70.0)
    assert sum(widths) == pytest.approx(70.0)
    assert widths[0] >= text_width("CCCD-181", 7.0) + 2.0


def test_page_buttons_show_downloads(demo_master: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KVPT_PROJECT", str(demo_master))
    at = AppTest.from_function(_buttons, default_timeout=120).run()
    assert not at.exception and not at.error
    assert len(at.text_area) == 0  # the opinions are edited and saved on the page itself
    assert any("ý kiến đã lưu" in c.value for c in at.caption)
    keys = {b.key for b in at.get("download_button")}
    assert {"brief_appraisal_pdf", "brief_relocation_pdf", "brief_posture_pdf",
            "atlas_pdf"} <= keys
    assert any("11 trang bản đồ" in c.value for c in at.caption)
    at.selectbox(key="atlas_by").set_value("commune")
    at.selectbox(key="atlas_where").set_value("Huyện Tràng Định")
    at = at.run()
    assert any("23 trang bản đồ" in c.value for c in at.caption)


def test_page_pdf_builder_takes_the_edited_opinion(demo_master: Path) -> None:
    from layers.store import ProjectStore
    from planning.project import Project
    from ui.brief_buttons import _appraisal_pdf

    proj = Project(ProjectStore(demo_master))
    data = _appraisal_pdf(proj, proposals=PROPOSALS, zones=(), search_m=None, near_m=None,
                          opinions=(("DA-01", EDITED),), paper="A4", lang="vi", marking=())
    assert data.startswith(b"%PDF") and len(PdfReader(io.BytesIO(data)).pages) == 7


def _buttons() -> None:
    import os

    from layers.store import ProjectStore
    from planning import appraisal
    from planning.project import Project
    from ui.brief_buttons import appraisal_brief, atlas_panel, posture_brief, relocation_brief
    from ui.state import CachedReader

    proj = Project(CachedReader(ProjectStore(os.environ["KVPT_PROJECT"])))
    result = appraisal.appraise(proj, "Dự án đề xuất (giả định)")
    appraisal_brief(proj, "Dự án đề xuất (giả định)", result)
    relocation_brief(proj, {"min_depth_km": None}, [])
    posture_brief(proj)
    atlas_panel(proj)


@needs_poppler
def test_an_opinion_saved_on_the_page_is_the_briefs(demo_master: Path, tmp_path: Path
                                                    ) -> None:
    from layers.store import ProjectStore
    from planning import appraisal, opinion_records
    from planning.project import Project

    path = tmp_path / "saved.gpkg"
    shutil.copy2(demo_master, path)
    proj = Project(ProjectStore(path))
    result = appraisal.appraise(proj, PROPOSALS)
    row = result.tables["projects"].iloc[0]
    saved = "Ý kiến đã lưu: đồng ý, giữ hành lang 500 m về phía đông."
    opinion_records.save_opinions(proj, result, {row["proposal_id"]: saved}, author="tester")
    out = tmp_path / "saved.pdf"
    res = kvpt("brief", path, out, "--appraisal", PROPOSALS)
    assert res.exit_code == 0, res.stderr
    pages = page_texts(out)
    mine = next(p for p in pages if row["proposal_code"] in title_of(p))
    assert flat(saved) in flat(mine).split("Ý kiến đề xuất", 1)[1]
    others = [p for p in pages[2:-1] if row["proposal_code"] not in title_of(p)]
    assert others and all(flat(saved) not in flat(p) for p in others)
    # an opinion given for the brief still wins over the saved one
    given = tmp_path / "given.json"
    given.write_text(json.dumps({row["proposal_code"]: EDITED}, ensure_ascii=False),
                     encoding="utf-8")
    res = kvpt("brief", path, out, "--appraisal", PROPOSALS, "--opinions", given)
    assert res.exit_code == 0, res.stderr
    mine = next(p for p in page_texts(out) if row["proposal_code"] in title_of(p))
    assert flat(EDITED) in flat(mine) and flat(saved) not in flat(mine)
