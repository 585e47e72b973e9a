"""The English texts of the problems :mod:`geo` reports, one key per problem.

A :class:`geo.errors.Problem` is one of these texts formatted with its parameters; the
key and the parameters let a front end show it in another language (the app's
Vietnamese texts live in :mod:`planning.analysis_messages`, keyed alike). Texts name the
function arguments and settings to change, for the callers of :mod:`geo`.

Parameters are formatted with :meth:`str.format`; a parameter that is itself a
:class:`~geo.errors.Problem` (or a list holding some) is put in the same language first.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- words and lists used inside other problems -------------------------------------
    "labels_more": "{shown} and {count} more",
    "none": "none",
    "class_none": "(none)",
    "no_lines_at_all": "no lines at all",
    "pair_and": "{first} and {second}",
    "capacity_need": "enterprise column {enterprise!r} with site column {site!r}",
    # --- input frames (geo._validate) -----------------------------------------------------
    "frame_type": "`{role}` must be a GeoDataFrame, not {type}.",
    "frame_no_crs": (
        "`{role}` has no CRS: set the CRS first, e.g. gdf.set_crs('EPSG:4326') for "
        "longitude/latitude or gdf.set_crs('EPSG:3405') for VN-2000 / UTM 48N metres."),
    "frame_duplicate_index": (
        "`{role}` has duplicate index labels ({labels}): results are keyed by label, so make "
        "them unique, e.g. gdf.reset_index(drop=True)."),
    "frame_no_geometry": (
        "`{role}` has rows without geometry ({labels}): drop them first, e.g. "
        "gdf[~(gdf.geometry.isna() | gdf.is_empty)]."),
    "frame_invalid": (
        "`{role}` has invalid geometries ({labels}): repair them first, e.g. gdf.geometry = "
        "gdf.make_valid()."),
    "frame_not_dataframe": "`{role}` must be a DataFrame, not {type}.",
    "frame_no_columns": (
        "`{role}` has no column(s) {columns} (columns: {present}); name the right column with "
        "the matching *_col argument."),
    "frame_duplicate_labels": (
        "`{role}` has duplicate index labels: make them unique, e.g. "
        "frame.reset_index(drop=True)."),
    "points_type": "`{role}` must be a GeoDataFrame or GeoSeries, not {type}.",
    "distance_negative": "`{arg}` must be a number of metres >= 0, not {value!r}.",
    "crs_unknown": (
        "metric CRS {crs!r} is not a CRS pyproj knows ({detail}); pass e.g. crs='EPSG:3405' "
        "(VN-2000 / UTM 48N)."),
    "crs_not_metric": (
        "metric CRS {crs!r} ({name}) is not projected in metres: lengths and areas would be "
        "wrong; pass e.g. crs='EPSG:3405' (VN-2000 / UTM 48N) or 'EPSG:3406' (UTM 49N)."),
    # --- protection zones and appraisal ---------------------------------------------------
    "zone_width_bad": (
        "protection-zone width of {kind!r} must be a number of metres >= 0, not {width!r}; "
        "e.g. zones={{{kind!r}: 300.0}}."),
    "work_width_bad": (
        "`works` column {column!r} must hold protection widths in metres >= 0 or be empty; "
        "rows {labels} hold {values}. Correct them, or empty them to use the kind's width."),
    "works_no_kind_column": (
        "`works` has no column {column!r} with the kind of each work (columns: {columns}); "
        "pass kind_col='<column>' naming it."),
    "works_kind_no_width": (
        "`works` has kind(s) with no protection-zone width: {names} (rows {labels}). Known "
        "kinds: {known}. Pass the width for it, e.g. zones={{{first!r}: 300.0}} (metres), or "
        "fix column {column!r}."),
    "pairs_columns": (
        "`pairs` lacks the column(s) {columns}: pass the table returned by "
        "appraise(proposals, works)."),
    "proposals_duplicate_index": (
        "`proposals` has duplicate index labels: make them unique, e.g. "
        "proposals.reset_index(drop=True), then appraise again."),
    "pairs_stray": (
        "`pairs` names proposals that are not in `proposals` ({shown}): pass the same "
        "proposals that were given to appraise()."),
    "pairs_verdicts": "`pairs` has unknown verdicts {verdicts}; expected {expected}.",
    # --- layers stacked as assets ---------------------------------------------------------
    "layer_no_crs": (
        "layer {name!r} must be a GeoDataFrame with a CRS; read it from the project store or "
        "set its CRS first."),
    "layer_name_twice": (
        "layer name {name!r} is given twice: names label the rows, so give each layer its own "
        "name."),
    # --- posture: completeness, depth, hazards, mutual support ----------------------------
    "assets_no_kind_column": (
        "`assets` has no column {column!r} with each asset's kind; pass kind_col='<column>' "
        "naming it."),
    "level_column_missing": (
        "`{role}` has no column {column!r} giving each unit's level (province, district or "
        "commune); add it or pass level_col='<column>'."),
    "levels_unknown": (
        "`{role}` has unknown levels in {column!r}: {values}. Use province, district, commune, "
        "village (or add the spelling to geo.settings.level_aliases)."),
    "levels_empty": (
        "`{role}` has rows with no level in {column!r} ({rows}); give each one of province, "
        "district, commune or village."),
    "requirements_type": (
        "`requirements` must map levels to kind lists, e.g. {{'district': ['combat_base']}}, "
        "not {type}."),
    "requirements_levels": (
        "`requirements` names unknown levels {levels}; use province, district, commune, "
        "village."),
    "share_min_range": (
        "`share_min` must be a number from 0 to 1 (a share of the villages), not {value!r}; "
        "e.g. 0.8 for 80 %."),
    "requirements_kinds": (
        "`requirements[{level!r}]` must be a list of kind keys, e.g. ['combat_base', "
        "'rear_base'], not {kinds!r}."),
    "bands_bad": (
        "depth bands must be increasing distances in km > 0, e.g. (10, 30, 60); got "
        "{bands!r}."),
    "border_no_line": (
        "`border` has no line feature: depth is measured to the border line; add a layer of "
        "kind 'border' with the border as a line."),
    "hazards_not_polygons": (
        "`hazards` must be polygons; rows {rows} are not. Pass the hazard zones layer (kind "
        "'hazard_zone')."),
    "within_km_bad": "`within_km` must be a number >= 0 (km), not {value!r}.",
    "within_min_bad": "`within_min` must be a number >= 0 (minutes), not {value!r}.",
    "within_min_no_network": (
        "`within_min` needs the road network: pass network=geo.network.build_graph(roads), or "
        "use within_km instead."),
    # --- exercises and targets --------------------------------------------------------------
    "cycle_setting_bad": (
        "settings.exercise_cycle_years must be a whole number of years >= 1 or None, not "
        "{value!r}."),
    "shares_order": (
        "share_min ({low}) is larger than share_max ({high}); e.g. share_min=0.20, "
        "share_max=0.25."),
    "no_communes": (
        "`n_communes` must be at least 1, not {value!r}: there are no communes to plan; pass "
        "the communes (a commune layer) first."),
    "cycle_bad": "`cycle` must be a whole number of years >= 1, not {value!r}.",
    "cycle_too_short": (
        "A cycle of {cycle} years needs {need} of the {total} communes a year, more than the "
        "maximum share allows ({most}); lengthen the cycle or raise share_max."),
    "years_bad": "`years` must be a whole number >= 1, not {value!r}.",
    "start_bad": "`start` must be a year (whole number), not {value!r}.",
    "share_bad": "`{arg}` must be a share in (0, 1], e.g. 0.20 for 20 %, not {value!r}.",
    "records_columns": (
        "`records` lacks column(s) {columns}; it needs commune_code and year (read it with "
        "layers.records.read_exercises)."),
    "records_columns_read": (
        "`records` lacks column(s) {columns}; read them with layers.records.read_exercises."),
    "record_years": "`records` has years that are not whole numbers: {values}.",
    "communes_no_code_column": (
        "`communes` has no column {column!r} with the commune code (columns: {columns}); pass "
        "code_col='<column>'."),
    "communes_without_code": (
        "`communes` has rows without a code in {column!r} (rows {rows}); give every commune a "
        "code."),
    "communes_duplicate_codes": (
        "`communes` has duplicate codes ({codes}); each commune needs its own code."),
    "districts_no_code_column": (
        "`districts` has no column {column!r} with the district code; pass "
        "code_col='<column>'."),
    "percent_complete_bad": (
        "`percent_complete` must be 0–100; rows {rows}. Fix the values in the layer of "
        "these works."),
    "roadmap_ids_count": (
        "`ids` has {ids} values for {works} works: give one id per work."),
    "ground_measure_bad": (
        "settings.training_ground_measure must be 'build_progress' or 'district_share', not "
        "{value!r}."),
    "target_missing": (
        "target {measure!r} is missing; set settings.targets[{measure!r}] = {{'min': ..., "
        "'max': ...}}"),
    "target_bounds": (
        "target {key!r} bounds must be shares in [0, 1] or None, not {target!r}; e.g. "
        "{{'min': 0.2, 'max': 0.3}}"),
    "target_order": "target {key!r} has min > max ({target!r})",
    # --- road network and chokepoints -----------------------------------------------------
    "speed_class_bad": "speed of class {cls!r} must be a speed in km/h > 0, not {value!r}.",
    "speed_bad": "{arg} must be a speed in km/h > 0, not {value!r}.",
    "lines_not_lines": (
        "`lines` has rows that are not lines ({rows}, {types}): keep the lines only, e.g. "
        "lines[lines.geom_type.isin(['LineString', 'MultiLineString'])]."),
    "network_no_segments_join": (
        "the road network has no segments to join points to: build it from road lines "
        "(geo.network.build_graph) with at least one line."),
    "node_ids_taken": (
        "node id(s) {nodes} are in the graph already: join these points with another prefix, "
        "e.g. prefix='site2'."),
    "nodes_not_in_network": (
        "node(s) {nodes} are not in the road network: join the points first with "
        "geo.network.connect_points (it returns their node ids)."),
    "nodes_not_in_network_join": (
        "node(s) {nodes} are not in the road network: join them with "
        "geo.network.connect_points first, or pass features."),
    "unreachable": (
        "{target!r} cannot be reached from {source!r} on the road network: they lie on "
        "unconnected parts of it (a segment was cut, or the roads do not meet within the snap "
        "tolerance, geo.settings.network_snap_m)."),
    "sources_empty": "`sources` is empty: pass at least one node of the graph.",
    "unknown_segments": (
        "unknown road segment id(s): {ids}. Segment ids look like "
        "'<layer>:<row>/<part>/<piece>'; list them with geo.network.edges_frame(G) "
        "(geo.chokepoints.chokepoints(G, ...) ranks the ones that matter)."),
    "minutes_bad": "`minutes` must be a number >= 0, not {value!r}.",
    "load_t_bad": (
        "`load_t` (the vehicle load, tonnes) must be a number > 0, not {value!r}; pass None "
        "to route without a load check."),
    "no_road_lines": (
        "no road lines: classes found {found}. Road classes are {classes} (also written "
        "'Quốc lộ', 'QL1A', 'Đường tỉnh', 'ĐT.226', 'Đường huyện', 'trunk', ...: "
        "geo.settings.road_class_aliases) or contain 'road'; give the speed of your class in "
        "`speeds` (e.g. speeds={{'QL': 50}}, km/h) or, for frames that hold roads only, keep "
        "every line with all_lines=True."),
    "feature_ambiguous": "{ident!r} names {count} features ({ids}): give one as '<layer>:<row>'.",
    "feature_unknown": (
        "no feature {ident!r}: give '<layer>:<row>' (a layer name as given to feature_points "
        "and the row from 0, e.g. {example!r}) or a unique name of a point or polygon "
        "feature."),
    "increase_pct_bad": "`increase_pct` must be a percentage >= 0, not {value!r}.",
    "no_hub": (
        "no hub: pass the features or nodes the targets must reach, e.g. the province-level "
        "bases."),
    "no_target": "no target: pass the bases or sites to check.",
    # --- relocation -----------------------------------------------------------------------
    "no_border_depth": (
        "no border to measure the depth of the sites from: add a layer of kind 'border', or "
        "set the minimum depth to 0 (not {depth:g} km)."),
    "plans_differ": (
        "the two plans are of different enterprises: compare plans made from the same "
        "enterprise layer (e.g. relocate(...) and relocate(..., cut=[...]))."),
    "times_not_2d": "`times` must be a 2-D matrix (enterprises × sites), not {ndim}-D.",
    "capacity_dims": (
        "`demands` has {demands} dimension(s) and `capacities` {capacities}: give both the "
        "same capacity columns."),
    "array_not_finite": (
        "`{arg}` must be finite numbers >= 0: fill in the missing or negative values first."),
    "solver_time_limit": (
        "the assignment solver stopped without a solution (time limit reached); raise "
        "geo.settings.relocation_time_limit_s (now {limit:g} s) and run again."),
    "solver_failed": (
        "the assignment solver stopped without a solution ({detail}); raise "
        "geo.settings.relocation_time_limit_s (now {limit:g} s) and run again."),
    "capacity_by_bad": "capacity_by must be one of {choices}, not {value!r}.",
    "capacity_columns_missing": (
        "capacity by {by!r} needs {need}; map those attributes on import (kinds 'enterprise' "
        "and 'relocation_site') or choose another capacity_by."),
    "capacity_values_bad": (
        "`{role}` column {column!r} has missing or negative values (rows {rows}): fill them "
        "in, or use capacity_by='{other}'."),
    "yes_no_bad": (
        "`{role}` column {column!r} has values that are neither yes nor no ({values}; rows "
        "{rows}): write yes/có or no/không (blank is read as the default)."),
    "readiness_bad": (
        "readiness {values} (rows {rows}) is not a known level: write one of {levels} (or a "
        "spelling in geo.settings.mobilization_readiness_aliases), or leave it blank."),
    "mobilization_capacity_bad": (
        "mobilization_capacity {values} (rows {rows}) must be a number >= 0 (its unit goes in "
        "capacity_unit): correct it or leave it blank."),
    "directions_bad": (
        "directions must map a name to (start, end) bearings in degrees between 0 and 360; "
        "fix {sectors} in geo.settings.mobilization_directions."),
    "times_missing": (
        "`times` lacks enterprises ({enterprises}) or sites ({sites}): build it from the same "
        "layers (rows = enterprises, columns = sites)."),
    "criteria_bad": (
        "`criteria` must be site_criteria(sites, border, hazards) of the same sites."),
    "network_no_segments": (
        "the road network has no segments: add a layer of kind 'infrastructure' with roads, or "
        "cut fewer segments."),
    # --- terrain (geo.terrain) ---------------------------------------------------------------
    "terrain_grid_shape": (
        "an elevation grid needs at least 2 rows and 2 columns, not shape {shape}: import a "
        "DEM that covers the area."),
    "terrain_cell_bad": "the cell size of an elevation grid must be a number > 0, not {value}.",
    "terrain_radius_bad": "`radius_m` must be a number > 0 (metres), not {value}.",
    "terrain_height_bad": "`{arg}` must be a number >= 0 (metres above the ground), not {value}.",
    "terrain_off_grid": (
        "{points} lie(s) off the DEM or on cells without data: import a DEM that covers "
        "them, or choose points inside it."),
    # --- hazards and evacuation (geo.hazards, geo.evacuation) ----------------------------
    "hazard_types_empty": (
        "`hazard_types` names no hazard type: give one or more of {known}, or None for every "
        "zone."),
    "population_rule_bad": (
        "population_rule must be one of {choices}, not {value!r} (see "
        "geo.settings.evacuation_population_rule)."),
    "population_bad": (
        "`communes` column 'population' has values that are not numbers >= 0 (rows {rows}): "
        "correct them, or leave them empty to use "
        "geo.settings.evacuation_fallback_density_km2."),
    "density_bad": (
        "fallback_density_km2 must be a number of people per km² >= 0, not {value!r}."),
    "group_size_bad": (
        "group_size must be a whole number of people >= 0 (0: one group per commune), not "
        "{value!r}."),
    "shelter_capacity_missing": (
        "`shelters` has no column 'capacity' (people; columns: {columns}): map it on import "
        "(kind 'shelter')."),
    "shelter_capacity_bad": (
        "`shelters` column 'capacity' has missing or negative values (rows {rows}): fill in "
        "each shelter's capacity in people."),
    # --- partitioned runs (geo.partitioned) -----------------------------------------------
    "dask_missing": (
        "the dask engine needs dask-geopandas (module {module!r} is not installed): install it "
        "with `pip install kvpt-planner[dask]`, or leave the engine out (in memory)."),
    "partitions_bad": (
        "the number of partitions must be a whole number >= 1, not {value!r}: pass e.g. "
        "--partitions 4 or set geo.settings.dask_partitions."),
}
"""Key → English text (a :meth:`str.format` template)."""
