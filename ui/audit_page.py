"""Audit log page (admins): who changed what in the project, when, and what was refused."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from layers.messages import text as message_text
from ui.i18n import lang
from ui.state import EXPECTED_ERRORS, error_text, open_store, sidebar


def main() -> None:
    """Draw the audit log of the project in use, newest first."""
    sidebar()
    st.title(message_text("audit_title", lang()))
    store = open_store()
    if store is None:
        return
    try:
        rows = store.audit()
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))
        return
    if not rows:
        st.info(message_text("audit_empty", lang()))
        return
    frame = pd.DataFrame([vars(r) for r in reversed(rows)],
                         columns=["time", "user", "action", "layer", "version", "detail"])
    st.dataframe(frame, hide_index=True, width="stretch")


main()
