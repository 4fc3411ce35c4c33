//! Tobit predictions, average marginal effects, the Wald test and
//! confidence intervals against R (AER::tobit 1.2.10, survival 3.5.3, the
//! formulas written out in R) on AER's Affairs data: tests/fixtures/tobit,
//! written by tests/fixtures/make/tobit_predict_reference.R.

use regecon_core::tobit::effects::average_marginal_effects_rows;
use regecon_core::tobit::{fit, Model, Rows, Settings, Spec};
use serde_json::Value;

fn nums(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

thread_local!(static WORST: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) });

fn close(got: f64, want: f64, what: &str) {
    let rel = (got - want).abs() / want.abs().max(1e-300);
    assert!(rel < 1e-8, "{what}: {got} vs {want} (relative {rel:.1e})");
    WORST.with(|w| w.set(w.get().max(rel)));
}

#[test]
fn predictions_and_average_effects_match_r() {
    let dir = format!("{}/../../tests/fixtures/tobit", env!("CARGO_MANIFEST_DIR"));
    let csv = std::fs::read_to_string(format!("{dir}/affairs.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(|s| s.trim_matches('"').to_string()).collect();
    let rows: Vec<Vec<f64>> = lines.map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
    let fx: Value = serde_json::from_str(&std::fs::read_to_string(format!("{dir}/predict.json")).unwrap()).unwrap();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let regs = ["age", "yearsmarried", "religiousness", "occupation", "rating"];
    let names: Vec<String> = regs.iter().map(|s| s.to_string()).collect();
    for (key, upper) in [("left0", None), ("left0_right4", Some(4.0))] {
        let want = &fx["fits"][key];
        let spec = Spec {
            lower: Some(0.0),
            upper,
            model: Model::Pooled,
            names: names.clone(),
            quadrature: None,
            points: None,
        };
        let mut r = Rows::default();
        for (i, row) in rows.iter().enumerate() {
            let x: Vec<f64> = regs.iter().map(|n| row[col(n)]).collect();
            r.add(row[col("affairs")], &x, i as i64, &spec).unwrap();
        }
        let f = fit(&r.canonical().unwrap(), Settings::default(), None, &mut || {}).unwrap();
        assert!(f.converged && f.message.is_none() && f.omitted.iter().all(|o| !o));
        assert_eq!(f.obs_per_unit, (1, 1.0, 1));
        assert_eq!(want["new_x_terms"].as_array().unwrap().len(), regs.len());
        // predictions at new rows
        for (i, x) in want["new_x"].as_array().unwrap().iter().enumerate() {
            let p = f.predict(&nums(x), 0.0, Some(0.0), upper).unwrap();
            close(p.xb, nums(&want["xb"])[i], &format!("{key} xb[{i}]"));
            assert_eq!(p.e_ystar, p.xb);
            close(p.pr_uncensored, nums(&want["pr_uncensored"])[i], &format!("{key} pr[{i}]"));
            close(p.e_truncated.unwrap(), nums(&want["e_truncated"])[i], &format!("{key} e_truncated[{i}]"));
            close(p.e_censored, nums(&want["e_censored"])[i], &format!("{key} e_censored[{i}]"));
        }
        // average marginal effects over the sample
        let ame = average_marginal_effects_rows(&f, &r, Some(0.0), upper, false, &mut || {}).unwrap();
        let ref_ame = want["ame"].as_array().unwrap();
        assert_eq!(ame.len(), ref_ame.len());
        for (got, w) in ame.iter().zip(ref_ame) {
            assert_eq!(got.term, w["term"].as_str().unwrap());
            assert_eq!(got.kind, w["kind"].as_str().unwrap());
            let what = format!("{key} AME {} {}", got.term, got.kind);
            close(got.estimate, w["estimate"].as_f64().unwrap(), &what);
            close(got.std_error, w["std_error"].as_f64().unwrap(), &format!("{what} se"));
        }
        // Wald chi2 of the slopes and 95% intervals
        let (chi2, df, p) = f.wald(false).unwrap();
        close(chi2, want["wald"].as_f64().unwrap(), &format!("{key} wald"));
        assert_eq!(df as u64, want["wald_df"].as_u64().unwrap());
        assert!(p > 0.0 && p < 1e-6);
        let ci = f.conf_int(95.0, false).unwrap();
        for (j, w) in want["confint95"].as_array().unwrap().iter().enumerate() {
            let (lo, hi) = ci[j].unwrap();
            let w = nums(w);
            close(lo, w[0], &format!("{key} ci lower {j}"));
            close(hi, w[1], &format!("{key} ci upper {j}"));
        }
    }
    println!("worst relative difference to R: {:.1e}", WORST.with(|w| w.get()));
}
