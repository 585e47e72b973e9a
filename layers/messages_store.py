"""Messages of the catalogue about changing the project store (waiting, locks, access).

Part of the one catalogue of ``layers/``: :mod:`layers.messages` merges :data:`MESSAGES`
and :data:`HINTS` into its own and looks every key up there (``text``, ``cli_text``,
:class:`~layers.errors.LayerError`). The other store messages (missing file, not a
GeoPackage, newer schema...) are in :mod:`layers.messages_io`.

Texts name files by their base name only.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "store_busy": (
        "Dự án {file} đang bận với một thay đổi khác quá {seconds} giây; chưa lưu gì. Thử "
        "lại sau ít phút.",
        "The project {file} is busy with another change for more than {seconds} s; nothing "
        "was saved. Try again in a moment."),
    "store_read_only": (
        "Không thay đổi được dự án {file}: tệp hoặc thư mục của nó chỉ cho phép đọc "
        "({detail}); chưa lưu gì. Cần quyền ghi vào tệp và thư mục chứa tệp.",
        "The project {file} cannot be changed: the file or its folder is read-only "
        "({detail}); nothing was saved. Writing needs write access to the file and its "
        "folder."),
}
"""Key → (Vietnamese, English)."""

HINTS: dict[str, str] = {
    "store_busy": " (Another `kvpt` command or the app is saving a change to it.)",
}
"""Key → English advice for the command line (see :data:`layers.messages.HINTS`)."""
