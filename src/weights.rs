//! SQL: weights builders (`knn_weights`, `distance_band_weights`), transforms
//! (`weights_transform`), validation (`weights_summary`) and GeoDa's formats
//! (`read_gal`, `read_gwt`, `to_gal`, `to_gwt`). A weights relation is any
//! table or view with columns `src bigint, dst bigint, weight float8`.
//! Numerics: core `weights`.

use crate::errors::{dense, dense_i64, OrRaise};
use crate::ids::{dense_text, match_links, ArrayIds, Matched, OutId};
use crate::pool::interrupts;
use crate::regclass::{read_links, RegClass};
use pgrx::prelude::*;
use regecon_core::labels::{sorted_union, Labels};
use regecon_core::weights::band::{min_threshold, Band};
use regecon_core::weights::coords::{Kernel, Metric};
use regecon_core::weights::knn::{knn_checked, Link};
use regecon_core::weights::{gal, Style, Weights};
use std::sync::Arc;

fn rows(
    links: Vec<Link>,
) -> TableIterator<'static, (name!(src, i64), name!(dst, i64), name!(weight, f64), name!(distance, f64))> {
    TableIterator::new(links)
}

/// Points of a builder per worker thread: a pool of at most one thread per this many.
const POINTS_PER_THREAD: u64 = 1024;

/// Rows of a weights matrix turned into links between two interrupt checks.
const MATRIX_ROWS_PER_CHECK: usize = 16384;

/// Text ids of a builder: the dictionary of the array (a repeated id is
/// 22023), and each element's rank in the byte order of the names, which the
/// numerics use as its id (so ties between equidistant neighbours break as
/// for bigint ids that sort the same way).
fn text_builder_ids(ids: &Array<'_, &str>, func: &str) -> (Vec<i64>, Arc<Vec<Arc<str>>>) {
    let labels = dense_text(ids, func, "ids");
    let (names, mut maps) = sorted_union(&[&labels]).or_raise(func);
    (maps.swap_remove(0), Arc::new(names))
}

type TextLink = (String, String, f64, f64);

fn named(names: &[Arc<str>], (s, d, w, dist): Link) -> TextLink {
    (names[s as usize].to_string(), names[d as usize].to_string(), w, dist)
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
    let ids = dense_i64(&ids, "knn_weights", "ids");
    rows(knn_links(ids, x, y, k, metric, binary, power))
}

/// [`knn_weights`] of units keyed by text ids. STRICT.
#[pg_extern(immutable, parallel_safe, strict, name = "knn_weights")]
fn knn_weights_text(
    ids: Array<'_, &str>,
    x: Array<'_, f64>,
    y: Array<'_, f64>,
    k: i32,
    metric: default!(&str, "'euclidean'"),
    binary: default!(bool, true),
    power: default!(f64, 1.0),
) -> TableIterator<'static, (name!(src, String), name!(dst, String), name!(weight, f64), name!(distance, f64))> {
    let (ranks, names) = text_builder_ids(&ids, "knn_weights");
    let links = knn_links(ranks, x, y, k, metric, binary, power);
    TableIterator::new(links.into_iter().map(move |l| named(&names, l)))
}

fn knn_links(
    ids: Vec<i64>,
    x: Array<'_, f64>,
    y: Array<'_, f64>,
    k: i32,
    metric: &str,
    binary: bool,
    power: f64,
) -> Vec<Link> {
    const F: &str = "knn_weights";
    let metric = Metric::parse(metric).or_raise(F);
    let kernel = Kernel::new(binary, power).or_raise(F);
    if k < 1 {
        crate::errors::raise(F, regecon_core::Error::invalid(format!("k must be at least 1, got {k}")));
    }
    let (x, y) = (dense(&x, F, "x"), dense(&y, F, "y"));
    let pool = crate::pool::thread_pool(F, ids.len() as u64 / POINTS_PER_THREAD + 1);
    knn_checked(&ids, &x, &y, k as usize, metric, kernel, Some(&pool), &mut crate::pool::interrupts_with_progress(F))
        .or_raise(F)
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
    let ids = dense_i64(&ids, "distance_band_weights", "ids");
    TableIterator::new(band_rows(ids, x, y, threshold, metric, binary, power))
}

/// [`distance_band_weights`] of units keyed by text ids. STRICT.
#[pg_extern(immutable, parallel_safe, strict, name = "distance_band_weights")]
fn distance_band_weights_text(
    ids: Array<'_, &str>,
    x: Array<'_, f64>,
    y: Array<'_, f64>,
    threshold: f64,
    metric: default!(&str, "'euclidean'"),
    binary: default!(bool, true),
    power: default!(f64, 1.0),
) -> TableIterator<'static, (name!(src, String), name!(dst, String), name!(weight, f64), name!(distance, f64))> {
    let (ranks, names) = text_builder_ids(&ids, "distance_band_weights");
    let rows = band_rows(ranks, x, y, threshold, metric, binary, power);
    TableIterator::new(rows.map(move |l| named(&names, l)))
}

fn band_rows(
    ids: Vec<i64>,
    x: Array<'_, f64>,
    y: Array<'_, f64>,
    threshold: f64,
    metric: &str,
    binary: bool,
    power: f64,
) -> BandRows {
    const F: &str = "distance_band_weights";
    let metric = Metric::parse(metric).or_raise(F);
    let kernel = Kernel::new(binary, power).or_raise(F);
    let (x, y) = (dense(&x, F, "x"), dense(&y, F, "y"));
    let band = Band::new(&ids, &x, &y, threshold, metric, kernel, &mut interrupts()).or_raise(F);
    BandRows { band, unit: Vec::new().into_iter() }
}

/// The smallest distance band that leaves no unit without a neighbour. STRICT.
#[pg_extern(immutable, parallel_safe, strict)]
fn min_threshold_distance(x: Array<'_, f64>, y: Array<'_, f64>, metric: default!(&str, "'euclidean'")) -> f64 {
    const F: &str = "min_threshold_distance";
    let metric = Metric::parse(metric).or_raise(F);
    let (x, y) = (dense(&x, F, "x"), dense(&y, F, "y"));
    let pool = crate::pool::thread_pool(F, x.len() as u64 / POINTS_PER_THREAD + 1);
    min_threshold(&x, &y, metric, Some(&pool), &mut interrupts()).or_raise(F)
}

/// The units of a weights relation (src and dst), plus `ids` if given (of
/// the relation's key type: 42804 otherwise), with the match that names
/// text ids.
fn load(weights: RegClass, ids: Option<ArrayIds>, func: &str) -> (Weights, Matched) {
    load_links(read_links(weights, func), ids, func)
}

/// [`load`] of links already read.
fn load_links(links: crate::regclass::Links, ids: Option<ArrayIds>, func: &str) -> (Weights, Matched) {
    let none = Labels::default();
    let data = match &ids {
        Some(a) => a.labels(),
        None => links.labels.as_ref().map(|_| &none),
    };
    let m = match_links(func, data, &links);
    let mut units: Vec<i64> = match &ids {
        Some(a) => (0..a.len()).map(|i| a.key(i, &m, func)).collect(),
        None => Vec::new(),
    };
    let mut seen: std::collections::HashSet<i64> = units.iter().copied().collect();
    for (i, &(s, d, _)) in m.triples.iter().enumerate() {
        if i % crate::pool::ROWS_PER_CHECK == crate::pool::ROWS_PER_CHECK - 1 {
            check_for_interrupts!();
        }
        for u in [s, d] {
            if seen.insert(u) {
                units.push(u);
            }
        }
    }
    let show = |c: i64| m.show(c);
    let w = Weights::from_triples_named(&units, &m.triples, &mut interrupts(), &show).or_raise(func);
    (w, m)
}

/// The weights relation transformed: 'r' row-standardised, 'b' binary, 'o' as stored.
#[pg_extern(stable, parallel_safe, strict)]
fn weights_transform(
    weights: RegClass,
    style: &str,
) -> TableIterator<'static, (name!(src, i64), name!(dst, i64), name!(weight, f64))> {
    TableIterator::new(transformed::<i64>(weights, style, "weights_transform"))
}

/// [`weights_transform`] of a relation keyed by text ids (the name says the
/// key type, since no argument does). STRICT.
#[pg_extern(stable, parallel_safe, strict)]
fn weights_transform_text(
    weights: RegClass,
    style: &str,
) -> TableIterator<'static, (name!(src, String), name!(dst, String), name!(weight, f64))> {
    TableIterator::new(transformed::<String>(weights, style, "weights_transform_text"))
}

fn transformed<I: OutId>(weights: RegClass, style: &str, func: &str) -> Vec<(I, I, f64)> {
    let style = Style::parse(style).or_raise(func);
    crate::pool::apply_limits();
    let links = read_links(weights, func);
    let want_text = std::any::TypeId::of::<I>() == std::any::TypeId::of::<String>();
    if links.labels.is_some() != want_text {
        let (has, other) =
            if want_text { ("integer", "weights_transform") } else { ("text", "weights_transform_text") };
        crate::errors::raise_code(
            pgrx::PgSqlErrorCode::ERRCODE_DATATYPE_MISMATCH,
            &format!("{func}: weights relation {} has {has} ids: use {other}", links.name),
        );
    }
    let (w, m) = load_links(links, None, func);
    let w = w.transform_checked(style, &mut interrupts()).or_raise(func);
    triples(&w, func).into_iter().map(|(s, d, x)| (I::from_key(s, &m), I::from_key(d, &m), x)).collect()
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
    let ids = ids.map(|a| ArrayIds::Int(dense_i64(&a, F, "ids")));
    TableIterator::new(summary(weights, ids, F))
}

/// [`weights_summary`] with text `ids` (units that may have no link).
#[pg_extern(stable, parallel_safe, name = "weights_summary")]
fn weights_summary_text(
    weights: Option<RegClass>,
    ids: Option<Array<'_, &str>>,
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
    let ids = ids.map(|a| ArrayIds::Text(dense_text(&a, F, "ids")));
    TableIterator::new(summary(weights, ids, F))
}

type SummaryRow = (i64, i64, i64, i64, i32, f64, i32, f64);

fn summary(weights: RegClass, ids: Option<ArrayIds>, func: &str) -> Vec<SummaryRow> {
    let s = load(weights, ids, func).0.summary_checked(&mut interrupts());
    vec![(
        s.n as i64,
        s.links as i64,
        s.islands as i64,
        s.asymmetric_pairs as i64,
        s.min_neighbours as i32,
        s.mean_neighbours,
        s.max_neighbours as i32,
        s.s0,
    )]
}

/// Links of a GAL file's text (weight 1). STRICT.
#[pg_extern(immutable, parallel_safe, strict)]
fn read_gal(content: &str) -> TableIterator<'static, (name!(src, i64), name!(dst, i64), name!(weight, f64))> {
    crate::pool::apply_limits();
    TableIterator::new(gal::parse_gal(content, &mut interrupts()).or_raise("read_gal").0)
}

/// Links of a GAL file whose ids are text (names, or codes with leading
/// zeros kept), weight 1. STRICT.
#[pg_extern(immutable, parallel_safe, strict)]
fn read_gal_text(
    content: &str,
) -> TableIterator<'static, (name!(src, String), name!(dst, String), name!(weight, f64))> {
    const F: &str = "read_gal_text";
    crate::pool::apply_limits();
    let mut labels = Labels::default();
    let (links, _) =
        gal::parse_gal_with(content, &mut |tok, _| labels.code(tok).map(|c| c.0), &mut interrupts()).or_raise(F);
    TableIterator::new(text_triples(links, &labels))
}

/// Links of a GWT file whose ids are text. STRICT.
#[pg_extern(immutable, parallel_safe, strict)]
fn read_gwt_text(
    content: &str,
) -> TableIterator<'static, (name!(src, String), name!(dst, String), name!(weight, f64))> {
    const F: &str = "read_gwt_text";
    crate::pool::apply_limits();
    let mut labels = Labels::default();
    let links =
        gal::parse_gwt_with(content, &mut |tok, _| labels.code(tok).map(|c| c.0), &mut interrupts()).or_raise(F);
    TableIterator::new(text_triples(links, &labels))
}

fn text_triples(links: Vec<(i64, i64, f64)>, labels: &Labels) -> Vec<(String, String, f64)> {
    let name = |c: i64| labels.name(c).unwrap_or_default().to_string();
    links.into_iter().map(|(s, d, w)| (name(s), name(d), w)).collect()
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
        if i % MATRIX_ROWS_PER_CHECK == MATRIX_ROWS_PER_CHECK - 1 {
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
    let ids = ids.map(|a| ArrayIds::Int(dense_i64(&a, "to_gal", "ids")));
    Some(gal_text(weights, ids))
}

/// [`to_gal`] listing text `ids` (units that may have no link).
#[pg_extern(stable, parallel_safe, name = "to_gal")]
fn to_gal_text(weights: Option<RegClass>, ids: Option<Array<'_, &str>>) -> Option<String> {
    crate::pool::apply_limits();
    let weights = weights?; // NULL weights: NULL
    let ids = ids.map(|a| ArrayIds::Text(dense_text(&a, "to_gal", "ids")));
    Some(gal_text(weights, ids))
}

/// How a writer shows the ids of `m`: numbers, or names checked to be
/// writable fields.
fn show_ids<'a>(m: &'a Matched) -> impl Fn(i64) -> regecon_core::Result<std::borrow::Cow<'a, str>> + 'a {
    move |c| match &m.names {
        None => Ok(c.to_string().into()),
        Some(n) => {
            let s: &str = n.get(c as usize).map(|s| &**s).unwrap_or_default();
            gal::text_field(s)?;
            Ok(s.into())
        }
    }
}

fn gal_text(weights: RegClass, ids: Option<ArrayIds>) -> String {
    const F: &str = "to_gal";
    let (w, m) = load(weights, ids, F);
    let text = gal::write_gal_with(w.ids(), &triples(&w, F), &show_ids(&m), &mut interrupts()).or_raise(F);
    without_final_newline(text)
}

/// A weights relation as GWT text with GeoDa's header.
#[pg_extern(stable, parallel_safe, strict)]
fn to_gwt(weights: RegClass, layer: default!(&str, "'regecon'"), id_variable: default!(&str, "'id'")) -> String {
    crate::pool::apply_limits();
    let (w, m) = load(weights, None, "to_gwt");
    let text = gal::write_gwt_with(w.n(), &triples(&w, "to_gwt"), layer, id_variable, &show_ids(&m), &mut interrupts());
    without_final_newline(text.or_raise("to_gwt"))
}

extension_sql!(
    r#"
CREATE FUNCTION contiguity_weights_text(source regclass, id_column name, geom_column name, rule text DEFAULT 'queen')
RETURNS TABLE(src text, dst text, weight float8)
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
        'WITH u AS (SELECT %1$I::pg_catalog.text AS id, %2$I AS g FROM %3$s WHERE %1$I IS NOT NULL AND %2$I IS NOT NULL)
         SELECT a.id, b.id, 1.0::pg_catalog.float8 FROM u a JOIN u b
             ON a.id OPERATOR(pg_catalog.<>) b.id AND a.g OPERATOR(%4$I.&&) b.g AND ' || pred ||
        ' ORDER BY 1, 2',
        id_column, geom_column, source, postgis);
END
$fn$;
CREATE FUNCTION contiguity_weights(source regclass, id_column name, geom_column name, rule text DEFAULT 'queen')
RETURNS TABLE(src bigint, dst bigint, weight float8)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
    SELECT c.src::pg_catalog.int8, c.dst::pg_catalog.int8, c.weight
    FROM @extschema@.contiguity_weights_text(source, id_column, geom_column, rule) AS c
    ORDER BY 1, 2
$fn$;
COMMENT ON FUNCTION contiguity_weights_text(regclass, name, name, text) IS
'Queen or rook contiguity of PostGIS polygons keyed by text ids (any id column type, read as text)';
COMMENT ON FUNCTION contiguity_weights(regclass, name, name, text) IS
'Queen (shared point) or rook (shared edge) contiguity of PostGIS polygons, as (src, dst, weight = 1) links';
"#,
    name = "contiguity_weights",
);
