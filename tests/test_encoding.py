"""Tests for layers.encoding: tables, round trips, detection on real names, hints."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from layers import encoding as enc
from layers.errors import LayerError

ROOT = Path(__file__).resolve().parents[1]
NAMES_FILE = ROOT / "data" / "real" / "communes.geojson"

TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
VOWELS = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")
LOWER_VOWEL_FORMS = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES]
ALL_LETTERS = (LOWER_VOWEL_FORMS + [v.upper() for v in LOWER_VOWEL_FORMS] + ["đ", "Đ"]
               + [chr(c) for c in range(ord("a"), ord("z") + 1)]
               + [chr(c) for c in range(ord("A"), ord("Z") + 1)])
VN3_CAPITALS = set("ĂÂÊÔƠƯĐ")
LEGACY = ("cp1258", "tcvn3", "vni")


def vn3_fold(text: str) -> str:
    """What TCVN3 keeps of a text: capitals it lacks become lowercase."""
    return "".join(c.lower() if c.isupper() and not c.isascii() and c not in VN3_CAPITALS
                   else c for c in text)


@pytest.fixture(scope="module")
def lang_son_names() -> list[str]:
    """The real commune and district names of Lạng Sơn (censusVN2009, data/SOURCES.md)."""
    features = json.loads(NAMES_FILE.read_text(encoding="utf-8"))["features"]
    communes = [f["properties"]["commune_vn"] for f in features]
    districts = sorted({f["properties"]["district_vn"] for f in features})
    assert len(communes) == 226
    return communes + districts


# --------------------------------------------------------------- letters both ways


def test_letter_set_is_complete():
    non_ascii = {c for c in ALL_LETTERS if not c.isascii()}
    assert len(LOWER_VOWEL_FORMS) == 72
    assert len(non_ascii) == 134  # 66 toned/shaped vowels + đ, both cases


@pytest.mark.parametrize("encoding", ["utf-8", "cp1258", "vni"])
def test_every_letter_round_trips(encoding):
    for letter in ALL_LETTERS:
        raw = enc.encode(letter, encoding)
        assert enc.decode(raw, encoding) == letter, (letter, raw)
        if encoding == "vni":
            assert 1 <= len(raw) <= 2


def test_tcvn3_letters_round_trip_or_fold_to_lowercase():
    held = [c for c in ALL_LETTERS if c.islower() or c.isascii() or c in VN3_CAPITALS]
    assert len([c for c in held if not c.isascii()]) == 67 + 7
    for letter in held:
        raw = enc.encode(letter, "tcvn3")
        assert len(raw) == 1
        assert enc.decode(raw, "tcvn3") == letter
    for letter in set(ALL_LETTERS) - set(held):
        assert enc.encode(letter, "tcvn3") == enc.encode(letter.lower(), "tcvn3")
        assert enc.decode(enc.encode(letter, "tcvn3"), "tcvn3") == letter.lower()
    codes = {enc.encode(c, "tcvn3") for c in held if not c.isascii()}
    assert len(codes) == 74  # no two letters share a code


def test_tcvn3_upper_half_matches_system_iconv():
    """Every byte 0xA0-0xFF against glibc/libiconv's TCVN5712-1 (VN1 ⊃ VN3)."""
    iconv = shutil.which("iconv")
    assert iconv, "the iconv program (libc-bin) is needed as an independent reference"
    raw = bytes(range(0xA0, 0x100))
    ref = subprocess.run([iconv, "-f", "TCVN5712-1", "-t", "UTF-8"], input=b"\n".join(
        bytes([b]) for b in raw), capture_output=True, check=True).stdout.decode("utf-8")
    expected = [unicodedata.normalize("NFC", c) for c in ref.split("\n")]
    assert [enc.decode(bytes([b]), "tcvn3") for b in raw] == expected


def test_published_examples():
    # Byte values from the brief and from public converter documentation.
    assert enc.encode("á", "vni") == b"a\xf9"
    assert enc.encode("Tiếng Việt rất hay", "vni").decode("cp1252") == "Tieáng Vieät raát hay"
    assert enc.encode("Xin chào các bạn", "vni").decode("cp1252") == "Xin chaøo caùc baïn"
    assert enc.encode("Tiếng Việt rất hay", "tcvn3").decode("cp1252") == "TiÕng ViÖt rÊt hay"
    # "Mêng Kh¬ng" as printed: ư is 0xAD, a soft hyphen in Windows-1252, so invisible.
    assert enc.encode("Mường Khương", "tcvn3") == b"M\xad\xeang Kh\xad\xacng"
    assert enc.decode("M\xadêng Kh\xad¬ng".encode("cp1252"), "tcvn3") == "Mường Khương"
    assert enc.decode("B¸t X¸t".encode("cp1252"), "tcvn3") == "Bát Xát"


# VNI-Windows bytes of the lowercase vowels, tones in TONES order (none, huyền, sắc, hỏi,
# ngã, nặng), transcribed from two public tables that agree: VBKey's VNI_WINDOWS_TABLE and
# SmartCharsetConverter's vniTable.
VNI_REFERENCE = {
    "a": (b"a", b"a\xf8", b"a\xf9", b"a\xfb", b"a\xf5", b"a\xef"),
    "ă": (b"a\xea", b"a\xe8", b"a\xe9", b"a\xfa", b"a\xfc", b"a\xeb"),
    "â": (b"a\xe2", b"a\xe0", b"a\xe1", b"a\xe5", b"a\xe3", b"a\xe4"),
    "e": (b"e", b"e\xf8", b"e\xf9", b"e\xfb", b"e\xf5", b"e\xef"),
    "ê": (b"e\xe2", b"e\xe0", b"e\xe1", b"e\xe5", b"e\xe3", b"e\xe4"),
    "i": (b"i", b"\xec", b"\xed", b"\xe6", b"\xf3", b"\xf2"),
    "o": (b"o", b"o\xf8", b"o\xf9", b"o\xfb", b"o\xf5", b"o\xef"),
    "ô": (b"o\xe2", b"o\xe0", b"o\xe1", b"o\xe5", b"o\xe3", b"o\xe4"),
    "ơ": (b"\xf4", b"\xf4\xf8", b"\xf4\xf9", b"\xf4\xfb", b"\xf4\xf5", b"\xf4\xef"),
    "u": (b"u", b"u\xf8", b"u\xf9", b"u\xfb", b"u\xf5", b"u\xef"),
    "ư": (b"\xf6", b"\xf6\xf8", b"\xf6\xf9", b"\xf6\xfb", b"\xf6\xf5", b"\xf6\xef"),
    "y": (b"y", b"y\xf8", b"y\xf9", b"y\xfb", b"y\xf5", b"\xee"),
}


def test_vni_lowercase_matches_reference_table():
    for vowel, codes in VNI_REFERENCE.items():
        for tone, code in zip(TONES, codes, strict=True):
            letter = unicodedata.normalize("NFC", vowel + tone)
            assert enc.encode(letter, "vni") == code, letter
            assert enc.decode(code, "vni") == letter
    assert enc.encode("đ", "vni") == b"\xf1"


def test_vni_capitals_are_every_byte_0x20_lower():
    for lower in LOWER_VOWEL_FORMS + ["đ"]:
        low, up = enc.encode(lower, "vni"), enc.encode(lower.upper(), "vni")
        assert up == bytes(b - 0x20 for b in low), lower


def test_vni_decoding_is_greedy_and_tolerant():
    assert enc.decode(b"Vie\xe4t Nam", "vni") == "Việt Nam"
    assert enc.decode(b"\xd1o\xe2ng \xd1a\xe9ng", "vni") == "Đông Đắng"
    assert enc.decode(b"ng\xf6\xf4\xf8i", "vni") == "người"
    assert enc.decode(b"A\xf9", "vni") == "Á"  # capital + lowercase mark, as hand edits do


def test_cp1258_uses_precomposed_then_combining_tones():
    assert enc.encode("á", "cp1258") == b"\xe1"
    assert enc.encode("ậ", "cp1258") == "â".encode("cp1258") + b"\xf2"
    assert enc.encode("Ở", "cp1258") == "Ơ".encode("cp1258") + b"\xd2"
    for letter in ALL_LETTERS:
        raw = enc.encode(letter, "cp1258")
        assert unicodedata.normalize("NFC", raw.decode("cp1258")) == letter


def test_decoding_gives_nfc():
    text = enc.decode(b"a\xf2", "cp1258")
    assert text == "ạ" and len(text) == 1
    assert unicodedata.is_normalized("NFC", enc.decode(b"Ha\xefn", "vni"))
    decomposed = unicodedata.normalize("NFD", "Lạng Sơn")
    assert enc.decode(decomposed.encode("utf-8"), "utf-8") == "Lạng Sơn"
    assert enc.encode(decomposed, "tcvn3") == enc.encode("Lạng Sơn", "tcvn3")


def test_unwritable_characters_raise():
    with pytest.raises(LayerError, match="U\\+4E2D.*TCVN3"):
        enc.encode("Lạng Sơn 中", "tcvn3")
    with pytest.raises(LayerError, match="VNI"):
        enc.encode("Łódź", "vni")
    assert enc.decode(enc.encode("ß – “x”", "vni"), "vni") == "ß – “x”"  # free bytes: 1252
    with pytest.raises(LayerError, match="Windows-1258"):
        enc.encode("Łódź", "cp1258")


# --------------------------------------------------------- real names: detect & decode


@pytest.mark.parametrize("encoding", ["utf-8", *LEGACY])
def test_lang_son_names_detected_and_recovered(lang_son_names, encoding):
    raws = [enc.encode(name, encoding) for name in lang_son_names]
    guess = enc.detect(raws)
    assert guess.encoding == encoding
    assert guess.source == "detected"
    assert guess.scores[encoding] == 1.0
    assert all(guess.scores[o] < 0.25 for o in enc.ENCODINGS if o != encoding)
    decoded = [enc.decode(raw, encoding) for raw in raws]
    expected = [vn3_fold(n) for n in lang_son_names] if encoding == "tcvn3" else lang_son_names
    assert decoded == expected


@pytest.mark.parametrize("encoding", LEGACY)
def test_single_names_detected(lang_son_names, encoding):
    misses = [n for n in lang_son_names if enc.detect([enc.encode(n, encoding)]).encoding
              != encoding]
    assert misses == []
    short = enc.detect([enc.encode("Xã Khánh Long", encoding)])
    assert short.encoding == encoding
    upper = enc.detect([enc.encode("XÃ KHÁNH LONG", encoding)])
    assert upper.encoding == encoding


def test_one_ambiguous_word_is_a_tie_broken_towards_tcvn3():
    # cp1258 "Tỉnh" is "Ti" + combining hook (0xD2); in TCVN3 0xD2 is "ề": "Tiềnh".
    guess = enc.detect([enc.encode("Tỉnh Sơn La", "cp1258")])
    assert guess.scores["cp1258"] == guess.scores["tcvn3"] == 1.0
    assert guess.encoding == "tcvn3"


def test_detect_ascii_and_empty():
    ascii_guess = enc.detect([b"Xa Khanh Long", b"QL1A"])
    assert ascii_guess.encoding == "utf-8"
    assert ascii_guess.scores == dict.fromkeys(enc.ENCODINGS, 1.0)
    assert enc.detect([]).encoding == "utf-8"
    assert enc.detect([None, b"abc"]).encoding == "utf-8"


def test_syllable_rules():
    valid = ["người", "Khuyến", "thuỷ", "thủy", "hoà", "hòa", "giữa", "quốc", "Đắk", "gì",
             "ĂN", "khuỷu"]
    invalid = ["hoaø", "tiềt", "àt", "xaơ", "aư", "b́", "ăa", "ng", "Lç"]
    assert [w for w in valid if not enc._is_syllable(w)] == []
    assert [w for w in invalid if enc._is_syllable(w)] == []


# ------------------------------------------------------------------------ recode_latin1


def test_recode_latin1_on_gdal_style_text():
    raw = enc.encode("Thị trấn Thất Khê", "tcvn3")
    as_gdal_reads = raw.decode("latin-1")
    assert as_gdal_reads != "Thị trấn Thất Khê"
    assert enc.recode_latin1(as_gdal_reads, "tcvn3") == "Thị trấn Thất Khê"
    cp = enc.encode("Đà Nẵng", "cp1258").decode("latin-1")
    assert enc.recode_latin1(cp, "1258") == "Đà Nẵng"
    assert enc.recode_latin1(None, "vni") is None
    nan = float("nan")
    assert math.isnan(enc.recode_latin1(nan, "vni"))
    with pytest.raises(LayerError, match="latin1"):
        enc.recode_latin1("Lạng Sơn", "tcvn3")


def test_real_shapefile_read_as_latin1(tmp_path):
    """Write TCVN3 bytes into a real DBF, read it as GDAL would, recode, read the hints."""
    import geopandas as gpd
    from shapely.geometry import Point

    names = ["Xã Hoàng Đồng", "Phường Đông Kinh", "Thị trấn Na Sầm"]
    as_latin1 = [enc.encode(n, "tcvn3").decode("latin-1") for n in names]
    gdf = gpd.GeoDataFrame({"ten": as_latin1}, geometry=[Point(106.7, 21.8)] * 3,
                           crs="EPSG:4326")
    path = tmp_path / "xa.shp"
    gdf.to_file(path, engine="pyogrio", encoding="latin1")
    cpg = (tmp_path / "xa.cpg").read_text()  # GDAL writes "LATIN1": no Vietnamese hint
    assert enc.encoding_from_cpg(cpg) is None
    back = gpd.read_file(path, engine="pyogrio", encoding="latin1")
    raws = [s.encode("latin-1") for s in back["ten"]]
    guess = enc.resolve(user=None, cpg=cpg, ldid=enc.read_dbf_ldid(tmp_path / "xa.dbf"),
                        samples=raws)
    assert guess.encoding == "tcvn3" and guess.source == "detected"
    assert [enc.recode_latin1(s, guess.encoding) for s in back["ten"]] == names


# ----------------------------------------------------------------- names and hints


@pytest.mark.parametrize(("name", "key"), [
    ("UTF8", "utf-8"), ("utf-8", "utf-8"), ("65001", "utf-8"), ("Unicode", "utf-8"),
    ("1258", "cp1258"), ("CP1258", "cp1258"), ("windows-1258", "cp1258"),
    ("ANSI 1258", "cp1258"), ("TCVN3", "tcvn3"), ("abc", "tcvn3"), ("TCVN3 (ABC)", "tcvn3"),
    ("vni", "vni"), ("VNI-Windows", "vni"), (" VNI Windows ", "vni"),
])
def test_normalize_encoding_accepts(name, key):
    assert enc.normalize_encoding(name) == key


def test_labels_are_accepted_names():
    assert set(enc.LABELS) == set(enc.ENCODINGS)
    for key, label in enc.LABELS.items():
        assert enc.normalize_encoding(label) == key
        assert enc.normalize_encoding(key) == key


@pytest.mark.parametrize("name", ["latin1", "ISO-8859-1", "cp1252", "koi8-r", "", "viscii"])
def test_normalize_encoding_rejects(name):
    with pytest.raises(LayerError) as err:
        enc.normalize_encoding(name)
    message = str(err.value)
    assert repr(name) in message
    assert all(key in message for key in enc.ENCODINGS)


@pytest.mark.parametrize(("cpg", "expected"), [
    ("UTF-8", "utf-8"), ("utf8\r\n", "utf-8"), ("\ufeffUTF-8", "utf-8"), ("65001", "utf-8"),
    ("1258", "cp1258"), ("CP1258", "cp1258"), ("ANSI 1258", "cp1258"),
    ("windows-1258", "cp1258"), ("TCVN3", "tcvn3"),
    ("ANSI 1252", None), ("1252", None), ("8859-1", None), ("ISO-8859-1", None),
    ("UTF-16", None), ("", None), ("Big5", None),
])
def test_encoding_from_cpg(cpg, expected):
    assert enc.encoding_from_cpg(cpg) == expected


def test_encoding_from_ldid():
    for ldid in (0x00, 0x03, 0x57, 0x58, 0xC8, 0xFF):
        assert enc.encoding_from_ldid(ldid) is None
    for bad in (-1, 256, "87", True):
        with pytest.raises(LayerError, match="0-255"):
            enc.encoding_from_ldid(bad)


def test_read_dbf_ldid(tmp_path):
    header = bytearray(32)
    header[0] = 0x03
    header[29] = 0x57
    (tmp_path / "a.dbf").write_bytes(bytes(header) + b"\r")
    assert enc.read_dbf_ldid(tmp_path / "a.dbf") == 0x57
    header[29] = 0
    (tmp_path / "b.dbf").write_bytes(bytes(header))
    assert enc.read_dbf_ldid(str(tmp_path / "b.dbf")) is None
    (tmp_path / "c.dbf").write_bytes(b"\x03\x00")
    with pytest.raises(LayerError, match="too short"):
        enc.read_dbf_ldid(tmp_path / "c.dbf")
    with pytest.raises(LayerError, match="missing.dbf"):
        enc.read_dbf_ldid(tmp_path / "missing.dbf")


def test_resolve_priority():
    samples = [enc.encode("Xã Khánh Long", "vni"), enc.encode("Huyện Văn Lãng", "vni")]
    detected = enc.resolve(user=None, cpg=None, ldid=None, samples=samples)
    assert (detected.encoding, detected.source) == ("vni", "detected")
    by_user = enc.resolve(user="TCVN3", cpg="UTF-8", ldid=0x57, samples=iter(samples))
    assert (by_user.encoding, by_user.source) == ("tcvn3", "user")
    assert by_user.scores == detected.scores  # alternatives still shown
    by_cpg = enc.resolve(user=None, cpg="1258", ldid=None, samples=samples)
    assert (by_cpg.encoding, by_cpg.source) == ("cp1258", "cpg")
    assert by_cpg.scores["vni"] == 1.0
    western = enc.resolve(user=None, cpg="ANSI 1252", ldid=0x57, samples=samples)
    assert (western.encoding, western.source) == ("vni", "detected")
    nothing = enc.resolve(user=None, cpg=None, ldid=None, samples=[])
    assert nothing == enc.EncodingGuess("utf-8", "default", {})
    with pytest.raises(LayerError, match="'latin1'"):
        enc.resolve(user="latin1", cpg=None, ldid=None, samples=samples)
