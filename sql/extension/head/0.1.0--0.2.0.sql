-- regecon 0.1.0 -> 0.2.0: the hand-written part of the upgrade script.
-- scripts/sql-scripts.py appends 0.2.0's install script to it, with every
-- CREATE FUNCTION and CREATE AGGREGATE made CREATE OR REPLACE and the
-- CREATE TYPEs left out (altered here instead), and writes the result to
-- sql/extension/regecon--0.1.0--0.2.0.sql. Policy: docs/versions.md.
\echo Use "ALTER EXTENSION regecon UPDATE TO '0.2.0'" to load this file. \quit

-- Result types: 0.2.0 appends fields. ADD ATTRIBUTE keeps every stored value
-- (the new fields read as NULL in values stored by 0.1.0) and every view.
ALTER TYPE @extschema@.moran_result ADD ATTRIBUTE absent_units int, ADD ATTRIBUTE dropped_links int;
ALTER TYPE @extschema@.geary_result ADD ATTRIBUTE absent_units int, ADD ATTRIBUTE dropped_links int;
ALTER TYPE @extschema@.getis_ord_result ADD ATTRIBUTE absent_units int, ADD ATTRIBUTE dropped_links int;
ALTER TYPE @extschema@.bivariate_moran_result ADD ATTRIBUTE absent_units int, ADD ATTRIBUTE dropped_links int;
ALTER TYPE @extschema@.tobit_fit
    ADD ATTRIBUTE omitted bool[],
    ADD ATTRIBUTE message text,
    ADD ATTRIBUTE wald_chi2 float8, ADD ATTRIBUTE wald_df int, ADD ATTRIBUTE wald_p float8,
    ADD ATTRIBUTE obs_min int, ADD ATTRIBUTE obs_mean float8, ADD ATTRIBUTE obs_max int;

-- Functions whose 0.2.0 form has more arguments or more result columns
-- cannot be replaced in place (PostgreSQL cannot change a function's result
-- type, and views made with 0.1.0 depend on them). The 0.1.0 functions are
-- renamed to their deprecated _0_1 names, which 0.2.0 keeps (with the same
-- C symbols), so such views keep working and still dump and restore; the
-- 0.2.0 forms are then created under the plain names.
ALTER FUNCTION @extschema@.local_moran(bigint[], float8[], regclass, int, bigint, text) RENAME TO local_moran_0_1;
ALTER FUNCTION @extschema@.tobit_coefficients(@extschema@.tobit_fit, text) RENAME TO tobit_coefficients_0_1;
ALTER FUNCTION @extschema@.tobit_summary(@extschema@.tobit_fit) RENAME TO tobit_summary_0_1;

-- Everything else: 0.2.0's definitions, created or replaced.
