//! Pooled Tobit against R's AER::tobit (AER 1.2.10, survival 3.5.3) on AER's
//! Affairs data (tests/fixtures/tobit, written by
//! tests/fixtures/make/tobit_reference.R).

use regecon_core::tobit::newton::Options;
use regecon_core::tobit::panel::Panel;
use regecon_core::tobit::pooled::fit;
use serde_json::Value;

fn fixture() -> (Vec<Vec<f64>>, Vec<String>, Value) {
    let dir = format!("{}/../../tests/fixtures/tobit", env!("CARGO_MANIFEST_DIR"));
    let csv = std::fs::read_to_string(format!("{dir}/affairs.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(|s| s.trim_matches('"').to_string()).collect();
    let rows = lines.map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
    let json = serde_json::from_str(&std::fs::read_to_string(format!("{dir}/affairs.json")).unwrap()).unwrap();
    (rows, header, json)
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

#[test]
fn pooled_tobit_matches_aer() {
    let (rows, header, fx) = fixture();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let regs = ["age", "yearsmarried", "religiousness", "occupation", "rating"];
    let y: Vec<f64> = rows.iter().map(|r| r[col("affairs")]).collect();
    let x: Vec<f64> = rows.iter().flat_map(|r| regs.iter().map(|n| r[col(n)]).collect::<Vec<_>>()).collect();
    let names: Vec<String> = regs.iter().map(|s| s.to_string()).collect();
    for (key, upper) in [("left0", None), ("left0_right4", Some(4.0))] {
        let want = &fx["fits"][key];
        let units: Vec<i64> = (0..y.len() as i64).collect();
        let panel = Panel::new(&y, &x, &units, &names, true, Some(0.0), upper).unwrap();
        let f = fit(&panel, Options::default(), None, &mut || {}).unwrap();
        assert!(f.converged);
        let est = nums(&want["estimate"]);
        let se = nums(&want["std_error"]);
        let mut worst = (0.0f64, 0.0f64);
        for j in 0..f.beta.len() {
            let (e, s) = ((f.beta[j] - est[j]).abs() / est[j].abs(), (f.std_errors(false)[j] - se[j]).abs() / se[j]);
            worst = (worst.0.max(e), worst.1.max(s));
            assert!(e < 1e-8, "{key} {}: {} vs {}", f.names[j], f.beta[j], est[j]);
            assert!(s < 1e-8, "{key} {} se: {} vs {}", f.names[j], f.std_errors(false)[j], se[j]);
        }
        // Log(scale) is the last row of AER's table
        let k = f.beta.len();
        assert!((f.sigma_e.ln() - est[k]).abs() < 1e-6 * est[k].abs());
        assert!((f.se_sigma_e() / f.sigma_e - se[k]).abs() < 1e-4 * se[k]);
        let ll = want["log_likelihood"].as_f64().unwrap();
        assert!((f.log_likelihood - ll).abs() < 1e-12 * ll.abs(), "{} vs {ll}", f.log_likelihood);
        // our optimum is at least as high as survreg's (it stops on a looser criterion)
        assert!(f.log_likelihood >= ll - 1e-9);
        assert_eq!(
            (f.n_left, f.n_uncensored, f.n_right),
            (
                want["n_left"].as_u64().unwrap() as usize,
                want["n_uncensored"].as_u64().unwrap() as usize,
                want["n_right"].as_u64().unwrap() as usize
            )
        );
        println!(
            "{key}: worst relative difference to AER: coefficients {:.1e}, standard errors {:.1e}; logLik {} vs {ll}",
            worst.0, worst.1, f.log_likelihood
        );
    }
}
