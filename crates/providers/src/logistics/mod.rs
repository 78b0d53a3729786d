//! Parcel tracking behind one trait (docs/PROVIDERS.md §5): tracker.delivery's API
//! ([`tracker_delivery`]), and the built-in `test` tracker whose parcels are delivered when told
//! so (demo and tests).

pub mod tracker_delivery;

use futures::FutureExt;
use futures::future::BoxFuture;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// Where a parcel is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParcelStatus {
    /// Accepted or moving.
    InTransit,
    /// Handed to the recipient.
    Delivered,
    /// The carrier does not know the waybill (yet).
    Unknown,
}

/// A tracking error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("tracking unavailable: {0}")]
pub struct TrackingError(pub String);

/// Reports where parcels are.
pub trait Tracker: Send + Sync {
    /// The status of a waybill at a carrier (`cj`, `hanjin`, …).
    fn status<'a>(
        &'a self,
        carrier: &'a str,
        waybill: &'a str,
    ) -> BoxFuture<'a, Result<ParcelStatus, TrackingError>>;
}

/// The `test` tracker: every parcel is in transit until [`TestTracker::deliver`] is called.
#[derive(Debug, Clone, Default)]
pub struct TestTracker {
    delivered: Arc<Mutex<HashSet<String>>>,
}

impl TestTracker {
    /// Marks a waybill delivered (as a carrier's scan would).
    pub fn deliver(&self, carrier: &str, waybill: &str) {
        if let Ok(mut set) = self.delivered.lock() {
            set.insert(format!("{carrier}:{waybill}"));
        }
    }
}

impl Tracker for TestTracker {
    fn status<'a>(
        &'a self,
        carrier: &'a str,
        waybill: &'a str,
    ) -> BoxFuture<'a, Result<ParcelStatus, TrackingError>> {
        async move {
            let delivered = self
                .delivered
                .lock()
                .map_err(|e| TrackingError(e.to_string()))?
                .contains(&format!("{carrier}:{waybill}"));
            Ok(if delivered {
                ParcelStatus::Delivered
            } else {
                ParcelStatus::InTransit
            })
        }
        .boxed()
    }
}
