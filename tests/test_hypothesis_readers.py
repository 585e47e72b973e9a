"""Issue #10, part 1: property-based tests of the readers and the encoding converters.

Random truncations and byte changes of valid files (zipped shapefile, shapefile parts,
GeoJSON, CSV, KML) and random bytes never make :func:`layers.readers.read_source` raise
anything but a :class:`~layers.errors.LayerError`, nor print a warning; the Vietnamese
encodings round-trip where they are defined and decode any bytes. Example counts stay
modest (CI time): about 10 s in all.
"""

from __future__ import annotations

import sys
import tempfile
import unicodedata
import warnings
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from layers.encoding import ENCODINGS, decode, encode, recode_latin1
from layers.errors import LayerError
from layers.messages_input import plain
from layers.readers import read_source

sys.path.insert(0, str(Path(__file__).parent / "hostile"))

from formats import (  # noqa: E402
    POINT,
    POLYGON,
    Field,
    geojson_valid,
    kml_point,
    kml_text,
    shapefile,
)

FEW = settings(max_examples=40, deadline=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
X, Y = 106.5, 21.8


def _valid_parts() -> dict[str, bytes]:
    rings = [[[(X + i / 10, Y), (X + i / 10 + 0.05, Y), (X + i / 10, Y + 0.05),
               (X + i / 10, Y)]] for i in range(4)]
    return shapefile(POLYGON, rings, fields=[Field("ten"), Field("so", "N", 8)],
                     rows=[[encode(f"Xã Lạng {i}", "cp1258"), i] for i in range(4)])


PARTS = _valid_parts()
TEXTS = {
    ".geojson": geojson_valid(5).encode("utf-8"),
    ".csv": "ten,lon,lat\nXã A,106.5,21.8\nXã B,106.6,21.9\nXã C,106.7,22.0\n".encode(),
    ".kml": kml_text([kml_point(f"{X + i / 10},{Y}") for i in range(4)]).encode(),
}


def read_quietly(path: Path, **kwargs: object) -> None:
    """Read ``path``: a clean result or a LayerError, and no warning either way."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            layers = read_source(path, **kwargs)
        except LayerError as err:
            assert str(err) and all(c.isprintable() for c in str(err)), str(err)
        else:
            assert layers and all(len(s.gdf) for s in layers)
    assert [str(w.message) for w in caught] == []


def mutate(data: bytes, cut: int, flips: list[tuple[int, int]]) -> bytes:
    out = bytearray(data[: min(cut, len(data))])
    for pos, value in flips:
        if out:
            out[pos % len(out)] = value
    return bytes(out)


MUTATIONS = st.tuples(st.integers(0, 4000),
                      st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)),
                               max_size=6))


@FEW
@given(part=st.sampled_from([".shp", ".shx", ".dbf", ".prj"]), change=MUTATIONS)
def test_damaged_shapefile_parts_give_a_layer_error_or_a_layer(part: str, change) -> None:
    cut, flips = change
    with tempfile.TemporaryDirectory() as tmp:
        for ext, data in PARTS.items():
            blob = mutate(data, cut, flips) if ext == part else data
            Path(tmp, f"xa{ext}").write_bytes(blob)
        read_quietly(Path(tmp, "xa.shp"), crs=None)


@FEW
@given(change=MUTATIONS)
@example(change=(207, [(27122, 64)]))  # found by hypothesis: "zip file version 6.4"
def test_damaged_zipped_shapefiles_give_a_layer_error_or_a_layer(change) -> None:
    cut, flips = change
    with tempfile.TemporaryDirectory() as tmp:
        whole = Path(tmp, "whole.zip")
        with zipfile.ZipFile(whole, "w", zipfile.ZIP_DEFLATED) as zf:
            for ext, data in PARTS.items():
                zf.writestr(f"du_lieu/xa{ext}", data)
        path = Path(tmp, "xa.zip")
        path.write_bytes(mutate(whole.read_bytes(), cut * 4, flips))
        read_quietly(path)


@FEW
@given(suffix=st.sampled_from(sorted(TEXTS)), change=MUTATIONS)
def test_damaged_text_sources_give_a_layer_error_or_a_layer(suffix: str, change) -> None:
    cut, flips = change
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, f"nguon{suffix}")
        path.write_bytes(mutate(TEXTS[suffix], cut // 4, flips))
        read_quietly(path)


@FEW
@given(suffix=st.sampled_from([".geojson", ".csv", ".kml", ".kmz", ".zip", ".gpkg"]),
       data=st.binary(max_size=600))
def test_random_bytes_give_a_layer_error(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, f"rac{suffix}")
        path.write_bytes(data)
        read_quietly(path)


@settings(max_examples=15, deadline=None)
@given(values=st.lists(st.text(max_size=12), min_size=1, max_size=5))
def test_any_text_in_a_point_shapefile_reads(values: list[str]) -> None:
    rows = [[v.encode("utf-8", errors="replace")[:20]] for v in values]
    parts = shapefile(POINT, [(X, Y)] * len(values), fields=[Field("ten")], rows=rows)
    with tempfile.TemporaryDirectory() as tmp:
        for ext, data in parts.items():
            Path(tmp, f"diem{ext}").write_bytes(data)
        read_quietly(Path(tmp, "diem.shp"), encoding="utf-8")


# --- encodings --------------------------------------------------------------------------

_VOWELS = "aăâeêioôơuưy"
_TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
VIETNAMESE = sorted({unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in _TONES}
                    | set("đbcdghklmnpqrstvx"))
LETTERS = VIETNAMESE + [c.upper() for c in VIETNAMESE]
TEXT = st.text(alphabet=st.sampled_from(LETTERS + list(" 0123456789.,-()/")), max_size=40)
_VN3_CAPITALS = set("ĂÂÊÔƠƯĐ")


@settings(max_examples=60, deadline=None)
@given(text=TEXT, encoding=st.sampled_from(["utf-8", "cp1258", "vni"]))
def test_vietnamese_round_trips(text: str, encoding: str) -> None:
    assert decode(encode(text, encoding), encoding) == unicodedata.normalize("NFC", text)


@settings(max_examples=60, deadline=None)
@given(text=TEXT)
def test_tcvn3_round_trips_but_for_the_capitals_it_lacks(text: str) -> None:
    expected = "".join(c.lower() if c.isupper() and not c.isascii()
                       and c not in _VN3_CAPITALS else c for c in text)
    assert decode(encode(text, "tcvn3"), "tcvn3") == expected


@settings(max_examples=80, deadline=None)
@given(raw=st.binary(max_size=200), encoding=st.sampled_from(ENCODINGS))
def test_decode_takes_any_bytes(raw: bytes, encoding: str) -> None:
    text = decode(raw, encoding)
    assert text == unicodedata.normalize("NFC", text)


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=40), encoding=st.sampled_from([*ENCODINGS, "klingon", ""]))
def test_converters_raise_only_layer_errors(text: str, encoding: str) -> None:
    for convert in (encode, recode_latin1, lambda t, e: decode(t.encode("utf-8"), e)):
        try:
            convert(text, encoding)
        except LayerError as err:
            assert all(c.isprintable() for c in str(err)), str(err)


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=300), width=st.integers(2, 80))
def test_quoted_text_is_printable_and_short(text: str, width: int) -> None:
    out = plain(text, width)
    assert all(c.isprintable() for c in out) and len(out) <= width

