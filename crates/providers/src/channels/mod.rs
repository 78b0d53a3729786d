//! Marketplaces whose paid orders the shop imports and to which it sends the waybills back
//! (docs/PROVIDERS.md §11): Naver SmartStore's 커머스API ([`smartstore`]) and Coupang's Wing
//! Open API ([`coupang`]).

pub mod coupang;
pub mod smartstore;
mod smartstore_stock;

use chrono::{DateTime, Utc};
use futures::FutureExt;
use futures::future::BoxFuture;
use jangteo_core::channels::{ChannelOrder, Marketplace};

/// Why a channel call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    /// Unreachable, rate-limited or failing on its side: try again later.
    #[error("channel unavailable: {0}")]
    Unavailable(String),
    /// The channel refused the request (credentials, a bad waybill, …).
    #[error("channel refused: {code} {message}")]
    Refused {
        /// The channel's error code.
        code: String,
        /// Its message.
        message: String,
    },
}

impl ChannelError {
    /// Whether trying again later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, ChannelError::Unavailable(_))
    }
}

/// Paid orders found in a window of time, and where the next look starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidOrders {
    /// The orders, each with every paid line.
    pub orders: Vec<ChannelOrder>,
    /// The end of the window looked at: the next look starts there.
    pub looked_until: DateTime<Utc>,
}

/// A waybill to send back to the channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispatch {
    /// The channel's id of the order.
    pub order_id: String,
    /// The channel's ids of the lines shipped.
    pub line_ids: Vec<String>,
    /// The channel's carrier code (`CJGLS`, …).
    pub carrier_code: String,
    /// The waybill.
    pub waybill: String,
    /// When the parcel left.
    pub dispatched_at: DateTime<Utc>,
}

/// A marketplace's JSON answer, or the error it carries (`{code, message}`, the code a string
/// or a number): throttling (429) and the marketplace's own failures (5xx) may pass, anything
/// else is a refusal.
async fn read_answer(response: reqwest::Response) -> Result<serde_json::Value, ChannelError> {
    let status = response.status();
    let body: serde_json::Value = response
        .json()
        .await
        .map_err(|e| ChannelError::Unavailable(format!("HTTP {status}, unreadable: {e}")))?;
    if status.is_success() {
        return Ok(body);
    }
    let message = body["message"].as_str().unwrap_or_default().to_owned();
    if status.as_u16() == 429 || status.is_server_error() {
        return Err(ChannelError::Unavailable(format!(
            "HTTP {status} {message}"
        )));
    }
    let code = match &body["code"] {
        serde_json::Value::String(code) => code.clone(),
        serde_json::Value::Number(code) => code.to_string(),
        _ => status.as_str().to_owned(),
    };
    Err(ChannelError::Refused { code, message })
}

/// Where one look at a channel's orders ends: now, or a day after it starts (the longest
/// window either marketplace takes); the next look starts there.
pub fn window_end(since: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    now.min(since + chrono::Duration::hours(24))
}

/// A marketplace.
pub trait SalesChannel: Send + Sync {
    /// Which one.
    fn marketplace(&self) -> Marketplace;

    /// Orders paid (or changed to paid) from `since` on, up to now or the channel's longest
    /// window.
    fn paid_orders(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> BoxFuture<'_, Result<PaidOrders, ChannelError>>;

    /// Tells the channel the shop took these orders (발주확인), so the buyer can no longer
    /// change the address or cancel without asking.
    fn acknowledge<'a>(
        &'a self,
        orders: &'a [&'a ChannelOrder],
    ) -> BoxFuture<'a, Result<(), ChannelError>>;

    /// Sends a waybill back: the lines are shipped (발송처리).
    fn dispatch<'a>(&'a self, dispatch: &'a Dispatch) -> BoxFuture<'a, Result<(), ChannelError>>;

    /// Sets a listing's stock at the marketplace.
    fn push_stock<'a>(
        &'a self,
        _listing: &'a str,
        _stock: i64,
    ) -> BoxFuture<'a, Result<(), ChannelError>> {
        async {
            Err(ChannelError::Refused {
                code: "UNSUPPORTED".into(),
                message: "stock cannot be sent to this channel".into(),
            })
        }
        .boxed()
    }
}
