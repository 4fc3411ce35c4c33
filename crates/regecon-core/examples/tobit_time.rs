//! Times the Tobit fits in plain Rust (no Postgres): the floor under the SQL
//! aggregate's cost. `cargo run --release --example tobit_time -- ROWS UNITS`
use regecon_core::rng::Rng;
use regecon_core::tobit::newton::Options;
use regecon_core::tobit::panel::Panel;
use regecon_core::tobit::random::Quadrature;
use regecon_core::tobit::{pooled, random, Model, Rows, Spec};
use std::time::Instant;

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).map(|a| a.parse().unwrap()).collect();
    let (n, units) = (args.first().copied().unwrap_or(1_000_000), args.get(1).copied().unwrap_or(10_000));
    let mut r = Rng::new(1);
    let mut normal = move || {
        let a = (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let b = (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        (-2.0 * (1.0 - a).ln()).sqrt() * (2.0 * std::f64::consts::PI * b).cos()
    };
    let beta = [0.3, 0.5, -0.4, 0.3, -0.2, 0.1, 0.05, -0.05, 0.0];
    let u: Vec<f64> = (0..units).map(|_| 0.6 * normal()).collect();
    let (mut y, mut x, mut id) = (Vec::with_capacity(n), Vec::with_capacity(8 * n), Vec::with_capacity(n));
    for i in 0..n {
        let g = i % units;
        let xs: Vec<f64> = (0..8).map(|_| normal()).collect();
        let ys = beta[0] + xs.iter().zip(&beta[1..]).map(|(a, b)| a * b).sum::<f64>() + u[g] + 0.8 * normal();
        y.push(ys.max(0.0));
        x.extend(xs);
        id.push(g as i64);
    }
    let names: Vec<String> = (1..=8).map(|j| format!("x{j}")).collect();
    let t = Instant::now();
    let panel = Panel::new(&y, &x, &id, &names, true, Some(0.0), None).unwrap();
    println!("panel: {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    // the aggregate's rows (in the order of the rows above: by period, then
    // unit) to the panel in canonical order: through a sorted copy, or in
    // place through an index as panel_tobit's final function does
    let spec = Spec {
        lower: Some(0.0),
        upper: None,
        model: Model::RandomEffects,
        names: names.clone(),
        quadrature: None,
        points: None,
    };
    let mut rows = Rows::default();
    for i in 0..n {
        rows.add(y[i], &x[i * 8..(i + 1) * 8], id[i], &spec).unwrap();
    }
    let t = Instant::now();
    let c = rows.canonical().unwrap();
    let copied = Panel::new(&c.y, &c.x, &c.unit, &names, true, Some(0.0), None).unwrap();
    println!("canonical panel through a copy: {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    drop(c);
    let t = Instant::now();
    let (unit, order) = rows.canonical_order().unwrap();
    let in_place = Panel::new_in_order(&rows.y, &rows.x, &unit, order, &names, true, Some(0.0), None).unwrap();
    println!("canonical panel in place: {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    assert!(in_place.y == copied.y && in_place.x == copied.x);
    drop((copied, in_place, rows));
    let t = Instant::now();
    let f = pooled::fit(&panel, Options::default(), None, &mut || {}).unwrap();
    println!("pooled: {:.0} ms, {} iterations, ll {}", t.elapsed().as_secs_f64() * 1e3, f.iterations, f.log_likelihood);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let t = Instant::now();
        let f = random::fit(&panel, Quadrature::Adaptive, 12, Options::default(), Some(&pool), &mut || {}).unwrap();
        println!(
            "re ({threads} threads): {:.0} ms, {} iterations, ll {}, sigma_u {}",
            t.elapsed().as_secs_f64() * 1e3,
            f.iterations,
            f.log_likelihood,
            f.sigma_u.unwrap()
        );
    }
}
