"""Exercise records (diễn tập) in and out of the project.

An exercise record is one exercise held in one commune in one year:

=================  ========  =============================================================
column             required  meaning
=================  ========  =============================================================
``commune_code``   yes       code of one of the project's communes
``commune_name``   no        filled from the communes when empty
``district_code``  no        filled from the commune's ``parent_code``; must match it
``year``           yes       whole number from :data:`FIRST_YEAR` to the current year
``type``           yes       a key of :data:`EXERCISE_TYPES`, or its Vietnamese or English
                             label (compared without case or accents)
``result``         no        free text (e.g. "Giỏi", "Khá", "Đạt")
``note``           no        free text
=================  ========  =============================================================

Records are kept in the project store as the plain table ``kvpt_rec_exercises``
(:meth:`layers.store.ProjectStore.write_records`). They come from a CSV file
(:func:`import_exercises`; the text encoding, UTF-8, Windows-1258, TCVN3 or VNI, is
detected with :mod:`layers.encoding`) or from the app's table editor
(:func:`write_exercises`). Either way every row is checked first and one
:class:`~layers.errors.LayerError` names every bad row; nothing is stored unless all
rows are good.

The communes a record may name are the caller's: :func:`planning.exercises.communes` (the
one admin-unit rule of :mod:`planning.inputs`) passes them to :func:`import_exercises`,
:func:`write_exercises` and :func:`check_exercises`.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from layers.encoding import EncodingGuess, decode, resolve
from layers.errors import LayerError
from layers.kinds import normalize_name
from layers.messages import Note, clip, more_items, os_reason, short_list
from layers.store import ProjectStore

EXERCISE_TABLE = "exercises"
"""Short name of the records table in the store (``kvpt_rec_exercises``)."""

EXERCISE_COLUMNS: tuple[str, ...] = (
    "commune_code", "commune_name", "district_code", "year", "type", "result", "note",
)
"""Columns of the exercise records, in order."""

REQUIRED_COLUMNS: tuple[str, ...] = ("commune_code", "year", "type")
"""Columns an exercise CSV must have."""

EXERCISE_TYPES: dict[str, tuple[str, str]] = {
    "commune_combat_defense": ("Diễn tập chiến đấu phòng thủ xã",
                               "Commune combat-defense exercise"),
    "district_defense_area": ("Diễn tập khu vực phòng thủ huyện",
                              "District defense-area exercise"),
    "province_defense_area": ("Diễn tập khu vực phòng thủ tỉnh",
                              "Province defense-area exercise"),
    "civil_defense": ("Diễn tập phòng thủ dân sự", "Civil-defense exercise"),
}
"""Exercise types: key → (Vietnamese label, English label)."""

FIRST_YEAR = 1945
"""Earliest year accepted in a record."""

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "commune_code": ("commune_code", "ma_xa", "maxa", "ma_dvhc_xa", "code", "ma"),
    "commune_name": ("commune_name", "ten_xa", "tenxa", "commune", "xa", "name", "ten"),
    "district_code": ("district_code", "ma_huyen", "mahuyen"),
    "year": ("year", "nam", "nam_dien_tap"),
    "type": ("type", "loai", "loai_dien_tap", "hinh_thuc", "exercise_type"),
    "result": ("result", "ket_qua", "ketqua", "xep_loai", "danh_gia"),
    "note": ("note", "ghi_chu", "ghichu"),
}
_UTF8_BOM = b"\xef\xbb\xbf"
_SHOW = 10


@dataclass(frozen=True)
class ExerciseCsv:
    """An exercise CSV read and checked by :func:`parse_exercise_csv`.

    Attributes
    ----------
    records : DataFrame
        The checked rows (:data:`EXERCISE_COLUMNS`).
    encoding : str
        Text encoding the file was decoded with.
    scores : dict
        Plausibility of each encoding (see :func:`layers.encoding.detect`).
    ignored_columns : list of str
        Columns of the file that are not exercise columns (not stored).
    """

    records: pd.DataFrame
    encoding: str
    scores: dict[str, float] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)


def read_exercises(store: ProjectStore) -> pd.DataFrame:
    """Return the project's exercise records (:data:`EXERCISE_COLUMNS`; may be empty).

    Parameters
    ----------
    store : ProjectStore
        The project.

    Returns
    -------
    DataFrame
        ``year`` as ``int64``, the other columns as text (missing values as NaN).
    """
    return _typed(store.read_records(EXERCISE_TABLE))


def check_exercises(
    frame: pd.DataFrame,
    communes: pd.DataFrame,
    *,
    source: str | None = None,
    first_row: int = 1,
) -> pd.DataFrame:
    """Check exercise records against the communes and return them cleaned.

    Parameters
    ----------
    frame : DataFrame
        Records with at least :data:`REQUIRED_COLUMNS` (other columns of
        :data:`EXERCISE_COLUMNS` optional; any more are dropped).
    communes : DataFrame
        The communes records may name: ``code``, ``name`` and ``parent_code`` (the
        district code), e.g. :func:`planning.exercises.communes`.
    source, first_row : str or None, int
        How bad rows are named: ``"row 1"`` for a table (the default, no ``source``) or
        ``"<source> line 2"`` for a CSV file whose header is line 1.

    Returns
    -------
    DataFrame
        :data:`EXERCISE_COLUMNS` with codes and text stripped, ``type`` as its key,
        empty names and district codes filled from the commune layer, sorted by year,
        district, commune and type, with a fresh ``RangeIndex``.

    Raises
    ------
    LayerError
        Naming every bad row: missing columns, empty or unknown commune codes,
        years that are not whole numbers from :data:`FIRST_YEAR` to this year,
        unknown types, a district code that is not the commune's, the same
        commune, year and type twice.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise LayerError(key="records_columns", params={
            "missing": ", ".join(missing),
            "columns": short_list(frame.columns) or Note.of("none")})
    rows = frame.reset_index(drop=True)
    labels = [Note.of("row_label", number=i + first_row) if source is None
              else Note.of("line_label", file=source, number=i + first_row)
              for i in range(len(rows))]
    text = {c: _text(rows[c]) if c in rows.columns else pd.Series("", index=rows.index)
            for c in EXERCISE_COLUMNS if c != "year"}
    known = _commune_lookup(communes)
    problems: list[Note] = []
    problems += _code_problems(text["commune_code"], labels, known)
    years, year_problems = _years(rows["year"], labels)
    problems += year_problems
    types, type_problems = _types(text["type"], labels)
    problems += type_problems
    problems += _district_problems(text["commune_code"], text["district_code"], labels, known)
    if not problems:
        problems += _duplicates(text["commune_code"], years, types, labels)
    if problems:
        raise LayerError(key="records_problems", params={
            "count": len(problems), "problems": problems[:_SHOW],
            "more": more_items(len(problems), _SHOW)})
    codes = text["commune_code"]
    out = pd.DataFrame({
        "commune_code": codes,
        "commune_name": text["commune_name"].where(text["commune_name"] != "",
                                                   codes.map(known["name"])),
        "district_code": text["district_code"].where(text["district_code"] != "",
                                                     codes.map(known["parent"])),
        "year": years.astype("int64"),
        "type": types,
        "result": text["result"],
        "note": text["note"],
    })
    out = out.sort_values(["year", "district_code", "commune_code", "type"], kind="stable")
    return _typed(out.reset_index(drop=True))


def parse_exercise_csv(
    data: bytes,
    communes: pd.DataFrame,
    *,
    encoding: str | None = None,
    source: str = "CSV",
) -> ExerciseCsv:
    """Read exercise records from CSV bytes and check them (:func:`check_exercises`).

    Parameters
    ----------
    data : bytes
        The file's bytes: one header row, separated by ``,``, ``;``, tab or ``|``.
        Column names may be Vietnamese (``ma_xa``, ``nam``, ``loai``, ``ket_qua``…).
    communes : DataFrame
        The communes (see :func:`check_exercises`).
    encoding : str, optional
        ``utf-8``, ``cp1258``, ``tcvn3`` or ``vni``; detected when omitted (a UTF-8
        byte-order mark means UTF-8).
    source : str
        Name of the file, for messages.

    Returns
    -------
    ExerciseCsv

    Raises
    ------
    LayerError
        If the file is empty, not a table, lacks a required column or has bad rows
        (named by their line number).
    """
    table, guess = _csv_table(bytes(data), source, encoding, _delimiter)
    table, ignored = _rename_columns(table, source)
    records = check_exercises(table, communes, source=source, first_row=2)
    return ExerciseCsv(records, guess.encoding, dict(guess.scores), ignored)


def write_exercises(store: ProjectStore, frame: pd.DataFrame,
                    communes: pd.DataFrame) -> pd.DataFrame:
    """Check records and replace the project's exercise records with them, all or nothing.

    Parameters
    ----------
    store : ProjectStore
        The project.
    frame : DataFrame
        Every record to keep (e.g. the edited table of the app).
    communes : DataFrame
        The communes (see :func:`check_exercises`).

    Returns
    -------
    DataFrame
        The records as stored (see :func:`check_exercises`).

    Raises
    ------
    LayerError
        If any row is bad; the store is then unchanged.
    """
    records = check_exercises(frame, communes)
    store.write_records(EXERCISE_TABLE, records)
    return records


def import_exercises(
    store: ProjectStore,
    file: str | Path | bytes,
    *,
    communes: pd.DataFrame,
    encoding: str | None = None,
    replace: bool = False,
    source: str | None = None,
) -> ExerciseCsv:
    """Import exercise records from a CSV file into the project, all or nothing.

    Parameters
    ----------
    store : ProjectStore
        The project.
    file : str, Path or bytes
        The CSV file, or its bytes.
    communes : DataFrame
        The communes (see :func:`check_exercises`).
    encoding : str, optional
        Text encoding; detected when omitted.
    replace : bool
        Replace every stored record (default: add to them; a record already stored,
        same commune, year and type, is then an error).
    source : str, optional
        File name for messages (default: the path's name, or ``"CSV"``).

    Returns
    -------
    ExerciseCsv
        What was read from the file (``records``: the new rows only).

    Raises
    ------
    LayerError
        If the file cannot be read or has any bad row; the store is then unchanged.
    """
    data, name = _file_bytes(file, source)
    parsed = parse_exercise_csv(data, communes, encoding=encoding, source=name)
    if replace:
        store.write_records(EXERCISE_TABLE, parsed.records)
        return parsed
    existing = read_exercises(store)
    clashes = _already_stored(parsed.records, existing)
    if clashes:
        raise LayerError(key="records_already_stored", params={
            "file": name, "count": len(clashes), "clashes": "; ".join(clashes[:_SHOW]),
            "more": more_items(len(clashes), _SHOW)})
    combined = pd.concat([existing, parsed.records], ignore_index=True)
    combined = combined.sort_values(["year", "district_code", "commune_code", "type"],
                                    kind="stable")
    store.write_records(EXERCISE_TABLE, _typed(combined.reset_index(drop=True)))
    return parsed


@dataclass(frozen=True)
class TextTable:
    """A CSV file of records read as text by :func:`read_text_table`.

    Attributes
    ----------
    table : DataFrame
        The cells as stripped NFC text (``""`` when empty), columns renamed.
    encoding : str
        Text encoding the file was decoded with.
    source : str
        Name of the file, for messages.
    ignored_columns : list of str
        Columns of the file no synonym names (dropped).
    """

    table: pd.DataFrame
    encoding: str
    source: str
    ignored_columns: list[str] = field(default_factory=list)


def read_text_table(file: str | Path | bytes, *, synonyms: dict[str, tuple[str, ...]],
                    encoding: str | None = None, source: str | None = None) -> TextTable:
    """Read a CSV file of records (no geometry) as text, with no cell ever evaluated.

    As :func:`parse_exercise_csv` reads exercises: the encoding from a byte-order mark,
    ``encoding`` or detection; the separator sniffed; columns renamed by ``synonyms``
    (compared without case or accents). A cell this tool's own CSV exports protected
    against spreadsheet formulas (a ``'`` before ``=``, ``+``, ``-``, ``@``…, see
    :mod:`layers.tables`) gets its text back; no other cell is changed.

    Parameters
    ----------
    file : str, Path or bytes
        The file or its bytes.
    synonyms : dict
        Column → accepted names, first match wins.
    encoding, source : str, optional
        Text encoding (detected when omitted); file name for messages.

    Raises
    ------
    LayerError
        If the file cannot be read, is empty or is not a table.
    """
    from layers.tables import FORMULA_STARTS

    data, name = _file_bytes(file, source)
    table, guess = _csv_table(data, name, encoding, _header_delimiter)
    table, ignored = _rename_columns(table, name, synonyms)
    for col in table.columns:
        cells = _text(table[col])
        quoted = cells.str.startswith("'") & cells.str[1:2].isin(FORMULA_STARTS)
        table[col] = cells.where(~quoted, cells.str[1:])
    return TextTable(table, guess.encoding, name, ignored)


def type_label(key: str, lang: str = "vi") -> str:
    """Return the label of exercise type ``key`` in ``lang`` (the key itself if unknown)."""
    labels = EXERCISE_TYPES.get(key)
    if labels is None:
        return key
    return labels[0] if lang == "vi" else labels[1]


# --- helpers --------------------------------------------------------------------------------


def _commune_lookup(communes: pd.DataFrame) -> dict[str, dict[str, str]]:
    if "code" not in communes.columns:
        raise LayerError(key="commune_table_no_code")
    codes = _text(communes["code"])
    names = _text(communes["name"]) if "name" in communes.columns else codes
    parents = (_text(communes["parent_code"]) if "parent_code" in communes.columns
               else pd.Series("", index=communes.index))
    return {"name": dict(zip(codes, names, strict=True)),
            "parent": dict(zip(codes, parents, strict=True))}


def _code_problems(codes: pd.Series, labels: list[Note],
                   known: dict[str, dict[str, str]]) -> list[Note]:
    problems = []
    example = next(iter(known["name"].items()), None)
    hint = Note.of("rec_code_hint", code=example[0], name=example[1]) if example else ""
    for label, code in zip(labels, codes, strict=True):
        if not code:
            problems.append(Note.of("rec_code_empty", label=label))
        elif code not in known["name"]:
            problems.append(Note.of("rec_code_unknown", label=label, code=clip(code),
                                    hint=hint))
    return problems


def _years(values: pd.Series, labels: list[Note]) -> tuple[pd.Series, list[Note]]:
    this_year = date.today().year
    numbers = pd.to_numeric(_text(values), errors="coerce")
    problems = []
    for label, raw, year in zip(labels, values, numbers, strict=True):
        if pd.isna(year) or year != round(year) or not FIRST_YEAR <= year <= this_year:
            problems.append(Note.of("rec_bad_year", label=label, first=FIRST_YEAR,
                                    last=this_year,
                                    value=clip(raw) if isinstance(raw, str) else raw))
    return numbers.fillna(0).round().astype("int64"), problems


def _types(values: pd.Series, labels: list[Note]) -> tuple[pd.Series, list[Note]]:
    lookup: dict[str, str] = {}
    for key, (vi, en) in EXERCISE_TYPES.items():
        short_vi = vi.removeprefix("Diễn tập ")
        short_en = en.removesuffix(" exercise")
        for name in (key, vi, en, short_vi, short_en):
            lookup.setdefault(normalize_name(name), key)
    out, problems = [], []
    for label, value in zip(labels, values, strict=True):
        key = lookup.get(normalize_name(value)) if value else None
        if key is None:
            options = ", ".join(EXERCISE_TYPES)
            problems.append(Note.of("rec_type_unknown", label=label, value=clip(value),
                                    options=options) if value
                            else Note.of("rec_type_empty", label=label, options=options))
        out.append(key or "")
    return pd.Series(out, index=values.index, dtype="str"), problems


def _district_problems(codes: pd.Series, districts: pd.Series, labels: list[Note],
                       known: dict[str, dict[str, str]]) -> list[Note]:
    problems = []
    for label, code, district in zip(labels, codes, districts, strict=True):
        parent = known["parent"].get(code, "")
        if district and parent and district != parent:
            problems.append(Note.of("rec_wrong_district", label=label, code=code,
                                    parent=parent, district=clip(district)))
    return problems


def _duplicates(codes: pd.Series, years: pd.Series, types: pd.Series,
                labels: list[Note]) -> list[Note]:
    first: dict[tuple[str, int, str], Note] = {}
    problems = []
    for label, key in zip(labels, zip(codes, years, types, strict=True), strict=True):
        if key in first:
            problems.append(Note.of("rec_duplicate", label=label, first=first[key],
                                    code=key[0], year=key[1], type=key[2]))
        first.setdefault(key, label)
    return problems


def _already_stored(new: pd.DataFrame, existing: pd.DataFrame) -> list[str]:
    if existing.empty:
        return []
    stored = set(zip(existing["commune_code"], existing["year"], existing["type"],
                     strict=True))
    return [f"{c} ({n}), {y}, {t}" for c, n, y, t in
            zip(new["commune_code"], new["commune_name"], new["year"], new["type"], strict=True)
            if (c, y, t) in stored]


def _rename_columns(table: pd.DataFrame, source: str,
                    synonyms: dict[str, tuple[str, ...]] | None = None
                    ) -> tuple[pd.DataFrame, list[str]]:
    """Map the file's column names to the columns; return the unused ones.

    The columns are :data:`EXERCISE_COLUMNS`, or the keys of ``synonyms`` when given.
    """
    by_norm: dict[str, str] = {}
    for col in table.columns:
        by_norm.setdefault(normalize_name(col), col)
    rename: dict[str, str] = {}
    for target, names in (_SYNONYMS if synonyms is None else synonyms).items():
        for name in names:
            col = by_norm.get(normalize_name(name))
            if col is not None and col not in rename:
                rename[col] = target
                break
    ignored = [str(c) for c in table.columns if c not in rename]
    if len(set(rename.values())) != len(rename):
        raise LayerError(key="csv_columns_clash", params={"file": source})
    return table.rename(columns=rename)[list(rename.values())], ignored


def _csv_table(data: bytes, name: str, encoding: str | None,
               delimiter: Callable[[str], str]) -> tuple[pd.DataFrame, EncodingGuess]:
    """Return the cells of CSV bytes as text (NFC), never evaluated, and the encoding found.

    The encoding (:func:`layers.encoding.resolve`'s guess) from a UTF-8 byte-order mark,
    ``encoding`` or detection; the separator chosen by ``delimiter`` from the text.

    Raises
    ------
    LayerError
        If the file is empty or not a table (``name`` in the message).
    """
    bom = data.startswith(_UTF8_BOM)
    raw = data[len(_UTF8_BOM):] if bom else data
    guess = resolve(user=encoding if encoding or not bom else "utf-8", cpg=None, ldid=None,
                    samples=[line for line in raw.splitlines() if not line.isascii()])
    text = unicodedata.normalize("NFC", decode(raw, guess.encoding))
    if not text.strip():
        raise LayerError(key="csv_empty", params={"file": name})
    try:
        table = pd.read_csv(io.StringIO(text), sep=delimiter(text), dtype=str,
                            keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise LayerError(key="csv_unreadable", params={
            "file": name, "detail": clip(exc, 120)}) from exc
    return table, guess


def _header_delimiter(text: str) -> str:
    """Return the separator the header line uses most (``;`` files may hold ``45,5``)."""
    header = text.lstrip().splitlines()[0]
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else _delimiter(text)


def _delimiter(text: str) -> str:
    head = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _text(values: pd.Series) -> pd.Series:
    """Return values as stripped NFC text, ``""`` for missing ones."""
    def clean(v: object) -> str:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return ""
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return unicodedata.normalize("NFC", str(v)).strip()

    return pd.Series([clean(v) for v in values], index=values.index, dtype="str")


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with exactly :data:`EXERCISE_COLUMNS`, ``year`` int64, text as str."""
    data = {}
    for col in EXERCISE_COLUMNS:
        if col == "year":
            values = frame[col] if col in frame.columns else pd.Series(dtype="int64")
            data[col] = pd.to_numeric(values).astype("int64")
        else:
            values = (_text(frame[col]) if col in frame.columns
                      else pd.Series("", index=frame.index, dtype="str"))
            data[col] = values.replace("", pd.NA).astype("str")
    return pd.DataFrame(data, index=frame.index)


def default_plan_start(records: pd.DataFrame, this_year: int | None = None) -> int:
    """Return the first year a new plan covers: this year, or the year after the last record.

    Parameters
    ----------
    records : DataFrame
        From :func:`read_exercises`.
    this_year : int, optional
        The current year (today's by default).
    """
    this_year = date.today().year if this_year is None else this_year
    if len(records) == 0:
        return this_year
    return max(this_year, int(records["year"].max()) + 1)


def default_target_year(records: pd.DataFrame, this_year: int | None = None) -> int:
    """Return the year the targets dashboard shows: the last year with records, else this year."""
    this_year = date.today().year if this_year is None else this_year
    return int(records["year"].max()) if len(records) else this_year


def _file_bytes(file: str | Path | bytes | bytearray, source: str | None) -> tuple[bytes, str]:
    """Return the bytes of an uploaded or named CSV file and its name for messages.

    Raises
    ------
    LayerError
        If the file cannot be read.
    """
    if isinstance(file, bytes | bytearray):
        return bytes(file), source or "CSV"
    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise LayerError(key="file_unreadable", params={
            "file": path.name, "reason": os_reason(err), "path": str(path)}) from None
    return data, source or path.name
