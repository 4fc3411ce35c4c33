-- coupling_degree: hand-worked. U1 = 0.25, U2 = 1: C = 0.8, T = 0.625, D = sqrt(0.5)
SELECT coupling_degree(0.25, 1) AS d, sqrt(0.5::float8) AS sqrt_half,
       coupling_degree(0.36, 0.36) AS d_equal,          -- C = 1, D = sqrt(0.36)
       coupling_degree(0, 0.7) AS d_one_zero,           -- C = 0
       coupling_degree(0, 0) AS d_undefined,            -- C = 0/0: NULL
       coupling_degree(NULL, 0.5) IS NULL AS strict;
SELECT coupling_degree(0.25, 1, 0.25, 0.75) AS d_weighted;   -- sqrt(0.8 * 0.8125)
SELECT (coupling_coordination(ARRAY[0.25, 1])).*;
SELECT (coupling_coordination(ARRAY[0.5, 0.5, 0.5])).*;
SELECT (coupling_coordination(ARRAY[0.2, 0.4, 0.8], ARRAY[0.5, 0.25, 0.25])).*;
SELECT coupling_coordination(ARRAY[0, 0]) AS undefined;
SELECT sqlstate_of($$SELECT coupling_degree(1.5, 0.2)$$);
SELECT sqlstate_of($$SELECT coupling_degree(0.5, -0.1)$$);
SELECT sqlstate_of($$SELECT coupling_degree(0.5, 'NaN')$$);
SELECT sqlstate_of($$SELECT coupling_degree(0.5, 0.5, 0.6, 0.6)$$);
SELECT sqlstate_of($$SELECT coupling_coordination(ARRAY[0.5])$$);
SELECT sqlstate_of($$SELECT coupling_coordination(ARRAY[0.5, 0.5], ARRAY[1.0])$$);
SELECT sqlstate_of($$SELECT coupling_coordination(ARRAY[0.5, 0.5], ARRAY[0.7, 0.7])$$);
SELECT sqlstate_of($$SELECT coupling_coordination(ARRAY[0.5, NULL])$$);

-- coupling_class: the paper's classes and user classes
SELECT d, coupling_class(d) FROM unnest(ARRAY[0, 0.2999999, 0.3, 0.49, 0.5, 1]::float8[]) d;
SELECT coupling_class(0.45, ARRAY[0.2, 0.4, 0.6], ARRAY['I', 'II', 'III', 'IV']) AS custom,
       coupling_class(NULL) IS NULL AS strict;
SELECT sqlstate_of($$SELECT coupling_class(1.01)$$);
SELECT sqlstate_of($$SELECT coupling_class(0.5, ARRAY[0.2, 0.4], ARRAY['a', 'b'])$$);
SELECT sqlstate_of($$SELECT coupling_class(0.5, ARRAY[0.4, 0.2], ARRAY['a', 'b', 'c'])$$);
SELECT sqlstate_of($$SELECT coupling_class(0.5, ARRAY[0.4], ARRAY['a', NULL])$$);

-- min_max_scale
SELECT min_max_scale(3, 1, 5) AS half, min_max_scale(-0.2, -0.4, 0) AS half_negative;
SELECT sqlstate_of($$SELECT min_max_scale(1, 2, 2)$$);
SELECT sqlstate_of($$SELECT min_max_scale(1, 3, 2)$$);

-- Against the independent 60-digit reference
\set fx `cat tests/fixtures/foundation/foundation.json`
SELECT 'coupling2' AS measure, count(*) AS cases,
       max(rel_err(coupling_degree((c->>'u1')::float8, (c->>'u2')::float8, (c->>'a')::float8, (c->>'b')::float8),
                   (c->>'d')::float8)) < 1e-12 AS within_1e_12
FROM jsonb_array_elements(:'fx'::jsonb -> 'coupling2') c
UNION ALL
SELECT 'coupling_m', count(*),
       max(greatest(rel_err(r.c, (x->>'c')::float8), rel_err(r.t, (x->>'t')::float8),
                    rel_err(r.d, (x->>'d')::float8))) < 1e-12
FROM jsonb_array_elements(:'fx'::jsonb -> 'coupling_m') x,
     coupling_coordination(ARRAY(SELECT jsonb_array_elements_text(x->'u')::float8),
                           CASE WHEN jsonb_typeof(x->'w') = 'array'
                                THEN ARRAY(SELECT jsonb_array_elements_text(x->'w')::float8) END) r;
