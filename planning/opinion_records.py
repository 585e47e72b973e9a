"""Written opinions of an appraisal kept with the project: who, when, on which layer versions.

Each saved opinion is a row of the store's records table ``appraisal_opinions``
(:meth:`layers.store.ProjectStore.write_records`): the proposal (layer, id, code, name),
the verdict it was written for, the text, the author, the time (UTC) and the versions of
every layer the appraisal read. Saving adds rows and keeps the earlier ones, so the table
is the history; the latest row of a proposal is its opinion.

:func:`opinion_table` gives, per appraised proposal, the saved opinion or else the drafted
one (:func:`planning.opinions.draft_opinion`), and says whether the layers changed since
it was saved. The CLI exports it (``kvpt appraise … --opinions OUT.csv``); the page edits
and saves it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from layers.kinds import DEFENSE_WORK_KINDS
from planning.appraisal_works import BORDER_KIND, ECONOMIC_KIND, INFRA_KIND
from planning.opinions import draft_opinion
from planning.project import Project
from planning.results import Result

TABLE = "appraisal_opinions"
"""Name of the records table (stored as ``kvpt_rec_appraisal_opinions``)."""

COLUMNS: tuple[str, ...] = (
    "proposals_layer", "proposal_id", "proposal_code", "proposal_name", "verdict",
    "opinion", "author", "saved_at", "layer_versions",
)
"""Columns of the stored table."""

TABLE_COLUMNS: tuple[str, ...] = (
    "proposal_id", "proposal_code", "proposal_name", "verdict", "opinion", "status",
    "author", "saved_at", "layer_versions", "layers_changed",
)
"""Columns of :func:`opinion_table`."""

INPUT_KINDS: tuple[str, ...] = (*DEFENSE_WORK_KINDS, BORDER_KIND, INFRA_KIND, ECONOMIC_KIND)
"""Kinds of the layers an appraisal reads besides the proposals."""


def layer_versions(project: Project, proposals: str) -> str:
    """Return the versions of the layers an appraisal of ``proposals`` reads.

    Returns
    -------
    str
        ``"<layer> v<N>"`` joined by ``"; "``: the proposals first, then the layers of
        :data:`INPUT_KINDS` in the project's order.
    """
    records = project.records()
    first = [r for r in records if r.name == proposals]
    rest = [r for r in records if r.kind in INPUT_KINDS and r.name != proposals]
    return "; ".join(f"{r.name} v{r.version}" for r in first + rest)


def drafted(result: Result, lang: str = "vi") -> dict[str, str]:
    """Return the drafted opinion of every appraised proposal, by ``proposal_id``."""
    pairs, zones = result.main, result.tables.get("zones")
    out = {}
    for row in result.tables["projects"].to_dict("records"):
        ident = row["proposal_id"]
        mine = None if zones is None else zones[zones["proposal_id"] == ident]
        out[ident] = draft_opinion(row, pairs[pairs["proposal_id"] == ident], lang=lang,
                                   search_m=result.settings.get("search_distance_m"),
                                   near_m=result.settings.get("near_distance_m"), zones=mine)
    return out


def read_opinions(project: Project) -> pd.DataFrame:
    """Return every saved opinion (the history), columns :data:`COLUMNS`, oldest first."""
    frame = project.reader.read_records(TABLE)
    if not len(frame.columns):
        return pd.DataFrame({c: pd.Series(dtype="str") for c in COLUMNS})
    return frame.reindex(columns=list(COLUMNS)).fillna("").astype("str")


def opinion_table(project: Project, result: Result, lang: str = "vi") -> pd.DataFrame:
    """Return the opinion on every appraised proposal: the saved one, else the draft.

    Parameters
    ----------
    project : Project
        The project appraised.
    result : Result
        :func:`planning.appraisal.appraise` on it.
    lang : {"vi", "en"}
        Language of the drafts.

    Returns
    -------
    DataFrame
        One row per proposal, columns :data:`TABLE_COLUMNS`: ``status`` is ``"saved"`` or
        ``"drafted"``; ``author``, ``saved_at`` and ``layer_versions`` are the saved row's
        (for a draft: ``""``, ``""`` and the versions now); ``layers_changed`` is whether
        a saved opinion was written on other layer versions than the ones now.
    """
    proposals = result.settings["proposals"]
    now = layer_versions(project, proposals)
    saved = read_opinions(project)
    saved = saved[saved["proposals_layer"] == proposals].drop_duplicates(
        "proposal_id", keep="last").set_index("proposal_id")
    drafts = drafted(result, lang)
    rows = []
    for row in result.tables["projects"].to_dict("records"):
        ident = row["proposal_id"]
        base = {"proposal_id": ident, "proposal_code": row["proposal_code"],
                "proposal_name": row["proposal_name"]}
        if ident in saved.index:
            s = saved.loc[ident]
            rows.append({**base, "verdict": s["verdict"], "opinion": s["opinion"],
                         "status": "saved", "author": s["author"], "saved_at": s["saved_at"],
                         "layer_versions": s["layer_versions"],
                         "layers_changed": s["layer_versions"] != now})
        else:
            rows.append({**base, "verdict": row["verdict"], "opinion": drafts[ident],
                         "status": "drafted", "author": "", "saved_at": "",
                         "layer_versions": now, "layers_changed": False})
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def save_opinions(project: Project, result: Result, texts: Mapping[str, str], *,
                  author: str = "", store: Any = None, when: datetime | None = None
                  ) -> pd.DataFrame:
    """Save opinions on appraised proposals, keeping the earlier ones.

    Parameters
    ----------
    project : Project
        The project appraised.
    result : Result
        :func:`planning.appraisal.appraise` on it (gives the verdicts and names).
    texts : mapping
        Opinion text by ``proposal_id``; empty texts are not saved.
    author : str
        Who writes; the store's signed-in user wins when there is one.
    store : optional
        Where to write (default: the project's reader, a
        :class:`layers.store.ProjectStore`).
    when : datetime, optional
        Time of the save (default: now, UTC).

    Returns
    -------
    DataFrame
        The rows added, columns :data:`COLUMNS`.

    Raises
    ------
    PlanningError
        If a key of ``texts`` is not a proposal of the result.
    LayerError
        If the store refuses the write (e.g. the user's role may not write records).
    """
    from planning.opinions import check_opinions

    target = project.reader if store is None else store
    projects = result.tables["projects"].set_index("proposal_id", drop=False)
    check_opinions(texts, projects.index, result.settings["proposals"])
    user = getattr(target, "user", None)
    who = user.name if user is not None else author.strip()
    stamp = (when or datetime.now(UTC)).isoformat(timespec="seconds")
    versions = layer_versions(project, result.settings["proposals"])
    added = pd.DataFrame([
        {"proposals_layer": result.settings["proposals"], "proposal_id": ident,
         "proposal_code": projects.loc[ident, "proposal_code"],
         "proposal_name": projects.loc[ident, "proposal_name"],
         "verdict": projects.loc[ident, "verdict"], "opinion": text.strip(),
         "author": who, "saved_at": stamp, "layer_versions": versions}
        for ident, text in texts.items() if text.strip()], columns=list(COLUMNS))
    if len(added):
        history = pd.concat([read_opinions(project), added], ignore_index=True)
        target.write_records(TABLE, history.astype("str"))
    return added.astype("str")
