"""Coordinates of a point in the forms planners read and type, and back.

:func:`format_all` writes a WGS 84 point (longitude, latitude) as decimal degrees, degrees
minutes seconds (``21°51'12.3"N 106°45'01.2"E``), VN-2000 metres in the province's grid
(``X`` north, ``Y`` east, the Vietnamese survey convention), UTM on VN-2000 and on WGS 84,
and MGRS. :func:`parse_location` reads a "go to" text in any of those forms (and a few
looser ones) back to WGS 84 longitude/latitude; :data:`GOTO_EXAMPLES` lists the forms.

VN-2000 grids are passed in (``vn2000_crs``: a :class:`pyproj.CRS`, ``"EPSG:9215"``…),
defaulting to :data:`DEFAULT_VN2000_CRS`, Lạng Sơn's TM-3 grid: this module does not
know the project, and :mod:`geo` does not import :mod:`layers` (whose ``layers.crs``
recognises the VN-2000 systems of imported files; the grids themselves are the EPSG
database's, which both read through pyproj). A grid named in a text by its central
meridian is built here (:func:`vn2000_tm3`). Every VN-2000 ↔ WGS 84 conversion uses the
published 7-parameter transformation (:data:`VN2000_TOWGS84`) as an explicit PROJ
pipeline, so the result never depends on which operation PROJ would pick for a place.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import mgrs
import pyproj
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import TransverseMercatorConversion, UTMConversion

from geo.errors import AnalysisInputError

DEFAULT_VN2000_CRS = "EPSG:9215"
"""The default VN-2000 grid: VN-2000 / TM-3 107-15 (Lạng Sơn; central meridian 107°15′,
scale 0.9999, false easting 500 km). Pass another grid as ``vn2000_crs``."""

VN2000_TOWGS84: tuple[float, ...] = (-191.90441429, -39.30318279, -111.45032835,
                                     -0.00928836, 0.01975479, -0.00427372, 0.252906278)
"""VN-2000 → WGS 84: translations (m), rotations (arc-seconds), scale (ppm).

The parameters of Circular 973/2001/TT-TCĐC, as EPSG's "VN-2000 to WGS 84 (2)" gives
them, in the *coordinate frame* rotation convention (as PROJ's ``+towgs84``, which is
position vector, the rotations change sign: ``+towgs84=-191.90441429,-39.30318279,
-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278``)."""

VN2000_TM3_SCALE = 0.9999
"""Scale factor on the central meridian of the VN-2000 TM-3 grids."""

VIETNAM_EXTENT: tuple[float, float, float, float] = (102.0, 6.0, 117.5, 23.5)
"""Where a "go to" point may fall (lon/lat): mainland Vietnam (the area of use of VN-2000,
102.14–109.53°E, 8.33–23.4°N) widened to take in the Hoàng Sa and Trường Sa
archipelagos. Latitudes and longitudes never overlap in it, so their order is found."""

GOTO_EXAMPLES: tuple[str, ...] = (
    "21.85, 106.75",
    "106.75 21.85",
    "21°51'00.0\"N 106°45'00.0\"E",
    "21 51 0 106 45 0",
    "X=2417143.85 Y=448124.41",
    "VN-2000 / TM-3 107-15 2417143.85 448124.41",
    "VN-2000 / UTM 48N 680650 2417360",
    "48Q 680846 2417252",
    "48Q XK 80846 17252",
)
"""One text per accepted form, all the same point (21.85°N, 106.75°E): decimal degrees
(latitude or longitude first), DMS with symbols or spaces, VN-2000 metres in the default
grid (``X`` = north, ``Y`` = east; bare numbers work too), VN-2000 metres in a grid named
by its central meridian (or ``EPSG:9215``), UTM on VN-2000, UTM on WGS 84 (zone and band
or ``N``; easting first), MGRS."""

FORMAT_KEYS: tuple[str, ...] = ("dd", "dms", "vn2000", "utm_vn2000", "utm_wgs84", "mgrs")
"""Keys of :func:`format_all`, in display order."""

_HELMERT = ("+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
            "+step +proj=push +v_3 +step +proj=cart +ellps=WGS84 "
            "+step +proj=helmert +x={} +y={} +z={} +rx={} +ry={} +rz={} +s={} "
            "+convention=coordinate_frame +step +inv +proj=cart +ellps=WGS84 "
            "+step +proj=pop +v_3 +step +proj=unitconvert +xy_in=rad +xy_out=deg")
_BANDS = "CDEFGHJKLMNPQRSTUVWXX"
_NUM = r"[-+]?\d+(?:\.\d+)?"
_MGRS_RE = re.compile(r"(\d{1,2})([C-HJ-NP-X])([A-HJ-NP-Z])([A-HJ-NP-V])(\d*)")
_MGRS_SPLIT_RE = re.compile(r"\d{1,2}\s*[C-HJ-NP-X]\s*[A-HJ-NP-Z][A-HJ-NP-V]\s*(\d+)\s*(\d*)")
_EPSG_RE = re.compile(r"EPSG\s*[: ]\s*(\d{4,5})")
_VN2000_RE = re.compile(r"VN\s*-?\s*2000")
_MERIDIAN_DM_RE = re.compile(r"(?<![\d.])(1[01]\d)\s*(?:°\s*(\d{1,2})\s*'?|-\s*(\d{2}))(?![\d.])")
_MERIDIAN_KEY_RE = re.compile(
    r"(?:(?<!U)TM\s*-?\s*3|KTT|KINH TUYẾN TRỤC|CM|LON_?0)\s*[=:]?\s*(?:(1[01]\d(?:\.\d+)?)(?!\d)"
    r"\s*°?)?")
# a band letter after a space is not E or N: "48 E 680846" labels the easting
_BAND = r"(?:([C-HJ-NP-X])|\s([C-DF-HJ-MP-X]))"
_UTM_KEY_RE = re.compile(rf"(?:UTM|ZONE|MÚI(?:\s*CHIẾU)?)\s*(?:(\d{{1,2}}){_BAND}?)?(?![A-Z])")
_UTM_BARE_RE = re.compile(rf"(?<![\d.])(\d{{1,2}}){_BAND}(?![A-Z\d])")
_PREFIX_RE = re.compile(rf"([XYEN])\s*[=:]?\s*({_NUM})\s*M?(?![A-Z])")
_SUFFIX_RE = re.compile(rf"({_NUM})\s*M?\s*([XYEN])?(?![A-Z])")
_ANGLE_RE = re.compile(rf"({_NUM})\s*([°'\"])?|([NSEW])(?![A-Z])")
_SYMBOLS = {"′": "'", "’": "'", "‘": "'", "´": "'", "`": "'", "″": '"', "”": '"', "“": '"',
            "º": "°", "˚": "°", "''": '"'}
_WORDS = re.compile(r"\b(?:LATITUDE|LONGITUDE|LAT|LON|LNG|LONG|VĨ ĐỘ|KINH ĐỘ)\b")
_HEMI_VI = {"B": "N", "Đ": "E", "T": "W"}  # Bắc, Đông, Tây
_UNIT_ORDER = ("°", "'", '"')


@dataclass(frozen=True)
class Location:
    """A point read from a "go to" text.

    Attributes
    ----------
    lon, lat : float
        WGS 84 longitude and latitude (degrees).
    form : str
        The form read: ``"dd"``, ``"dms"``, ``"vn2000"``, ``"utm"`` or ``"mgrs"``.
    grid : str
        How the numbers were read, e.g. ``"WGS 84"``, ``"VN-2000 / TM-3 107-15"``,
        ``"WGS 84 / UTM 48N"``, ``"MGRS (WGS 84)"``.
    swapped : bool
        Whether the two numbers were read in the other order than written (they fit
        Vietnam only that way).
    """

    lon: float
    lat: float
    form: str
    grid: str
    swapped: bool = False


class CoordinateInputError(AnalysisInputError):
    """A coordinate text or value that cannot be read or lies outside Vietnam.

    The message (English) says what is wrong and lists the accepted forms. ``reason``
    (``"empty"``, ``"unrecognised"``, ``"outside"``, ``"angle"``, ``"mgrs"``, ``"grid"``;
    ``"point"`` for a bad number given to a ``format_*`` function) and ``params`` let a
    front end say it in its own language (the app: ``planning.messages.Message(
    f"goto_{reason}", params)``).
    """

    def __init__(self, message: str, reason: str = "unrecognised", **params: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.params = dict(params)

    def __reduce__(self) -> tuple:
        return (_rebuild_error, (str(self), self.reason, self.params))


def _rebuild_error(message: str, reason: str, params: dict) -> CoordinateInputError:
    return CoordinateInputError(message, reason, **params)


@dataclass
class _Metric:
    """The parts of a metric text: grid designators found, and what is left."""

    rest: str
    epsg: int | None = None
    vn2000: bool = False
    meridian: float | None = None
    zone: int | None = None
    band: str | None = None
    labels: list[str | None] = field(default_factory=list)
    values: list[float] = field(default_factory=list)


# --- VN-2000 and UTM grids ------------------------------------------------------------------


def vn2000_crs(value: object = None) -> pyproj.CRS:
    """Return the VN-2000 grid ``value`` names, checked.

    Parameters
    ----------
    value : pyproj.CRS, str or int, optional
        A projected CRS on the VN-2000 datum (``"EPSG:9215"``, ``3405``, a CRS from
        ``layers.crs.parse_crs``…); :data:`DEFAULT_VN2000_CRS` by default.

    Returns
    -------
    pyproj.CRS
        The grid (a bound CRS is returned without its bound transformation).

    Raises
    ------
    CoordinateInputError
        If ``value`` is not a projected CRS in metres on the VN-2000 datum.
    """
    try:
        crs = pyproj.CRS.from_user_input(DEFAULT_VN2000_CRS if value is None else value)
    except pyproj.exceptions.CRSError as exc:
        msg = f"{value!r} is not a coordinate reference system; pass a VN-2000 grid, e.g. " \
              "'EPSG:9215' (VN-2000 / TM-3 107-15)."
        raise CoordinateInputError(msg, "grid", value=str(value)) from exc
    crs = crs.source_crs if crs.is_bound else crs
    if not (crs.is_projected and _is_vn2000(crs) and _is_metre(crs)):
        msg = (f"{crs.name!r} is not a VN-2000 grid in metres; pass one, e.g. 'EPSG:9215' "
               "(VN-2000 / TM-3 107-15) or 'EPSG:3405' (VN-2000 / UTM 48N).")
        raise CoordinateInputError(msg, "grid", value=crs.name)
    return crs


@lru_cache(maxsize=64)
def vn2000_tm3(meridian: float, *, scale: float = VN2000_TM3_SCALE) -> pyproj.CRS:
    """Return the VN-2000 TM-3 grid of a central meridian (false easting 500 km).

    Parameters
    ----------
    meridian : float
        Central meridian in degrees, e.g. ``107.25`` for 107°15′ (Lạng Sơn).
    scale : float
        Scale factor on the central meridian (0.9999 for TM-3).

    Returns
    -------
    pyproj.CRS
        A projected CRS on the VN-2000 datum (EPSG:4756), named
        ``"VN-2000 / TM-3 107-15"``; equal to the EPSG grid where one exists (EPSG:9215).
    """
    conversion = TransverseMercatorConversion(
        latitude_natural_origin=0.0, longitude_natural_origin=meridian, false_easting=500000.0,
        false_northing=0.0, scale_factor_natural_origin=scale)
    return ProjectedCRS(conversion=conversion, geodetic_crs=pyproj.CRS.from_epsg(4756),
                        name=f"VN-2000 / TM-3 {_meridian_text(meridian)}")


@lru_cache(maxsize=16)
def vn2000_utm(zone: int) -> pyproj.CRS:
    """Return VN-2000 / UTM ``zone`` N (EPSG:3405 for 48, EPSG:3406 for 49)."""
    if zone in (48, 49):
        return pyproj.CRS.from_epsg(3405 if zone == 48 else 3406)
    return ProjectedCRS(conversion=UTMConversion(zone, hemisphere="N"),
                        geodetic_crs=pyproj.CRS.from_epsg(4756), name=f"VN-2000 / UTM {zone}N")


def to_grid(lon: float, lat: float, crs: object) -> tuple[float, float]:
    """Return ``(easting, northing)`` of a WGS 84 point in a VN-2000 or WGS 84 grid.

    Parameters
    ----------
    lon, lat : float
        WGS 84 longitude and latitude.
    crs : pyproj.CRS, str or int
        A projected grid in metres on the VN-2000 datum (converted with
        :data:`VN2000_TOWGS84`) or on WGS 84.

    Returns
    -------
    tuple of float
        Easting and northing in metres (VN-2000 writes them ``Y`` and ``X``).

    Raises
    ------
    CoordinateInputError
        If ``crs`` is neither.
    """
    to_geodetic, datum = _steps(_grid(crs))
    if datum is not None:
        lon, lat = datum.transform(lon, lat, direction="INVERSE")
    easting, northing = to_geodetic.transform(lon, lat, direction="INVERSE")
    return float(easting), float(northing)


def from_grid(easting: float, northing: float, crs: object) -> tuple[float, float]:
    """Return WGS 84 ``(lon, lat)`` of a point in a VN-2000 or WGS 84 grid (see :func:`to_grid`)."""
    to_geodetic, datum = _steps(_grid(crs))
    lon, lat = to_geodetic.transform(easting, northing)
    if datum is not None:
        lon, lat = datum.transform(lon, lat)
    return float(lon), float(lat)


def utm_zone(lon: float) -> int:
    """Return the UTM zone (1–60) of a longitude."""
    return int(min(max((lon + 180.0) // 6.0 + 1, 1), 60))


# --- formatting -----------------------------------------------------------------------------


def format_dd(lon: float, lat: float, *, decimals: int = 6) -> str:
    """Return ``"21.850000, 106.750000"``: decimal degrees, latitude first (as map apps)."""
    lon, lat = _checked(lon, lat)
    return f"{lat:.{decimals}f}, {lon:.{decimals}f}"


def format_dms(lon: float, lat: float, *, decimals: int = 1) -> str:
    """Return ``21°51'12.3"N 106°45'01.2"E``: degrees, minutes, seconds, latitude first.

    Minutes and seconds have two digits; the seconds are rounded half up to ``decimals``
    places, carried into the minutes and degrees (the map's pointer readout does the same
    in the browser, :mod:`maps.tools`).
    """
    lon, lat = _checked(lon, lat)
    return f"{_dms(lat, 'NS', decimals)} {_dms(lon, 'EW', decimals)}"


def format_vn2000(lon: float, lat: float, vn2000: object = None, *, decimals: int = 2) -> str:
    """Return ``"X=2417143.85 Y=448124.41 (VN-2000 / TM-3 107-15)"``.

    Parameters
    ----------
    lon, lat : float
        WGS 84 longitude and latitude.
    vn2000 : pyproj.CRS, str or int, optional
        The VN-2000 grid (:func:`vn2000_crs`); the province's by default.
    decimals : int
        Decimals of the metres.

    Returns
    -------
    str
        ``X`` northing and ``Y`` easting (the Vietnamese survey convention) and the grid.
    """
    lon, lat = _checked(lon, lat)
    crs = vn2000_crs(vn2000)
    easting, northing = to_grid(lon, lat, crs)
    return f"X={northing:.{decimals}f} Y={easting:.{decimals}f} ({grid_label(crs)})"


def format_utm(lon: float, lat: float, *, datum: str = "WGS 84", zone: int | None = None,
               decimals: int = 0) -> str:
    """Return UTM: ``"48Q 680846 2417252"`` (WGS 84) or ``"VN-2000 / UTM 48N 680650 2417360"``.

    Parameters
    ----------
    lon, lat : float
        WGS 84 longitude and latitude.
    datum : {"WGS 84", "VN-2000"}
        WGS 84 UTM (EPSG:326xx, as a GPS shows it, with the latitude band) or UTM on
        VN-2000 (EPSG:3405/3406).
    zone : int, optional
        The zone; the point's own by default.
    decimals : int
        Decimals of the metres.

    Returns
    -------
    str
        Zone, easting, northing.
    """
    lon, lat = _checked(lon, lat)
    zone = utm_zone(lon) if zone is None else int(zone)
    if datum == "VN-2000":
        easting, northing = to_grid(lon, lat, vn2000_utm(zone))
        return f"VN-2000 / UTM {zone}N {easting:.{decimals}f} {northing:.{decimals}f}"
    if datum != "WGS 84":
        msg = f"datum must be 'WGS 84' or 'VN-2000', not {datum!r}."
        raise CoordinateInputError(msg, "grid", value=str(datum))
    easting, northing = to_grid(lon, lat, _wgs84_utm(zone, lat >= 0))
    return f"{zone}{_band(lat)} {easting:.{decimals}f} {northing:.{decimals}f}"


def format_mgrs(lon: float, lat: float, *, precision: int = 5) -> str:
    """Return MGRS, e.g. ``"48Q XK 80846 17252"`` (``precision`` digits each: 5 = 1 m)."""
    lon, lat = _checked(lon, lat)
    text = mgrs.MGRS().toMGRS(lat, lon, MGRSPrecision=precision)
    text = text.decode() if isinstance(text, bytes) else text
    cut = len(text) - 2 * precision
    head, digits = text[:cut], text[cut:]
    parts = [head[:-2], head[-2:], digits[:precision], digits[precision:]]
    return " ".join(p for p in parts if p)


def format_all(lon: float, lat: float, *, vn2000: object = None) -> dict[str, str]:
    """Return the point in every form, keyed by :data:`FORMAT_KEYS`.

    Parameters
    ----------
    lon, lat : float
        WGS 84 longitude and latitude.
    vn2000 : pyproj.CRS, str or int, optional
        The province's VN-2000 grid (:data:`DEFAULT_VN2000_CRS` by default).

    Returns
    -------
    dict of str to str
        ``dd``, ``dms``, ``vn2000`` (the province grid), ``utm_vn2000``, ``utm_wgs84`` and
        ``mgrs``; each reads back with :func:`parse_location`.
    """
    return {"dd": format_dd(lon, lat), "dms": format_dms(lon, lat),
            "vn2000": format_vn2000(lon, lat, vn2000),
            "utm_vn2000": format_utm(lon, lat, datum="VN-2000"),
            "utm_wgs84": format_utm(lon, lat), "mgrs": format_mgrs(lon, lat)}


def grid_label(crs: pyproj.CRS) -> str:
    """Return a grid's short label, e.g. ``"VN-2000 / TM-3 107-15"`` or ``"WGS 84 / UTM 48N"``."""
    params = _tm_params(crs)
    datum = "VN-2000" if _is_vn2000(crs) else "WGS 84"
    if params is None:
        return crs.name
    if abs(params["scale"] - 0.9996) < 1e-9 and params["false_easting"] == 500000.0:
        zone = utm_zone(params["meridian"])
        return f"{datum} / UTM {zone}{'N' if params['false_northing'] == 0 else 'S'}"
    if abs(params["scale"] - VN2000_TM3_SCALE) < 1e-9:
        return f"{datum} / TM-3 {_meridian_text(params['meridian'])}"
    return crs.name


# --- parsing --------------------------------------------------------------------------------


def parse_location(text: str, *, vn2000: object = None) -> Location:
    """Read a "go to" text as a WGS 84 point.

    Accepted (see :data:`GOTO_EXAMPLES`): decimal degrees, latitude or longitude first
    (``"21.85, 106.75"``, ``"106.75 21.85"``, hemisphere letters allowed, a decimal comma
    when the numbers are separated by spaces); degrees minutes seconds with ``°'"`` or
    spaces (``N``/``B`` north, ``E``/``Đ`` east); VN-2000 metres ``X Y`` (north, east; either
    order, ``X=``/``Y=``/``N``/``E`` labels) in the grid named in the text (its central
    meridian ``107-15``, ``107°15'``, ``TM-3 107.25``, or ``EPSG:9215``) or else in
    ``vn2000``; UTM with its zone (``48Q``, ``48N``, ``UTM 48``; easting first; on WGS 84
    unless ``VN-2000`` is written); MGRS (``48Q XK 80846 17252``, the centre of the square).

    Parameters
    ----------
    text : str
        What the user typed.
    vn2000 : pyproj.CRS, str or int, optional
        The province's VN-2000 grid, for metres that name none.

    Returns
    -------
    Location
        The point and how it was read.

    Raises
    ------
    CoordinateInputError
        If the text is in none of the forms (the message lists them), a minute or second
        is 60 or more, an MGRS reference is malformed, or the point lies outside Vietnam
        (:data:`VIETNAM_EXTENT`).
    """
    clean = _normalise(text)
    if not clean:
        raise CoordinateInputError(f"Type a place to go to. {_forms()}", "empty")
    for reader in (_read_mgrs, _read_metric, _read_angles):
        found = reader(clean, vn2000)
        if found is not None:
            return found
    msg = f"{text.strip()!r} is not a coordinate this map reads. {_forms()}"
    raise CoordinateInputError(msg, "unrecognised", text=text.strip())


# --- helpers: grids -------------------------------------------------------------------------


def _grid(crs: object) -> pyproj.CRS:
    try:
        grid = pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError as exc:
        msg = f"{crs!r} is not a coordinate reference system; pass e.g. 'EPSG:9215'."
        raise CoordinateInputError(msg, "grid", value=str(crs)) from exc
    grid = grid.source_crs if grid.is_bound else grid
    if not grid.is_projected or not _is_metre(grid) or not (_is_vn2000(grid) or _is_wgs84(grid)):
        msg = (f"{grid.name!r} is not a VN-2000 or WGS 84 grid in metres; pass one, e.g. "
               "'EPSG:9215' (VN-2000 / TM-3 107-15) or 'EPSG:32648' (WGS 84 / UTM 48N).")
        raise CoordinateInputError(msg, "grid", value=grid.name)
    return grid


@lru_cache(maxsize=64)
def _steps(grid: pyproj.CRS) -> tuple[pyproj.Transformer, pyproj.Transformer | None]:
    """Grid → its own lon/lat (a conversion), and VN-2000 lon/lat → WGS 84 (None on WGS 84)."""
    to_geodetic = pyproj.Transformer.from_crs(grid, grid.geodetic_crs, always_xy=True)
    return to_geodetic, (_datum_shift() if _is_vn2000(grid) else None)


@lru_cache(maxsize=1)
def _datum_shift() -> pyproj.Transformer:
    return pyproj.Transformer.from_pipeline(_HELMERT.format(*VN2000_TOWGS84))


def _is_vn2000(crs: pyproj.CRS) -> bool:
    datum = crs.geodetic_crs.datum.name if crs.geodetic_crs else ""
    return re.sub(r"[^0-9a-z]", "", datum.lower()) in ("vietnam2000", "vn2000")


def _is_wgs84(crs: pyproj.CRS) -> bool:
    datum = crs.geodetic_crs.datum.name if crs.geodetic_crs else ""
    return datum.startswith("World Geodetic System 1984")


def _is_metre(crs: pyproj.CRS) -> bool:
    return all(abs(ax.unit_conversion_factor - 1.0) < 1e-12 for ax in crs.axis_info)


def _tm_params(crs: pyproj.CRS) -> dict[str, float] | None:
    op = crs.coordinate_operation
    if op is None or "transverse mercator" not in op.method_name.lower():
        return None
    values = {p.code: p.value for p in op.params}
    return {"meridian": values.get("8802", math.nan), "scale": values.get("8805", math.nan),
            "false_easting": values.get("8806", math.nan),
            "false_northing": values.get("8807", math.nan)}


def _wgs84_utm(zone: int, north: bool) -> pyproj.CRS:
    return pyproj.CRS.from_epsg((32600 if north else 32700) + zone)


def _meridian_text(meridian: float) -> str:
    whole = int(meridian)
    return f"{whole}-{round((meridian - whole) * 60):02d}"


# --- helpers: formatting --------------------------------------------------------------------


def _checked(lon: float, lat: float) -> tuple[float, float]:
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        lon = lat = math.nan
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180
            and -90 <= lat <= 90):
        msg = "lon and lat must be WGS 84 degrees (-180..180, -90..90)."
        raise CoordinateInputError(msg, "point", lon=lon, lat=lat)
    return lon, lat


def _dms(value: float, letters: str, decimals: int) -> str:
    scale = 10 ** decimals
    total = math.floor(abs(value) * 3600 * scale + 0.5)
    degrees, rest = divmod(total, 3600 * scale)
    minutes, seconds = divmod(rest, 60 * scale)
    width = 3 + decimals if decimals else 2
    letter = letters[0] if value >= 0 else letters[1]
    return f"{degrees}°{minutes:02d}'{seconds / scale:0{width}.{decimals}f}\"{letter}"


def _band(lat: float) -> str:
    return _BANDS[int(min(max((lat + 80) // 8, 0), 20))]


# --- helpers: parsing -----------------------------------------------------------------------


def _normalise(text: str) -> str:
    clean = unicodedata.normalize("NFC", str(text or "")).strip()
    for old, new in _SYMBOLS.items():
        clean = clean.replace(old, new)
    return _decimal_commas(" ".join(clean.upper().split()))


def _forms() -> str:
    return "Accepted forms (examples, all the same point): " + "; ".join(GOTO_EXAMPLES) + "."


def _read_mgrs(text: str, vn2000: object) -> Location | None:
    compact = re.sub(r"\s+", "", text)
    match = _MGRS_RE.fullmatch(compact)
    if match is None:
        return None
    digits = match.group(5)
    split = _MGRS_SPLIT_RE.fullmatch(text)
    uneven = split is not None and split.group(2) and len(split.group(1)) != len(split.group(2))
    if len(digits) % 2 or len(digits) > 10 or uneven:
        msg = (f"{text!r}: an MGRS reference has two numbers of the same length (1 to 5 "
               f"digits each), e.g. 48Q XK 80846 17252. {_forms()}")
        raise CoordinateInputError(msg, "mgrs", text=text)
    return _mgrs_centre(compact, len(digits) // 2, text)


def _mgrs_centre(compact: str, precision: int, text: str) -> Location:
    try:
        zone, hemi, easting, northing = mgrs.MGRS().MGRSToUTM(compact)
    except Exception as exc:  # noqa: BLE001 - mgrs raises its own MGRSError type
        msg = f"{text!r} is not a valid MGRS reference. {_forms()}"
        raise CoordinateInputError(msg, "mgrs", text=text) from exc
    half = 0.5 * 10 ** (5 - precision)
    hemi = hemi.decode() if isinstance(hemi, bytes) else hemi
    lon, lat = from_grid(easting + half, northing + half, _wgs84_utm(int(zone), hemi == "N"))
    return _inside(Location(lon, lat, "mgrs", "MGRS (WGS 84)"), text)


def _read_metric(text: str, vn2000: object) -> Location | None:
    parts = _metric_parts(text)
    if parts is None:
        return None
    grid, form = _metric_grid(parts, vn2000)
    north_first = form == "vn2000"
    return _place_pair(parts, grid, form, north_first, text)


def _metric_parts(text: str) -> _Metric | None:
    parts = _Metric(text)
    for strip in (_strip_epsg, _strip_vn2000, _strip_meridian, _strip_utm):
        strip(parts)
    rest = parts.rest.strip(" ,;:/()[]")
    if not _values(parts, rest) or len(parts.values) != 2:
        return None
    if min(abs(v) for v in parts.values) < 1000:
        return None
    return parts


def _strip_epsg(parts: _Metric) -> None:
    match = _EPSG_RE.search(parts.rest)
    if match:
        parts.epsg = int(match.group(1))
        parts.rest = parts.rest[:match.start()] + " " + parts.rest[match.end():]


def _strip_vn2000(parts: _Metric) -> None:
    parts.vn2000 = bool(_VN2000_RE.search(parts.rest))
    parts.rest = _VN2000_RE.sub(" ", parts.rest)


def _strip_meridian(parts: _Metric) -> None:
    match = _MERIDIAN_DM_RE.search(parts.rest)
    if match:
        minutes = match.group(2) or match.group(3) or "0"
        parts.meridian = int(match.group(1)) + int(minutes) / 60
        parts.rest = parts.rest[:match.start()] + " " + parts.rest[match.end():]
    match = _MERIDIAN_KEY_RE.search(parts.rest)
    if match:
        if match.group(1):
            parts.meridian = float(match.group(1))
        parts.rest = parts.rest[:match.start()] + " " + parts.rest[match.end():]


def _strip_utm(parts: _Metric) -> None:
    match = _UTM_KEY_RE.search(parts.rest)
    if match is None or match.group(1) is None:
        match = _UTM_BARE_RE.search(parts.rest) or match
    if match is None:
        return
    if match.group(1):
        parts.zone, parts.band = int(match.group(1)), match.group(2) or match.group(3)
    parts.rest = parts.rest[:match.start()] + " " + parts.rest[match.end():]


def _values(parts: _Metric, rest: str) -> bool:
    """Read the numbers (and their X/Y/E/N labels) of ``rest``; False if anything else is left."""
    regex = _PREFIX_RE if re.match(r"[XYEN]\b|[XYEN]\s*[=:]", rest) else _SUFFIX_RE
    pos = 0
    for match in regex.finditer(rest):
        if rest[pos:match.start()].strip(" ,;:/"):
            return False
        number, label = (match.group(2), match.group(1)) if regex is _PREFIX_RE else \
            (match.group(1), match.group(2))
        parts.values.append(float(number))
        parts.labels.append(label)
        pos = match.end()
    return not rest[pos:].strip(" ,;:/")


def _metric_grid(parts: _Metric, vn2000: object) -> tuple[pyproj.CRS, str]:
    if parts.epsg is not None:
        grid = _grid(f"EPSG:{parts.epsg}")
        return grid, "vn2000" if grid_label(grid).startswith("VN-2000 / TM-3") else "utm"
    if parts.zone is not None:
        if not 1 <= parts.zone <= 60:
            msg = f"UTM zone {parts.zone} does not exist (1 to 60; Vietnam is in 48 and 49)."
            raise CoordinateInputError(msg, "grid", value=str(parts.zone))
        north = parts.band is None or parts.band >= "N"
        grid = vn2000_utm(parts.zone) if parts.vn2000 else _wgs84_utm(parts.zone, north)
        return grid, "utm"
    if parts.meridian is not None:
        return vn2000_tm3(parts.meridian), "vn2000"
    return vn2000_crs(vn2000), "vn2000"


def _place_pair(parts: _Metric, grid: pyproj.CRS, form: str, north_first: bool,
                text: str) -> Location:
    """Read the two numbers as (easting, northing) in the order labels or fit say."""
    a, b = parts.values
    labels = parts.labels
    if labels[0] in ("E", "N") and labels[1] in ("E", "N") and labels[0] != labels[1]:
        east, north = (a, b) if labels[0] == "E" else (b, a)
        lon, lat = from_grid(east, north, grid)
        return _inside(Location(lon, lat, form, grid_label(grid)), text)
    first = (b, a) if north_first else (a, b)
    readings = [(first, False), ((first[1], first[0]), True)]
    for (east, north), swapped in readings:
        lon, lat = from_grid(east, north, grid)
        if _fits(lon, lat):
            return Location(lon, lat, form, grid_label(grid), swapped)
    lon, lat = from_grid(*first, grid)
    return _inside(Location(lon, lat, form, grid_label(grid)), text)


def _read_angles(text: str, vn2000: object) -> Location | None:
    words = _WORDS.sub(" ", text)
    words = "".join(_HEMI_VI.get(c, c) for c in words)
    tokens = _angle_tokens(words)
    if tokens is None:
        return None
    groups = _angle_groups(tokens)
    if groups is None:
        return None
    values = [_angle(group, text) for group in groups]
    form = "dd" if all(len(g["nums"]) == 1 and not g["units"] for g in groups) else "dms"
    return _orient(values, [g["hemi"] for g in groups], form, text)


def _decimal_commas(text: str) -> str:
    if "." in text:
        return text
    return re.sub(r"(?<=\d),(?=\d+(?:[\s°'\";NSEWM]|$))", ".", text)


def _angle_tokens(text: str) -> list[tuple[str, object, str | None]] | None:
    tokens: list[tuple[str, object, str | None]] = []
    pos = 0
    for match in _ANGLE_RE.finditer(text):
        if text[pos:match.start()].strip(" ,;:/"):
            return None
        if match.group(3):
            tokens.append(("hemi", match.group(3), None))
        else:
            tokens.append(("num", float(match.group(1)), match.group(2)))
        pos = match.end()
    if text[pos:].strip(" ,;:/") or not tokens:
        return None
    return tokens


def _angle_groups(tokens: list[tuple[str, object, str | None]]) -> list[dict] | None:
    hemis = [i for i, t in enumerate(tokens) if t[0] == "hemi"]
    if hemis:
        groups = _split_at_letters(tokens, prefix=hemis[0] == 0)
    else:
        groups = _split_numbers([t for t in tokens if t[0] == "num"])
    if groups is None or len(groups) != 2 or not all(1 <= len(g["nums"]) <= 3 for g in groups):
        return None
    return groups


def _split_at_letters(tokens: list, *, prefix: bool) -> list[dict] | None:
    groups: list[dict] = []
    current: dict = _group()
    for kind, value, unit in tokens:
        if kind == "hemi":
            if prefix:
                if current["nums"] or current["hemi"]:
                    groups.append(current)
                current = _group(value)
            else:
                if current["hemi"] or not current["nums"]:
                    return None
                current["hemi"] = value
                groups.append(current)
                current = _group()
        else:
            _add(current, value, unit)
    if current["nums"] or current["hemi"]:
        if not prefix and groups:
            return None
        groups.append(current)
    return groups


def _split_numbers(nums: list) -> list[dict] | None:
    if any(unit == "°" for _, _, unit in nums[1:]):
        groups: list[dict] = []
        for _, value, unit in nums:
            if unit == "°" or not groups:
                groups.append(_group())
            _add(groups[-1], value, unit)
        return groups
    if len(nums) % 2:
        return None
    half = len(nums) // 2
    groups = [_group(), _group()]
    for i, (_, value, unit) in enumerate(nums):
        _add(groups[i // half], value, unit)
    return groups


def _group(hemi: object = None) -> dict:
    return {"hemi": hemi, "nums": [], "units": []}


def _add(group: dict, value: object, unit: str | None) -> None:
    group["nums"].append(value)
    if unit:
        group["units"].append(unit)


def _angle(group: dict, text: str) -> float:
    """Return the signed degrees of one group (1 to 3 numbers, with or without °'")."""
    nums, units = group["nums"], group["units"]
    if units:
        if len(units) != len(nums) or units != sorted(set(units), key=_UNIT_ORDER.index):
            raise _angle_error(text)
        named = dict(zip(units, nums, strict=True))
        deg, minutes, seconds = (named.get(u, 0.0) for u in _UNIT_ORDER)
    else:
        deg, minutes, seconds = (list(nums) + [0.0, 0.0])[:3]
    bad_head = bool(minutes or seconds) and deg != int(deg)
    bad_minutes = bool(seconds) and minutes != int(minutes)
    if not (0 <= minutes < 60 and 0 <= seconds < 60) or bad_head or bad_minutes:
        raise _angle_error(text)
    return math.copysign(abs(deg) + minutes / 60 + seconds / 3600, deg)


def _angle_error(text: str) -> CoordinateInputError:
    msg = (f"{text!r}: minutes and seconds must be below 60, after whole degrees (and whole "
           f"minutes), e.g. 21°51'12.3\"N. {_forms()}")
    return CoordinateInputError(msg, "angle", text=text)


def _orient(values: list[float], hemis: list[object], form: str, text: str
            ) -> Location | None:
    a, b = values
    if all(hemis):
        axes = ["lat" if h in "NS" else "lon" for h in hemis]
        if axes[0] == axes[1]:
            return None  # two latitudes or two longitudes: not this form
        signs = [-1.0 if h in "SW" else 1.0 for h in hemis]
        a, b = abs(a) * signs[0], abs(b) * signs[1]
        lat, lon = (a, b) if axes[0] == "lat" else (b, a)
        return _inside(Location(lon, lat, form, "WGS 84"), text)
    if _fits(b, a):
        return Location(b, a, form, "WGS 84")
    if _fits(a, b):
        return Location(a, b, form, "WGS 84")
    return _inside(Location(b, a, form, "WGS 84"), text)


def _fits(lon: float, lat: float) -> bool:
    west, south, east, north = VIETNAM_EXTENT
    return math.isfinite(lon) and math.isfinite(lat) and west <= lon <= east and \
        south <= lat <= north


def _inside(found: Location, text: str) -> Location:
    if _fits(found.lon, found.lat):
        return found
    msg = (f"{text!r} reads as latitude {found.lat:.5f}, longitude {found.lon:.5f} "
           f"({found.grid}), outside Vietnam ({VIETNAM_EXTENT[0]:g}–{VIETNAM_EXTENT[2]:g}°E, "
           f"{VIETNAM_EXTENT[1]:g}–{VIETNAM_EXTENT[3]:g}°N): check the numbers, their order "
           f"and the grid or zone. {_forms()}")
    raise CoordinateInputError(msg, "outside", text=text, lon=found.lon, lat=found.lat)

