//! SQL: `panel_tobit` (aggregate returning a `tobit_fit`), `tobit_coefficients`,
//! `tobit_summary`, `tobit_marginal_effects`, `tobit_hausman`, and the
//! settings `regecon.tobit_quadrature` and `regecon.tobit_quadrature_points`
//! (the defaults of `panel_tobit`'s `quadrature` and `quadrature_points`).
//! Numerics: core `tobit`. The fit runs in the final function: random
//! effects on a thread pool bounded by `regecon.max_threads`, with interrupt
//! checks between Newton iterations on the main thread.

use crate::aggregate::{self, agg_state, parallel_support};
use crate::errors::{dense, raise, OrRaise};
use crate::ids::Id;
use crate::pool::{interrupts_with_progress, thread_pool};
use crate::types::result_tuple;
use pgrx::guc::{GucContext, GucFlags, GucRegistry, GucSetting};
use pgrx::prelude::*;
use pgrx::{Internal, PostgresGucEnum};
use regecon_core::moran::p_two_sided;
use regecon_core::tobit::effects::{hausman, marginal_effects};
use regecon_core::tobit::hermite::MAX_POINTS;
use regecon_core::tobit::random::Quadrature;
use regecon_core::tobit::{self as core_tobit, Fit, Model, Rows, Settings, Spec};
use regecon_core::Error;

/// `regecon.tobit_quadrature`: the Gauss-Hermite rule of random-effects fits.
#[derive(PostgresGucEnum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum TobitQuadrature {
    #[name = c"adaptive"]
    Adaptive,
    #[name = c"ghq"]
    Ghq,
}

pub static QUADRATURE: GucSetting<TobitQuadrature> = GucSetting::<TobitQuadrature>::new(TobitQuadrature::Adaptive);
pub static QUADRATURE_POINTS: GucSetting<i32> =
    GucSetting::<i32>::new(regecon_core::tobit::random::DEFAULT_POINTS as i32);

pub fn register_settings() {
    GucRegistry::define_enum_guc(
        c"regecon.tobit_quadrature",
        c"Gauss-Hermite rule of random-effects Tobit fits that do not name one: adaptive (Stata's default) or ghq (plain, as R's censReg).",
        c"Adaptive quadrature centres the nodes at each unit's posterior mode (Liu and Pierce 1994); plain quadrature scales them by sigma_u around 0.",
        &QUADRATURE,
        GucContext::Userset,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"regecon.tobit_quadrature_points",
        c"Number of Gauss-Hermite points of random-effects Tobit fits that do not name it (Stata's default 12).",
        c"More points give a more accurate likelihood at a proportional cost.",
        &QUADRATURE_POINTS,
        1,
        MAX_POINTS as i32,
        GucContext::Userset,
        GucFlags::default(),
    );
}

const F: &str = "panel_tobit";

/// Rows of a fit per worker thread: a pool of at most one thread per this many.
const ROWS_PER_THREAD: u64 = 4096;

agg_state!(Rows);

#[allow(clippy::too_many_arguments)]
fn trans(
    state: Option<Internal>,
    y: Option<f64>,
    x: Option<Array<'_, f64>>,
    unit: Option<Id<'_>>,
    lower: Option<f64>,
    upper: Option<f64>,
    model: Option<&str>,
    names: Option<Array<'_, &str>>,
    rule: (Option<&str>, Option<i32>),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    let Some(model_name) = model else { raise(F, Error::invalid("model must not be NULL")) };
    let quadrature = rule.0.map(Quadrature::parse).transpose().or_raise(F);
    let points = match rule.1 {
        Some(p) if !(1..=MAX_POINTS as i32).contains(&p) => {
            raise(F, Error::invalid(format!("quadrature_points must be between 1 and {MAX_POINTS}, got {p}")))
        }
        p => p.map(|p| p as usize),
    };
    let (Some(y), Some(x), Some(unit)) = (y, x, unit) else { return aggregate::skip(state) }; // incomplete rows are skipped
                                                                                              // once per row: no allocation unless the array has NULLs or is not contiguous
    let owned;
    let x: &[f64] = match x.as_slice() {
        Ok(s) => s,
        Err(_) => {
            owned = dense(&x, F, "x");
            &owned
        }
    };
    aggregate::trans::<Rows>(state, fcinfo, F, |s| {
        let model = match &s.spec {
            Some(spec) if spec.model.name().eq_ignore_ascii_case(model_name) => spec.model,
            _ => Model::parse(model_name)?,
        };
        // the common case, once per row: the options are those of the first row
        if let Some(spec) = &s.spec {
            let same_names = match &names {
                None => true, // the overload without names always uses x1..xk
                Some(a) => a.len() == spec.names.len() && a.iter().zip(&spec.names).all(|(n, m)| n == Some(m.as_str())),
            };
            let same_rule = spec.quadrature == quadrature && spec.points == points;
            if spec.lower == lower && spec.upper == upper && spec.model == model && same_names && same_rule {
                return push(s, y, x, unit);
            }
        }
        let names: Vec<String> = match &names {
            None => (1..=x.len()).map(|j| format!("x{j}")).collect(),
            Some(a) => a
                .iter()
                .enumerate()
                .map(|(i, n)| match n {
                    Some(n) => Ok(n.to_string()),
                    None => Err(Error::null_value(format!("names[{}] is NULL", i + 1))),
                })
                .collect::<regecon_core::Result<_>>()?,
        };
        if names.len() != x.len() {
            return Err(Error::invalid(format!("names has {} elements but x has {}", names.len(), x.len())));
        }
        for (v, name) in [(lower, "lower"), (upper, "upper")] {
            if let Some(v) = v {
                regecon_core::error::finite(v, name)?;
            }
        }
        let spec = Spec { lower, upper, model, names, quadrature, points };
        match unit {
            Id::Int(u) => s.add(y, x, u, &spec),
            Id::Text(u) => s.add_text(y, x, u, &spec),
        }
    })
}

/// Appends a row to a state whose options are set.
fn push(s: &mut Rows, y: f64, x: &[f64], unit: Id<'_>) -> regecon_core::Result<()> {
    match unit {
        Id::Int(u) => s.push(y, x, u),
        Id::Text(u) => s.push_text(y, x, u),
    }
}

// The transition function runs once per row (10^6 rows and more for the
// benchmarks), so it is a bare V1 C function: when the state already holds
// rows with the same options it reads y, x and unit straight from fcinfo and
// appends them (pgrx's marshalling of seven arguments cost about as much as
// the fit of a pooled Tobit). Other rows take the general path, `trans`.
// One symbol serves both SQL signatures (with and without names).
#[no_mangle]
#[doc(hidden)]
pub extern "C" fn pg_finfo_panel_tobit_trans() -> &'static pg_sys::Pg_finfo_record {
    const V1_API: pg_sys::Pg_finfo_record = pg_sys::Pg_finfo_record { api_version: 1 };
    &V1_API
}

/// `panel_tobit_trans(internal, float8, float8[], bigint, float8, float8, text [, text[] [, text, int]]) RETURNS internal`.
///
/// # Safety
/// Called by PostgreSQL's function manager with a valid fcinfo of one of the
/// three declared signatures (7, 8 or 10 arguments, checked).
#[no_mangle]
#[pg_guard]
pub unsafe extern "C-unwind" fn panel_tobit_trans(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    // SAFETY: the caller's contract, passed on; the unit is declared bigint.
    unsafe { trans_v1(fcinfo, false) }
}

#[no_mangle]
#[doc(hidden)]
pub extern "C" fn pg_finfo_panel_tobit_text_trans() -> &'static pg_sys::Pg_finfo_record {
    const V1_API: pg_sys::Pg_finfo_record = pg_sys::Pg_finfo_record { api_version: 1 };
    &V1_API
}

/// `panel_tobit_text_trans(internal, float8, float8[], text, float8, float8, text [, text[] [, text, int]]) RETURNS internal`.
///
/// # Safety
/// As [`panel_tobit_trans`], with the unit declared text.
#[no_mangle]
#[pg_guard]
pub unsafe extern "C-unwind" fn panel_tobit_text_trans(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    // SAFETY: the caller's contract, passed on; the unit is declared text.
    unsafe { trans_v1(fcinfo, true) }
}

/// Both transition functions; `text` says how the unit (argument 4) is declared.
///
/// # Safety
/// A valid fcinfo of one of the declared signatures, the unit of type text
/// when `text`, bigint otherwise.
unsafe fn trans_v1(fcinfo: pg_sys::FunctionCallInfo, text: bool) -> pg_sys::Datum {
    // SAFETY: fcinfo is non-null for any fmgr call; nargs is checked against
    // the declared signatures before the argument array is sliced.
    let nargs = if fcinfo.is_null() { 0 } else { (*fcinfo).nargs as usize };
    if ![7, 8, 10].contains(&nargs) {
        raise(F, Error::invalid("panel_tobit_trans needs 7, 8 or 10 arguments"));
    }
    let args = (*fcinfo).args.as_slice(nargs);
    if let Some(d) = fast_trans(args, text) {
        (*fcinfo).isnull = false;
        return d;
    }
    // SAFETY: each datum is decoded with the type its position is declared
    // with, and its own null flag.
    let state = Internal::from_polymorphic_datum(args[0].value, args[0].isnull, pg_sys::INTERNALOID);
    let float = |i: usize| f64::from_polymorphic_datum(args[i].value, args[i].isnull, pg_sys::FLOAT8OID);
    let x = Array::<f64>::from_polymorphic_datum(args[2].value, args[2].isnull, pg_sys::FLOAT8ARRAYOID);
    let unit_text;
    let unit = if text {
        unit_text = <&str>::from_polymorphic_datum(args[3].value, args[3].isnull, pg_sys::TEXTOID);
        unit_text.map(Id::Text)
    } else {
        i64::from_polymorphic_datum(args[3].value, args[3].isnull, pg_sys::INT8OID).map(Id::Int)
    };
    let model = <&str>::from_polymorphic_datum(args[6].value, args[6].isnull, pg_sys::TEXTOID);
    let names = if nargs > 7 {
        Array::<&str>::from_polymorphic_datum(args[7].value, args[7].isnull, pg_sys::TEXTARRAYOID)
    } else {
        None
    };
    let names_key = if nargs > 7 && !args[7].isnull { datum_bytes(args[7].value).to_vec() } else { Vec::new() };
    let rule = if nargs > 8 {
        let quadrature = <&str>::from_polymorphic_datum(args[8].value, args[8].isnull, pg_sys::TEXTOID);
        (quadrature, i32::from_polymorphic_datum(args[9].value, args[9].isnull, pg_sys::INT4OID))
    } else {
        (None, None)
    };
    let out = trans(state, float(1), x, unit, float(4), float(5), model, names, rule, fcinfo);
    // A NULL state (every row so far skipped) must go back as a true NULL:
    // pgrx represents it as Some(Internal(None)), whose datum would be a
    // non-NULL pointer 0 that the next row dereferences.
    match aggregate::skip(out) {
        Some(mut internal) => {
            if let Some(rows) = internal.get_mut::<Rows>() {
                rows.names_key = names_key;
            }
            match internal.into_datum() {
                Some(d) => {
                    (*fcinfo).isnull = false;
                    d
                }
                None => {
                    (*fcinfo).isnull = true;
                    pg_sys::Datum::from(0)
                }
            }
        }
        None => {
            (*fcinfo).isnull = true;
            pg_sys::Datum::from(0)
        }
    }
}

/// The bytes of a (possibly short-header or toasted) varlena datum.
///
/// # Safety
/// `d` must be a non-NULL varlena datum (text or array) of the current call.
unsafe fn datum_bytes<'a>(d: pg_sys::Datum) -> &'a [u8] {
    // SAFETY: detoasting a valid varlena returns a valid, possibly copied,
    // varlena in the current memory context, alive for this call.
    let v = pg_sys::pg_detoast_datum_packed(d.cast_mut_ptr());
    pgrx::varlena::varlena_to_byte_slice(v)
}

/// The common case: a row with the options of the rows before it.
///
/// # Safety
/// `args` are the 7, 8 or 10 arguments of a panel_tobit_trans call (the
/// unit text when `text`).
unsafe fn fast_trans(args: &[pg_sys::NullableDatum], text: bool) -> Option<pg_sys::Datum> {
    // NULL state (first row), NULL y, x, unit or model: the general path
    if args[..4].iter().any(|a| a.isnull) || args[6].isnull || args[0].value.value() == 0 {
        return None;
    }
    // SAFETY: a non-NULL state is a Rows this aggregate created in its
    // memory context (a direct SQL call can only pass NULL::internal, and an
    // aggregate over internal can only be declared by a superuser); the
    // aggregate owns it exclusively during the call.
    let rows = &mut *args[0].value.cast_mut_ptr::<Rows>();
    let spec = rows.spec.as_ref()?;
    let bound = |a: &pg_sys::NullableDatum| (!a.isnull).then(|| a.value.value() as u64);
    if bound(&args[4]) != spec.lower.map(f64::to_bits) || bound(&args[5]) != spec.upper.map(f64::to_bits) {
        return None;
    }
    if !spec.model.name().as_bytes().eq_ignore_ascii_case(datum_bytes(args[6].value)) {
        return None;
    }
    if args.len() > 7 && (args[7].isnull || datum_bytes(args[7].value) != rows.names_key.as_slice()) {
        return None;
    }
    // the quadrature arguments: as the first row's, else the general path
    let quadrature = match args.get(8) {
        Some(a) if !a.isnull => Some(Quadrature::parse_bytes(datum_bytes(a.value))?),
        _ => None,
    };
    let points = args.get(9).and_then(|a| (!a.isnull).then(|| a.value.value() as i32));
    if quadrature != spec.quadrature || points.map(|p| p as usize) != spec.points || points.is_some_and(|p| p < 1) {
        return None;
    }
    // SAFETY: x is a non-NULL float8[] datum; after detoasting, RawArray
    // reads its header, and the element type, dimensions and null bitmap
    // are checked before the data is viewed as f64.
    let raw = pg_sys::pg_detoast_datum(args[2].value.cast_mut_ptr()) as *mut pg_sys::ArrayType;
    let mut arr = pgrx::array::RawArray::from_ptr(std::ptr::NonNull::new(raw)?);
    if arr.oid() != pg_sys::FLOAT8OID || arr.dims().len() > 1 || arr.nulls().is_some() {
        return None;
    }
    let x: &[f64] = arr.data::<f64>().as_ref();
    let y = f64::from_bits(args[1].value.value() as u64);
    if text {
        // a unit that is not UTF-8 takes the general path (which reports it)
        let unit = std::str::from_utf8(datum_bytes(args[3].value)).ok()?;
        rows.push_text(y, x, unit).or_raise(F);
    } else {
        rows.push(y, x, args[3].value.value() as i64).or_raise(F);
    }
    Some(args[0].value)
}

parallel_support!(Rows, panel_tobit_combine, panel_tobit_serialize, panel_tobit_deserialize, "panel_tobit");

/// The final function reads the quadrature settings (the defaults of a call
/// that does not name the rule), so it is STABLE.
#[pg_extern(stable, parallel_safe, schema = "regecon_internal")]
fn panel_tobit_final(
    state: Option<Internal>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<pgrx::composite_type!('static, "tobit_fit")> {
    crate::pool::apply_limits();
    // the fit reads the state in place, in canonical order (so it depends
    // only on the set of rows), without copying it
    let (f, spec) = aggregate::finish::<Rows, _>(state, F, |rows| {
        check_for_interrupts!();
        let Some(spec) = rows.spec.clone() else { return Ok(None) };
        let settings = Settings {
            quadrature: match QUADRATURE.get() {
                TobitQuadrature::Adaptive => Quadrature::Adaptive,
                TobitQuadrature::Ghq => Quadrature::Plain,
            },
            points: QUADRATURE_POINTS.get().max(1) as usize,
            ..Settings::default()
        };
        let pool =
            (spec.model != Model::FixedEffects).then(|| thread_pool(F, rows.y.len() as u64 / ROWS_PER_THREAD + 1));
        let f = core_tobit::fit_canonical(rows, settings, pool.as_ref(), &mut interrupts_with_progress(F)).or_raise(F);
        Ok(Some((f, spec)))
    })?;
    // a numerical failure does not abort the query (one group of a GROUPING
    // SETS query may fail while the others fit): converged = false, the
    // reason in `message`, and a WARNING saying which group failed
    if let Some(message) = &f.message {
        warning!("{F}: the {} Tobit of {} rows in {} units failed: {message}", spec.model.name(), f.n, f.n_units);
    } else if !f.converged {
        warning!(
            "{F}: the {} Tobit did not converge in {} iterations; the estimates are those of the last iteration",
            spec.model.name(),
            f.iterations
        );
    }
    let omitted: Vec<&str> =
        f.names.iter().enumerate().filter(|(j, _)| f.is_omitted(*j)).map(|(_, n)| n.as_str()).collect();
    if !omitted.is_empty() {
        notice!("{F}: {} omitted because of collinearity (estimate 0, no standard error)", omitted.join(", "));
    }
    if f.dropped_units > 0 {
        notice!(
            "{F}: {} units with every row censored at the same bound were dropped (their unit effect is not finite)",
            f.dropped_units
        );
    }
    Some(to_composite(&f, &spec, fcinfo))
}

/// Stata's order: the regressors, then _cons.
fn display_order(f: &Fit) -> Vec<usize> {
    let k = f.names.len();
    let cons = f.names.iter().position(|n| n == "_cons");
    (0..k).filter(|&j| Some(j) != cons).chain(cons).collect()
}

pub(crate) fn to_composite(
    f: &Fit,
    spec: &Spec,
    fcinfo: pg_sys::FunctionCallInfo,
) -> PgHeapTuple<'static, pgrx::AllocatedByRust> {
    let order = display_order(f);
    let k = f.names.len();
    let p = f.p();
    let full: Vec<usize> = order.iter().copied().chain(k..p).collect();
    let permute = |v: &[f64]| -> Option<Vec<f64>> {
        (v.len() == p * p && f.beta.len() == k)
            .then(|| full.iter().flat_map(|&a| full.iter().map(move |&b| v[a * p + b])).collect())
    };
    let pick = |v: &[f64]| -> Option<Vec<f64>> { (v.len() == k).then(|| order.iter().map(|&j| v[j]).collect()) };
    let pick_opt = |v: Vec<Option<f64>>| -> Option<Vec<Option<f64>>> {
        (v.len() == k).then(|| order.iter().map(|&j| v[j]).collect())
    };
    let mut t = result_tuple(fcinfo, F);
    put(&mut t, "model", f.model.name());
    put(&mut t, "terms", order.iter().map(|&j| f.names[j].clone()).collect::<Vec<_>>());
    // a failed fit has no estimates, a singular one no covariance: NULL;
    // an omitted term has estimate 0 and a NULL standard error
    put(&mut t, "estimates", pick(&f.beta));
    put(&mut t, "std_errors", f.std_errors_opt(false).and_then(pick_opt));
    // undefined with a single cluster: NULL
    put(&mut t, "robust_std_errors", f.std_errors_opt(true).and_then(pick_opt));
    put(&mut t, "vcov", permute(&f.vcov));
    put(&mut t, "robust_vcov", permute(&f.robust_vcov));
    // a mean that overflows (values near 1e308) is undefined: NULL
    put(
        &mut t,
        "x_means",
        pick(&f.x_means).map(|v| v.into_iter().map(|x| x.is_finite().then_some(x)).collect::<Vec<_>>()),
    );
    put(&mut t, "omitted", order.iter().map(|&j| f.is_omitted(j)).collect::<Vec<_>>());
    put(&mut t, "message", f.message.clone());
    let wald = f.wald(false).filter(|w| w.0.is_finite() && w.2.is_finite());
    put(&mut t, "wald_chi2", wald.map(|w| w.0));
    put(&mut t, "wald_df", wald.map(|w| w.1 as i32));
    put(&mut t, "wald_p", wald.map(|w| w.2));
    let (lo, mean, hi) = f.obs_per_unit;
    put(&mut t, "obs_min", (f.n_units > 0).then_some(lo as i32));
    put(&mut t, "obs_mean", (f.n_units > 0 && mean.is_finite()).then_some(mean));
    put(&mut t, "obs_max", (f.n_units > 0).then_some(hi as i32));
    for (name, v) in [
        ("n_obs", f.n),
        ("n_units", f.n_units),
        ("n_left", f.n_left),
        ("n_uncensored", f.n_uncensored),
        ("n_right", f.n_right),
        ("dropped_units", f.dropped_units),
        ("iterations", f.iterations),
        ("n_params", f.n_params),
    ] {
        put(&mut t, name, v as i32);
    }
    let lr = f.lr_test();
    for (name, v) in [
        ("log_likelihood", f.has_estimates().then_some(f.log_likelihood)),
        ("sigma_e", f.has_estimates().then_some(f.sigma_e)),
        ("se_sigma_e", f.se_sigma_e_opt()),
        ("sigma_u", f.sigma_u),
        ("se_sigma_u", f.se_sigma_u()),
        ("rho", f.rho()),
        ("lr_chibar2", lr.map(|v| v.0)),
        ("p_chibar2", lr.map(|v| v.1)),
        ("aic", f.has_estimates().then(|| f.aic())),
        ("bic", f.has_estimates().then(|| f.bic())),
        ("lower", spec.lower),
        ("upper", spec.upper),
        ("offset_mean", Some(f.offset_mean)),
    ] {
        put(&mut t, name, v.filter(|x| x.is_finite())); // undefined: NULL, never NaN
    }
    put(&mut t, "converged", f.converged);
    put(&mut t, "quadrature", f.quadrature.map(|q| q.0.name()));
    put(&mut t, "quadrature_points", f.quadrature.map(|q| q.1 as i32));
    t
}

/// Reads a `tobit_fit` back into the core's Fit (terms in display order).
fn from_composite(fit: &pgrx::composite_type!('_, "tobit_fit"), func: &str) -> (Fit, Option<f64>, Option<f64>) {
    let float =
        |name: &str| -> Option<f64> { fit.get_by_name::<f64>(name).unwrap_or_else(|e| error!("{func}: {name}: {e}")) };
    let int = |name: &str| -> usize { fit.get_by_name::<i32>(name).ok().flatten().unwrap_or(0).max(0) as usize };
    let names: Vec<String> = match fit.get_by_name::<Array<'_, &str>>("terms") {
        Ok(Some(a)) => a.iter().map(|t| t.unwrap_or("").to_string()).collect(),
        _ => raise(func, Error::invalid("fit has no terms")),
    };
    let model = match fit.get_by_name::<&str>("model") {
        Ok(Some(m)) => Model::parse(m).or_raise(func),
        _ => raise(func, Error::invalid("fit has no model")),
    };
    // NULL when undefined (a failed fit, a singular one, a single cluster): empty
    let floats_or_empty = |name: &str| -> Vec<f64> {
        match fit.get_by_name::<Array<'_, f64>>(name) {
            Ok(Some(a)) => dense(&a, func, name),
            _ => Vec::new(),
        }
    };
    let beta = floats_or_empty("estimates");
    let sigma_u = float("sigma_u");
    let vcov = floats_or_empty("vcov");
    // a NULL mean (it overflowed) is NaN here, which validate refuses by name
    let x_means: Vec<f64> = match fit.get_by_name::<Array<'_, f64>>("x_means") {
        Ok(Some(a)) => a.iter().map(|v| v.unwrap_or(f64::NAN)).collect(),
        _ => raise(func, Error::invalid("fit has no x_means")),
    };
    let robust_vcov = floats_or_empty("robust_vcov");
    let omitted: Vec<bool> = match fit.get_by_name::<Array<'_, bool>>("omitted") {
        Ok(Some(a)) => a.iter().map(|o| o.unwrap_or(false)).collect(),
        _ => Vec::new(),
    };
    let message = fit.get_by_name::<String>("message").ok().flatten();
    let f = Fit {
        model,
        names,
        beta,
        sigma_e: float("sigma_e").unwrap_or(if message.is_some() { 0.0 } else { f64::NAN }),
        sigma_u,
        vcov,
        robust_vcov,
        // NULL: refused by validate, unless the fit failed
        log_likelihood: float("log_likelihood").unwrap_or(if message.is_some() { 0.0 } else { f64::NAN }),
        pooled_log_likelihood: None,
        iterations: int("iterations"),
        converged: fit.get_by_name::<bool>("converged").ok().flatten().unwrap_or(true),
        n: int("n_obs"),
        n_left: int("n_left"),
        n_uncensored: int("n_uncensored"),
        n_right: int("n_right"),
        n_units: int("n_units"),
        dropped_units: int("dropped_units"),
        n_params: int("n_params"),
        x_means,
        offset_mean: float("offset_mean").unwrap_or(0.0),
        quadrature: None,
        omitted,
        message,
        // (absent from a 0.1.0 type until ALTER EXTENSION UPDATE; NULL in a fit 0.1.0 stored)
        obs_per_unit: (
            int("obs_min"),
            fit.get_by_name::<f64>("obs_mean").ok().flatten().unwrap_or(0.0),
            int("obs_max"),
        ),
    };
    // a hand-made or edited value is checked before anything indexes it
    f.validate().or_raise(func);
    let (lower, upper) = (float("lower"), float("upper"));
    core_tobit::validate_bounds(lower, upper).or_raise(func);
    (f, lower, upper)
}

fn put<T: pgrx::IntoDatum>(t: &mut PgHeapTuple<'_, pgrx::AllocatedByRust>, name: &str, v: T) {
    crate::types::set_field(t, F, name, v);
}

/// The fit unchanged if it is consistent (what every accessor relies on);
/// an ERROR 22023 naming what is wrong otherwise. STRICT.
#[pg_extern(immutable, parallel_safe, strict)]
fn tobit_check_fit<'a>(fit: pgrx::composite_type!('a, "tobit_fit")) -> pgrx::composite_type!('a, "tobit_fit") {
    from_composite(&fit, "tobit_check_fit");
    fit
}

fn robust_vce(vce: &str, func: &str) -> bool {
    match vce.to_ascii_lowercase().as_str() {
        "oim" => false,
        "cluster" | "robust" => true,
        other => raise(func, Error::invalid(format!("vce must be 'oim' or 'cluster', got '{other}'"))),
    }
}

fn stars(p: f64) -> &'static str {
    if p < 0.01 {
        "***"
    } else if p < 0.05 {
        "**"
    } else if p < 0.1 {
        "*"
    } else {
        ""
    }
}

/// One row per coefficient: estimate, standard error (observed information,
/// or cluster-robust by unit with vce => 'cluster'), z, two-sided p, stars
/// (* 10 %, ** 5 %, *** 1 %). STRICT.
/// Its SQL is written in compat.rs: older releases bound the same C symbol
/// to another argument list.
#[pg_extern(immutable, parallel_safe, strict, sql = false)]
pub fn tobit_coefficients_level(
    fit: pgrx::composite_type!("tobit_fit"),
    vce: default!(&str, "'oim'"),
    level: default!(f64, 95.0),
) -> TableIterator<
    'static,
    (
        name!(term, String),
        name!(estimate, Option<f64>),
        name!(std_error, Option<f64>),
        name!(z, Option<f64>),
        name!(p_value, Option<f64>),
        name!(stars, String),
        name!(ci_lower, Option<f64>),
        name!(ci_upper, Option<f64>),
    ),
> {
    const G: &str = "tobit_coefficients";
    let robust = robust_vce(vce, G);
    let (f, _, _) = from_composite(&fit, G);
    if robust && f.has_vcov() && f.robust_vcov.is_empty() {
        raise(
            G,
            Error::invalid("the cluster-robust covariance is undefined for this fit (a single unit): use vce => 'oim'"),
        );
    }
    // a failed fit: its terms with NULLs; an omitted term: NULL estimate and
    // standard error (see the fit's `omitted`)
    let se = f.std_errors_opt(robust);
    let ci = if f.has_vcov() && !(robust && f.robust_vcov.is_empty()) {
        f.conf_int(level, robust).or_raise(G)
    } else {
        // still refuse a bad level on a failed fit
        regecon_core::error::finite(level, "level").or_raise(G);
        if !(level > 0.0 && level < 100.0) {
            raise(G, Error::invalid(format!("level must be a percentage strictly between 0 and 100, got {level}")));
        }
        vec![None; f.names.len()]
    };
    let rows: Vec<_> = (0..f.names.len())
        .map(|j| {
            let b = f.beta.get(j).copied().filter(|_| !f.is_omitted(j));
            let s = se.as_ref().and_then(|v| v.get(j).copied().flatten());
            // a zero standard error leaves z and p undefined: NULL
            let z = b.zip(s).map(|(b, s)| b / s).filter(|z| z.is_finite());
            let p = z.map(p_two_sided);
            let (lo, hi) = match ci.get(j).copied().flatten().filter(|_| b.is_some() && s.is_some()) {
                Some((lo, hi)) if lo.is_finite() && hi.is_finite() => (Some(lo), Some(hi)),
                _ => (None, None),
            };
            (f.names[j].clone(), b, s, z, p, p.map_or("", stars).to_string(), lo, hi)
        })
        .collect();
    TableIterator::new(rows)
}

/// Predictions of a fit for new regressor values `x` (in the order of the
/// fit's regressors, without `_cons`): the linear prediction, E[y] censored
/// at the fit's bounds, E[y | lower < y < upper], Pr(lower < y < upper) and
/// the latent mean E[y*] (for fixed effects, at the mean unit effect; for
/// random effects, at u = 0). STRICT.
#[pg_extern(immutable, parallel_safe, strict)]
fn tobit_predict(
    fit: pgrx::composite_type!("tobit_fit"),
    x: Array<'_, f64>,
) -> TableIterator<
    'static,
    (
        name!(xb, f64),
        name!(e_censored, f64),
        name!(e_truncated, Option<f64>),
        name!(pr_uncensored, f64),
        name!(e_ystar, f64),
    ),
> {
    const G: &str = "tobit_predict";
    let (f, lower, upper) = from_composite(&fit, G);
    let x = dense(&x, G, "x");
    let slopes = f.names.iter().filter(|n| n.as_str() != "_cons").count();
    if x.len() != slopes {
        raise(
            G,
            Error::invalid(format!(
                "x has {} values but the fit has {slopes} regressors (give one value per regressor, without _cons)",
                x.len()
            )),
        );
    }
    let offset = if f.model == Model::FixedEffects { f.offset_mean } else { 0.0 };
    let p = f.predict(&x, offset, lower, upper).or_raise(G);
    let finite = |v: f64| {
        if v.is_finite() {
            v
        } else {
            raise(G, Error::out_of_range("a prediction overflows double precision"))
        }
    };
    TableIterator::once((
        finite(p.xb),
        finite(p.e_censored),
        p.e_truncated.filter(|v| v.is_finite()),
        finite(p.pr_uncensored),
        finite(p.e_ystar),
    ))
}

/// Marginal effects at the means (McDonald-Moffitt): on the latent mean, on
/// the censored mean, and on the probability of an uncensored outcome, with
/// delta-method standard errors. STRICT.
#[pg_extern(immutable, parallel_safe, strict)]
fn tobit_marginal_effects(
    fit: pgrx::composite_type!("tobit_fit"),
    vce: default!(&str, "'oim'"),
) -> TableIterator<
    'static,
    (
        name!(term, String),
        name!(effect, String),
        name!(estimate, f64),
        name!(std_error, f64),
        name!(z, Option<f64>),
        name!(p_value, Option<f64>),
    ),
> {
    const G: &str = "tobit_marginal_effects";
    let robust = robust_vce(vce, G);
    let (f, lower, upper) = from_composite(&fit, G);
    let rows: Vec<_> = marginal_effects(&f, lower, upper, robust)
        .or_raise(G)
        .into_iter()
        .map(|e| {
            let z = Some(e.estimate / e.std_error).filter(|z| z.is_finite());
            (e.term, e.kind.to_string(), e.estimate, e.std_error, z, z.map(p_two_sided))
        })
        .collect();
    TableIterator::new(rows)
}

/// Average marginal effects (Stata's `margins, dydx(*)` after `tobit`, as
/// against the effects at the means of [`tobit_marginal_effects`]): each
/// effect averaged over the rows of `x`, a two-dimensional array with one
/// row per observation and one column per regressor in the fit's order
/// (what `array_agg(x)` of the fitted rows gives), with delta-method
/// standard errors. STRICT.
#[pg_extern(immutable, parallel_safe, strict)]
fn tobit_average_marginal_effects(
    fit: pgrx::composite_type!("tobit_fit"),
    x: Array<'_, f64>,
    vce: default!(&str, "'oim'"),
) -> TableIterator<
    'static,
    (
        name!(term, String),
        name!(effect, String),
        name!(estimate, f64),
        name!(std_error, f64),
        name!(z, Option<f64>),
        name!(p_value, Option<f64>),
    ),
> {
    const G: &str = "tobit_average_marginal_effects";
    let robust = robust_vce(vce, G);
    let (f, lower, upper) = from_composite(&fit, G);
    let x = dense(&x, G, "x");
    let names: Vec<String> = f.names.iter().filter(|n| n.as_str() != "_cons").cloned().collect();
    if names.is_empty() || !x.len().is_multiple_of(names.len()) {
        raise(G, Error::invalid(format!(
            "x has {} values, not a whole number of rows of the fit's {} regressors (give array_agg(x) of the rows, without _cons)",
            x.len(),
            names.len()
        )));
    }
    let effects = regecon_core::tobit::effects::average_marginal_effects(
        &f,
        &x,
        &names,
        lower,
        upper,
        robust,
        &mut crate::pool::interrupts(),
    )
    .or_raise(G);
    let rows: Vec<_> = effects
        .into_iter()
        .map(|e| {
            let z = Some(e.estimate / e.std_error).filter(|z| z.is_finite());
            (e.term, e.kind.to_string(), e.estimate, e.std_error, z, z.map(p_two_sided))
        })
        .collect();
    TableIterator::new(rows)
}

/// Hausman test of a fixed-effects fit against a random-effects fit over
/// their common slopes; `sigmamore` (default) bases both covariances on the
/// random-effects sigma_e. chi2 and p are NULL when V_fe - V_re has no
/// positive eigenvalue. STRICT.
#[pg_extern(immutable, parallel_safe, strict)]
fn tobit_hausman(
    fe: pgrx::composite_type!("tobit_fit"),
    re: pgrx::composite_type!("tobit_fit"),
    sigmamore: default!(bool, true),
) -> TableIterator<
    'static,
    (
        name!(chi2, Option<f64>),
        name!(df, i32),
        name!(p_value, Option<f64>),
        name!(positive_definite, bool),
        name!(terms, Vec<String>),
    ),
> {
    const G: &str = "tobit_hausman";
    let (fe, _, _) = from_composite(&fe, G);
    let (re, _, _) = from_composite(&re, G);
    if fe.model != Model::FixedEffects || re.model != Model::RandomEffects {
        raise(
            G,
            Error::invalid(format!(
                "expects a fixed-effects fit then a random-effects fit, got '{}' and '{}'",
                fe.model.name(),
                re.model.name()
            )),
        );
    }
    let h = hausman(&fe, &re, sigmamore).or_raise(G);
    TableIterator::new(vec![(h.chi2, h.df as i32, h.p_value, h.positive_definite, h.terms)])
}

extension_sql!(
    r#"
CREATE FUNCTION regecon_internal.panel_tobit_trans(internal, float8, float8[], bigint, float8, float8, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'panel_tobit_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION regecon_internal.panel_tobit_trans(internal, float8, float8[], bigint, float8, float8, text, text[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'panel_tobit_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION regecon_internal.panel_tobit_text_trans(internal, float8, float8[], text, float8, float8, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'panel_tobit_text_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION regecon_internal.panel_tobit_text_trans(internal, float8, float8[], text, float8, float8, text, text[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'panel_tobit_text_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION regecon_internal.panel_tobit_trans(internal, float8, float8[], bigint, float8, float8, text, text[], text, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'panel_tobit_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION regecon_internal.panel_tobit_text_trans(internal, float8, float8[], text, float8, float8, text, text[], text, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'panel_tobit_text_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE panel_tobit(y float8, x float8[], unit text, lower float8, upper float8, model text) (
    SFUNC = regecon_internal.panel_tobit_text_trans, STYPE = internal, FINALFUNC = regecon_internal.panel_tobit_final,
    COMBINEFUNC = regecon_internal.panel_tobit_combine, SERIALFUNC = regecon_internal.panel_tobit_serialize, DESERIALFUNC = regecon_internal.panel_tobit_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE panel_tobit(y float8, x float8[], unit text, lower float8, upper float8, model text, names text[]) (
    SFUNC = regecon_internal.panel_tobit_text_trans, STYPE = internal, FINALFUNC = regecon_internal.panel_tobit_final,
    COMBINEFUNC = regecon_internal.panel_tobit_combine, SERIALFUNC = regecon_internal.panel_tobit_serialize, DESERIALFUNC = regecon_internal.panel_tobit_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE panel_tobit(y float8, x float8[], unit bigint, lower float8, upper float8, model text) (
    SFUNC = regecon_internal.panel_tobit_trans, STYPE = internal, FINALFUNC = regecon_internal.panel_tobit_final,
    COMBINEFUNC = regecon_internal.panel_tobit_combine, SERIALFUNC = regecon_internal.panel_tobit_serialize, DESERIALFUNC = regecon_internal.panel_tobit_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE panel_tobit(y float8, x float8[], unit bigint, lower float8, upper float8, model text, names text[]) (
    SFUNC = regecon_internal.panel_tobit_trans, STYPE = internal, FINALFUNC = regecon_internal.panel_tobit_final,
    COMBINEFUNC = regecon_internal.panel_tobit_combine, SERIALFUNC = regecon_internal.panel_tobit_serialize, DESERIALFUNC = regecon_internal.panel_tobit_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE panel_tobit(y float8, x float8[], unit text, lower float8, upper float8, model text, names text[], quadrature text, quadrature_points int) (
    SFUNC = regecon_internal.panel_tobit_text_trans, STYPE = internal, FINALFUNC = regecon_internal.panel_tobit_final,
    COMBINEFUNC = regecon_internal.panel_tobit_combine, SERIALFUNC = regecon_internal.panel_tobit_serialize, DESERIALFUNC = regecon_internal.panel_tobit_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE panel_tobit(y float8, x float8[], unit bigint, lower float8, upper float8, model text, names text[], quadrature text, quadrature_points int) (
    SFUNC = regecon_internal.panel_tobit_trans, STYPE = internal, FINALFUNC = regecon_internal.panel_tobit_final,
    COMBINEFUNC = regecon_internal.panel_tobit_combine, SERIALFUNC = regecon_internal.panel_tobit_serialize, DESERIALFUNC = regecon_internal.panel_tobit_deserialize,
    PARALLEL = SAFE
);
CREATE FUNCTION tobit_summary(fit tobit_fit)
RETURNS TABLE(model text, n_obs int, n_units int, n_left int, n_uncensored int, n_right int,
              log_likelihood float8, sigma_e float8, se_sigma_e float8, sigma_u float8, se_sigma_u float8,
              rho float8, lr_chibar2 float8, p_chibar2 float8, iterations int, converged bool,
              aic float8, bic float8, quadrature text, quadrature_points int, dropped_units int,
              message text, wald_chi2 float8, wald_df int, wald_p float8, obs_min int, obs_mean float8, obs_max int)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT (f).model, (f).n_obs, (f).n_units, (f).n_left, (f).n_uncensored, (f).n_right, (f).log_likelihood,
             (f).sigma_e, (f).se_sigma_e, (f).sigma_u, (f).se_sigma_u, (f).rho, (f).lr_chibar2, (f).p_chibar2,
             (f).iterations, (f).converged, (f).aic, (f).bic, (f).quadrature, (f).quadrature_points,
             (f).dropped_units, (f).message, (f).wald_chi2, (f).wald_df, (f).wald_p, (f).obs_min, (f).obs_mean,
             (f).obs_max
      FROM (SELECT @extschema@.tobit_check_fit(fit) AS f) checked $$;
COMMENT ON FUNCTION tobit_check_fit(tobit_fit) IS
'The fit unchanged if it is consistent (lengths, finite values, symmetric covariances, counts); an error 22023 naming what is wrong otherwise';
COMMENT ON AGGREGATE panel_tobit(float8, float8[], bigint, float8, float8, text) IS
'Tobit regression of y on x censored below at lower and above at upper (NULL: no censoring); model pooled, re (random effects, Gauss-Hermite quadrature) or fe (unit dummies, no _cons)';
COMMENT ON AGGREGATE panel_tobit(float8, float8[], bigint, float8, float8, text, text[], text, int) IS
'Tobit regression with the random-effects quadrature (adaptive or ghq) and its number of points as arguments, so the numbers do not depend on the session''s settings (NULL: the setting)';
COMMENT ON AGGREGATE panel_tobit(float8, float8[], text, float8, float8, text, text[], text, int) IS
'Tobit regression with text unit ids and the random-effects quadrature and its number of points as arguments (NULL: the setting)';
"#,
    name = "panel_tobit_aggregates",
    requires = [
        panel_tobit_final,
        panel_tobit_combine,
        panel_tobit_serialize,
        panel_tobit_deserialize,
        tobit_marginal_effects,
        tobit_hausman,
        tobit_check_fit,
        tobit_predict
    ],
);
