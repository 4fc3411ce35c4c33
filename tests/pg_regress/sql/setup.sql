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
