//! Naver SmartStore 커머스API (docs/PROVIDERS.md §11.1): a client-credentials token signed with
//! bcrypt (the client secret is the salt), paid orders found through the last-changed-statuses
//! list and read in full through the query call, 발주확인 and 발송처리.

use super::{ChannelError, Dispatch, PaidOrders, SalesChannel};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use futures::FutureExt;
use futures::future::BoxFuture;
use jangteo_core::Won;
use jangteo_core::channels::{ChannelLine, ChannelOrder, Marketplace};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Mutex;

/// Settings.
#[derive(Clone)]
pub struct SmartStoreConfig {
    /// `https://api.commerce.naver.com/external` (a fake's address in tests).
    pub api_base: String,
    /// 애플리케이션 ID.
    pub client_id: String,
    /// 애플리케이션 시크릿: a bcrypt salt (`$2a$04$…`).
    pub client_secret: String,
}

impl std::fmt::Debug for SmartStoreConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmartStoreConfig")
            .field("api_base", &self.api_base)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .finish()
    }
}

/// Ids per query, confirm or dispatch call.
const QUERY_BATCH: usize = 300;
const WRITE_BATCH: usize = 30;

/// `client_secret_sign`: base64 of bcrypt(`{client_id}_{timestamp}`) with the client secret as
/// salt (its cost and 22-character salt).
pub fn client_secret_sign(
    client_id: &str,
    client_secret: &str,
    timestamp_ms: i64,
) -> Option<String> {
    let mut parts = client_secret.trim().split('$');
    let (Some(""), Some(_version), Some(cost), Some(salt)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let cost: u32 = cost.parse().ok()?;
    let bcrypt_base64 = base64::engine::GeneralPurpose::new(
        &base64::alphabet::BCRYPT,
        base64::engine::general_purpose::NO_PAD.with_decode_allow_trailing_bits(true),
    );
    let salt: [u8; 16] = bcrypt_base64
        .decode(salt.get(..22)?)
        .ok()?
        .try_into()
        .ok()?;
    let hashed = bcrypt::hash_with_salt(format!("{client_id}_{timestamp_ms}"), cost, salt).ok()?;
    let formatted = hashed.format_for_version(bcrypt::Version::TwoA);
    Some(base64::engine::general_purpose::STANDARD.encode(formatted))
}

/// The time format of the change list: `2022-04-11T15:21:44.000+09:00`.
fn kst(at: DateTime<Utc>) -> String {
    jangteo_core::time::format_kst_as(at, "%Y-%m-%dT%H:%M:%S%.3f%:z")
}

/// The adapter.
pub struct SmartStore {
    http: reqwest::Client,
    config: SmartStoreConfig,
    token: Mutex<Option<(String, DateTime<Utc>)>>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: i64,
}

impl SmartStore {
    /// An adapter.
    pub fn new(http: reqwest::Client, config: SmartStoreConfig) -> Self {
        Self {
            http,
            config,
            token: Mutex::new(None),
        }
    }

    /// A token, reused until 5 minutes before it expires.
    async fn token(&self) -> Result<String, ChannelError> {
        let now = Utc::now();
        if let Ok(cached) = self.token.lock()
            && let Some((token, until)) = cached.as_ref()
            && *until > now + Duration::minutes(5)
        {
            return Ok(token.clone());
        }
        let c = &self.config;
        let timestamp = now.timestamp_millis();
        let sign =
            client_secret_sign(&c.client_id, &c.client_secret, timestamp).ok_or_else(|| {
                ChannelError::Refused {
                    code: "BAD_SECRET".into(),
                    message: "the client secret is not a bcrypt salt ($2a$…)".into(),
                }
            })?;
        let timestamp = timestamp.to_string();
        let form = [
            ("client_id", c.client_id.as_str()),
            ("timestamp", timestamp.as_str()),
            ("grant_type", "client_credentials"),
            ("client_secret_sign", sign.as_str()),
            ("type", "SELF"),
        ];
        let url = format!("{}/v1/oauth2/token", c.api_base);
        let response = self.http.post(url).form(&form).send().await;
        let answer: TokenAnswer = serde_json::from_value(read(response).await?)
            .map_err(|e| ChannelError::Unavailable(format!("unreadable token: {e}")))?;
        let until = now + Duration::seconds(answer.expires_in.max(60));
        if let Ok(mut cached) = self.token.lock() {
            *cached = Some((answer.access_token.clone(), until));
        }
        Ok(answer.access_token)
    }

    pub(super) async fn get(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Value, ChannelError> {
        let token = self.token().await?;
        let url = format!("{}{path}", self.config.api_base);
        read(
            self.http
                .get(url)
                .bearer_auth(token)
                .query(query)
                .send()
                .await,
        )
        .await
    }

    async fn post(&self, path: &str, body: &Value) -> Result<Value, ChannelError> {
        let token = self.token().await?;
        let url = format!("{}{path}", self.config.api_base);
        read(
            self.http
                .post(url)
                .bearer_auth(token)
                .json(body)
                .send()
                .await,
        )
        .await
    }

    /// A PUT whose success answer is not read (only a refusal's is).
    pub(super) async fn put(&self, path: &str, body: &Value) -> Result<(), ChannelError> {
        let token = self.token().await?;
        let url = format!("{}{path}", self.config.api_base);
        let response = self
            .http
            .put(url)
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .map_err(|e| ChannelError::Unavailable(e.to_string()))?;
        if response.status().is_success() {
            return Ok(());
        }
        super::read_answer(response).await.map(drop)
    }

    /// The product orders that became paid in the window, following `more` pages.
    async fn changed_to_paid(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<String>, ChannelError> {
        let path = "/v1/pay-order/seller/product-orders/last-changed-statuses";
        let mut ids = Vec::new();
        let mut cursor = (kst(from), None::<String>);
        loop {
            let mut query = vec![
                ("lastChangedFrom", cursor.0.clone()),
                ("lastChangedTo", kst(to)),
                ("lastChangedType", "PAYED".to_owned()),
                ("limitCount", "300".to_owned()),
            ];
            if let Some(sequence) = &cursor.1 {
                query.push(("moreSequence", sequence.clone()));
            }
            let answer = self.get(path, &query).await?;
            let data = &answer["data"];
            for change in data["lastChangeStatuses"].as_array().into_iter().flatten() {
                if let Some(id) = change["productOrderId"].as_str()
                    && !ids.iter().any(|known| known == id)
                {
                    ids.push(id.to_owned());
                }
            }
            let more = &data["more"];
            match (more["moreFrom"].as_str(), more["moreSequence"].as_str()) {
                (Some(from), Some(sequence)) => {
                    cursor = (from.to_owned(), Some(sequence.to_owned()))
                }
                _ => return Ok(ids),
            }
        }
    }

    /// The full product orders, grouped into orders; lines no longer paid (cancelled since)
    /// are left out.
    async fn orders_of(&self, ids: &[String]) -> Result<Vec<ChannelOrder>, ChannelError> {
        let mut orders: Vec<ChannelOrder> = Vec::new();
        for batch in ids.chunks(QUERY_BATCH) {
            let path = "/v1/pay-order/seller/product-orders/query";
            let answer = self
                .post(path, &json!({ "productOrderIds": batch }))
                .await?;
            for item in answer["data"].as_array().into_iter().flatten() {
                add_product_order(&mut orders, item);
            }
        }
        Ok(orders)
    }

    async fn write(&self, path: &str, key: &str, items: Vec<Value>) -> Result<(), ChannelError> {
        for batch in items.chunks(WRITE_BATCH) {
            let answer = self.post(path, &json!({ key: batch })).await?;
            let failures = &answer["data"]["failProductOrderInfos"];
            if let Some(failure) = failures.as_array().and_then(|f| f.first()) {
                return Err(ChannelError::Refused {
                    code: failure["code"].as_str().unwrap_or("FAILED").to_owned(),
                    message: failure["message"].as_str().unwrap_or_default().to_owned(),
                });
            }
        }
        Ok(())
    }
}

/// Adds one product order (a line) to its order, creating the order on its first line.
fn add_product_order(orders: &mut Vec<ChannelOrder>, item: &Value) {
    let (order, line) = (&item["order"], &item["productOrder"]);
    if line["productOrderStatus"] != "PAYED" {
        return;
    }
    let text = |v: &Value| v.as_str().unwrap_or_default().trim().to_owned();
    let order_id = text(&order["orderId"]);
    let sku_code = Some(text(&line["optionManageCode"]))
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| text(&line["sellerProductCode"]));
    // The origin product and the option's code, by which its stock is sent back.
    let listing = Some(text(&line["originalProductId"]))
        .filter(|p| !p.is_empty() && !sku_code.is_empty())
        .map(|p| format!("{p}/{sku_code}"));
    let channel_line = ChannelLine {
        line_id: text(&line["productOrderId"]),
        sku_code,
        name: text(&line["productName"]),
        quantity: line["quantity"].as_i64().unwrap_or(0),
        total: Won(line["totalPaymentAmount"].as_i64().unwrap_or(-1)),
        listing,
    };
    let fee = Won(line["deliveryFeeAmount"].as_i64().unwrap_or(0));
    if let Some(existing) = orders.iter_mut().find(|o| o.order_id == order_id) {
        existing.shipping_fee += fee;
        existing.lines.push(channel_line);
        return;
    }
    let address = &line["shippingAddress"];
    orders.push(ChannelOrder {
        marketplace: Marketplace::SmartStore,
        order_id,
        orderer_name: text(&order["ordererName"]),
        orderer_mobile: text(&order["ordererTel"]),
        recipient_name: text(&address["name"]),
        recipient_mobile: text(&address["tel1"]),
        postcode: text(&address["zipCode"]),
        address1: text(&address["baseAddress"]),
        address2: text(&address["detailedAddress"]),
        delivery_memo: text(&line["shippingMemo"]),
        shipping_fee: fee,
        lines: vec![channel_line],
    });
}

/// The body of an answer, or the error it carries (`{code, message, traceId}`): throttling and
/// the channel's own failures may pass, anything else is a refusal.
async fn read(response: reqwest::Result<reqwest::Response>) -> Result<Value, ChannelError> {
    super::read_answer(response.map_err(|e| ChannelError::Unavailable(e.to_string()))?).await
}

impl SalesChannel for SmartStore {
    fn marketplace(&self) -> Marketplace {
        Marketplace::SmartStore
    }

    fn paid_orders(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> BoxFuture<'_, Result<PaidOrders, ChannelError>> {
        async move {
            // The change list takes at most 24 hours (`lastChangedTo` defaults to from + 24 h).
            let until = super::window_end(since, now);
            let ids = self.changed_to_paid(since, until).await?;
            let orders = if ids.is_empty() {
                Vec::new()
            } else {
                self.orders_of(&ids).await?
            };
            Ok(PaidOrders {
                orders,
                looked_until: until,
            })
        }
        .boxed()
    }

    fn acknowledge<'a>(
        &'a self,
        orders: &'a [&'a ChannelOrder],
    ) -> BoxFuture<'a, Result<(), ChannelError>> {
        async move {
            let ids: Vec<Value> = orders
                .iter()
                .flat_map(|o| o.lines.iter().map(|l| json!(l.line_id)))
                .collect();
            let path = "/v1/pay-order/seller/product-orders/confirm";
            self.write(path, "productOrderIds", ids).await
        }
        .boxed()
    }

    fn dispatch<'a>(&'a self, dispatch: &'a Dispatch) -> BoxFuture<'a, Result<(), ChannelError>> {
        async move {
            let items = dispatch
                .line_ids
                .iter()
                .map(|id| {
                    json!({
                        "productOrderId": id,
                        "deliveryMethod": "DELIVERY",
                        "deliveryCompanyCode": dispatch.carrier_code,
                        "trackingNumber": dispatch.waybill,
                        "dispatchDate": kst(dispatch.dispatched_at),
                    })
                })
                .collect();
            let path = "/v1/pay-order/seller/product-orders/dispatch";
            self.write(path, "dispatchProductOrders", items).await
        }
        .boxed()
    }

    fn push_stock<'a>(
        &'a self,
        listing: &'a str,
        stock: i64,
    ) -> BoxFuture<'a, Result<(), ChannelError>> {
        async move { self.send_stock(listing, stock).await }.boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_sign_is_a_bcrypt_hash_of_id_and_timestamp_salted_by_the_secret() {
        // A bcrypt salt as the console issues it.
        let secret = "$2a$04$abcdefghijklmnopqrstuv";
        let sign = client_secret_sign("client-id", secret, 1_700_000_000_000).unwrap();
        let hash = String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(&sign)
                .unwrap(),
        )
        .unwrap();
        assert!(hash.starts_with("$2a$04$abcdefghijklmnopqrstu"), "{hash}");
        assert!(bcrypt::verify("client-id_1700000000000", &hash).unwrap());
        assert!(!bcrypt::verify("client-id_1700000000001", &hash).unwrap());
        assert_eq!(client_secret_sign("client-id", "not a salt", 1), None);
    }

    #[test]
    fn times_are_written_in_korean_time_with_milliseconds() {
        let at = DateTime::parse_from_rfc3339("2022-04-11T06:21:44Z")
            .unwrap()
            .to_utc();
        assert_eq!(kst(at), "2022-04-11T15:21:44.000+09:00");
    }
}
