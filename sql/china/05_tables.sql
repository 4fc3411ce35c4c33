-- regecon: the paper's tables in the terminal (run after 03_pipeline.sql).
\pset footer off
\echo
\echo '== Table 1 analogue: global Moran''s I of the coupling degree D per year'
\echo '   row-standardised weights; z and pseudo p from 999 permutations (GeoDa''s convention):'
\echo '   p = (1 + #{I_perm >= I}) / 1000; *** p < 0.01, ** p < 0.05, * p < 0.1'
SELECT k.year,
       to_char(k.i, 'FM990.000') || CASE WHEN k.p_sim < 0.01 THEN '***' WHEN k.p_sim < 0.05 THEN '**' WHEN k.p_sim < 0.1 THEN '*' ELSE '' END AS "I (KNN k=4)",
       to_char(k.z_sim, 'FM990.00') AS "z", to_char(k.p_sim, 'FM0.000') AS "p",
       to_char(b.i, 'FM990.000') || CASE WHEN b.p_sim < 0.01 THEN '***' WHEN b.p_sim < 0.05 THEN '**' WHEN b.p_sim < 0.1 THEN '*' ELSE '' END AS "I (distance band)",
       to_char(b.z_sim, 'FM990.00') AS "z ", to_char(b.p_sim, 'FM0.000') AS "p "
FROM china.table1 k JOIN china.table1 b ON b.year = k.year AND b.weights = 'band'
WHERE k.weights = 'knn4' ORDER BY k.year;

\echo '== Provinces by coordination class (D < 0.3 low, < 0.5 moderate, >= 0.5 high)'
SELECT year, count(*) FILTER (WHERE class = 'low') AS low, count(*) FILTER (WHERE class = 'moderate') AS moderate,
       count(*) FILTER (WHERE class = 'high') AS high, to_char(avg(d), 'FM0.000') AS mean_d
FROM china.coupling GROUP BY year ORDER BY year;

\echo '== Table 2 analogue: random-effects panel Tobit of D (censored to [0, 1]), by region'
\echo '   estimate with stars (*** 1 %, ** 5 %, * 10 %) over (standard error); planted: the generator''s value'
WITH cell AS (
  SELECT term, term_order, grp, to_char(estimate, 'FM9990.0000') || stars AS est,
         '(' || to_char(std_error, 'FM9990.0000') || ')' AS se, planted
  FROM china.table2)
SELECT CASE WHEN l.line = 1 THEN c.term ELSE '' END AS term,
       max(CASE WHEN grp = 'Total' THEN CASE l.line WHEN 1 THEN est ELSE se END END) AS "Total",
       max(CASE WHEN grp = 'Total' AND l.line = 1 THEN to_char(planted, 'FM9990.0000') END) AS planted,
       max(CASE WHEN grp = 'East' THEN CASE l.line WHEN 1 THEN est ELSE se END END) AS "East",
       max(CASE WHEN grp = 'West' THEN CASE l.line WHEN 1 THEN est ELSE se END END) AS "West",
       max(CASE WHEN grp = 'Centre' THEN CASE l.line WHEN 1 THEN est ELSE se END END) AS "Centre",
       max(CASE WHEN grp = 'Northeast' THEN CASE l.line WHEN 1 THEN est ELSE se END END) AS "Northeast",
       max(CASE WHEN grp = 'Coast' THEN CASE l.line WHEN 1 THEN est ELSE se END END) AS "Coast",
       max(CASE WHEN grp = 'Inland' THEN CASE l.line WHEN 1 THEN est ELSE se END END) AS "Inland"
FROM cell c CROSS JOIN (VALUES (1), (2)) l(line)
GROUP BY c.term, c.term_order, l.line ORDER BY c.term_order, l.line;
SELECT grp, n_obs AS n, n_units AS units, n_left AS "at 0", n_right AS "at 1",
       to_char(log_likelihood, 'FM99990.00') AS "ln L", to_char(sigma_u, 'FM0.0000') AS sigma_u,
       to_char(sigma_e, 'FM0.0000') AS sigma_e, to_char(rho, 'FM0.000') AS rho,
       to_char(lr_chibar2, 'FM99990.00') AS "LR chibar2", to_char(p_chibar2, 'FM0.000') AS p
FROM china.table2_summary ORDER BY grp_order;
