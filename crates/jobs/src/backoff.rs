//! Retry delays.

use std::time::Duration;

/// First retry delay.
const BASE: Duration = Duration::from_secs(10);
/// Longest delay.
const CAP: Duration = Duration::from_secs(3_600);

/// The delay before retrying after failed attempt number `attempt` (1-based): 10 s, 20 s, 40 s, …
/// capped at an hour, scaled by a jitter factor from `jitter` ∈ [0, 1) to 80–120 % so that jobs
/// failing together do not retry together.
pub fn backoff(attempt: i64, jitter: f64) -> Duration {
    let exponent = u32::try_from(attempt.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    let raw = BASE.saturating_mul(2u32.saturating_pow(exponent)).min(CAP);
    raw.mul_f64(0.8 + 0.4 * jitter.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_exponentially_with_bounded_jitter() {
        assert_eq!(backoff(1, 0.5), Duration::from_secs(10));
        assert_eq!(backoff(2, 0.5), Duration::from_secs(20));
        assert_eq!(backoff(4, 0.5), Duration::from_secs(80));
        assert_eq!(backoff(40, 0.5), Duration::from_secs(3_600));
        assert_eq!(backoff(1, 0.0), Duration::from_secs(8));
        assert!(backoff(1, 0.999) < Duration::from_secs(12));
        assert_eq!(backoff(0, 0.5), Duration::from_secs(10));
    }
}
