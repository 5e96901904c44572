//! The server's counters, rendered in the Prometheus text format for
//! `GET /metrics`. Counters only ever grow; nothing in them names a key or a
//! secret, only outcomes, statuses and durations.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::verify::Outcome;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
];

#[derive(Default)]
pub struct Metrics {
    outcomes: [AtomicU64; Outcome::ALL.len()],
    buckets: [AtomicU64; BUCKETS.len()],
    duration_count: AtomicU64,
    duration_sum_nanos: AtomicU64,
    unavailable: AtomicU64,
    bad_requests: AtomicU64,
    batches: AtomicU64,
    batched: AtomicU64,
    connections: AtomicU64,
}

impl Metrics {
    /// A verification answered with `outcome` after `took`.
    pub fn verified(&self, outcome: Outcome, took: Duration) {
        if let Some(i) = Outcome::ALL.iter().position(|o| *o == outcome) {
            self.outcomes[i].fetch_add(1, Ordering::Relaxed);
        }
        let secs = took.as_secs_f64();
        // Buckets are stored per bucket and summed when rendered.
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        self.duration_count.fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        self.duration_sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// A verification the store could not answer (`503`).
    pub fn unavailable(&self) {
        self.unavailable.fetch_add(1, Ordering::Relaxed);
    }

    /// A request refused with `400`, `413` or `408`.
    pub fn bad_request(&self) {
        self.bad_requests.fetch_add(1, Ordering::Relaxed);
    }

    /// A group of `n` verifications committed in one transaction.
    pub fn batch(&self, n: usize) {
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.batched
            .fetch_add(u64::try_from(n).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// A connection accepted.
    pub fn connection(&self) {
        self.connections.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition of every counter.
    #[must_use]
    pub fn render(&self) -> String {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let mut s = String::new();
        s.push_str("# HELP keyctl_verifications_total Verifications answered, by outcome.\n");
        s.push_str("# TYPE keyctl_verifications_total counter\n");
        for (o, n) in Outcome::ALL.iter().zip(&self.outcomes) {
            let _ = writeln!(
                s,
                "keyctl_verifications_total{{outcome=\"{}\"}} {}",
                o.code(),
                get(n)
            );
        }
        s.push_str("# HELP keyctl_verify_duration_seconds Time from a request to its answer.\n");
        s.push_str("# TYPE keyctl_verify_duration_seconds histogram\n");
        let mut cumulative = 0;
        for (b, n) in BUCKETS.iter().zip(&self.buckets) {
            cumulative += get(n);
            let _ = writeln!(
                s,
                "keyctl_verify_duration_seconds_bucket{{le=\"{b}\"}} {cumulative}"
            );
        }
        let count = get(&self.duration_count);
        let _ = writeln!(
            s,
            "keyctl_verify_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        #[allow(clippy::cast_precision_loss)]
        let sum = get(&self.duration_sum_nanos) as f64 / 1e9;
        let _ = writeln!(s, "keyctl_verify_duration_seconds_sum {sum}");
        let _ = writeln!(s, "keyctl_verify_duration_seconds_count {count}");
        for (name, help, value) in [
            (
                "keyctl_store_unavailable_total",
                "Verifications answered 503 because the store could not answer.",
                get(&self.unavailable),
            ),
            (
                "keyctl_bad_requests_total",
                "Requests refused as malformed, too large or too slow.",
                get(&self.bad_requests),
            ),
            (
                "keyctl_connections_total",
                "Connections accepted (a gateway that keeps its connections alive opens few).",
                get(&self.connections),
            ),
            (
                "keyctl_write_batches_total",
                "Write transactions that recorded verifications.",
                get(&self.batches),
            ),
            (
                "keyctl_write_batched_verifications_total",
                "Verifications recorded by those transactions.",
                get(&self.batched),
            ),
        ] {
            let _ = writeln!(
                s,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_is_cumulative_and_counts_every_outcome() {
        let m = Metrics::default();
        m.verified(Outcome::Valid, Duration::from_micros(300));
        m.verified(Outcome::Valid, Duration::from_secs(3));
        m.verified(Outcome::RateLimited, Duration::from_micros(100));
        let text = m.render();
        assert!(text.contains("keyctl_verifications_total{outcome=\"VALID\"} 2\n"));
        assert!(text.contains("keyctl_verifications_total{outcome=\"RATE_LIMITED\"} 1\n"));
        assert!(text.contains("keyctl_verifications_total{outcome=\"NOT_FOUND\"} 0\n"));
        assert!(text.contains("keyctl_verify_duration_seconds_bucket{le=\"0.00025\"} 1\n"));
        assert!(text.contains("keyctl_verify_duration_seconds_bucket{le=\"0.0005\"} 2\n"));
        assert!(text.contains("keyctl_verify_duration_seconds_bucket{le=\"1\"} 2\n"));
        assert!(text.contains("keyctl_verify_duration_seconds_bucket{le=\"+Inf\"} 3\n"));
        assert!(text.contains("keyctl_verify_duration_seconds_count 3\n"));
    }
}
