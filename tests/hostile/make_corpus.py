"""The hostile-input corpus of issue #10: bad files generated deterministically.

Each :class:`Case` builds one input in a folder and names the catalogue key
(:mod:`layers.messages`) of the one line ``kvpt import`` must print on stderr (exit 2),
or, for the few inputs that are imported with a repair or a loss reported
(``exit_code=0``), the key of the warning it must print. Nothing is committed as bytes:
large inputs are sparse files or repeated compressed blocks, built in milliseconds.

Run ``python tests/hostile/make_corpus.py OUT`` to write every input into ``OUT/<case>/``
(to try them by hand); ``tests/test_hostile_inputs.py`` builds each in a tmp folder.
"""

from __future__ import annotations

import bz2
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from formats import (  # noqa: E402 (run as a script too)
    POINT,
    POLYGON,
    POLYLINE,
    WGS84_PRJ,
    Field,
    Member,
    dbf,
    deflate_bomb,
    geojson_text,
    geojson_valid,
    kml_point,
    kml_polygon,
    kml_text,
    shapefile,
    sparse_file,
    write_parts,
    write_zip,
    zip_parts,
)

NAN, INF = float("nan"), float("inf")
MIB, GIB = 1024 * 1024, 1024 * 1024 * 1024
X, Y = 106.5, 21.8
SQUARE = [(X, Y), (X + 0.01, Y), (X + 0.01, Y + 0.01), (X, Y + 0.01), (X, Y)]

Builder = Callable[[Path], Path]


@dataclass(frozen=True)
class Case:
    """One hostile input and what ``kvpt import`` must answer."""

    name: str
    key: str
    build: Builder
    args: tuple[str, ...] = ()
    before: tuple[tuple[Builder, tuple[str, ...]], ...] = ()
    exit_code: int = 2
    subprocess: bool = False
    tags: tuple[str, ...] = field(default_factory=tuple)


def _text(name: str, text: str, encoding: str = "utf-8") -> Builder:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(text.encode(encoding))
        return path
    return build


def _bytes(name: str, data: bytes) -> Builder:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path
    return build


# --- GeoJSON ------------------------------------------------------------------------------


def _point(x: str, y: str) -> str:
    return f'{{"type":"Point","coordinates":[{x},{y}]}}'


def _line(*xy: tuple[str, str]) -> str:
    return '{"type":"LineString","coordinates":[' + ",".join(f"[{a},{b}]" for a, b in xy) + "]}"


def _poly(*rings: list[tuple[object, object]]) -> str:
    text = ",".join("[" + ",".join(f"[{a},{b}]" for a, b in ring) + "]" for ring in rings)
    return '{"type":"Polygon","coordinates":[' + text + "]}"


def geojson_cases() -> list[Case]:
    kinds = {"pt": "place", "ln": "river", "pg": "proposed_project"}
    bad_numbers = {"nan": "NaN", "inf": "Infinity", "ninf": "-Infinity", "big": "1e999"}
    cases = []
    for label, token in bad_numbers.items():
        for where, geom in {
            "pt_x": _point(token, str(Y)), "pt_y": _point(str(X), token),
            "ln_mid": _line((X, Y), (token, Y), (X + 0.1, Y + 0.1)),
            "ln_end": _line((X, Y), (X + 0.1, Y + 0.1), (X, token)),
            "pg": _poly([(X, Y), (token, Y), (X + 0.01, Y + 0.01), (X, Y)]),
        }.items():
            valid = _point(str(X), str(Y)) if where.startswith("pt") else (
                _line((X, Y), (X + 1, Y)) if where.startswith("ln") else _poly(SQUARE))
            key = "gdal_unreadable" if label == "big" else "nonfinite_coords"  # GDAL refuses
            cases.append(Case(f"geojson_{label}_{where}", key,
                              _text("bad.geojson", geojson_text([valid, geom])),
                              ("--kind", kinds[where[:2]])))
    for label, token in (("nan", "NaN"), ("inf", "Infinity")):
        cases.append(Case(f"geojson_z_{label}", "nonfinite_coords", _text(
            "z.geojson", geojson_text([f'{{"type":"Point","coordinates":[{X},{Y},{token}]}}'])),
            ("--kind", "place")))
        cases.append(Case(f"csv_wkt_z_{label}", "nonfinite_coords", _text(
            "z.csv", f'name,wkt\na,"POINT Z ({X} {Y} {token.lower()[:3]})"\n'),
            ("--kind", "place")))
    rings = {
        "open_triangle": ([(X, Y), (X + 0.01, Y), (X, Y + 0.01)], "ring_not_closed"),
        "open_square": (SQUARE[:-1], "ring_not_closed"),
        "two_points": ([(X, Y), (X + 0.01, Y)], "ring_too_short"),
        "one_point": ([(X, Y)], "ring_too_short"),
        "open_far_gap": ([(X, Y), (X + 0.01, Y), (X + 0.01, Y + 0.01), (X, Y + 0.001)],
                         "ring_not_closed"),
    }
    for label, (ring, key) in rings.items():
        cases.append(Case(f"geojson_ring_{label}", key,
                          _text("ring.geojson", geojson_text([_poly(SQUARE), _poly(ring)])),
                          ("--kind", "proposed_project")))
        cases.append(Case(f"geojson_hole_{label}", key, _text("hole.geojson", geojson_text(
            [_poly([(X - 1, Y - 1), (X + 1, Y - 1), (X + 1, Y + 1), (X - 1, Y - 1)], ring)])),
            ("--kind", "proposed_project")))
    cases.append(Case("geojson_line_one_point", "geometry_bad_wkb",
                      _text("line1.geojson", geojson_text([_line((X, Y))])),
                      ("--kind", "river")))
    valid = geojson_valid(20).encode("utf-8")
    for frac in (0.1, 0.3, 0.5, 0.7, 0.9, 0.99):
        cases.append(Case(f"geojson_truncated_{int(frac * 100)}", "gdal_unreadable",
                          _bytes("cut.geojson", valid[: int(len(valid) * frac)]),
                          ("--kind", "place")))
    for label, data in {"not_json": b"hello world", "nul": b"\x00" * 4096,
                        "nested": b"[" * 100000, "empty": b"",
                        "binary": bytes(range(256)) * 8}.items():
        cases.append(Case(f"geojson_{label}", "gdal_unreadable", _bytes("x.geojson", data),
                          ("--kind", "place")))
    cases.append(Case("geojson_no_features", "no_features",
                      _text("empty.geojson", '{"type":"FeatureCollection","features":[]}'),
                      ("--kind", "place")))
    cases.append(Case("geojson_huge_numbers", "crs_mismatch", _text(
        "huge.geojson", geojson_text([_point("1e300", "1e300")])), ("--kind", "place")))
    cases.append(Case("geojson_escape_in_name", "nonfinite_coords", _text(
        "\x1b[31mred\x07.geojson", geojson_text([_point("NaN", "1")])), ("--kind", "place"),
        subprocess=True, tags=("escape",)))
    cases.append(Case("geojson_dash_name", "nonfinite_coords", _text(
        "-x.geojson", geojson_text([_point("NaN", "1")])), ("--kind", "place"),
        subprocess=True, tags=("dash",)))
    cases.append(Case("geojson_nan_subprocess", "nonfinite_coords", _text(
        "nan.geojson", geojson_text([_line((X, Y), ("NaN", Y), (X + 1, Y))])),
        ("--kind", "river"), subprocess=True))
    cases.append(Case("geojson_open_ring_subprocess", "ring_not_closed", _text(
        "open.geojson", geojson_text([_poly(SQUARE[:-1])])), ("--kind", "proposed_project"),
        subprocess=True))
    cases.append(Case("geojson_too_big", "source_too_big",
                      lambda f: sparse_file(f / "big.geojson", b"{", 300 * MIB),
                      ("--kind", "place")))
    return cases


# --- CSV ------------------------------------------------------------------------------------


def csv_cases() -> list[Case]:
    cases = []
    wkts = {
        "point_nan": ("POINT (nan 21.8)", "nonfinite_coords"),
        "point_inf": ("POINT (inf 21.8)", "nonfinite_coords"),
        "line_nan": ("LINESTRING (106.5 21.8, nan 21.9, 106.6 22)", "nonfinite_coords"),
        "poly_nan": ("POLYGON ((106.5 21.8, 106.6 nan, 106.6 21.9, 106.5 21.8))",
                     "nonfinite_coords"),
        "poly_inf": ("POLYGON ((106.5 21.8, inf 21.8, 106.6 21.9, 106.5 21.8))",
                     "nonfinite_coords"),
        "poly_open": ("POLYGON ((106.5 21.8, 106.6 21.8, 106.6 21.9))", "csv_bad_wkt"),
        "poly_two": ("POLYGON ((106.5 21.8, 106.6 21.8))", "csv_bad_wkt"),
        "line_one": ("LINESTRING (106.5 21.8)", "csv_bad_wkt"),
        "garbage": ("POINT (abc def)", "csv_bad_wkt"),
        "escape": ("\x1b]0;pwned\x07POINT (1 2)", "csv_bad_wkt"),
    }
    for label, (wkt, key) in wkts.items():
        kind = "place" if wkt.startswith("POINT") or label in ("garbage", "escape") else (
            "river" if "LINE" in wkt else "proposed_project")
        text = f'name,wkt\na,"POINT (106.5 21.8)"\nb,"{wkt}"\n'
        if kind != "place":
            text = text.replace("POINT (106.5 21.8)", wkt.split(" (")[0] + (
                " (106.5 21.8, 106.6 21.9)" if "LINE" in wkt else
                " ((106.5 21.8, 106.6 21.8, 106.6 21.9, 106.5 21.8))"), 1)
        cases.append(Case(f"csv_wkt_{label}", key, _text("wkt.csv", text), ("--kind", kind)))
    for label, value in {"text": "abc", "nan": "nan", "inf": "inf", "empty": "",
                         "degree": "106°30'", "escape": "\x1b[2J"}.items():
        text = f"name,lon,lat\na,106.5,21.8\nb,{value},21.9\n"
        cases.append(Case(f"csv_lonlat_{label}", "csv_not_numbers", _text("pts.csv", text),
                          ("--kind", "place")))
    wide = ",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join("1" * 100_000) + "\n"
    cases.append(Case("csv_100k_columns", "csv_too_many_columns", _text("wide.csv", wide),
                      ("--kind", "place")))
    cols = ",".join(f"c{i}" for i in range(1001))
    cases.append(Case("csv_1001_columns", "csv_too_many_columns",
                      _text("wide2.csv", f"lon,lat,{cols}\n"), ("--kind", "place")))
    cases.append(Case("csv_nul_1mib", "source_binary", _bytes("nul.csv", b"\x00" * MIB),
                      ("--kind", "place"), subprocess=True))
    cases.append(Case("csv_nul_inside", "source_binary",
                      _bytes("nul2.csv", b"lon,lat\n106.5,21\x008\n"), ("--kind", "place")))
    cases.append(Case("csv_utf16", "source_binary", _text(
        "u16.csv", "\ufefflon,lat,name\n106.5,21.8,Xã\n", "utf-16-le"), ("--kind", "place")))
    cases.append(Case("csv_escape_header", "csv_no_coords", _text(
        "esc.csv", "\x1b]0;pwned\x07,\x1b[31mred\n1,2\n"), ("--kind", "place"),
        subprocess=True, tags=("escape",)))
    cases.append(Case("csv_long_header", "csv_no_coords", _text(
        "long.csv", "A" * 200_000 + ",b\n1,2\n"), ("--kind", "place")))
    cases.append(Case("csv_ragged", "csv_unreadable", _text(
        "ragged.csv", "lon,lat\n106.5,21.8\n106.5,21.8,1,2,3\n"), ("--kind", "place")))
    cases.append(Case("csv_empty", "csv_empty", _text("empty.csv", ""), ("--kind", "place")))
    cases.append(Case("csv_bom_only", "csv_empty", _bytes("bom.csv", b"\xef\xbb\xbf  \n"),
                      ("--kind", "place")))
    cases.append(Case("csv_too_big", "source_too_big",
                      lambda f: sparse_file(f / "big.csv", b"lon,lat\n", 300 * MIB),
                      ("--kind", "place")))
    for target in ("/etc/passwd", "/proc/self/environ"):
        label = Path(target).name

        def link(folder: Path, target: str = target) -> Path:
            path = folder / "link.csv"
            os.symlink(target, path)
            return path
        cases.append(Case(f"csv_symlink_{label}", "source_symlink", link, ("--kind", "place"),
                          subprocess=label == "environ", tags=("secret",)))
    return cases


# --- KML / KMZ -------------------------------------------------------------------------------


def kml_cases() -> list[Case]:
    cases = []
    good = kml_point(f"{X},{Y}")
    bad_points = {"abc": "abc,def", "nan": "NaN,NaN", "empty": "", "blank": "   ",
                  "one_number": "106.5", "four_numbers": "106.5,21.8,0,1", "inf": "inf,21.8",
                  "half": "106.5,abc", "hex": "0x10,21", "underscore": "1_06.5,21.8",
                  "semicolon": "106.5;21.8", "bad_altitude": "106.5,21.8,abc"}
    for label, coords in bad_points.items():
        cases.append(Case(f"kml_point_{label}", "kml_bad_coordinates",
                          _text("bad.kml", kml_text([good, kml_point(coords)])),
                          ("--kind", "place")))
    cases.append(Case("kml_control_bytes", "gdal_unreadable", _text(  # not XML: GDAL says so
        "ctl.kml", kml_text([good, kml_point("\x1b[2J,1")])), ("--kind", "place")))
    cases.append(Case("kml_point_selfclosing", "kml_bad_coordinates", _text(
        "sc.kml", kml_text([good, "<Point><coordinates/></Point>"])), ("--kind", "place")))
    cases.append(Case("kml_line_nan", "kml_bad_coordinates", _text("line.kml", kml_text([
        f"<LineString><coordinates>{X},{Y} nan,{Y} {X + 1},{Y}</coordinates></LineString>"])),
        ("--kind", "river")))
    cases.append(Case("kml_polygon_nan", "kml_bad_coordinates", _text("pg.kml", kml_text([
        kml_polygon(f"{X},{Y} {X + 1},nan {X + 1},{Y + 1} {X},{Y}")])),
        ("--kind", "proposed_project")))
    cases.append(Case("kml_polygon_open", "ring_not_closed", _text("open.kml", kml_text([
        kml_polygon(f"{X},{Y} {X + 0.01},{Y} {X + 0.01},{Y + 0.01}")])),
        ("--kind", "proposed_project")))
    cases.append(Case("kml_polygon_two", "ring_too_short", _text("two.kml", kml_text([
        kml_polygon(f"{X},{Y} {X + 0.01},{Y}")])), ("--kind", "proposed_project")))
    laughs = ('<!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    cases.append(Case("kml_billion_laughs", "kml_entities", _text(
        "laughs.kml", kml_text([f"<Point><coordinates>{X},{Y}</coordinates></Point>"],
                               doctype=laughs).replace("<name>p0</name>", "<name>&c;</name>")),
        ("--kind", "place")))
    cases.append(Case("kml_external_entity", "kml_entities", _text(
        "xxe.kml", kml_text([good], doctype='<!DOCTYPE kml [<!ENTITY x SYSTEM '
                                           '"file:///etc/passwd">]>').replace(
            "<name>p0</name>", "<name>&x;</name>")), ("--kind", "place")))
    valid = kml_text([good] * 5).encode()
    for frac in (0.2, 0.5, 0.8):
        cases.append(Case(f"kml_truncated_{int(frac * 100)}", "gdal_unreadable",
                          _bytes("cut.kml", valid[: int(len(valid) * frac)]),
                          ("--kind", "place")))
    folders = "".join(f"<Folder><name>f{i}</name><Placemark>{good}</Placemark></Folder>"
                      for i in range(60))
    cases.append(Case("kml_60_folders", "too_many_layers", _text(
        "folders.kml", kml_text([]).replace("<Document>", "<Document>" + folders)),
        ("--kind", "place")))
    cases.append(Case("kml_too_big", "source_too_big",
                      lambda f: sparse_file(f / "big.kml", b"<kml>", 300 * MIB),
                      ("--kind", "place")))
    cases.append(Case("kml_escape_name", "kml_bad_coordinates", _text(
        "esc.kml", kml_text([kml_point("abc,def")]).replace(
            "<name>p0</name>", "<name>\u009b31m\u202ered</name>")),
        ("--kind", "place"), subprocess=True, tags=("escape",)))
    kmz_bad = kml_text([good, kml_point("abc,def")]).encode()
    cases.append(Case("kmz_bad_coordinates", "kml_bad_coordinates", lambda f: write_zip(
        f / "bad.kmz", [Member("doc.kml", kmz_bad)]), ("--kind", "place")))
    cases.append(Case("kmz_no_kml", "kmz_no_kml", lambda f: write_zip(
        f / "nokml.kmz", [Member("readme.txt", b"x")]), ("--kind", "place")))
    cases.append(Case("kmz_not_zip", "kmz_unreadable", _bytes("x.kmz", b"PK\x03\x04junk"),
                      ("--kind", "place")))
    cases.append(Case("kmz_encrypted", "zip_encrypted", lambda f: write_zip(
        f / "enc.kmz", [Member("doc.kml", kmz_bad, flags=1)]), ("--kind", "place")))
    cases.append(Case("kmz_doc_300mib", "member_too_big", lambda f: write_zip(
        f / "big.kmz", [Member("doc.kml", b"<kml>", method=0, hole=300 * MIB, crc=0)]),
        ("--kind", "place")))
    cases.append(Case("kmz_doc_1gib", "zip_too_big", lambda f: write_zip(
        f / "huge.kmz", [Member("doc.kml", b"<kml>", method=0, hole=GIB, crc=0)]),
        ("--kind", "place")))
    cases.append(Case("kmz_doc_1gib_deflated", "zip_too_big", lambda f: _bomb_zip(
        f / "bomb.kmz", "doc.kml", 1025, with_crc=False), ("--kind", "place")))
    cases.append(Case("kmz_traversal", "zip_unsafe_name", lambda f: write_zip(
        f / "trav.kmz", [Member("../doc.kml", kmz_bad)]), ("--kind", "place")))
    return cases


def _bomb_zip(path: Path, name: str, mib: int, *, with_crc: bool,
              block: bytes = b" " * MIB) -> Path:
    stream, size, crc = deflate_bomb(block, mib, with_crc=with_crc)
    return write_zip(path, [Member(name, payload=stream, size=size, crc=crc)])


# --- zip archives -----------------------------------------------------------------------------


def _pts(n: int = 3) -> dict[str, bytes]:
    return shapefile(POINT, [(X + i / 100, Y) for i in range(n)])


def zip_cases() -> list[Case]:
    cases = []
    parts = _pts()
    for ext in (".shp", ".dbf", ".prj"):
        def enc(folder: Path, ext: str = ext) -> Path:
            members = [Member(f"pts{e}", d, flags=1 if e == ext else 0)
                       for e, d in parts.items()]
            return write_zip(folder / "enc.zip", members)
        cases.append(Case(f"zip_encrypted_{ext[1:]}", "zip_encrypted", enc, ("--kind", "place")))
    cases.append(Case("zip_encrypted_strong", "zip_encrypted", lambda f: zip_parts(
        f / "strong.zip", "pts", parts, flags=0x41), ("--kind", "place")))
    for method in (9, 99, 6, 1, 95, 93):
        cases.append(Case(f"zip_method_{method}", "zip_method", lambda f, m=method: zip_parts(
            f / "m.zip", "pts", parts, method=m, payload=b"\x00" * 16), ("--kind", "place")))
    for label, name in {"dotdot": "../../evil", "abs": "/tmp/evil", "drive": "C:\\evil",
                        "inner": "a/../../b/evil", "backslash": "..\\evil",
                        "deep": "x/y/../../../evil"}.items():
        cases.append(Case(f"zip_unsafe_{label}", "zip_unsafe_name", lambda f, n=name: zip_parts(
            f / "evil.zip", n, parts), ("--kind", "place")))
    for ext in (".prj", ".shp"):
        def link(folder: Path, ext: str = ext) -> Path:
            members = [Member(f"pts{e}", d) for e, d in parts.items() if e != ext]
            members.append(Member(f"pts{ext}", b"/etc/passwd", method=0, mode=0o120777))
            return write_zip(folder / "link.zip", members)
        cases.append(Case(f"zip_symlink_{ext[1:]}", "zip_symlink", link, ("--kind", "place")))
    cases.append(Case("zip_duplicate", "zip_duplicate", lambda f: write_zip(f / "dup.zip", [
        *(Member(f"pts{e}", d) for e, d in parts.items()), Member("pts.shp", parts[".shp"])]),
        ("--kind", "place")))
    cases.append(Case("zip_duplicate_case", "zip_duplicate", lambda f: write_zip(
        f / "dupc.zip", [*(Member(f"pts{e}", d) for e, d in parts.items()),
                         Member("PTS.SHP", parts[".shp"])]), ("--kind", "place")))
    for aliases in (1, 20, 500):
        cases.append(Case(f"zip_overlap_{aliases}", "zip_overlap", lambda f, a=aliases: write_zip(
            f / "overlap.zip", [Member("pts.dbf", parts[".dbf"]),
                                *(Member(f"pts{e}", d) for e, d in parts.items()
                                  if e != ".dbf")], aliases=a), ("--kind", "place")))
    cases.append(Case("zip_1001_members", "zip_too_many_members", lambda f: write_zip(
        f / "many.zip", [Member(f"f{i}.txt", b"x") for i in range(1001)]),
        ("--kind", "place")))
    cases.append(Case("zip_1000_shapefiles", "zip_too_many_members", lambda f: write_zip(
        f / "thousand.zip", [Member(f"s{i:04d}{e}", d) for i in range(1000)
                             for e, d in _pts(1).items() if e != ".prj"]),
        ("--kind", "place")))
    cases.append(Case("zip_60_shapefiles", "too_many_layers", lambda f: write_zip(
        f / "sixty.zip", [Member(f"s{i:02d}{e}", d) for i in range(60)
                          for e, d in _pts(1).items()]), ("--kind", "place")))
    cases.append(Case("zip_bomb_2gib", "zip_too_big", lambda f: _bomb_zip(
        f / "bomb.zip", "pts.dbf", 2048, with_crc=False), ("--kind", "place")))
    cases.append(Case("zip_bomb_5gib_declared", "zip_too_big", lambda f: write_zip(
        f / "bomb5.zip", [Member("pts.dbf", payload=b"\x03\x00", size=5 * GIB, crc=0),
                          *(Member(f"pts{e}", d) for e, d in parts.items() if e != ".dbf")]),
        ("--kind", "place")))
    cases.append(Case("zip_bomb_ratio", "zip_ratio", lambda f: _bomb_zip(
        f / "ratio.zip", "pts.dbf", 64, with_crc=True), ("--kind", "place")))
    cases.append(Case("zip_bomb_bzip2", "zip_ratio", lambda f: write_zip(
        f / "bz.zip", [Member("pts.dbf", payload=bz2.compress(b"\x00" * 32 * MIB), method=12,
                              size=32 * MIB, crc=0)]), ("--kind", "place")))
    cases.append(Case("zip_lying_size", "zip_damaged", lambda f: write_zip(f / "lie.zip", [
        *(Member(f"pts{e}", d) for e, d in parts.items() if e != ".dbf"),
        Member("pts.dbf", payload=deflate_bomb(b"\x20" * MIB, 8, with_crc=False)[0],
               size=len(parts[".dbf"]), crc=0)]), ("--kind", "place")))
    cases.append(Case("zip_bad_crc", "zip_damaged", lambda f: zip_parts(
        f / "crc.zip", "pts", parts, crc=12345), ("--kind", "place")))
    cases.append(Case("zip_truncated", "zip_unreadable", lambda f: _truncated_zip(f, parts),
                      ("--kind", "place")))
    cases.append(Case("zip_only_text", "zip_no_shapefile", lambda f: write_zip(
        f / "txt.zip", [Member("\x1b[31mreadme.txt", b"hi")]), ("--kind", "place")))
    cases.append(Case("zip_nested_zip", "zip_no_shapefile", lambda f: write_zip(
        f / "nested.zip", [Member("inner.zip", b"PK\x05\x06" + b"\x00" * 18)]),
        ("--kind", "place")))
    cases.append(Case("zip_missing_dbf", "zip_part_missing", lambda f: write_zip(
        f / "nodbf.zip", [Member(f"pts{e}", d) for e, d in parts.items() if e != ".dbf"]),
        ("--kind", "place")))
    cases.append(Case("zip_nan_point", "nonfinite_coords", lambda f: zip_parts(
        f / "nan.zip", "pts", shapefile(POINT, [(X, Y), (NAN, Y)])), ("--kind", "place")))
    cases.append(Case("zip_truncated_shp", "shp_truncated", lambda f: zip_parts(
        f / "cut.zip", "pts", {**parts, ".shp": parts[".shp"][:-10]}), ("--kind", "place")))
    return cases


def _truncated_zip(folder: Path, parts: dict[str, bytes]) -> Path:
    path = zip_parts(folder / "whole.zip", "pts", parts)
    data = path.read_bytes()
    path.unlink()
    out = folder / "cut.zip"
    out.write_bytes(data[: len(data) // 2])
    return out


# --- shapefiles ---------------------------------------------------------------------------------


def _shp(name: str, parts: dict[str, bytes]) -> Builder:
    return lambda folder: write_parts(folder, name, parts)


def shapefile_cases() -> list[Case]:
    cases = []
    geoms = {
        "pt_nan_x": (POINT, [(X, Y), (NAN, Y)], "place"),
        "pt_nan_y": (POINT, [(X, Y), (X, NAN)], "place"),
        "pt_inf": (POINT, [(INF, Y)], "place"),
        "pt_ninf": (POINT, [(X, -INF)], "place"),
        "line_nan": (POLYLINE, [[[(X, Y), (NAN, Y), (X + 1, Y)]]], "river"),
        "poly_nan": (POLYGON, [[[(X, Y), (X + 0.01, NAN), (X + 0.01, Y + 0.01), (X, Y)]]],
                     "proposed_project"),
        "poly_inf": (POLYGON, [[[(X, Y), (INF, Y), (X + 0.01, Y + 0.01), (X, Y)]]],
                     "proposed_project"),
    }
    for label, (kind, gs, layer_kind) in geoms.items():
        cases.append(Case(f"shp_{label}", "nonfinite_coords", _shp("bad", shapefile(kind, gs)),
                          ("--kind", layer_kind)))
    cases.append(Case("shp_nan_subprocess", "nonfinite_coords", _shp("nan", shapefile(
        POLYGON, [[[(X, Y), (X + 0.01, NAN), (X + 0.01, Y + 0.01), (X, Y)]]])),
        ("--kind", "proposed_project"), subprocess=True))
    cases.append(Case("shp_poly_open", "ring_not_closed", _shp("open", shapefile(
        POLYGON, [[SQUARE[:-1]]])), ("--kind", "proposed_project")))
    cases.append(Case("shp_poly_two_points", "ring_too_short", _shp("two", shapefile(
        POLYGON, [[[(X, Y), (X + 0.01, Y)]]])), ("--kind", "proposed_project")))
    cases.append(Case("shp_line_one_point", "geometry_bad_wkb", _shp("one", shapefile(
        POLYLINE, [[[(X, Y)]]])), ("--kind", "river")))
    base = shapefile(POINT, [(X + i / 100, Y) for i in range(5)],
                     fields=[Field("name"), Field("so", "N", 10)],
                     rows=[[f"p{i}", i] for i in range(5)])
    shp = base[".shp"]
    for cut in (100, 128, len(shp) // 2, len(shp) - 1, len(shp) - 20):
        cases.append(Case(f"shp_truncated_{cut}", "shp_truncated",
                          _shp("cut", {**base, ".shp": shp[:cut]}), ("--kind", "place")))
    shx = base[".shx"]
    cases.append(Case("shx_two_short", "shp_dbf_counts",
                      _shp("short", {**base, ".shx": shx[:-16]}), ("--kind", "place")))
    cases.append(Case("shx_one_short", "shp_dbf_counts",
                      _shp("short1", {**base, ".shx": shx[:-8]}), ("--kind", "place")))
    cases.append(Case("shx_empty_index", "shp_dbf_counts",
                      _shp("noidx", {**base, ".shx": shx[:100]}), ("--kind", "place")))
    cases.append(Case("shx_odd_size", "shx_damaged",
                      _shp("odd", {**base, ".shx": shx[:-3]}), ("--kind", "place")))
    cases.append(Case("shx_tiny", "shx_damaged", _shp("tiny", {**base, ".shx": shx[:40]}),
                      ("--kind", "place")))
    fields = [Field("name"), Field("so", "N", 10)]
    rows = [[f"p{i}", i] for i in range(5)]
    dbf_variants = {
        "count_2": (dbf(fields, rows, records=2), "shp_dbf_counts"),
        "count_3": (dbf(fields, rows, records=3), "shp_dbf_counts"),
        "count_7": (dbf(fields, rows, records=7), "dbf_truncated"),
        "count_huge": (dbf(fields, rows, records=2**31), "dbf_truncated"),
        "header_plus_100": (dbf(fields, rows, header_length=97 + 100), "dbf_header_damaged"),
        "header_minus_10": (dbf(fields, rows, header_length=97 - 10), "dbf_header_damaged"),
        "header_zero": (dbf(fields, rows, header_length=0), "dbf_header_damaged"),
        "header_max": (dbf(fields, rows, header_length=65535), "dbf_header_damaged"),
        "record_zero": (dbf(fields, rows, record_length=0), "dbf_header_damaged"),
        "record_short": (dbf(fields, rows, record_length=5), "dbf_header_damaged"),
        "no_terminator": (dbf(fields, rows, terminator=False)[:64], "dbf_header_damaged"),
        "cut_records": (dbf(fields, rows)[:-40], "dbf_truncated"),
        "ten_bytes": (dbf(fields, rows)[:10], "dbf_too_short"),
    }
    for label, (data, key) in dbf_variants.items():
        cases.append(Case(f"dbf_{label}", key, _shp("d", {**base, ".dbf": data}),
                          ("--kind", "place")))
    prjs = {
        "zero_ellipsoid": WGS84_PRJ.replace("6378137.0,298.257223563", "0,0"),
        "negative_ellipsoid": WGS84_PRJ.replace("6378137.0", "-6378137.0"),
        "nan_ellipsoid": WGS84_PRJ.replace("6378137.0", "nan"),
        "alien_datum": WGS84_PRJ.replace("D_WGS_1984", "D_Atlantis").replace(
            "6378137.0,298.257223563", "6000000,0.5"),
        "unknown_projection": ('PROJCS["X",' + WGS84_PRJ + ',PROJECTION["Foo_Bar"],'
                               'UNIT["Meter",1]]'),
        "zero_unit": ('PROJCS["X",' + WGS84_PRJ + ',PROJECTION["Transverse_Mercator"],'
                      'PARAMETER["Central_Meridian",107.25],PARAMETER["Scale_Factor",0.9999],'
                      'UNIT["Meter",0]]'),
        "garbage": "hello world",
        "empty": "",
        "binary": "\x00\x01\x02\x1b[2J",
        "passwd_like": "root:x:0:0:root:/root:/bin/bash\n" * 3,
    }
    for label, prj in prjs.items():
        key = {"alien_datum": "crs_not_convertible", "unknown_projection": "crs_mismatch",
               "zero_unit": "crs_mismatch"}.get(label, "prj_unusable")
        cases.append(Case(f"prj_{label}", key, _shp("p", {**base, ".prj": prj.encode()}),
                          ("--kind", "place")))
    cases.append(Case("prj_300mib", "prj_too_big", lambda f: (
        sparse_file(f / "big.prj", b"GEOGCS[", 300 * MIB),
        write_parts(f, "big", {k: v for k, v in base.items() if k != ".prj"}))[1],
        ("--kind", "place"), subprocess=True))

    def prj_link(folder: Path) -> Path:
        os.symlink("/etc/passwd", folder / "lnk.prj")
        return write_parts(folder, "lnk", {k: v for k, v in base.items() if k != ".prj"})
    cases.append(Case("prj_symlink_passwd", "source_symlink", prj_link, ("--kind", "place"),
                      tags=("secret",)))

    def shp_link(folder: Path) -> Path:
        real = write_parts(folder, "real", base)
        os.symlink(real, folder / "alias.shp")
        for ext in (".shx", ".dbf", ".prj"):
            os.symlink(real.with_suffix(ext), folder / f"alias{ext}")
        return folder / "alias.shp"
    cases.append(Case("shp_symlink", "source_symlink", shp_link, ("--kind", "place")))
    return cases


def reported_cases() -> list[Case]:
    """Inputs imported with a repair or a loss the report must state (exit 0)."""
    fields = [Field("name"), Field("so", "N", 10), Field("dt", "F", 12, 3)]
    geoms = [(X + i / 100, Y) for i in range(4)]
    rows = [["a", 1, "1.5"], ["b", "ABC", "2"], ["c", 3, "12,5"], ["d", "*****", "x"]]
    near = SQUARE[:-1] + [(X + 1e-12, Y)]
    three = [(X, Y), (X + 0.01, Y), (X, Y)]
    big = [(X - 1, Y - 1), (X + 1, Y - 1), (X + 1, Y + 1), (X - 1, Y - 1)]
    return [
        Case("geojson_ring_closed_three", "dropped_invalid",
             _text("ring.geojson", geojson_text([_poly(SQUARE), _poly(three)])),
             ("--kind", "proposed_project"), exit_code=0),
        Case("geojson_hole_closed_three", "repaired",
             _text("hole.geojson", geojson_text([_poly(big, three)])),
             ("--kind", "proposed_project"), exit_code=0),
        Case("dbf_text_in_numbers", "dbf_not_numbers",
             _shp("so", shapefile(POINT, geoms, fields=fields, rows=rows)),
             ("--kind", "place"), exit_code=0),
        Case("dbf_no_fields", "dbf_no_fields",
             _shp("nofields", shapefile(POINT, geoms, fields=[], rows=[[]] * 4)),
             ("--kind", "infrastructure"), exit_code=0),
        Case("geojson_ring_nearly_closed", "rings_closed",
             _text("near.geojson", geojson_text([_poly(near)])),
             ("--kind", "proposed_project"), exit_code=0),
    ]


# --- GeoPackage, project, other ------------------------------------------------------------


def _attribute_gpkg(folder: Path) -> Path:
    import pandas as pd
    import pyogrio

    path = folder / "bang.gpkg"
    pyogrio.write_dataframe(pd.DataFrame({"ma": ["a"], "ten": ["Xã A"]}), path, layer="bang",
                            driver="GPKG")
    return path


def other_cases() -> list[Case]:
    geo = _text("pts.geojson", geojson_valid(3))
    cases = [
        Case("gpkg_attributes_only", "gpkg_no_spatial", _attribute_gpkg, ("--kind", "place")),
        Case("gpkg_garbage", "gdal_unreadable", _bytes("x.gpkg", b"SQLite format 3\x00" * 64),
             ("--kind", "place")),
        Case("gpkg_text", "gdal_unreadable", _bytes("t.gpkg", b"hello"), ("--kind", "place")),
        Case("unsupported_suffix", "unsupported_type", _bytes("x.txt", b"hello"),
             ("--kind", "place")),
        Case("missing_file", "no_such_file", lambda f: f / "nothere.geojson",
             ("--kind", "place")),
        Case("folder_named_geojson", "no_such_file",
             lambda f: (f / "dir.geojson").mkdir() or f / "dir.geojson", ("--kind", "place")),
        Case("kind_clash", "kind_clash", geo, ("--kind", "place", "--name", "Lớp A"),
             before=((lambda f: _text("pts0.geojson", geojson_valid(2))(f),
                      ("--kind", "enterprise", "--name", "Lớp A")),)),
        Case("kind_clash_deleted", "kind_clash", geo, ("--kind", "place", "--name", "Lớp B"),
             before=((lambda f: _text("pts1.geojson", geojson_valid(2))(f),
                      ("--kind", "enterprise", "--name", "Lớp B")), (None, ("delete", "Lớp B")))),
    ]
    return cases


def all_cases() -> list[Case]:
    """Every case of the corpus, in a fixed order, with unique names."""
    cases = (geojson_cases() + csv_cases() + kml_cases() + zip_cases() + shapefile_cases()
             + other_cases())
    names = [c.name for c in cases + reported_cases()]
    assert len(names) == len(set(names)), "case names must be unique"
    return cases


def main(out: Path) -> None:
    """Write every input into ``out/<case>/`` and print how many were written."""
    for case in all_cases() + reported_cases():
        folder = out / case.name
        folder.mkdir(parents=True, exist_ok=True)
        case.build(folder)
    print(f"{len(all_cases())} refused and {len(reported_cases())} reported inputs in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile_corpus"))
