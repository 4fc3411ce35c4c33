-- regecon: the paper's study as SQL, stages 2-4: from the yearbook tables to
-- Table 1 (Moran's I per year) and Table 2 (panel Tobit per region).
--
-- Every stage is a materialized view with a unique index, so a new year of
-- data flows through with china.refresh() (REFRESH ... CONCURRENTLY: readers
-- are never blocked), scheduled by 04_schedule.sql. Read top to bottom; each
-- stage names the paper's equation and the function that computes it.

-- Stage 2a. Relative resilience (Martin et al. 2016; paper eqs. 1-4): each
-- province's GDP growth over one year against the nation's (the sum of the
-- provinces), (g_i - g_r) / |g_r|.
CREATE MATERIALIZED VIEW china.resilience AS
WITH nat AS (SELECT year, sum(gdp) AS gdp FROM china.yearbook GROUP BY year)
SELECT y.province_id, y.year, y.gdp,
       martin_resilience(y.gdp, b.gdp, n.gdp, nb.gdp) AS resilience
FROM china.yearbook y
JOIN china.yearbook b ON b.province_id = y.province_id AND b.year = y.year - 1
JOIN nat n ON n.year = y.year
JOIN nat nb ON nb.year = y.year - 1;
CREATE UNIQUE INDEX ON china.resilience (province_id, year);

-- Stage 2b. Industrial agglomeration (eq. 5): the HHI of each province's
-- employment over the 27 two-digit industries, sum_j (l_ij / l_i)^2 (for the
-- printed form with national industry totals use hhi_agg(employees, total)).
CREATE MATERIALIZED VIEW china.agglomeration AS
SELECT province_id, year, hhi_agg(employees) AS hhi, sum(employees) AS emp_total
FROM china.industry_employment
GROUP BY province_id, year;
CREATE UNIQUE INDEX ON china.agglomeration (province_id, year);

-- Stage 2c. Comprehensive environmental damage index (eqs. 6-9): EDI per
-- pollutant (share of national emissions over share of national GDP), entropy
-- weights per year, CEDI the weighted sum.
CREATE MATERIALIZED VIEW china.cedi AS
WITH tot AS (SELECT year, sum(gdp) AS gdp, sum(so2) AS so2, sum(wastewater) AS wastewater, sum(dust) AS dust
             FROM china.yearbook GROUP BY year),
e AS (SELECT y.province_id, y.year,
             ARRAY[edi(y.so2, t.so2, y.gdp, t.gdp), edi(y.wastewater, t.wastewater, y.gdp, t.gdp),
                   edi(y.dust, t.dust, y.gdp, t.gdp)] AS edi
      FROM china.yearbook y JOIN tot t USING (year)),
w AS (SELECT year, cedi_entropy(edi) AS weights FROM e GROUP BY year)
SELECT e.province_id, e.year, e.edi, w.weights, cedi(e.edi, w.weights) AS cedi
FROM e JOIN w USING (year);
CREATE UNIQUE INDEX ON china.cedi (province_id, year);

-- Stage 3. Coupling coordination of the two systems (docs/methods.md section 4):
-- both scores min-max normalised over the whole panel, then C, T and D, and
-- the paper's classes (low < 0.3 <= moderate < 0.5 <= high).
CREATE MATERIALIZED VIEW china.coupling AS
WITH s AS (SELECT r.province_id, r.year, a.hhi, r.resilience
           FROM china.resilience r JOIN china.agglomeration a USING (province_id, year)),
u AS (SELECT s.*, min_max_scale(hhi, min(hhi) OVER (), max(hhi) OVER ()) AS u1,
             min_max_scale(resilience, min(resilience) OVER (), max(resilience) OVER ()) AS u2
      FROM s),
cc AS (SELECT u.*, coupling_coordination(ARRAY[u1, u2]) AS r FROM u)
SELECT province_id, year, hhi, resilience, u1, u2, (r).c, (r).t, (r).d, coupling_class((r).d) AS class
FROM cc;
CREATE UNIQUE INDEX ON china.coupling (province_id, year);

-- Stage 4a. Spatial weights as relations, built once from the capitals'
-- coordinates (great-circle km): k = 4 nearest neighbours, and a distance
-- band at the smallest threshold that leaves no province without a neighbour
-- (GeoDa's default band: the largest nearest-neighbour distance).
CREATE MATERIALIZED VIEW china.w_knn4 AS
SELECT src, dst, weight, distance
FROM knn_weights((SELECT array_agg(province_id ORDER BY province_id) FROM china.provinces),
                 (SELECT array_agg(lon ORDER BY province_id) FROM china.provinces),
                 (SELECT array_agg(lat ORDER BY province_id) FROM china.provinces), 4, 'great_circle');
CREATE UNIQUE INDEX ON china.w_knn4 (src, dst);
CREATE MATERIALIZED VIEW china.w_band AS
WITH p AS (SELECT array_agg(province_id ORDER BY province_id) AS ids, array_agg(lon ORDER BY province_id) AS lon,
                  array_agg(lat ORDER BY province_id) AS lat FROM china.provinces)
SELECT w.src, w.dst, w.weight, w.distance
FROM p, distance_band_weights(p.ids, p.lon, p.lat,
         (SELECT max(distance) FROM knn_weights(p.ids, p.lon, p.lat, 1, 'great_circle')) * (1 + 1e-12),
         'great_circle') w;
CREATE UNIQUE INDEX ON china.w_band (src, dst);

-- Stage 4b. Table 1: global Moran's I of D per year under both weights (row-
-- standardised, as GeoDa), with the analytic inference and GeoDa's
-- permutation z and pseudo p from 999 permutations (seeded: reproducible).
CREATE MATERIALIZED VIEW china.table1 AS
WITH m AS (
    SELECT year, 'knn4'::text AS weights, morans_i(province_id, d, 'china.w_knn4', 999, 2022) AS r
    FROM china.coupling GROUP BY year
    UNION ALL
    SELECT year, 'band', morans_i(province_id, d, 'china.w_band', 999, 2022)
    FROM china.coupling GROUP BY year)
SELECT year, weights, (r).n, (r).i, (r).expected, (r).z_norm, (r).p_norm, (r).mean_sim, (r).sd_sim,
       (r).z_sim, (r).p_sim
FROM m;
CREATE UNIQUE INDEX ON china.table1 (year, weights);

-- Stage 4c. LISA clusters per year (k = 4 weights, 999 conditional
-- permutations), with the standardised D and its spatial lag for the Moran
-- scatter plot.
CREATE MATERIALIZED VIEW china.lisa AS
WITH y AS (SELECT year, array_agg(province_id ORDER BY province_id) AS ids, array_agg(d ORDER BY province_id) AS ds,
                  avg(d ORDER BY province_id) AS mean, stddev_pop(d ORDER BY province_id) AS sd
           FROM china.coupling GROUP BY year)
SELECT y.year, 'knn4'::text AS weights, l.id AS province_id, c.d, (c.d - y.mean) / y.sd AS z,
       (l.lag - y.mean) / y.sd AS lag, l.ii, l.quadrant, l.p_sim
FROM y CROSS JOIN LATERAL local_moran(y.ids, y.ds, 'china.w_knn4', 999, 2022) l
JOIN china.coupling c ON c.province_id = l.id AND c.year = y.year;
CREATE UNIQUE INDEX ON china.lisa (year, weights, province_id);

-- Stage 5a. The influencing factors (docs/methods.md section 6, Table 2's regressors).
CREATE MATERIALIZED VIEW china.factors AS
WITH nat AS (SELECT year, sum(retail_sales) AS retail FROM china.yearbook GROUP BY year)
SELECT c.province_id, c.year, p.region, p.coastal, c.d,
       ln(e.cedi) AS ln_hsh,                              -- ln CEDI
       y.fdi / y.gdp AS fdi,                              -- FDI share of GDP
       y.retail_sales / n.retail AS mar,                  -- share of national retail sales
       y.highway_km / y.population AS tra,                -- highway km per 10,000 persons
       ln(y.gdp / p.area_km2) AS ln_den,                  -- ln GDP per km2
       ln(y.ind_fixed_assets / y.ind_employees) AS ln_cin, -- ln fixed assets per industrial employee
       ln(y.st_spending) AS ln_tec,                       -- ln science and technology spending
       ln(y.gdp / a.emp_total) AS ln_pro                  -- ln labour productivity
FROM china.coupling c
JOIN china.yearbook y USING (province_id, year)
JOIN china.provinces p USING (province_id)
JOIN china.cedi e USING (province_id, year)
JOIN china.agglomeration a USING (province_id, year)
JOIN nat n USING (year);
CREATE UNIQUE INDEX ON china.factors (province_id, year);

-- Stage 5b. Table 2: a random-effects panel Tobit of D censored to [0, 1],
-- for the whole country and each regional subset, from one grouped query.
CREATE MATERIALIZED VIEW china.tobit_fits AS
SELECT CASE WHEN GROUPING(region) = 0 THEN region
            WHEN GROUPING(coastal) = 0 THEN CASE WHEN coastal THEN 'Coast' ELSE 'Inland' END
            ELSE 'Total' END AS grp,
       panel_tobit(d, ARRAY[ln_hsh, fdi, mar, tra, ln_den, ln_cin, ln_tec, ln_pro], province_id, 0, 1, 're',
                   ARRAY['ln_hsh', 'fdi', 'mar', 'tra', 'ln_den', 'ln_cin', 'ln_tec', 'ln_pro']) AS fit
FROM china.factors
GROUP BY GROUPING SETS ((), (region), (coastal));
CREATE UNIQUE INDEX ON china.tobit_fits (grp);

-- Table 2 in long form: one row per group and term, with the planted value
-- (synthetic data) for the whole country.
CREATE VIEW china.table2 AS
SELECT f.grp, g.ord AS grp_order, c.term, c.ord::int AS term_order, c.estimate, c.std_error, c.z, c.p_value, c.stars,
       CASE WHEN f.grp = 'Total' THEN pl.value END AS planted
FROM china.tobit_fits f
JOIN (VALUES ('Total', 1), ('East', 2), ('West', 3), ('Centre', 4), ('Northeast', 5), ('Coast', 6), ('Inland', 7)) g(grp, ord)
  ON g.grp = f.grp
CROSS JOIN LATERAL tobit_coefficients(f.fit) WITH ORDINALITY c(term, estimate, std_error, z, p_value, stars, ci_lower, ci_upper, ord)
LEFT JOIN china.planted pl ON pl.term = c.term;

CREATE VIEW china.table2_summary AS
SELECT f.grp, g.ord AS grp_order, s.model, s.n_obs, s.n_units, s.n_left, s.n_uncensored, s.n_right,
       s.log_likelihood, s.sigma_u, s.sigma_e, s.rho, s.lr_chibar2, s.p_chibar2, s.converged
FROM china.tobit_fits f
JOIN (VALUES ('Total', 1), ('East', 2), ('West', 3), ('Centre', 4), ('Northeast', 5), ('Coast', 6), ('Inland', 7)) g(grp, ord)
  ON g.grp = f.grp
CROSS JOIN LATERAL tobit_summary(f.fit) s;

-- Refresh every stage in order, without blocking readers; returns the
-- number of views refreshed. Scheduled by 04_schedule.sql.
-- The search_path is pinned (pg_cron and pg_restore may run it with an empty
-- one) and every name in it is qualified.
CREATE FUNCTION china.refresh() RETURNS int LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v text;
    n int := 0;
BEGIN
    FOREACH v IN ARRAY ARRAY['resilience', 'agglomeration', 'cedi', 'coupling', 'w_knn4', 'w_band', 'table1',
                             'lisa', 'factors', 'tobit_fits'] LOOP
        EXECUTE pg_catalog.format('REFRESH MATERIALIZED VIEW CONCURRENTLY china.%I', v);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;
