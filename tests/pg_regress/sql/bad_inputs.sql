-- Bad inputs: every user-facing function and aggregate of regecon with
-- hostile arguments. Each case is preceded by a comment saying what it
-- probes; psql prints only the SQLSTATE of an error (VERBOSITY sqlstate), so
-- this file pins the SQLSTATE of every case. Nothing here may crash the
-- server or give XX000; results must not hold NaN or Infinity from finite
-- inputs. Cases that crashed the server when written are in
-- bad_inputs_crash.sql (run last, each in its own session).
\set VERBOSITY sqlstate
SET client_min_messages = warning;
-- fixtures: a ring of six units, values, a small panel, hostile weights relations
CREATE TABLE bi_w AS
  SELECT i::bigint AS src, (((i - 1 + o + 6) % 6) + 1)::bigint AS dst, 1.0::float8 AS weight
  FROM generate_series(1, 6) i, unnest(ARRAY[-1, 1]) o;
CREATE TABLE bi_v AS
  SELECT i::bigint AS id, (ARRAY[1, 2, 4, 3, 6, 5])[i]::float8 AS value,
         (ARRAY[2, 1, 3, 5, 4, 6])[i]::float8 AS y
  FROM generate_series(1, 6) i;
CREATE VIEW bi_w_view AS SELECT src, dst, weight FROM bi_w;
CREATE TABLE bi_w_nullsrc AS SELECT * FROM bi_w UNION ALL VALUES (NULL::bigint, 1::bigint, 1::float8);
CREATE TABLE bi_w_nulldst AS SELECT * FROM bi_w UNION ALL VALUES (1::bigint, NULL::bigint, 1::float8);
CREATE TABLE bi_w_nullw AS SELECT * FROM bi_w UNION ALL VALUES (1::bigint, 4::bigint, NULL::float8);
CREATE TABLE bi_w_wrongcols AS SELECT src AS a, dst AS b, weight AS c FROM bi_w;
CREATE TABLE bi_w_textcols AS SELECT src::text AS src, dst::text AS dst, weight::text AS weight FROM bi_w
  UNION ALL VALUES ('x', '1', 'NaN');
CREATE TABLE bi_w_nan AS SELECT src, dst, CASE WHEN src = 2 THEN 'NaN'::float8 ELSE weight END AS weight FROM bi_w;
CREATE TABLE bi_w_inf AS SELECT src, dst, CASE WHEN src = 2 THEN 'Infinity'::float8 ELSE weight END AS weight FROM bi_w;
CREATE TABLE bi_w_neg AS SELECT src, dst, -weight AS weight FROM bi_w;
CREATE TABLE bi_w_zero AS SELECT src, dst, 0::float8 AS weight FROM bi_w;
CREATE TABLE bi_w_big AS SELECT src, dst, 1e308::float8 AS weight FROM bi_w;
CREATE TABLE bi_w_tiny AS SELECT src, dst, 1e-310::float8 AS weight FROM bi_w;
CREATE TABLE bi_w_self AS SELECT * FROM bi_w UNION ALL VALUES (1::bigint, 1::bigint, 1::float8);
CREATE TABLE bi_w_dup AS SELECT * FROM bi_w UNION ALL SELECT * FROM bi_w WHERE src = 1;
CREATE TABLE bi_w_empty (src bigint, dst bigint, weight float8);
CREATE TABLE bi_w_stranger AS SELECT * FROM bi_w UNION ALL VALUES (1::bigint, 99::bigint, 1::float8);
CREATE TABLE bi_w_hugeid AS SELECT * FROM bi_w
  UNION ALL VALUES (9223372036854775807::bigint, (-9223372036854775807 - 1)::bigint, 1::float8);
CREATE TABLE bi_w_bigtext (src text, dst text, weight text);
INSERT INTO bi_w_bigtext VALUES ('99999999999999999999', '1', '1');
CREATE TABLE bi_dropped (src bigint, dst bigint, weight float8);
SELECT 'bi_dropped'::regclass::oid AS dropped_oid \gset
DROP TABLE bi_dropped;
CREATE TABLE bi_panel AS
SELECT g AS id, (g % 8)::bigint AS unit, x1, x2,
       greatest(0, least(1, 0.2 + 0.5 * x1 - 0.3 * x2 + 0.08 * ((g % 8) - 3.5) + 0.12 * sin(g * 7.3)))::float8 AS d
FROM (SELECT g, (((g % 11) + (g % 8)) / 15.0)::float8 AS x1, ((g % 7) / 6.0)::float8 AS x2
      FROM generate_series(1, 200) g) s;
CREATE TABLE bi_fits AS
SELECT m AS model, (SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, m) FROM bi_panel) AS fit
FROM unnest(ARRAY['pooled', 're', 'fe']) m;
SELECT model, (fit).converged FROM bi_fits ORDER BY model;
--
-- the catalogue: every function of the extension (the cases below cover each user-facing one)
SELECT count(*) FILTER (WHERE p.prokind = 'a') AS aggregates,
       count(*) FILTER (WHERE p.prokind = 'f' AND p.pronamespace <> 'regecon_internal'::regnamespace) AS user_functions,
       count(*) FILTER (WHERE p.pronamespace = 'regecon_internal'::regnamespace) AS support_functions
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid WHERE e.extname = 'regecon';
--
-- ===================== martin_resilience(y_t, y_base, ref_t, ref_base)
-- NULL in each argument position (STRICT: NULL)
SELECT martin_resilience(NULL, 100, 900, 1000);
SELECT martin_resilience(95, NULL, 900, 1000);
SELECT martin_resilience(95, 100, NULL, 1000);
SELECT martin_resilience(95, 100, 900, NULL);
-- NaN, +Infinity, -Infinity input
SELECT martin_resilience('NaN', 100, 900, 1000);
SELECT martin_resilience(95, 'Infinity', 900, 1000);
SELECT martin_resilience(95, 100, '-Infinity', 1000);
-- a quotient that overflows: huge growth over tiny reference growth
SELECT martin_resilience(1e308, 1e-300, 1000.0000000001, 1000);
-- subnormal base
SELECT martin_resilience(1, 1e-310, 900, 1000);
-- negative zero base
SELECT martin_resilience(1, '-0', 900, 1000);
-- zero reference growth
SELECT martin_resilience(1, 2, 5, 5);
-- negative base
SELECT martin_resilience(1, -2, 900, 1000);
-- both extremes: 1e308 everywhere
SELECT martin_resilience(1e308, 1e308, -1e308, 1e308);
--
-- ===================== martin_resilience_agg(e_t, e_base, ref_t, ref_base)
-- NULL in the first row (skipped)
SELECT martin_resilience_agg(a, b, c, d) FROM (VALUES (NULL::float8, 100::float8, 1100::float8, 1000::float8), (45, 50, 450, 500)) v(a, b, c, d);
-- NULL in the middle row
SELECT martin_resilience_agg(a, b, c, d) FROM (VALUES (120::float8, 100::float8, 1100::float8, 1000::float8), (45, NULL, 450, 500), (45, 50, 450, 500)) v(a, b, c, d);
-- NULL in the last row
SELECT martin_resilience_agg(a, b, c, d) FROM (VALUES (120::float8, 100::float8, 1100::float8, 1000::float8), (45, 50, 450, NULL)) v(a, b, c, d);
-- every row NULL (empty group: NULL)
SELECT martin_resilience_agg(a, b, c, d) FROM (VALUES (NULL::float8, 1::float8, 1::float8, 1::float8), (1, 1, NULL, 1)) v(a, b, c, d);
-- empty group
SELECT martin_resilience_agg(1, 1, 1, 1) WHERE false;
-- NaN employment
SELECT martin_resilience_agg(a, b, c, d) FROM (VALUES ('NaN'::float8, 100::float8, 1100::float8, 1000::float8)) v(a, b, c, d);
-- infinite reference
SELECT martin_resilience_agg(a, b, c, d) FROM (VALUES (120::float8, 100::float8, 'Infinity'::float8, 1000::float8)) v(a, b, c, d);
-- zero ref_base
SELECT martin_resilience_agg(a, b, c, d) FROM (VALUES (120::float8, 100::float8, 1100::float8, 0::float8)) v(a, b, c, d);
-- total expected change zero
SELECT martin_resilience_agg(a, b, c, d) FROM (VALUES (120::float8, 100::float8, 1100::float8, 1000::float8), (45, 100, 900, 1000)) v(a, b, c, d);
-- sums that overflow (1e308 twice)
SELECT martin_resilience_agg(a, b, c, d) FROM (VALUES (1e308::float8, 1::float8, 1100::float8, 1000::float8), (1e308, 1, 1100, 1000)) v(a, b, c, d);
-- subnormal employment
SELECT martin_resilience_agg(a, b, c, d) FROM (VALUES (1e-310::float8, 1e-310::float8, 1100::float8, 1000::float8)) v(a, b, c, d);
-- as a window function with a moving frame
SELECT martin_resilience_agg(a, b, c, d) OVER (ORDER BY a ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM (VALUES (120::float8, 100::float8, 1100::float8, 1000::float8), (45, 50, 450, 500), (110, 100, 1050, 1000)) v(a, b, c, d);
--
-- ===================== hhi_agg(value), hhi_normalized_agg(value)
-- NULL first, middle, last row (skipped)
SELECT hhi_agg(v) FROM (VALUES (NULL::float8), (1), (1)) t(v);
SELECT hhi_agg(v) FROM (VALUES (1::float8), (NULL), (1)) t(v);
SELECT hhi_agg(v) FROM (VALUES (1::float8), (1), (NULL)) t(v);
-- only NULLs: NULL
SELECT hhi_agg(v) FROM (VALUES (NULL::float8), (NULL)) t(v);
-- all zero
SELECT hhi_agg(v) FROM (VALUES (0::float8), ('-0')) t(v);
-- negative, NaN, +Infinity
SELECT hhi_agg(v) FROM (VALUES (1::float8), (-1)) t(v);
SELECT hhi_agg(v) FROM (VALUES (1::float8), ('NaN')) t(v);
SELECT hhi_agg(v) FROM (VALUES (1::float8), ('Infinity')) t(v);
-- 1e308: squares overflow
SELECT hhi_agg(v) FROM (VALUES (1e308::float8), (1e308)) t(v);
-- subnormal values: squares underflow to zero
SELECT hhi_agg(v) FROM (VALUES (1e-310::float8), (1e-310)) t(v);
-- largest and smallest together
SELECT hhi_agg(v) FROM (VALUES (1.7976931348623157e308::float8), (4.9e-324)) t(v);
-- normalised HHI of one row: NULL
SELECT hhi_normalized_agg(v) FROM (VALUES (5::float8)) t(v);
-- normalised HHI with NULL first and last
SELECT hhi_normalized_agg(v) FROM (VALUES (NULL::float8), (1), (3), (NULL)) t(v);
-- normalised HHI overflow and underflow
SELECT hhi_normalized_agg(v) FROM (VALUES (1e308::float8), (1e308), (1)) t(v);
SELECT hhi_normalized_agg(v) FROM (VALUES (1e-310::float8), (1e-310), (1e-310)) t(v);
-- normalised HHI, NaN
SELECT hhi_normalized_agg(v) FROM (VALUES ('NaN'::float8), (1)) t(v);
--
-- ===================== hhi_agg(value, total)
-- NULL value, NULL total (rows skipped)
SELECT hhi_agg(v, t) FROM (VALUES (NULL::float8, 10::float8), (5, 10)) s(v, t);
SELECT hhi_agg(v, t) FROM (VALUES (5::float8, 10::float8), (5, NULL)) s(v, t);
-- total zero, negative total
SELECT hhi_agg(v, t) FROM (VALUES (5::float8, 0::float8)) s(v, t);
SELECT hhi_agg(v, t) FROM (VALUES (5::float8, -10::float8)) s(v, t);
-- subnormal total: v / total overflows
SELECT hhi_agg(v, t) FROM (VALUES (5::float8, 1e-310::float8)) s(v, t);
-- NaN total, infinite value
SELECT hhi_agg(v, t) FROM (VALUES (5::float8, 'NaN'::float8)) s(v, t);
SELECT hhi_agg(v, t) FROM (VALUES ('Infinity'::float8, 10::float8)) s(v, t);
-- huge shares summed
SELECT hhi_agg(v, t) FROM (VALUES (1e308::float8, 1::float8), (1e308, 1)) s(v, t);
--
-- ===================== location_quotient(l_ij, l_i, l_j, l)
-- NULL in each position
SELECT location_quotient(NULL, 100, 1000, 10000);
SELECT location_quotient(30, NULL, 1000, 10000);
SELECT location_quotient(30, 100, NULL, 10000);
SELECT location_quotient(30, 100, 1000, NULL);
-- zeros
SELECT location_quotient(30, 0, 1000, 10000);
SELECT location_quotient(30, 100, 0, 10000);
SELECT location_quotient(0, 100, 1000, 0);
-- NaN, Infinity, negative
SELECT location_quotient('NaN', 100, 1000, 10000);
SELECT location_quotient(30, 'Infinity', 1000, 10000);
SELECT location_quotient(30, 100, -1000, 10000);
-- overflow and underflow of the quotient
SELECT location_quotient(1e308, 1e-308, 1e-308, 1e308);
SELECT location_quotient(1e-310, 1e308, 1e308, 1e-310);
--
-- ===================== spatial_gini_agg(l_ij, l_i), krugman_index_agg(l_ij, l_j)
-- NULL first, middle, last row
SELECT spatial_gini_agg(a, b) FROM (VALUES (NULL::float8, 50::float8), (10, 50), (0, 50)) v(a, b);
SELECT spatial_gini_agg(a, b) FROM (VALUES (10::float8, 50::float8), (1, NULL), (0, 50)) v(a, b);
SELECT spatial_gini_agg(a, b) FROM (VALUES (10::float8, 50::float8), (0, 50), (NULL, NULL)) v(a, b);
-- a column summing to zero
SELECT spatial_gini_agg(a, b) FROM (VALUES (0::float8, 50::float8), (0, 50)) v(a, b);
-- NaN, Infinity, negative
SELECT spatial_gini_agg(a, b) FROM (VALUES ('NaN'::float8, 50::float8), (1, 50)) v(a, b);
SELECT spatial_gini_agg(a, b) FROM (VALUES (1::float8, 'Infinity'::float8), (1, 50)) v(a, b);
SELECT spatial_gini_agg(a, b) FROM (VALUES (-1::float8, 50::float8), (1, 50)) v(a, b);
-- sums that overflow, subnormal sums
SELECT spatial_gini_agg(a, b) FROM (VALUES (1e308::float8, 1::float8), (1e308, 1)) v(a, b);
SELECT spatial_gini_agg(a, b) FROM (VALUES (1e-310::float8, 1e-310::float8), (1e-310, 2e-310)) v(a, b);
-- empty group
SELECT spatial_gini_agg(a, b) FROM (VALUES (1::float8, 1::float8)) v(a, b) WHERE false;
-- krugman: NULL first, middle, last row
SELECT krugman_index_agg(a, b) FROM (VALUES (NULL::float8, 5::float8), (7, 5), (0, 5)) v(a, b);
SELECT krugman_index_agg(a, b) FROM (VALUES (7::float8, 5::float8), (NULL, 5), (0, 5)) v(a, b);
SELECT krugman_index_agg(a, b) FROM (VALUES (7::float8, 5::float8), (0, 5), (3, NULL)) v(a, b);
-- krugman: zero column, NaN, negative, overflow, subnormal
SELECT krugman_index_agg(a, b) FROM (VALUES (0::float8, 5::float8), (0, 5)) v(a, b);
SELECT krugman_index_agg(a, b) FROM (VALUES ('NaN'::float8, 5::float8), (1, 5)) v(a, b);
SELECT krugman_index_agg(a, b) FROM (VALUES (1::float8, -5::float8), (1, 5)) v(a, b);
SELECT krugman_index_agg(a, b) FROM (VALUES (1e308::float8, 1e308::float8), (1e308, 1e308)) v(a, b);
SELECT krugman_index_agg(a, b) FROM (VALUES (1e-310::float8, 1e-310::float8), (1e-310, 3e-310)) v(a, b);
--
-- ===================== edi(emission, total_emission, output, total_output)
-- NULL in each position
SELECT edi(NULL, 100, 5, 50);
SELECT edi(20, NULL, 5, 50);
SELECT edi(20, 100, NULL, 50);
SELECT edi(20, 100, 5, NULL);
-- zero totals and output
SELECT edi(20, 0, 5, 50);
SELECT edi(20, 100, 0, 50);
-- NaN, Infinity, negative
SELECT edi('NaN', 100, 5, 50);
SELECT edi(20, 100, 'Infinity', 50);
SELECT edi(20, -100, 5, 50);
-- quotient overflow
SELECT edi(1e308, 1e-308, 1e-308, 1e308);
--
-- ===================== cedi_entropy(edi[]), indicator_entropy(edi[])
-- a NULL array in the first, middle and last row (skipped)
SELECT cedi_entropy(e) FROM (VALUES (NULL::float8[]), (ARRAY[1, 2]), (ARRAY[2, 1]), (ARRAY[1, 1])) v(e);
SELECT cedi_entropy(e) FROM (VALUES (ARRAY[1, 2]::float8[]), (NULL), (ARRAY[2, 1]), (ARRAY[1, 1])) v(e);
SELECT cedi_entropy(e) FROM (VALUES (ARRAY[1, 2]::float8[]), (ARRAY[2, 1]), (ARRAY[1, 1]), (NULL)) v(e);
-- a NULL element in the first, middle and last row
SELECT cedi_entropy(e) FROM (VALUES (ARRAY[NULL, 2]::float8[]), (ARRAY[2, 1]), (ARRAY[1, 1])) v(e);
SELECT cedi_entropy(e) FROM (VALUES (ARRAY[1, 2]::float8[]), (ARRAY[2, NULL]), (ARRAY[1, 1])) v(e);
SELECT cedi_entropy(e) FROM (VALUES (ARRAY[1, 2]::float8[]), (ARRAY[2, 1]), (ARRAY[NULL, NULL]::float8[])) v(e);
-- empty arrays
SELECT cedi_entropy(e) FROM (VALUES ('{}'::float8[]), ('{}')) v(e);
-- arrays of different lengths
SELECT cedi_entropy(e) FROM (VALUES (ARRAY[1, 2]::float8[]), (ARRAY[1, 2, 3])) v(e);
-- a single region: NULL
SELECT cedi_entropy(e) FROM (VALUES (ARRAY[1, 2]::float8[])) v(e);
-- an indicator zero everywhere
SELECT cedi_entropy(e) FROM (VALUES (ARRAY[0, 2]::float8[]), (ARRAY[0, 1])) v(e);
-- every indicator constant
SELECT cedi_entropy(e) FROM (VALUES (ARRAY[1, 2]::float8[]), (ARRAY[1, 2])) v(e);
-- NaN, Infinity, negative elements
SELECT cedi_entropy(e) FROM (VALUES (ARRAY['NaN', 2]::float8[]), (ARRAY[1, 1])) v(e);
SELECT cedi_entropy(e) FROM (VALUES (ARRAY['Infinity', 2]::float8[]), (ARRAY[1, 1])) v(e);
SELECT cedi_entropy(e) FROM (VALUES (ARRAY[-1, 2]::float8[]), (ARRAY[1, 1])) v(e);
-- 1e308 elements: column sums overflow
SELECT cedi_entropy(e) FROM (VALUES (ARRAY[1e308, 2]::float8[]), (ARRAY[1e308, 1])) v(e);
-- subnormal elements
SELECT cedi_entropy(e) FROM (VALUES (ARRAY[1e-310, 2]::float8[]), (ARRAY[3e-310, 1])) v(e);
-- negative zero
SELECT cedi_entropy(e) FROM (VALUES (ARRAY['-0', 2]::float8[]), (ARRAY[1, 1])) v(e);
-- a two-dimensional array
SELECT cedi_entropy(e) FROM (VALUES ('{{1,2},{3,4}}'::float8[]), ('{{2,1},{1,1}}')) v(e);
-- a thousand indicators over three regions (finite weights, sum 1)
SELECT array_length(w, 1), round(s::numeric, 9) FROM (SELECT w, (SELECT sum(x) FROM unnest(w) x) s FROM (SELECT cedi_entropy(e) w FROM (SELECT r, array_agg(((g * r) % 7 + 1)::float8 ORDER BY g) e FROM generate_series(1, 3) r, generate_series(1, 1000) g GROUP BY r) a) b) c;
-- indicator_entropy: NULL element, mismatched lengths, single region, subnormal, overflow
SELECT indicator_entropy(e) FROM (VALUES (ARRAY[1, NULL]::float8[]), (ARRAY[2, 1])) v(e);
SELECT indicator_entropy(e) FROM (VALUES (ARRAY[1]::float8[]), (ARRAY[2, 1])) v(e);
SELECT indicator_entropy(e) FROM (VALUES (ARRAY[1, 2]::float8[])) v(e);
SELECT indicator_entropy(e) FROM (VALUES (ARRAY[1e-310, 4.9e-324]::float8[]), (ARRAY[2e-310, 4.9e-324])) v(e);
SELECT indicator_entropy(e) FROM (VALUES (ARRAY[1e308, 1]::float8[]), (ARRAY[1e308, 2])) v(e);
-- as a window function
SELECT indicator_entropy(e) OVER (ORDER BY k ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM (VALUES (1, ARRAY[1, 2]::float8[]), (2, ARRAY[2, 1]), (3, ARRAY[2, 1])) v(k, e);
--
-- ===================== cedi(edi[], weights[])
-- NULL arguments
SELECT cedi(NULL, ARRAY[0.5, 0.5]);
SELECT cedi(ARRAY[1, 2], NULL);
-- NULL element, empty arrays, different lengths
SELECT cedi(ARRAY[1, NULL], ARRAY[0.5, 0.5]);
SELECT cedi('{}', '{}');
SELECT cedi(ARRAY[1, 2, 3], ARRAY[0.5, 0.5]);
-- weights not summing to 1, NaN weight, Infinity value
SELECT cedi(ARRAY[1, 2], ARRAY[0.5, 0.6]);
SELECT cedi(ARRAY[1, 2], ARRAY['NaN', 1]::float8[]);
SELECT cedi(ARRAY['Infinity', 2]::float8[], ARRAY[0.5, 0.5]);
-- overflow of the weighted sum
SELECT cedi(ARRAY[1e308, 1e308], ARRAY[0.5, 0.5]);
SELECT cedi(ARRAY[1.7976931348623157e308, 1.7976931348623157e308], ARRAY[0.75, 0.25]);
--
-- ===================== min_max_scale(x, min, max)
-- NULL in each position
SELECT min_max_scale(NULL, 0, 1);
SELECT min_max_scale(0.5, NULL, 1);
SELECT min_max_scale(0.5, 0, NULL);
-- max = min, max < min
SELECT min_max_scale(1, 1, 1);
SELECT min_max_scale(1, 2, 1);
-- NaN, Infinity
SELECT min_max_scale('NaN', 0, 1);
SELECT min_max_scale(0.5, '-Infinity', 1);
-- a range that overflows (max - min = Infinity)
SELECT min_max_scale(1e308, -1e308, 1e308);
SELECT min_max_scale(0, -1e308, 1e308);
-- subnormal range
SELECT min_max_scale(1e-310, 0, 2e-310);
--
-- ===================== coupling_degree(u1, u2 [, a, b])
-- NULL in each position
SELECT coupling_degree(NULL, 0.5);
SELECT coupling_degree(0.5, NULL);
SELECT coupling_degree(0.5, 0.5, NULL, 0.5);
SELECT coupling_degree(0.5, 0.5, 0.5, NULL);
-- both zero (NULL), negative zero
SELECT coupling_degree(0, 0);
SELECT coupling_degree('-0', '-0');
-- out of [0, 1], NaN, Infinity
SELECT coupling_degree(1.5, 0.5);
SELECT coupling_degree('NaN', 0.5);
SELECT coupling_degree(0.5, 'Infinity');
-- subnormal scores (the product underflows)
SELECT coupling_degree(1e-310, 1e-310);
SELECT coupling_degree(4.9e-324, 1);
-- weights that do not sum to 1, negative, NaN
SELECT coupling_degree(0.5, 0.5, 0.3, 0.3);
SELECT coupling_degree(0.5, 0.5, -0.5, 1.5);
SELECT coupling_degree(0.5, 0.5, 'NaN', 0.5);
-- one weight 1, the other 0
SELECT coupling_degree(0.5, 1e-310, 1, 0);
--
-- ===================== coupling_coordination(u[], weights[])
-- NULL u, NULL weights (default), empty, one score
SELECT coupling_coordination(NULL);
SELECT coupling_coordination(ARRAY[0.2, 0.4], NULL);
SELECT coupling_coordination('{}');
SELECT coupling_coordination(ARRAY[0.5]);
-- NULL element, weights of another length, all zero
SELECT coupling_coordination(ARRAY[0.2, NULL]);
SELECT coupling_coordination(ARRAY[0.2, 0.4], ARRAY[1.0]);
SELECT coupling_coordination(ARRAY[0, 0, 0]::float8[]);
-- NaN, out of range, subnormal
SELECT coupling_coordination(ARRAY['NaN', 0.4]::float8[]);
SELECT coupling_coordination(ARRAY[1e308, 0.4]);
SELECT coupling_coordination(ARRAY[1e-310, 1e-310, 1e-310]);
-- a thousand small scores: the product underflows
SELECT coupling_coordination((SELECT array_agg(0.01::float8) FROM generate_series(1, 1000)));
-- weights with NaN, negative
SELECT coupling_coordination(ARRAY[0.2, 0.4], ARRAY['NaN', 0.5]::float8[]);
SELECT coupling_coordination(ARRAY[0.2, 0.4], ARRAY[-1, 2]::float8[]);
--
-- ===================== coupling_class(d [, thresholds[], labels[]])
-- NULL, NaN, out of range, negative zero, the ends
SELECT coupling_class(NULL);
SELECT coupling_class('NaN');
SELECT coupling_class(1.5);
SELECT coupling_class('-0');
SELECT coupling_class(1);
SELECT coupling_class(1e-310);
-- custom: NULL thresholds, NULL labels, NULL d
SELECT coupling_class(0.5, NULL, ARRAY['a', 'b']);
SELECT coupling_class(0.5, ARRAY[0.5], NULL);
SELECT coupling_class(NULL, ARRAY[0.5], ARRAY['a', 'b']);
-- empty thresholds with one label, with no label
SELECT coupling_class(0.5, '{}', ARRAY['all']);
SELECT coupling_class(0.5, '{}', '{}');
-- thresholds not increasing, NaN threshold, NULL threshold element
SELECT coupling_class(0.5, ARRAY[0.6, 0.4], ARRAY['a', 'b', 'c']);
SELECT coupling_class(0.5, ARRAY['NaN', 0.4]::float8[], ARRAY['a', 'b', 'c']);
SELECT coupling_class(0.5, ARRAY[NULL, 0.4]::float8[], ARRAY['a', 'b', 'c']);
-- labels of the wrong length, NULL label
SELECT coupling_class(0.5, ARRAY[0.4], ARRAY['a', 'b', 'c']);
SELECT coupling_class(0.5, ARRAY[0.4], ARRAY['a', NULL]);
-- custom classes with NaN d, d beyond every threshold
SELECT coupling_class('NaN', ARRAY[0.4], ARRAY['a', 'b']);
SELECT coupling_class(1e308, ARRAY[0.4], ARRAY['a', 'b']);
--
-- ===================== knn_weights(ids, x, y, k, metric, binary, power)
-- NULL in each argument position (STRICT: no rows)
SELECT count(*) FROM knn_weights(NULL::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1);
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], NULL, ARRAY[0, 0, 0]::float8[], 1);
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], NULL, 1);
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], NULL);
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1, NULL);
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1, 'euclidean', NULL);
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1, 'euclidean', false, NULL);
-- empty arrays
SELECT count(*) FROM knn_weights('{}'::bigint[], '{}'::float8[], '{}'::float8[], 1);
-- NULL elements in ids, x, y
SELECT count(*) FROM knn_weights(ARRAY[1, NULL, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1);
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, NULL, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1);
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, NULL]::float8[], 1);
-- arrays of different lengths
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1]::float8[], ARRAY[0, 0, 0]::float8[], 1);
-- duplicate ids
SELECT count(*) FROM knn_weights(ARRAY[1, 1, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1);
-- k = 0, k = -1, k = n, k = max int
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 0);
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], -1);
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 3);
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 2147483647);
-- a single point
SELECT count(*) FROM knn_weights(ARRAY[1]::bigint[], ARRAY[0]::float8[], ARRAY[0]::float8[], 1);
-- NaN, Infinity coordinates
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 'NaN', 2]::float8[], ARRAY[0, 0, 0]::float8[], 1);
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, '-Infinity', 0]::float8[], 1);
-- coordinates of +-1e308: distances overflow
SELECT src, dst, weight, distance FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[-1e308, 0, 1e308]::float8[], ARRAY[0, 0, 0]::float8[], 1) ORDER BY src;
SELECT src, dst, weight, distance FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[-1e308, 0, 1e308]::float8[], ARRAY[0, 0, 0]::float8[], 1, 'euclidean', false) ORDER BY src;
-- subnormal coordinates with inverse-distance weights (1 / 1e-310 overflows)
SELECT src, dst, weight, distance FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1e-310, 3e-310]::float8[], ARRAY[0, 0, 0]::float8[], 1, 'euclidean', false) ORDER BY src;
-- identical points, binary (ties) and inverse distance (distance 0)
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[5, 5, 5]::float8[], ARRAY[5, 5, 5]::float8[], 2);
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[5, 5, 5]::float8[], ARRAY[5, 5, 5]::float8[], 2, 'euclidean', false);
-- latitude out of range, longitude far out of range with great_circle
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 91, 0]::float8[], 1, 'great_circle');
SELECT src, dst, round(distance::numeric, 3) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1e300, -1e300]::float8[], ARRAY[0, 0, 0]::float8[], 1, 'great_circle') ORDER BY src;
-- antipodal points with great_circle
SELECT src, dst, round(distance::numeric, 3) FROM knn_weights(ARRAY[1, 2]::bigint[], ARRAY[0, 180]::float8[], ARRAY[0, 0]::float8[], 1, 'great_circle') ORDER BY src;
-- unknown metric, empty metric
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1, 'manhattan');
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1, '');
-- power 0, negative, NaN, huge with inverse distance
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1, 'euclidean', false, 0);
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1, 'euclidean', false, -1);
SELECT count(*) FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1, 'euclidean', false, 'NaN');
SELECT src, dst, weight FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 0.5, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1, 'euclidean', false, 1e308) ORDER BY src;
-- extreme ids
SELECT src, dst FROM knn_weights(ARRAY[9223372036854775807, -9223372036854775807 - 1, 0]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1) ORDER BY src;
-- a two-dimensional ids array
SELECT count(*) FROM knn_weights('{{1,2},{3,4}}'::bigint[], ARRAY[0, 1, 2, 3]::float8[], ARRAY[0, 0, 0, 0]::float8[], 1);
--
-- ===================== distance_band_weights(ids, x, y, threshold, metric, binary, power)
-- NULL in each argument position
SELECT count(*) FROM distance_band_weights(NULL::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1.5);
SELECT count(*) FROM distance_band_weights(ARRAY[1, 2, 3]::bigint[], NULL, ARRAY[0, 0, 0]::float8[], 1.5);
SELECT count(*) FROM distance_band_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], NULL, 1.5);
SELECT count(*) FROM distance_band_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], NULL);
SELECT count(*) FROM distance_band_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1.5, NULL);
SELECT count(*) FROM distance_band_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1.5, 'euclidean', NULL);
SELECT count(*) FROM distance_band_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1.5, 'euclidean', false, NULL);
-- threshold 0, negative, NaN, +Infinity, 1e308, subnormal
SELECT count(*) FROM distance_band_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 0);
SELECT count(*) FROM distance_band_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], -1);
SELECT count(*) FROM distance_band_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 'NaN');
SELECT count(*) FROM distance_band_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 'Infinity');
SELECT count(*) FROM distance_band_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1e308);
SELECT count(*) FROM distance_band_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1e-310);
-- empty arrays, mismatched lengths, NULL element, duplicate ids
SELECT count(*) FROM distance_band_weights('{}'::bigint[], '{}'::float8[], '{}'::float8[], 1);
SELECT count(*) FROM distance_band_weights(ARRAY[1, 2]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1.5);
SELECT count(*) FROM distance_band_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, NULL]::float8[], ARRAY[0, 0, 0]::float8[], 1.5);
SELECT count(*) FROM distance_band_weights(ARRAY[2, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1.5);
-- coordinates of +-1e308 with an infinite band, inverse distance
SELECT src, dst, weight, distance FROM distance_band_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[-1e308, 0, 1e308]::float8[], ARRAY[0, 0, 0]::float8[], 1e308, 'euclidean', false) ORDER BY src, dst;
-- identical points with inverse distance
SELECT count(*) FROM distance_band_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[1, 1, 1]::float8[], ARRAY[1, 1, 1]::float8[], 1, 'euclidean', false);
-- great_circle: latitude -90.5, a band longer than half the globe
SELECT count(*) FROM distance_band_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, -90.5, 0]::float8[], 100, 'great_circle');
SELECT count(*) FROM distance_band_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 120, 240]::float8[], ARRAY[0, 0, 0]::float8[], 1e9, 'great_circle');
-- unknown metric
SELECT count(*) FROM distance_band_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1.5, 'Euclidean');
--
-- ===================== min_threshold_distance(x, y, metric)
-- NULL in each position
SELECT min_threshold_distance(NULL, ARRAY[0, 1]::float8[]);
SELECT min_threshold_distance(ARRAY[0, 1]::float8[], NULL);
SELECT min_threshold_distance(ARRAY[0, 1]::float8[], ARRAY[0, 1]::float8[], NULL);
-- empty, one point, mismatched, NULL element
SELECT min_threshold_distance('{}', '{}');
SELECT min_threshold_distance(ARRAY[1]::float8[], ARRAY[1]::float8[]);
SELECT min_threshold_distance(ARRAY[0, 1, 2]::float8[], ARRAY[0, 1]::float8[]);
SELECT min_threshold_distance(ARRAY[0, NULL]::float8[], ARRAY[0, 1]::float8[]);
-- NaN, Infinity
SELECT min_threshold_distance(ARRAY[0, 'NaN']::float8[], ARRAY[0, 1]::float8[]);
SELECT min_threshold_distance(ARRAY[0, 'Infinity']::float8[], ARRAY[0, 1]::float8[]);
-- identical points (0), far points (overflow)
SELECT min_threshold_distance(ARRAY[3, 3, 3]::float8[], ARRAY[4, 4, 4]::float8[]);
SELECT min_threshold_distance(ARRAY[-1e308, 1e308]::float8[], ARRAY[0, 0]::float8[]);
SELECT min_threshold_distance(ARRAY[-1e308, 1e308]::float8[], ARRAY[-1e308, 1e308]::float8[]);
-- great_circle with a latitude out of range, with a huge longitude
SELECT min_threshold_distance(ARRAY[0, 1]::float8[], ARRAY[0, 95]::float8[], 'great_circle');
SELECT round(min_threshold_distance(ARRAY[0, 1e308]::float8[], ARRAY[0, 0]::float8[], 'great_circle')::numeric, 3);
-- unknown metric
SELECT min_threshold_distance(ARRAY[0, 1]::float8[], ARRAY[0, 1]::float8[], 'x');
--
-- ===================== contiguity_weights(source, id_column, geom_column, rule)
-- NULL in each position (without PostGIS in this database)
SELECT count(*) FROM contiguity_weights(NULL, 'id', 'geom');
SELECT count(*) FROM contiguity_weights('bi_v', NULL, 'geom');
SELECT count(*) FROM contiguity_weights('bi_v', 'id', NULL);
SELECT count(*) FROM contiguity_weights('bi_v', 'id', 'value', NULL);
-- unknown rule, a column that does not exist, a dropped relation
SELECT count(*) FROM contiguity_weights('bi_v', 'id', 'value', 'bishop');
SELECT count(*) FROM contiguity_weights('bi_v', 'nope', 'value');
SELECT count(*) FROM contiguity_weights(:dropped_oid::oid::regclass, 'id', 'geom');
-- a column name that needs quoting
SELECT count(*) FROM contiguity_weights('bi_v', 'id"; DROP TABLE bi_v; --', 'value');
--
-- ===================== weights_transform(weights, style)
-- NULL relation, NULL style
SELECT count(*) FROM weights_transform(NULL, 'r');
SELECT count(*) FROM weights_transform('bi_w', NULL);
-- unknown style, empty style
SELECT count(*) FROM weights_transform('bi_w', 'W');
SELECT count(*) FROM weights_transform('bi_w', '');
-- a relation that does not exist, a dropped relation by OID, OID 0
SELECT count(*) FROM weights_transform('bi_nope', 'r');
SELECT count(*) FROM weights_transform(:dropped_oid::oid::regclass, 'r');
SELECT count(*) FROM weights_transform(0::oid::regclass, 'r');
-- a view, a relation with wrong columns, text columns, a catalogue table
SELECT count(*) FROM weights_transform('bi_w_view', 'r');
SELECT count(*) FROM weights_transform('bi_w_wrongcols', 'r');
SELECT count(*) FROM weights_transform('bi_w_textcols', 'r');
SELECT count(*) FROM weights_transform('pg_class', 'r');
-- NULL src, NULL dst, NULL weight rows
SELECT count(*) FROM weights_transform('bi_w_nullsrc', 'r');
SELECT count(*) FROM weights_transform('bi_w_nulldst', 'r');
SELECT count(*) FROM weights_transform('bi_w_nullw', 'r');
-- NaN, Infinity, negative weights
SELECT count(*) FROM weights_transform('bi_w_nan', 'r');
SELECT count(*) FROM weights_transform('bi_w_inf', 'o');
SELECT count(*) FROM weights_transform('bi_w_neg', 'r');
-- zero weights row-standardised (rows summing to zero)
SELECT src, dst, weight FROM weights_transform('bi_w_zero', 'r') ORDER BY src, dst LIMIT 2;
-- 1e308 weights row-standardised (row sums overflow)
SELECT src, dst, weight FROM weights_transform('bi_w_big', 'r') ORDER BY src, dst LIMIT 2;
-- subnormal weights row-standardised
SELECT src, dst, weight FROM weights_transform('bi_w_tiny', 'r') ORDER BY src, dst LIMIT 2;
-- self-link, repeated link, empty relation, an id that does not fit bigint
SELECT count(*) FROM weights_transform('bi_w_self', 'r');
SELECT count(*) FROM weights_transform('bi_w_dup', 'r');
SELECT count(*) FROM weights_transform('bi_w_empty', 'r');
SELECT count(*) FROM weights_transform('bi_w_bigtext', 'r');
--
-- ===================== weights_summary(weights, ids)
-- NULL relation, NULL ids (default), ids with a NULL element, empty ids
SELECT * FROM weights_summary(NULL);
SELECT n, links, islands FROM weights_summary('bi_w', NULL::bigint[]);
SELECT n, links, islands FROM weights_summary('bi_w', ARRAY[1, NULL]::bigint[]);
SELECT n, links, islands FROM weights_summary('bi_w', '{}'::bigint[]);
-- duplicate ids, ids beyond the relation (islands)
SELECT n, links, islands FROM weights_summary('bi_w', ARRAY[1, 1, 2]::bigint[]);
SELECT n, links, islands FROM weights_summary('bi_w', ARRAY[7, 8, 9223372036854775807]::bigint[]);
-- the empty relation, with and without ids
SELECT * FROM weights_summary('bi_w_empty');
SELECT * FROM weights_summary('bi_w_empty', ARRAY[1, 2]::bigint[]);
-- NULL rows, NaN, Infinity, negative, self-link, repeated link
SELECT * FROM weights_summary('bi_w_nullw');
SELECT * FROM weights_summary('bi_w_nan');
SELECT * FROM weights_summary('bi_w_inf');
SELECT * FROM weights_summary('bi_w_neg');
SELECT * FROM weights_summary('bi_w_self');
SELECT * FROM weights_summary('bi_w_dup');
-- 1e308 weights: s0 overflows
SELECT * FROM weights_summary('bi_w_big');
-- zero and subnormal weights
SELECT * FROM weights_summary('bi_w_zero');
SELECT * FROM weights_summary('bi_w_tiny');
-- extreme ids, wrong columns, a view, a dropped relation
SELECT n, links FROM weights_summary('bi_w_hugeid');
SELECT * FROM weights_summary('bi_w_wrongcols');
SELECT n, links FROM weights_summary('bi_w_view');
SELECT * FROM weights_summary(:dropped_oid::oid::regclass);
--
-- ===================== read_gal(text)
-- NULL, empty, whitespace only
SELECT * FROM read_gal(NULL);
SELECT * FROM read_gal('');
SELECT * FROM read_gal(E' \n\t\n');
-- a header larger than 2^64, negative, not a number, zero with units listed
SELECT * FROM read_gal(E'18446744073709551617\n1 1\n2\n');
SELECT * FROM read_gal(E'-1\n1 1\n2\n');
SELECT * FROM read_gal(E'abc\n1 1\n2\n');
SELECT * FROM read_gal(E'0\n1 1\n2\n');
-- GeoDa's 4-field header, header with more units than listed
SELECT * FROM read_gal(E'0 2 layer id\n1 1\n2\n2 1\n1\n');
SELECT * FROM read_gal(E'5\n1 1\n2\n2 1\n1\n');
-- a neighbour count that lies (huge, negative, too large by one)
SELECT * FROM read_gal(E'2\n1 99999999999\n2\n2 1\n1\n');
SELECT * FROM read_gal(E'2\n1 -1\n2\n2 1\n1\n');
SELECT * FROM read_gal(E'2\n1 2\n2\n2 1\n1\n');
-- a missing neighbour line at the end
SELECT * FROM read_gal(E'2\n1 1\n2\n2 1\n');
-- ids that overflow bigint, NaN and float tokens as ids
SELECT * FROM read_gal(E'2\n9223372036854775808 1\n2\n2 1\n9223372036854775808\n');
SELECT * FROM read_gal(E'2\nNaN 1\n2\n2 1\n1\n');
SELECT * FROM read_gal(E'2\n1.5 1\n2\n2 1\n1\n');
-- a self-link, a repeated link, an unknown neighbour
SELECT * FROM read_gal(E'2\n1 1\n1\n2 1\n1\n');
SELECT * FROM read_gal(E'2\n1 2\n2 2\n2 1\n1\n');
SELECT * FROM read_gal(E'2\n1 1\n7\n2 1\n1\n');
-- CRLF line ends, tabs, trailing garbage
SELECT * FROM read_gal(E'2\r\n1 1\r\n2\r\n2 1\r\n1\r\n');
SELECT * FROM read_gal(E'2\n1\t1\n2\n2 1\n1\njunk\n');
-- a very long line of garbage (bounded)
SELECT count(*) FROM read_gal(E'1\n1 1\n' || repeat('9', 100000));
-- NUL-free binary-looking bytes
SELECT * FROM read_gal(E'\x01\x02\x03\n\x7f');
--
-- ===================== read_gwt(text)
-- NULL, empty
SELECT * FROM read_gwt(NULL);
SELECT * FROM read_gwt('');
-- NaN, inf, negative, huge, subnormal, negative zero weights
SELECT * FROM read_gwt(E'0 2 layer id\n1 2 NaN\n2 1 1\n');
SELECT * FROM read_gwt(E'0 2 layer id\n1 2 inf\n2 1 1\n');
SELECT * FROM read_gwt(E'0 2 layer id\n1 2 -1\n2 1 1\n');
SELECT * FROM read_gwt(E'0 2 layer id\n1 2 1e999\n2 1 1\n');
SELECT * FROM read_gwt(E'0 2 layer id\n1 2 1e-310\n2 1 1\n');
SELECT * FROM read_gwt(E'0 2 layer id\n1 2 -0\n2 1 1\n');
-- a header that lies, a bare count header, garbage header
SELECT * FROM read_gwt(E'0 99999999999 layer id\n1 2 1\n2 1 1\n');
SELECT * FROM read_gwt(E'2\n1 2 1\n2 1 1\n');
SELECT * FROM read_gwt(E'x y z w\n1 2 1\n');
-- missing weight, extra fields, garbage weight
SELECT * FROM read_gwt(E'0 2 layer id\n1 2\n');
SELECT * FROM read_gwt(E'0 2 layer id\n1 2 1 4 5\n');
SELECT * FROM read_gwt(E'0 2 layer id\n1 2 one\n');
-- ids that overflow bigint, a self-link, a repeated link
SELECT * FROM read_gwt(E'0 2 layer id\n1 99999999999999999999 1\n');
SELECT * FROM read_gwt(E'0 2 layer id\n1 1 1\n');
SELECT * FROM read_gwt(E'0 2 layer id\n1 2 1\n1 2 1\n');
--
-- ===================== to_gal(weights, ids), to_gwt(weights, layer, id_variable)
-- NULL relation, NULL ids, ids with a NULL element
SELECT to_gal(NULL);
SELECT length(to_gal('bi_w', NULL::bigint[]));
SELECT to_gal('bi_w', ARRAY[1, NULL]::bigint[]);
-- NaN weights, NULL rows, wrong columns, empty relation, dropped relation
SELECT to_gal('bi_w_nan');
SELECT to_gal('bi_w_nullsrc');
SELECT to_gal('bi_w_wrongcols');
SELECT to_gal('bi_w_empty');
SELECT to_gal(:dropped_oid::oid::regclass);
-- ids beyond the relation: islands listed
SELECT to_gal('bi_w_empty', ARRAY[1, 2]::bigint[]);
-- to_gwt: NULL in each position
SELECT to_gwt(NULL);
SELECT to_gwt('bi_w', NULL);
SELECT to_gwt('bi_w', 'layer', NULL);
-- to_gwt: a layer name with a newline and spaces, an empty id variable
SELECT to_gwt('bi_w_empty', E'two\nlines', 'id');
SELECT to_gwt('bi_w_empty', 'a b', '');
-- to_gwt: NaN, Infinity, 1e308 and subnormal weights
SELECT to_gwt('bi_w_nan');
SELECT to_gwt('bi_w_inf');
SELECT length(to_gwt('bi_w_big'));
SELECT length(to_gwt('bi_w_tiny'));
-- to_gwt: round trip of extreme ids through read_gwt
SELECT * FROM read_gwt(to_gwt('bi_w_hugeid')) WHERE src > 1000 OR src < 0;
--
-- ===================== morans_i(id, value, weights [, permutations, seed [, style]])
-- NULL value in the first, middle and last row (the unit then has no value)
SELECT morans_i(id, CASE WHEN id = 1 THEN NULL ELSE value END, 'bi_w') FROM bi_v;
SELECT morans_i(id, CASE WHEN id = 3 THEN NULL ELSE value END, 'bi_w') FROM bi_v;
SELECT morans_i(id, CASE WHEN id = 6 THEN NULL ELSE value END, 'bi_w') FROM bi_v;
-- NULL id in the first row
SELECT morans_i(CASE WHEN id = 1 THEN NULL ELSE id END, value, 'bi_w') FROM bi_v;
-- NULL weights, NULL permutations, NULL seed, NULL style
SELECT morans_i(id, value, NULL) FROM bi_v;
SELECT morans_i(id, value, 'bi_w', NULL, 1) FROM bi_v;
SELECT morans_i(id, value, 'bi_w', 9, NULL) FROM bi_v;
SELECT morans_i(id, value, 'bi_w', 9, 1, NULL) FROM bi_v;
-- NULL weights on the last row only
SELECT morans_i(id, value, CASE WHEN id = 6 THEN NULL ELSE 'bi_w'::regclass END) FROM bi_v;
-- empty group, every row NULL
SELECT morans_i(id, value, 'bi_w') FROM bi_v WHERE false;
SELECT morans_i(id, NULL::float8, 'bi_w') FROM bi_v;
-- fewer than three units (with weights among them)
SELECT morans_i(id, value, 'bi_w_view') FROM (VALUES (1::bigint, 1::float8), (2, 2)) v(id, value);
-- duplicate ids
SELECT morans_i(id, value, 'bi_w') FROM (SELECT * FROM bi_v UNION ALL SELECT * FROM bi_v WHERE id = 2) s;
-- all values equal, values differing by one ulp
SELECT morans_i(id, 7, 'bi_w') FROM bi_v;
SELECT morans_i(id, CASE WHEN id = 1 THEN 1.0000000000000002 ELSE 1 END, 'bi_w') FROM bi_v;
-- NaN, Infinity values
SELECT morans_i(id, CASE WHEN id = 2 THEN 'NaN' ELSE value END, 'bi_w') FROM bi_v;
SELECT morans_i(id, CASE WHEN id = 2 THEN '-Infinity' ELSE value END, 'bi_w') FROM bi_v;
-- values of 1e308 and 1e200 (squares overflow), subnormal values (squares underflow)
SELECT morans_i(id, value * 1e307, 'bi_w') FROM bi_v;
SELECT morans_i(id, value * 1e200, 'bi_w') FROM bi_v;
SELECT morans_i(id, value * 1e-310, 'bi_w') FROM bi_v;
SELECT morans_i(id, value * 1e-160, 'bi_w') FROM bi_v;
-- a unit in the weights without a value, ids outside the weights (islands)
SELECT morans_i(id, value, 'bi_w_stranger') FROM bi_v;
SELECT morans_i(id + 100, value, 'bi_w') FROM bi_v;
-- hostile weights relations
SELECT morans_i(id, value, 'bi_w_nullsrc') FROM bi_v;
SELECT morans_i(id, value, 'bi_w_nullw') FROM bi_v;
SELECT morans_i(id, value, 'bi_w_wrongcols') FROM bi_v;
SELECT morans_i(id, value, 'bi_w_textcols') FROM bi_v;
SELECT morans_i(id, value, 'bi_w_nan') FROM bi_v;
SELECT morans_i(id, value, 'bi_w_inf') FROM bi_v;
SELECT morans_i(id, value, 'bi_w_neg') FROM bi_v;
SELECT morans_i(id, value, 'bi_w_zero') FROM bi_v;
SELECT morans_i(id, value, 'bi_w_self') FROM bi_v;
SELECT morans_i(id, value, 'bi_w_dup') FROM bi_v;
SELECT morans_i(id, value, 'bi_w_empty') FROM bi_v;
SELECT morans_i(id, value, 'bi_w_view') FROM bi_v;
SELECT morans_i(id, value, :dropped_oid::oid::regclass) FROM bi_v;
SELECT morans_i(id, value, 'pg_class') FROM bi_v;
-- 1e308 weights with style 'o' and 'b', subnormal weights with style 'o'
SELECT morans_i(id, value, 'bi_w_big', 0, 1, 'o') FROM bi_v;
SELECT morans_i(id, value, 'bi_w_big', 0, 1, 'b') FROM bi_v;
SELECT morans_i(id, value, 'bi_w_tiny', 0, 1, 'o') FROM bi_v;
-- permutations out of range, seed extremes
SELECT morans_i(id, value, 'bi_w', -1, 1) FROM bi_v;
SELECT morans_i(id, value, 'bi_w', 1000001, 1) FROM bi_v;
SELECT morans_i(id, value, 'bi_w', 2147483647, 1) FROM bi_v;
SELECT (morans_i(id, value, 'bi_w', 99, (-9223372036854775807 - 1))).permutations FROM bi_v;
SELECT (morans_i(id, value, 'bi_w', 99, 9223372036854775807)).permutations FROM bi_v;
-- unknown style, options changing within a group
SELECT morans_i(id, value, 'bi_w', 9, 1, 'R') FROM bi_v;
SELECT morans_i(id, value, 'bi_w', id::int, 1) FROM bi_v;
SELECT morans_i(id, value, CASE WHEN id = 3 THEN 'bi_w_view'::regclass ELSE 'bi_w' END) FROM bi_v;
-- as a window function (the final function runs repeatedly on one state)
SELECT morans_i(id, value, 'bi_w') OVER (ORDER BY id) FROM bi_v;
SELECT morans_i(id, value, 'bi_w') OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM bi_v;
-- GROUPING SETS with an empty grouping set and NULL groups
SELECT g, (morans_i(id, value, 'bi_w')).n FROM (SELECT *, NULL::int AS g FROM bi_v) s GROUP BY GROUPING SETS ((), (g)) ORDER BY g;
--
-- ===================== gearys_c, getis_ord_g (id, value, weights [, style])
-- NULL value first, middle, last row
SELECT gearys_c(id, CASE WHEN id = 1 THEN NULL ELSE value END, 'bi_w') FROM bi_v;
SELECT gearys_c(id, CASE WHEN id = 3 THEN NULL ELSE value END, 'bi_w') FROM bi_v;
SELECT getis_ord_g(id, CASE WHEN id = 6 THEN NULL ELSE value END, 'bi_w') FROM bi_v;
-- NULL weights, NULL style, unknown style
SELECT gearys_c(id, value, NULL) FROM bi_v;
SELECT gearys_c(id, value, 'bi_w', NULL) FROM bi_v;
SELECT getis_ord_g(id, value, 'bi_w', 'x') FROM bi_v;
-- constant values, overflow, underflow
SELECT gearys_c(id, 3, 'bi_w') FROM bi_v;
SELECT gearys_c(id, value * 1e307, 'bi_w') FROM bi_v;
SELECT gearys_c(id, value * 1e-310, 'bi_w') FROM bi_v;
SELECT getis_ord_g(id, value * 1e307, 'bi_w') FROM bi_v;
SELECT getis_ord_g(id, value * 1e-310, 'bi_w') FROM bi_v;
-- Getis-Ord: negative value, all zero, fewer than four units
SELECT getis_ord_g(id, value - 3, 'bi_w') FROM bi_v;
SELECT getis_ord_g(id, 0, 'bi_w') FROM bi_v;
SELECT getis_ord_g(id, value, 'bi_w_view') FROM bi_v WHERE id <= 3;
-- hostile weights
SELECT gearys_c(id, value, 'bi_w_nan') FROM bi_v;
SELECT getis_ord_g(id, value, 'bi_w_big') FROM bi_v;
SELECT gearys_c(id, value, 'bi_w_big', 'o') FROM bi_v;
SELECT getis_ord_g(id, value, 'bi_w_zero') FROM bi_v;
-- as window functions
SELECT gearys_c(id, value, 'bi_w') OVER (ORDER BY id) FROM bi_v;
SELECT getis_ord_g(id, value, 'bi_w') OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM bi_v;
--
-- ===================== bivariate_morans_i(id, x, y, weights [, permutations, seed])
-- NULL x first row, NULL y middle row, NULL id last row
SELECT bivariate_morans_i(id, CASE WHEN id = 1 THEN NULL ELSE value END, y, 'bi_w') FROM bi_v;
SELECT bivariate_morans_i(id, value, CASE WHEN id = 3 THEN NULL ELSE y END, 'bi_w') FROM bi_v;
SELECT bivariate_morans_i(CASE WHEN id = 6 THEN NULL ELSE id END, value, y, 'bi_w') FROM bi_v;
-- NULL weights, permutations, seed
SELECT bivariate_morans_i(id, value, y, NULL) FROM bi_v;
SELECT bivariate_morans_i(id, value, y, 'bi_w', NULL, 1) FROM bi_v;
SELECT bivariate_morans_i(id, value, y, 'bi_w', 9, NULL) FROM bi_v;
-- constant x, constant y, overflow, underflow
SELECT bivariate_morans_i(id, 1, y, 'bi_w') FROM bi_v;
SELECT bivariate_morans_i(id, value, 1, 'bi_w') FROM bi_v;
SELECT bivariate_morans_i(id, value * 1e307, y * 1e307, 'bi_w') FROM bi_v;
SELECT bivariate_morans_i(id, value * 1e-310, y * 1e-310, 'bi_w') FROM bi_v;
-- permutations out of range
SELECT bivariate_morans_i(id, value, y, 'bi_w', -5, 1) FROM bi_v;
--
-- ===================== local_moran(ids, values, weights, permutations, seed, style)
-- NULL in each position
SELECT count(*) FROM local_moran(NULL::bigint[], ARRAY[1, 2, 4, 3, 6, 5]::float8[], 'bi_w');
SELECT count(*) FROM local_moran(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], NULL, 'bi_w');
SELECT count(*) FROM local_moran(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1, 2, 4, 3, 6, 5]::float8[], NULL);
SELECT count(*) FROM local_moran(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1, 2, 4, 3, 6, 5]::float8[], 'bi_w', NULL);
SELECT count(*) FROM local_moran(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1, 2, 4, 3, 6, 5]::float8[], 'bi_w', 9, NULL);
SELECT count(*) FROM local_moran(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1, 2, 4, 3, 6, 5]::float8[], 'bi_w', 9, 1, NULL);
-- empty arrays, mismatched lengths, NULL elements, duplicate ids
SELECT count(*) FROM local_moran('{}'::bigint[], '{}', 'bi_w');
SELECT count(*) FROM local_moran(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1, 2, 4]::float8[], 'bi_w');
SELECT count(*) FROM local_moran(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1, 2, NULL, 3, 6, 5]::float8[], 'bi_w');
SELECT count(*) FROM local_moran(ARRAY[1, 2, 3, 4, 5, 5]::bigint[], ARRAY[1, 2, 4, 3, 6, 5]::float8[], 'bi_w');
-- constant values, NaN, overflow, underflow
SELECT count(*) FROM local_moran(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[2, 2, 2, 2, 2, 2]::float8[], 'bi_w');
SELECT count(*) FROM local_moran(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1, 'NaN', 4, 3, 6, 5]::float8[], 'bi_w');
SELECT id, ii, z, p FROM local_moran(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1e307, 2e307, 4e307, 3e307, 6e307, 5e307]::float8[], 'bi_w') ORDER BY id LIMIT 2;
SELECT id, ii, z, p FROM local_moran(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1e-310, 2e-310, 4e-310, 3e-310, 6e-310, 5e-310]::float8[], 'bi_w') ORDER BY id LIMIT 2;
-- islands (a unit without links): z and p of an island
SELECT id, ii, z, p, quadrant FROM local_moran(ARRAY[1, 2, 3, 4, 5, 6, 7]::bigint[], ARRAY[1, 2, 4, 3, 6, 5, 9]::float8[], 'bi_w') WHERE id = 7;
-- permutations out of range, unknown style, hostile weights
SELECT count(*) FROM local_moran(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1, 2, 4, 3, 6, 5]::float8[], 'bi_w', 1000001);
SELECT count(*) FROM local_moran(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1, 2, 4, 3, 6, 5]::float8[], 'bi_w', 9, 1, 'q');
SELECT count(*) FROM local_moran(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1, 2, 4, 3, 6, 5]::float8[], 'bi_w_nan');
SELECT count(*) FROM local_moran(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1, 2, 4, 3, 6, 5]::float8[], 'bi_w_nullw');
SELECT id, ii, z FROM local_moran(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1, 2, 4, 3, 6, 5]::float8[], 'bi_w_big', 0, 0, 'o') ORDER BY id LIMIT 2;
SELECT id, ii, z FROM local_moran(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1, 2, 4, 3, 6, 5]::float8[], 'bi_w_zero') ORDER BY id LIMIT 2;
-- two units only
SELECT count(*) FROM local_moran(ARRAY[1, 2]::bigint[], ARRAY[1, 2]::float8[], 'bi_w_view');
--
-- ===================== local_g_star(ids, values, weights, style)
-- NULL in each position
SELECT count(*) FROM local_g_star(NULL::bigint[], ARRAY[1, 2, 4, 3, 6, 5]::float8[], 'bi_w');
SELECT count(*) FROM local_g_star(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], NULL, 'bi_w');
SELECT count(*) FROM local_g_star(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1, 2, 4, 3, 6, 5]::float8[], NULL);
SELECT count(*) FROM local_g_star(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1, 2, 4, 3, 6, 5]::float8[], 'bi_w', NULL);
-- negative values, all zero, constant, overflow, underflow
SELECT count(*) FROM local_g_star(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[-1, 2, 4, 3, 6, 5]::float8[], 'bi_w');
SELECT count(*) FROM local_g_star(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[0, 0, 0, 0, 0, 0]::float8[], 'bi_w');
SELECT id, g, z, p FROM local_g_star(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[3, 3, 3, 3, 3, 3]::float8[], 'bi_w') ORDER BY id LIMIT 2;
SELECT id, g, z, p FROM local_g_star(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1e308, 2e307, 4e307, 3e307, 6e307, 5e307]::float8[], 'bi_w') ORDER BY id LIMIT 2;
SELECT id, g, z, p FROM local_g_star(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1e-310, 2e-310, 4e-310, 3e-310, 6e-310, 5e-310]::float8[], 'bi_w') ORDER BY id LIMIT 2;
-- unknown style, hostile weights, a unit whose every neighbour is itself
SELECT count(*) FROM local_g_star(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1, 2, 4, 3, 6, 5]::float8[], 'bi_w', 'x');
SELECT count(*) FROM local_g_star(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1, 2, 4, 3, 6, 5]::float8[], 'bi_w_inf');
SELECT id, g, z FROM local_g_star(ARRAY[1, 2, 3, 4, 5, 6]::bigint[], ARRAY[1, 2, 4, 3, 6, 5]::float8[], 'bi_w_big', 'o') ORDER BY id LIMIT 2;
SELECT count(*) FROM local_g_star(ARRAY[1, 2]::bigint[], ARRAY[1, 2]::float8[], 'bi_w_empty');
--
-- ===================== panel_tobit(y, x[], unit, lower, upper, model [, names[]])
-- NULL y, x, unit in the middle row and the last row (the row is skipped)
SELECT (f).n_obs, (f).converged FROM (SELECT panel_tobit(CASE WHEN id = 100 THEN NULL ELSE d END, ARRAY[x1, x2], unit, 0, 1, 'pooled') f FROM bi_panel) s;
SELECT (f).n_obs, (f).converged FROM (SELECT panel_tobit(d, CASE WHEN id = 100 THEN NULL ELSE ARRAY[x1, x2] END, unit, 0, 1, 're') f FROM bi_panel) s;
SELECT (f).n_obs, (f).converged FROM (SELECT panel_tobit(d, ARRAY[x1, x2], CASE WHEN id = 100 THEN NULL ELSE unit END, 0, 1, 'fe') f FROM bi_panel) s;
SELECT (f).n_obs, (f).converged FROM (SELECT panel_tobit(CASE WHEN id = 200 THEN NULL ELSE d END, ARRAY[x1, x2], unit, 0, 1, 'pooled') f FROM bi_panel) s;
SELECT (f).n_obs, (f).converged FROM (SELECT panel_tobit(d, ARRAY[x1, x2], CASE WHEN id = 200 THEN NULL ELSE unit END, 0, 1, 're') f FROM bi_panel) s;
-- a NULL element inside x (first row, middle row)
SELECT panel_tobit(d, ARRAY[CASE WHEN id = 1 THEN NULL ELSE x1 END, x2], unit, 0, 1, 'pooled') IS NULL FROM bi_panel;
SELECT panel_tobit(d, ARRAY[x1, CASE WHEN id = 100 THEN NULL ELSE x2 END], unit, 0, 1, 'pooled') IS NULL FROM bi_panel;
-- NULL lower, NULL upper (no censoring on that side), both NULL
SELECT (f).n_left, (f).n_right, (f).converged FROM (SELECT panel_tobit(d, ARRAY[x1, x2], unit, NULL, 1, 'pooled') f FROM bi_panel) s;
SELECT (f).n_left, (f).n_right, (f).converged FROM (SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, NULL, 're') f FROM bi_panel) s;
SELECT (f).n_left, (f).n_right, (f).converged FROM (SELECT panel_tobit(d, ARRAY[x1, x2], unit, NULL, NULL, 'fe') f FROM bi_panel) s;
-- NULL model, NULL names, names with a NULL element, names of the wrong length
SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, NULL) IS NULL FROM bi_panel;
SELECT (panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 'pooled', NULL)).terms FROM bi_panel;
SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 'pooled', ARRAY['a', NULL]) IS NULL FROM bi_panel;
SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 'pooled', ARRAY['a']) IS NULL FROM bi_panel;
-- the quadrature arguments: NULL (the settings), unknown, out of range, negative, changing between rows
SELECT (f).quadrature, (f).quadrature_points FROM (SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 're', NULL, NULL, NULL) f FROM bi_panel) s;
SELECT (f).quadrature, (f).quadrature_points FROM (SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 'pooled', NULL, 'ghq', 4) f FROM bi_panel) s;
SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 're', NULL, '', 12) IS NULL FROM bi_panel;
SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 're', NULL, 'ghq', -2147483648) IS NULL FROM bi_panel;
SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 're', NULL, 'ghq', 2147483647) IS NULL FROM bi_panel;
SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 're', NULL, CASE WHEN id = 100 THEN 'adaptive' ELSE 'ghq' END, 8) IS NULL FROM bi_panel;
SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 're', NULL, 'ghq', CASE WHEN id = 100 THEN NULL ELSE 8 END) IS NULL FROM bi_panel;
-- names that repeat, that are empty, that collide with _cons
SELECT (panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 'pooled', ARRAY['a', 'a'])).terms FROM bi_panel;
SELECT (panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 'pooled', ARRAY['', '_cons'])).terms FROM bi_panel;
-- empty x arrays (intercept only), x of different lengths between rows
SELECT (f).terms, (f).converged FROM (SELECT panel_tobit(d, '{}'::float8[], unit, 0, 1, 'pooled') f FROM bi_panel) s;
SELECT panel_tobit(d, CASE WHEN id = 50 THEN ARRAY[x1] ELSE ARRAY[x1, x2] END, unit, 0, 1, 'pooled') IS NULL FROM bi_panel;
-- a two-dimensional x
SELECT panel_tobit(d, ARRAY[[x1, x2], [x2, x1]], unit, 0, 1, 'pooled') IS NULL FROM bi_panel;
-- lower >= upper, lower = upper, NaN bounds, infinite bounds
SELECT panel_tobit(d, ARRAY[x1, x2], unit, 1, 0, 'pooled') IS NULL FROM bi_panel;
SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0.5, 0.5, 'pooled') IS NULL FROM bi_panel;
SELECT panel_tobit(d, ARRAY[x1, x2], unit, 'NaN', 1, 'pooled') IS NULL FROM bi_panel;
SELECT (f).n_left, (f).converged FROM (SELECT panel_tobit(d, ARRAY[x1, x2], unit, '-Infinity', 'Infinity', 'pooled') f FROM bi_panel) s;
-- NaN y, Infinity x, 1e308 y, subnormal x
SELECT panel_tobit(CASE WHEN id = 7 THEN 'NaN' ELSE d END, ARRAY[x1, x2], unit, 0, 1, 'pooled') IS NULL FROM bi_panel;
SELECT panel_tobit(d, ARRAY[CASE WHEN id = 7 THEN 'Infinity' ELSE x1 END, x2], unit, 0, 1, 'pooled') IS NULL FROM bi_panel;
SELECT f::text ~ 'NaN|Infinity' AS nonfinite FROM (SELECT panel_tobit(CASE WHEN id = 7 THEN 1e308 ELSE d END, ARRAY[x1, x2], unit, NULL, NULL, 'pooled') f FROM bi_panel) s;
SELECT f::text ~ 'NaN|Infinity' AS nonfinite FROM (SELECT panel_tobit(d, ARRAY[x1 * 1e-310, x2], unit, 0, 1, 'pooled') f FROM bi_panel) s;
SELECT f::text ~ 'NaN|Infinity' AS nonfinite FROM (SELECT panel_tobit(d * 1e300, ARRAY[x1 * 1e300, x2], unit, 0, 1e300, 'pooled') f FROM bi_panel) s;
-- unknown model, model in capitals
SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 'probit') IS NULL FROM bi_panel;
SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 'RE') IS NULL FROM bi_panel;
-- every row censored, a constant regressor, collinear regressors
SELECT panel_tobit(0, ARRAY[x1, x2], unit, 0, 1, 'pooled') IS NULL FROM bi_panel;
SELECT panel_tobit(d, ARRAY[x1, 3], unit, 0, 1, 'pooled') IS NULL FROM bi_panel;
SELECT panel_tobit(d, ARRAY[x1, 2 * x1], unit, 0, 1, 're') IS NULL FROM bi_panel;
-- no more rows than parameters
SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 'pooled') IS NULL FROM bi_panel WHERE id <= 3;
-- RE where every unit has one row, FE where a regressor is constant within units
SELECT panel_tobit(d, ARRAY[x1, x2], id::bigint, 0, 1, 're') IS NULL FROM bi_panel;
SELECT panel_tobit(d, ARRAY[x1, unit::float8], unit, 0, 1, 'fe') IS NULL FROM bi_panel;
-- FE where one unit is censored on every row
SELECT (f).dropped_units, (f).converged FROM (SELECT panel_tobit(CASE WHEN unit = 3 THEN 0 ELSE d END, ARRAY[x1, x2], unit, 0, 1, 'fe') f FROM bi_panel) s;
-- options that change within a group (model, lower)
SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, CASE WHEN id = 9 THEN 're' ELSE 'pooled' END) IS NULL FROM bi_panel;
SELECT panel_tobit(d, ARRAY[x1, x2], unit, CASE WHEN id = 9 THEN -1 ELSE 0 END, 1, 'pooled') IS NULL FROM bi_panel;
-- extreme unit ids
SELECT (f).n_units FROM (SELECT panel_tobit(d, ARRAY[x1, x2], CASE WHEN unit = 0 THEN (-9223372036854775807 - 1) ELSE 9223372036854775807 - unit END, 0, 1, 're') f FROM bi_panel) s;
-- empty group
SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 'pooled') FROM bi_panel WHERE false;
-- as a window function with a moving frame (small frames: errors, never a crash)
SELECT count(*) FROM (SELECT panel_tobit(d, ARRAY[x1], unit, 0, 1, 'pooled') OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM bi_panel WHERE id <= 3) s;
-- quadrature settings out of range
SET regecon.tobit_quadrature_points = 0;
SET regecon.tobit_quadrature_points = 151;
SET regecon.tobit_quadrature = 'laplace';
SET regecon.max_threads = -1;
-- one quadrature point, plain quadrature
SET regecon.tobit_quadrature_points = 1;
SELECT (f).quadrature_points, (f).converged FROM (SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 're') f FROM bi_panel) s;
SET regecon.tobit_quadrature = 'ghq';
SELECT (f).quadrature, (f).converged FROM (SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 're') f FROM bi_panel) s;
RESET regecon.tobit_quadrature_points;
RESET regecon.tobit_quadrature;
--
-- ===================== tobit_coefficients, tobit_summary, tobit_marginal_effects, tobit_hausman
-- NULL fit, NULL vce, unknown vce
SELECT * FROM tobit_coefficients(NULL);
SELECT count(*) FROM tobit_coefficients((SELECT fit FROM bi_fits WHERE model = 'pooled'), NULL);
SELECT count(*) FROM tobit_coefficients((SELECT fit FROM bi_fits WHERE model = 'pooled'), 'robust');
SELECT * FROM tobit_summary(NULL);
SELECT * FROM tobit_marginal_effects(NULL);
SELECT count(*) FROM tobit_marginal_effects((SELECT fit FROM bi_fits WHERE model = 'fe'), 'x');
SELECT * FROM tobit_hausman(NULL, (SELECT fit FROM bi_fits WHERE model = 're'));
SELECT * FROM tobit_hausman((SELECT fit FROM bi_fits WHERE model = 'fe'), NULL);
-- hausman: fits in the wrong order, two pooled fits
SELECT * FROM tobit_hausman((SELECT fit FROM bi_fits WHERE model = 're'), (SELECT fit FROM bi_fits WHERE model = 'fe'));
SELECT * FROM tobit_hausman((SELECT fit FROM bi_fits WHERE model = 'pooled'), (SELECT fit FROM bi_fits WHERE model = 'pooled'));
-- a fit whose every field is NULL
SELECT * FROM tobit_coefficients(ROW(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::tobit_fit);
SELECT * FROM tobit_summary(ROW(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::tobit_fit);
SELECT * FROM tobit_marginal_effects(ROW(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::tobit_fit);
-- hand-made fits: a template to modify one field at a time
CREATE TABLE bi_fit_template AS SELECT (fit).* FROM bi_fits WHERE model = 'pooled';
-- terms longer than estimates
SELECT * FROM tobit_coefficients((SELECT ROW(model, terms || '{extra}'::text[], estimates, std_errors, robust_std_errors, vcov, robust_vcov, n_obs, n_units, n_left, n_uncensored, n_right, dropped_units, log_likelihood, sigma_e, se_sigma_e, sigma_u, se_sigma_u, rho, lr_chibar2, p_chibar2, iterations, converged, n_params, aic, bic, quadrature, quadrature_points, lower, upper, x_means, offset_mean)::tobit_fit FROM bi_fit_template));
-- estimates empty
SELECT * FROM tobit_coefficients((SELECT ROW(model, terms, '{}'::float8[], std_errors, robust_std_errors, vcov, robust_vcov, n_obs, n_units, n_left, n_uncensored, n_right, dropped_units, log_likelihood, sigma_e, se_sigma_e, sigma_u, se_sigma_u, rho, lr_chibar2, p_chibar2, iterations, converged, n_params, aic, bic, quadrature, quadrature_points, lower, upper, x_means, offset_mean)::tobit_fit FROM bi_fit_template));
-- std_errors shorter than estimates
SELECT * FROM tobit_coefficients((SELECT ROW(model, terms, estimates, std_errors[1:1], robust_std_errors, vcov, robust_vcov, n_obs, n_units, n_left, n_uncensored, n_right, dropped_units, log_likelihood, sigma_e, se_sigma_e, sigma_u, se_sigma_u, rho, lr_chibar2, p_chibar2, iterations, converged, n_params, aic, bic, quadrature, quadrature_points, lower, upper, x_means, offset_mean)::tobit_fit FROM bi_fit_template));
-- robust_std_errors NULL with vce cluster
SELECT * FROM tobit_coefficients((SELECT ROW(model, terms, estimates, std_errors, NULL, vcov, NULL, n_obs, n_units, n_left, n_uncensored, n_right, dropped_units, log_likelihood, sigma_e, se_sigma_e, sigma_u, se_sigma_u, rho, lr_chibar2, p_chibar2, iterations, converged, n_params, aic, bic, quadrature, quadrature_points, lower, upper, x_means, offset_mean)::tobit_fit FROM bi_fit_template), 'cluster');
-- NaN estimate, zero and negative standard errors
SELECT term, estimate, std_error, z, p_value FROM tobit_coefficients((SELECT ROW(model, terms, ARRAY['NaN'::float8] || estimates[2:], std_errors, robust_std_errors, vcov, robust_vcov, n_obs, n_units, n_left, n_uncensored, n_right, dropped_units, log_likelihood, sigma_e, se_sigma_e, sigma_u, se_sigma_u, rho, lr_chibar2, p_chibar2, iterations, converged, n_params, aic, bic, quadrature, quadrature_points, lower, upper, x_means, offset_mean)::tobit_fit FROM bi_fit_template));
SELECT term, z, p_value, stars FROM tobit_coefficients((SELECT ROW(model, terms, estimates, ARRAY[0, -1, 0]::float8[], robust_std_errors, vcov, robust_vcov, n_obs, n_units, n_left, n_uncensored, n_right, dropped_units, log_likelihood, sigma_e, se_sigma_e, sigma_u, se_sigma_u, rho, lr_chibar2, p_chibar2, iterations, converged, n_params, aic, bic, quadrature, quadrature_points, lower, upper, x_means, offset_mean)::tobit_fit FROM bi_fit_template));
-- vcov of the wrong size for marginal effects, x_means missing
SELECT count(*) FROM tobit_marginal_effects((SELECT ROW(model, terms, estimates, std_errors, robust_std_errors, vcov[1:3], robust_vcov, n_obs, n_units, n_left, n_uncensored, n_right, dropped_units, log_likelihood, sigma_e, se_sigma_e, sigma_u, se_sigma_u, rho, lr_chibar2, p_chibar2, iterations, converged, n_params, aic, bic, quadrature, quadrature_points, lower, upper, x_means, offset_mean)::tobit_fit FROM bi_fit_template));
SELECT count(*) FROM tobit_marginal_effects((SELECT ROW(model, terms, estimates, std_errors, robust_std_errors, vcov, robust_vcov, n_obs, n_units, n_left, n_uncensored, n_right, dropped_units, log_likelihood, sigma_e, se_sigma_e, sigma_u, se_sigma_u, rho, lr_chibar2, p_chibar2, iterations, converged, n_params, aic, bic, quadrature, quadrature_points, lower, upper, NULL, offset_mean)::tobit_fit FROM bi_fit_template));
-- marginal effects with sigma_e zero, negative, NaN, huge; lower >= upper in the fit
SELECT count(*) FILTER (WHERE m::text ~ 'NaN|Infinity') AS nonfinite FROM tobit_marginal_effects((SELECT ROW(model, terms, estimates, std_errors, robust_std_errors, vcov, robust_vcov, n_obs, n_units, n_left, n_uncensored, n_right, dropped_units, log_likelihood, 0, se_sigma_e, sigma_u, se_sigma_u, rho, lr_chibar2, p_chibar2, iterations, converged, n_params, aic, bic, quadrature, quadrature_points, lower, upper, x_means, offset_mean)::tobit_fit FROM bi_fit_template)) m;
SELECT count(*) FILTER (WHERE m::text ~ 'NaN|Infinity') AS nonfinite FROM tobit_marginal_effects((SELECT ROW(model, terms, estimates, std_errors, robust_std_errors, vcov, robust_vcov, n_obs, n_units, n_left, n_uncensored, n_right, dropped_units, log_likelihood, -1, se_sigma_e, sigma_u, se_sigma_u, rho, lr_chibar2, p_chibar2, iterations, converged, n_params, aic, bic, quadrature, quadrature_points, lower, upper, x_means, offset_mean)::tobit_fit FROM bi_fit_template)) m;
SELECT count(*) FILTER (WHERE m::text ~ 'NaN|Infinity') AS nonfinite FROM tobit_marginal_effects((SELECT ROW(model, terms, estimates, std_errors, robust_std_errors, vcov, robust_vcov, n_obs, n_units, n_left, n_uncensored, n_right, dropped_units, log_likelihood, 'NaN', se_sigma_e, sigma_u, se_sigma_u, rho, lr_chibar2, p_chibar2, iterations, converged, n_params, aic, bic, quadrature, quadrature_points, lower, upper, x_means, offset_mean)::tobit_fit FROM bi_fit_template)) m;
SELECT count(*) FILTER (WHERE m::text ~ 'NaN|Infinity') AS nonfinite FROM tobit_marginal_effects((SELECT ROW(model, terms, estimates, std_errors, robust_std_errors, vcov, robust_vcov, n_obs, n_units, n_left, n_uncensored, n_right, dropped_units, log_likelihood, 1e308, se_sigma_e, sigma_u, se_sigma_u, rho, lr_chibar2, p_chibar2, iterations, converged, n_params, aic, bic, quadrature, quadrature_points, lower, upper, x_means, offset_mean)::tobit_fit FROM bi_fit_template)) m;
SELECT count(*) FILTER (WHERE m::text ~ 'NaN|Infinity') AS nonfinite FROM tobit_marginal_effects((SELECT ROW(model, terms, estimates, std_errors, robust_std_errors, vcov, robust_vcov, n_obs, n_units, n_left, n_uncensored, n_right, dropped_units, log_likelihood, sigma_e, se_sigma_e, sigma_u, se_sigma_u, rho, lr_chibar2, p_chibar2, iterations, converged, n_params, aic, bic, quadrature, quadrature_points, 1, 0, x_means, offset_mean)::tobit_fit FROM bi_fit_template)) m;
-- marginal effects with estimates of 1e308 (the index overflows)
SELECT count(*) FILTER (WHERE m::text ~ 'NaN|Infinity') AS nonfinite FROM tobit_marginal_effects((SELECT ROW(model, terms, ARRAY[1e308, 1e308, 1e308]::float8[], std_errors, robust_std_errors, vcov, robust_vcov, n_obs, n_units, n_left, n_uncensored, n_right, dropped_units, log_likelihood, sigma_e, se_sigma_e, sigma_u, se_sigma_u, rho, lr_chibar2, p_chibar2, iterations, converged, n_params, aic, bic, quadrature, quadrature_points, lower, upper, x_means, offset_mean)::tobit_fit FROM bi_fit_template)) m;
-- model 'x', model NULL
SELECT * FROM tobit_summary((SELECT ROW('x', terms, estimates, std_errors, robust_std_errors, vcov, robust_vcov, n_obs, n_units, n_left, n_uncensored, n_right, dropped_units, log_likelihood, sigma_e, se_sigma_e, sigma_u, se_sigma_u, rho, lr_chibar2, p_chibar2, iterations, converged, n_params, aic, bic, quadrature, quadrature_points, lower, upper, x_means, offset_mean)::tobit_fit FROM bi_fit_template));
SELECT count(*) FROM tobit_coefficients((SELECT ROW(NULL, terms, estimates, std_errors, robust_std_errors, vcov, robust_vcov, n_obs, n_units, n_left, n_uncensored, n_right, dropped_units, log_likelihood, sigma_e, se_sigma_e, sigma_u, se_sigma_u, rho, lr_chibar2, p_chibar2, iterations, converged, n_params, aic, bic, quadrature, quadrature_points, lower, upper, x_means, offset_mean)::tobit_fit FROM bi_fit_template));
-- summary with negative counts and NaN likelihood
SELECT model, n_obs, log_likelihood, aic FROM tobit_summary((SELECT ROW(model, terms, estimates, std_errors, robust_std_errors, vcov, robust_vcov, -5, -1, n_left, n_uncensored, n_right, dropped_units, 'NaN', sigma_e, se_sigma_e, sigma_u, se_sigma_u, rho, lr_chibar2, p_chibar2, iterations, converged, n_params, aic, bic, quadrature, quadrature_points, lower, upper, x_means, offset_mean)::tobit_fit FROM bi_fit_template));
-- hausman with hand-made fits: a 're' fit whose vcov is too short, a 'fe' fit without slopes
SELECT * FROM tobit_hausman((SELECT fit FROM bi_fits WHERE model = 'fe'), (SELECT ROW('re', terms, estimates, std_errors, robust_std_errors, vcov[1:4], robust_vcov, n_obs, n_units, n_left, n_uncensored, n_right, dropped_units, log_likelihood, sigma_e, se_sigma_e, sigma_u, se_sigma_u, rho, lr_chibar2, p_chibar2, iterations, converged, n_params, aic, bic, quadrature, quadrature_points, lower, upper, x_means, offset_mean)::tobit_fit FROM bi_fit_template));
SELECT * FROM tobit_hausman((SELECT ROW('fe', '{}'::text[], '{}'::float8[], '{}'::float8[], '{}'::float8[], ARRAY[1]::float8[], ARRAY[1]::float8[], n_obs, n_units, n_left, n_uncensored, n_right, dropped_units, log_likelihood, sigma_e, se_sigma_e, sigma_u, se_sigma_u, rho, lr_chibar2, p_chibar2, iterations, converged, n_params, aic, bic, quadrature, quadrature_points, lower, upper, '{}'::float8[], offset_mean)::tobit_fit FROM bi_fit_template), (SELECT fit FROM bi_fits WHERE model = 're'));
-- hausman of a fit with itself relabelled (zero difference, singular V_fe - V_re)
SELECT chi2, df, positive_definite FROM tobit_hausman((SELECT ROW('fe', (fit).terms, (fit).estimates, (fit).std_errors, (fit).robust_std_errors, (fit).vcov, (fit).robust_vcov, (fit).n_obs, (fit).n_units, (fit).n_left, (fit).n_uncensored, (fit).n_right, (fit).dropped_units, (fit).log_likelihood, (fit).sigma_e, (fit).se_sigma_e, (fit).sigma_u, (fit).se_sigma_u, (fit).rho, (fit).lr_chibar2, (fit).p_chibar2, (fit).iterations, (fit).converged, (fit).n_params, (fit).aic, (fit).bic, (fit).quadrature, (fit).quadrature_points, (fit).lower, (fit).upper, (fit).x_means, (fit).offset_mean)::tobit_fit FROM bi_fits WHERE model = 're'), (SELECT fit FROM bi_fits WHERE model = 're'));
-- hausman with NaN in the covariance
SELECT count(*) FROM tobit_hausman((SELECT fit FROM bi_fits WHERE model = 'fe'), (SELECT ROW('re', (fit).terms, (fit).estimates, (fit).std_errors, (fit).robust_std_errors, array_fill('NaN'::float8, ARRAY[array_length((fit).vcov, 1)]), (fit).robust_vcov, (fit).n_obs, (fit).n_units, (fit).n_left, (fit).n_uncensored, (fit).n_right, (fit).dropped_units, (fit).log_likelihood, (fit).sigma_e, (fit).se_sigma_e, (fit).sigma_u, (fit).se_sigma_u, (fit).rho, (fit).lr_chibar2, (fit).p_chibar2, (fit).iterations, (fit).converged, (fit).n_params, (fit).aic, (fit).bic, (fit).quadrature, (fit).quadrature_points, (fit).lower, (fit).upper, (fit).x_means, (fit).offset_mean)::tobit_fit FROM bi_fits WHERE model = 're'));
-- hausman third argument NULL
SELECT count(*) FROM tobit_hausman((SELECT fit FROM bi_fits WHERE model = 'fe'), (SELECT fit FROM bi_fits WHERE model = 're'), NULL);
-- a moran_result built by hand is only a row type: field access works, nothing reads it
SELECT (ROW(NULL, -1, 'NaN', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::moran_result).islands;
--
-- ===================== support functions called directly (no value of type internal can be made in SQL)
SELECT regecon_internal.morans_i_combine(NULL::internal, NULL::internal);
SELECT regecon_internal.hhi_trans(NULL::internal, 1::float8);
SELECT regecon_internal.panel_tobit_final(NULL::internal);
SELECT regecon_internal.hhi_deserialize('\x00'::bytea, NULL::internal);
SELECT regecon_internal.hhi_serialize(NULL);
SELECT regecon_internal.cedi_entropy_combine(NULL, NULL);
-- the fixed-size bytea states (hhi_agg, martin_resilience_agg) take any bytes a caller
-- makes: a wrong length, version or aggregate is 22P03 (corrupt state), naming the aggregate
SELECT regecon_internal.hhi_fixed_trans('\x00'::bytea, 1);
SELECT regecon_internal.hhi_fixed_trans(''::bytea, 1);
SELECT regecon_internal.hhi_fixed_final(('\x0201' || repeat('00', 54))::bytea);
SELECT regecon_internal.hhi_fixed_final(('\x0102' || repeat('00', 54))::bytea);
SELECT regecon_internal.hhi_normalized_fixed_final(('\x0101' || repeat('00', 46) || 'ffffffffffffff7f')::bytea);
SELECT regecon_internal.hhi_fixed_combine(('\x0101' || repeat('00', 54))::bytea, '\x0101'::bytea);
SELECT regecon_internal.hhi_total_fixed_trans(('\x0104' || repeat('00', 46))::bytea, 1, 2);
SELECT regecon_internal.hhi_total_fixed_final(('\x0102' || repeat('00', 30))::bytea) IS NULL AS empty_is_null;
SELECT regecon_internal.martin_resilience_fixed_final(('\x0102' || repeat('00', 30))::bytea);
SELECT regecon_internal.martin_resilience_fixed_combine(('\x0104' || repeat('00', 46))::bytea, ('\x0101' || repeat('00', 54))::bytea);
SELECT regecon_internal.martin_resilience_fixed_trans(('\x0104' || repeat('00', 46))::bytea, -1, 1, 1, 2);
SELECT regecon_internal.hhi_fixed_trans(('\x0101' || repeat('00', 54))::bytea, 'NaN');
-- the per-unit step and the sum of panel_tobit_distributed, called with what a caller can make
SELECT regecon_internal.tobit_unit_terms(ARRAY[1, 2, 3]::float8[], 1, 0, NULL, 'pooled', ARRAY[0, 0, 0]::float8[], 'adaptive', 12, 2);
SELECT regecon_internal.tobit_unit_terms(ARRAY[1, 2]::float8[], -1, 0, NULL, 'pooled', ARRAY[0, 0]::float8[], 'adaptive', 12, 2);
SELECT regecon_internal.tobit_unit_terms(ARRAY[1, 2]::float8[], 1, 0, NULL, 'pooled', ARRAY[0, 0]::float8[], 'adaptive', 12, 2);
SELECT regecon_internal.tobit_unit_terms(ARRAY[1, 2]::float8[], 1, 0, NULL, 'fe', ARRAY[0, 0, 0]::float8[], 'adaptive', 12, 2);
SELECT regecon_internal.tobit_unit_terms(ARRAY[1, 2]::float8[], 1, 0, NULL, 'pooled', ARRAY[0, 0, 0]::float8[], 'adaptive', 0, 2);
SELECT regecon_internal.tobit_unit_terms(ARRAY[1, 2]::float8[], 1, 0, NULL, 'pooled', ARRAY[0, 0, 0]::float8[], 'adaptive', 12, 7);
SELECT regecon_internal.tobit_unit_terms(ARRAY[1, NULL]::float8[], 1, 0, NULL, 'pooled', ARRAY[0, 0, 0]::float8[], 'adaptive', 12, 2);
SELECT regecon_internal.tobit_unit_terms(ARRAY[1, 'NaN']::float8[], 1, 0, NULL, 'pooled', ARRAY[0, 0, 0]::float8[], 'adaptive', 12, 2);
SELECT regecon_internal.tobit_unit_terms(ARRAY[1, 2]::float8[], 1, 0, NULL, 'pooled', ARRAY[0, 'Infinity', 0]::float8[], 'adaptive', 12, 2);
SELECT regecon_internal.tobit_unit_terms(ARRAY[1, 2]::float8[], 1, 3, 1, 'pooled', ARRAY[0, 0, 0]::float8[], 'adaptive', 12, 2);
SELECT regecon_internal.tobit_unit_terms(NULL, 1, 0, NULL, 're', ARRAY[0, 0, 0, 0]::float8[], 'adaptive', 12, 2) AS no_rows;
SELECT regecon_internal.tobit_unit_terms(ARRAY[1e300, 2]::float8[], 1, 0, NULL, 're', ARRAY[0, 0, 0, 0]::float8[], 'adaptive', 12, 0) IS NULL AS overflow_is_null;
SELECT regecon_internal.tobit_sum(v) FROM (VALUES (ARRAY[1, 2]::float8[]), (ARRAY[1, 2, 3]::float8[])) t(v);
SELECT regecon_internal.tobit_sum(v) FROM (VALUES (ARRAY[1e308, 2]::float8[]), (ARRAY[1e308, 3]::float8[])) t(v);
SELECT regecon_internal.tobit_sum(v) FROM (VALUES (ARRAY[1, 2]::float8[]), (NULL), (ARRAY[1e-20, -2]::float8[])) t(v);
SELECT regecon_internal.tobit_sum_combine(ARRAY[1, 2, 3]::float8[], ARRAY[1, 2]::float8[]);
SELECT regecon_internal.tobit_sum_final(ARRAY[1, 2, 3]::float8[]);
-- a NaN or infinite word in a hand-made state is refused when the result is read, never returned
SELECT regecon_internal.hhi_fixed_final(('\x0101' || '0100000000000000' || '000000000000f87f' || repeat('00', 32))::bytea);
-- called directly, the functions return a new value and leave their argument alone
WITH s AS (SELECT ('\x0101' || repeat('00', 54))::bytea AS b)
SELECT regecon_internal.hhi_fixed_final(regecon_internal.hhi_fixed_trans(b, 2)) AS one_value, b = ('\x0101' || repeat('00', 54))::bytea AS unchanged FROM s;
--
DROP TABLE bi_w, bi_v, bi_w_nullsrc, bi_w_nulldst, bi_w_nullw, bi_w_wrongcols, bi_w_textcols, bi_w_nan,
  bi_w_inf, bi_w_neg, bi_w_zero, bi_w_big, bi_w_tiny, bi_w_self, bi_w_dup, bi_w_empty, bi_w_stranger,
  bi_w_hugeid, bi_w_bigtext, bi_panel, bi_fits, bi_fit_template CASCADE;
