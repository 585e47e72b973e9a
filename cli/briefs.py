"""``kvpt`` commands for meeting documents: atlas (a sheet per unit) and brief (a pack)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import ProjectArg, app, handles_errors, open_project
from cli.prints import Lang, Paper

if TYPE_CHECKING:
    from planning.briefs import Brief
    from planning.project import Project


class By(StrEnum):
    """Levels an atlas goes by."""

    district = "district"
    commune = "commune"


OutPdf = Annotated[Path, typer.Argument(help="Output PDF.")]
PaperOpt = Annotated[Paper, typer.Option(help="Paper of every page.")]
LangOpt = Annotated[Lang, typer.Option(help="Language of the words and tables.")]
ClassificationOpt = Annotated[str | None, typer.Option(
    help="Classification marking printed top and bottom of every page (default: the project "
         "setting, see `kvpt settings`; '' for none).")]


@app.command()
@handles_errors
def atlas(
    project: ProjectArg,
    out: OutPdf,
    by: Annotated[By, typer.Option(help="One sheet per district or per commune.")] = By.district,
    layers: Annotated[list[str] | None, typer.Option(
        "--layers", help="Layer to draw (repeatable); default: every layer.")] = None,
    where: Annotated[str | None, typer.Option(
        help="Only the units inside this one: a name (e.g. 'Tràng Định' with --by commune), "
             "an id '<layer>:<row>' or minx,miny,maxx,maxy in degrees.")] = None,
    paper: PaperOpt = Paper.A4,
    lang: LangOpt = Lang.vi,
    classification: ClassificationOpt = None,
) -> None:
    """Print an atlas: a cover, an index, then one map sheet per district or commune.

    The cover has the title, the issuing unit, the date, the classification and the list
    of units; the index gives each unit's code, number of assets and page. Each unit's
    sheet is titled with its name (map, legend, scale bar, north arrow, locator) and
    lists the unit's assets (code, name, kind): the features of the posture kinds whose
    representative point lies in the unit. A long list continues on the next page.
    """
    from maps.atlas import plan_atlas, write_atlas
    from planning.atlas import atlas_contents

    _check_pdf(out)
    proj = open_project(project)
    contents = atlas_contents(proj, by=by.value, where=where, layers=layers,
                              lang=lang.value, classification=classification)
    planned = plan_atlas(proj.reader, contents, paper=paper.value)
    _write(lambda path: write_atlas(planned, path), out)
    typer.echo(f"Wrote {out} ({len(planned.pages)} pages: cover and index, "
               f"{len(contents.units)} {by.value} sheets)")


@app.command()
@handles_errors
def brief(
    project: ProjectArg,
    out: OutPdf,
    appraisal: Annotated[str | None, typer.Option(
        "--appraisal", help="Brief the appraisal of this layer of proposed projects.")] = None,
    relocation: Annotated[bool, typer.Option(
        "--relocation", help="Brief the relocation plan of the designated enterprises.")
    ] = False,
    posture: Annotated[bool, typer.Option(
        "--posture", help="Brief the posture: completeness, depth, mutual support.")] = False,
    built_only: Annotated[bool, typer.Option(
        "--built-only", help="With --posture: count only the built works (100 % complete by "
                             "the construction roadmap, else by the layer), as `kvpt posture "
                             "--built-only`.")] = False,
    evacuation: Annotated[bool, typer.Option(
        "--evacuation", help="Brief the evacuation of the communes in hazard zones to "
                             "shelters (the options of `kvpt evacuate`).")] = False,
    hazard: Annotated[list[str] | None, typer.Option(
        help="With --evacuation: hazard type to evacuate from (flood, landslide, forest_fire "
             "or a Vietnamese spelling; repeatable; default every hazard zone).")] = None,
    max_min: Annotated[float | None, typer.Option(
        help="With --evacuation: maximum travel time to a shelter, minutes (default: setting "
             "evacuation_max_travel_min).")] = None,
    group_size: Annotated[int | None, typer.Option(
        help="With --evacuation: people per evacuation block; 0 sends each commune whole "
             "(default: setting evacuation_group_size).")] = None,
    population_rule: Annotated[str | None, typer.Option(
        help="With --evacuation: area_share or whole (default: setting "
             "evacuation_population_rule).")] = None,
    shelters: Annotated[str | None, typer.Option(
        help="With --evacuation: layer of shelters (default: every layer of kind shelter).")
    ] = None,
    cut: Annotated[list[str] | None, typer.Option(
        help="With --relocation: road segment to cut (repeatable, see `kvpt relocate "
             "--list-segments`); plan B and the changes follow plan A.")] = None,
    opinions: Annotated[Path | None, typer.Option(
        help="With --appraisal: a JSON file {\"PROPOSAL_CODE\": \"opinion text\"} of edited "
             "opinions printed instead of the drafted ones.")] = None,
    paper: PaperOpt = Paper.A4,
    lang: LangOpt = Lang.vi,
    classification: ClassificationOpt = None,
) -> None:
    """Print a briefing pack: cover, overview map, a map and tables per item, settings.

    --appraisal: a page per proposed project with its verdict, the defense works within the
    search distance (overlaps, distances) and a drafted opinion naming the works and the
    conditions proposed (replace it with --opinions). --relocation: plan A, and with
    --cut plan B and the changes, each enterprise's site, route time, distance and reason.
    --posture: completeness per unit, depth bands, mutual support; with --built-only only
    the built works count and every page says so. --evacuation (with the options of `kvpt
    evacuate`: --hazard, --max-min, --group-size, --population-rule, --shelters): the
    totals (people at risk, sheltered, left), the map of the zones, the parts of the
    communes to evacuate, the routes and the shelters, every commune's table, the communes
    left without a shelter and why, and each shelter's load. The last page lists every
    setting the analyses used.
    """
    from maps.briefing import plan_brief, write_brief

    _check_pdf(out)
    proj = open_project(project)
    evacuate = {"hazard_types": hazard or None, "max_min": max_min,
                "group_size": group_size, "population_rule": population_rule,
                "shelters": shelters} if evacuation else None
    _check_evacuation_options(evacuation, hazard=hazard, max_min=max_min,
                              group_size=group_size, population_rule=population_rule,
                              shelters=shelters)
    made = _brief(proj, appraisal, relocation, posture, cut or [], opinions, lang.value,
                  classification, built_only=built_only, evacuation=evacuate)
    planned = plan_brief(proj.reader, made, paper=paper.value)
    for warning in made.warnings:
        typer.echo(f"kvpt: warning: {warning}", err=True)
    _write(lambda path: write_brief(planned, path), out)
    typer.echo(f"Wrote {out} ({len(planned.pages)} pages, {len(made.items)} items)")


def _brief(proj: Project, appraisal: str | None, relocation: bool, posture: bool,
           cut: list[str], opinions: Path | None, lang: str,
           classification: str | None, *, built_only: bool = False,
           evacuation: dict | None = None) -> Brief:
    """Return the brief asked for (exactly one kind; ``evacuation``: its options)."""
    from planning.brief_messages import BriefError

    if sum([appraisal is not None, relocation, posture, evacuation is not None]) != 1:
        raise BriefError("brief_one_kind")
    if cut and not relocation:
        raise BriefError("brief_cut_needs_relocation")
    if built_only and not posture:
        raise BriefError("brief_built_only_needs_posture")
    if appraisal is not None:
        from planning.briefs import appraisal_brief
        from planning.opinions import parse_opinions

        edited = parse_opinions(_read(opinions)) if opinions is not None else None
        return appraisal_brief(proj, appraisal, lang=lang, opinions=edited,
                               classification=classification)
    if evacuation is not None:
        from planning.brief_evacuation import evacuation_brief

        return evacuation_brief(proj, lang=lang, classification=classification, **evacuation)
    if relocation:
        from planning.brief_relocation import relocation_brief

        return relocation_brief(proj, cut=cut, lang=lang, classification=classification)
    from planning.brief_posture import posture_brief

    return posture_brief(proj, lang=lang, classification=classification,
                         built_only=built_only)


def _check_evacuation_options(evacuation: bool, **options: object) -> None:
    """Refuse the options of ``kvpt evacuate`` given without ``--evacuation``."""
    from planning.brief_messages import BriefError

    given = ["--" + name.replace("_", "-") for name, value in options.items()
             if value not in (None, [])]
    if given and not evacuation:
        raise BriefError("brief_evacuation_options", options=", ".join(given))


def _check_pdf(out: Path) -> None:
    if out.suffix.lower() != ".pdf":
        from layers.errors import LayerError

        msg = f"Output {out.name!r} must end in .pdf."
        raise LayerError(msg)


def _read(path: Path) -> str:
    from planning.brief_messages import BriefError

    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise BriefError("opinions_bad_json", detail=f"{path.name}: {err}") from err


def _write(write: Callable[[Path], object], out: Path) -> None:
    """Write to a temporary file beside ``out``, then move it: no half-written PDF."""
    part = out.with_name(out.name + ".part")
    try:
        write(part)
        part.replace(out)
    finally:
        part.unlink(missing_ok=True)
