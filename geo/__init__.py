"""Pure analyses on GeoDataFrames: no file I/O, no maps, no user interface."""

from . import appraisal as appraisal
from . import settings as settings
