-- regecon 0.2.0 to 0.3.0: the hand-written head of the upgrade script
-- (docs/versions.md). Everything 0.3.0 adds is created by the generated body
-- below (CREATE OR REPLACE): no type gains fields, no function changes its
-- arguments or result columns.
--   - panel_tobit(y, x, unit, lower, upper, model, names, quadrature,
--     quadrature_points), bigint and text units: the random-effects
--     quadrature as arguments, with transition functions of 10 arguments
--     bound to the same C symbols (which dispatch on the argument count).
\echo Use "ALTER EXTENSION regecon UPDATE TO '0.3.0'" to load this file. \quit
