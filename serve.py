"""KVPT Planner, started warm: ``streamlit run serve.py`` (what ``make app`` runs).

The same app as ``streamlit run app.py`` (``app.py`` builds the navigation), served by
Streamlit's ASGI entry point (``st.App``) whose start-up imports the pages' modules and
builds the Map page's map of the project before the server answers
(:func:`ui.warm_up.warm_up`): the first visitor after a restart does not wait for them.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st


@asynccontextmanager
async def _warm(_app: object) -> AsyncIterator[None]:
    from ui.warm_up import warm_up  # once Streamlit's runtime is there

    print(f"  KVPT Planner warmed up: {await asyncio.to_thread(warm_up)}", flush=True)
    yield


app = st.App("app.py", lifespan=_warm)
