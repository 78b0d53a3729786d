//! A fake's answer held back on purpose (a slow gateway: timeouts, the 300 ms benchmark).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How long a fake waits before one kind of answer; none until set.
#[derive(Debug, Default)]
pub(crate) struct Delay(AtomicU64);

impl Delay {
    /// Every later answer waits `delay`.
    pub(crate) fn set(&self, delay: Duration) {
        let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.0.store(ms, Ordering::SeqCst);
    }

    /// Waits as long as set (not at all when unset).
    pub(crate) async fn wait(&self) {
        let ms = self.0.load(Ordering::SeqCst);
        if ms > 0 {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
    }
}
