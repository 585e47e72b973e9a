"""Files written whole or not at all: through a temporary file beside them and a rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` so that no reader sees half a file.

    The bytes go to a temporary file in the same folder (``.tmp-*``), readable by all
    (``0o644``), which then replaces ``path``; on any error the temporary file is removed
    and ``path`` is left as it was.

    Raises
    ------
    OSError
        If the folder cannot be written.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
