//! GeoDa's text formats for weights, so weights move between regecon, GeoDa
//! and PySAL.
//!
//! GAL (contiguity, binary): a header line, either `n` or GeoDa's
//! `0 n layer id_variable`; then for each unit a line `id k` followed by a line
//! with its k neighbour ids. GWT (weighted): the same header, then one line
//! `src dst weight` per link. Ids must be integers here (regecon's unit ids are
//! bigint).

use crate::error::{Error, Result};

fn header(line: Option<&str>) -> Result<usize> {
    let line = line.ok_or_else(|| Error::invalid("weights file is empty"))?;
    let f: Vec<&str> = line.split_whitespace().collect();
    let n = match f.as_slice() {
        [n] => n,
        [_, n, ..] => n,
        [] => return Err(Error::invalid("weights file header is empty")),
    };
    n.parse()
        .map_err(|_| Error::invalid(format!("weights file header '{line}' does not give the number of units")))
}

fn int(tok: &str, line_no: usize) -> Result<i64> {
    tok.parse().map_err(|_| {
        Error::invalid(format!("line {line_no}: '{tok}' is not an integer unit id"))
    })
}

/// Parses GAL text into binary links (src, dst, 1.0). Units listed with no
/// neighbours are returned in the second vector (islands).
pub fn parse_gal(text: &str) -> Result<(Vec<(i64, i64, f64)>, Vec<i64>)> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let n = header(lines.next().map(|(_, l)| l))?;
    let mut links = Vec::new();
    let mut units = Vec::with_capacity(n);
    while let Some((no, l)) = lines.next() {
        let f: Vec<&str> = l.split_whitespace().collect();
        if f.len() != 2 {
            return Err(Error::invalid(format!("line {}: expected 'id k', got '{l}'", no + 1)));
        }
        let id = int(f[0], no + 1)?;
        let k: usize = f[1]
            .parse()
            .map_err(|_| Error::invalid(format!("line {}: '{}' is not a neighbour count", no + 1, f[1])))?;
        units.push(id);
        if k == 0 {
            continue;
        }
        let (no2, l2) = lines
            .next()
            .ok_or_else(|| Error::invalid(format!("line {}: unit {id} lists {k} neighbours but the file ends", no + 1)))?;
        let nb: Vec<&str> = l2.split_whitespace().collect();
        if nb.len() != k {
            return Err(Error::invalid(format!(
                "line {}: unit {id} should list {k} neighbours, found {}",
                no2 + 1,
                nb.len()
            )));
        }
        for t in nb {
            links.push((id, int(t, no2 + 1)?, 1.0));
        }
    }
    if units.len() != n {
        return Err(Error::invalid(format!("header says {n} units, the file lists {}", units.len())));
    }
    let with_links: std::collections::HashSet<i64> = links.iter().map(|l| l.0).collect();
    let islands = units.into_iter().filter(|u| !with_links.contains(u)).collect();
    Ok((links, islands))
}

/// Parses GWT text into weighted links.
pub fn parse_gwt(text: &str) -> Result<Vec<(i64, i64, f64)>> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    header(lines.next().map(|(_, l)| l))?;
    let mut links = Vec::new();
    for (no, l) in lines {
        let f: Vec<&str> = l.split_whitespace().collect();
        if f.len() != 3 {
            return Err(Error::invalid(format!("line {}: expected 'src dst weight', got '{l}'", no + 1)));
        }
        let w: f64 = f[2]
            .parse()
            .map_err(|_| Error::invalid(format!("line {}: '{}' is not a weight", no + 1, f[2])))?;
        links.push((int(f[0], no + 1)?, int(f[1], no + 1)?, w));
    }
    Ok(links)
}

/// Writes GAL for `ids` (every unit gets a block, islands with k = 0).
pub fn write_gal(ids: &[i64], links: &[(i64, i64, f64)]) -> String {
    let mut nb: std::collections::BTreeMap<i64, Vec<i64>> = ids.iter().map(|&i| (i, Vec::new())).collect();
    for &(s, d, _) in links {
        nb.entry(s).or_default().push(d);
    }
    let mut out = format!("{}\n", nb.len());
    for (id, list) in &nb {
        out.push_str(&format!("{id} {}\n", list.len()));
        if !list.is_empty() {
            let s: Vec<String> = list.iter().map(|x| x.to_string()).collect();
            out.push_str(&s.join(" "));
            out.push('\n');
        }
    }
    out
}

/// Writes GWT with GeoDa's header (`0 n layer id_variable`).
pub fn write_gwt(n: usize, links: &[(i64, i64, f64)], layer: &str, id_variable: &str) -> String {
    let mut out = format!("0 {n} {layer} {id_variable}\n");
    for &(s, d, w) in links {
        out.push_str(&format!("{s} {d} {w}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let gal = "3\n1 2\n2 3\n2 1\n1\n3 0\n";
        let (links, islands) = parse_gal(gal).unwrap();
        assert_eq!(links, vec![(1, 2, 1.0), (1, 3, 1.0), (2, 1, 1.0)]);
        assert_eq!(islands, vec![3]);
        let back = write_gal(&[1, 2, 3], &links);
        assert_eq!(parse_gal(&back).unwrap(), (links.clone(), vec![3]));
        let gwt = write_gwt(3, &[(1, 2, 0.5), (2, 1, 0.25)], "layer", "id");
        assert_eq!(parse_gwt(&gwt).unwrap(), vec![(1, 2, 0.5), (2, 1, 0.25)]);
        // GeoDa header form
        assert_eq!(parse_gal("0 2 shp POLY_ID\n1 1\n2\n2 1\n1\n").unwrap().0.len(), 2);
    }

    #[test]
    fn malformed() {
        assert!(parse_gal("").is_err());
        assert!(parse_gal("2\n1 1\n2\n").unwrap_err().message.contains("header says 2"));
        assert!(parse_gal("1\n1 2\n2\n").unwrap_err().message.contains("should list 2"));
        assert!(parse_gal("1\n1 1\n").unwrap_err().message.contains("file ends"));
        assert!(parse_gal("1\nx 1\n2\n").unwrap_err().message.contains("not an integer"));
        assert!(parse_gwt("1\n1 2\n").unwrap_err().message.contains("expected"));
    }
}
