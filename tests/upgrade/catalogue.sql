-- The extension's catalogue, for comparing an updated database with a fresh
-- install (scripts/test-upgrade.sh): one line per fact.
WITH ext AS (SELECT oid FROM pg_extension WHERE extname = 'regecon'),
members AS (SELECT d.classid, d.objid FROM pg_depend d, ext WHERE d.refobjid = ext.oid AND d.deptype = 'e')
SELECT 'function ' || p.oid::regprocedure::text || ' -> ' || pg_get_function_result(p.oid)
       || ' | ' || pg_get_function_arguments(p.oid)
       || ' | ' || p.prokind::text || p.provolatile::text || p.proparallel::text || p.proisstrict::text || p.prosecdef::text
       || ' | ' || p.prolang::regproc::text || coalesce(' | config ' || array_to_string(p.proconfig, ','), '')
       || ' | ' || md5(p.prosrc) || ' | ' || coalesce(p.probin, '')
       || ' | ' || coalesce(obj_description(p.oid, 'pg_proc'), '(no comment)')
FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
UNION ALL
SELECT 'aggregate ' || a.aggfnoid::regprocedure::text || ' sfunc ' || a.aggtransfn::regprocedure::text
       || ' final ' || a.aggfinalfn::regprocedure::text || ' combine ' || a.aggcombinefn::regprocedure::text
       || ' serial ' || a.aggserialfn::regprocedure::text || ' deserial ' || a.aggdeserialfn::regprocedure::text
       || ' stype ' || a.aggtranstype::regtype::text || ' modify ' || a.aggfinalmodify::text
FROM members m JOIN pg_aggregate a ON m.classid = 'pg_proc'::regclass AND a.aggfnoid = m.objid
UNION ALL
SELECT 'type ' || t.oid::regtype::text || ' ' || coalesce(obj_description(t.oid, 'pg_type'), '(no comment)') || ' | '
       || (SELECT string_agg(att.attname || ' ' || format_type(att.atttypid, att.atttypmod)
                             || coalesce(' (' || col_description(att.attrelid, att.attnum) || ')', ''), ', ' ORDER BY att.attnum)
           FROM pg_attribute att WHERE att.attrelid = t.typrelid AND att.attnum > 0 AND NOT att.attisdropped)
FROM members m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
UNION ALL
SELECT 'schema ' || n.nspname || ' ' || coalesce(obj_description(n.oid, 'pg_namespace'), '(no comment)')
       || ' | owner ' || pg_get_userbyid(n.nspowner) || ' | acl ' || coalesce(n.nspacl::text, '(default)')
FROM members m JOIN pg_namespace n ON m.classid = 'pg_namespace'::regclass AND n.oid = m.objid
ORDER BY 1;
