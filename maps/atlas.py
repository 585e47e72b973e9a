"""An atlas: a cover, an index and one map sheet per district (or commune), in one PDF.

The contents (units, their assets, the words) come from :func:`planning.atlas.atlas_contents`;
this module plans the pages (:mod:`maps.brief_pages`) and draws them:

1. the **cover**: the atlas's title, what it goes by, the issuing unit, the date, the
   classification (marked top and bottom of every page) and the list of units;
2. the **index**: each unit with its code, its number of assets and the page it starts on;
3. per unit, a **sheet** titled with the unit's name (the project's layers, the unit
   outlined and the rest veiled) with the table of its assets under the map; a long
   table continues on the next page(s), its header repeated.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from maps.brief_pages import Page, plan_sheet, plan_text, write_pages
from maps.print_layout import SheetSpec
from maps.project import LayerReader, store_layers
from maps.project_map import MapLayer
from planning.atlas import AtlasContents, AtlasUnit
from planning.brief_messages import words
from planning.brief_tables import Block, BriefTable, BriefText

ATLAS_SHARES: tuple[float, ...] = (0.3, 0.38, 0.46)
"""Shares of a unit sheet's map box left to its asset table: the first that holds the
whole table, else the largest (the table then continues on the next page)."""

TABLE_COLUMNS = 2
"""Columns of a unit's asset table on a wide page."""

WORDS: dict[str, tuple[str, str]] = {
    "index": ("Mục lục", "Index"), "units": ("Gồm {count} đơn vị:", "{count} units:"),
    "no": ("STT", "No."), "unit": ("Đơn vị", "Unit"), "code": ("Mã", "Code"),
    "assets": ("Số đối tượng", "Assets"), "page": ("Trang", "Page"),
    "issued": ("Đơn vị", "Issued by"), "date": ("Ngày in", "Printed"),
    "classification": ("Độ mật", "Classification"),
}
"""Words of the cover and index, (Vietnamese, English)."""


@dataclass
class Atlas:
    """A planned atlas.

    Attributes
    ----------
    pages : list of Page
        Every page in order (cover, index, then each unit's sheet and continuations).
    first_page : dict of str to int
        Unit id → number of its sheet (from 1), as the index prints it.
    contents : AtlasContents
        What it shows.
    """

    pages: list[Page]
    first_page: dict[str, int]
    contents: AtlasContents

    def pages_of(self, unit: str) -> list[int]:
        """Return the page numbers (from 1) of a unit's sheet and its continuations."""
        return [n for n, page in enumerate(self.pages, start=1) if page.key == unit]


def plan_atlas(reader: LayerReader, contents: AtlasContents, *, paper: str = "A4",
               date: dt.date | None = None) -> Atlas:
    """Plan the pages of an atlas (nothing is drawn yet).

    Parameters
    ----------
    reader : LayerReader
        The project (its layers are read once).
    contents : AtlasContents
        From :func:`planning.atlas.atlas_contents`.
    paper : {"A4", "A3"}
        Paper of every page.
    date : datetime.date, optional
        Date printed (default: today).
    """
    layers = store_layers(reader, contents.layers)
    base = SheetSpec(paper=paper, lang=contents.lang, classification=contents.classification,
                     issuing_unit=contents.issuing_unit, date=date or dt.date.today(),
                     grid=contents.grid, grid_crs=contents.grid_crs)
    sheets = {unit.ident: _unit_pages(layers, base, contents, unit) for unit in contents.units}
    cover = plan_text(replace(base, title=contents.title, subtitle=contents.subtitle),
                      _cover_blocks(contents, base), columns=2, key="cover")
    index_spec = replace(base, title=_word("index", contents.lang), subtitle=contents.title)
    first: dict[str, int] = {}
    index: list[Page] = []
    for _ in range(3):  # the index's own length moves the numbers it prints
        start = len(cover) + max(len(index), 1) + 1
        first = {}
        for unit in contents.units:
            first[unit.ident], start = start, start + len(sheets[unit.ident])
        planned = plan_text(index_spec, [_index_table(contents, first)], key="index")
        if len(planned) == len(index):
            break
        index = planned
    pages = [*cover, *index, *(page for unit in contents.units for page in sheets[unit.ident])]
    return Atlas(pages, first, contents)


def write_atlas(atlas: Atlas, target: str | Path | IO[bytes]) -> list[list[str]]:
    """Draw an atlas into one PDF; return the words of each page."""
    return write_pages(atlas.pages, target, title=atlas.contents.title)


def atlas_bytes(reader: LayerReader, contents: AtlasContents, *, paper: str = "A4") -> bytes:
    """Return an atlas as PDF bytes (e.g. for a download button)."""
    buffer = io.BytesIO()
    write_atlas(plan_atlas(reader, contents, paper=paper), buffer)
    return buffer.getvalue()


def _unit_pages(layers: list[MapLayer], base: SheetSpec, contents: AtlasContents,
                unit: AtlasUnit) -> list[Page]:
    spec = replace(base, title=unit.name, subtitle=contents.title, extent=unit.bounds,
                   area=unit.area)
    table: Block = unit.assets if unit.assets.rows else BriefText(
        words("atlas_no_assets", contents.lang, unit=unit.name), "note")
    return plan_sheet(layers, spec, [table], shares=ATLAS_SHARES, columns=TABLE_COLUMNS,
                      key=unit.ident)


def _cover_blocks(contents: AtlasContents, base: SheetSpec) -> list[Block]:
    lang = contents.lang
    date = base.date or dt.date.today()
    blocks: list[Block] = []
    if contents.issuing_unit:
        blocks.append(BriefText(f"{_word('issued', lang)}: {contents.issuing_unit}", "lead"))
    blocks.append(BriefText(f"{_word('date', lang)}: "
                            f"{date.strftime('%d/%m/%Y') if lang == 'vi' else date.isoformat()}"))
    if contents.classification:
        blocks.append(BriefText(f"{_word('classification', lang)}: "
                                f"{contents.classification}"))
    blocks.append(BriefText(_word("units", lang).format(count=len(contents.units)),
                            "heading"))
    blocks += [BriefText(f"{i}. {unit.name}") for i, unit in enumerate(contents.units, 1)]
    return blocks


def _index_table(contents: AtlasContents, first: dict[str, int]) -> BriefTable:
    lang = contents.lang
    rows = [[str(i), unit.name, unit.code, str(len(unit.assets.rows)),
             str(first[unit.ident])] for i, unit in enumerate(contents.units, 1)]
    heads = [_word(k, lang) for k in ("no", "unit", "code", "assets", "page")]
    return BriefTable(heads, rows, ["no", "unit", "code", "assets", "page"],
                      [True, False, False, True, True])


def _word(key: str, lang: str) -> str:
    return WORDS[key][0 if lang == "vi" else 1]
