//! Where in the song each output frame comes from: a piecewise-linear map through
//! points (song frame, output frame), one per beat, so that beat `j` of the song sounds
//! exactly on the output frame of its step. Between beats the stretch ratio is constant;
//! it changes from beat to beat when the step rate glides.

/// Points `(song frame, output frame)`, both rising.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeMap {
    points: Vec<(f64, f64)>,
}

impl TimeMap {
    /// A map through `points` (song frame, output frame). Points that do not rise in
    /// both are dropped; with fewer than two left the map is the identity shifted to
    /// the first point.
    pub fn new(points: Vec<(f64, f64)>) -> Self {
        let mut kept: Vec<(f64, f64)> = Vec::with_capacity(points.len());
        for point in points {
            if !(point.0.is_finite() && point.1.is_finite()) {
                continue;
            }
            if kept
                .last()
                .is_none_or(|last| point.0 > last.0 && point.1 > last.1)
            {
                kept.push(point);
            }
        }
        if kept.len() == 1 {
            let (song, out) = kept[0];
            kept.push((song + 1.0, out + 1.0));
        }
        if kept.is_empty() {
            kept = vec![(0.0, 0.0), (1.0, 1.0)];
        }
        Self { points: kept }
    }

    /// The song frame heard at output frame `out` (extrapolated past the ends at the
    /// nearest interval's ratio).
    pub fn source_frame(&self, out: f64) -> f64 {
        let index = self
            .points
            .partition_point(|point| point.1 <= out)
            .clamp(1, self.points.len() - 1);
        let (s0, o0) = self.points[index - 1];
        let (s1, o1) = self.points[index];
        s0 + (out - o0) * (s1 - s0) / (o1 - o0)
    }

    /// The output frame where song frame `song` sounds.
    pub fn output_frame(&self, song: f64) -> f64 {
        let index = self
            .points
            .partition_point(|point| point.0 <= song)
            .clamp(1, self.points.len() - 1);
        let (s0, o0) = self.points[index - 1];
        let (s1, o1) = self.points[index];
        o0 + (song - s0) * (o1 - o0) / (s1 - s0)
    }

    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_goes_through_its_points_and_inverts() {
        let map = TimeMap::new(vec![(100.0, 0.0), (200.0, 110.0), (300.0, 200.0)]);
        assert_eq!(map.source_frame(110.0), 200.0);
        assert_eq!(map.source_frame(55.0), 150.0);
        // Past the ends: the nearest interval's ratio.
        assert!((map.source_frame(-11.0) - 90.0).abs() < 1e-9);
        assert!((map.source_frame(290.0) - 400.0).abs() < 1e-9);
        for out in [-50.0, 0.0, 37.5, 150.0, 400.0] {
            assert!((map.output_frame(map.source_frame(out)) - out).abs() < 1e-9);
        }
    }

    #[test]
    fn points_that_go_back_are_dropped() {
        let map = TimeMap::new(vec![(0.0, 0.0), (10.0, 5.0), (9.0, 20.0), (f64::NAN, 1.0)]);
        assert_eq!(map.points(), &[(0.0, 0.0), (10.0, 5.0)]);
    }
}
