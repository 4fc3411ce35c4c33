//! Accuracy and iteration counts of the Tobit fits on the repository's
//! fixtures (AER on Affairs; R's exact and Gauss-Hermite random-effects
//! likelihoods on the health panel), for before/after comparisons of the
//! linear algebra and the optimiser (docs/dependencies.md), plus the time of
//! each fit (median of REPS). `cargo run --release --example tobit_fixture_dev -- [REPS]`
use regecon_core::tobit::newton::Options;
use regecon_core::tobit::panel::Panel;
use regecon_core::tobit::random::Quadrature;
use regecon_core::tobit::{pooled, random, Fit};
use serde_json::Value;
use std::sync::atomic::Ordering;
use std::time::Instant;

fn dir() -> String {
    format!("{}/../../tests/fixtures/tobit", env!("CARGO_MANIFEST_DIR"))
}

fn csv(name: &str) -> (Vec<String>, Vec<Vec<f64>>) {
    let text = std::fs::read_to_string(format!("{}/{name}", dir())).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').map(|s| s.trim_matches('"').to_string()).collect();
    (header, lines.map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect())
}

fn json(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{}/{name}", dir())).unwrap()).unwrap()
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

/// Likelihood passes of the optimiser so far: (with derivatives, value only).
fn passes() -> (usize, usize) {
    let e = &regecon_core::tobit::newton::EVALUATIONS;
    (e[0].load(Ordering::Relaxed), e[1].load(Ordering::Relaxed))
}

/// The fit, its median time in ms, and the optimiser's likelihood passes per fit.
fn timed(reps: usize, mut f: impl FnMut() -> Fit) -> (Fit, f64, (usize, usize)) {
    let before = passes();
    let mut times = Vec::new();
    let mut fit = None;
    for _ in 0..reps {
        let t = Instant::now();
        fit = Some(f());
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    let after = passes();
    (fit.unwrap(), times[times.len() / 2], ((after.0 - before.0) / reps, (after.1 - before.1) / reps))
}

fn report(what: &str, (f, ms, ev): &(Fit, f64, (usize, usize)), coef: &[f64], se: &[f64], ll: f64) {
    let k = f.beta.len();
    let ses = f.std_errors(false);
    let dc = (0..k).map(|j| rel(f.beta[j], coef[j])).fold(0.0, f64::max);
    let ds = (0..k).map(|j| rel(ses[j], se[j])).fold(0.0, f64::max);
    println!(
        "{what:<28} iterations {:>2} converged {} passes {:>2}+{:<2} | max rel dev coef {dc:.2e} se {ds:.2e} loglik {:.2e} | {ms:.2} ms",
        f.iterations,
        f.converged,
        ev.0,
        ev.1,
        rel(f.log_likelihood, ll)
    );
}

fn main() {
    let reps: usize = std::env::args().nth(1).map(|a| a.parse().unwrap()).unwrap_or(5);
    // pooled, AER on Affairs (k = 6 + log sigma)
    let (h, rows) = csv("affairs.csv");
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let regs = ["age", "yearsmarried", "religiousness", "occupation", "rating"];
    let y: Vec<f64> = rows.iter().map(|r| r[col("affairs")]).collect();
    let x: Vec<f64> = rows.iter().flat_map(|r| regs.iter().map(|n| r[col(n)]).collect::<Vec<_>>()).collect();
    let names: Vec<String> = regs.iter().map(|s| s.to_string()).collect();
    let fx = json("affairs.json");
    for (key, upper) in [("left0", None), ("left0_right4", Some(4.0))] {
        let w = &fx["fits"][key];
        let units: Vec<i64> = (0..y.len() as i64).collect();
        let panel = Panel::new(&y, &x, &units, &names, true, Some(0.0), upper).unwrap();
        let r = timed(reps, || pooled::fit(&panel, Options::default(), None, &mut || {}).unwrap());
        let (est, se) = (nums(&w["estimate"]), nums(&w["std_error"]));
        report(&format!("pooled affairs {key}"), &r, &est, &se, w["log_likelihood"].as_f64().unwrap());
    }
    // random effects and pooled on the health panel
    let (h, rows) = csv("health_panel.csv");
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let regs = ["income", "age", "chronic", "insurance", "female", "bmi"];
    let y: Vec<f64> = rows.iter().map(|r| r[col("expenditure")]).collect();
    let x: Vec<f64> = rows.iter().flat_map(|r| regs.iter().map(|n| r[col(n)]).collect::<Vec<_>>()).collect();
    let id: Vec<i64> = rows.iter().map(|r| r[col("id")] as i64).collect();
    let names: Vec<String> = regs.iter().map(|s| s.to_string()).collect();
    let panel = Panel::new(&y, &x, &id, &names, true, Some(0.0), None).unwrap();
    let fx = json("health_re.json");
    let terms = ["(Intercept)", "income", "age", "chronic", "insurance", "female", "bmi"];
    let pick = |w: &Value, field: &str| -> Vec<f64> { terms.iter().map(|t| w[field][t].as_f64().unwrap()).collect() };
    let w = &fx["pooled"];
    let r = timed(reps, || pooled::fit(&panel, Options::default(), None, &mut || {}).unwrap());
    report("pooled health", &r, &pick(w, "coefficients"), &pick(w, "std_error"), w["loglik"].as_f64().unwrap());
    for (key, quad, q) in
        [("exact", Quadrature::Adaptive, 12), ("q12", Quadrature::Plain, 12), ("q8", Quadrature::Plain, 8)]
    {
        let w = if key == "exact" { &fx["exact"] } else { &fx["ghq"][key] };
        let r = timed(reps, || random::fit(&panel, quad, q, Options::default(), None, &mut || {}).unwrap());
        let what = format!("re health {key} (R maxNR {})", w["maxnr_iterations"]);
        report(&what, &r, &pick(w, "coefficients"), &pick(w, "coefficient_std_error"), w["loglik"].as_f64().unwrap());
    }
}
