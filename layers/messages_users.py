"""Messages of the catalogue about users, roles, signing in and the audit log.

Part of the one catalogue of ``layers/``: :mod:`layers.messages` merges :data:`MESSAGES`
and :data:`HINTS` into its own (see :mod:`layers.store_users`).
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "role_needed": (
        "Cần vai trò {role} để {action}{layer}; {who}. Chưa thay đổi gì.",
        "This needs the role {role} ({action}{layer}); {who}. Nothing was changed."),
    "user_has_role": ("{user} có vai trò {role}", "{user} has the role {role}"),
    "user_gone": ("người dùng {user} không còn trong dự án",
                  "user {user} is no longer in the project"),
    "nobody_signed_in": ("chưa đăng nhập", "nobody is signed in"),
    "sign_in_failed": (
        "Đăng nhập dự án {file} không thành công: sai tên hoặc mật khẩu.",
        "Sign-in to the project {file} failed: wrong name or password."),
    "sign_in_needed": (
        "Dự án {file} có người dùng: cần đăng nhập.",
        "The project {file} has users: sign in first."),
    "no_users": (
        "Dự án {file} chưa có người dùng nên không cần đăng nhập.",
        "The project {file} has no users, so nobody needs to sign in."),
    "first_user_admin": (
        "Người dùng đầu tiên ({user}) phải có vai trò admin, để có người quản lý người dùng.",
        "The first user ({user}) must have the role admin, so that someone can manage "
        "the users."),
    "user_exists": ("Đã có người dùng {user}.", "There already is a user {user}."),
    "user_unknown": ("Không có người dùng {user}. Người dùng hiện có: {users}.",
                     "There is no user {user}. Users: {users}."),
    "user_name_bad": (
        "Tên người dùng {user} không dùng được: cần từ 1 đến {max} ký tự in được.",
        "The user name {user} cannot be used: it needs 1 to {max} printable characters."),
    # the actions and roles named in role_needed (English: the action's own name)
    "action_import": ("nhập lớp", "import"),
    "action_records": ("lưu bảng hồ sơ", "records"),
    "action_settings": ("đổi cài đặt dự án", "settings"),
    "action_restore": ("khôi phục phiên bản", "restore"),
    "action_delete": ("xóa lớp", "delete"),
    "action_undelete": ("lấy lại lớp đã xóa", "undelete"),
    "action_rename": ("đổi tên lớp", "rename"),
    "action_purge": ("xóa hẳn lớp", "purge"),
    "action_user_add": ("thêm người dùng", "user_add"),
    "action_user_passwd": ("đổi mật khẩu", "user_passwd"),
    "action_user_remove": ("bỏ người dùng", "user_remove"),
    "action_users": ("xem danh sách người dùng", "users"),
    "action_audit": ("xem nhật ký", "audit"),
    "role_viewer": ("người xem (viewer)", "viewer"),
    "role_planner": ("người lập kế hoạch (planner)", "planner"),
    "role_admin": ("quản trị (admin)", "admin"),
    "role_unknown": ("Không có vai trò {role}; dùng một trong: {roles}.",
                     "There is no role {role}; use one of {roles}."),
    "password_empty": ("Mật khẩu không được để trống.", "The password must not be empty."),
    "password_mismatch": ("Hai lần nhập mật khẩu không khớp.",
                          "The two passwords typed differ."),
    "last_admin": (
        "Không xoá được {user}: đó là admin cuối cùng của dự án. Thêm một admin khác trước.",
        "{user} cannot be removed: it is the project's last admin. Add another admin "
        "first."),
    "audit_title": ("Nhật ký thay đổi", "Audit log"),
    "audit_empty": ("Chưa có dòng nhật ký nào.", "The audit log is empty."),
    "sign_in_title": ("Đăng nhập", "Sign in"),
    "sign_in_name": ("Tên người dùng", "User name"),
    "sign_in_password": ("Mật khẩu", "Password"),
    "sign_in_button": ("Đăng nhập", "Sign in"),
    "sign_out_button": ("Đăng xuất", "Sign out"),
    "signed_in_as": ("Đăng nhập: {user} ({role})", "Signed in: {user} ({role})"),
}
"""Key → (Vietnamese, English)."""

HINTS: dict[str, str] = {
    "role_needed": " (Sign in as another user with `--user NAME` or KVPT_USER.)",
    "sign_in_failed": " (The name comes from `--user` or KVPT_USER, the password from "
                      "KVPT_PASSWORD or the prompt.)",
    "sign_in_needed": " Give `--user NAME` (or KVPT_USER) and the password (KVPT_PASSWORD "
                      "or the prompt).",
    "first_user_admin": " Use `kvpt user add P NAME --role admin` first.",
    "user_unknown": " See `kvpt user list`.",
}
"""Key → English advice for the command line (see :data:`layers.messages.HINTS`)."""
