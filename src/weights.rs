//! SQL: weights builders (`knn_weights`, `distance_band_weights`), transforms
//! (`weights_transform`), validation (`weights_summary`) and GeoDa's formats
//! (`read_gal`, `read_gwt`, `to_gal`, `to_gwt`). A weights relation is any
//! table or view with columns `src bigint, dst bigint, weight float8`.
//! Numerics: core `weights`.

use crate::errors::{dense, dense_i64, OrRaise};
use crate::regclass::{read_weights, RegClass};
use pgrx::prelude::*;
use crate::pool::interrupts;
use regecon_core::weights::band::{min_threshold, Band};
use regecon_core::weights::coords::{Kernel, Metric};
use regecon_core::weights::knn::{knn_checked, Link};
use regecon_core::weights::{gal, Style, Weights};

fn rows(links: Vec<Link>) -> TableIterator<'static, (name!(src, i64), name!(dst, i64), name!(weight, f64), name!(distance, f64))> {
    TableIterator::new(links)
}

/// k nearest neighbours of each unit. STRICT.
#[pg_extern(immutable, parallel_safe, strict)]
fn knn_weights(
    ids: Array<'_, i64>,
    x: Array<'_, f64>,
    y: Array<'_, f64>,
    k: i32,
    metric: default!(&str, "'euclidean'"),
    binary: default!(bool, true),
    power: default!(f64, 1.0),
) -> TableIterator<'static, (name!(src, i64), name!(dst, i64), name!(weight, f64), name!(distance, f64))> {
    const F: &str = "knn_weights";
    let metric = Metric::parse(metric).or_raise(F);
    let kernel = Kernel::new(binary, power).or_raise(F);
    if k < 1 {
        crate::errors::raise(F, regecon_core::Error::invalid(format!("k must be at least 1, got {k}")));
    }
    let (ids, x, y) = (dense_i64(&ids, F, "ids"), dense(&x, F, "x"), dense(&y, F, "y"));
    let pool = crate::pool::thread_pool(F, ids.len() as u64 / 1024 + 1);
    rows(knn_checked(&ids, &x, &y, k as usize, metric, kernel, Some(&pool), &mut crate::pool::interrupts_with_progress(F)).or_raise(F))
}

/// The links of a distance band, streamed to PostgreSQL one unit at a time:
/// memory is the points and one unit's links, not every link.
struct BandRows {
    band: Band,
    unit: std::vec::IntoIter<Link>,
}

impl Iterator for BandRows {
    type Item = Link;
    fn next(&mut self) -> Option<Link> {
        loop {
            if let Some(link) = self.unit.next() {
                return Some(link);
            }
            // the next unit's links (interrupts are checked within)
            let links = self.band.next_unit(&mut interrupts())?.or_raise("distance_band_weights");
            self.unit = links.into_iter();
        }
    }
}

/// Units within `threshold` of each other (inclusive). STRICT.
#[pg_extern(immutable, parallel_safe, strict)]
fn distance_band_weights(
    ids: Array<'_, i64>,
    x: Array<'_, f64>,
    y: Array<'_, f64>,
    threshold: f64,
    metric: default!(&str, "'euclidean'"),
    binary: default!(bool, true),
    power: default!(f64, 1.0),
) -> TableIterator<'static, (name!(src, i64), name!(dst, i64), name!(weight, f64), name!(distance, f64))> {
    const F: &str = "distance_band_weights";
    let metric = Metric::parse(metric).or_raise(F);
    let kernel = Kernel::new(binary, power).or_raise(F);
    let (ids, x, y) = (dense_i64(&ids, F, "ids"), dense(&x, F, "x"), dense(&y, F, "y"));
    let band = Band::new(&ids, &x, &y, threshold, metric, kernel, &mut interrupts()).or_raise(F);
    TableIterator::new(BandRows { band, unit: Vec::new().into_iter() })
}

/// The smallest distance band that leaves no unit without a neighbour. STRICT.
#[pg_extern(immutable, parallel_safe, strict)]
fn min_threshold_distance(x: Array<'_, f64>, y: Array<'_, f64>, metric: default!(&str, "'euclidean'")) -> f64 {
    const F: &str = "min_threshold_distance";
    let metric = Metric::parse(metric).or_raise(F);
    let (x, y) = (dense(&x, F, "x"), dense(&y, F, "y"));
    let pool = crate::pool::thread_pool(F, x.len() as u64 / 1024 + 1);
    min_threshold(&x, &y, metric, Some(&pool), &mut interrupts()).or_raise(F)
}

/// The units of a weights relation (src and dst), plus `ids` if given.
fn load(weights: RegClass, ids: Option<Vec<i64>>, func: &str) -> Weights {
    let links = read_weights(weights, func);
    let mut units = ids.unwrap_or_default();
    let mut seen: std::collections::HashSet<i64> = units.iter().copied().collect();
    for (i, &(s, d, _)) in links.iter().enumerate() {
        if i % 65536 == 65535 {
            check_for_interrupts!();
        }
        for u in [s, d] {
            if seen.insert(u) {
                units.push(u);
            }
        }
    }
    Weights::from_triples_checked(&units, &links, &mut interrupts()).or_raise(func)
}

/// The weights relation transformed: 'r' row-standardised, 'b' binary, 'o' as stored.
#[pg_extern(stable, parallel_safe, strict)]
fn weights_transform(weights: RegClass, style: &str) -> TableIterator<'static, (name!(src, i64), name!(dst, i64), name!(weight, f64))> {
    const F: &str = "weights_transform";
    let style = Style::parse(style).or_raise(F);
    crate::pool::apply_limits();
    let w = load(weights, None, F).transform_checked(style, &mut interrupts()).or_raise(F);
    let out = triples(&w, F);
    TableIterator::new(out)
}

/// n, links, islands, asymmetric pairs, neighbour counts and S0 of a weights
/// relation; `ids` (optional) lists units that may have no link (islands).
#[pg_extern(stable, parallel_safe)]
fn weights_summary(
    weights: Option<RegClass>,
    ids: default!(Option<Array<'_, i64>>, "NULL"),
) -> TableIterator<
    'static,
    (
        name!(n, i64),
        name!(links, i64),
        name!(islands, i64),
        name!(asymmetric_pairs, i64),
        name!(min_neighbours, i32),
        name!(mean_neighbours, f64),
        name!(max_neighbours, i32),
        name!(s0, f64),
    ),
> {
    const F: &str = "weights_summary";
    crate::pool::apply_limits();
    let Some(weights) = weights else { return TableIterator::new(Vec::new()) }; // NULL weights: no row
    let ids = ids.map(|a| dense_i64(&a, F, "ids"));
    let s = load(weights, ids, F).summary_checked(&mut interrupts());
    TableIterator::new(vec![(
        s.n as i64,
        s.links as i64,
        s.islands as i64,
        s.asymmetric_pairs as i64,
        s.min_neighbours as i32,
        s.mean_neighbours,
        s.max_neighbours as i32,
        s.s0,
    )])
}

/// Links of a GAL file's text (weight 1). STRICT.
#[pg_extern(immutable, parallel_safe, strict)]
fn read_gal(content: &str) -> TableIterator<'static, (name!(src, i64), name!(dst, i64), name!(weight, f64))> {
    crate::pool::apply_limits();
    TableIterator::new(gal::parse_gal(content, &mut interrupts()).or_raise("read_gal").0)
}

/// Links of a GWT file's text. STRICT.
#[pg_extern(immutable, parallel_safe, strict)]
fn read_gwt(content: &str) -> TableIterator<'static, (name!(src, i64), name!(dst, i64), name!(weight, f64))> {
    crate::pool::apply_limits();
    TableIterator::new(gal::parse_gwt(content, &mut interrupts()).or_raise("read_gwt"))
}

fn triples(w: &Weights, func: &str) -> Vec<(i64, i64, f64)> {
    let ids = w.ids();
    let mut out = regecon_core::mem::vec_with_capacity(w.links(), "the links").or_raise(func);
    for i in 0..w.n() {
        if i % 16384 == 16383 {
            check_for_interrupts!();
        }
        let (c, v) = w.row(i);
        out.extend(c.iter().zip(v).map(|(&j, &x)| (ids[i], ids[j], x)));
    }
    out
}

/// The file text without its final newline: `psql -A -t -c "SELECT
/// to_gwt(...)" -o w.gwt` adds one, and a blank last line is more than
/// libpysal's GWT reader accepts.
fn without_final_newline(mut text: String) -> String {
    if text.ends_with('\n') {
        text.pop();
    }
    text
}

/// A weights relation as GAL text (binary: weights are dropped).
#[pg_extern(stable, parallel_safe)]
fn to_gal(weights: Option<RegClass>, ids: default!(Option<Array<'_, i64>>, "NULL")) -> Option<String> {
    crate::pool::apply_limits();
    let weights = weights?; // NULL weights: NULL
    let ids = ids.map(|a| dense_i64(&a, "to_gal", "ids"));
    let w = load(weights, ids, "to_gal");
    Some(without_final_newline(gal::write_gal(w.ids(), &triples(&w, "to_gal"), &mut interrupts()).or_raise("to_gal")))
}

/// A weights relation as GWT text with GeoDa's header.
#[pg_extern(stable, parallel_safe, strict)]
fn to_gwt(weights: RegClass, layer: default!(&str, "'regecon'"), id_variable: default!(&str, "'id'")) -> String {
    crate::pool::apply_limits();
    let w = load(weights, None, "to_gwt");
    without_final_newline(gal::write_gwt(w.n(), &triples(&w, "to_gwt"), layer, id_variable, &mut interrupts()).or_raise("to_gwt"))
}

extension_sql!(
    r#"
CREATE FUNCTION contiguity_weights(source regclass, id_column name, geom_column name, rule text DEFAULT 'queen')
RETURNS TABLE(src bigint, dst bigint, weight float8)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    postgis name;   -- the schema PostGIS was created in, found at run time
    pred text;
    dup bigint;
BEGIN
    -- Every name in the dynamic SQL below is qualified (PostGIS's functions
    -- and its && operator by PostGIS's own schema, the relation by the
    -- qualified name of its oid), and the function runs with search_path
    -- pinned: a same-named function earlier on the caller's path is never called.
    IF pg_catalog.lower(rule) NOT IN ('queen', 'rook') THEN
        RAISE EXCEPTION 'contiguity_weights: rule must be ''queen'' or ''rook'', got ''%''', rule
            USING ERRCODE = '22023';
    END IF;
    SELECT n.nspname INTO postgis
    FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'postgis';
    IF postgis IS NULL THEN
        RAISE EXCEPTION 'contiguity_weights: needs PostGIS (CREATE EXTENSION postgis)'
            USING ERRCODE = '42883';
    END IF;
    IF pg_catalog.lower(rule) = 'queen' THEN
        pred := pg_catalog.format('%I.ST_Intersects(a.g, b.g)', postgis);                 -- any shared boundary point
    ELSIF pg_catalog.lower(rule) = 'rook' THEN
        pred := pg_catalog.format('%I.ST_Relate(a.g, b.g, ''****1****'')', postgis);      -- boundaries share a line
    ELSE
        RAISE EXCEPTION 'contiguity_weights: rule must be ''queen'' or ''rook'', got ''%''', rule
            USING ERRCODE = '22023';
    END IF;
    EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) - pg_catalog.count(DISTINCT %1$I) FROM %2$s WHERE %1$I IS NOT NULL',
                              id_column, source)
        INTO dup;
    IF dup > 0 THEN
        RAISE EXCEPTION 'contiguity_weights: % has % duplicate value(s) in %', source, dup, id_column
            USING ERRCODE = '22023';
    END IF;
    RETURN QUERY EXECUTE pg_catalog.format(
        'WITH u AS (SELECT %1$I::pg_catalog.int8 AS id, %2$I AS g FROM %3$s WHERE %1$I IS NOT NULL AND %2$I IS NOT NULL)
         SELECT a.id, b.id, 1.0::pg_catalog.float8 FROM u a JOIN u b
             ON a.id OPERATOR(pg_catalog.<>) b.id AND a.g OPERATOR(%4$I.&&) b.g AND ' || pred ||
        ' ORDER BY 1, 2',
        id_column, geom_column, source, postgis);
END
$fn$;
COMMENT ON FUNCTION contiguity_weights(regclass, name, name, text) IS
'Queen (shared point) or rook (shared edge) contiguity of PostGIS polygons, as (src, dst, weight = 1) links';
"#,
    name = "contiguity_weights",
);
