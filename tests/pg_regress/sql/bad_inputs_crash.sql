-- Bad inputs that crashed the server (SIGSEGV, or SIGABRT from a Rust panic
-- that cannot unwind or an allocation failure) when bad_inputs.sql was
-- written. Each case runs in a session of its own through
-- scripts/regress-isolated.sh, which waits for the server to accept
-- connections before and after it: this file's own session issues no query,
-- so a crash neither ends the file nor hides the later cases. A crash shows
-- as "server closed the connection unexpectedly"; a fixed case shows its
-- SQLSTATE or its result. scripts/test-sql.sh runs this file last.
\setenv PGDATABASE :DBNAME
-- panel_tobit, NULL y in the first row of the group (the brief's repro; pooled)
\! scripts/regress-isolated.sh "SELECT panel_tobit(y, ARRAY[x], unit, 0, 1, 'pooled') IS NULL FROM (VALUES (NULL::float8, 0.1::float8, 1::bigint), (0.5, 0.2, 1)) v(y, x, unit)"
-- panel_tobit, NULL x array in the first row (random effects)
\! scripts/regress-isolated.sh "SELECT panel_tobit(y, x, unit, 0, 1, 're') IS NULL FROM (VALUES (0.3::float8, NULL::float8[], 1::bigint), (0.5, ARRAY[0.2], 1), (0.7, ARRAY[0.4], 2)) v(y, x, unit)"
-- panel_tobit, NULL unit in the first row (fixed effects)
\! scripts/regress-isolated.sh "SELECT panel_tobit(y, ARRAY[x], unit, 0, 1, 'fe') IS NULL FROM (VALUES (0.3::float8, 0.1::float8, NULL::bigint), (0.5, 0.2, 1), (0.7, 0.4, 2)) v(y, x, unit)"
-- panel_tobit with names, NULL y in the first row, then valid rows
\! scripts/regress-isolated.sh "SELECT panel_tobit(y, ARRAY[x], unit, 0, 1, 'pooled', ARRAY['x']) IS NULL FROM (VALUES (NULL::float8, 0.1::float8, 1::bigint), (0.5, 0.2, 1), (0.6, 0.3, 2)) v(y, x, unit)"
-- panel_tobit, a group of one row whose y is NULL (XX000 'initialized state' when written)
\! scripts/regress-isolated.sh "SELECT panel_tobit(y, ARRAY[x], unit, 0, 1, 'pooled', ARRAY['x']) IS NULL FROM (VALUES (NULL::float8, 0.1::float8, 1::bigint)) v(y, x, unit)"
-- panel_tobit as a window function, NULL y in the first row (XX000 when written)
\! scripts/regress-isolated.sh "SELECT panel_tobit(y, ARRAY[x], unit, 0, 1, 'pooled') OVER (ORDER BY k) IS NULL FROM (VALUES (1, NULL::float8, 0.1::float8, 1::bigint), (2, 0.5, 0.2, 1), (3, 0.6, 0.3, 2)) v(k, y, x, unit)"
-- panel_tobit, NULL y in the first row of the second group of a GROUP BY
\! scripts/regress-isolated.sh "SELECT g, panel_tobit(y, ARRAY[x], unit, 0, 1, 'pooled') IS NULL FROM (VALUES (1, 0.3::float8, 0.1::float8, 1::bigint), (1, 0.5, 0.2, 1), (2, NULL, 0.2, 1), (2, 0.5, 0.3, 1)) v(g, y, x, unit) GROUP BY g ORDER BY g"
-- read_gal, a header that lies: 99999999999 units (an 800 GB allocation), then one unit
\! scripts/regress-isolated.sh "SELECT * FROM read_gal(E'99999999999\n1 1\n2\n')"
-- read_gal, header 2^32
\! scripts/regress-isolated.sh "SELECT * FROM read_gal(E'4294967296\n1 1\n2\n')"
-- read_gal, GeoDa's 4-field header with a lying unit count
\! scripts/regress-isolated.sh "SELECT * FROM read_gal(E'0 99999999999 layer id\n1 1\n2\n')"
-- a C symbol older releases bound to other argument lists (src/compat.rs),
-- declared by a superuser with a count it does not serve: 22023, no call
\! scripts/regress-isolated.sh "CREATE FUNCTION pg_temp.lm7(bigint[], float8[], regclass, int, bigint, text, float8) RETURNS SETOF record AS '\$libdir/regecon', 'local_moran_wrapper' LANGUAGE c STRICT; SELECT * FROM pg_temp.lm7('{1}', '{1}', 'pg_class', 0, 0, 'r', 0.05) AS t(id bigint)"
\! scripts/regress-isolated.sh "CREATE FUNCTION pg_temp.tc1(int) RETURNS SETOF record AS '\$libdir/regecon', 'tobit_coefficients_wrapper' LANGUAGE c STRICT; SELECT * FROM pg_temp.tc1(1) AS t(term text)"
