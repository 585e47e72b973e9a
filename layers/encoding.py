r"""Vietnamese text encodings: UTF-8, Windows-1258, TCVN3 (ABC) and VNI-Windows.

Legacy shapefiles keep their DBF text in whatever the author's font used, often
without a ``.cpg`` file. GDAL then reads the bytes as Latin-1, and with a
``1258`` ``.cpg`` it drops the last character of every string. KVPT therefore reads
shapefile text as ``latin1`` and decodes the bytes here (:func:`recode_latin1`).
Every decoded string is Unicode NFC.

Encodings
---------
``utf-8``
    Python's codec. Invalid bytes decode to U+FFFD.
``cp1258``
    Python's Windows-1258 codec, whose tone marks are combining characters:
    decoded text is NFC-normalized. Encoding writes a letter precomposed when
    Windows-1258 has it (``á`` is one byte) and otherwise as its base letter
    (``â ă ê ô ơ ư`` or plain) followed by a combining tone mark (``ậ`` is
    ``â`` + U+0323). Bytes the code page leaves undefined decode to U+FFFD.
``tcvn3``
    TCVN 5712:1993 VN3 ("ABC", the ``.VnTime`` fonts), single-byte. VN3 holds
    all 67 lowercase non-ASCII letters but only seven capitals (Ă Â Ê Ô Ơ Ư Đ);
    documents show the other capitals by switching to an uppercase font
    (``.VnTimeH``) with the lowercase codes. So **encoding is lossy**: a capital
    VN3 lacks (``Ấ``, ``Ạ``, ``Ì``...) is written with its lowercase code, and
    decoding gives the lowercase letter. The bytes 0xA0-0xFF that VN3 leaves
    free are decoded as the superset VN1 (TCVN 5712:1993) defines them: five
    combining tone marks (0xB0-0xB4) and sixteen toned capitals. Bytes
    0x80-0x9F, free in VN3 too, are decoded as Windows-1252 (a choice of this
    module, so curly quotes and dashes typed in Windows keep their meaning),
    U+FFFD where 1252 leaves them undefined.
``vni``
    VNI-Windows: a base letter followed by a mark byte (``á`` = ``b"a\xf9"``,
    ``ấ`` = ``b"a\xe1"``), except single-byte ``đ Đ ơ Ơ ư Ư``, the toned ``i``
    forms and ``ỵ Ỵ``. Capitals use the mark byte 0x20 below the lowercase one.
    Decoding turns each mark byte into its combining marks and NFC-composes,
    which is a greedy two-byte read that also accepts a capital followed by a
    lowercase mark (seen in hand-edited data). A mark byte after a consonant
    stays a combining mark. Bytes the table leaves free are decoded as
    Windows-1252 (the same choice as for TCVN3), U+FFFD where 1252 leaves them
    undefined. Every Vietnamese
    letter, both cases, round-trips.

Encoding text an encoding cannot hold raises :class:`~layers.errors.LayerError`.

Sources of the tables
---------------------
Written for this module from the standard's layout and checked against three
independent public tables that agree on every letter:

- TCVN3: GNU libiconv ``lib/tcvn.h`` and glibc's ``TCVN5712-1`` converter (the
  VN1 table, whose 0xA0-0xFF half holds VN3); the ``TCVN3_TABLE`` of the VBKey
  input method (``khiemdoan/VBKey``, ``Modules/mdlCodeTable.bas``); the
  ``tcvn3Table`` of ``tomwillow/SmartCharsetConverter``
  (``src/Core/Vietnamese.cpp``). Wikipedia's VSCII article gives the VN3
  repertoire (67 lowercase, 7 capitals, no-break space: 75 characters).
  The tests compare every byte 0xA0-0xFF with the system ``iconv``.
- VNI-Windows: the ``VNI_WINDOWS_TABLE`` of VBKey and the ``vniTable`` of
  SmartCharsetConverter (identical for all 134 letters).
- Windows-1258: Python's ``cp1258`` codec.

DBF code-page hints
-------------------
A ``.cpg`` of ``UTF-8``/``UTF8``/``65001`` means UTF-8 and ``1258``/``CP1258``/
``ANSI 1258``/``windows-1258`` means Windows-1258. A Western ``.cpg`` (``1252``,
``ANSI 1252``, ``8859-1``, ``latin1``) or any other code page gives ``None``:
TCVN3 and VNI fonts are "ANSI" fonts, so such a file may hold either, and
detection decides. The DBF language driver byte (offset 29) never names a
Vietnamese code page: dBase and GDAL's table map ids to DOS, Mac, CJK, Thai
and Windows 1250-1257 code pages only (0x03, 0x58 and 0x59 are Windows-1252;
0x57 is "current ANSI", read by GDAL as ISO-8859-1; 0x00 is "none"), so
:func:`encoding_from_ldid` returns ``None`` for every id.

Detection
---------
Pure-ASCII samples give ``utf-8`` (every candidate reads them alike). Samples
that are strictly valid UTF-8 with multi-byte sequences give ``utf-8``. Otherwise
each word holding a byte >= 0x80 is decoded with cp1258, TCVN3 and VNI and
scored 1 if it is a well-formed Vietnamese syllable (onset, vowel nucleus,
coda, at most one tone, on an allowed vowel, and only sắc/nặng before a stop
coda), 0 if not. The plausibility of a candidate is the share of such words it
reads well; ties go to TCVN3, then VNI, then cp1258 (TCVN3 was the common
encoding in the north, VNI in the south, per Wikipedia's VSCII article).

Measured on real names: the 237 Lạng Sơn commune and district names are
recognized as a set and one by one in every encoding.
Over the 10,806 province, district and commune names of the GSO list, a
**single name** is recognized 99.8-100 % of the time (all-caps too); the misses
are ties in names with one non-ASCII word ("Tỉnh Sơn La": the cp1258 and VNI
bytes of "Tỉnh" also read as a well-formed TCVN3 syllable). Very short input is
therefore a guess: pass many records and show the scores.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from layers.errors import LayerError
from layers.messages import clip, excerpt, os_reason

ENCODINGS: tuple[str, ...] = ("utf-8", "cp1258", "tcvn3", "vni")

LABELS: dict[str, str] = {
    "utf-8": "Unicode (UTF-8)",
    "cp1258": "Windows-1258 (CP1258)",
    "tcvn3": "TCVN3 (ABC)",
    "vni": "VNI-Windows",
}

# Spellings accepted by normalize_encoding, after _alias_key() folding.
_ALIASES: dict[str, str] = {
    "utf8": "utf-8", "65001": "utf-8", "unicode": "utf-8", "unicodeutf8": "utf-8",
    "cp1258": "cp1258", "1258": "cp1258", "windows1258": "cp1258", "win1258": "cp1258",
    "ansi1258": "cp1258", "ms1258": "cp1258", "vncp1258": "cp1258",
    "windows1258cp1258": "cp1258",
    "tcvn3": "tcvn3", "tcvn": "tcvn3", "abc": "tcvn3", "tcvn3abc": "tcvn3", "vn3": "tcvn3",
    "tcvn5712": "tcvn3", "tcvn57121993": "tcvn3", "tcvn57123": "tcvn3", "vscii3": "tcvn3",
    "vntime": "tcvn3",
    "vni": "vni", "vniwindows": "vni", "vniwin": "vni",
}
# Names that are real code pages but not Vietnamese ones: a dedicated hint.
_LATIN_NAMES = frozenset({"latin1", "latin", "iso88591", "88591", "cp1252", "1252",
                          "windows1252", "ansi1252", "ansi", "l1"})

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
_SHAPES = "\u0302\u0306\u031b"  # circumflex, breve, horn
_CAPITALS_IN_VN3 = frozenset("ĂÂÊÔƠƯĐ")
_TIE_ORDER = ("tcvn3", "vni", "cp1258")


@dataclass(frozen=True)
class EncodingGuess:
    """Which encoding a source's text is in, and how that was decided.

    Attributes
    ----------
    encoding : str
        One of :data:`ENCODINGS`.
    source : str
        ``"cpg"``, ``"ldid"``, ``"detected"``, ``"user"`` or ``"default"``.
    scores : dict
        ``{encoding: plausibility in [0, 1]}`` from :func:`detect`; empty when
        no sample text was available.
    """

    encoding: str
    source: str
    scores: dict[str, float] = field(default_factory=dict)


def normalize_encoding(name: str) -> str:
    """Return the canonical key of an encoding name.

    Parameters
    ----------
    name : str
        Any common spelling: ``"UTF8"``, ``"65001"``, ``"1258"``,
        ``"windows-1258"``, ``"TCVN3"``, ``"ABC"``, ``"VNI-Windows"``, a label
        from :data:`LABELS`...

    Returns
    -------
    str
        One of :data:`ENCODINGS`.

    Raises
    ------
    LayerError
        If the name is not a supported Vietnamese encoding.
    """
    key = _alias_key(name) if isinstance(name, str) else ""
    if key in _ALIASES:
        return _ALIASES[key]
    raise LayerError(key="encoding_latin" if key in _LATIN_NAMES else "encoding_unknown",
                     params={"name": clip(name) if isinstance(name, str) else name,
                             "accepted": ", ".join(ENCODINGS)})


def decode(raw: bytes, encoding: str) -> str:
    """Decode bytes to NFC text.

    Parameters
    ----------
    raw : bytes
        Encoded text.
    encoding : str
        Any name :func:`normalize_encoding` accepts.

    Returns
    -------
    str
        NFC-normalized text; bytes without meaning in the encoding become U+FFFD.
    """
    enc = normalize_encoding(encoding)
    data = bytes(raw)
    if enc == "utf-8":
        text = data.decode("utf-8", errors="replace")
    elif enc == "cp1258":
        text = data.decode("cp1258", errors="replace")
    elif enc == "tcvn3":
        text = "".join(_TCVN3_DECODE[b] for b in data)
    else:
        text = "".join(_VNI_DECODE[b] for b in data)
    return unicodedata.normalize("NFC", text)


def encode(text: str, encoding: str) -> bytes:
    """Encode text in a Vietnamese encoding.

    Parameters
    ----------
    text : str
        Text, in any Unicode normalization form.
    encoding : str
        Any name :func:`normalize_encoding` accepts.

    Returns
    -------
    bytes
        The encoded text. For ``tcvn3``, capitals VN3 lacks are written with
        their lowercase codes (see the module notes).

    Raises
    ------
    LayerError
        If a character cannot be written in the encoding.
    """
    enc = normalize_encoding(encoding)
    nfc = unicodedata.normalize("NFC", text)
    if enc == "utf-8":
        return nfc.encode("utf-8")
    table = {"cp1258": None, "tcvn3": _TCVN3_ENCODE, "vni": _VNI_ENCODE}[enc]
    out = bytearray()
    for pos, char in enumerate(nfc):
        chunk = _encode_cp1258_char(char) if table is None else table.get(char)
        if chunk is None:
            raise LayerError(key="char_unwritable", params={
                "char": char, "code": f"{ord(char):04X}", "pos": pos,
                "text": excerpt(nfc, pos), "encoding": LABELS[enc]})
        out += chunk
    return bytes(out)


def recode_latin1(text: object, encoding: str) -> object:
    """Turn text that GDAL read as Latin-1 into the real text.

    Parameters
    ----------
    text : str or None or float
        A value as read with ``encoding="latin1"``; ``None``, NaN, ``pd.NA``
        and other non-strings are returned unchanged.
    encoding : str
        The encoding the bytes were written in.

    Returns
    -------
    str or object
        The decoded NFC text, or ``text`` itself when it is not a string.

    Raises
    ------
    LayerError
        If the string holds characters above U+00FF, so was not read as Latin-1.
    """
    if not isinstance(text, str):
        return text
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError as err:
        raise LayerError(key="not_latin1", params={
            "text": excerpt(text, err.start), "char": err.object[err.start]}) from None
    return decode(raw, encoding)


def detect(samples: Iterable[bytes]) -> EncodingGuess:
    """Guess the encoding of raw text samples.

    Parameters
    ----------
    samples : iterable of bytes
        Raw values (e.g. every text cell of a DBF). ``None`` items are skipped.

    Returns
    -------
    EncodingGuess
        With ``source="detected"`` and a plausibility score per encoding.
    """
    raws = [bytes(s) for s in samples if s is not None]
    if not any(_has_high_byte(r) for r in raws):
        return EncodingGuess("utf-8", "detected", dict.fromkeys(ENCODINGS, 1.0))
    words = [w for r in raws for w in _WORD_BYTES.findall(r) if _has_high_byte(w)]
    words = words[:_MAX_WORDS]
    scores = {enc: _plausibility(words, enc) for enc in ENCODINGS}
    if _is_utf8(raws):
        return EncodingGuess("utf-8", "detected", scores)
    best = max(_TIE_ORDER, key=lambda enc: (scores[enc], -_TIE_ORDER.index(enc)))
    return EncodingGuess(best, "detected", scores)


def encoding_from_cpg(text: str) -> str | None:
    """Read the encoding a ``.cpg`` file names.

    Parameters
    ----------
    text : str
        Contents of the ``.cpg`` file (only the first line counts).

    Returns
    -------
    str or None
        ``"utf-8"`` or ``"cp1258"`` (or ``"tcvn3"``/``"vni"`` if spelled out);
        ``None`` for a Western or other code page, which says nothing about
        TCVN3 or VNI text (see the module notes), and for an empty file.
    """
    lines = str(text).lstrip("\ufeff").strip().splitlines()
    if not lines:
        return None
    key = _alias_key(lines[0])
    if key.startswith("utf8"):
        return "utf-8"
    return _ALIASES.get(key)


def encoding_from_ldid(ldid: int) -> str | None:
    """Map a DBF language driver id to one of :data:`ENCODINGS`.

    Parameters
    ----------
    ldid : int
        Byte 29 of the DBF header (0-255).

    Returns
    -------
    str or None
        Always ``None`` today: no language driver id names Windows-1258 or UTF-8
        (0x00 names no code page; 0x57 is "current ANSI"; 0x03, 0x58, 0x59 are
        Windows-1252, which TCVN3 and VNI text also claims; the rest are DOS,
        Mac, CJK, Thai and other Windows code pages). Detection decides instead.

    Raises
    ------
    LayerError
        If ``ldid`` is not an integer in 0-255.
    """
    if isinstance(ldid, bool) or not isinstance(ldid, int) or not 0 <= ldid <= 255:
        raise LayerError(key="ldid_not_byte", params={
            "ldid": clip(ldid, 20) if isinstance(ldid, str) else ldid})
    return _LDID_ENCODINGS.get(ldid)


def read_dbf_ldid(dbf_path: str | Path) -> int | None:
    """Read the language driver id (byte 29) of a ``.dbf`` file.

    Parameters
    ----------
    dbf_path : str or Path
        Path to the ``.dbf`` file.

    Returns
    -------
    int or None
        The byte, or ``None`` when it is 0 (no language driver set).

    Raises
    ------
    LayerError
        If the file cannot be read or is too short to be a DBF.
    """
    path = Path(dbf_path)
    try:
        with path.open("rb") as fh:
            header = fh.read(32)
    except OSError as err:
        raise LayerError(key="dbf_unreadable", params={
            "file": path.name, "reason": os_reason(err), "path": str(path)}) from None
    if len(header) < 32:
        raise LayerError(key="dbf_too_short", params={"file": path.name, "size": len(header)})
    return header[29] or None


def resolve(*, user: str | None, cpg: str | None, ldid: int | None,
            samples: Iterable[bytes]) -> EncodingGuess:
    """Decide the encoding of a source from every hint, strongest first.

    Parameters
    ----------
    user : str or None
        Encoding chosen by the user; wins over everything.
    cpg : str or None
        Contents of the ``.cpg`` file, if any.
    ldid : int or None
        DBF language driver id, if any.
    samples : iterable of bytes
        Raw text samples for detection.

    Returns
    -------
    EncodingGuess
        ``source`` tells which hint decided; ``scores`` come from
        :func:`detect` whenever samples exist, so alternatives can be shown.

    Raises
    ------
    LayerError
        If ``user`` names no supported encoding.
    """
    raws = [s for s in samples if s is not None]
    detected = detect(raws) if raws else None
    scores = detected.scores if detected else {}
    if user is not None and str(user).strip():
        return EncodingGuess(normalize_encoding(user), "user", scores)
    from_cpg = encoding_from_cpg(cpg) if cpg is not None else None
    if from_cpg:
        return EncodingGuess(from_cpg, "cpg", scores)
    from_ldid = encoding_from_ldid(ldid) if ldid is not None else None
    if from_ldid:
        return EncodingGuess(from_ldid, "ldid", scores)
    if detected is not None:
        return detected
    return EncodingGuess("utf-8", "default", {})


# --------------------------------------------------------------------------- helpers


def _alias_key(name: str) -> str:
    """Fold an encoding name: lowercase, drop spaces, punctuation and brackets."""
    return re.sub(r"[^0-9a-z]", "", name.strip().lower())


def _has_high_byte(raw: bytes) -> bool:
    return any(b >= 0x80 for b in raw)


def _is_utf8(raws: list[bytes]) -> bool:
    try:
        for raw in raws:
            raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _cp1252_char(byte: int) -> str:
    """Windows-1252 meaning of a byte, U+FFFD where 1252 leaves it undefined."""
    return bytes([byte]).decode("cp1252", errors="replace")


def _build_tcvn3() -> tuple[list[str], dict[str, bytes]]:
    """Decode list (256 entries) and encode dict for TCVN3."""
    # TCVN 5712:1993 bytes 0xA0-0xFF, one row of 16 per line. VN3 assigns the
    # no-break space, Ă Â Ê Ô Ơ Ư Đ and the 67 lowercase letters; the combining
    # marks (0xB0-0xB4) and toned capitals are VN1-only positions.
    rows = (
        "\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ",
        "\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ",
        "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ",
        "éẹềểễếệìỉỄẾỒĩíịò",
        "Ổỏõóọồổỗốộờởỡớợù",
        "ỖủũúụừửữứựỳỷỹýỵỐ",
    )
    upper = "".join(rows)
    decode_table = [chr(b) for b in range(0x80)]
    decode_table += [_cp1252_char(b) for b in range(0x80, 0xA0)]
    decode_table += list(upper)
    vn3 = {char: bytes([0xA0 + i]) for i, char in enumerate(upper)
           if not unicodedata.combining(char) and (char.islower() or char in _CAPITALS_IN_VN3
                                                   or char == "\u00a0")}
    encode_table = {chr(b): bytes([b]) for b in range(0x80)}
    encode_table.update({decode_table[b]: bytes([b]) for b in range(0x80, 0xA0)
                         if decode_table[b] != "\ufffd"})
    encode_table.update(vn3)
    for char in _all_letters():
        if char not in encode_table and char.lower() in encode_table:
            encode_table[char] = encode_table[char.lower()]
    return decode_table, encode_table


# VNI-Windows mark bytes (lowercase forms; capitals use byte - 0x20) -> marks.
_VNI_MARKS: dict[int, str] = {
    0xF8: "\u0300", 0xF9: "\u0301", 0xFB: "\u0309", 0xF5: "\u0303", 0xEF: "\u0323",
    0xE2: "\u0302", 0xE0: "\u0302\u0300", 0xE1: "\u0302\u0301", 0xE5: "\u0302\u0309",
    0xE3: "\u0302\u0303", 0xE4: "\u0302\u0323",
    0xEA: "\u0306", 0xE8: "\u0306\u0300", 0xE9: "\u0306\u0301", 0xFA: "\u0306\u0309",
    0xFC: "\u0306\u0303", 0xEB: "\u0306\u0323",
}
# VNI-Windows single-byte letters (lowercase; capitals at byte - 0x20).
_VNI_LETTERS: dict[int, str] = {
    0xF1: "đ", 0xF4: "ơ", 0xF6: "ư", 0xEC: "ì", 0xED: "í", 0xE6: "ỉ", 0xF3: "ĩ", 0xF2: "ị",
    0xEE: "ỵ",
}


def _build_vni() -> tuple[list[str], dict[str, bytes]]:
    """Decode list (256 entries) and encode dict for VNI-Windows."""
    decode_table = [chr(b) for b in range(0x80)] + [_cp1252_char(b) for b in range(0x80, 0x100)]
    letters: dict[str, bytes] = {}
    for byte, char in _VNI_LETTERS.items():
        decode_table[byte], decode_table[byte - 0x20] = char, char.upper()
        letters[char], letters[char.upper()] = bytes([byte]), bytes([byte - 0x20])
    mark_bytes: dict[str, int] = {}
    for byte, marks in _VNI_MARKS.items():
        decode_table[byte] = decode_table[byte - 0x20] = marks
        mark_bytes[marks] = byte
    encode_table = {chr(b): bytes([b]) for b in range(0x80)}
    encode_table.update({decode_table[b]: bytes([b]) for b in range(0x80, 0x100)
                         if b not in _VNI_MARKS and b + 0x20 not in _VNI_MARKS
                         and decode_table[b] != "\ufffd" and len(decode_table[b]) == 1})
    for char in _all_letters():
        if char in letters:
            encode_table[char] = letters[char]
            continue
        base, shape, tone = _split_letter(char)
        if base.lower() in ("ơ", "ư"):
            head, marks = letters[base], tone
        else:
            head, marks = base.encode("ascii"), shape + tone
        if not marks:
            encode_table[char] = head
            continue
        offset = 0x20 if base.isupper() else 0
        encode_table[char] = head + bytes([mark_bytes[marks] - offset])
    return decode_table, encode_table


def _split_letter(char: str) -> tuple[str, str, str]:
    """Split a Vietnamese letter into base (with horn kept), shape mark, tone mark."""
    nfd = unicodedata.normalize("NFD", char)
    base = nfd[0]
    shape = "".join(m for m in nfd[1:] if m in _SHAPES)
    tone = "".join(m for m in nfd[1:] if m in _TONES)
    if "\u031b" in shape:  # horn: ơ/ư are letters of their own in VNI
        base, shape = unicodedata.normalize("NFC", base + "\u031b"), shape.replace("\u031b", "")
    return base, shape, tone


def _all_letters() -> list[str]:
    """Every Vietnamese letter, both cases: 12 vowels x 6 tones, d and đ, ASCII."""
    vowels = ["a", "a\u0306", "a\u0302", "e", "e\u0302", "i", "o", "o\u0302", "o\u031b", "u",
              "u\u031b", "y"]
    out = [unicodedata.normalize("NFC", v + t) for v in vowels for t in ("", *_TONES)]
    out += ["đ"] + [chr(c) for c in range(ord("a"), ord("z") + 1)]
    return out + [c.upper() for c in out]


def _encode_cp1258_char(char: str) -> bytes | None:
    """Windows-1258 bytes of one NFC character, or None when it has none."""
    try:
        return char.encode("cp1258")
    except UnicodeEncodeError:
        pass
    nfd = unicodedata.normalize("NFD", char)
    tones = "".join(m for m in nfd if m in _TONES)
    rest = unicodedata.normalize("NFC", "".join(m for m in nfd if m not in _TONES))
    if not tones or len(rest) != 1:
        return None
    try:
        return rest.encode("cp1258") + tones.encode("cp1258")
    except UnicodeEncodeError:
        return None


_TCVN3_DECODE, _TCVN3_ENCODE = _build_tcvn3()
_VNI_DECODE, _VNI_ENCODE = _build_vni()
_LDID_ENCODINGS: dict[int, str] = {}  # no dBase language driver names cp1258 or UTF-8

# ------------------------------------------------------------------ syllable scoring

# Runs of letters in raw bytes: ASCII letters and every byte >= 0x80 (all four
# encodings are ASCII-compatible and put letters and marks only there).
_WORD_BYTES = re.compile(rb"[A-Za-z\x80-\xff]+")
_ONSETS = ("ngh", "ng", "gh", "gi", "kh", "nh", "ph", "th", "tr", "ch", "qu",
           "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
# "k" closes syllables in Central Highlands names (Đắk Lắk).
_CODAS = ("ch", "nh", "ng", "c", "k", "m", "n", "p", "t", "")
_STOP_CODAS = frozenset({"c", "ch", "k", "p", "t"})
_MAX_WORDS = 20_000  # detection reads at most this many non-ASCII words
_VOWEL_LETTERS = frozenset("aăâeêioôơuưy")


def _nucleus_table() -> dict[str, tuple[frozenset[int], frozenset[int]]]:
    """Vowel nuclei -> (tone positions without coda, tone positions with a coda).

    An empty set means the form is impossible (no coda allowed, or coda required).
    Old-style (hòa, thủy) and new-style (hoà, thuỷ) tone placement are both valid.
    """
    none: frozenset[int] = frozenset()
    first, second, third = frozenset({0}), frozenset({1}), frozenset({2})
    either = frozenset({0, 1})
    table: dict[str, tuple[frozenset[int], frozenset[int]]] = {}
    for v in "aeêioôơuưy":
        table[v] = (first, first)
    for v in "ăâ":
        table[v] = (none, first)
    for n in ("ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi",
              "ua", "ui", "ưa", "ưi", "ưu"):
        table[n] = (first, none)
    for n in ("oa", "oe", "uy"):
        table[n] = (either, second)
    for n in ("uê", "uơ"):
        table[n] = (second, second)
    for n in ("oă", "uâ", "iê", "yê", "uô", "ươ", "oo", "ôô"):
        table[n] = (none, second)
    for n in ("oai", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "iêu", "yêu", "uya", "uyu"):
        table[n] = (second, none)
    table["uyê"] = (none, third)
    return table


_NUCLEI = _nucleus_table()


def _plausibility(words: list[bytes], encoding: str) -> float:
    """Share of the words that read as Vietnamese syllables in an encoding."""
    if encoding == "utf-8" and not _is_utf8(words):
        return 0.0
    if not words:
        return 1.0
    verdicts: dict[bytes, bool] = {}
    good = 0
    for word in words:
        if word not in verdicts:
            verdicts[word] = _is_syllable(decode(word, encoding))
        good += verdicts[word]
    return round(good / len(words), 4)


def _is_syllable(word: str) -> bool:
    """Whether a word is a well-formed Vietnamese syllable (case-insensitive)."""
    nfd = unicodedata.normalize("NFD", word.lower())
    letters: list[str] = []
    tone, tone_at = "", -1
    for char in nfd:
        if char in _TONES:
            if tone or not letters:
                return False
            tone, tone_at = char, len(letters) - 1
        elif unicodedata.combining(char):
            if not letters:
                return False
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + char)
        else:
            letters.append(char)
    plain = "".join(letters)
    return any(_fits(plain, onset, tone, tone_at) for onset in _ONSETS if plain.startswith(onset))


def _fits(plain: str, onset: str, tone: str, tone_at: int) -> bool:
    """Whether ``plain`` (toneless) parses as onset + nucleus + coda with the tone placed."""
    rest = plain[len(onset):]
    for coda in _CODAS:
        if coda and not rest.endswith(coda):
            continue
        nucleus = rest[:len(rest) - len(coda)] if coda else rest
        if not nucleus or any(c not in _VOWEL_LETTERS for c in nucleus):
            continue
        allowed = _NUCLEI.get(nucleus)
        if allowed is None:
            continue
        places = allowed[1] if coda else allowed[0]
        if not places:
            continue
        if tone and tone_at - len(onset) not in places:
            continue
        if coda in _STOP_CODAS and tone not in ("\u0301", "\u0323"):
            continue  # syllables closed by c, ch, p, t carry sắc or nặng
        return True
    return False
