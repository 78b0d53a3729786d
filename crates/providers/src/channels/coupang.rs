//! Coupang Wing Open API (docs/PROVIDERS.md §11.2): every call signed with HMAC-SHA256
//! (`CEA algorithm=HmacSHA256, access-key, signed-date, signature` over date + method + path +
//! query), paid order sheets (`ACCEPT`) by day with `nextToken` paging, acknowledgement (→
//! 상품준비중) and the invoice upload. An order is a shipment box; a line's id carries the
//! Coupang order id with the vendor item (`{orderId}-{vendorItemId}`), as the upload needs both.

use super::{ChannelError, Dispatch, PaidOrders, SalesChannel};
use chrono::{DateTime, Utc};
use futures::FutureExt;
use futures::future::BoxFuture;
use hmac::{Hmac, Mac};
use jangteo_core::Won;
use jangteo_core::channels::{ChannelLine, ChannelOrder, Marketplace};
use serde_json::{Value, json};
use sha2::Sha256;

/// Settings.
#[derive(Clone)]
pub struct CoupangConfig {
    /// `https://api-gateway.coupang.com` (a fake's address in tests).
    pub api_base: String,
    /// 업체코드 (`A00012345`).
    pub vendor_id: String,
    /// Access key.
    pub access_key: String,
    /// Secret key.
    pub secret_key: String,
}

impl std::fmt::Debug for CoupangConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CoupangConfig")
            .field("api_base", &self.api_base)
            .field("vendor_id", &self.vendor_id)
            .field("access_key", &self.access_key)
            .field("secret_key", &"***")
            .finish()
    }
}

/// Shipment boxes per acknowledgement call.
const ACK_BATCH: usize = 50;

/// The `Authorization` header of a call made at `at`: `query` exactly as sent, without `?`.
pub fn authorization(
    access_key: &str,
    secret_key: &str,
    method: &str,
    path: &str,
    query: &str,
    at: DateTime<Utc>,
) -> String {
    let signed_date = at.format("%y%m%dT%H%M%SZ").to_string();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(format!("{signed_date}{method}{path}{query}").as_bytes());
    let signature = hex::encode(mac.finalize().into_bytes());
    format!(
        "CEA algorithm=HmacSHA256, access-key={access_key}, signed-date={signed_date}, signature={signature}"
    )
}

/// The adapter.
pub struct Coupang {
    http: reqwest::Client,
    config: CoupangConfig,
}

fn kst_date(at: DateTime<Utc>) -> String {
    jangteo_core::time::format_kst_as(at, "%Y-%m-%d")
}

impl Coupang {
    /// An adapter.
    pub fn new(http: reqwest::Client, config: CoupangConfig) -> Self {
        Self { http, config }
    }

    fn vendor_path(&self, rest: &str) -> String {
        format!(
            "/v2/providers/openapi/apis/api/v4/vendors/{}{rest}",
            self.config.vendor_id
        )
    }

    /// One signed call; the query is encoded once, signed and sent as the same bytes.
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Value, ChannelError> {
        let query: String = query
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let c = &self.config;
        let auth = authorization(
            &c.access_key,
            &c.secret_key,
            method.as_str(),
            path,
            &query,
            Utc::now(),
        );
        let url = match query.is_empty() {
            true => format!("{}{path}", c.api_base),
            false => format!("{}{path}?{query}", c.api_base),
        };
        let mut request = self
            .http
            .request(method, url)
            .header(reqwest::header::AUTHORIZATION, auth)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/json;charset=UTF-8",
            );
        if let Some(body) = body {
            request = request.body(body.to_string());
        }
        let response = request
            .send()
            .await
            .map_err(|e| ChannelError::Unavailable(e.to_string()))?;
        super::read_answer(response).await
    }

    /// Paid (`ACCEPT`) order sheets created in the days of the window, every page.
    async fn accepted(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ChannelOrder>, ChannelError> {
        let path = self.vendor_path("/ordersheets");
        let mut orders = Vec::new();
        let mut next = String::new();
        loop {
            let mut query = vec![
                ("createdAtFrom", kst_date(from)),
                ("createdAtTo", kst_date(to)),
                ("status", "ACCEPT".to_owned()),
                ("maxPerPage", "50".to_owned()),
            ];
            if !next.is_empty() {
                query.push(("nextToken", next.clone()));
            }
            let answer = self.call(reqwest::Method::GET, &path, &query, None).await?;
            orders.extend(
                answer["data"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(order_of),
            );
            next = answer["nextToken"].as_str().unwrap_or_default().to_owned();
            if next.is_empty() {
                return Ok(orders);
            }
        }
    }
}

/// URL-encodes a query value (dates, statuses and tokens: unreserved characters pass).
fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn id_text(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_owned(),
        _ => String::new(),
    }
}

/// A shipment box as an order [INF for the item amounts: `orderPrice` is what the line costs].
fn order_of(sheet: &Value) -> ChannelOrder {
    let text = |v: &Value| v.as_str().unwrap_or_default().trim().to_owned();
    let order_id = id_text(&sheet["orderId"]);
    let lines = sheet["orderItems"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| ChannelLine {
            line_id: format!("{order_id}-{}", id_text(&item["vendorItemId"])),
            sku_code: text(&item["externalVendorSku"]),
            name: text(&item["vendorItemName"]),
            quantity: item["shippingCount"].as_i64().unwrap_or(0),
            total: Won(item["orderPrice"].as_i64().unwrap_or(-1)),
            listing: Some(id_text(&item["vendorItemId"])).filter(|id| !id.is_empty()),
        })
        .collect();
    let (orderer, receiver) = (&sheet["orderer"], &sheet["receiver"]);
    ChannelOrder {
        marketplace: Marketplace::Coupang,
        order_id: id_text(&sheet["shipmentBoxId"]),
        orderer_name: text(&orderer["name"]),
        orderer_mobile: text(&orderer["safeNumber"]),
        recipient_name: text(&receiver["name"]),
        recipient_mobile: text(&receiver["safeNumber"]),
        postcode: text(&receiver["postCode"]),
        address1: text(&receiver["addr1"]),
        address2: text(&receiver["addr2"]),
        delivery_memo: text(&sheet["parcelPrintMessage"]),
        shipping_fee: Won(sheet["shippingPrice"].as_i64().unwrap_or(0)),
        lines,
    }
}

/// The first refusal in a write's per-item results.
fn first_failure(answer: &Value) -> Option<ChannelError> {
    let items = answer["data"]["responseList"].as_array()?;
    let failed = items.iter().find(|r| r["succeed"] == false)?;
    Some(ChannelError::Refused {
        code: failed["resultCode"].as_str().unwrap_or("FAILED").to_owned(),
        message: failed["resultMessage"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    })
}

impl SalesChannel for Coupang {
    fn marketplace(&self) -> Marketplace {
        Marketplace::Coupang
    }

    fn paid_orders(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> BoxFuture<'_, Result<PaidOrders, ChannelError>> {
        async move {
            let until = super::window_end(since, now);
            Ok(PaidOrders {
                orders: self.accepted(since, until).await?,
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
            let path = self.vendor_path("/ordersheets/acknowledgement");
            for batch in orders.chunks(ACK_BATCH) {
                let ids: Vec<Value> = batch
                    .iter()
                    .map(|o| {
                        o.order_id
                            .parse::<i64>()
                            .map_or_else(|_| json!(o.order_id), |n| json!(n))
                    })
                    .collect();
                let body = json!({ "vendorId": self.config.vendor_id, "shipmentBoxIds": ids });
                let answer = self
                    .call(reqwest::Method::PUT, &path, &[], Some(&body))
                    .await?;
                if let Some(refused) = first_failure(&answer) {
                    return Err(refused);
                }
            }
            Ok(())
        }
        .boxed()
    }

    /// 재고수량 변경 [INF: the path client libraries call; the answer's `code` is `SUCCESS`].
    fn push_stock<'a>(
        &'a self,
        listing: &'a str,
        stock: i64,
    ) -> BoxFuture<'a, Result<(), ChannelError>> {
        async move {
            let path = format!(
                "/v2/providers/seller_api/apis/api/v1/marketplace/vendor-items/{listing}/quantities/{}",
                stock.max(0)
            );
            let answer = self.call(reqwest::Method::PUT, &path, &[], None).await?;
            match answer["code"].as_str() {
                Some("SUCCESS") | None => Ok(()),
                Some(code) => Err(ChannelError::Refused {
                    code: code.to_owned(),
                    message: answer["message"].as_str().unwrap_or_default().to_owned(),
                }),
            }
        }
        .boxed()
    }

    fn dispatch<'a>(&'a self, dispatch: &'a Dispatch) -> BoxFuture<'a, Result<(), ChannelError>> {
        async move {
            let number = |s: &str| s.parse::<i64>().map_or_else(|_| json!(s), |n| json!(n));
            let items: Vec<Value> = dispatch
                .line_ids
                .iter()
                .map(|line| {
                    let (order_id, item) = line.split_once('-').unwrap_or(("", line));
                    json!({
                        "shipmentBoxId": number(&dispatch.order_id),
                        "orderId": number(order_id),
                        "vendorItemId": number(item),
                        "deliveryCompanyCode": dispatch.carrier_code,
                        "invoiceNumber": dispatch.waybill,
                        "splitShipping": false,
                        "preSplitShipped": false,
                        "estimatedShippingDate": "",
                    })
                })
                .collect();
            let body =
                json!({ "vendorId": self.config.vendor_id, "orderSheetInvoiceApplyDtos": items });
            let path = self.vendor_path("/orders/invoices");
            let answer = self
                .call(reqwest::Method::POST, &path, &[], Some(&body))
                .await?;
            first_failure(&answer).map_or(Ok(()), Err)
        }
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_covers_date_method_path_and_query() {
        let at = DateTime::parse_from_rfc3339("2017-10-10T03:04:05Z")
            .unwrap()
            .to_utc();
        let path = "/v2/providers/openapi/apis/api/v4/vendors/A00012345/ordersheets";
        let query = "createdAtFrom=2017-10-10&createdAtTo=2017-10-11&maxPerPage=2&status=INSTRUCT";
        let header = authorization("ak", "sk", "GET", path, query, at);
        let mut mac = Hmac::<Sha256>::new_from_slice(b"sk").unwrap();
        mac.update(format!("171010T030405ZGET{path}{query}").as_bytes());
        let expected = hex::encode(mac.finalize().into_bytes());
        assert_eq!(
            header,
            format!(
                "CEA algorithm=HmacSHA256, access-key=ak, signed-date=171010T030405Z, signature={expected}"
            )
        );
        assert_ne!(
            header,
            authorization("ak", "sk", "GET", path, "", at),
            "the query is signed"
        );
    }
}
