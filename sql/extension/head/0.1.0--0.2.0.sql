-- regecon 0.1.0 -> 0.2.0: the hand-written part of the upgrade script.
-- scripts/sql-scripts.py appends 0.2.0's install script to it, with every
-- CREATE FUNCTION and CREATE AGGREGATE made CREATE OR REPLACE and the
-- CREATE TYPEs left out (altered here instead), and writes the result to
-- sql/extension/regecon--0.1.0--0.2.0.sql. Policy: docs/versions.md.
\echo Use "ALTER EXTENSION regecon UPDATE TO '0.2.0'" to load this file. \quit

-- "0.1.0" names two surfaces: the 0.1.0 release, and main as it was between
-- 0.1.0 and 0.2.0 (it still called itself 0.1.0 and already had some of
-- 0.2.0's fields and functions). Each step below therefore looks at the
-- catalogue first and does only what the database lacks.

-- Result types: 0.2.0 appends fields. ADD ATTRIBUTE keeps every stored value
-- (the new fields read as NULL in values stored before) and every view.
DO $head$
DECLARE
    f record;
BEGIN
    FOR f IN SELECT v.typ, v.field, v.ftype, v.ord FROM (VALUES
        ('moran_result', 'absent_units', 'int', 1), ('moran_result', 'dropped_links', 'int', 2),
        ('geary_result', 'absent_units', 'int', 1), ('geary_result', 'dropped_links', 'int', 2),
        ('getis_ord_result', 'absent_units', 'int', 1), ('getis_ord_result', 'dropped_links', 'int', 2),
        ('bivariate_moran_result', 'absent_units', 'int', 1), ('bivariate_moran_result', 'dropped_links', 'int', 2),
        ('tobit_fit', 'omitted', 'bool[]', 1), ('tobit_fit', 'message', 'text', 2),
        ('tobit_fit', 'wald_chi2', 'float8', 3), ('tobit_fit', 'wald_df', 'int', 4),
        ('tobit_fit', 'wald_p', 'float8', 5), ('tobit_fit', 'obs_min', 'int', 6),
        ('tobit_fit', 'obs_mean', 'float8', 7), ('tobit_fit', 'obs_max', 'int', 8)) v(typ, field, ftype, ord)
    ORDER BY v.typ, v.ord
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                       JOIN pg_catalog.pg_type t ON t.typrelid = a.attrelid
                       WHERE t.oid = pg_catalog.to_regtype('@extschema@.' || f.typ)
                         AND a.attname = f.field AND NOT a.attisdropped) THEN
            EXECUTE pg_catalog.format('ALTER TYPE %s ADD ATTRIBUTE %I %s',
                                      pg_catalog.to_regtype('@extschema@.' || f.typ), f.field, f.ftype);
        END IF;
    END LOOP;
END
$head$;

-- Functions whose 0.2.0 form has more arguments or more result columns
-- cannot be replaced in place (PostgreSQL cannot change a function's result
-- type, and views depend on the function's identity). The 0.1.0 functions
-- are renamed to their deprecated _0_1 names, which 0.2.0 keeps (with the
-- same C symbols), so such views keep working and still dump and restore;
-- the 0.2.0 forms are then created under the plain names. A database that
-- already has a 0.2.0 form keeps it.
DO $head$
BEGIN
    IF pg_catalog.to_regprocedure('@extschema@.local_moran(bigint[], float8[], regclass, int, bigint, text)') IS NOT NULL THEN
        ALTER FUNCTION @extschema@.local_moran(bigint[], float8[], regclass, int, bigint, text) RENAME TO local_moran_0_1;
    END IF;
    IF pg_catalog.to_regprocedure('@extschema@.tobit_coefficients(@extschema@.tobit_fit, text)') IS NOT NULL THEN
        ALTER FUNCTION @extschema@.tobit_coefficients(@extschema@.tobit_fit, text) RENAME TO tobit_coefficients_0_1;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_proc
                   WHERE oid = pg_catalog.to_regprocedure('@extschema@.tobit_summary(@extschema@.tobit_fit)')
                     AND 'wald_chi2' = ANY (proargnames)) THEN
        ALTER FUNCTION @extschema@.tobit_summary(@extschema@.tobit_fit) RENAME TO tobit_summary_0_1;
    END IF;
END
$head$;

-- The aggregates' support functions move to a schema of their own (0.2.0's
-- install script creates it first). The aggregates keep calling them: they
-- refer to them by oid.
CREATE SCHEMA regecon_internal;
DO $head$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
             JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
             JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'regecon'
             WHERE p.pronamespace = e.extnamespace
               AND p.proname ~ '_(trans|final|combine|serialize|deserialize)$'
    LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET SCHEMA regecon_internal', f);
    END LOOP;
END
$head$;

-- Everything else: 0.2.0's definitions, created or replaced.
