"""Coordinate reference systems: VN-2000 recognition, parsing, labels and suggestions.

Vietnamese national data is in VN-2000: EPSG:4756 (geographic), VN-2000 / UTM 48N and
49N (EPSG:3405, 3406) and the 3-degree transverse Mercator grids (TM-3) used per
province, e.g. Lạng Sơn on the central meridian 107°15′ (EPSG:9215). Those grids often
come only as an ESRI ``.prj`` text with a custom name, sometimes with a ``TOWGS84`` and
sometimes on a datum called "WGS 84". :func:`crs_from_prj` and :func:`parse_crs` turn any
such text that is really VN-2000 into the EPSG system (or, for a grid EPSG lacks, a
projected CRS on the EPSG:4756 base), so PROJ picks the published VN-2000 → WGS 84
transformation instead of a ballpark one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import pyproj
from pyproj.crs import ProjectedCRS
from pyproj.database import query_crs_info
from pyproj.enums import PJType

from layers.errors import LayerError
from layers.messages import Note

VN2000_GEOGRAPHIC = 4756
"""EPSG code of VN-2000 (geographic 2D)."""

# Translations (metres) of the published VN-2000 -> WGS 84 Helmert parameters:
# EPSG "VN-2000 to WGS 84 (2)" and "(1)".
_VN2000_TOWGS84 = ((-191.90441429, -39.30318279, -111.45032835), (-192.873, -39.382, -111.202))
_TOWGS84_TOLERANCE_M = 2.0
_WGS84_A = 6378137.0
_WGS84_INV_F = 298.257223563
# Bounding box of Vietnam (the area of use of EPSG:4756), lon/lat.
_VIETNAM_BOUNDS = (102.14, 8.33, 109.53, 23.4)
# How far (degrees) data may stick out of an area of use and still fit it.
_AREA_MARGIN_DEG = 0.1
# WGS 84 systems and their VN-2000 twin (the same grid or lon/lat on the other datum).
_VN2000_TWIN = {4326: VN2000_GEOGRAPHIC, 32648: 3405, 32649: 3406}
# Transverse Mercator conversion parameters (EPSG codes) compared when matching a grid.
_TM_PARAMS = {"8801": 1e-7, "8802": 1e-7, "8805": 1e-9, "8806": 1e-3, "8807": 1e-3}
_TM_METHOD = "9807"


@dataclass(frozen=True)
class CrsCandidate:
    """A coordinate reference system suggested for data that names none.

    Attributes
    ----------
    code : str
        Authority code, e.g. ``"EPSG:9215"``.
    name : str
        The pyproj name, e.g. ``"VN-2000 / TM-3 107-15"``.
    reason : str
        Why it is suggested: a :class:`layers.messages.Note` (English as a ``str``,
        ``reason.text("vi")`` for the app).
    shift_m : float or None
        For a WGS 84 system that has a VN-2000 twin (EPSG:32648 and EPSG:3405, EPSG:4326
        and EPSG:4756): how far apart (metres, geodesic) the two place the centre of
        the data; ``None`` otherwise.
    twin : str or None
        The code of that VN-2000 twin.
    """

    code: str
    name: str
    reason: str
    shift_m: float | None = None
    twin: str | None = None


def crs_from_prj(text: str, *, path: str | None = None) -> pyproj.CRS:
    """Return the CRS of a ``.prj`` text (ESRI or OGC WKT).

    A VN-2000 system (by datum name, or a ``TOWGS84`` equal to the published VN-2000
    parameters, or a system named VN-2000 on the WGS 84 ellipsoid) is returned as its
    EPSG system; a VN-2000 grid EPSG lacks is returned on the EPSG:4756 base. Any other
    system is returned as its EPSG system when pyproj is confident of the code.

    Parameters
    ----------
    text : str
        Contents of the ``.prj`` file.
    path : str, optional
        The file's name, used in error messages.

    Returns
    -------
    pyproj.CRS
        The coordinate reference system.

    Raises
    ------
    LayerError
        If the text is not a coordinate reference system.
    """
    where = path or ".prj"
    if not text.strip():
        raise LayerError(key="prj_empty", params={"file": where})
    try:
        return canonical_crs(pyproj.CRS.from_wkt(text.strip()))
    except (pyproj.exceptions.CRSError, pyproj.exceptions.ProjError) as exc:
        raise LayerError(key="prj_unreadable", params={
            "file": where, "detail": proj_reason(exc)}) from exc


def proj_reason(exc: BaseException) -> str:
    """Return why PROJ refused a CRS, without the CRS text it quotes.

    pyproj's messages repeat the whole input (``Invalid projection: <the .prj>: (Internal
    Proj Error: ...)``); only PROJ's own reason is kept, escaped and short.

    Examples
    --------
    >>> proj_reason(ValueError("Invalid projection: GEOGCS[...]: (Internal Proj Error: "
    ...                        "Invalid ellipsoid parameters)"))
    'Invalid ellipsoid parameters'
    """
    text = str(exc)
    found = re.findall(r"Internal Proj Error: ([^()]*)", text)
    if found:
        return _short(found[-1].strip(" :"), 120)
    head = text.split(":", 1)[0] if ":" in text else text
    return _short(head if len(head) <= 60 else "not a coordinate system text", 120)


def parse_crs(value: str) -> pyproj.CRS:
    """Return the CRS a user named.

    Parameters
    ----------
    value : str
        ``"EPSG:9215"``, ``"9215"``, ``"epsg:3405"``, a WKT text or a PROJ string.

    Returns
    -------
    pyproj.CRS
        The CRS, as its EPSG system where one matches (VN-2000 recognised as for
        :func:`crs_from_prj`).

    Raises
    ------
    LayerError
        If ``value`` names no CRS.
    """
    text = str(value).strip()
    try:
        if re.fullmatch(r"\d{4,6}", text):
            crs = pyproj.CRS.from_epsg(int(text))
        else:
            crs = pyproj.CRS.from_user_input(text)
    except pyproj.exceptions.CRSError as exc:
        raise LayerError(key="crs_unknown", params={"value": _short(str(value))}) from exc
    return canonical_crs(crs)


def crs_label(crs: pyproj.CRS) -> str:
    """Return a short human label, e.g. ``"VN-2000 / TM-3 107-15 (EPSG:9215)"``.

    Parameters
    ----------
    crs : pyproj.CRS
        The CRS.

    Returns
    -------
    str
        Name and code; a system without a code says so, and a VN-2000 grid without
        a code shows its central meridian in degrees and minutes.
    """
    code = _authority(crs)
    if code:
        return f"{crs.name} ({code})"
    base = crs.source_crs if crs.is_bound else crs
    if _vn2000_reason(crs) and base.is_projected:
        params = _conversion_params(base)
        if params and params["method"] == _TM_METHOD:
            return (f"VN-2000 / TM {_dms(params['8802'])} k={params['8805']:g} "
                    "(no EPSG code)")
    return f"{crs.name} (no EPSG code)"


def crs_code(crs: pyproj.CRS) -> str:
    """Return ``"EPSG:9215"``-style code, or the WKT when the CRS has no code.

    Parameters
    ----------
    crs : pyproj.CRS
        The CRS.

    Returns
    -------
    str
        ``"AUTHORITY:CODE"`` or a WKT2 text.
    """
    return _authority(crs) or crs.to_wkt()


def suggest_crs(bounds: tuple[float, float, float, float]) -> list[CrsCandidate]:
    """Suggest coordinate reference systems for raw coordinates, best first.

    Degree ranges give WGS 84 (EPSG:4326) and, inside Vietnam, VN-2000 (EPSG:4756),
    VN-2000 first. Metre ranges give each VN-2000 grid (UTM 48N/49N, TM-3 zones) and
    WGS 84 / UTM 48N/49N whose area of use contains the data once projected back to
    lon/lat with that grid, and whose zone (central meridian ±1.5° for TM-3, ±3° for
    UTM) holds it. Grids whose data falls inside Vietnam come first, VN-2000 before
    WGS 84 (Vietnamese data is VN-2000 unless it says otherwise), then the tighter area
    of use (a provincial TM-3 zone before a national UTM zone).

    A WGS 84 candidate with a VN-2000 twin (the same grid, or lon/lat, on the other
    datum) says in its reason how far apart the two place the data at its centre
    (about 224 m in the north of Vietnam), computed with pyproj (``shift_m``).

    Parameters
    ----------
    bounds : tuple of float
        ``(minx, miny, maxx, maxy)`` of the raw coordinates.

    Returns
    -------
    list of CrsCandidate
        Possibly empty when no known system fits.
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
        return []
    if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
        return _with_shifts(_degree_candidates((minx, miny, maxx, maxy)),
                            (minx, miny, maxx, maxy))
    ranked = []
    for code in _projected_candidates():
        fit = _fit(code, (minx, miny, maxx, maxy))
        if fit is not None:
            ranked.append(fit)
    ranked.sort(key=lambda item: (not item[0], item[2].code in _WGS84_CODES, item[1]))
    return _with_shifts([cand for _, _, cand in ranked], (minx, miny, maxx, maxy))


def datum_shift_m(code_a: str | int, code_b: str | int, x: float, y: float) -> float:
    """Return how far apart (metres) two systems place the raw coordinate ``(x, y)``.

    Both readings are transformed to WGS 84 lon/lat with pyproj and compared on the
    WGS 84 ellipsoid (geodesic distance).

    Parameters
    ----------
    code_a, code_b : str or int
        The two systems (``"EPSG:3405"`` or ``3405``).
    x, y : float
        The coordinate as written in the data (easting/northing or lon/lat).

    Returns
    -------
    float
        Metres; ``nan`` when a reading cannot be transformed.
    """
    points = []
    for code in (code_a, code_b):
        tr = _to_wgs84(int(str(code).split(":")[-1]))
        points.append(tr.transform(x, y))
    (lon0, lat0), (lon1, lat1) = points
    if not all(math.isfinite(v) for v in (lon0, lat0, lon1, lat1)):
        return math.nan
    return float(pyproj.Geod(ellps="WGS84").inv(lon0, lat0, lon1, lat1)[2])


_WGS84_CODES = frozenset(f"EPSG:{c}" for c in _VN2000_TWIN)


@lru_cache(maxsize=64)
def _to_wgs84(code: int) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(pyproj.CRS.from_epsg(code), pyproj.CRS.from_epsg(4326),
                                       always_xy=True)


def _with_shifts(cands: list[CrsCandidate],
                 bounds: tuple[float, float, float, float]) -> list[CrsCandidate]:
    """Add to each WGS 84 candidate whose VN-2000 twin is a candidate too the shift."""
    x, y = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    codes = {c.code for c in cands}
    out = []
    for cand in cands:
        code = int(cand.code.split(":")[-1])
        twin = _VN2000_TWIN.get(code)
        if twin is None or f"EPSG:{twin}" not in codes:
            out.append(cand)
            continue
        shift = datum_shift_m(code, twin, x, y)
        if not math.isfinite(shift):
            out.append(cand)
            continue
        twin_name = pyproj.CRS.from_epsg(twin).name
        note = (Note.of("reason_wgs84_twin", twin=twin_name, twin_code=f"EPSG:{twin}",
                        shift_m=shift) if code != 4326 else
                Note.of("reason_shift", reason=cand.reason, other=twin_name,
                        other_code=f"EPSG:{twin}", shift_m=shift))
        out.append(CrsCandidate(cand.code, cand.name, note, shift, f"EPSG:{twin}"))
    return out


def canonical_crs(crs: pyproj.CRS) -> pyproj.CRS:
    """Return the EPSG form of ``crs`` where one matches, VN-2000 recognised.

    Parameters
    ----------
    crs : pyproj.CRS
        A parsed CRS.

    Returns
    -------
    pyproj.CRS
        The EPSG system, a projected CRS on the EPSG:4756 base for a VN-2000 grid
        EPSG lacks, or ``crs`` itself.
    """
    if _vn2000_reason(crs):
        vn = _vn2000_crs(crs)
        if vn is not None:
            return vn
    base = crs.source_crs if crs.is_bound else crs
    if crs.is_bound and not _is_null_towgs84(crs):
        return crs
    if base.to_authority(min_confidence=90) == ("OGC", "CRS84"):
        return pyproj.CRS.from_epsg(4326)  # same datum; only the axis order differs
    epsg = base.to_epsg(min_confidence=70)
    return pyproj.CRS.from_epsg(epsg) if epsg else crs


def _authority(crs: pyproj.CRS) -> str | None:
    epsg = crs.to_epsg(min_confidence=90)
    if epsg:
        return f"EPSG:{epsg}"
    auth = crs.to_authority(min_confidence=90)
    return f"{auth[0]}:{auth[1]}" if auth else None


def _norm(text: str | None) -> str:
    return re.sub(r"[^0-9a-z]", "", (text or "").lower())


def _is_wgs84_ellipsoid(crs: pyproj.CRS) -> bool:
    ell = crs.ellipsoid
    if ell is None:
        return False
    return (abs(ell.semi_major_metre - _WGS84_A) < 1e-3
            and abs(ell.inverse_flattening - _WGS84_INV_F) < 1e-6)


def _towgs84(crs: pyproj.CRS) -> tuple[float, float, float] | None:
    op = crs.coordinate_operation if crs.is_bound else None
    if op is None:
        return None
    values = {p.name.lower(): p.value for p in op.params}
    try:
        return (values["x-axis translation"], values["y-axis translation"],
                values["z-axis translation"])
    except KeyError:
        return None


def _is_null_towgs84(crs: pyproj.CRS) -> bool:
    op = crs.coordinate_operation
    return op is not None and all(abs(p.value) < 1e-9 for p in op.params)


def _vn2000_reason(crs: pyproj.CRS) -> str | None:
    """Return why ``crs`` is VN-2000 ("datum", "towgs84", "name"), or None."""
    base = crs.source_crs if crs.is_bound else crs
    geod = base.geodetic_crs
    if geod is None or not _is_wgs84_ellipsoid(geod):
        return None
    if any(k in _norm(f"{geod.datum.name} {geod.name}") for k in ("vn2000", "vietnam2000")):
        return "datum"
    shift = _towgs84(crs)
    if shift is not None:
        near = any(math.dist(shift, ref) < _TOWGS84_TOLERANCE_M for ref in _VN2000_TOWGS84)
        return "towgs84" if near else None
    if any(k in _norm(base.name) for k in ("vn2000", "vietnam2000")):
        return "name"
    return None


def _vn2000_crs(crs: pyproj.CRS) -> pyproj.CRS | None:
    base = crs.source_crs if crs.is_bound else crs
    if base.is_geographic:
        return pyproj.CRS.from_epsg(VN2000_GEOGRAPHIC)
    params = _conversion_params(base)
    if not base.is_projected or params is None or not _is_metre(base):
        return None
    if params["method"] == _TM_METHOD:
        for code in _vn2000_projected_codes():
            ref = _conversion_params(pyproj.CRS.from_epsg(code))
            if ref and ref["method"] == _TM_METHOD and all(
                abs(params.get(k, math.nan) - ref[k]) <= tol for k, tol in _TM_PARAMS.items()
            ):
                return pyproj.CRS.from_epsg(code)
        name = f"VN-2000 / TM {_dms(params['8802'])}"
    else:
        name = f"VN-2000 / {base.coordinate_operation.method_name}"
    return ProjectedCRS(conversion=base.coordinate_operation, name=name,
                        geodetic_crs=pyproj.CRS.from_epsg(VN2000_GEOGRAPHIC))


def _conversion_params(crs: pyproj.CRS) -> dict | None:
    op = crs.coordinate_operation
    if op is None:
        return None
    params: dict = {p.code: p.value for p in op.params if p.code}
    params["method"] = op.method_code
    if params["method"] is None and _norm(op.method_name) == "transversemercator":
        params["method"] = _TM_METHOD
    return params


def _is_metre(crs: pyproj.CRS) -> bool:
    return all(abs(ax.unit_conversion_factor - 1.0) < 1e-12 for ax in crs.axis_info)


def _dms(degrees: float) -> str:
    whole = int(degrees)
    minutes = round((degrees - whole) * 60)
    return f"{whole}°{minutes:02d}′"


@lru_cache(maxsize=1)
def _vn2000_projected_codes() -> tuple[int, ...]:
    infos = query_crs_info(auth_name="EPSG", pj_types=PJType.PROJECTED_CRS)
    codes = {int(i.code) for i in infos if i.name.startswith("VN-2000") and not i.deprecated}
    return tuple(sorted(codes))


@lru_cache(maxsize=1)
def _projected_candidates() -> tuple[int, ...]:
    return (*_vn2000_projected_codes(), 32648, 32649)


@lru_cache(maxsize=64)
def _to_lonlat(code: int) -> tuple[pyproj.Transformer, tuple[float, float, float, float], str]:
    crs = pyproj.CRS.from_epsg(code)
    tr = pyproj.Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    area = crs.area_of_use
    return tr, area.bounds, area.name


def _fit(code: int, bounds: tuple[float, float, float, float]):
    """Return ``(inside Vietnam, area of use size, candidate)`` when ``code`` fits."""
    tr, area, area_name = _to_lonlat(code)
    crs = pyproj.CRS.from_epsg(code)
    cm = _conversion_params(crs)["8802"]
    try:
        lon0, lat0, lon1, lat1 = tr.transform_bounds(*bounds, densify_pts=11)
    except pyproj.exceptions.ProjError:
        return None
    if not all(math.isfinite(v) for v in (lon0, lat0, lon1, lat1)):
        return None
    m = _AREA_MARGIN_DEG
    half = _zone_half_width(crs)
    if not (cm - half - m <= lon0 and lon1 <= cm + half + m):
        return None
    if not (area[0] - m <= lon0 and lon1 <= area[2] + m and area[1] - m <= lat0
            and lat1 <= area[3] + m):
        return None
    vn = _VIETNAM_BOUNDS
    inside = vn[0] - m <= lon0 and lon1 <= vn[2] + m and vn[1] - m <= lat0 and lat1 <= vn[3] + m
    size = (area[2] - area[0]) * (area[3] - area[1])
    reason = Note.of("reason_grid", lon0=lon0, lon1=lon1, lat0=lat0, lat1=lat1,
                     area=area_name.rstrip("."))
    return inside, size, CrsCandidate(f"EPSG:{code}", crs.name, reason)


def _zone_half_width(crs: pyproj.CRS) -> float:
    """Half the width (degrees) of the zone a transverse Mercator grid is made for.

    TM-3 grids (scale 0.9999) cover their central meridian ±1.5°, UTM (0.9996) ±3°.
    """
    scale = _conversion_params(crs).get("8805", 0.9996)
    return 1.5 if abs(scale - 0.9999) < 1e-9 else 3.0


def _degree_candidates(bounds: tuple[float, float, float, float]) -> list[CrsCandidate]:
    minx, miny, maxx, maxy = bounds
    where = f"lon {minx:.2f}–{maxx:.2f}, lat {miny:.2f}–{maxy:.2f}"
    wgs84 = CrsCandidate("EPSG:4326", pyproj.CRS.from_epsg(4326).name,
                         Note.of("reason_degrees_wgs84", where=where))
    vn, m = _VIETNAM_BOUNDS, _AREA_MARGIN_DEG
    if vn[0] - m <= minx and maxx <= vn[2] + m and vn[1] - m <= miny and maxy <= vn[3] + m:
        vn2000 = CrsCandidate(f"EPSG:{VN2000_GEOGRAPHIC}",
                              pyproj.CRS.from_epsg(VN2000_GEOGRAPHIC).name,
                              Note.of("reason_degrees_vn2000", where=where))
        return [vn2000, wgs84]
    return [wgs84]


def fits_vietnam(bounds: tuple[float, float, float, float]) -> bool:
    """Return whether lon/lat ``bounds`` lie in Vietnam (the area of use of VN-2000)."""
    minx, miny, maxx, maxy = bounds
    vn, m = _VIETNAM_BOUNDS, _AREA_MARGIN_DEG
    return vn[0] - m <= minx and maxx <= vn[2] + m and vn[1] - m <= miny and maxy <= vn[3] + m


def _short(text: str, limit: int = 160) -> str:
    """Return ``text`` on one line, control characters escaped, at most ``limit`` long."""
    line = " ".join(str(text).split())
    line = "".join(c if c.isprintable() else repr(c)[1:-1] for c in line)
    return line if len(line) <= limit else line[:limit - 1] + "…"
