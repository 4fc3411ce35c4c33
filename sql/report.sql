-- regecon: the HTML report of the paper's study (Zheng et al. 2022), written
-- by psql alone from the pipeline's views in schema china (03_pipeline.sql):
--   psql -X -v ON_ERROR_STOP=1 -d DB -f sql/report.sql -o report.html
-- (scripts/report.sh does this). The output is one self-contained document:
-- inline CSS and inline SVG drawn here with string aggregation, no script,
-- no external font or image. Every text that comes from the data is escaped.
--
-- Reads: china.provinces, china.coupling, china.table1, china.lisa,
-- china.table2, china.table2_summary, china.run_info. Built-in SQL only.
\set QUIET on
\pset format unaligned
\pset tuples_only on
\pset footer off
\pset pager off
\pset null ''
-- HTML escaping as a pair of macros around an expression: :html_ x :_html
\set html_ 'replace(replace(replace(replace(replace(('
\set _html ')::text, ''&'', ''&amp;''), ''<'', ''&lt;''), ''>'', ''&gt;''), ''"'', ''&quot;''), '''''''', ''&#39;'')'
-- short province codes (ISO 3166-2:CN) for map tiles and scatter labels;
-- other names fall back to their first three letters
CREATE TEMP VIEW abbr(name, code) AS VALUES
    ('Beijing', 'BJ'), ('Tianjin', 'TJ'), ('Hebei', 'HE'), ('Shanxi', 'SX'), ('Inner Mongolia', 'NM'),
    ('Liaoning', 'LN'), ('Jilin', 'JL'), ('Heilongjiang', 'HL'), ('Shanghai', 'SH'), ('Jiangsu', 'JS'),
    ('Zhejiang', 'ZJ'), ('Anhui', 'AH'), ('Fujian', 'FJ'), ('Jiangxi', 'JX'), ('Shandong', 'SD'), ('Henan', 'HA'),
    ('Hubei', 'HB'), ('Hunan', 'HN'), ('Guangdong', 'GD'), ('Guangxi', 'GX'), ('Hainan', 'HI'), ('Chongqing', 'CQ'),
    ('Sichuan', 'SC'), ('Guizhou', 'GZ'), ('Yunnan', 'YN'), ('Tibet', 'XZ'), ('Xizang', 'XZ'), ('Shaanxi', 'SN'),
    ('Gansu', 'GS'), ('Qinghai', 'QH'), ('Ningxia', 'NX'), ('Xinjiang', 'XJ');
BEGIN TRANSACTION READ ONLY;

-- ---------------------------------------------------------------- header
WITH span AS (SELECT min(year) AS y0, max(year) AS y1, count(DISTINCT province_id) AS n FROM china.coupling),
info AS (
    SELECT coalesce(string_agg(format('<tr><th scope="row">%s</th><td>%s</td></tr>', :html_ key :_html, :html_ coalesce(value, '') :_html),
                               E'\n' ORDER BY array_position(ARRAY['generated_at', 'data', 'regecon_version', 'postgres_version',
                                                                   'pipeline_ms'], key), key),
                    '<tr><td colspan="2">(china.run_info is empty)</td></tr>') AS rows
    FROM china.run_info)
SELECT format($html$<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>regecon: coupling of industrial agglomeration and economic resilience, China %2$s-%3$s (synthetic data)</title>
<style>
:root { color-scheme: light; }
body { margin: 0; background: #f4f4f1; color: #1b1b1b; font: 15px/1.45 "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; }
main { max-width: 900px; margin: 0 auto; padding: 16px 20px 32px; background: #fff; box-sizing: border-box; }
h1 { font-size: 1.45em; line-height: 1.25; margin: 0.4em 0 0.3em; }
h2 { font-size: 1.15em; margin: 1.8em 0 0.3em; padding-top: 0.6em; border-top: 1px solid #ddd; }
p.sub { margin: 0 0 0.8em; color: #444; }
p.note, figcaption { color: #444; font-size: 0.88em; margin: 0.3em 0 0.6em; }
.synthetic { border: 2px solid #b35806; background: #fff4e6; padding: 8px 12px; margin: 10px 0 14px; }
.synthetic strong { color: #8a3b00; }
figure { margin: 0.4em 0 0.8em; }
svg { display: block; max-width: 100%%; height: auto; font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
svg text { fill: #222; }
.maps { display: flex; justify-content: space-between; gap: 6px; }
.maps figure { margin: 0; flex: 1 1 0; min-width: 0; }
table { border-collapse: collapse; font-size: 0.86em; margin: 0.4em 0 0.6em; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 7px; text-align: right; vertical-align: top; }
thead th { border-bottom: 1px solid #555; text-align: center; }
thead tr:first-child th { border-top: 2px solid #222; }
tbody tr:last-child td, tbody tr:last-child th { border-bottom: 2px solid #222; }
th[scope="row"] { text-align: left; font-weight: 600; }
table.info th, table.info td { text-align: left; border: 0; padding: 1px 10px 1px 0; }
table.info th { font-weight: 600; color: #444; }
table.t1 { width: 100%%; }
table.t2 { width: 100%%; }
table.t2 td .se { display: block; color: #555; }
td .st { display: inline-block; width: 1.7em; text-align: left; }
table.t2 tr.planted td, table.t2 tr.planted th { color: #8a3b00; font-style: italic; font-size: 0.92em; padding-top: 0; }
table.t2 tr.sum1 td, table.t2 tr.sum1 th { border-top: 1px solid #555; }
.codes { font-size: 0.8em; color: #444; column-count: 4; column-gap: 14px; margin: 0.2em 0 0.6em; }
.codes span { display: block; }
.codes b { display: inline-block; width: 2.2em; }
footer { margin-top: 2em; border-top: 1px solid #ddd; padding-top: 0.6em; font-size: 0.88em; color: #444; }
code { background: #f0f0ec; padding: 0 3px; }
</style>
</head>
<body>
<main>
<h1>Coupling of industrial agglomeration and regional economic resilience: China's %1$s provinces, %2$s&#8211;%3$s</h1>
<p class="sub">A reproduction of Zheng, Zhu, Pei &amp; Wang (2022) run inside PostgreSQL with the regecon extension: coupling coordination degree, spatial autocorrelation (global and local Moran's I) and a panel Tobit of the influencing factors.</p>
<div class="synthetic"><strong>SYNTHETIC DATA.</strong> Every number in this report comes from the synthetic yearbook generated by data/china_yearbook/generate.py; not official statistics. Patterns and coefficients are planted by the generator and say nothing about China's provinces.</div>
<table class="info"><tbody>
%4$s
</tbody></table>$html$,
    coalesce(span.n::text, '?'), coalesce(span.y0::text, '?'), coalesce(span.y1::text, '?'), info.rows)
FROM span, info;

-- ------------------------------------------------- Fig. 2: D over time by region
WITH m AS (
    SELECT p.region AS series, c.year, avg(c.d) AS d
    FROM china.coupling c JOIN china.provinces p USING (province_id)
    WHERE c.d IS NOT NULL GROUP BY p.region, c.year
    UNION ALL
    SELECT 'National mean', year, avg(d) FROM china.coupling WHERE d IS NOT NULL GROUP BY year),
s(series, ord, colour, width, dash) AS (VALUES
    ('East', 1, '#0072B2', 2.2, ''), ('Centre', 2, '#E69F00', 2.2, ''), ('West', 3, '#009E73', 2.2, ''),
    ('Northeast', 4, '#CC79A7', 2.2, ''), ('National mean', 5, '#000000', 3.2, '7 4')),
ss AS (  -- any other region name still gets a line, in grey
    SELECT DISTINCT m.series, coalesce(s.ord, 9) AS ord, coalesce(s.colour, '#777777') AS colour,
           coalesce(s.width, 2.0) AS width, coalesce(s.dash, '2 3') AS dash
    FROM m LEFT JOIN s USING (series)),
ax AS (  -- plot area 64..840 x 50..340 of an 860 x 400 canvas
    SELECT min(year) AS y0, greatest(max(year), min(year) + 1) AS y1,
           least(1.0, greatest(0.6, ceil(max(d) * 10) / 10.0)) AS vmax, count(DISTINCT year) AS ny
    FROM m),
pts AS (
    SELECT m.series, m.year, m.d, 64 + (m.year - ax.y0) * 776.0 / (ax.y1 - ax.y0) AS x, 340 - m.d / ax.vmax * 290 AS y
    FROM m, ax),
lines AS (
    SELECT string_agg(format('<polyline fill="none" stroke="%s" stroke-width="%s" stroke-dasharray="%s" stroke-linejoin="round" points="%s"/>',
                             ss.colour, ss.width, ss.dash, p.pts)
                      || p.marks, E'\n' ORDER BY ss.ord DESC, ss.series) AS svg
    FROM ss
    JOIN LATERAL (SELECT string_agg(format('%s,%s', round(x::numeric, 1), round(y::numeric, 1)), ' ' ORDER BY year) AS pts,
                         string_agg(format('<circle cx="%s" cy="%s" r="3" fill="%s"><title>%s %s: mean D %s</title></circle>',
                                           round(x::numeric, 1), round(y::numeric, 1), ss.colour, :html_ ss.series :_html, year,
                                           round(d::numeric, 3)), '' ORDER BY year) AS marks
                  FROM pts WHERE pts.series = ss.series) p ON true),
yt AS (
    SELECT string_agg(format('<line x1="64" x2="840" y1="%1$s" y2="%1$s" stroke="#e3e3e3"/><text x="58" y="%2$s" text-anchor="end" font-size="12">%3$s</text>',
                             round((340 - v / ax.vmax * 290)::numeric, 1), round((344 - v / ax.vmax * 290)::numeric, 1), to_char(v, 'FM0.0')),
                      E'\n' ORDER BY v) AS svg
    FROM ax, LATERAL (SELECT g / 10.0 AS v FROM generate_series(0, round(ax.vmax * 10)::int) g) t),
xt AS (
    SELECT string_agg(format('<line x1="%1$s" x2="%1$s" y1="340" y2="345" stroke="#555"/><text x="%1$s" y="360" text-anchor="middle" font-size="12">%2$s</text>',
                             round((64 + (yr - ax.y0) * 776.0 / (ax.y1 - ax.y0))::numeric, 1), yr), E'\n' ORDER BY yr) AS svg
    FROM ax, LATERAL generate_series(ax.y0, ax.y1, CASE WHEN ax.y1 - ax.y0 > 20 THEN 2 ELSE 1 END) yr),
thr AS (  -- the class thresholds D = 0.3 and D = 0.5
    SELECT string_agg(format('<line x1="64" x2="840" y1="%1$s" y2="%1$s" stroke="#888" stroke-dasharray="2 4"/>',
                             round((340 - v / ax.vmax * 290)::numeric, 1)), E'\n') AS svg,
           string_agg(format('<text x="836" y="%1$s" text-anchor="end" font-size="11" stroke="#fff" stroke-width="4" paint-order="stroke" style="fill:#555">%2$s</text>',
                             round((336 - v / ax.vmax * 290)::numeric, 1), lbl), E'\n') AS labels
    FROM ax, (VALUES (0.3, 'moderate coordination from D = 0.3'), (0.5, 'high coordination from D = 0.5')) t(v, lbl)
    WHERE v <= ax.vmax),
leg AS (
    SELECT string_agg(format('<line x1="%1$s" x2="%2$s" y1="18" y2="18" stroke="%3$s" stroke-width="%4$s" stroke-dasharray="%5$s"/><text x="%6$s" y="22" font-size="13">%7$s</text>',
                             70 + (rn - 1) * 150, 96 + (rn - 1) * 150, colour, width, dash, 101 + (rn - 1) * 150, :html_ series :_html),
                      E'\n' ORDER BY rn) AS svg
    FROM (SELECT ss.*, row_number() OVER (ORDER BY ord, series) AS rn FROM ss) l)
SELECT format($html$<h2 id="fig2">Coupling coordination D over time by region</h2>
<p class="note">Mean coupling coordination degree D of the provinces in each region per year (the paper's Fig. 2); dashed black: all %s provinces. Dotted: the class thresholds.</p>
<figure>
<svg viewBox="0 0 860 400" width="860" height="400" role="img" aria-label="Line chart of mean coupling coordination D per year by region">
<title>Mean coupling coordination D per year by region</title>
%s
%s
%s
<line x1="64" x2="840" y1="340" y2="340" stroke="#555"/><line x1="64" x2="64" y1="50" y2="340" stroke="#555"/>
%s
%s
%s
<text x="452" y="392" text-anchor="middle" font-size="13">Year</text>
<text transform="translate(16 195) rotate(-90)" text-anchor="middle" font-size="13">Mean D</text>
</svg>
</figure>$html$,
    (SELECT count(DISTINCT province_id) FROM china.coupling),
    coalesce(yt.svg, ''), coalesce(thr.svg, ''), coalesce(xt.svg, ''), coalesce(lines.svg, '<text x="430" y="200" text-anchor="middle">no data in china.coupling</text>'),
    coalesce(thr.labels, ''), coalesce(leg.svg, ''))
FROM yt, xt, lines, leg, thr;

-- ------------------------------------------- Fig. 3: provinces by class, three years
-- Each province is a tile at its capital's position on an equirectangular grid
-- of 3-degree cells over lon 73..135 E, lat 18..54 N; capitals that share a
-- cell are moved to the nearest free cell (in province_id order), so the
-- dense east stays legible at this size. The layout is the same every year.
WITH RECURSIVE
pr AS (
    SELECT p.province_id, p.name, coalesce(a.code, left(p.name, 3)) AS code,
           (least(135, greatest(73, p.lon)) - 73) / 3.0 AS fx, (54 - least(54, greatest(18, p.lat))) / 3.0 AS fy,
           row_number() OVER (ORDER BY p.province_id) AS rn
    FROM china.provinces p LEFT JOIN abbr a ON a.name = p.name),
place(rn, province_id, cx, cy, taken) AS (
    SELECT 0::bigint, NULL::bigint, NULL::int, NULL::int, ARRAY[]::int[]
    UNION ALL
    SELECT pr.rn, pr.province_id, c.cx, c.cy, place.taken || (c.cx * 1000 + c.cy)
    FROM place JOIN pr ON pr.rn = place.rn + 1
    CROSS JOIN LATERAL (
        SELECT gx AS cx, gy AS cy
        FROM generate_series(floor(pr.fx)::int - 4, floor(pr.fx)::int + 4) gx,
             generate_series(floor(pr.fy)::int - 4, floor(pr.fy)::int + 4) gy
        WHERE gx BETWEEN 0 AND 20 AND gy BETWEEN 0 AND 11 AND NOT (gx * 1000 + gy = ANY (place.taken))
        ORDER BY (gx + 0.5 - pr.fx) ^ 2 + (gy + 0.5 - pr.fy) ^ 2, gy, gx
        LIMIT 1) c),
tile AS (SELECT pl.province_id, pl.cx, pl.cy, pr.code, pr.name FROM place pl JOIN pr USING (province_id)),
box AS (SELECT min(cx) AS x0, max(cx) AS x1, min(cy) AS y0, max(cy) AS y1 FROM tile),
yrs AS (  -- the paper's years 2005, 2012, 2019, or the nearest years present
    SELECT DISTINCT ON (y) y AS year, t.ord
    FROM (VALUES (2005, 1), (2012, 2), (2019, 3)) t(target, ord),
         LATERAL (SELECT year AS y FROM (SELECT DISTINCT year FROM china.coupling) d
                  ORDER BY abs(year - t.target), year LIMIT 1) n
    ORDER BY y, t.ord),
cls(class, ord, fill, ink) AS (VALUES  -- ColorBrewer YlGnBu, colour-blind safe
    ('low', 1, '#edf8b1', '#1b1b1b'), ('moderate', 2, '#7fcdbb', '#1b1b1b'), ('high', 3, '#2c7fb8', '#ffffff')),
cell AS (
    SELECT yrs.year, yrs.ord, t.*, c.d, c.class, coalesce(k.fill, '#bdbdbd') AS fill, coalesce(k.ink, '#1b1b1b') AS ink
    FROM yrs CROSS JOIN tile t
    LEFT JOIN china.coupling c ON c.province_id = t.province_id AND c.year = yrs.year
    LEFT JOIN cls k ON k.class = c.class),
one AS (  -- one SVG per year: 20 px tiles, 8 px margins, title row and legend rows
    SELECT cell.year, cell.ord,
           format('<figure><svg viewBox="0 0 %1$s %2$s" width="%1$s" height="%2$s" role="img" aria-label="Map of coordination classes in %3$s">
<title>Provinces by coordination class, %3$s</title>
<text x="%4$s" y="17" text-anchor="middle" font-size="15" font-weight="bold">%3$s</text>
%5$s
%6$s
</svg></figure>',
                  (box.x1 - box.x0 + 1) * 20 + 16, (box.y1 - box.y0 + 1) * 20 + 84, cell.year,
                  ((box.x1 - box.x0 + 1) * 20 + 16) / 2,
                  string_agg(format('<g><title>%s (%s): D = %s, %s</title><rect x="%s" y="%s" width="19" height="19" rx="3" fill="%s" stroke="#4d4d4d" stroke-width="0.6"/><text x="%s" y="%s" text-anchor="middle" font-size="9.5" font-weight="bold" style="fill:%s">%s</text></g>',
                                    :html_ cell.name :_html, cell.year, coalesce(round(cell.d::numeric, 3)::text, 'n/a'),
                                    :html_ coalesce(cell.class, 'no class') :_html,
                                    8 + (cell.cx - box.x0) * 20, 26 + (cell.cy - box.y0) * 20, cell.fill,
                                    8 + (cell.cx - box.x0) * 20 + 9.5, 26 + (cell.cy - box.y0) * 20 + 13, cell.ink,
                                    :html_ cell.code :_html), E'\n' ORDER BY cell.cy, cell.cx),
                  (SELECT string_agg(format('<rect x="%1$s" y="%2$s" width="13" height="13" rx="2" fill="%3$s" stroke="#4d4d4d" stroke-width="0.6"/><text x="%4$s" y="%5$s" font-size="12">%6$s: %7$s</text>',
                                            8, (box.y1 - box.y0 + 1) * 20 + 34 + (k.ord - 1) * 16, k.fill, 26,
                                            (box.y1 - box.y0 + 1) * 20 + 45 + (k.ord - 1) * 16, k.class,
                                            (SELECT count(*) FROM china.coupling c WHERE c.year = cell.year AND c.class = k.class)),
                                     E'\n' ORDER BY k.ord) FROM cls k)) AS svg
    FROM cell, box
    GROUP BY cell.year, cell.ord, box.x0, box.x1, box.y0, box.y1)
SELECT format($html$<h2 id="fig3">Provinces by coordination class</h2>
<p class="note">Coupling coordination class of each province in %s (the paper's Fig. 3): low D &lt; 0.3, moderate 0.3 &#8804; D &lt; 0.5, high D &#8805; 0.5; counts of provinces in the legend. Tile map: each province sits at its capital's longitude and latitude on an equirectangular grid of 3&#176; cells (lon 73&#8211;135&#176;E, lat 18&#8211;54&#176;N); capitals sharing a cell are moved to the nearest free cell. Hover a tile for the name and D.</p>
<div class="maps">
%s
</div>
<div class="codes">%s</div>$html$,
    coalesce((SELECT string_agg(year::text, ', ' ORDER BY ord) FROM yrs), 'no year'),
    coalesce((SELECT string_agg(svg, E'\n' ORDER BY ord) FROM one), '<p>No data in china.coupling.</p>'),
    (SELECT string_agg(format('<span><b>%s</b>%s</span>', :html_ code :_html, :html_ name :_html), '' ORDER BY code, name) FROM pr));

-- --------------------------------------------- Table 1 as a chart: Moran's I per year
WITH t AS (SELECT year, weights, n, i, p_sim FROM china.table1 WHERE i IS NOT NULL),
w AS (
    SELECT weights, row_number() OVER (ORDER BY array_position(ARRAY['knn4', 'band'], weights), weights) AS ord
    FROM (SELECT DISTINCT weights FROM t) d),
ws AS (
    SELECT w.*, (ARRAY['#0072B2', '#D55E00', '#009E73', '#CC79A7'])[1 + (ord - 1) % 4] AS colour,
           CASE weights WHEN 'knn4' THEN 'k-nearest neighbours, k = 4' WHEN 'band' THEN 'distance band'
                ELSE weights END AS label,
           CASE WHEN ord % 2 = 1 THEN 'circle' ELSE 'square' END AS shape
    FROM w),
e AS (SELECT -1.0 / (max(n) - 1) AS e FROM t WHERE n > 1),
rng AS (
    SELECT least(min(t.i), coalesce(e.e, 0), 0) AS lo, greatest(max(t.i), 0) AS hi, min(year) AS y0,
           greatest(max(year), min(year) + 1) AS y1
    FROM t LEFT JOIN e ON true GROUP BY e.e),
st AS (  -- a nice tick step: at most 8 intervals
    SELECT rng.*, (SELECT s FROM unnest(ARRAY[0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0]) s
                   WHERE (rng.hi - rng.lo) / s <= 8 ORDER BY s LIMIT 1) AS step
    FROM rng),
ax AS (  -- plot area 70..840 x 64..300 of an 860 x 360 canvas, legend rows above
    SELECT y0, y1, step, floor(lo / step - 0.2) * step AS vlo,
           greatest(ceil(hi / step + 0.2) * step, floor(lo / step - 0.2) * step + step) AS vhi
    FROM st),
xy AS (
    SELECT t.*, ws.ord, ws.colour, ws.shape,
           70 + 12 + (t.year - ax.y0) * 746.0 / (ax.y1 - ax.y0) + (ws.ord - 1.5) * 7 AS x,
           300 - (t.i - ax.vlo) / (ax.vhi - ax.vlo) * 236 AS y
    FROM t JOIN ws USING (weights), ax),
series AS (
    SELECT string_agg(format('<polyline fill="none" stroke="%s" stroke-width="1.6" points="%s"/>', ws.colour, l.pts), E'\n' ORDER BY ws.ord) AS svg
    FROM ws JOIN LATERAL (SELECT string_agg(format('%s,%s', round(x::numeric, 1), round(y::numeric, 1)), ' ' ORDER BY year) AS pts
                          FROM xy WHERE xy.weights = ws.weights) l ON true),
marks AS (
    SELECT string_agg(
               CASE shape WHEN 'circle'
                    THEN format('<circle cx="%s" cy="%s" r="5" fill="%s" stroke="%s" stroke-width="2"><title>%s</title></circle>',
                                round(x::numeric, 1), round(y::numeric, 1), CASE WHEN p_sim < 0.05 THEN colour ELSE '#ffffff' END, colour, tip)
                    ELSE format('<rect x="%s" y="%s" width="9" height="9" fill="%s" stroke="%s" stroke-width="2"><title>%s</title></rect>',
                                round((x - 4.5)::numeric, 1), round((y - 4.5)::numeric, 1), CASE WHEN p_sim < 0.05 THEN colour ELSE '#ffffff' END, colour, tip)
               END, E'\n' ORDER BY ord, year) AS svg
    FROM (SELECT xy.*, format('%s, %s: I = %s, pseudo p = %s', year, :html_ weights :_html, round(i::numeric, 3),
                              coalesce(round(p_sim::numeric, 3)::text, 'n/a')) AS tip FROM xy) m),
yt AS (
    SELECT string_agg(format('<line x1="70" x2="840" y1="%1$s" y2="%1$s" stroke="%2$s"/><text x="64" y="%3$s" text-anchor="end" font-size="12">%4$s</text>',
                             round((300 - (v - ax.vlo) / (ax.vhi - ax.vlo) * 236)::numeric, 1),
                             CASE WHEN abs(v) < 1e-9 THEN '#9a9a9a' ELSE '#e3e3e3' END,
                             round((304 - (v - ax.vlo) / (ax.vhi - ax.vlo) * 236)::numeric, 1),
                             CASE WHEN abs(v) < 1e-9 THEN '0' ELSE replace(rtrim(rtrim(round(v::numeric, 3)::text, '0'), '.'), '-', '&#8722;') END),
                      E'\n' ORDER BY v) AS svg
    FROM ax, LATERAL (SELECT g * ax.step AS v FROM generate_series(round(ax.vlo / ax.step)::int, round(ax.vhi / ax.step)::int) g) s),
xt AS (
    SELECT string_agg(format('<line x1="%1$s" x2="%1$s" y1="300" y2="305" stroke="#555"/><text x="%1$s" y="320" text-anchor="middle" font-size="12">%2$s</text>',
                             round((70 + 12 + (yr - ax.y0) * 746.0 / (ax.y1 - ax.y0))::numeric, 1), yr), E'\n' ORDER BY yr) AS svg
    FROM ax, LATERAL generate_series(ax.y0, ax.y1, CASE WHEN ax.y1 - ax.y0 > 20 THEN 2 ELSE 1 END) yr),
ei AS (
    SELECT format('<line x1="70" x2="840" y1="%1$s" y2="%1$s" stroke="#333" stroke-width="1.3" stroke-dasharray="6 4"/>',
                  round((300 - (e.e - ax.vlo) / (ax.vhi - ax.vlo) * 236)::numeric, 1)) AS svg,
           format('<line x1="560" x2="592" y1="20" y2="20" stroke="#333" stroke-width="1.3" stroke-dasharray="6 4"/><text x="598" y="24" font-size="13">E[I] = &#8722;1/(n &#8722; 1) = %s</text>',
                  replace(round(e.e::numeric, 4)::text, '-', '&#8722;')) AS legend
    FROM e, ax WHERE e.e IS NOT NULL),
leg AS (
    SELECT string_agg(format('<line x1="%1$s" x2="%2$s" y1="20" y2="20" stroke="%3$s" stroke-width="1.6"/>%4$s<text x="%5$s" y="24" font-size="13">%6$s</text>',
                             80 + (ord - 1) * 240, 110 + (ord - 1) * 240, colour,
                             CASE shape WHEN 'circle' THEN format('<circle cx="%s" cy="20" r="5" fill="%s"/>', 95 + (ord - 1) * 240, colour)
                                  ELSE format('<rect x="%s" y="15.5" width="9" height="9" fill="%s"/>', 90.5 + (ord - 1) * 240, colour) END,
                             116 + (ord - 1) * 240, :html_ label :_html), '' ORDER BY ord)
           || '<circle cx="95" cy="42" r="5" fill="#555" stroke="#555" stroke-width="2"/><text x="116" y="46" font-size="13">filled: p<tspan font-style="italic" font-size="10">sim</tspan> &lt; 0.05</text>'
           || '<circle cx="335" cy="42" r="5" fill="#fff" stroke="#555" stroke-width="2"/><text x="356" y="46" font-size="13">hollow: p<tspan font-style="italic" font-size="10">sim</tspan> &#8805; 0.05</text>' AS svg
    FROM ws)
SELECT format($html$<h2 id="moran">Global Moran's I over time</h2>
<p class="note">Global Moran's I of D per year under both row-standardised weight sets (Table 1 as a chart). Filled markers: permutation pseudo p &lt; 0.05 (999 permutations); hollow: not significant at 5 %%. Dashed: the expectation under no spatial autocorrelation.</p>
<figure>
<svg viewBox="0 0 860 360" width="860" height="360" role="img" aria-label="Global Moran's I per year for both weight sets">
<title>Global Moran's I per year</title>
%s
%s
<line x1="70" x2="840" y1="300" y2="300" stroke="#555"/><line x1="70" x2="70" y1="64" y2="300" stroke="#555"/>
%s
%s
%s
%s
<text x="455" y="350" text-anchor="middle" font-size="13">Year</text>
<text transform="translate(16 182) rotate(-90)" text-anchor="middle" font-size="13">Moran's I</text>
</svg>
</figure>$html$,
    coalesce(yt.svg, ''), coalesce(xt.svg, ''), coalesce(ei.svg, ''),
    coalesce(series.svg, '<text x="430" y="180" text-anchor="middle">no data in china.table1</text>'), coalesce(marks.svg, ''),
    coalesce(leg.svg, '') || coalesce(ei.legend, ''))
FROM (SELECT 1) one
LEFT JOIN yt ON true LEFT JOIN xt ON true LEFT JOIN ei ON true LEFT JOIN series ON true LEFT JOIN marks ON true
LEFT JOIN leg ON true;

-- ---------------------------------------- Moran scatter plot, last year, k = 4 weights
WITH
pick AS (  -- the k = 4 weights when present, the last year
    SELECT weights, max(year) AS year FROM china.lisa
    GROUP BY weights ORDER BY weights <> 'knn4', weights LIMIT 1),
pts AS (
    SELECT l.province_id, l.z, l.lag, l.quadrant, l.p_sim, p.name, coalesce(a.code, left(p.name, 3)) AS code
    FROM china.lisa l JOIN pick USING (weights, year)
    JOIN china.provinces p USING (province_id) LEFT JOIN abbr a ON a.name = p.name
    WHERE l.z IS NOT NULL AND l.lag IS NOT NULL),
slope AS (  -- Moran's I from Table 1; for row-standardised weights it is the slope of lag on z
    SELECT coalesce((SELECT t.i FROM china.table1 t, pick WHERE t.weights = pick.weights AND t.year = pick.year),
                    (SELECT sum(z * lag) / nullif(sum(z * z), 0) FROM pts)) AS i),
ax AS (  -- square plot area 70..570 x 30..530, symmetric range [-m, m]
    SELECT greatest(1.5, ceil((greatest(max(abs(z)), max(abs(lag))) + 0.3) * 2) / 2.0) AS m FROM pts),
q(quadrant, ord, colour, label) AS (VALUES
    ('HH', 1, '#D55E00', 'HH high D, high neighbours'), ('LL', 2, '#0072B2', 'LL low D, low neighbours'),
    ('LH', 3, '#56B4E9', 'LH low D, high neighbours'), ('HL', 4, '#E69F00', 'HL high D, low neighbours')),
xy AS (
    SELECT pts.*, coalesce(q.colour, '#777777') AS colour,
           320 + pts.z / ax.m * 250 AS x, 280 - pts.lag / ax.m * 250 AS y
    FROM pts LEFT JOIN q USING (quadrant), ax),
dots AS (
    SELECT string_agg(format('<g><title>%s: z = %s, lag = %s, %s, LISA p = %s</title><circle cx="%s" cy="%s" r="5.5" fill="%s" fill-opacity="%s" stroke="%s" stroke-width="1.5"/><text x="%s" y="%s" font-size="11">%s</text></g>',
                             :html_ name :_html, round(z::numeric, 2), round(lag::numeric, 2), :html_ coalesce(quadrant, '?') :_html,
                             coalesce(round(p_sim::numeric, 3)::text, 'n/a'),
                             round(x::numeric, 1), round(y::numeric, 1), colour, CASE WHEN p_sim < 0.05 THEN 1 ELSE 0.25 END, colour,
                             round((x + 7)::numeric, 1), round((y + 4)::numeric, 1), :html_ code :_html), E'\n' ORDER BY z) AS svg
    FROM xy),
ticks AS (
    SELECT string_agg(format('<line x1="%1$s" x2="%1$s" y1="30" y2="530" stroke="#ececec"/><line x1="70" x2="570" y1="%2$s" y2="%2$s" stroke="#ececec"/><text x="%1$s" y="546" text-anchor="middle" font-size="12">%3$s</text><text x="64" y="%4$s" text-anchor="end" font-size="12">%3$s</text>',
                             round((320 + v / ax.m * 250)::numeric, 1), round((280 - v / ax.m * 250)::numeric, 1),
                             replace(rtrim(rtrim(round(v::numeric, 1)::text, '0'), '.'), '-', '&#8722;'),
                             round((284 - v / ax.m * 250)::numeric, 1)), E'\n' ORDER BY v) AS svg
    FROM ax, LATERAL (SELECT g * CASE WHEN ax.m <= 2 THEN 0.5 ELSE 1 END AS v
                      FROM generate_series(-ceil(ax.m / CASE WHEN ax.m <= 2 THEN 0.5 ELSE 1 END)::int,
                                           ceil(ax.m / CASE WHEN ax.m <= 2 THEN 0.5 ELSE 1 END)::int) g) s
    WHERE abs(v) <= ax.m + 1e-9),
fit AS (  -- y = I x, clipped to the square
    SELECT format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#333" stroke-width="2"/>',
                  round((320 - xe / ax.m * 250)::numeric, 1), round((280 + slope.i * xe / ax.m * 250)::numeric, 1),
                  round((320 + xe / ax.m * 250)::numeric, 1), round((280 - slope.i * xe / ax.m * 250)::numeric, 1)) AS svg
    FROM slope, ax, LATERAL (SELECT CASE WHEN abs(slope.i) * ax.m > ax.m THEN ax.m / abs(slope.i) ELSE ax.m END AS xe) c
    WHERE slope.i IS NOT NULL),
leg AS (
    SELECT string_agg(format('<circle cx="606" cy="%1$s" r="5.5" fill="%2$s" stroke="%2$s" stroke-width="1.5"/><text x="618" y="%3$s" font-size="13">%4$s</text><text x="842" y="%3$s" text-anchor="end" font-size="13">%5$s</text>',
                             60 + (q.ord - 1) * 22, q.colour, 64 + (q.ord - 1) * 22, :html_ q.label :_html,
                             (SELECT count(*) FROM pts WHERE pts.quadrant = q.quadrant)), E'\n' ORDER BY q.ord) AS svg
    FROM q)
SELECT format($html$<h2 id="scatter">Moran scatter plot, last year</h2>
<p class="note">%s</p>
<figure>
<svg viewBox="0 0 860 580" width="860" height="580" role="img" aria-label="Moran scatter plot">
<title>Moran scatter plot</title>
<rect x="70" y="30" width="500" height="500" fill="none" stroke="#999"/>
%s
<line x1="70" x2="570" y1="280" y2="280" stroke="#555" stroke-width="1.2"/><line x1="320" x2="320" y1="30" y2="530" stroke="#555" stroke-width="1.2"/>
<text x="564" y="46" text-anchor="end" font-size="14" font-weight="bold" fill="#bbb" style="fill:#b0b0b0">HH</text>
<text x="76" y="46" font-size="14" font-weight="bold" style="fill:#b0b0b0">LH</text>
<text x="76" y="522" font-size="14" font-weight="bold" style="fill:#b0b0b0">LL</text>
<text x="564" y="522" text-anchor="end" font-size="14" font-weight="bold" style="fill:#b0b0b0">HL</text>
%s
%s
<text x="606" y="40" font-size="13" font-weight="bold">Quadrant</text><text x="842" y="40" text-anchor="end" font-size="13" font-weight="bold">n</text>
%s
<circle cx="606" cy="166" r="5.5" fill="#555" stroke="#555" stroke-width="1.5"/><text x="618" y="170" font-size="13">LISA pseudo p &lt; 0.05</text>
<circle cx="606" cy="188" r="5.5" fill="#555" fill-opacity="0.25" stroke="#555" stroke-width="1.5"/><text x="618" y="192" font-size="13">not significant</text>
<line x1="598" x2="616" y1="214" y2="214" stroke="#333" stroke-width="2"/><text x="622" y="218" font-size="13">slope = Moran's I = %s</text>
<text x="320" y="568" text-anchor="middle" font-size="13">Standardised D (z)</text>
<text transform="translate(18 280) rotate(-90)" text-anchor="middle" font-size="13">Spatial lag of z (row-standardised W z)</text>
</svg>
</figure>$html$,
    coalesce((SELECT format('Year %s, weights %s: each province''s standardised coupling coordination degree z against the mean z of its neighbours. The line through the origin has slope Moran''s I. Labels are ISO 3166-2:CN codes (key under the maps).',
                            pick.year, CASE pick.weights WHEN 'knn4' THEN 'k-nearest neighbours (k = 4)' ELSE :html_ pick.weights :_html END) FROM pick),
             'No rows in china.lisa.'),
    coalesce(ticks.svg, ''), coalesce(fit.svg, ''), coalesce(dots.svg, '<text x="320" y="280" text-anchor="middle">no data in china.lisa</text>'),
    coalesce(leg.svg, ''),
    coalesce(replace(round(slope.i::numeric, 3)::text, '-', '&#8722;'), 'n/a'))
FROM (SELECT 1) one
LEFT JOIN ticks ON true LEFT JOIN fit ON true LEFT JOIN dots ON true LEFT JOIN leg ON true LEFT JOIN slope ON true;

-- --------------------------------------------------------------- Table 1
WITH w AS (
    SELECT weights, row_number() OVER (ORDER BY array_position(ARRAY['knn4', 'band'], weights), weights) AS ord,
           CASE weights WHEN 'knn4' THEN 'K-nearest neighbours (k = 4)' WHEN 'band' THEN 'Distance band' ELSE weights END AS label
    FROM (SELECT DISTINCT weights FROM china.table1) d),
yr AS (SELECT DISTINCT year FROM china.table1),
cells AS (
    SELECT yr.year, string_agg(
               coalesce(format('<td>%s<span class="st">%s</span></td><td>%s</td><td>%s</td>',
                               replace(to_char(t.i, 'FM9990.000'), '-', '&#8722;'),
                               CASE WHEN t.p_sim < 0.01 THEN '***' WHEN t.p_sim < 0.05 THEN '**' WHEN t.p_sim < 0.1 THEN '*' ELSE '' END,
                               replace(to_char(t.z_sim, 'FM9990.000'), '-', '&#8722;'), to_char(t.p_sim, 'FM0.000')),
                        '<td></td><td></td><td></td>'), '' ORDER BY w.ord) AS tds
    FROM yr CROSS JOIN w LEFT JOIN china.table1 t ON t.year = yr.year AND t.weights = w.weights
    GROUP BY yr.year)
SELECT format($html$<h2 id="table1">Table 1. Global Moran's I of the coupling coordination degree</h2>
<p class="note">Row-standardised weights on the capitals' great-circle distances. z and pseudo p from 999 random permutations, as GeoDa reports them (p = (1 + #{I<sub>perm</sub> &#8805; I}) / 1000); *** p &lt; 0.01, ** p &lt; 0.05, * p &lt; 0.1. E[I] = &#8722;1/(n &#8722; 1)%s.</p>
<table class="t1" id="table1-data">
<thead><tr><th rowspan="2" scope="col">Year</th>%s</tr>
<tr>%s</tr></thead>
<tbody>
%s
</tbody></table>$html$,
    coalesce((SELECT format(' = %s for n = %s', replace(round((-1.0 / (max(n) - 1))::numeric, 4)::text, '-', '&#8722;'), max(n))
              FROM china.table1 WHERE n > 1), ''),
    coalesce((SELECT string_agg(format('<th colspan="3" scope="colgroup">%s</th>', :html_ label :_html), '' ORDER BY ord) FROM w), ''),
    coalesce((SELECT string_agg('<th scope="col">Moran''s I</th><th scope="col">z</th><th scope="col">p</th>', '' ORDER BY ord) FROM w), ''),
    coalesce((SELECT string_agg(format('<tr><th scope="row">%s</th>%s</tr>', year, tds), E'\n' ORDER BY year) FROM cells),
             '<tr><td>no rows in china.table1</td></tr>'));

-- --------------------------------------------------------------- Table 2
WITH g AS (SELECT DISTINCT grp, grp_order FROM china.table2
           UNION SELECT grp, grp_order FROM china.table2_summary),
gs AS (SELECT grp, min(grp_order) AS grp_order FROM g GROUP BY grp),
lbl(term, label) AS (VALUES ('ln_hsh', 'ln Hsh'), ('fdi', 'Fdi'), ('mar', 'Mar'), ('tra', 'Tra'), ('ln_den', 'ln Den'),
                            ('ln_cin', 'ln Cin'), ('ln_tec', 'ln Tec'), ('ln_pro', 'ln Pro'), ('_cons', 'Constant')),
terms AS (SELECT term, min(term_order) AS term_order, max(planted) FILTER (WHERE grp = 'Total') AS planted
          FROM china.table2 GROUP BY term),
body AS (
    SELECT string_agg(
               format('<tr><th scope="row">%s</th>%s</tr>', :html_ coalesce(l.label, tm.term) :_html, r.tds)
               || CASE WHEN tm.planted IS NOT NULL
                       THEN format('<tr class="planted"><th scope="row">planted</th><td>%s<span class="st"></span></td><td colspan="%s"></td></tr>',
                                   replace(round(tm.planted::numeric, 4)::text, '-', '&#8722;'), (SELECT count(*) FROM gs) - 1)
                       ELSE '' END,
               E'\n' ORDER BY tm.term_order, tm.term) AS rows
    FROM terms tm LEFT JOIN lbl l USING (term)
    CROSS JOIN LATERAL (
        SELECT string_agg(CASE WHEN t.estimate IS NULL THEN '<td></td>'
                               ELSE format('<td>%s<span class="st">%s</span><span class="se">(%s)<span class="st"></span></span></td>',
                                           replace(round(t.estimate::numeric, 4)::text, '-', '&#8722;'),
                                           :html_ coalesce(t.stars, '') :_html,
                                           coalesce(round(t.std_error::numeric, 4)::text, '&#8211;')) END,
                          '' ORDER BY gs.grp_order, gs.grp) AS tds
        FROM gs LEFT JOIN china.table2 t ON t.grp = gs.grp AND t.term = tm.term) r),
srow(ord, label, expr) AS (VALUES
    (1, 'Model', 'model'), (2, 'Observations', 'n_obs'), (3, 'Provinces', 'n_units'),
    (4, 'Left-censored (D = 0)', 'n_left'), (5, 'Uncensored', 'n_uncensored'), (6, 'Right-censored (D = 1)', 'n_right'),
    (7, 'Log-likelihood', 'log_likelihood'), (8, '&#963;<sub>u</sub>', 'sigma_u'), (9, '&#963;<sub>e</sub>', 'sigma_e'),
    (10, '&#961; = &#963;<sub>u</sub>&#178; / (&#963;<sub>u</sub>&#178; + &#963;<sub>e</sub>&#178;)', 'rho'),
    (11, 'LR test of &#963;<sub>u</sub> = 0: &#967;&#772;&#178;(01)', 'lr'), (12, 'p (LR test)', 'p')),
sval AS (
    SELECT s.grp, r.ord,
           CASE r.expr
               WHEN 'model' THEN CASE s.model WHEN 're' THEN 'RE Tobit' WHEN 'fe' THEN 'FE Tobit' WHEN 'pooled' THEN 'Pooled Tobit'
                                     ELSE :html_ s.model :_html END
               WHEN 'n_obs' THEN s.n_obs::text WHEN 'n_units' THEN s.n_units::text WHEN 'n_left' THEN s.n_left::text
               WHEN 'n_uncensored' THEN s.n_uncensored::text WHEN 'n_right' THEN s.n_right::text
               WHEN 'log_likelihood' THEN replace(round(s.log_likelihood::numeric, 2)::text, '-', '&#8722;')
               WHEN 'sigma_u' THEN round(s.sigma_u::numeric, 4)::text WHEN 'sigma_e' THEN round(s.sigma_e::numeric, 4)::text
               WHEN 'rho' THEN round(s.rho::numeric, 3)::text
               WHEN 'lr' THEN round(s.lr_chibar2::numeric, 2)::text
               WHEN 'p' THEN CASE WHEN s.p_chibar2 < 0.001 THEN '&lt;0.001' ELSE round(s.p_chibar2::numeric, 3)::text END
           END AS v
    FROM china.table2_summary s CROSS JOIN srow r),
summary AS (
    SELECT string_agg(format('<tr class="%s"><th scope="row">%s</th>%s</tr>', CASE WHEN r.ord = 1 THEN 'sum1' ELSE 'sum' END,
                             r.label, c.tds), E'\n' ORDER BY r.ord) AS rows
    FROM srow r CROSS JOIN LATERAL (
        SELECT string_agg(format('<td>%s<span class="st"></span></td>', coalesce(sv.v, '&#8211;')), '' ORDER BY gs.grp_order, gs.grp) AS tds
        FROM gs LEFT JOIN sval sv ON sv.grp = gs.grp AND sv.ord = r.ord) c)
SELECT format($html$<h2 id="table2">Table 2. Factors influencing the coupling coordination degree: panel Tobit</h2>
<p class="note">Dependent variable: D, censored below at 0 and above at 1; one regression per group (whole country, the four regions, coastal and inland provinces). Each cell: coefficient with stars (*** p &lt; 0.01, ** p &lt; 0.05, * p &lt; 0.1) over its standard error in parentheses. <em>planted</em>: the coefficient the synthetic generator used, for the whole country.</p>
<table class="t2" id="table2-data">
<thead><tr><th scope="col">Variable</th>%s</tr></thead>
<tbody>
%s
%s
</tbody></table>$html$,
    coalesce((SELECT string_agg(format('<th scope="col">%s</th>', :html_ grp :_html), '' ORDER BY grp_order, grp) FROM gs), ''),
    coalesce((SELECT rows FROM body), '<tr><td>no rows in china.table2</td></tr>'),
    coalesce((SELECT rows FROM summary), ''));

-- ---------------------------------------------------------------- footer
SELECT format($html$<footer>
<p><strong>Reproduce:</strong> from the repository root run <code>make demo</code>. It builds and installs the regecon extension, starts a throwaway PostgreSQL %s cluster, loads the synthetic yearbook (<code>sql/china/02_load_sample.sql</code>), runs the pipeline (<code>sql/china/03_pipeline.sql</code>) and writes this page with <code>scripts/report.sh</code>, i.e. <code>psql -f sql/report.sql</code> (its path is printed at the end; usually <code>build/report.html</code>). <code>scripts/check-report.sh</code> renders it in headless Chromium.</p>
<p>Data: synthetic yearbook generated by data/china_yearbook/generate.py; not official statistics. Method: Zheng Z., Zhu Y., Pei Y., Wang L. (2022), Spatial&#8211;temporal heterogeneity and influencing factors of the coupling between industrial agglomeration and regional economic resilience in China. Report generated %s.</p>
</footer>
</main>
</body>
</html>$html$,
    current_setting('server_version_num')::int / 10000, to_char(now(), 'YYYY-MM-DD HH24:MI:SS TZ'));

COMMIT;
