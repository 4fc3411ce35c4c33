//! Tobit regression (censored normal regression): pooled, random effects
//! and fixed effects (docs/methods.md section 6), with marginal effects and the
//! Hausman test in `effects`.
//!
//! y*_i = x_i' beta + e_i, e_i ~ N(0, sigma^2); observed y_i = y*_i inside
//! (lower, upper), and the bound itself when y*_i falls at or beyond it. A
//! missing bound means no censoring on that side.

pub mod collinear;
pub mod effects;
pub mod fixed;
pub mod hermite;
pub mod inference;
pub mod newton;
pub mod normal;
pub mod panel;
pub mod pooled;
pub mod random;

/// Censoring of one observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Censoring {
    Left,
    Uncensored,
    Right,
}

/// Relative tolerance of the bounds: y within `BOUND_TOLERANCE * max(1, |bound|)`
/// of a bound is censored there, so that rounding in a computed outcome (a
/// coupling degree of 0.9999999999999998 for 1) does not make a censored row
/// uncensored.
pub const BOUND_TOLERANCE: f64 = 1e-12;

/// Classifies y against the bounds: at or below `lower` is left-censored, at
/// or above `upper` right-censored (within [`BOUND_TOLERANCE`]).
pub fn censoring(y: f64, lower: Option<f64>, upper: Option<f64>) -> Censoring {
    if lower.is_some_and(|l| y <= l + BOUND_TOLERANCE * l.abs().max(1.0)) {
        Censoring::Left
    } else if upper.is_some_and(|u| y >= u - BOUND_TOLERANCE * u.abs().max(1.0)) {
        Censoring::Right
    } else {
        Censoring::Uncensored
    }
}

use crate::codec::{decode, tag, F64s, I64s, Text};
use crate::error::{Error, Result};

/// Which Tobit to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    Pooled,
    RandomEffects,
    FixedEffects,
}

impl Model {
    pub fn parse(s: &str) -> Result<Model> {
        match s.to_ascii_lowercase().as_str() {
            "pooled" => Ok(Model::Pooled),
            "re" | "random" | "random_effects" => Ok(Model::RandomEffects),
            "fe" | "fixed" | "fixed_effects" => Ok(Model::FixedEffects),
            other => Err(Error::invalid(format!("model must be 'pooled', 're' or 'fe', got '{other}'"))),
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Model::Pooled => "pooled",
            Model::RandomEffects => "re",
            Model::FixedEffects => "fe",
        }
    }
    fn code(self) -> u64 {
        match self {
            Model::Pooled => 0,
            Model::RandomEffects => 1,
            Model::FixedEffects => 2,
        }
    }
    fn from_code(c: u64) -> Result<Model> {
        match c {
            0 => Ok(Model::Pooled),
            1 => Ok(Model::RandomEffects),
            2 => Ok(Model::FixedEffects),
            _ => Err(Error::corrupt(format!("unknown Tobit model code {c}"))),
        }
    }
}

/// The options of one regression, the same on every row of a group.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub model: Model,
    pub names: Vec<String>,
}

/// The name of the intercept, reserved: no regressor may be called so.
pub const INTERCEPT: &str = "_cons";

/// Checks term names: none empty, none `_cons` (the intercept's name), no
/// two equal. `what` names the argument in the message ("names", "fit terms").
pub fn check_names(names: &[String], what: &str) -> Result<()> {
    let mut seen = std::collections::HashSet::with_capacity(names.len());
    for (j, n) in names.iter().enumerate() {
        if n.is_empty() {
            return Err(Error::invalid(format!("{what}[{}] is empty: every term needs a name", j + 1)));
        }
        if n == INTERCEPT {
            return Err(Error::invalid(format!(
                "{what}[{}] is \"{INTERCEPT}\", the reserved name of the intercept",
                j + 1
            )));
        }
        if !seen.insert(n.as_str()) {
            return Err(Error::invalid(format!("{what} has the name \"{n}\" twice: term names must be unique")));
        }
    }
    Ok(())
}

impl Spec {
    /// Checks the options: the names (see [`check_names`]) and the bounds
    /// (finite, lower below upper).
    pub fn validate(&self) -> Result<()> {
        check_names(&self.names, "names")?;
        if let Some(l) = self.lower {
            crate::error::finite(l, "lower")?;
        }
        if let Some(u) = self.upper {
            crate::error::finite(u, "upper")?;
        }
        if let (Some(l), Some(u)) = (self.lower, self.upper) {
            if !(l < u) {
                return Err(Error::invalid(format!("lower ({l}) must be below upper ({u})")));
            }
        }
        Ok(())
    }
}

/// Aggregate state: the rows of one regression.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    pub y: Vec<f64>,
    pub x: Vec<f64>,
    pub unit: Vec<i64>,
    pub spec: Option<Spec>,
    /// For the SQL layer: the bytes of the `names` argument the spec was
    /// built from, so later rows compare bytes instead of rebuilding names.
    /// Not serialized.
    pub names_key: Vec<u8>,
    /// Text unit ids: their dictionary, `unit` holding the codes (empty for
    /// bigint units). See [`crate::labels`].
    pub labels: crate::labels::Labels,
}

/// A float's bits as an unsigned integer ordered as `f64::total_cmp`.
fn total_order_bits(v: f64) -> u64 {
    let b = v.to_bits() as i64;
    (b ^ (((b >> 63) as u64) >> 1) as i64) as u64 ^ (1 << 63)
}

impl Rows {
    pub fn k(&self) -> usize {
        self.spec.as_ref().map_or(0, |s| s.names.len())
    }

    /// Adds a row; `spec.names` fixes k, and every row must agree with it.
    pub fn add(&mut self, y: f64, x: &[f64], unit: i64, spec: &Spec) -> Result<()> {
        self.set_spec(spec, x.len())?;
        self.push(y, x, unit)
    }

    /// [`Rows::add`] with a text unit id.
    pub fn add_text(&mut self, y: f64, x: &[f64], unit: &str, spec: &Spec) -> Result<()> {
        self.set_spec(spec, x.len())?;
        self.push_text(y, x, unit)
    }

    /// Sets the options from the first row, or checks that a row's equal them.
    fn set_spec(&mut self, spec: &Spec, k: usize) -> Result<()> {
        match &self.spec {
            None => {
                spec.validate()?;
                self.spec = Some(spec.clone())
            }
            Some(s) if s == spec || s.names.len() != k => {} // push names the length mismatch
            Some(_) => {
                return Err(Error::invalid("lower, upper, model and names must be the same on every row of a group"))
            }
        }
        Ok(())
    }

    /// [`Rows::push`] with a text unit id (see [`crate::labels`]).
    pub fn push_text(&mut self, y: f64, x: &[f64], unit: &str) -> Result<()> {
        if !self.unit.is_empty() && self.labels.is_empty() {
            return Err(Error::invalid("a group must not mix bigint and text unit ids"));
        }
        let code = self.labels.code(unit)?.0;
        self.push(y, x, code)
    }

    /// Adds a row to a state whose spec is set, with the same options (the
    /// caller checked them): only the length and finiteness are checked.
    /// (Messages are formatted only on failure: this runs once per row.)
    pub fn push(&mut self, y: f64, x: &[f64], unit: i64) -> Result<()> {
        let Some(spec) = &self.spec else { return Err(Error::invalid("no options for this row")) };
        let row = self.y.len() + 1;
        if x.len() != spec.names.len() {
            return Err(Error::invalid(format!(
                "x has {} regressors in row {row} but {} in the first row",
                x.len(),
                spec.names.len()
            )));
        }
        crate::error::finite_lazy(y, || format!("y of row {row}"))?;
        if let Some(j) = x.iter().position(|v| !v.is_finite()) {
            crate::error::finite(x[j], &format!("x[{}] ({}) of row {row}", j + 1, spec.names[j]))?;
        }
        // fallible growth: a huge group fails with 53200 instead of aborting
        crate::mem::reserve(&mut self.x, x.len(), "the regressors of panel_tobit")?;
        crate::mem::push(&mut self.y, y, "the outcomes of panel_tobit")?;
        crate::mem::push(&mut self.unit, unit, "the units of panel_tobit")?;
        self.x.extend_from_slice(x);
        Ok(())
    }

    /// The rows in canonical order: by unit, then y, then x (total order on
    /// the bits), so that a fit depends only on the set of rows, not on
    /// their order, the plan (parallel, hashed or sorted aggregation) or the
    /// node that combined partial states: the likelihood sums run over the
    /// rows in this order. Rows already in order are copied without sorting.
    pub fn canonical(&self) -> Result<Rows> {
        let n = self.y.len();
        let k = self.k();
        if self.unit.len() != n || self.x.len() != n.saturating_mul(k) {
            return Err(Error::corrupt("aggregate state has vectors of different lengths"));
        }
        // text units: codes to ranks in the byte order of the names, so the
        // order (and the fit) is that of the names, not of first appearance
        let ranked: Vec<i64>;
        let unit: &[i64] = if self.labels.is_empty() {
            &self.unit
        } else {
            let (_, maps) = crate::labels::sorted_union(&[&self.labels])?;
            let mut r = crate::mem::vec_with_capacity(n, "the units of panel_tobit")?;
            for &c in &self.unit {
                r.push(crate::labels::remap(&maps[0], c)?);
            }
            ranked = r;
            &ranked
        };
        let key = |i: usize, j: usize| {
            unit[i].cmp(&unit[j]).then(self.y[i].total_cmp(&self.y[j])).then_with(|| {
                let (a, b) = (&self.x[i * k..(i + 1) * k], &self.x[j * k..(j + 1) * k]);
                a.iter().zip(b).map(|(u, v)| u.total_cmp(v)).find(|o| o.is_ne()).unwrap_or(std::cmp::Ordering::Equal)
            })
        };
        let sorted = (1..n).all(|i| key(i - 1, i).is_le());
        let mut out = Rows { spec: self.spec.clone(), names_key: Vec::new(), ..Rows::default() };
        if sorted {
            out.y = crate::mem::to_vec(&self.y, "the outcomes of panel_tobit")?;
            out.x = crate::mem::to_vec(&self.x, "the regressors of panel_tobit")?;
            out.unit = crate::mem::to_vec(unit, "the units of panel_tobit")?;
            return Ok(out);
        }
        // sort keys of plain integers (y by its total-order bits), x compared
        // only on ties: about 0.1 s for 10^6 rows
        let mut keys: Vec<(i64, u64, usize)> = crate::mem::vec_with_capacity(n, "the row order of panel_tobit")?;
        keys.extend((0..n).map(|i| (unit[i], total_order_bits(self.y[i]), i)));
        keys.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then_with(|| key(a.2, b.2)));
        let order = keys.into_iter().map(|t| t.2);
        out.y = crate::mem::vec_with_capacity(n, "the outcomes of panel_tobit")?;
        out.unit = crate::mem::vec_with_capacity(n, "the units of panel_tobit")?;
        out.x = crate::mem::vec_with_capacity(n * k, "the regressors of panel_tobit")?;
        for i in order {
            out.y.push(self.y[i]);
            out.unit.push(unit[i]);
            out.x.extend_from_slice(&self.x[i * k..(i + 1) * k]);
        }
        Ok(out)
    }

    pub fn merge(&mut self, other: &Rows) -> Result<()> {
        if let Some(s) = &other.spec {
            match &self.spec {
                None => {
                    s.validate()?;
                    self.spec = Some(s.clone())
                }
                Some(t) if t == s => {}
                Some(_) => {
                    return Err(Error::invalid(
                        "lower, upper, model and names must be the same on every row of a group",
                    ))
                }
            }
        }
        if other.y.len() != other.unit.len() || other.x.len() != other.y.len() * self.k() {
            return Err(Error::corrupt("aggregate state has vectors of different lengths"));
        }
        crate::mem::reserve(&mut self.y, other.y.len(), "the outcomes of panel_tobit")?;
        crate::mem::reserve(&mut self.x, other.x.len(), "the regressors of panel_tobit")?;
        crate::mem::reserve(&mut self.unit, other.unit.len(), "the units of panel_tobit")?;
        if !self.unit.is_empty() && !other.unit.is_empty() && self.labels.is_empty() != other.labels.is_empty() {
            return Err(Error::invalid("a group must not mix bigint and text unit ids"));
        }
        if other.labels.is_empty() {
            self.unit.extend_from_slice(&other.unit);
        } else {
            let map = self.labels.merge(&other.labels)?;
            for &c in &other.unit {
                self.unit.push(crate::labels::remap(&map, c)?);
            }
        }
        self.y.extend_from_slice(&other.y);
        self.x.extend_from_slice(&other.x);
        Ok(())
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let spec = self.spec.as_ref().map(|s| SpecOut {
            model: s.model.code(),
            lower: s.lower,
            upper: s.upper,
            names: &s.names,
        });
        // 8 bytes a value; names and labels are extra
        let size = 64 + 8 * (self.y.len() + self.x.len() + self.unit.len());
        let wire = RowsOut { spec, y: F64s(&self.y), x: F64s(&self.x), unit: I64s(&self.unit), labels: &self.labels };
        crate::codec::encode_sized(tag::TOBIT_ROWS, size, &wire)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Rows> {
        let w: RowsIn = decode(bytes, tag::TOBIT_ROWS)?;
        let spec = match w.spec {
            None => None,
            Some(s) => {
                let model = Model::from_code(s.model)?;
                let names = s.names.into_iter().map(|Text(n)| n).collect();
                let spec = Spec { lower: s.lower, upper: s.upper, model, names };
                spec.validate()
                    .map_err(|e| Error::corrupt(format!("aggregate state has invalid options: {}", e.message)))?;
                Some(spec)
            }
        };
        let (y, x, unit) = (w.y, w.x, w.unit);
        let n = unit.len();
        let k = spec.as_ref().map_or(0, |s| s.names.len());
        if n != y.len() || Some(x.len()) != n.checked_mul(k) || (spec.is_none() && n > 0) {
            return Err(Error::corrupt("aggregate state has vectors of different lengths"));
        }
        let labels = crate::labels::Labels::from_texts(w.labels)?;
        if !labels.is_empty() && unit.iter().any(|&c| labels.name(c).is_none()) {
            return Err(Error::corrupt("aggregate state has text unit ids that do not match its dictionary"));
        }
        Ok(Rows { y, x, unit, spec, names_key: Vec::new(), labels })
    }
}

/// The byte form of a [`Rows`] ([`crate::codec`]).
#[derive(serde::Serialize)]
struct RowsOut<'a> {
    spec: Option<SpecOut<'a>>,
    y: F64s<'a>,
    x: F64s<'a>,
    unit: I64s<'a>,
    labels: &'a crate::labels::Labels,
}

#[derive(serde::Serialize)]
struct SpecOut<'a> {
    model: u64,
    lower: Option<f64>,
    upper: Option<f64>,
    names: &'a [String],
}

#[derive(serde::Deserialize)]
struct RowsIn {
    spec: Option<SpecIn>,
    #[serde(deserialize_with = "crate::codec::f64s")]
    y: Vec<f64>,
    #[serde(deserialize_with = "crate::codec::f64s")]
    x: Vec<f64>,
    #[serde(deserialize_with = "crate::codec::i64s")]
    unit: Vec<i64>,
    #[serde(deserialize_with = "crate::codec::texts")]
    labels: Vec<Text>,
}

#[derive(serde::Deserialize)]
struct SpecIn {
    model: u64,
    lower: Option<f64>,
    upper: Option<f64>,
    #[serde(deserialize_with = "crate::codec::texts")]
    names: Vec<Text>,
}

/// A fitted Tobit, whichever the model.
#[derive(Debug, Clone)]
pub struct Fit {
    pub model: Model,
    /// Names of the coefficients, the intercept `_cons` first when included.
    pub names: Vec<String>,
    pub beta: Vec<f64>,
    pub sigma_e: f64,
    /// Random effects only.
    pub sigma_u: Option<f64>,
    /// Covariance of (beta, ln sigma_e[, ln sigma_u]) from the observed
    /// information, row-major.
    pub vcov: Vec<f64>,
    /// Cluster-robust (by unit) covariance of the same parameters, with the
    /// small-sample factor G / (G - 1) of Stata's `vce(cluster)`.
    pub robust_vcov: Vec<f64>,
    pub log_likelihood: f64,
    /// Random effects: the pooled fit's log-likelihood (the LR test's null).
    pub pooled_log_likelihood: Option<f64>,
    pub iterations: usize,
    pub converged: bool,
    pub n: usize,
    pub n_left: usize,
    pub n_uncensored: usize,
    pub n_right: usize,
    pub n_units: usize,
    /// Fixed effects: units dropped because all their rows are censored at
    /// the same bound.
    pub dropped_units: usize,
    /// Number of estimated parameters (with the unit effects for FE), for
    /// AIC and BIC.
    pub n_params: usize,
    /// Means of the regressors over the rows used (1 for `_cons`).
    pub x_means: Vec<f64>,
    /// Fixed effects: the mean fitted unit effect over the rows used; 0 otherwise.
    pub offset_mean: f64,
    pub quadrature: Option<(random::Quadrature, usize)>,
    /// Terms omitted because of collinearity (see [`collinear`]), aligned
    /// with `names`: such a term's estimate is 0 and its rows and columns of
    /// `vcov` and `robust_vcov` are 0 (so every shape stays k or p x p); its
    /// standard error is undefined ([`Fit::std_errors_opt`] gives `None`).
    /// Empty means no term is omitted (a fit rebuilt by hand).
    pub omitted: Vec<bool>,
    /// Why the fit is not usable as it stands, `None` for a converged fit
    /// with its covariance. Set with `converged = false` for a numerical
    /// failure: see [`fit`] for what a failed fit holds.
    pub message: Option<String>,
    /// Observations per unit over the units used: (min, mean, max);
    /// (0, 0, 0) without units.
    pub obs_per_unit: (usize, f64, usize),
}

impl Fit {
    /// What every model reads the same way off a Newton outcome on the whole
    /// panel (theta = beta, ln sigma_e, ...): the models override the rest.
    fn from_outcome(
        model: Model,
        panel: &panel::Panel,
        out: &newton::Outcome,
        vcov: Vec<f64>,
        robust_vcov: Vec<f64>,
    ) -> Fit {
        let k = panel.k;
        let (n_left, n_uncensored, n_right) = panel.counts();
        Fit {
            model,
            names: panel.names.clone(),
            beta: out.theta[..k].to_vec(),
            sigma_e: out.theta[k].exp(),
            sigma_u: None,
            vcov,
            robust_vcov,
            log_likelihood: out.log_likelihood,
            pooled_log_likelihood: None,
            iterations: out.iterations,
            converged: out.converged,
            n: panel.n(),
            n_left,
            n_uncensored,
            n_right,
            n_units: panel.n_units(),
            dropped_units: 0,
            n_params: out.theta.len(),
            x_means: panel.x_means(),
            offset_mean: 0.0,
            quadrature: None,
            omitted: vec![false; k],
            message: (!out.converged).then(|| not_converged(out.iterations)),
            obs_per_unit: obs_per_unit(panel, None),
        }
    }

    /// Checks everything the accessors (coefficients, marginal effects,
    /// Hausman) rely on, for a Fit rebuilt from a user-supplied value that
    /// may be hand-made: errors are 22023 "fit is inconsistent: ...".
    ///
    /// - `names`, `beta` and `x_means` have the same length k; `vcov` and
    ///   `robust_vcov` are p x p with p = k + 1 (+ 1 for random effects);
    /// - every number is finite; both covariances are symmetric (to a
    ///   relative 1e-9) with a non-negative diagonal;
    /// - sigma_e > 0; sigma_u is present exactly for random effects, >= 0;
    /// - term names are non-empty and unique; `_cons` is a term (with
    ///   x mean 1) of pooled and random-effects fits, at any position (first
    ///   as [`fit`] produces them, last in SQL's display order), and absent
    ///   from fixed-effects fits;
    /// - n_left + n_uncensored + n_right = n.
    ///
    /// - `omitted` is empty or has one flag per term; an omitted term has
    ///   estimate 0 and variance 0;
    /// - a fit whose information was singular (`message` set) may have
    ///   empty covariances; a failed fit without estimates
    ///   ([`Fit::has_estimates`] false: sigma_e 0) must have a message, no
    ///   estimates, no covariances and no sigma_u, and is checked for its
    ///   names, x_means and counts only.
    ///
    /// The bounds are not part of a Fit: check them with [`validate_bounds`].
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::invalid(format!("fit is inconsistent: {m}")));
        let omitted_len_ok = self.omitted.is_empty() || self.omitted.len() == self.names.len();
        if !omitted_len_ok && !self.has_estimates() {
            return bad(format!("{} omitted flags for {} terms", self.omitted.len(), self.names.len()));
        }
        if !self.has_estimates() {
            if self.message.is_none() {
                return bad("sigma_e is 0 but the fit has no message saying why it failed".into());
            }
            if !(self.beta.is_empty() && self.vcov.is_empty() && self.robust_vcov.is_empty() && self.sigma_u.is_none())
            {
                return bad("a failed fit (sigma_e 0) must have no estimates, covariances or sigma_u".into());
            }
            if self.x_means.len() != self.names.len() {
                return bad(format!(
                    "{} terms and {} x_means (they must have the same length)",
                    self.names.len(),
                    self.x_means.len()
                ));
            }
            if let Some(i) = self.x_means.iter().position(|x| !x.is_finite()) {
                return bad(format!("x_means[{}] is {}", i + 1, crate::error::sql_float(self.x_means[i])));
            }
            check_names(&self.names.iter().filter(|n| n.as_str() != INTERCEPT).cloned().collect::<Vec<_>>(), "terms")
                .or_else(|e| bad(e.message))?;
            if self.n_left.checked_add(self.n_uncensored).and_then(|s| s.checked_add(self.n_right)) != Some(self.n) {
                return bad(format!("n_left + n_uncensored + n_right must equal n_obs ({})", self.n));
            }
            return Ok(());
        }
        let k = self.beta.len();
        if self.names.len() != k || self.x_means.len() != k {
            return bad(format!(
                "{} terms, {} estimates and {} x_means (they must have the same length)",
                self.names.len(),
                k,
                self.x_means.len()
            ));
        }
        let is_re = self.model == Model::RandomEffects;
        if self.sigma_u.is_some() != is_re {
            return bad(format!(
                "sigma_u is {} for a {} model (it belongs to random effects only)",
                if self.sigma_u.is_some() { "set" } else { "missing" },
                self.model.name()
            ));
        }
        let p = self.p();
        let pp = p.saturating_mul(p);
        for (name, v) in [("vcov", &self.vcov), ("robust_vcov", &self.robust_vcov)] {
            if (name == "robust_vcov" || self.message.is_some()) && v.is_empty() {
                continue; // undefined (a single cluster, a singular information): allowed
            }
            if v.len() != pp {
                return bad(format!("{name} has {} elements, expected {p} x {p} for {k} estimates", v.len()));
            }
            if let Some(i) = v.iter().position(|x| !x.is_finite()) {
                return bad(format!("{name}[{}] is {}", i + 1, crate::error::sql_float(v[i])));
            }
            for a in 0..p {
                let d = v[a * p + a];
                if d < 0.0 {
                    return bad(format!("{name} has a negative variance on its diagonal (element {})", a + 1));
                }
                for b in 0..a {
                    let (x, y) = (v[a * p + b], v[b * p + a]);
                    let size = x.abs().max(y.abs()).max((d * v[b * p + b]).sqrt());
                    if (x - y).abs() > 1e-9 * size {
                        return bad(format!(
                            "{name} is not symmetric (elements ({}, {}) and ({}, {}))",
                            a + 1,
                            b + 1,
                            b + 1,
                            a + 1
                        ));
                    }
                }
            }
        }
        for (name, v) in [("estimates", &self.beta), ("x_means", &self.x_means)] {
            if let Some(i) = v.iter().position(|x| !x.is_finite()) {
                return bad(format!("{name}[{}] is {}", i + 1, crate::error::sql_float(v[i])));
            }
        }
        if !(self.sigma_e.is_finite() && self.sigma_e > 0.0) {
            return bad(format!("sigma_e must be positive and finite, got {}", crate::error::sql_float(self.sigma_e)));
        }
        if let Some(u) = self.sigma_u {
            if !(u.is_finite() && u >= 0.0) {
                return bad(format!("sigma_u must be non-negative and finite, got {}", crate::error::sql_float(u)));
            }
        }
        for (name, v) in [
            ("log_likelihood", Some(self.log_likelihood)),
            ("offset_mean", Some(self.offset_mean)),
            ("pooled_log_likelihood", self.pooled_log_likelihood),
        ] {
            if let Some(v) = v.filter(|v| !v.is_finite()) {
                return bad(format!("{name} is {}", crate::error::sql_float(v)));
            }
        }
        // `_cons` exactly once for pooled and random effects (first as `fit`
        // produces it, last in SQL's display order: any position), never for
        // fixed effects
        let cons: Vec<usize> =
            self.names.iter().enumerate().filter(|(_, n)| n.as_str() == INTERCEPT).map(|(j, _)| j).collect();
        let slopes: Vec<String> = if self.model == Model::FixedEffects {
            self.names.clone()
        } else {
            let [j] = cons[..] else {
                return bad(format!(
                    "a {} fit must have the intercept {INTERCEPT} exactly once among its terms",
                    self.model.name()
                ));
            };
            if self.x_means[j] != 1.0 {
                return bad(format!("the x mean of {INTERCEPT} must be 1, got {}", self.x_means[j]));
            }
            self.names.iter().filter(|n| n.as_str() != INTERCEPT).cloned().collect()
        };
        check_names(&slopes, "terms").or_else(|e| bad(e.message))?;
        if !omitted_len_ok {
            return bad(format!("{} omitted flags for {} terms", self.omitted.len(), self.names.len()));
        }
        for (j, _) in self.omitted.iter().enumerate().filter(|(_, o)| **o) {
            let p = self.p();
            let zero_var = |v: &Vec<f64>| v.is_empty() || v[j * p + j] == 0.0;
            if self.beta[j] != 0.0 || !zero_var(&self.vcov) || !zero_var(&self.robust_vcov) {
                return bad(format!("the omitted term {} must have estimate 0 and variance 0", self.names[j]));
            }
        }
        let total = self.n_left.checked_add(self.n_uncensored).and_then(|s| s.checked_add(self.n_right));
        if total != Some(self.n) {
            return bad(format!(
                "n_left ({}) + n_uncensored ({}) + n_right ({}) must equal n_obs ({})",
                self.n_left, self.n_uncensored, self.n_right, self.n
            ));
        }
        Ok(())
    }

    /// Whether the fit has estimates (false for a fit that failed before
    /// any, see [`fit`]: then sigma_e is 0 and beta empty).
    pub fn has_estimates(&self) -> bool {
        !self.beta.is_empty() || self.sigma_e > 0.0
    }
    /// Whether the fit has estimates and a covariance (false also when the
    /// information matrix was singular at the estimate).
    pub fn has_vcov(&self) -> bool {
        self.has_estimates() && self.vcov.len() == self.p() * self.p()
    }
    /// Whether term j was omitted because of collinearity.
    pub fn is_omitted(&self, j: usize) -> bool {
        self.omitted.get(j).copied().unwrap_or(false)
    }
    /// Standard errors of the estimates, `None` for an omitted term; `None`
    /// overall when the covariance asked for is undefined (no covariance, a
    /// single cluster for the robust one). The one to show.
    pub fn std_errors_opt(&self, robust: bool) -> Option<Vec<Option<f64>>> {
        let se = self.std_errors_checked(robust)?;
        Some(se.into_iter().enumerate().map(|(j, s)| (!self.is_omitted(j) && s.is_finite()).then_some(s)).collect())
    }
    /// Standard error of sigma_e, `None` without a covariance.
    pub fn se_sigma_e_opt(&self) -> Option<f64> {
        self.has_vcov().then(|| self.se_sigma_e())
    }

    /// Number of parameters in `vcov`.
    pub fn p(&self) -> usize {
        self.beta.len() + 1 + self.sigma_u.is_some() as usize
    }
    /// Standard errors of beta, cluster-robust when `robust`.
    /// Standard errors of the estimates, NaN where undefined (see
    /// [`Fit::std_errors_checked`]).
    pub fn std_errors(&self, robust: bool) -> Vec<f64> {
        self.std_errors_checked(robust).unwrap_or_else(|| vec![f64::NAN; self.beta.len()])
    }

    /// Standard errors of the estimates: from the observed information, or
    /// cluster-robust; `None` when the cluster-robust covariance is
    /// undefined (a single cluster).
    /// (An omitted term's is 0 here: see [`Fit::std_errors_opt`].)
    pub fn std_errors_checked(&self, robust: bool) -> Option<Vec<f64>> {
        let v = if robust { &self.robust_vcov } else { &self.vcov };
        let p = self.p();
        (v.len() == p * p && self.has_estimates()).then(|| (0..self.beta.len()).map(|j| v[j * p + j].sqrt()).collect())
    }
    /// Standard error of sigma_e (delta method from ln sigma_e).
    /// NaN without a covariance (see [`Fit::se_sigma_e_opt`]).
    pub fn se_sigma_e(&self) -> f64 {
        let p = self.p();
        let j = self.beta.len();
        if self.vcov.len() != p * p {
            return f64::NAN;
        }
        self.sigma_e * self.vcov[j * p + j].sqrt()
    }
    /// Standard error of sigma_u (None at the boundary sigma_u = 0).
    pub fn se_sigma_u(&self) -> Option<f64> {
        let p = self.p();
        if self.vcov.len() != p * p {
            return None;
        }
        self.sigma_u.filter(|s| *s > 0.0).map(|s| s * self.vcov[p * p - 1].sqrt())
    }
    /// rho = sigma_u^2 / (sigma_u^2 + sigma_e^2), the share of the error
    /// variance due to the unit effect.
    pub fn rho(&self) -> Option<f64> {
        self.sigma_u.map(|u| u * u / (u * u + self.sigma_e * self.sigma_e))
    }
    /// LR test of sigma_u = 0 against the pooled model: chibar2 = 2 (l_re -
    /// l_pooled), clamped at 0, and its p-value 0.5 P(chi2(1) > chibar2)
    /// (the null is on the boundary; Stata's "chibar2(01)"), 1 when chibar2 = 0.
    pub fn lr_test(&self) -> Option<(f64, f64)> {
        let l0 = self.pooled_log_likelihood?;
        let c = (2.0 * (self.log_likelihood - l0)).max(0.0);
        // P(chibar2 >= 0) = 1: the half mass at 0 counts when c = 0
        Some((c, if c > 0.0 { 0.5 * libm::erfc((c / 2.0).sqrt()) } else { 1.0 }))
    }
    pub fn aic(&self) -> f64 {
        -2.0 * self.log_likelihood + 2.0 * self.n_params as f64
    }
    pub fn bic(&self) -> f64 {
        -2.0 * self.log_likelihood + self.n_params as f64 * (self.n as f64).ln()
    }
}

/// Checks censoring bounds given with a fit: finite, and lower below upper
/// when both are set (22023).
pub fn validate_bounds(lower: Option<f64>, upper: Option<f64>) -> Result<()> {
    Spec { lower, upper, model: Model::Pooled, names: Vec::new() }.validate()
}

/// The covariance of the estimates: the inverse of the information matrix.
fn covariance(information: &[f64], p: usize, singular: &str) -> Result<Vec<f64>> {
    Ok(crate::linalg::Cholesky::new(information, p, &[]).map_err(|_| Error::invalid(singular))?.inverse())
}

/// The message when the information matrix cannot be inverted.
const SINGULAR: &str = "the information matrix is singular at the estimate: standard errors are undefined";

/// How to fit: the model comes from the rows' spec.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub quadrature: random::Quadrature,
    pub points: usize,
    pub newton: newton::Options,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { quadrature: random::Quadrature::Adaptive, points: 12, newton: newton::Options::default() }
    }
}

/// The message of a fit stopped by the iteration limit.
fn not_converged(iterations: usize) -> String {
    format!("the maximisation did not converge within {iterations} iterations")
}

/// Observations per unit over `units` (indices into the panel's units; all
/// when `None`): (min, mean, max), (0, 0, 0) without units.
pub fn obs_per_unit(panel: &panel::Panel, units: Option<&[usize]>) -> (usize, f64, usize) {
    let lens: Vec<usize> = match units {
        Some(u) => u.iter().map(|&g| panel.rows(g).len()).collect(),
        None => (0..panel.n_units()).map(|g| panel.rows(g).len()).collect(),
    };
    match (lens.iter().min(), lens.iter().max()) {
        (Some(&lo), Some(&hi)) => (lo, lens.iter().sum::<usize>() as f64 / lens.len() as f64, hi),
        _ => (0, 0.0, 0),
    }
}

/// The covariance, or when the information matrix is singular empty
/// covariances and the message saying so.
fn covariance_or_message(information: &[f64], p: usize, singular: &str) -> (Vec<f64>, Option<String>) {
    match covariance(information, p, singular) {
        Ok(v) => (v, None),
        Err(e) => (Vec::new(), Some(e.message)),
    }
}

/// A fit that failed numerically before any estimate existed (see [`fit`]).
fn failed_fit(
    model: Model,
    panel: &panel::Panel,
    omitted: Vec<bool>,
    message: String,
    quadrature: Option<(random::Quadrature, usize)>,
) -> Fit {
    let (n_left, n_uncensored, n_right) = panel.counts();
    Fit {
        model,
        names: panel.names.clone(),
        beta: Vec::new(),
        sigma_e: 0.0,
        sigma_u: None,
        vcov: Vec::new(),
        robust_vcov: Vec::new(),
        log_likelihood: 0.0,
        pooled_log_likelihood: None,
        iterations: 0,
        converged: false,
        n: panel.n(),
        n_left,
        n_uncensored,
        n_right,
        n_units: panel.n_units(),
        dropped_units: 0,
        n_params: 0,
        x_means: panel.x_means(),
        offset_mean: 0.0,
        quadrature,
        omitted,
        message: Some(message),
        obs_per_unit: obs_per_unit(panel, None),
    }
}

/// A fit on the design without the omitted columns, widened back to every
/// term of `full`: omitted terms get estimate 0, x mean `means[j]` and zero
/// rows and columns in both covariances (empty covariances stay empty).
fn widen(f: Fit, full: &panel::Panel, omitted: &[bool], means: &[f64]) -> Fit {
    let k = omitted.len();
    let k_red = f.beta.len();
    let mut index = Vec::with_capacity(k);
    let mut r = 0;
    for &o in omitted {
        index.push((!o).then(|| {
            r += 1;
            r - 1
        }));
    }
    let extra = f.vcov.len().max(f.robust_vcov.len()).isqrt().saturating_sub(k_red);
    let p = k + extra;
    let at = |a: usize| if a < k { index[a] } else { Some(a - k + k_red) };
    let grow = |v: &[f64]| -> Vec<f64> {
        if v.is_empty() {
            return Vec::new();
        }
        let q = k_red + extra;
        let mut w = vec![0.0; p * p];
        for a in 0..p {
            for b in 0..p {
                if let (Some(i), Some(j)) = (at(a), at(b)) {
                    w[a * p + b] = v[i * q + j];
                }
            }
        }
        w
    };
    Fit {
        names: full.names.clone(),
        beta: (0..k).map(|j| index[j].map_or(0.0, |i| f.beta[i])).collect(),
        x_means: (0..k).map(|j| index[j].map_or(means[j], |i| f.x_means[i])).collect(),
        vcov: grow(&f.vcov),
        robust_vcov: grow(&f.robust_vcov),
        omitted: omitted.to_vec(),
        ..f
    }
}

/// How many p x p matrices a fit may hold at once (information, two
/// covariances, factorisations, the collinearity check, scores): the memory
/// check before a fit counts this many.
const MATRICES: usize = 8;

/// Fits the model the rows ask for; an intercept `_cons` is included except
/// for fixed effects.
///
/// Collinear regressors (and, for fixed effects, regressors without
/// within-unit variation) are omitted as described in [`collinear`] and
/// flagged in [`Fit::omitted`].
///
/// Errors (`Err`) are input errors only: no rows, bounds not finite or not
/// ordered, bad names, non-finite values, length mismatches, an unsupported
/// number of quadrature points (22023), and out of memory (53200).
///
/// A numerical failure is `Ok` with `converged = false` and
/// [`Fit::message`] saying why; what such a fit holds:
///
/// - stopped by the iteration limit: every estimate and covariance at the
///   last iterate (as before), message "the maximisation did not converge
///   within N iterations";
/// - singular information matrix at the estimate: the estimates (beta,
///   sigma_e, sigma_u, log-likelihood) but empty `vcov` and `robust_vcov`;
/// - no estimate at all (every observation censored, fewer observations
///   than parameters, sigma_u not identified, one unit for random effects,
///   every fixed-effects unit censored at one bound, no usable curvature):
///   `beta`, `vcov`, `robust_vcov` empty, `sigma_e` 0, `sigma_u` None,
///   `log_likelihood` 0, `pooled_log_likelihood` None, `iterations` 0,
///   `n_params` 0; `names`, `omitted`, `x_means` (over all rows), the
///   counts, `n_units` and `obs_per_unit` describe the rows.
///
/// Use [`Fit::has_estimates`] and [`Fit::has_vcov`] before reading them; the
/// accessors in [`effects`] refuse such fits with 22023.
pub fn fit(
    rows: &Rows,
    settings: Settings,
    pool: Option<&rayon::ThreadPool>,
    between: crate::interrupt::Check<'_>,
) -> Result<Fit> {
    let spec = rows.spec.as_ref().ok_or_else(|| Error::invalid("no rows"))?;
    let fe = spec.model == Model::FixedEffects;
    // the fit holds a few p x p matrices (information, covariances, the
    // collinearity check): sized from the number of regressors, so checked
    // against the memory limit before any is allocated (53200, not an abort)
    let p = spec.names.len().saturating_add(3);
    const WHAT: &str = "the p x p matrices of panel_tobit (one per regressor squared)";
    crate::mem::check(crate::mem::bytes_of::<f64>(p.saturating_mul(p).saturating_mul(MATRICES), WHAT)?, WHAT)?;
    let panel = panel::Panel::new(&rows.y, &rows.x, &rows.unit, &spec.names, !fe, spec.lower, spec.upper)?;
    let quadrature = (spec.model == Model::RandomEffects).then_some((settings.quadrature, settings.points));
    if quadrature.is_some() {
        hermite::rule(settings.points)?; // an input error, not a failed fit
    }
    let kept_units = fe.then(|| fixed::kept_units(&panel));
    let (omitted, means) = collinear::omitted_columns(&panel, kept_units.as_deref(), fe, &mut *between)?;
    let any_omitted = omitted.iter().any(|o| *o);
    let reduced;
    let design = if any_omitted {
        reduced = panel.keep_columns(&omitted.iter().map(|o| !o).collect::<Vec<_>>())?;
        &reduced
    } else {
        &panel
    };
    let result = match spec.model {
        Model::Pooled => pooled::fit(design, settings.newton, pool, &mut *between),
        Model::RandomEffects => {
            random::fit(design, settings.quadrature, settings.points, settings.newton, pool, &mut *between)
        }
        Model::FixedEffects => fixed::fit(design, settings.newton, &mut *between),
    };
    let mut f = match result {
        Ok(f) if any_omitted => widen(f, &panel, &omitted, &means),
        Ok(f) => Fit { omitted, ..f },
        // the input was checked above: what is left is numerical
        Err(e) if e.kind == crate::ErrorKind::InvalidParameter => {
            return Ok(failed_fit(spec.model, &panel, omitted, e.message, quadrature));
        }
        Err(e) => return Err(e),
    };
    // with one cluster (unit) the cluster-robust covariance is undefined
    // (G / (G - 1) divides by zero): empty, NULL in SQL, never NaN
    if f.robust_vcov.iter().any(|v| !v.is_finite()) {
        f.robust_vcov.clear();
    }
    if f.vcov.iter().any(|v| !v.is_finite()) {
        f.vcov.clear();
        f.robust_vcov.clear();
        f.converged = false;
        f.message = Some(SINGULAR.to_string());
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip() {
        let spec = Spec { lower: Some(0.0), upper: None, model: Model::Pooled, names: vec!["a".into(), "b".into()] };
        let mut r = Rows::default();
        r.add(1.0, &[2.0, 3.0], 7, &spec).unwrap();
        r.add(0.0, &[1.0, -3.0], 8, &spec).unwrap();
        assert_eq!(Rows::from_bytes(&r.to_bytes()).unwrap(), r);
        assert_eq!(Rows::from_bytes(&Rows::default().to_bytes()).unwrap(), Rows::default());
        assert!(r.add(1.0, &[1.0], 9, &spec).unwrap_err().message.contains("row 3"));
        let other = Spec { model: Model::RandomEffects, ..spec.clone() };
        assert!(r.add(1.0, &[1.0, 2.0], 9, &other).is_err());
        assert!(r.add(f64::NAN, &[1.0, 2.0], 9, &spec).is_err());
        assert_eq!(Model::parse("RE").unwrap(), Model::RandomEffects);
        // computed bounds: a few ulps off still count as censored, 1e-9 does not
        assert_eq!(censoring(0.9999999999999998, Some(0.0), Some(1.0)), Censoring::Right);
        assert_eq!(censoring(1e-15, Some(0.0), Some(1.0)), Censoring::Left);
        assert_eq!(censoring(1.0 - 1e-9, Some(0.0), Some(1.0)), Censoring::Uncensored);
        assert_eq!(censoring(-5.0, None, Some(1.0)), Censoring::Uncensored);
        assert!(Model::parse("probit").is_err());
    }

    #[test]
    fn regressors_whose_matrices_pass_the_limit_are_refused_before_allocating() {
        // 10^5 regressors: p x p matrices of 80 GB each. The check uses the
        // process-wide limit, which tests leave unlimited, so the sizes
        // overflow it only through bytes_of: check the arithmetic instead.
        let p = 100_003usize;
        let bytes = crate::mem::bytes_of::<f64>(p * p * MATRICES, "m").unwrap();
        assert!(bytes > 500 << 30);
        assert!(crate::mem::bytes_of::<f64>(usize::MAX / 4, "m").is_err());
    }

    #[test]
    fn total_order_bits_order_as_total_cmp() {
        let v = [
            f64::NEG_INFINITY,
            -1e308,
            -2.5,
            -1e-310,
            -0.0,
            0.0,
            1e-310,
            2.5,
            1e308,
            f64::INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        for a in v {
            for b in v {
                assert_eq!(a.total_cmp(&b), total_order_bits(a).cmp(&total_order_bits(b)), "{a} {b}");
            }
        }
    }

    #[test]
    fn canonical_order_makes_fits_independent_of_row_order() {
        let spec = Spec { lower: Some(0.0), upper: None, model: Model::RandomEffects, names: vec!["x".into()] };
        let rows: Vec<(f64, f64, i64)> = (0..60)
            .map(|i| {
                let x = ((i * 37) % 11) as f64 / 3.0 - 1.0;
                let u = (i % 7) as i64;
                (((i * 13) % 17) as f64 / 4.0 - 1.0 + 0.3 * x + 0.2 * u as f64, x, u)
            })
            .collect();
        let fit_of = |order: &mut dyn Iterator<Item = usize>| {
            let mut r = Rows::default();
            for i in order {
                r.add(rows[i].0, &[rows[i].1], rows[i].2, &spec).unwrap();
            }
            let c = r.canonical().unwrap();
            assert_eq!(c.canonical().unwrap(), c); // already in order: unchanged
            fit(&c, Settings::default(), None, &mut crate::interrupt::none()).unwrap()
        };
        let a = fit_of(&mut (0..60));
        let b = fit_of(&mut (0..60).rev());
        let c = fit_of(&mut (0..60).map(|i| (i * 23) % 60));
        for f in [&b, &c] {
            assert_eq!(f.beta, a.beta); // bitwise
            assert_eq!(f.vcov, a.vcov);
            assert_eq!(f.log_likelihood.to_bits(), a.log_likelihood.to_bits());
        }
    }

    #[test]
    fn term_names_are_checked() {
        let spec = |names: &[&str]| Spec {
            lower: Some(0.0),
            upper: None,
            model: Model::Pooled,
            names: names.iter().map(|s| s.to_string()).collect(),
        };
        let e = Rows::default().add(1.0, &[1.0, 2.0], 1, &spec(&["_cons", "b"])).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::InvalidParameter);
        assert!(e.message.contains("_cons") && e.message.contains("names[1]"), "{}", e.message);
        let e = Rows::default().add(1.0, &[1.0, 2.0], 1, &spec(&["a", "a"])).unwrap_err();
        assert!(e.message.contains("\"a\" twice"), "{}", e.message);
        let e = Rows::default().add(1.0, &[1.0, 2.0], 1, &spec(&["a", ""])).unwrap_err();
        assert!(e.message.contains("names[2] is empty"), "{}", e.message);
        let mut bad = spec(&["a"]);
        bad.upper = Some(-1.0);
        assert!(Rows::default().add(1.0, &[1.0], 1, &bad).unwrap_err().message.contains("below upper"));
        bad.upper = Some(f64::NAN);
        assert!(Rows::default().add(1.0, &[1.0], 1, &bad).unwrap_err().message.contains("upper"));
        // a state carrying duplicate names (hand-made bytes) is refused as corrupt
        let mut r = Rows::default();
        r.add(1.0, &[1.0, 2.0], 1, &spec(&["a", "b"])).unwrap();
        r.spec.as_mut().unwrap().names[1] = "a".into();
        assert_eq!(Rows::from_bytes(&r.to_bytes()).unwrap_err().kind, crate::ErrorKind::Corrupt);
    }

    fn real_fit(model: Model) -> Fit {
        let y = [0.0, 1.5, 4.0, 2.2, 0.0, 3.1, 4.0, 0.7, 2.9, 0.0, 1.1, 2.0];
        let x = [0.3, 1.2, 2.5, 0.9, -0.4, 1.7, 3.0, 0.5, 1.9, -1.0, 0.2, 1.4];
        let units: Vec<i64> = (0..12).map(|i| i / 3).collect();
        let spec = Spec { lower: Some(0.0), upper: None, model, names: vec!["x".into()] };
        let mut r = Rows::default();
        for i in 0..12 {
            r.add(y[i], &[x[i]], units[i], &spec).unwrap();
        }
        fit(&r, Settings::default(), None, &mut || {}).unwrap()
    }

    #[test]
    fn validate_accepts_real_fits_and_refuses_inconsistent_ones() {
        for model in [Model::Pooled, Model::RandomEffects, Model::FixedEffects] {
            let f = real_fit(model);
            f.validate().unwrap();
            effects::marginal_effects(&f, Some(0.0), None, true).unwrap();
        }
        let f = real_fit(Model::Pooled);
        let refused = |g: &dyn Fn(&mut Fit), what: &str| {
            let mut h = f.clone();
            g(&mut h);
            let e = h.validate().unwrap_err();
            assert_eq!(e.kind, crate::ErrorKind::InvalidParameter);
            assert!(e.message.starts_with("fit is inconsistent") && e.message.contains(what), "{what}: {}", e.message);
        };
        refused(
            &|h| {
                h.beta.push(1.0);
            },
            "estimates",
        );
        refused(
            &|h| {
                h.x_means.pop();
            },
            "x_means",
        );
        refused(
            &|h| {
                h.vcov.pop();
            },
            "vcov has",
        );
        refused(
            &|h| {
                h.robust_vcov.push(0.0);
            },
            "robust_vcov has",
        );
        refused(
            &|h| {
                h.vcov[1] += 1.0;
            },
            "not symmetric",
        );
        refused(
            &|h| {
                h.vcov[0] = -1.0;
            },
            "negative variance",
        );
        refused(
            &|h| {
                h.robust_vcov[2] = f64::NAN;
            },
            "robust_vcov[3] is NaN",
        );
        refused(
            &|h| {
                h.beta[1] = f64::INFINITY;
            },
            "estimates[2]",
        );
        refused(
            &|h| {
                h.sigma_e = 0.0;
            },
            "sigma_e",
        );
        refused(
            &|h| {
                h.sigma_u = Some(1.0);
            },
            "sigma_u is set",
        );
        refused(
            &|h| {
                h.names[1] = "_cons".into();
            },
            "_cons",
        );
        refused(
            &|h| {
                h.names[0] = "a".into();
            },
            "exactly once",
        );
        refused(
            &|h| {
                h.x_means[0] = 0.5;
            },
            "x mean of _cons",
        );
        refused(
            &|h| {
                h.names[1] = String::new();
            },
            "empty",
        );
        refused(
            &|h| {
                h.n_left += 1;
            },
            "n_obs",
        );
        refused(
            &|h| {
                h.log_likelihood = f64::NAN;
            },
            "log_likelihood",
        );
        let mut re = real_fit(Model::RandomEffects);
        re.sigma_u = None;
        assert!(re.validate().unwrap_err().message.contains("sigma_u is missing"));
        let mut re = real_fit(Model::RandomEffects);
        re.sigma_u = Some(-1.0);
        assert!(re.validate().is_err());
        let mut fe = real_fit(Model::FixedEffects);
        fe.names[0] = "_cons".into();
        assert!(fe.validate().unwrap_err().message.contains("_cons"));
        let mut dup = real_fit(Model::Pooled);
        dup.names.push("x".into());
        dup.beta.push(0.0);
        dup.x_means.push(0.0);
        let p = dup.p();
        dup.vcov = vec![0.0; p * p];
        dup.robust_vcov = vec![0.0; p * p];
        assert!(dup.validate().unwrap_err().message.contains("twice"), "{:?}", dup.validate());
        assert!(validate_bounds(Some(1.0), Some(1.0)).is_err());
        assert!(validate_bounds(Some(0.0), None).is_ok());
    }

    fn rows_of(model: Model, y: &[f64], x: &[f64], names: &[&str], units: &[i64], lower: Option<f64>) -> Rows {
        let spec = Spec { lower, upper: None, model, names: names.iter().map(|s| s.to_string()).collect() };
        let k = names.len();
        let mut r = Rows::default();
        for i in 0..y.len() {
            r.add(y[i], &x[i * k..(i + 1) * k], units[i], &spec).unwrap();
        }
        r
    }

    #[test]
    fn text_units_rank_by_bytes_and_merge() {
        let spec = Spec { lower: Some(0.0), upper: None, model: Model::Pooled, names: vec!["x1".into()] };
        let mut a = Rows::default();
        a.add_text(1.0, &[1.0], "b", &spec).unwrap();
        a.add_text(2.0, &[2.0], "a", &spec).unwrap();
        a.add_text(3.0, &[3.0], "b", &spec).unwrap();
        assert_eq!(a.unit, vec![0, 1, 0]);
        let mut b = Rows::default();
        b.add_text(4.0, &[4.0], "c", &spec).unwrap();
        b.add_text(5.0, &[5.0], "a", &spec).unwrap();
        a.merge(&Rows::from_bytes(&b.to_bytes()).unwrap()).unwrap();
        assert_eq!(a.unit, vec![0, 1, 0, 2, 1]);
        // canonical: units ranked by the bytes of their names (a, b, c)
        let c = a.canonical().unwrap();
        assert_eq!(c.unit, vec![0, 0, 1, 1, 2]);
        assert_eq!(c.y, vec![2.0, 5.0, 1.0, 3.0, 4.0]);
        assert!(c.labels.is_empty());
        // mixing key types is refused, a bad dictionary is corrupt
        let mut int = Rows::default();
        int.add(1.0, &[1.0], 7, &spec).unwrap();
        assert!(int.push_text(1.0, &[1.0], "x").unwrap_err().message.contains("mix bigint and text"));
        assert!(int.merge(&b).unwrap_err().message.contains("mix bigint and text"));
        let mut bad = b.clone();
        bad.unit[0] = 9;
        assert_eq!(Rows::from_bytes(&bad.to_bytes()).unwrap_err().kind, crate::ErrorKind::Corrupt);
    }

    #[test]
    fn collinear_and_constant_regressors_are_omitted_not_errors() {
        let y = [0.0, 1.5, 4.0, 2.2, 0.0, 3.1, 4.0, 0.7, 2.9, 0.0, 1.1, 2.0];
        let x = [0.3, 1.2, 2.5, 0.9, -0.4, 1.7, 3.0, 0.5, 1.9, -1.0, 0.2, 1.4];
        let z = [1.0, 0.0, 2.0, 1.0, 3.0, 0.0, 1.0, 2.0, 2.0, 1.0, 0.0, 3.0];
        let units: Vec<i64> = (0..12).map(|i| i / 3).collect();
        for model in [Model::Pooled, Model::RandomEffects] {
            let plain: Vec<f64> = (0..12).flat_map(|i| [x[i], z[i]]).collect();
            let base =
                fit(&rows_of(model, &y, &plain, &["x", "z"], &units, Some(0.0)), Settings::default(), None, &mut || {})
                    .unwrap();
            // x2 = 2 x (collinear), c = 5 (constant, not _cons, is dropped)
            let wide: Vec<f64> = (0..12).flat_map(|i| [x[i], 2.0 * x[i], 5.0, z[i]]).collect();
            let f = fit(
                &rows_of(model, &y, &wide, &["x", "x2", "c", "z"], &units, Some(0.0)),
                Settings::default(),
                None,
                &mut || {},
            )
            .unwrap();
            assert_eq!(f.omitted, vec![false, false, true, true, false], "{model:?}");
            assert_eq!(f.names, ["_cons", "x", "x2", "c", "z"]);
            assert!(f.converged && f.message.is_none());
            f.validate().unwrap();
            let p = f.p();
            assert_eq!(f.vcov.len(), p * p);
            for (a, b) in [(0, 0), (1, 1), (4, 2)] {
                assert!((f.beta[a] - base.beta[b]).abs() < 1e-9 * (1.0 + base.beta[b].abs()), "{model:?} {a}");
            }
            assert_eq!((f.beta[2], f.beta[3]), (0.0, 0.0));
            assert!((0..p).all(|c| f.vcov[2 * p + c] == 0.0 && f.vcov[c * p + 3] == 0.0));
            assert!((f.vcov[p * p - 1] - base.vcov[base.p() * base.p() - 1]).abs() < 1e-8);
            let se = f.std_errors_opt(false).unwrap();
            assert!(se[2].is_none() && se[3].is_none() && se[1].is_some());
            assert_eq!(f.x_means[3], 5.0);
            assert_eq!(f.n_params, base.n_params);
            // effects skip omitted terms; the Wald test has the 2 kept slopes
            let me = effects::marginal_effects(&f, Some(0.0), None, false).unwrap();
            assert!(me.iter().all(|e| e.term == "x" || e.term == "z"));
            assert_eq!(f.wald(false).unwrap().1, 2);
        }
        // nothing omitted: bitwise the fit of before, all flags false
        let plain: Vec<f64> = (0..12).flat_map(|i| [x[i], z[i]]).collect();
        let f = fit(
            &rows_of(Model::Pooled, &y, &plain, &["x", "z"], &units, Some(0.0)),
            Settings::default(),
            None,
            &mut || {},
        )
        .unwrap();
        let panel = panel::Panel::new(&y, &plain, &units, &["x".into(), "z".into()], true, Some(0.0), None).unwrap();
        let direct = pooled::fit(&panel, newton::Options::default(), None, &mut || {}).unwrap();
        assert_eq!(f.beta, direct.beta);
        assert_eq!(f.vcov, direct.vcov);
        assert_eq!(f.omitted, vec![false; 3]);
        assert_eq!(f.obs_per_unit, (3, 3.0, 3));
    }

    /// A regressor constant within units up to rounding has no within
    /// variation: omitted by fixed effects (it gave a standard error of
    /// millions with converged = true), kept by the pooled model.
    #[test]
    fn fixed_effects_omit_regressors_without_within_variation() {
        let y = [0.5, 1.0, 0.0, 1.0, 2.0, 0.5, 1.5, 0.0, 2.5, 0.7, 0.2, 1.9];
        let units: Vec<i64> = (0..12).map(|i| i / 3).collect();
        let x: Vec<f64> = (0..12)
            .flat_map(|i| {
                let g = (i / 3) as f64;
                let region = if i % 3 == 0 { (0.1 + 0.2) * (g + 1.0) } else { 0.3 * (g + 1.0) };
                [((i * 7) % 5) as f64, region]
            })
            .collect();
        let f = fit(
            &rows_of(Model::FixedEffects, &y, &x, &["x", "region"], &units, Some(0.0)),
            Settings::default(),
            None,
            &mut || {},
        )
        .unwrap();
        assert_eq!(f.omitted, vec![false, true]);
        assert!(f.converged, "{:?}", f.message);
        f.validate().unwrap();
        let se = f.std_errors_opt(false).unwrap();
        assert!(se[0].unwrap() < 10.0 && se[1].is_none(), "{se:?}");
        let p = fit(
            &rows_of(Model::Pooled, &y, &x, &["x", "region"], &units, Some(0.0)),
            Settings::default(),
            None,
            &mut || {},
        )
        .unwrap();
        assert_eq!(p.omitted, vec![false, false, false]);
    }

    #[test]
    fn numerical_failures_are_failed_fits_input_errors_stay_errors() {
        let units: Vec<i64> = (0..6).collect();
        let x = [0.3, 1.2, 2.5, 0.9, -0.4, 1.7];
        let check_failed = |f: &Fit, what: &str| {
            assert!(!f.converged && f.message.as_deref().unwrap().contains(what), "{:?}", f.message);
            assert!(f.beta.is_empty() && f.vcov.is_empty() && f.robust_vcov.is_empty() && !f.has_estimates());
            assert!(f.sigma_e == 0.0 && f.log_likelihood == 0.0 && f.x_means.iter().all(|v| v.is_finite()));
            f.validate().unwrap();
            let e = effects::marginal_effects(f, Some(0.0), None, false).unwrap_err();
            assert!(
                e.kind == crate::ErrorKind::InvalidParameter && e.message.contains("the fit failed"),
                "{}",
                e.message
            );
            assert!(effects::hausman(f, f, false).is_err());
            assert!(f.wald(false).is_none() && f.conf_int(95.0, false).is_err());
            assert!(f.predict(&[1.0, 0.0], 0.0, Some(0.0), None).is_err());
            assert!(f.std_errors_checked(false).is_none() && f.se_sigma_u().is_none());
        };
        for model in [Model::Pooled, Model::RandomEffects, Model::FixedEffects] {
            // every observation censored
            let f = fit(
                &rows_of(model, &[0.0; 6], &x, &["x"], &[1, 1, 2, 2, 3, 3], Some(0.0)),
                Settings::default(),
                None,
                &mut || {},
            )
            .unwrap();
            assert_eq!(f.n_left, 6);
            check_failed(
                &f,
                if model == Model::FixedEffects { "no unit effect" } else { "every observation is censored" },
            );
            // fewer observations than parameters
            let f = fit(
                &rows_of(model, &[0.5, 1.0], &x[..2], &["x"], &[1, 1], Some(0.0)),
                Settings::default(),
                None,
                &mut || {},
            )
            .unwrap();
            check_failed(&f, "observations");
        }
        // random effects with one row per unit: sigma_u not identified
        let f = fit(
            &rows_of(Model::RandomEffects, &[0.5, 1.0, 0.0, 2.0, 1.5, 0.2], &x, &["x"], &units, Some(0.0)),
            Settings::default(),
            None,
            &mut || {},
        )
        .unwrap();
        check_failed(&f, "not separately identified");
        // the iteration limit: estimates kept, message set
        let mut s = Settings::default();
        s.newton.max_iterations = 1;
        let f = fit(
            &rows_of(Model::Pooled, &[0.5, 1.0, 0.0, 2.0, 1.5, 0.2], &x, &["x"], &units, Some(0.0)),
            s,
            None,
            &mut || {},
        )
        .unwrap();
        assert!(!f.converged && f.message.as_deref().unwrap().contains("did not converge") && f.has_vcov());
        f.validate().unwrap();
        // input errors
        let bad_points = Settings { points: 0, ..Settings::default() };
        assert!(fit(
            &rows_of(Model::RandomEffects, &[0.5, 1.0, 0.0, 2.0, 1.5, 0.2], &x, &["x"], &units, Some(0.0)),
            bad_points,
            None,
            &mut || {}
        )
        .is_err());
        assert!(fit(&Rows::default(), Settings::default(), None, &mut || {}).is_err());
        let mut r = rows_of(Model::Pooled, &[0.5, 1.0, 0.0], &x[..3], &["x"], &units[..3], Some(0.0));
        r.x.push(1.0);
        assert!(fit(&r, Settings::default(), None, &mut || {}).is_err());
        // a failed fit missing its message, or carrying estimates, is refused
        let f = fit(
            &rows_of(Model::Pooled, &[0.0; 6], &x, &["x"], &units, Some(0.0)),
            Settings::default(),
            None,
            &mut || {},
        )
        .unwrap();
        let mut g = f.clone();
        g.message = None;
        assert!(g.validate().is_err());
        let mut g = f.clone();
        g.vcov = vec![1.0];
        assert!(g.validate().is_err());
    }

    /// A fit whose information was singular keeps its estimates without
    /// covariances: valid, predictable, refused by what needs a covariance.
    #[test]
    fn singular_information_fits_keep_estimates() {
        let mut f = real_fit(Model::Pooled);
        f.vcov.clear();
        f.robust_vcov.clear();
        f.converged = false;
        f.message = Some(SINGULAR.into());
        f.validate().unwrap();
        assert!(f.has_estimates() && !f.has_vcov());
        assert!(f.std_errors_opt(false).is_none() && f.se_sigma_e_opt().is_none() && f.se_sigma_u().is_none());
        assert!(f.se_sigma_e().is_nan() && f.std_errors_checked(false).is_none());
        assert!(f.wald(false).is_none());
        let e = f.conf_int(95.0, false).unwrap_err();
        assert!(e.message.contains("singular") && e.message.contains("no covariance"), "{}", e.message);
        assert!(effects::marginal_effects(&f, Some(0.0), None, false).unwrap_err().message.contains("singular"));
        f.predict(&[1.0], 0.0, Some(0.0), None).unwrap();
        // without the message, missing covariances are inconsistent
        f.message = None;
        assert!(f.validate().is_err());
        // fixed effects count observations per unit over the units kept
        let y = [0.0, 0.0, 0.0, 1.0, 2.0, 0.5, 1.5, 0.0, 2.5, 0.3];
        let x = [1.0, 2.0, 3.0, 0.5, 1.5, 0.1, 1.1, -0.4, 2.0, 0.7];
        let unit = [1, 1, 1, 2, 2, 3, 3, 4, 4, 4];
        let fe =
            fit(&rows_of(Model::FixedEffects, &y, &x, &["x"], &unit, Some(0.0)), Settings::default(), None, &mut || {})
                .unwrap();
        assert_eq!((fe.dropped_units, fe.obs_per_unit), (1, (2, 7.0 / 3.0, 3)));
        let re = fit(
            &rows_of(Model::RandomEffects, &y, &x, &["x"], &unit, Some(0.0)),
            Settings::default(),
            None,
            &mut || {},
        )
        .unwrap();
        assert_eq!(re.obs_per_unit, (2, 2.5, 3));
    }

    #[test]
    fn hostile_state_bytes_are_refused_before_allocating() {
        use crate::codec::{encode, tag};
        let kind = |bytes: Vec<u8>| Rows::from_bytes(&bytes).unwrap_err().kind;
        // a spec whose name count is 2^62 with no bytes behind it
        let spec = |names: u64| Some((0u64, None::<f64>, None::<f64>, names));
        assert_eq!(kind(encode(tag::TOBIT_ROWS, &spec(1 << 62))), crate::ErrorKind::Corrupt);
        // a name whose length is u64::MAX
        assert_eq!(kind(encode(tag::TOBIT_ROWS, &(spec(1), u64::MAX))), crate::ErrorKind::Corrupt);
        // an unknown model
        let none: &[f64] = &[];
        let names: &[&str] = &["a"];
        let bad_model = (Some((7u64, None::<f64>, None::<f64>, names)), none, none, none, none);
        let e = Rows::from_bytes(&encode(tag::TOBIT_ROWS, &bad_model)).unwrap_err();
        assert!(e.kind == crate::ErrorKind::Corrupt && e.message.contains("model code 7"), "{}", e.message);
        // a unit count that exceeds the bytes
        assert_eq!(kind(encode(tag::TOBIT_ROWS, &(None::<u8>, none, none, u64::MAX / 4))), crate::ErrorKind::Corrupt);
        // rows without a spec, or x not n * k
        let units = I64s(&[3]);
        let one = F64s(&[1.0]);
        let e = Rows::from_bytes(&encode(tag::TOBIT_ROWS, &(None::<u8>, one, none, units, none))).unwrap_err();
        assert!(e.kind == crate::ErrorKind::Corrupt && e.message.contains("different lengths"), "{}", e.message);
        let spec = Spec { lower: None, upper: None, model: Model::Pooled, names: vec!["a".into()] };
        let mut r = Rows::default();
        r.add(1.0, &[2.0], 1, &spec).unwrap();
        r.x.push(5.0);
        assert_eq!(Rows::from_bytes(&r.to_bytes()).unwrap_err().kind, crate::ErrorKind::Corrupt);
        // every truncation of a valid state is an error, never a panic
        let mut ok = Rows::default();
        ok.add(1.0, &[2.0], 1, &spec).unwrap();
        let bytes = ok.to_bytes();
        for cut in 0..bytes.len() {
            assert!(Rows::from_bytes(&bytes[..cut]).is_err(), "{cut}");
        }
    }
}
