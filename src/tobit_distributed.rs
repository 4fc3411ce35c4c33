//! SQL: `panel_tobit_distributed`, the pooled and random-effects Tobit of a
//! relation fitted from sums over units (core `tobit::distributed`): each
//! likelihood evaluation is one query, grouped by unit, whose per-unit
//! vectors (`regecon_internal.tobit_unit_terms`) are summed by
//! `regecon_internal.tobit_sum`. On Citus, with the relation distributed by
//! its unit column, the per-unit step runs on the shards and the sum is
//! combined from the workers' partial sums: a few k x k matrices cross the
//! network per iteration, never the rows (docs/citus.md). On one node the
//! same queries run locally.

use crate::errors::{raise, OrRaise};
use crate::tobit::{to_composite, TobitQuadrature, QUADRATURE, QUADRATURE_POINTS};
use pgrx::prelude::*;
use regecon_core::sum::NeumaierSum;
use regecon_core::tobit::distributed::{self, Described, ModelSource, Request, Source};
use regecon_core::tobit::newton::Options;
use regecon_core::tobit::random::Quadrature;
use regecon_core::tobit::{Model, Spec};
use regecon_core::Error;

const F: &str = "panel_tobit_distributed";

/// One unit's vector (core `distributed::unit_terms`): `rows` holds the
/// unit's rows as `array_agg(ARRAY[y, x1, ..., xk])`, `k` regressors each.
/// NULL when a value of the vector is not finite at theta (a trial step of
/// the iterations may leave the likelihood's domain): the driver counts
/// such units and treats the step as infeasible, never NaN.
#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
#[allow(clippy::too_many_arguments)]
fn tobit_unit_terms(
    rows: Option<pgrx::Array<'_, f64>>,
    k: Option<i32>,
    lower: Option<f64>,
    upper: Option<f64>,
    model: Option<&str>,
    theta: Option<Vec<Option<f64>>>,
    quadrature: Option<&str>,
    quadrature_points: Option<i32>,
    request: Option<i32>,
) -> Option<Vec<f64>> {
    // NULL options: NULL (rows and the bounds may be NULL: no rows, no bound)
    let (Some(k), Some(model), Some(theta), Some(quadrature), Some(quadrature_points), Some(request)) =
        (k, model, theta, quadrature, quadrature_points, request)
    else {
        return None;
    };
    const G: &str = "tobit_unit_terms";
    let model = Model::parse(model).or_raise(G);
    let quadrature = (Quadrature::parse(quadrature).or_raise(G), points(quadrature_points, G));
    let request = Request::from_code(request).or_raise(G);
    let k0 = usize::try_from(k).unwrap_or_else(|_| raise(G, Error::invalid(format!("k must be >= 0, got {k}"))));
    let null = |what: &str| -> ! { raise(G, Error::null_value(format!("{what} has a NULL element"))) };
    let theta: Vec<f64> = theta.into_iter().map(|e| e.unwrap_or_else(|| null("theta"))).collect();
    let width = k0 + 1;
    let len = rows.as_ref().map_or(0, |r| r.len());
    if !len.is_multiple_of(width) {
        raise(G, Error::invalid(format!("rows has {len} values, not a multiple of 1 + k = {width}")));
    }
    let n = len / width;
    let mut y = regecon_core::mem::vec_with_capacity(n, "the rows of a unit").or_raise(G);
    let mut x = regecon_core::mem::vec_with_capacity(n * k0, "the rows of a unit").or_raise(G);
    // the rows' values in storage order: y, x1..xk of row 1, then of row 2...
    for (i, v) in rows.iter().flat_map(|r| r.iter()).enumerate() {
        let v = v.unwrap_or_else(|| null("rows"));
        if i % width == 0 {
            y.push(v);
        } else {
            x.push(v);
        }
    }
    let v = distributed::unit_terms(&y, &x, k0, lower, upper, model, &theta, quadrature, request).or_raise(G);
    v.iter().all(|e| e.is_finite()).then_some(v)
}

fn points(p: i32, func: &str) -> usize {
    if !(1..=regecon_core::tobit::hermite::MAX_POINTS as i32).contains(&p) {
        raise(
            func,
            Error::invalid(format!(
                "quadrature_points must be between 1 and {}, got {p}",
                regecon_core::tobit::hermite::MAX_POINTS
            )),
        );
    }
    p as usize
}

/// `tobit_sum`'s transition and combine: element-wise compensated sums, the
/// state being the sums followed by their compensations (a float8[] state,
/// which Citus combines across workers).
#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
fn tobit_sum_trans(state: Option<Vec<f64>>, v: Option<Vec<f64>>) -> Option<Vec<f64>> {
    const G: &str = "tobit_sum";
    let Some(v) = v else { return state };
    let mut state = state.unwrap_or_else(|| vec![0.0; 2 * v.len()]);
    if state.len() != 2 * v.len() {
        raise(G, Error::invalid(format!("vectors of {} and {} values", state.len() / 2, v.len())));
    }
    let m = v.len();
    for (j, x) in v.into_iter().enumerate() {
        let mut s = NeumaierSum::from_parts(state[j], state[m + j]);
        s.add(x);
        (state[j], state[m + j]) = s.parts();
    }
    finite_state(state)
}

/// A state whose sums stay finite; 22003 (never Infinity or NaN) otherwise.
fn finite_state(state: Vec<f64>) -> Option<Vec<f64>> {
    if state.iter().any(|e| !e.is_finite()) {
        raise("tobit_sum", Error::out_of_range("a sum of the per-unit vectors is not finite"));
    }
    Some(state)
}

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
fn tobit_sum_combine(a: Option<Vec<f64>>, b: Option<Vec<f64>>) -> Option<Vec<f64>> {
    const G: &str = "tobit_sum";
    let (mut a, b) = match (a, b) {
        (None, b) => return b,
        (a, None) => return a,
        (Some(a), Some(b)) => (a, b),
    };
    if a.len() != b.len() || !a.len().is_multiple_of(2) {
        raise(G, Error::invalid(format!("partial sums of {} and {} values", a.len(), b.len())));
    }
    let m = a.len() / 2;
    for j in 0..m {
        let mut s = NeumaierSum::from_parts(a[j], a[m + j]);
        s.merge(&NeumaierSum::from_parts(b[j], b[m + j]));
        (a[j], a[m + j]) = s.parts();
    }
    finite_state(a)
}

/// The sums; 22003 when one overflows double precision (never Infinity).
#[pg_extern(immutable, parallel_safe, strict, schema = "regecon_internal")]
fn tobit_sum_final(state: Vec<f64>) -> Vec<f64> {
    if !state.len().is_multiple_of(2) {
        raise(
            "tobit_sum",
            Error::invalid(format!("a state of {} values: sums and compensations come in pairs", state.len())),
        );
    }
    let m = state.len() / 2;
    let v: Vec<f64> = (0..m).map(|j| NeumaierSum::from_parts(state[j], state[m + j]).value()).collect();
    if v.iter().any(|e| !e.is_finite()) {
        raise("tobit_sum", Error::out_of_range("a sum of the per-unit vectors overflows double precision"));
    }
    v
}

extension_sql!(
    r#"
CREATE AGGREGATE regecon_internal.tobit_sum(float8[]) (
    SFUNC = regecon_internal.tobit_sum_trans, STYPE = float8[],
    FINALFUNC = regecon_internal.tobit_sum_final, COMBINEFUNC = regecon_internal.tobit_sum_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE regecon_internal.tobit_sum(float8[]) IS
'Element-wise compensated sum of the per-unit vectors of panel_tobit_distributed';
COMMENT ON FUNCTION regecon_internal.tobit_unit_terms(float8[], int, float8, float8, text, float8[], text, int, int) IS
'One unit''s Tobit log-likelihood, gradient, negative Hessian or score outer product at theta (or its summary), for panel_tobit_distributed';
"#,
    name = "tobit_sum_aggregate",
    requires = [tobit_sum_trans, tobit_sum_combine, tobit_sum_final, tobit_unit_terms],
);

/// The queries of one fit: the relation, its columns (quoted) and the call's
/// constants, as SQL text.
struct Queries {
    /// `FROM rel WHERE ... GROUP BY unit`, with the per-unit columns'
    /// expressions ready.
    rows: String,
    y: String,
    x: Vec<String>,
    unit: String,
    lower: String,
    upper: String,
    model: Model,
    quadrature: (Quadrature, usize),
    passes: usize,
}

fn literal(v: Option<f64>) -> String {
    // Debug prints the shortest text that reads back to the same double
    // ("inf" and "-inf" included, which float8in reads)
    v.map_or_else(|| "NULL::pg_catalog.float8".into(), |v| format!("'{v:?}'::pg_catalog.float8"))
}

impl Queries {
    fn query(&self, request: Request, theta: &[f64]) -> String {
        let theta = format!(
            "'{{{}}}'::pg_catalog.float8[]",
            theta.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(",")
        );
        let row = std::iter::once(self.y.as_str()).chain(self.x.iter().map(String::as_str)).collect::<Vec<_>>();
        format!(
            "SELECT regecon_internal.tobit_sum(t), pg_catalog.min(n_g), pg_catalog.max(n_g), pg_catalog.max(m), \
                    pg_catalog.count(*) FILTER (WHERE t IS NULL) \
             FROM (SELECT regecon_internal.tobit_unit_terms(\
                     pg_catalog.array_agg(ARRAY[{row}]::pg_catalog.float8[]), {k}, {lower}, {upper}, '{model}', {theta}, \
                     '{quad}', {points}, {request}) AS t, \
                   pg_catalog.count(*) AS n_g, pg_catalog.max(pg_catalog.abs({y}::pg_catalog.float8)) AS m \
                   {rows}) s",
            row = row.iter().map(|c| format!("{c}::pg_catalog.float8")).collect::<Vec<_>>().join(", "),
            k = self.x.len(),
            lower = self.lower,
            upper = self.upper,
            model = self.model.name(),
            quad = self.quadrature.0.name(),
            points = self.quadrature.1,
            request = request.code(),
            y = self.y,
            rows = self.rows,
        )
    }

    /// Runs one pass: the summed vector, the fewest and most rows of a
    /// unit, the largest |y|. A unit whose vector is not finite at theta
    /// makes a likelihood evaluation -infinity (an infeasible step, which
    /// the iterations shorten) and a summary an error.
    fn run(&mut self, request: Request, theta: &[f64]) -> regecon_core::Result<(Vec<f64>, i64, i64, f64)> {
        check_for_interrupts!();
        self.passes += 1;
        let q = self.query(request, theta);
        let row = Spi::connect(|client| {
            let t = client.select(&q, Some(1), &[])?.first();
            Ok::<_, pgrx::spi::Error>((t.get::<Vec<f64>>(1)?, t.get::<i64>(2)?, t.get::<i64>(3)?, t.get::<f64>(4)?))
        })
        .unwrap_or_else(|e| raise(F, Error::invalid(format!("the pass over {} failed: {e}", self.unit))));
        match row {
            (Some(v), Some(lo), Some(hi), Some(m)) => Ok((v, lo, hi, m)),
            _ => Err(Error::invalid("no rows with a non-NULL y, x and unit")),
        }
    }
}

impl Source for Queries {
    fn sums(&mut self, request: Request, theta: &[f64]) -> regecon_core::Result<Vec<f64>> {
        self.run(request, theta).map(|r| r.0)
    }
}

impl ModelSource for Queries {
    fn set_model(&mut self, model: Model, quadrature: (Quadrature, usize)) {
        (self.model, self.quadrature) = (model, quadrature);
    }
}

/// A column of the relation, by name, as a quoted identifier; 42703 when the
/// relation has no such column.
fn column(rel: pg_sys::Oid, relname: &str, name: &str, arg: &str) -> String {
    let c =
        std::ffi::CString::new(name).unwrap_or_else(|_| raise(F, Error::invalid(format!("{arg} contains a NUL byte"))));
    // SAFETY: a syscache lookup by the relation's oid and a NUL-terminated
    // name; InvalidAttrNumber (0) when absent, negative for a system column. quote_identifier returns its
    // argument or a palloc'd quoted copy, NUL-terminated.
    unsafe {
        let att = pg_sys::get_attnum(rel, c.as_ptr());
        if att <= 0 {
            crate::errors::raise_code(
                pgrx::PgSqlErrorCode::ERRCODE_UNDEFINED_COLUMN,
                &format!("{F}: {arg}: relation {relname} has no column \"{name}\""),
            );
        }
        std::ffi::CStr::from_ptr(pg_sys::quote_identifier(c.as_ptr())).to_string_lossy().into_owned()
    }
}

/// The relation's schema-qualified, quoted name; 42P01 when it is gone.
fn relation_name(rel: pg_sys::Oid) -> String {
    // SAFETY: catalog lookups by oid; NULL (no such relation) is checked.
    unsafe {
        let relname = pg_sys::get_rel_name(rel);
        let nsp = if relname.is_null() {
            std::ptr::null_mut()
        } else {
            pg_sys::get_namespace_name(pg_sys::get_rel_namespace(rel))
        };
        if relname.is_null() || nsp.is_null() {
            crate::errors::raise_code(
                pgrx::PgSqlErrorCode::ERRCODE_UNDEFINED_TABLE,
                &format!("{F}: relation {} does not exist", rel.to_u32()),
            );
        }
        std::ffi::CStr::from_ptr(pg_sys::quote_qualified_identifier(nsp, relname)).to_string_lossy().into_owned()
    }
}

/// The pooled or random-effects Tobit of `relation`'s rows, fitted by Newton
/// iterations whose every likelihood evaluation is one query grouped by
/// `unit`: see the module's notes. The same `tobit_fit` as `panel_tobit`.
#[pg_extern(stable, parallel_unsafe)]
#[allow(clippy::too_many_arguments)]
fn panel_tobit_distributed(
    relation: Option<crate::regclass::RegClass>,
    y: Option<&str>,
    x: Option<Vec<Option<String>>>,
    unit: Option<&str>,
    lower: Option<f64>,
    upper: Option<f64>,
    model: Option<&str>,
    quadrature: default!(Option<&str>, "NULL"),
    quadrature_points: default!(Option<i32>, "NULL"),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<pgrx::composite_type!('static, "tobit_fit")> {
    // NULL in what names the data or the model: NULL, as a STRICT function
    let (Some(relation), Some(y), Some(x), Some(unit), Some(model)) = (relation, y, x, unit, model) else {
        return None;
    };
    let model = Model::parse(model).or_raise(F);
    distributed::parameters(model, 1).or_raise(F);
    regecon_core::tobit::validate_bounds(lower, upper).or_raise(F);
    let quadrature = match quadrature {
        Some(q) => Quadrature::parse(q).or_raise(F),
        None => match QUADRATURE.get() {
            TobitQuadrature::Adaptive => Quadrature::Adaptive,
            TobitQuadrature::Ghq => Quadrature::Plain,
        },
    };
    let points = points(quadrature_points.unwrap_or_else(|| QUADRATURE_POINTS.get()), F);
    let names: Vec<String> =
        x.into_iter().map(|n| n.unwrap_or_else(|| raise(F, Error::null_value("x has a NULL column name")))).collect();
    if names.is_empty() {
        raise(F, Error::invalid("x names no regressor: give at least one column"));
    }
    regecon_core::tobit::check_names(&names, "x").or_raise(F);
    let rel = relation.0;
    let relname = relation_name(rel);
    let yq = column(rel, &relname, y, "y");
    let xq: Vec<String> = names.iter().map(|n| column(rel, &relname, n, "x")).collect();
    let uq = column(rel, &relname, unit, "unit");
    let not_null = std::iter::once(&yq)
        .chain(&xq)
        .chain(std::iter::once(&uq))
        .map(|c| format!("{c} IS NOT NULL"))
        .collect::<Vec<_>>()
        .join(" AND ");
    let mut queries = Queries {
        rows: format!("FROM {relname} WHERE {not_null} GROUP BY {uq}"),
        y: yq,
        x: xq,
        unit: unit.to_string(),
        lower: literal(lower),
        upper: literal(upper),
        model: Model::Pooled,
        quadrature: (quadrature, points),
        passes: 0,
    };
    let k = names.len() + 1;
    let (sums, lo, hi, max_abs_y) = queries.run(Request::Summary, &[]).or_raise(F);
    let d = Described::new(&sums, k, lo.max(0) as usize, hi.max(0) as usize, max_abs_y).or_raise(F);
    let mut check = crate::pool::interrupts();
    let f = distributed::fit(model, &names, &d, (quadrature, points), Options::default(), &mut queries, &mut check)
        .or_raise(F);
    if let Some(message) = &f.message {
        warning!("{F}: the {} Tobit of {} rows in {} units failed: {message}", model.name(), f.n, f.n_units);
    }
    debug1!("{F}: {} passes over {relname}", queries.passes);
    let spec = Spec { lower, upper, model, names, quadrature: Some(quadrature), points: Some(points) };
    Some(to_composite(&f, &spec, fcinfo))
}

extension_sql!(
    r#"
COMMENT ON FUNCTION panel_tobit_distributed(regclass, text, text[], text, float8, float8, text, text, int) IS
'Pooled or random-effects panel Tobit of a relation, fitted from per-unit sums (one query per iteration; on Citus, computed on the shards when the relation is distributed by unit)';
"#,
    name = "panel_tobit_distributed_comment",
    requires = [panel_tobit_distributed],
);
