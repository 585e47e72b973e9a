"""A briefing pack as one PDF: cover, overview map, a map and tables per item, settings.

The contents come from :mod:`planning.briefs` (:class:`planning.briefs.Brief`); this
module plans the pages (:mod:`maps.brief_pages`) and draws them:

1. the **cover**: the brief's title, the issuing unit, the date, the classification
   (marked top and bottom of every page) and the contents with page numbers;
2. the **overview**: a map sheet of everything discussed, with the summary table;
3. per **item** (a proposed project, a relocation plan, a posture question): a map sheet
   titled with the item, its text and tables under the map, continued on the next
   page(s) with headers repeated when long;
4. the **settings** every analysis used, and the notes on the inputs.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from maps.brief_maps import item_layers
from maps.brief_pages import Page, plan_sheet, plan_text, write_pages
from maps.print_layout import SheetSpec
from maps.project import LayerReader, store_layers
from maps.project_map import MapLayer
from planning.brief_messages import words
from planning.brief_tables import Block, BriefTable, BriefText
from planning.briefs import Brief, BriefItem

ITEM_SHARES: tuple[float, ...] = (0.42, 0.52, 0.6)
"""Shares of an item sheet's map box tried for its text (the first that holds it)."""

OVERVIEW_SHARES: tuple[float, ...] = (0.3, 0.4)
"""Shares of the overview sheet's map box tried for its summary."""

WORDS: dict[str, tuple[str, str]] = {
    "contents": ("Nội dung", "Contents"), "no": ("STT", "No."), "item": ("Mục", "Item"),
    "page": ("Trang", "Page"), "issued": ("Đơn vị", "Issued by"),
    "date": ("Ngày in", "Printed"), "classification": ("Độ mật", "Classification"),
}
"""Words of the cover, (Vietnamese, English)."""


@dataclass
class BriefDocument:
    """A planned briefing pack.

    Attributes
    ----------
    pages : list of Page
        Every page in order.
    first_page : dict of str to int
        Item key (``"overview"``, a proposal's code…, ``"settings"``) → its first page
        number (from 1), as the cover lists it.
    brief : Brief
        What it says.
    """

    pages: list[Page]
    first_page: dict[str, int]
    brief: Brief

    def pages_of(self, key: str) -> list[int]:
        """Return the page numbers (from 1) of an item and its continuations."""
        return [n for n, page in enumerate(self.pages, start=1) if page.key == key]


def plan_brief(reader: LayerReader, brief: Brief, *, paper: str = "A4",
               date: dt.date | None = None) -> BriefDocument:
    """Plan the pages of a briefing pack (nothing is drawn yet).

    Parameters
    ----------
    reader : LayerReader
        The project (its reference layers are read once).
    brief : Brief
        From :func:`planning.briefs.appraisal_brief`,
        :func:`planning.brief_relocation.relocation_brief`,
        :func:`planning.brief_posture.posture_brief` or
        :func:`planning.brief_evacuation.evacuation_brief`.
    paper : {"A4", "A3"}
        Paper of every page.
    date : datetime.date, optional
        Date printed (default: today).
    """
    context = store_layers(reader, brief.context)
    base = SheetSpec(paper=paper, lang=brief.lang, classification=brief.classification,
                     issuing_unit=brief.issuing_unit, date=date or dt.date.today(),
                     grid=brief.grid, grid_crs=brief.grid_crs)
    body = [*_item_pages(context, base, brief, brief.overview, OVERVIEW_SHARES)]
    for item in brief.items:
        body += _item_pages(context, base, brief, item, ITEM_SHARES)
    body += plan_text(replace(base, title=words("settings_title", brief.lang),
                              subtitle=brief.title), _settings_blocks(brief), key="settings")
    keys = list(dict.fromkeys(page.key for page in body))
    cover: list[Page] = []
    first: dict[str, int] = {}
    for _ in range(3):  # the cover's own length moves the numbers it prints
        start = max(len(cover), 1) + 1
        first = {key: start + next(i for i, p in enumerate(body) if p.key == key)
                 for key in keys}
        planned = plan_text(replace(base, title=brief.title),
                            _cover_blocks(brief, base, first, body), key="cover")
        if len(planned) == len(cover):
            break
        cover = planned
    return BriefDocument([*cover, *body], first, brief)


def write_brief(document: BriefDocument, target: str | Path | IO[bytes]) -> list[list[str]]:
    """Draw a briefing pack into one PDF; return the words of each page."""
    return write_pages(document.pages, target, title=document.brief.title)


def brief_bytes(reader: LayerReader, brief: Brief, *, paper: str = "A4") -> bytes:
    """Return a briefing pack as PDF bytes (e.g. for a download button)."""
    buffer = io.BytesIO()
    write_brief(plan_brief(reader, brief, paper=paper), buffer)
    return buffer.getvalue()


def _item_pages(context: list[MapLayer], base: SheetSpec, brief: Brief, item: BriefItem,
                shares: tuple[float, ...]) -> list[Page]:
    spec = replace(base, title=item.title, subtitle=brief.title, extent=item.extent)
    return plan_sheet(item_layers(context, item.overlays, brief.lang), spec, item.blocks,
                      shares=shares, key=item.key)


def _settings_blocks(brief: Brief) -> list[Block]:
    blocks: list[Block] = [brief.settings]
    if brief.warnings:
        blocks.append(BriefText(words("warnings_head", brief.lang), "heading"))
        blocks += [BriefText(f"• {text}") for text in brief.warnings]
    return blocks


def _cover_blocks(brief: Brief, base: SheetSpec, first: dict[str, int],
                  body: list[Page]) -> list[Block]:
    lang = brief.lang
    i = 0 if lang == "vi" else 1
    date = base.date or dt.date.today()
    blocks: list[Block] = []
    if brief.issuing_unit:
        blocks.append(BriefText(f"{WORDS['issued'][i]}: {brief.issuing_unit}", "lead"))
    blocks.append(BriefText(f"{WORDS['date'][i]}: "
                            f"{date.strftime('%d/%m/%Y') if lang == 'vi' else date.isoformat()}"))
    if brief.classification:
        blocks.append(BriefText(f"{WORDS['classification'][i]}: {brief.classification}"))
    titles = {page.key: page.spec.title or "" for page in reversed(body)}
    rows = [[str(n), titles[key], str(page)] for n, (key, page) in enumerate(first.items(), 1)]
    blocks.append(BriefTable([WORDS["no"][i], WORDS["item"][i], WORDS["page"][i]], rows,
                             ["no", "item", "page"], [True, False, True],
                             WORDS["contents"][i]))
    return blocks
