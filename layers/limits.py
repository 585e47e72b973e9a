"""Limits on what an import reads, checked before a byte is inflated or parsed.

Settings in the style of :mod:`geo.settings`: plain module values read when a check runs,
so a deployment (or a test) changes one for every later import::

    from layers import limits

    limits.zip_max_expanded_bytes = 4 * 1024**3   # a 4 GiB shapefile inside a zip
    limits.max_layers = 200                       # a GeoPackage of 200 layers in one go

A file over a limit is refused with one message naming the limit and the value found
(:mod:`layers.messages_input`); nothing is written to the project. The defaults fit the
largest real layers of a province (every building or parcel of it) with room to spare,
on a machine with a few GB of memory, and refuse what is only an attack: zip bombs,
archives of thousands of members, tables of 100,000 columns, gigabyte text files.

Zip archives (``.zip`` shapefiles and ``.kmz``) are judged from their central directory
before anything is extracted (:mod:`layers.archive`): member count, names, encryption,
compression method, declared sizes and ratios; extraction then streams with a running
byte cap, so an archive that lies about its sizes is stopped at the cap too.
"""

from __future__ import annotations

_MIB = 1024 * 1024

zip_max_members: int = 1000
"""Most members (files and folders) a zip or KMZ may hold.

A shapefile is 3 to 7 members; a thousand is room for over a hundred shapefiles. An
archive of more is refused before its directory is read in full.
"""

zip_max_expanded_bytes: int = 1024 * _MIB
"""Most bytes the members of one zip or KMZ may expand to, all members together (1 GiB).

Checked against the sizes the central directory declares before extracting, and again
while extracting, against the bytes actually written.
"""

zip_max_ratio: float = 500.0
"""Highest expanded / compressed size of one member, for members over
:data:`zip_ratio_min_bytes`.

Deflate cannot do better than about 1,030 : 1, and real shapefile parts (DBF files of
blank-padded text included) stay far below 500 : 1; a member above it is a zip bomb.
"""

zip_ratio_min_bytes: int = 16 * _MIB
"""Expanded size from which :data:`zip_max_ratio` applies: a small member may compress
at any ratio (a DBF of one repeated value does)."""

max_layers: int = 50
"""Most layers one import may read: shapefiles of one zip, layers of a GeoPackage or
KML. A source with more is refused with a pointer to ``--layer`` (one layer at a time);
reading and versioning thousands of layers in one step would take hours."""

max_text_bytes: int = 256 * _MIB
"""Largest text source: a ``.csv``, ``.kml`` or ``.geojson`` file, or the KML document
inside a ``.kmz`` (256 MiB).

These formats are parsed in memory, at several times their size; a larger layer belongs
in a GeoPackage or a zipped shapefile.
"""

max_prj_bytes: int = 64 * 1024
"""Largest ``.prj`` read (64 KiB). A coordinate system text is a few hundred bytes; a
larger ``.prj`` is not one and is treated as unreadable (never read in full, never
quoted)."""

max_cpg_bytes: int = 1024
"""Bytes of a ``.cpg`` read: it names a code page on its first line."""

csv_max_columns: int = 1000
"""Most columns of a CSV table, counted on its header line before the table is parsed."""

ring_close_tolerance: float = 1e-7
"""Largest gap, relative to the ring's extent, between the first and last point of a
polygon ring that is closed by moving the last point onto the first: the rounding of an
export (0.1 mm on a 1 km polygon). A wider gap refuses the feature, naming it: where the
ring should end is the author's call, not ours."""
