//! tracker.delivery (PROVIDERS.md §5.2): `POST {api}/graphql` with
//! `Authorization: TRACKQL-API-KEY {clientId}:{clientSecret}` and the `track` query; the last
//! event's status code `DELIVERED` means delivered. The shop's carrier codes map to its carrier
//! ids (`cj` → `kr.cjlogistics`, …).

use super::{ParcelStatus, Tracker, TrackingError};
use futures::FutureExt;
use futures::future::BoxFuture;
use serde::Deserialize;

const TRACK: &str = "query Track($carrierId: ID!, $trackingNumber: String!) { track(carrierId: $carrierId, trackingNumber: $trackingNumber) { lastEvent { time status { code name } description } } }";

/// Settings.
#[derive(Clone)]
pub struct TrackerDeliveryConfig {
    /// `https://apis.tracker.delivery/graphql` (a fake's address in tests).
    pub api_url: String,
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
}

impl std::fmt::Debug for TrackerDeliveryConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrackerDeliveryConfig")
            .field("api_url", &self.api_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .finish()
    }
}

/// The adapter.
#[derive(Debug, Clone)]
pub struct TrackerDelivery {
    http: reqwest::Client,
    config: TrackerDeliveryConfig,
}

/// tracker.delivery's id of a carrier the shop knows.
pub fn carrier_id(code: &str) -> Option<&'static str> {
    Some(match code {
        "cj" => "kr.cjlogistics",
        "hanjin" => "kr.hanjin",
        "lotte" => "kr.lotte",
        "epost" => "kr.epost",
        "logen" => "kr.logen",
        "kdexp" => "kr.kdexp",
        _ => return None,
    })
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    data: Option<Data>,
    #[serde(default)]
    errors: Vec<GraphError>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(default)]
    track: Option<Track>,
}

#[derive(Deserialize)]
struct Track {
    #[serde(rename = "lastEvent", default)]
    last_event: Option<Event>,
}

#[derive(Deserialize)]
struct Event {
    status: Status,
}

#[derive(Deserialize)]
struct Status {
    code: String,
}

#[derive(Deserialize)]
struct GraphError {
    #[serde(default)]
    message: String,
    #[serde(default)]
    extensions: Option<serde_json::Value>,
}

impl TrackerDelivery {
    /// An adapter.
    pub fn new(http: reqwest::Client, config: TrackerDeliveryConfig) -> Self {
        Self { http, config }
    }

    async fn track(&self, carrier: &str, waybill: &str) -> Result<ParcelStatus, TrackingError> {
        let Some(carrier_id) = carrier_id(carrier) else {
            return Ok(ParcelStatus::Unknown);
        };
        let c = &self.config;
        let body = serde_json::json!({
            "query": TRACK,
            "variables": {"carrierId": carrier_id, "trackingNumber": waybill},
        });
        let response = self
            .http
            .post(&c.api_url)
            .header(
                reqwest::header::AUTHORIZATION,
                format!("TRACKQL-API-KEY {}:{}", c.client_id, c.client_secret),
            )
            .json(&body)
            .send()
            .await
            .map_err(|e| TrackingError(e.to_string()))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| TrackingError(e.to_string()))?;
        if !status.is_success() {
            return Err(TrackingError(format!("HTTP {status}")));
        }
        let answer: Answer =
            serde_json::from_str(&text).map_err(|e| TrackingError(format!("unreadable: {e}")))?;
        if let Some(error) = answer.errors.first() {
            let code = error
                .extensions
                .as_ref()
                .and_then(|e| e["code"].as_str())
                .unwrap_or_default();
            // A waybill the carrier has not scanned yet is no failure.
            if code == "NOT_FOUND" {
                return Ok(ParcelStatus::Unknown);
            }
            return Err(TrackingError(format!("{code} {}", error.message)));
        }
        let code = answer
            .data
            .and_then(|d| d.track)
            .and_then(|t| t.last_event)
            .map(|e| e.status.code);
        Ok(match code.as_deref() {
            Some("DELIVERED") => ParcelStatus::Delivered,
            Some("UNKNOWN") | None => ParcelStatus::Unknown,
            Some(_) => ParcelStatus::InTransit,
        })
    }
}

impl Tracker for TrackerDelivery {
    fn status<'a>(
        &'a self,
        carrier: &'a str,
        waybill: &'a str,
    ) -> BoxFuture<'a, Result<ParcelStatus, TrackingError>> {
        self.track(carrier, waybill).boxed()
    }
}
