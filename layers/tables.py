"""Write analysis tables (results, not layers) to files or download bytes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from layers.errors import LayerError

TABLE_FORMATS = (".csv",)


def table_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return ``frame`` as CSV bytes: UTF-8 with a BOM so Excel shows Vietnamese right."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def write_table(frame: pd.DataFrame, out: str | Path) -> Path:
    """Write ``frame`` to ``out``; the format follows the extension.

    Raises
    ------
    LayerError
        If the extension is not one of :data:`TABLE_FORMATS`.
    """
    out = Path(out)
    if out.suffix.lower() not in TABLE_FORMATS:
        msg = (f"Cannot write a table to {out.name!r}: use one of "
               f"{', '.join(TABLE_FORMATS)}, e.g. {out.with_suffix('.csv').name}.")
        raise LayerError(msg)
    tmp = out.with_name(f".{out.name}.part")
    tmp.write_bytes(table_csv_bytes(frame))
    tmp.replace(out)
    return out
