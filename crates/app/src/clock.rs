//! Where the shop reads the time. A shop runs on the system clock; tests move a clock forward to
//! travel in time (a delivery ten days ago, a deadline passed) instead of rewriting rows. Every
//! shop rule, deadline and recorded time reads [`App::now`](crate::App::now); infrastructure that
//! keeps its own times (session expiry set by tower-sessions, job leases) reads the system clock.

use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// The system clock, moved forward by what tests travelled (nothing in a shop).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    ahead_ms: Arc<AtomicI64>,
}

impl Clock {
    /// The time now.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.ahead_ms.load(Ordering::Relaxed))
    }

    /// Moves this clock, and every copy of the app sharing it, forward by `by`.
    pub fn travel(&self, by: Duration) {
        self.ahead_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }
}
