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
    # -- a project in PostgreSQL + PostGIS (layers/pg_*.py): named by database/schema
    "pg_url_bad": (
        "Địa chỉ dự án PostGIS {target} không dùng được: cần dạng "
        "postgresql://NGƯỜI_DÙNG@MÁY:CỔNG/CSDL?schema=DỰ_ÁN.",
        "The PostGIS project address {target} is not usable: write it as "
        "postgresql://USER@HOST:PORT/DATABASE?schema=PROJECT."),
    "pg_schema_bad": (
        "Tên schema {schema} không dùng được: chỉ chữ thường ASCII, chữ số và _, bắt đầu "
        "bằng chữ cái, tối đa 63 ký tự (ví dụ ?schema=lang_son).",
        "The schema name {schema} is not usable: use lower-case ASCII letters, digits and _, "
        "starting with a letter, at most 63 characters (e.g. ?schema=lang_son)."),
    "pg_connect_failed": (
        "Không kết nối được cơ sở dữ liệu của dự án {name} ({detail}). Kiểm tra máy chủ, "
        "cổng, tên người dùng và mật khẩu (PGPASSWORD hoặc ~/.pgpass).",
        "Cannot connect to the database of the project {name} ({detail}). Check the host, "
        "port, user name and password (PGPASSWORD or ~/.pgpass)."),
    "pg_project_exists": (
        "Schema {schema} đã có trong cơ sở dữ liệu ({name}); không ghi đè. Chọn tên khác "
        "bằng ?schema=TÊN.",
        "The schema {schema} already exists in the database ({name}); it is never "
        "overwritten. Choose another name with ?schema=NAME."),
    "pg_no_postgis": (
        "Cơ sở dữ liệu của {name} chưa có PostGIS. Quản trị cơ sở dữ liệu cần chạy: "
        "CREATE EXTENSION postgis;",
        "The database of {name} has no PostGIS. A database administrator must run: "
        "CREATE EXTENSION postgis;"),
    "pg_no_project": (
        "Không có dự án KVPT trong schema {schema} ({name}). Tạo bằng `kvpt init` hoặc "
        "`kvpt copy`, hoặc kiểm tra ?schema=.",
        "There is no KVPT project in the schema {schema} ({name}). Create one with "
        "`kvpt init` or `kvpt copy`, or check ?schema=."),
    "pg_no_rights": (
        "Tài khoản cơ sở dữ liệu không có quyền với dự án {name} ({detail}); chưa lưu gì. "
        "Quản trị cơ sở dữ liệu cần cấp quyền (GRANT) trên schema của dự án.",
        "The database login has no right to do this in the project {name} ({detail}); "
        "nothing was saved. A database administrator must GRANT it rights on the project's "
        "schema."),
    "copy_same": (
        "Nguồn và đích của bản sao là cùng một dự án ({name}).",
        "The source and the destination of the copy are the same project ({name})."),
}
"""Key → (Vietnamese, English)."""

HINTS: dict[str, str] = {
    "store_busy": " (Another `kvpt` command or the app is saving a change to it.)",
}
"""Key → English advice for the command line (see :data:`layers.messages.HINTS`)."""
