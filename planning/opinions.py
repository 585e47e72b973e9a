"""Drafted opinions of an appraisal, and the opinions a staff officer edited.

:func:`draft_opinion` writes, from a proposal's row of the appraisal (the ``projects``
table of :func:`planning.appraisal.appraise`) and its pairs, the paragraph a department
files: what the project touches (every work within the search distance, by its own code
and name, with overlaps and distances) and the conditions proposed for its verdict. The
officer edits it (``kvpt brief --opinions FILE.json``, or the text areas of the page);
:func:`parse_opinions` reads the edited texts, by proposal code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from planning.brief_messages import BriefError
from planning.brief_tables import format_number
from planning.table_labels import value_text

TEMPLATES: dict[str, tuple[str, str]] = {
    "intro": ("Dự án {project}: kết luận thẩm định “{verdict}”.",
              "Project {project}: appraisal verdict “{verdict}”."),
    "conflict": ("chồng lấn công trình {work} ({kind}) {overlap} m²",
                 "overlaps {work} ({kind}) by {overlap} m²"),
    "conflict_zone": (", chồng lấn hành lang bảo vệ rộng {width} m của công trình {zone} m²",
                      " and its {width} m protection zone by {zone} m²"),
    "protection_zone": ("nằm trong hành lang bảo vệ rộng {width} m của công trình {work} "
                        "({kind}), cách công trình {distance} m, chồng lấn hành lang "
                        "{zone} m²",
                        "lies inside the {width} m protection zone of {work} ({kind}), "
                        "{distance} m from the work, overlapping the zone by {zone} m²"),
    "near": ("cách công trình {work} ({kind}) {distance} m, dưới khoảng cách {near} m",
             "lies {distance} m from {work} ({kind}), within {near} m"),
    "touches": ("Dự án {items}.", "The project {items}."),
    "others": ("Các công trình khác trong phạm vi {search} m, không bị ảnh hưởng: {items}.",
               "Other works within {search} m, not affected: {items}."),
    "other": ("{work} cách {distance} m", "{work} at {distance} m"),
    "cond_conflict": (
        "Đề nghị không chấp thuận vị trí dự án theo hồ sơ hiện tại; chủ đầu tư điều chỉnh "
        "ranh giới dự án ra ngoài công trình {codes} và hành lang bảo vệ của công trình, "
        "rồi trình thẩm định lại.",
        "Recommendation: do not approve the project's site as filed; the investor moves "
        "the project's boundary out of {codes} and their protection zones, then files "
        "again."),
    "cond_protection_zone": (
        "Đề nghị chỉ chấp thuận khi chủ đầu tư điều chỉnh ranh giới dự án ra ngoài hành "
        "lang bảo vệ của công trình {codes}, hoặc được cơ quan quân sự có thẩm quyền đồng "
        "ý bằng văn bản đối với các hạng mục trong hành lang.",
        "Recommendation: approve only once the investor moves the project's boundary out "
        "of the protection zones of {codes}, or the competent military authority agrees "
        "in writing to the parts inside them."),
    "cond_near": (
        "Đề nghị chấp thuận với điều kiện giữ khoảng cách hiện nay tới công trình {codes}, "
        "không mở rộng về phía công trình và phối hợp với cơ quan quân sự địa phương khi "
        "thi công.",
        "Recommendation: approve, provided the project keeps its present distance to "
        "{codes}, does not extend towards them and works with the local military command "
        "during construction."),
    "cond_clear": (
        "Dự án không ảnh hưởng công trình quốc phòng nào trong phạm vi {search} m{nearest}. "
        "Đề nghị chấp thuận về mặt quốc phòng.",
        "The project affects no defense work within {search} m{nearest}. Recommendation: "
        "approve as far as defense is concerned."),
    "nearest": ("; công trình gần nhất là {work}, cách {distance} m",
                "; the nearest work is {work}, {distance} m away"),
}
"""Pieces of a drafted opinion, (Vietnamese, English)."""

CONCERNED: tuple[str, ...] = ("conflict", "protection_zone", "near")
"""Verdicts of the pairs an opinion names as touched, worst first."""


def draft_opinion(row: Mapping[str, Any], pairs: pd.DataFrame, *, lang: str = "vi",
                  search_m: float | None = None, near_m: float | None = None) -> str:
    """Draft the opinion on one appraised proposal.

    Parameters
    ----------
    row : mapping
        The proposal's row of the ``projects`` table (``proposal_code``,
        ``proposal_name``, ``verdict``, ``nearest_work_code``…).
    pairs : DataFrame
        Its rows of the ``pairs`` table (every work within the search distance).
    lang : {"vi", "en"}
        Language of the text.
    search_m, near_m : float, optional
        Search and "near" distances used (from the result's settings).

    Returns
    -------
    str
        One paragraph: the verdict, what the project touches (each work by code and name,
        with its overlaps and distance), the other works within the search distance, and
        the conditions proposed for the verdict.
    """
    i = 0 if lang == "vi" else 1
    verdict = str(row.get("verdict") or "clear")
    label = _label(row.get("proposal_code"), row.get("proposal_name")) or str(
        row.get("proposal_id", ""))
    parts = [TEMPLATES["intro"][i].format(project=label,
                                          verdict=value_text(verdict, lang))]
    order = {v: k for k, v in enumerate(CONCERNED)}
    ranked = pairs.assign(_rank=pairs["verdict"].map(order).fillna(len(order))) \
        .sort_values(["_rank", "distance_m"], kind="stable")
    touched = ranked[ranked["verdict"].isin(CONCERNED)]
    if len(touched):
        items = [_clause(pair, lang, near_m) for pair in touched.to_dict("records")]
        parts.append(TEMPLATES["touches"][i].format(items="; ".join(items)))
    others = ranked[~ranked["verdict"].isin(CONCERNED)]
    search = _number(search_m, lang)
    if len(others) and len(touched):
        items = [TEMPLATES["other"][i].format(work=_work(p), distance=_number(
            p["distance_m"], lang)) for p in others.to_dict("records")]
        parts.append(TEMPLATES["others"][i].format(search=search, items="; ".join(items)))
    parts.append(_conditions(verdict, touched, others, row, lang, search))
    return " ".join(parts)


def parse_opinions(text: str) -> dict[str, str]:
    """Read edited opinions: a JSON object of proposal code → text.

    Raises
    ------
    PlanningError
        If the text is not such an object.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise BriefError("opinions_bad_json", detail=f"{err.msg}, line {err.lineno}") from err
    if not isinstance(data, dict):
        raise BriefError("opinions_bad_json", detail=f"not an object but {type(data).__name__}")
    if not all(isinstance(v, str) for v in data.values()):
        raise BriefError("opinions_bad_json", detail="every value must be text")
    return {str(k): v.strip() for k, v in data.items()}


def check_opinions(opinions: Mapping[str, str], keys: Iterable[str], layer: str) -> None:
    """Raise when ``opinions`` names a proposal that is not among ``keys``.

    Raises
    ------
    PlanningError
        Naming the unknown codes and the known ones.
    """
    known = [str(k) for k in keys]
    unknown = [str(k) for k in opinions if str(k) not in known]
    if unknown:
        raise BriefError("opinions_unknown_code", codes=", ".join(unknown), layer=layer,
                         known=", ".join(known) or "-")


def _clause(pair: Mapping[str, Any], lang: str, near_m: float | None) -> str:
    i = 0 if lang == "vi" else 1
    verdict = str(pair["verdict"])
    template = TEMPLATES[verdict][i]
    if verdict == "conflict" and (pair.get("zone_overlap_m2") or 0) >= 0.5:
        template += TEMPLATES["conflict_zone"][i]
    return template.format(
        work=_work(pair), kind=str(value_text(str(pair.get("work_kind", "")), lang)).lower(),
        overlap=_number(pair.get("overlap_m2"), lang),
        zone=_number(pair.get("zone_overlap_m2"), lang),
        width=_number(pair.get("zone_width_m"), lang),
        distance=_number(pair.get("distance_m"), lang), near=_number(near_m, lang))


def _conditions(verdict: str, touched: pd.DataFrame, others: pd.DataFrame,
                row: Mapping[str, Any], lang: str, search: str) -> str:
    i = 0 if lang == "vi" else 1
    if verdict in CONCERNED:
        worst = touched[touched["verdict"] == verdict]
        codes = ", ".join(dict.fromkeys(_work(p, names=False) for p in worst.to_dict("records")))
        return TEMPLATES[f"cond_{verdict}"][i].format(codes=codes)
    nearest = ""
    if len(others):
        first = others.sort_values("distance_m").iloc[0]
        nearest = TEMPLATES["nearest"][i].format(work=_work(first), distance=_number(
            first["distance_m"], lang))
    elif _label(row.get("nearest_work_code"), row.get("nearest_work_name")):
        nearest = TEMPLATES["nearest"][i].format(
            work=_label(row.get("nearest_work_code"), row.get("nearest_work_name")),
            distance=_number(row.get("nearest_distance_m"), lang))
    return TEMPLATES["cond_clear"][i].format(search=search, nearest=nearest)


def _work(pair: Mapping[str, Any], *, names: bool = True) -> str:
    code = _text(pair.get("work_code"))
    if not names:
        return code or _text(pair.get("work"))
    return _label(pair.get("work_code"), pair.get("work_name")) or _text(pair.get("work"))


def _label(code: object, name: object) -> str:
    code, name = _text(code), _text(name)
    return f"{code} – {name}" if code and name else code or name


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def _number(value: object, lang: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    return format_number(float(value), 0, lang)
