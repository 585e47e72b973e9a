"""The vendored web assets, installed as the package ``kvpt_static``.

Streamlit serves this folder at ``/app/static`` (``server.enableStaticServing``); the
code finds it through ``layers/resources.py``. This file only makes the folder a package
for the wheel.
"""
