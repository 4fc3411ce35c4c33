//! SQL: `min_max_scale`, `coupling_degree`, `coupling_coordination`,
//! `coupling_class`. Numerics: core `coupling` and `scale`.

use crate::errors::{dense, OrRaise};
use pgrx::prelude::*;
use regecon_core::coupling as cpl;
use regecon_core::scale;

/// (x - min) / (max - min). STRICT.
#[pg_extern(immutable, parallel_safe)]
fn min_max_scale(x: f64, min: f64, max: f64) -> f64 {
    scale::min_max(x, min, max).or_raise("min_max_scale")
}

/// D = sqrt(C T) with C = 2 sqrt(u1 u2) / (u1 + u2), T = (u1 + u2) / 2.
/// STRICT; NULL when u1 = u2 = 0.
#[pg_extern(immutable, parallel_safe, name = "coupling_degree")]
fn coupling_degree(u1: f64, u2: f64) -> Option<f64> {
    cpl::coupling2(u1, u2, 0.5, 0.5).or_raise("coupling_degree").map(|r| r.d)
}

/// D with weights a and b (a + b = 1). STRICT; NULL when u1 = u2 = 0.
#[pg_extern(immutable, parallel_safe, name = "coupling_degree")]
fn coupling_degree_ab(u1: f64, u2: f64, a: f64, b: f64) -> Option<f64> {
    cpl::coupling2(u1, u2, a, b).or_raise("coupling_degree").map(|r| r.d)
}

/// C, T and D for m >= 2 systems; `weights` NULL means 1/m each.
#[pg_extern(immutable, parallel_safe)]
fn coupling_coordination(
    u: Option<Array<'_, f64>>,
    weights: default!(Option<Array<'_, f64>>, "NULL"),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<pgrx::composite_type!('static, "coupling_result")> {
    let u = dense(&u?, "coupling_coordination", "u");
    let w = weights.map(|w| dense(&w, "coupling_coordination", "weights"));
    let r = cpl::coupling(&u, w.as_deref()).or_raise("coupling_coordination")?;
    let mut tuple = crate::types::result_tuple(fcinfo, "coupling_coordination");
    for (name, value) in [("c", r.c), ("t", r.t), ("d", r.d)] {
        tuple.set_by_name(name, value).unwrap_or_else(|e| error!("coupling_coordination: cannot set {name}: {e}"));
    }
    Some(tuple)
}

/// The paper's class: 'low' [0, 0.3), 'moderate' [0.3, 0.5), 'high' [0.5, 1]. STRICT.
#[pg_extern(immutable, parallel_safe, name = "coupling_class")]
fn coupling_class(d: f64) -> &'static str {
    cpl::class(d).or_raise("coupling_class")
}

/// The class of d under user thresholds (strictly increasing) and labels
/// (one more than thresholds). STRICT.
#[pg_extern(immutable, parallel_safe, name = "coupling_class")]
fn coupling_class_custom(d: f64, thresholds: Array<'_, f64>, labels: Array<'_, &str>) -> String {
    let t = dense(&thresholds, "coupling_class", "thresholds");
    let mut l = Vec::with_capacity(labels.len());
    for (i, x) in labels.iter().enumerate() {
        match x {
            Some(s) => l.push(s.to_string()),
            None => crate::errors::raise(
                "coupling_class",
                regecon_core::Error::null_value(format!("labels[{}] is NULL", i + 1)),
            ),
        }
    }
    cpl::class_with(d, &t, &l).or_raise("coupling_class").to_string()
}

extension_sql!(
    r#"
COMMENT ON FUNCTION min_max_scale(float8, float8, float8) IS '(x - min) / (max - min)';
COMMENT ON FUNCTION coupling_degree(float8, float8) IS
'Coupling coordination degree D = sqrt(C T), C = 2 sqrt(u1 u2) / (u1 + u2), T = (u1 + u2) / 2; NULL when u1 = u2 = 0';
COMMENT ON FUNCTION coupling_degree(float8, float8, float8, float8) IS
'Coupling coordination degree D = sqrt(C T), T = a u1 + b u2 with a + b = 1';
COMMENT ON FUNCTION coupling_class(float8) IS
'Paper''s classes of D: low [0, 0.3), moderate [0.3, 0.5), high [0.5, 1]';
"#,
    name = "coupling_comments",
    requires = [min_max_scale, coupling_degree, coupling_degree_ab, coupling_class],
);

#[cfg(any(test, feature = "pg_test"))]
#[pgrx::pg_schema]
mod tests {
    // In-database tests through the SPI, complementing the SQL regression
    // suite (tests/pg_regress): values crossing the SQL boundary, NULL
    // handling, and errors surfacing as ERRORs, not panics.
    use crate::test_support::f64_of;
    use pgrx::prelude::*;

    #[pg_test]
    fn coupling_composite_reads_by_field() {
        assert_eq!(f64_of("SELECT (coupling_coordination(ARRAY[0.25, 1])).c"), Some(0.8));
        assert_eq!(f64_of("SELECT (coupling_coordination(ARRAY[0.25, 1])).t"), Some(0.625));
    }
}
