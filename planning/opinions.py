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
    "conflict": ("chồng lấn {noun} {work} ({kind}) {overlap} m²",
                 "overlaps {noun}{work} ({kind}) by {overlap} m²"),
    "conflict_zone": (", chồng lấn hành lang bảo vệ rộng {width} m của công trình {zone} m²",
                      " and its {width} m protection zone by {zone} m²"),
    "protection_zone": ("nằm trong hành lang bảo vệ rộng {width} m của {noun} {work} "
                        "({kind}), cách {noun} {distance} m, chồng lấn hành lang "
                        "{zone} m²",
                        "lies inside the {width} m protection zone of {noun}{work} ({kind}), "
                        "{distance} m from it, overlapping the zone by {zone} m²"),
    "near": ("cách {noun} {work} ({kind}) {distance} m, dưới khoảng cách {near} m",
             "lies {distance} m from {noun}{work} ({kind}), within {near} m"),
    "belt_line": ("nằm trong vành đai biên giới rộng {width} m dọc {work}, cách đường biên "
                  "giới {distance} m, phần diện tích trong vành đai {zone} m²",
                  "lies inside the {width} m border belt along {work}, {distance} m from "
                  "the border line, {zone} m² inside the belt"),
    "belt_polygon": ("nằm trong vành đai biên giới {work}, phần diện tích trong vành đai "
                     "{zone} m²",
                     "lies inside the border belt {work}, {zone} m² inside the belt"),
    "border_conflict": ("chạm hoặc vượt qua đường biên giới {work}",
                        "touches or crosses the border line {work}"),
    "cond_border": (
        "Phần dự án trong vành đai biên giới phải được Bộ đội Biên phòng tỉnh cho ý kiến "
        "bằng văn bản trước khi phê duyệt.",
        "The part of the project inside the border belt needs the written opinion of the "
        "provincial Border Guard before approval."),
    "cond_dual_use": (
        "Dự án không được làm giảm khả năng phục vụ quốc phòng của hạ tầng lưỡng dụng "
        "{codes}{attrs}.",
        "The project must not reduce the defense use of the dual-use infrastructure "
        "{codes}{attrs}."),
    "economic_in": (
        "Dự án nằm trong khu kinh tế – quốc phòng {zone} ({share} % diện tích dự án, {area} "
        "m²): đề nghị chủ đầu tư phối hợp với đơn vị quản lý khu.",
        "The project lies in the defense–economic zone {zone} ({share} % of its area, "
        "{area} m²): the investor is to coordinate with the zone's managing unit."),
    "economic_near": (
        "Khu kinh tế – quốc phòng {zone} cách dự án {distance} m.",
        "The defense–economic zone {zone} is {distance} m from the project."),
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

NOUNS: dict[str, tuple[str, str]] = {
    "military_zone": ("khu quân sự", "military zone "),
    "infrastructure": ("công trình hạ tầng lưỡng dụng", "dual-use infrastructure "),
}
"""How an opinion calls a work of these kinds (others: "công trình", nothing in English)."""

BORDER, INFRA = "border", "infrastructure"


def draft_opinion(row: Mapping[str, Any], pairs: pd.DataFrame, *, lang: str = "vi",
                  search_m: float | None = None, near_m: float | None = None,
                  zones: pd.DataFrame | None = None) -> str:
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
    zones : DataFrame, optional
        Its rows of the ``zones`` table (defense–economic zones within the search
        distance), named with the share of the project inside each.

    Returns
    -------
    str
        One paragraph: the verdict, what the project touches (each work, military zone,
        border belt or dual-use infrastructure by code and name, with its overlaps and
        distance), the other works within the search distance, the conditions proposed
        for the verdict (the Border Guard's opinion for a project in the border belt; the
        defense use of dual-use infrastructure kept) and the defense–economic zones.
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
    parts += _special_conditions(touched, lang)
    parts += _economic(zones, lang)
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
    verdict, kind = str(pair["verdict"]), str(pair.get("work_kind", ""))
    template = TEMPLATES[verdict][i]
    if kind == BORDER and verdict in ("conflict", "protection_zone"):
        belt = "belt_line" if (pair.get("zone_width_m") or 0) > 0 else "belt_polygon"
        template = TEMPLATES["border_conflict" if verdict == "conflict" else belt][i]
    elif verdict == "conflict" and (pair.get("zone_overlap_m2") or 0) >= 0.5:
        template += TEMPLATES["conflict_zone"][i]
    kind_text = (_infra_text(pair, lang) if kind == INFRA
                 else str(value_text(kind, lang)).lower())
    return template.format(
        noun=NOUNS.get(kind, ("công trình", ""))[i], work=_work(pair), kind=kind_text,
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


def _special_conditions(touched: pd.DataFrame, lang: str) -> list[str]:
    """Conditions for the border belt and dual-use infrastructure among the touched works."""
    i = 0 if lang == "vi" else 1
    kinds = touched["work_kind"].astype(str) if "work_kind" in touched else pd.Series([])
    out = []
    if (kinds == BORDER).any():
        out.append(TEMPLATES["cond_border"][i])
    infra = touched[(kinds == INFRA).to_numpy()] if len(kinds) else touched.iloc[:0]
    if len(infra):
        records = infra.to_dict("records")
        codes = ", ".join(dict.fromkeys(_work(p, names=False) for p in records))
        attrs = "; ".join(a for a in dict.fromkeys(_infra_attrs(p, lang) for p in records) if a)
        out.append(TEMPLATES["cond_dual_use"][i].format(
            codes=codes, attrs=f" ({attrs})" if attrs else ""))
    return out


def _economic(zones: pd.DataFrame | None, lang: str) -> list[str]:
    """Sentences naming the defense–economic zones the project lies in or near."""
    if zones is None or not len(zones):
        return []
    i = 0 if lang == "vi" else 1
    out = []
    for z in zones.sort_values("distance_m", kind="stable").to_dict("records"):
        label = _label(z.get("zone_code"), z.get("zone_name")) or _text(z.get("zone"))
        if (z.get("overlap_m2") or 0) >= 0.5:
            out.append(TEMPLATES["economic_in"][i].format(
                zone=label, share=format_number(float(z.get("share_pct") or 0), 1, lang),
                area=_number(z.get("overlap_m2"), lang)))
        else:
            out.append(TEMPLATES["economic_near"][i].format(
                zone=label, distance=_number(z.get("distance_m"), lang)))
    return out


def _infra_attrs(pair: Mapping[str, Any], lang: str) -> str:
    """Return the load class and runway length of a dual-use feature as words (or "")."""
    words = []
    if _text(pair.get("load_class")):
        words.append(("tải trọng " if lang == "vi" else "load class ") +
                     _text(pair.get("load_class")))
    runway = pd.to_numeric(_text(pair.get("runway_length_m")) or None, errors="coerce")
    if runway is not None and not pd.isna(runway):
        words.append(("đường băng " if lang == "vi" else "runway ") + _number(runway, lang) +
                     " m")
    return ", ".join(words)


def _infra_text(pair: Mapping[str, Any], lang: str) -> str:
    """Return what a dual-use feature is, for the brackets after its name."""
    cls = _text(pair.get("work_class"))
    parts = [str(value_text(cls, lang)) if cls else ""] + [_infra_attrs(pair, lang)]
    return ", ".join(p for p in parts if p) or ("lưỡng dụng" if lang == "vi" else "dual-use")


def _work(pair: Mapping[str, Any], *, names: bool = True) -> str:
    code = _text(pair.get("work_code"))
    if not names:
        return code or _text(pair.get("work_name")) or _text(pair.get("work"))
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
