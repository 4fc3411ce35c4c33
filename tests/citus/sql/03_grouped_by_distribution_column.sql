-- Grouped by the distribution column, every group lives on one shard: Citus
-- runs the whole aggregate there, and the results equal the local ones exactly.

-- concentration of each industry across provinces, per year (by industry)
CREATE TABLE want_ind AS
SELECT industry_code, year, hhi_agg(employees) AS hhi, hhi_normalized_agg(employees) AS hhi_norm,
       hhi_agg(employees, industry_total) AS hhi_total, spatial_gini_agg(employees, province_total) AS gini
FROM local_emp GROUP BY industry_code, year;
CREATE TABLE got_ind AS
SELECT industry_code, year, hhi_agg(employees) AS hhi, hhi_normalized_agg(employees) AS hhi_norm,
       hhi_agg(employees, industry_total) AS hhi_total, spatial_gini_agg(employees, province_total) AS gini
FROM emp_by_industry GROUP BY industry_code, year;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE w.hhi = g.hhi) AS hhi_equal,
       count(*) FILTER (WHERE w.hhi_norm = g.hhi_norm) AS hhi_norm_equal,
       count(*) FILTER (WHERE w.hhi_total = g.hhi_total) AS hhi_total_equal,
       count(*) FILTER (WHERE w.gini = g.gini) AS gini_equal
FROM want_ind w FULL JOIN got_ind g USING (industry_code, year);

-- specialisation and relative resilience of each province, per year (by province)
CREATE TABLE want_prov AS
SELECT province_id, year, krugman_index_agg(employees, industry_total) AS krugman, hhi_agg(employees) AS hhi,
       martin_resilience_agg(employees, employees_base, industry_total, industry_total_base) AS resilience
FROM local_emp GROUP BY province_id, year;
CREATE TABLE got_prov AS
SELECT province_id, year, krugman_index_agg(employees, industry_total) AS krugman, hhi_agg(employees) AS hhi,
       martin_resilience_agg(employees, employees_base, industry_total, industry_total_base) AS resilience
FROM emp_by_province GROUP BY province_id, year;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE w.krugman = g.krugman) AS krugman_equal,
       count(*) FILTER (WHERE w.hhi = g.hhi) AS hhi_equal,
       count(*) FILTER (WHERE w.resilience IS NOT DISTINCT FROM g.resilience) AS resilience_equal,
       count(*) FILTER (WHERE w.resilience IS NULL) AS resilience_null
FROM want_prov w FULL JOIN got_prov g USING (province_id, year);

-- entropy weights of each province's damage indices over the years (by province)
CREATE TABLE want_ent AS
SELECT province_id, cedi_entropy(ARRAY[so2 / gdp, wastewater / gdp, dust / gdp]) AS g
FROM local_yearbook GROUP BY province_id;
CREATE TABLE got_ent AS
SELECT province_id, cedi_entropy(ARRAY[so2 / gdp, wastewater / gdp, dust / gdp]) AS g
FROM yearbook GROUP BY province_id;
SELECT count(*) AS groups, count(*) FILTER (WHERE w.g = g.g) AS equal
FROM want_ent w FULL JOIN got_ent g USING (province_id);

-- where each ran: the whole aggregate on the shards
SELECT agg, citus_strategy(q, agg) FROM (VALUES
    ('hhi_agg', 'SELECT industry_code, year, hhi_agg(employees) FROM emp_by_industry GROUP BY 1, 2'),
    ('hhi_normalized_agg', 'SELECT industry_code, year, hhi_normalized_agg(employees) FROM emp_by_industry GROUP BY 1, 2'),
    ('spatial_gini_agg', 'SELECT industry_code, year, spatial_gini_agg(employees, province_total) FROM emp_by_industry GROUP BY 1, 2'),
    ('krugman_index_agg', 'SELECT province_id, year, krugman_index_agg(employees, industry_total) FROM emp_by_province GROUP BY 1, 2'),
    ('martin_resilience_agg', 'SELECT province_id, year, martin_resilience_agg(employees, employees_base, industry_total, industry_total_base) FROM emp_by_province GROUP BY 1, 2'),
    ('cedi_entropy', 'SELECT province_id, cedi_entropy(ARRAY[so2, wastewater, dust]) FROM yearbook GROUP BY 1')
) v(agg, q);
SELECT * FROM citus_plan('SELECT industry_code, year, hhi_agg(employees) FROM emp_by_industry GROUP BY 1, 2');
