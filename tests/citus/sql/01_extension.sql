-- regecon on a Citus cluster that scripts/test-citus.sh made: a coordinator and
-- two workers, each with CREATE EXTENSION citus, on unix sockets.
SELECT count(*) AS workers FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary';
-- CREATE EXTENSION on the coordinator reaches the workers
CREATE EXTENSION regecon;
SELECT extversion = (SELECT default_version FROM pg_available_extensions WHERE name = 'regecon') AS current
FROM pg_extension WHERE extname = 'regecon';
SELECT success, result = (SELECT extversion FROM pg_extension WHERE extname = 'regecon') AS same_version
FROM run_command_on_workers($$SELECT extversion FROM pg_extension WHERE extname = 'regecon'$$);
-- and so do the functions: a scalar function runs on every worker
SELECT success, result FROM run_command_on_workers($$SELECT location_quotient(2, 4, 10, 40)$$);

-- Helpers of these tests.
-- The SQLSTATE and message of a failing statement on one line, with the numbers
-- that differ between runs (OIDs, shard ids) replaced by N.
CREATE FUNCTION error_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || regexp_replace(SQLERRM, '[0-9]{4,}', 'N', 'g');
END $$;
-- The plan of a query as EXPLAIN (VERBOSE, COSTS OFF) prints it, without the
-- worker's address and with shard ids and oids replaced by N.
CREATE FUNCTION citus_plan(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP
        CONTINUE WHEN line ~ 'Node: host=';
        RETURN NEXT regexp_replace(regexp_replace(line, '_[0-9]{6,}', '_N', 'g'), '''[0-9]+''::oid', '''N''::oid', 'g');
    END LOOP;
END $$;
-- Where Citus runs the aggregate agg of a query, read from its plan:
--   pushed down   the whole aggregate runs on the shards (the coordinator only
--                 concatenates the groups)
--   partial       the shards compute partial states, the coordinator combines
--                 them (built-ins, or worker_partial_agg / coord_combine_agg)
--   pulled        the shards send every row, the coordinator aggregates
CREATE FUNCTION citus_strategy(q text, agg text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE line text; above_scan bool := true; coord_agg bool := false; worker_agg bool := false;
        worker_query text := '';
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP
        IF line ~ 'Custom Scan \(Citus' THEN above_scan := false; END IF;
        IF above_scan AND line ~ 'Aggregate' THEN coord_agg := true; END IF;
        IF line ~ '^\s+Query: ' THEN worker_query := worker_query || line; END IF;
    END LOOP;
    worker_agg := worker_query ~ ('\m' || agg || '\(');
    RETURN CASE
        WHEN worker_query ~ 'worker_partial_agg' THEN 'partial (worker_partial_agg)'
        WHEN NOT coord_agg AND worker_agg THEN 'pushed down'
        WHEN coord_agg AND worker_agg THEN 'partial'
        WHEN coord_agg THEN 'pulled to the coordinator'
        ELSE 'unknown' END;
END $$;
