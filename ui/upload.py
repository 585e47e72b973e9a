"""Turn files uploaded in the browser into a source path the readers can open."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from layers.errors import LayerError
from layers.readers import SUPPORTED

UPLOAD_ROOT = Path(tempfile.gettempdir()) / "kvpt_uploads"
SIDECARS = (".shx", ".dbf", ".prj", ".cpg", ".qpj", ".sbn", ".sbx", ".xml")


class Uploaded(Protocol):
    """What Streamlit's ``UploadedFile`` offers and this module uses."""

    name: str

    def getvalue(self) -> bytes:
        """Return the file's bytes."""
        ...


def save_upload(files: Sequence[Uploaded]) -> Path:
    """Write uploaded files into a private folder and return the main source file.

    Parameters
    ----------
    files : sequence
        One file (``.zip``, ``.gpkg``, ``.geojson``, ``.kml``, ``.kmz``, ``.csv``)
        or the parts of one shapefile (``.shp`` with ``.shx``, ``.dbf``, ``.prj``…).

    Raises
    ------
    LayerError
        If no file is of a supported type, or several main files were given.
    """
    digest = hashlib.sha256()
    for f in sorted(files, key=lambda f: f.name):
        digest.update(f.name.encode() + b"\0" + f.getvalue())
    folder = UPLOAD_ROOT / digest.hexdigest()[:24]
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        (folder / Path(f.name).name).write_bytes(f.getvalue())
    names = [Path(f.name).name for f in files]
    mains = [n for n in names if Path(n).suffix.lower() in SUPPORTED]
    if len(mains) != 1:
        raise LayerError(key="upload_one_file", params={
            "supported": ", ".join(SUPPORTED), "sidecars": ", ".join(SIDECARS[:4]),
            "got": ", ".join(names) or "-"})
    return folder / mains[0]
