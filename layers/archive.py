"""Zip archives (zipped shapefiles, KMZ) judged from their directory, then unpacked safely.

An uploaded archive is checked against :mod:`layers.limits` from its central directory
**before** any member is inflated (:func:`open_checked`): the number of members, every
member name (no absolute path, no ``..``, no drive letter, no name twice), no symbolic
link, no encryption, a compression method Python reads (stored, deflate, bzip2, LZMA:
not deflate64 or AES), members that do not share bytes (the "overlapping files" zip
bomb), the total expanded size and the expansion ratio of large members. Any failure
refuses the whole archive with one message naming the member.

Members are then unpacked one at a time into a temporary folder by :func:`extract`,
streaming, with a running count of the bytes written: a member that expands past the
size its directory declares, or past the archive's budget, is stopped there. The CRC of
every unpacked member is verified (a mismatch is reported as a damaged archive).

Member names are never used as paths on disk: parts are written under names made here.
"""

from __future__ import annotations

import os
import stat
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from layers import limits
from layers.errors import LayerError
from layers.messages import os_reason
from layers.messages_input import human_size, plain

READABLE_METHODS: dict[int, str] = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "LZMA",
}
"""Compression methods a member may use (the ones Python's :mod:`zipfile` inflates)."""

_METHOD_NAMES = {1: "shrink", 6: "implode", 9: "deflate64", 10: "PKWARE DCL implode",
                 93: "Zstandard", 95: "xz", 96: "JPEG", 97: "WavPack", 98: "PPMd",
                 99: "AES encryption"}
_ENCRYPTED_FLAGS = 0x1 | 0x40  # traditional / strong encryption
_LOCAL_HEADER = 30
_CHUNK = 1 << 20


class Budget:
    """A running count of the bytes unpacked from one archive, against a cap.

    Parameters
    ----------
    archive : Path
        The archive (for messages).
    cap : int, optional
        Most bytes; :data:`layers.limits.zip_max_expanded_bytes` when omitted.
    """

    def __init__(self, archive: Path, cap: int | None = None) -> None:
        self.archive = archive
        self.cap = limits.zip_max_expanded_bytes if cap is None else cap
        self.spent = 0

    def spend(self, count: int, member: str) -> None:
        """Add ``count`` bytes unpacked from ``member``; raise when over the cap."""
        self.spent += count
        if self.spent > self.cap:
            raise LayerError(key="zip_too_big", params={
                "file": plain(self.archive.name), "size": human_size(self.spent) + "+",
                "count": 1, "limit": human_size(self.cap), "member": plain(member)})


@contextmanager
def open_checked(path: Path, *, unreadable: str = "zip_unreadable",
                 ) -> Iterator[tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]]:
    """Open a zip whose directory passes every check; yield it and its file members.

    Parameters
    ----------
    path : Path
        The ``.zip`` or ``.kmz``.
    unreadable : str
        Message key when the file is not a zip (``"kmz_unreadable"`` for a KMZ).

    Yields
    ------
    zipfile.ZipFile
        The open archive.
    list of zipfile.ZipInfo
        Its file members (folders left out), in directory order.

    Raises
    ------
    LayerError
        If the file is not a readable zip or a check fails (see the module notes).
    """
    _check_entry_count(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError) as exc:  # e.g. a zip "version 6.4" Python cannot read
        raise LayerError(key=unreadable, params={
            "file": plain(path.name), "detail": plain(exc, 120)}) from exc
    with zf:
        infos = zf.infolist()
        check_directory(path, infos, getattr(zf, "start_dir", None))
        yield zf, [i for i in infos if not i.is_dir()]


def check_directory(path: Path, infos: list[zipfile.ZipInfo],
                    directory_start: int | None = None) -> None:
    """Refuse an archive whose central directory fails a check (see the module notes).

    Parameters
    ----------
    path : Path
        The archive (for messages).
    infos : list of zipfile.ZipInfo
        Every entry of its directory.
    directory_start : int, optional
        Offset of the central directory: no member's data may run into it.

    Raises
    ------
    LayerError
        Naming the first member that fails.
    """
    name = plain(path.name)
    if len(infos) > limits.zip_max_members:
        raise LayerError(key="zip_too_many_members", params={
            "file": name, "count": len(infos), "limit": limits.zip_max_members})
    for info in infos:
        _check_member(path, info)
    _check_duplicates(path, infos)
    _check_overlaps(path, infos, directory_start)
    _check_sizes(path, infos)


def member_path(info: zipfile.ZipInfo) -> PurePosixPath:
    """Return a member's name as a path (Windows zips may use backslashes)."""
    return PurePosixPath(info.filename.replace("\\", "/"))


def extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, budget: Budget,
            *, limit: int | None = None) -> Path:
    """Unpack one member to ``dest`` (a path made by the caller), streaming, with caps.

    Parameters
    ----------
    zf : zipfile.ZipFile
        From :func:`open_checked`.
    info : zipfile.ZipInfo
        The member.
    dest : Path
        Where to write it (never derived from the member's name).
    budget : Budget
        The archive's running byte count.
    limit : int, optional
        A lower cap for this member (e.g. :data:`layers.limits.max_text_bytes`).

    Returns
    -------
    Path
        ``dest``.

    Raises
    ------
    LayerError
        If the member expands past its declared size, the budget or ``limit``, fails
        its CRC, or cannot be written.
    """
    archive = Path(zf.filename or "archive.zip")
    member = info.filename
    written = 0
    try:
        with zf.open(info) as src, open(dest, "wb") as out:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                if written > info.file_size:
                    raise LayerError(key="zip_overflow", params={
                        "file": plain(archive.name), "member": plain(member),
                        "size": human_size(info.file_size)})
                if limit is not None and written > limit:
                    raise LayerError(key="member_too_big", params={
                        "file": plain(archive.name), "member": plain(member),
                        "size": human_size(info.file_size), "limit": human_size(limit)})
                budget.spend(len(chunk), member)
                out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise LayerError(key="zip_damaged", params={
            "file": plain(archive.name), "member": plain(member)}) from exc
    except NotImplementedError as exc:
        raise _method_error(archive, info) from exc
    except RuntimeError as exc:  # a password is required
        raise LayerError(key="zip_encrypted", params={
            "file": plain(archive.name), "member": plain(member)}) from exc
    except OSError as exc:
        raise LayerError(key="unpack_failed", params={
            "file": plain(archive.name), "reason": os_reason(exc)}) from exc
    return dest


@contextmanager
def scratch_folder() -> Iterator[Path]:
    """Yield a private temporary folder, removed afterwards (members are unpacked there)."""
    with tempfile.TemporaryDirectory(prefix="kvpt_zip_") as tmp:
        os.chmod(tmp, 0o700)
        yield Path(tmp)


@contextmanager
def kmz_document(path: Path) -> Iterator[Path]:
    """Unpack the KML document of a KMZ (``doc.kml``, else the shallowest ``.kml``).

    The document must fit :data:`layers.limits.max_text_bytes`; images and other
    members are not unpacked.

    Yields
    ------
    Path
        The unpacked ``.kml``, in a temporary folder removed afterwards.

    Raises
    ------
    LayerError
        If a check of :func:`open_checked` fails, the KMZ has no ``.kml``, or the
        document is too large.
    """
    with open_checked(path, unreadable="kmz_unreadable") as (zf, infos):
        kmls = [i for i in infos if i.filename.lower().endswith(".kml")
                and "__MACOSX" not in member_path(i).parts]
        if not kmls:
            raise LayerError(key="kmz_no_kml", params={"file": plain(path.name)})
        docs = [i for i in kmls if i.filename == "doc.kml"]
        main = docs[0] if docs else min(kmls, key=lambda i: (i.filename.count("/"),
                                                             i.filename))
        if main.file_size > limits.max_text_bytes:
            raise LayerError(key="member_too_big", params={
                "file": plain(path.name), "member": plain(main.filename),
                "size": human_size(main.file_size),
                "limit": human_size(limits.max_text_bytes)})
        with scratch_folder() as folder:
            yield extract(zf, main, folder / "doc.kml", Budget(path),
                          limit=limits.max_text_bytes)


# -- checks ---------------------------------------------------------------------------


def _check_entry_count(path: Path) -> None:
    """Refuse an archive with too many entries before its directory is parsed."""
    end_record = getattr(zipfile, "_EndRecData", None)
    if end_record is None:
        return
    try:
        with open(path, "rb") as fh:
            rec = end_record(fh)
    except OSError:
        return
    if rec is None:
        return
    count = rec[getattr(zipfile, "_ECD_ENTRIES_TOTAL", 4)]
    if isinstance(count, int) and count > limits.zip_max_members:
        raise LayerError(key="zip_too_many_members", params={
            "file": plain(path.name), "count": count, "limit": limits.zip_max_members})


def _check_member(path: Path, info: zipfile.ZipInfo) -> None:
    name, member = plain(path.name), plain(info.filename)
    why = _unsafe_name(info.filename)
    if why:
        raise LayerError(key="zip_unsafe_name",
                         params={"file": name, "member": member, "why": why})
    mode = info.external_attr >> 16
    if mode and stat.S_ISLNK(mode):
        raise LayerError(key="zip_symlink", params={"file": name, "member": member})
    if info.flag_bits & _ENCRYPTED_FLAGS:
        raise LayerError(key="zip_encrypted", params={"file": name, "member": member})
    if info.compress_type not in READABLE_METHODS:
        raise _method_error(path, info)


def _unsafe_name(filename: str) -> str:
    """Return why a member name could leave the unpacking folder ('' when it cannot)."""
    text = filename.replace("\\", "/")
    if text.startswith("/"):
        return "absolute path"
    if len(text) > 1 and text[1] == ":" and text[0].isalpha():
        return "drive letter"
    if ".." in text.split("/"):
        return "'..'"
    return ""


def _method_error(path: Path, info: zipfile.ZipInfo) -> LayerError:
    method = info.compress_type
    label = f"{_METHOD_NAMES.get(method, 'unknown method')} ({method})"
    return LayerError(key="zip_method", params={
        "file": plain(path.name), "member": plain(info.filename), "method": label})


def _check_duplicates(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    names = Counter(str(member_path(i)).lower() for i in infos)
    twice = [n for n, count in names.items() if count > 1]
    if twice:
        raise LayerError(key="zip_duplicate", params={
            "file": plain(path.name), "member": plain(twice[0]), "count": names[twice[0]]})


def _check_overlaps(path: Path, infos: list[zipfile.ZipInfo],
                    directory_start: int | None) -> None:
    """Refuse members whose data would share bytes (the overlapping-files zip bomb)."""
    files = sorted(infos, key=lambda i: i.header_offset)
    for a, b in zip(files, files[1:], strict=False):
        if _data_end(a) > b.header_offset:
            raise LayerError(key="zip_overlap", params={
                "file": plain(path.name), "member": plain(a.filename),
                "other": plain(b.filename)})
    if files and directory_start is not None and _data_end(files[-1]) > directory_start:
        raise LayerError(key="zip_overlap", params={
            "file": plain(path.name), "member": plain(files[-1].filename),
            "other": "(central directory)"})


def _data_end(info: zipfile.ZipInfo) -> int:
    """Smallest possible end of a member's local header and data."""
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    try:
        name_len = len(info.orig_filename.encode(encoding))
    except UnicodeEncodeError:
        name_len = len(info.orig_filename.encode("utf-8"))
    return info.header_offset + _LOCAL_HEADER + name_len + info.compress_size


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    total = sum(i.file_size for i in infos)
    if total > limits.zip_max_expanded_bytes:
        biggest = max(infos, key=lambda i: i.file_size)
        raise LayerError(key="zip_too_big", params={
            "file": plain(path.name), "size": human_size(total), "count": len(infos),
            "limit": human_size(limits.zip_max_expanded_bytes),
            "member": plain(biggest.filename)})
    for info in infos:
        if info.file_size < limits.zip_ratio_min_bytes:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.zip_max_ratio:
            raise LayerError(key="zip_ratio", params={
                "file": plain(path.name), "member": plain(info.filename),
                "ratio": f"{ratio:,.0f}", "size": human_size(info.file_size),
                "limit": f"{limits.zip_max_ratio:,.0f}"})
