"""Briefing packs and atlases on the pages: options, opinion text areas, download buttons.

Widgets → :mod:`planning.briefs` / :mod:`planning.atlas` (the contents) →
:mod:`maps.briefing` / :mod:`maps.atlas` (the PDF). The PDF is made only when its button is
clicked (``st.download_button`` is given a function), and kept (:func:`ui.state.cached`)
by the project's layer versions, the options, the edited opinions and the print settings,
so a second click, or the same options again, answers from memory.

The lead wires the functions into the pages: :func:`appraisal_brief` under the appraisal
table, :func:`relocation_brief` under the plans, :func:`posture_brief` on the Posture
page, :func:`evacuation_brief` on the Evacuation page, :func:`atlas_panel` on the Map page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence

import streamlit as st

from planning import prints
from planning.project import Project
from planning.results import Result
from ui.i18n import lang, tr
from ui.state import EXPECTED_ERRORS, cached, error_text

PAPERS: tuple[str, ...] = ("A4", "A3")
PDF = "application/pdf"


def appraisal_brief(proj: Project, proposals_layer: str, result: Result) -> None:
    """Draw the appraisal brief's download: a page per proposal with its written opinion.

    The opinions are the ones saved on the page (:mod:`planning.opinion_records`), else
    the drafts; a save makes the brief afresh (the saved texts are part of its key).

    Parameters
    ----------
    proj : Project
        The project (``ui.state.project()``).
    proposals_layer : str
        The layer appraised.
    result : Result
        The page's appraisal (:func:`planning.appraisal.appraise`); its options are the
        brief's.
    """
    from planning.briefs import saved_opinions

    with st.expander(tr("Báo cáo thẩm định (PDF)", "Appraisal brief (PDF)"),
                     icon=":material/description:"):
        st.caption(tr("Mỗi dự án một trang: kết luận, công trình liên quan và ý kiến thẩm "
                      "định (ý kiến đã lưu ở trên, dự án chưa có ý kiến lưu thì dùng bản "
                      "soạn sẵn).",
                      "A page per project: verdict, works concerned and the written opinion "
                      "(the one saved above; a project with none saved gets the draft)."))
        options = {"proposals": proposals_layer,
                   "zones": tuple(sorted((result.extra.get("zones") or {}).items())),
                   "search_m": result.settings.get("search_distance_m"),
                   "near_m": result.settings.get("near_distance_m"),
                   "opinions": tuple(sorted(saved_opinions(proj, result).items()))}
        _download(proj, _appraisal_pdf, options, "brief_appraisal",
                  f"tham_dinh_{_slug(proposals_layer)}.pdf")


def relocation_brief(proj: Project, options: Mapping[str, object], cut: Sequence[str]
                     ) -> None:
    """Draw the relocation brief's download (plan A; with ``cut``, plan B and changes).

    ``options``: the page's options of :func:`planning.relocation.relocate`
    (``enterprises``, ``sites``, ``min_depth_km``, ``max_min``, ``capacity_by``).
    """
    with st.expander(tr("Báo cáo di chuyển (PDF)", "Relocation brief (PDF)"),
                     icon=":material/description:"):
        st.caption(tr("Phương án A" + (", phương án B và các thay đổi" if cut else "") +
                      ": bản đồ và bảng từng doanh nghiệp.",
                      "Plan A" + (", plan B and the changes" if cut else "") +
                      ": maps and each enterprise's table."))
        _download(proj, _relocation_pdf, {"options": tuple(sorted(options.items())),
                                          "cut": tuple(cut)},
                  "brief_relocation", "di_chuyen_dvcn.pdf")


def evacuation_brief(proj: Project, options: Mapping[str, object]) -> None:
    """Draw the evacuation brief's download: totals, map, communes left, shelter loads.

    ``options``: the page's options of :func:`planning.evacuation.evacuate`
    (``shelters``, ``hazard_types``, ``max_min``, ``group_size``, ``population_rule``).
    """
    with st.expander(tr("Báo cáo sơ tán dân (PDF)", "Evacuation brief (PDF)"),
                     icon=":material/description:"):
        st.caption(tr("Tổng số người cần sơ tán và đã bố trí, bản đồ tuyến sơ tán, các xã "
                      "còn người chưa có nơi sơ tán và sức chứa từng nơi sơ tán.",
                      "People at risk and sheltered, the routes' map, the communes with "
                      "people left and each shelter's load."))
        _download(proj, _evacuation_pdf, {"options": tuple(sorted(options.items()))},
                  "brief_evacuation", "so_tan_dan.pdf")


def posture_brief(proj: Project, *, bands: str | None = None,
                  within_km: float | None = None, within_min: float | None = None,
                  built_only: bool = False) -> None:
    """Draw the posture brief's download (completeness, depth bands, mutual support).

    ``built_only``: count only the built works (the page's toggle), said on every page.
    """
    with st.expander(tr("Báo cáo thế trận (PDF)", "Posture brief (PDF)"),
                     icon=":material/description:"):
        if built_only:
            st.caption(tr("Chỉ tính các công trình đã xây dựng xong.",
                          "Built works only."))
        from planning.roadmap import history

        _download(proj, _posture_pdf, {"bands": bands, "within_km": within_km,
                                       "within_min": within_min, "built_only": built_only},
                  "brief_posture", "the_tran_da_xay_dung.pdf" if built_only
                  else "the_tran.pdf", depends_on=history(proj))


def atlas_panel(proj: Project) -> None:
    """Draw the atlas panel: by district or commune, inside which unit, download."""
    from planning.atlas import atlas_units

    with st.expander(tr("Tập bản đồ (PDF)", "Atlas (PDF)"), icon=":material/menu_book:"):
        left, right = st.columns(2)
        by = left.selectbox(tr("Mỗi trang một", "One page per"), ["district", "commune"],
                            key="atlas_by", format_func={
                                "district": tr("huyện", "district"),
                                "commune": tr("xã", "commune")}.get)
        everywhere = tr("(toàn tỉnh)", "(whole province)")
        areas = prints.area_choices(proj, ("district",))
        where = right.selectbox(tr("Trong", "Within"), [everywhere, *areas], key="atlas_where")
        chosen = None if where == everywhere else areas[where]
        try:
            count = len(atlas_units(proj, by, chosen)[0])
        except EXPECTED_ERRORS as err:
            st.error(error_text(err))
            return
        st.caption(tr(f"Bìa, mục lục và {count} trang bản đồ.",
                      f"Cover, index and {count} map sheets."))
        _download(proj, _atlas_pdf, {"by": by, "where": chosen}, "atlas",
                  f"tap_ban_do_{by}.pdf")


def _download(proj: Project, build: Callable[..., bytes], options: dict, key: str,
              file_name: str, depends_on: object = None) -> None:
    """Draw a paper picker and the download button that builds (or recalls) the PDF.

    ``depends_on``: records the PDF reads besides layers (the roadmap…), part of the key.
    """
    paper = st.radio(tr("Khổ giấy", "Paper"), PAPERS, horizontal=True, key=f"{key}_paper")
    settings = tuple(sorted(prints.read_settings(proj).items()))
    data = functools.partial(_pdf_bytes, proj, build, {**options, "paper": paper,
                                                         "lang": lang(), "marking": settings},
                             depends_on)
    st.download_button(tr("Tải PDF", "Download PDF"), data, file_name=file_name, mime=PDF,
                       key=f"{key}_pdf", icon=":material/picture_as_pdf:", on_click="ignore")


def _pdf_bytes(proj: Project, build: Callable[..., bytes], options: dict,
               depends_on: object = None) -> bytes:
    """Return the PDF, kept by the project's layer versions, every option and ``depends_on``.

    ``options["marking"]`` (the print settings: issuing unit, classification) is part
    of the key only: the builders read the settings from the project.
    """
    return cached(proj, build, depends_on=depends_on, **options)


def _appraisal_pdf(proj: Project, *, proposals: str, zones: tuple, search_m: float | None,
                   near_m: float | None, opinions: tuple, paper: str, lang: str,
                   marking: tuple) -> bytes:
    from maps.briefing import brief_bytes
    from planning.briefs import appraisal_brief as make

    brief = make(proj, proposals, zones=dict(zones), search_m=search_m, near_m=near_m,
                 lang=lang, opinions=dict(opinions))
    return brief_bytes(proj.reader, brief, paper=paper)


def _relocation_pdf(proj: Project, *, options: tuple, cut: tuple, paper: str, lang: str,
                    marking: tuple) -> bytes:
    from maps.briefing import brief_bytes
    from planning.brief_relocation import relocation_brief as make

    return brief_bytes(proj.reader, make(proj, cut=cut, lang=lang, **dict(options)),
                       paper=paper)


def _evacuation_pdf(proj: Project, *, options: tuple, paper: str, lang: str,
                    marking: tuple) -> bytes:
    from maps.briefing import brief_bytes
    from planning.brief_evacuation import evacuation_brief as make

    return brief_bytes(proj.reader, make(proj, lang=lang, **dict(options)), paper=paper)


def _posture_pdf(proj: Project, *, bands: str | None, within_km: float | None,
                 within_min: float | None, paper: str, lang: str,
                 marking: tuple, built_only: bool = False) -> bytes:
    from maps.briefing import brief_bytes
    from planning.brief_posture import posture_brief as make

    brief = make(proj, bands=bands, within_km=within_km, within_min=within_min, lang=lang,
                 built_only=built_only)
    return brief_bytes(proj.reader, brief, paper=paper)


def _atlas_pdf(proj: Project, *, by: str, where: str | None, paper: str, lang: str,
               marking: tuple) -> bytes:
    from maps.atlas import atlas_bytes
    from planning.atlas import atlas_contents

    contents = atlas_contents(proj, by=by, where=where, lang=lang)
    return atlas_bytes(proj.reader, contents, paper=paper)


def _slug(text: str) -> str:
    from layers.store import slugify

    return slugify(text) or "du_an"
