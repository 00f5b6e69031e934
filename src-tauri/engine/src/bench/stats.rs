//! Percentiles and means, pure. Percentiles interpolate linearly between the closest ranks
//! (Hyndman & Fan's R-7, numpy's default): rank h = (n - 1)·p, between floor(h) and ceil(h).
//! Values that are not finite (NaN, ±inf) are ignored: a missing measurement is not a sample.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Percentiles {
    /// How many values.
    pub n: u32,
    pub min: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
}

impl Percentiles {
    /// The figures of `values` (any order; non-finite ones ignored), or None when none is left.
    pub fn of(values: &[f64]) -> Option<Percentiles> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        let at = |p| percentile_sorted(&sorted, p);
        Some(Percentiles {
            n: u32::try_from(sorted.len()).unwrap_or(u32::MAX),
            min: *sorted.first()?,
            p50: at(0.50)?,
            p95: at(0.95)?,
            p99: at(0.99)?,
            max: *sorted.last()?,
            mean: mean(&sorted)?,
        })
    }
}

/// The `p`-quantile (0..=1) of `values` (any order, non-finite ones ignored).
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    percentile_sorted(&sorted, p)
}

/// R-7 on finite values sorted ascending. None when empty or `p` is outside 0..=1.
fn percentile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    let (a, b) = (sorted[lo], sorted[hi]);
    Some(a + (h - lo as f64) * (b - a))
}

/// The arithmetic mean of the finite values, or None when there are none.
pub fn mean(values: &[f64]) -> Option<f64> {
    let finite = values.iter().filter(|v| v.is_finite());
    let n = finite.clone().count();
    (n > 0).then(|| finite.sum::<f64>() / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn one_to_ten_by_hand() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        let p = Percentiles::of(&v).unwrap();
        // h = 9·0.5 = 4.5 -> 5 + 0.5·(6-5); 9·0.95 = 8.55 -> 9 + 0.55; 9·0.99 = 8.91 -> 9 + 0.91.
        assert_eq!(p.n, 10);
        assert!(close(p.p50, 5.5), "{}", p.p50);
        assert!(close(p.p95, 9.55), "{}", p.p95);
        assert!(close(p.p99, 9.91), "{}", p.p99);
        assert_eq!((p.min, p.max), (1.0, 10.0));
        assert!(close(p.mean, 5.5));
        assert_eq!(percentile(&v, 0.0), Some(1.0));
        assert_eq!(percentile(&v, 1.0), Some(10.0));
        assert!(close(percentile(&v, 0.25).unwrap(), 3.25)); // h = 2.25 -> 3 + 0.25
    }

    #[test]
    fn one_value_is_every_percentile() {
        let p = Percentiles::of(&[42.0]).unwrap();
        assert_eq!(
            (p.n, p.min, p.p50, p.p95, p.p99, p.max, p.mean),
            (1, 42.0, 42.0, 42.0, 42.0, 42.0, 42.0)
        );
    }

    #[test]
    fn two_values_interpolate() {
        let p = Percentiles::of(&[10.0, 20.0]).unwrap();
        // h = p: 10 + p·10.
        assert!(close(p.p50, 15.0));
        assert!(close(p.p95, 19.5));
        assert!(close(p.p99, 19.9));
        assert!(close(p.mean, 15.0));
    }

    #[test]
    fn order_does_not_matter_and_non_finite_values_are_ignored() {
        let shuffled = [7.0, 1.0, 10.0, 3.0, 5.0, 2.0, 9.0, 4.0, 8.0, 6.0];
        let sorted: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(Percentiles::of(&shuffled), Percentiles::of(&sorted));
        let with_nan = [f64::NAN, 3.0, f64::INFINITY, 1.0, 2.0, f64::NEG_INFINITY];
        let p = Percentiles::of(&with_nan).unwrap();
        assert_eq!((p.n, p.min, p.p50, p.max, p.mean), (3, 1.0, 2.0, 3.0, 2.0));
        assert_eq!(mean(&[f64::NAN, 4.0]), Some(4.0));
    }

    #[test]
    fn nothing_to_measure_gives_none() {
        assert_eq!(Percentiles::of(&[]), None);
        assert_eq!(Percentiles::of(&[f64::NAN]), None);
        assert_eq!(mean(&[]), None);
        assert_eq!(percentile(&[1.0], 1.5), None);
        assert_eq!(percentile(&[1.0], f64::NAN), None);
    }
}
