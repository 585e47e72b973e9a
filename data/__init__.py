"""The bundled data, installed as the package ``kvpt_data`` (see ``layers/resources.py``).

Real geodata of Lạng Sơn in ``real/``, its sources in ``SOURCES.md`` and the licence
texts in ``licenses/``. This file only makes the folder a package for the wheel.
"""
