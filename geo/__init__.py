"""Pure analyses on GeoDataFrames: no file I/O, no maps, no user interface."""

from . import appraisal as appraisal
from . import assets as assets
from . import assignment as assignment
from . import chokepoints as chokepoints
from . import completeness as completeness
from . import coordinates as coordinates
from . import depth as depth
from . import exercises as exercises
from . import hazards as hazards
from . import measure as measure
from . import nearest as nearest
from . import network as network
from . import relocation as relocation
from . import settings as settings
from . import support as support
from . import targets as targets
from . import travel_matrix as travel_matrix
