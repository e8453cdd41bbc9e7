//! Samples per (measure, tool), printed as one markdown table per measure: min / median / max
//! and each other tool's median over kdoc's.

use super::support::percentile;

pub struct Measure {
    pub title: String,
    pub unit: &'static str,
    /// Decimals to print.
    pub digits: usize,
    /// (tool, samples or why there are none), in the order first seen.
    pub rows: Vec<(String, Result<Vec<f64>, String>)>,
    pub note: String,
}

#[derive(Default)]
pub struct Results {
    pub measures: Vec<Measure>,
}

impl Results {
    fn measure(&mut self, title: &str, unit: &'static str, digits: usize) -> &mut Measure {
        let i = match self.measures.iter().position(|m| m.title == title) {
            Some(i) => i,
            None => {
                self.measures.push(Measure {
                    title: title.into(),
                    unit,
                    digits,
                    rows: vec![],
                    note: String::new(),
                });
                self.measures.len() - 1
            }
        };
        &mut self.measures[i]
    }

    /// One sample; NaN (a timeout) counts as a missing run.
    pub fn add(&mut self, title: &str, unit: &'static str, digits: usize, tool: &str, v: f64) {
        let m = self.measure(title, unit, digits);
        match m.rows.iter_mut().find(|r| r.0 == tool) {
            Some((_, Ok(s))) => s.push(v),
            Some((_, Err(_))) => {}
            None => m.rows.push((tool.into(), Ok(vec![v]))),
        }
    }

    /// The tool has no figure for this measure, and why.
    pub fn na(&mut self, title: &str, unit: &'static str, tool: &str, why: &str) {
        let m = self.measure(title, unit, 0);
        if !m.rows.iter().any(|r| r.0 == tool) {
            m.rows.push((tool.into(), Err(why.into())));
        }
    }

    pub fn note(&mut self, title: &str, unit: &'static str, digits: usize, note: &str) {
        self.measure(title, unit, digits).note = note.into();
    }

    pub fn markdown(&self, header: &str) -> String {
        let mut out = format!("{header}\n");
        for m in &self.measures {
            out.push_str(&format!(
                "\n### {} ({})\n\n| tool | min | median | max | runs | vs kdoc (median) |\n|---|---|---|---|---|---|\n",
                m.title, m.unit
            ));
            let median = |s: &[f64]| -> Option<f64> {
                let mut v: Vec<f64> = s.iter().copied().filter(|x| x.is_finite()).collect();
                (!v.is_empty()).then(|| percentile(&mut v, 0.5))
            };
            let kdoc = m
                .rows
                .iter()
                .find(|r| r.0 == "kdoc")
                .and_then(|r| r.1.as_ref().ok())
                .and_then(|s| median(s));
            for (tool, r) in &m.rows {
                match r {
                    Err(why) => out.push_str(&format!("| {tool} | n/a | | | 0 | {why} |\n")),
                    Ok(s) => {
                        let mut v: Vec<f64> = s.iter().copied().filter(|x| x.is_finite()).collect();
                        if v.is_empty() {
                            out.push_str(&format!(
                                "| {tool} | timed out | | | 0/{} | |\n",
                                s.len()
                            ));
                            continue;
                        }
                        let d = m.digits;
                        let (lo, mid, hi) = (
                            percentile(&mut v, 0.0),
                            percentile(&mut v, 0.5),
                            percentile(&mut v, 1.0),
                        );
                        let ratio = match (tool.as_str(), kdoc) {
                            ("kdoc", _) | (_, None) => String::new(),
                            (_, Some(0.0)) if mid == 0.0 => format!("{tool}/kdoc = 1x"),
                            (_, Some(0.0)) => format!("{tool}/kdoc = inf (kdoc 0)"),
                            (_, Some(k)) => format!("{tool}/kdoc = {:.1}x", mid / k),
                        };
                        out.push_str(&format!(
                            "| {tool} | {lo:.d$} | {mid:.d$} | {hi:.d$} | {}/{} | {ratio} |\n",
                            v.len(),
                            s.len()
                        ));
                    }
                }
            }
            if !m.note.is_empty() {
                out.push_str(&format!("\n{}\n", m.note));
            }
        }
        out
    }
}
