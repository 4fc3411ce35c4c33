-- Grouped by anything but the distribution column (or not grouped), Citus can
-- only split an aggregate whose transition state it can ship: hhi_agg(value)
-- and hhi_normalized_agg, hhi_agg(value, total) and martin_resilience_agg keep a bytea state, and their partial states are
-- computed on the shards (06_partial_aggregation); the other aggregates keep
-- an `internal` state, so the shards send every row and the coordinator
-- aggregates them (docs/citus.md).

-- the same concentration indices, from the table distributed by province
CREATE TABLE got_ind2 AS
SELECT industry_code, year, hhi_agg(employees) AS hhi, hhi_normalized_agg(employees) AS hhi_norm,
       hhi_agg(employees, industry_total) AS hhi_total, spatial_gini_agg(employees, province_total) AS gini
FROM emp_by_province GROUP BY industry_code, year;
SELECT count(*) AS groups,
       max(rel_err) < 1e-12 AS within_1e_12
FROM (SELECT greatest(abs(g.hhi - w.hhi) / w.hhi, abs(g.hhi_norm - w.hhi_norm) / w.hhi_norm,
                      abs(g.hhi_total - w.hhi_total) / w.hhi_total, abs(g.gini - w.gini) / w.gini) AS rel_err
      FROM want_ind w FULL JOIN got_ind2 g USING (industry_code, year)) d;

-- a panel-wide statistic over the distributed yearbook, no grouping
CREATE TABLE got_panel AS SELECT hhi_agg(gdp) AS hhi, cedi_entropy(ARRAY[so2 / gdp, wastewater / gdp, dust / gdp]) AS g
FROM yearbook;
CREATE TABLE want_panel AS SELECT hhi_agg(gdp) AS hhi, cedi_entropy(ARRAY[so2 / gdp, wastewater / gdp, dust / gdp]) AS g
FROM local_yearbook;
SELECT abs(g.hhi - w.hhi) / w.hhi < 1e-12 AS hhi_within_1e_12,
       (SELECT max(abs(a - b) / b) FROM unnest(g.g, w.g) u(a, b)) < 1e-12 AS cedi_within_1e_12
FROM got_panel g, want_panel w;

-- where each aggregate runs when the grouping is not the distribution column
SELECT agg, citus_strategy(q, agg) FROM (VALUES
    ('hhi_agg', 'SELECT year, hhi_agg(employees) FROM emp_by_industry GROUP BY 1'),
    ('hhi_agg', 'SELECT year, hhi_agg(employees, industry_total) FROM emp_by_industry GROUP BY 1'),
    ('hhi_normalized_agg', 'SELECT year, hhi_normalized_agg(employees) FROM emp_by_industry GROUP BY 1'),
    ('spatial_gini_agg', 'SELECT year, spatial_gini_agg(employees, province_total) FROM emp_by_industry GROUP BY 1'),
    ('krugman_index_agg', 'SELECT year, krugman_index_agg(employees, industry_total) FROM emp_by_industry GROUP BY 1'),
    ('martin_resilience_agg', 'SELECT year, martin_resilience_agg(employees, employees_base, industry_total, industry_total_base) FROM emp_by_industry GROUP BY 1'),
    ('cedi_entropy', 'SELECT year, cedi_entropy(ARRAY[so2, wastewater, dust]) FROM yearbook GROUP BY 1'),
    ('indicator_entropy', 'SELECT year, indicator_entropy(ARRAY[so2, wastewater, dust]) FROM yearbook GROUP BY 1'),
    ('panel_tobit', $$SELECT panel_tobit(gdp / population, ARRAY[fdi / gdp], province_id, 0, 'infinity', 'pooled') FROM yearbook$$),
    ('sum', 'SELECT year, sum(employees * employees) / sum(employees) ^ 2 FROM emp_by_industry GROUP BY 1')
) v(agg, q);
SELECT * FROM citus_plan('SELECT year, spatial_gini_agg(employees, province_total) FROM emp_by_industry GROUP BY 1');
SELECT * FROM citus_plan('SELECT year, sum(employees * employees) / sum(employees) ^ 2 FROM emp_by_industry GROUP BY 1');

-- Without the coordinator fallback the query is refused.
SET citus.coordinator_aggregation_strategy = 'disabled';
SELECT error_of('SELECT year, hhi_agg(employees) FROM emp_by_industry GROUP BY 1');
SELECT error_of('SELECT year, cedi_entropy(ARRAY[so2, wastewater, dust]) FROM yearbook GROUP BY 1');
RESET citus.coordinator_aggregation_strategy;
