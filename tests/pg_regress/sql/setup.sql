-- Runs first: the extension, and a helper that shows the SQLSTATE and message
-- of a failing statement on one line (so expected files pin the SQLSTATE).
CREATE EXTENSION regecon;
CREATE FUNCTION sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
-- max relative error of got against want over a set, NULL-safe
CREATE FUNCTION rel_err(got float8, want float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN want = 0 THEN abs(got) ELSE abs(got - want) / abs(want) END
$$;
-- number of partial (parallel worker) aggregate nodes in the plan of a query
CREATE FUNCTION partial_aggs(q text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE line text; n int := 0;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
        IF line ~ 'Partial (Hash|Group)?Aggregate' THEN n := n + 1; END IF;
    END LOOP;
    RETURN n;
END $$;
