//! A fake Coupang Wing Open API (docs/PROVIDERS.md §11.2) on 127.0.0.1. Strict where the
//! contract is documented: the `CEA` HMAC-SHA256 signature over signed-date + method + path +
//! raw query (a date more than 5 minutes off is "Specified signature is expired"), the JSON
//! content type, `status` required on the order sheets with `yyyy-MM-dd` dates and `nextToken`
//! paging, at most 50 shipment boxes per acknowledgement; inferred for the invoice upload's body
//! and result list.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::{NaiveDateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::{Arc, Mutex};

/// The vendor the fake serves.
pub const COUPANG_VENDOR_ID: &str = "A00012345";
/// The access key it accepts.
pub const COUPANG_ACCESS_KEY: &str = "coupang-access-key";
/// The secret key signatures are made with.
pub const COUPANG_SECRET_KEY: &str = "coupang-secret-key";

/// A shipment box the test puts on sale (one item).
#[derive(Debug, Clone)]
pub struct FakeOrderSheet {
    /// shipmentBoxId.
    pub shipment_box_id: i64,
    /// orderId.
    pub order_id: i64,
    /// vendorItemId.
    pub vendor_item_id: i64,
    /// The seller's SKU (the shop's SKU code).
    pub external_vendor_sku: String,
    /// Pieces.
    pub count: i64,
    /// What the line costs.
    pub order_price: i64,
}

/// An invoice Coupang accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeInvoice {
    /// shipmentBoxId.
    pub shipment_box_id: i64,
    /// orderId.
    pub order_id: i64,
    /// vendorItemId.
    pub vendor_item_id: i64,
    /// deliveryCompanyCode.
    pub carrier: String,
    /// invoiceNumber.
    pub waybill: String,
}

#[derive(Default)]
struct Shared {
    sheets: Mutex<Vec<(FakeOrderSheet, String)>>,
    invoices: Mutex<Vec<FakeInvoice>>,
    /// vendorItemId → quantity, as the shop last set it.
    quantities: Mutex<std::collections::HashMap<i64, i64>>,
}

async fn quantity(
    State(s): Wing,
    Path((item, count)): Path<(i64, i64)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = verify(&method, &uri, &headers) {
        return refused;
    }
    if count < 0 {
        return refuse(StatusCode::BAD_REQUEST, "quantity must be 0 or more");
    }
    let known = s
        .sheets
        .lock()
        .is_ok_and(|sheets| sheets.iter().any(|(o, _)| o.vendor_item_id == item));
    if !known {
        return refuse(StatusCode::BAD_REQUEST, "존재하지 않는 옵션ID입니다.");
    }
    if let Ok(mut q) = s.quantities.lock() {
        q.insert(item, count);
    }
    Json(json!({"code": "SUCCESS", "message": "재고수량이 변경되었습니다.", "data": null}))
        .into_response()
}

type Wing = State<Arc<Shared>>;

fn refuse(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({"code": status.as_u16(), "message": message})),
    )
        .into_response()
}

/// Checks the CEA header against the request as sent.
fn verify(method: &Method, uri: &Uri, headers: &HeaderMap) -> Option<Response> {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let field = |name: &str| {
        auth.split(", ")
            .find_map(|part| {
                part.trim_start_matches("CEA ")
                    .strip_prefix(&format!("{name}="))
            })
            .unwrap_or_default()
    };
    if !auth.starts_with("CEA algorithm=HmacSHA256") || field("access-key") != COUPANG_ACCESS_KEY {
        return Some(refuse(
            StatusCode::UNAUTHORIZED,
            "Invalid signature or access key",
        ));
    }
    let signed_date = field("signed-date");
    let Ok(at) = NaiveDateTime::parse_from_str(signed_date, "%y%m%dT%H%M%SZ") else {
        return Some(refuse(StatusCode::UNAUTHORIZED, "Invalid signed-date"));
    };
    if (Utc::now().naive_utc() - at).num_seconds().abs() > 300 {
        return Some(refuse(
            StatusCode::UNAUTHORIZED,
            "Specified signature is expired.",
        ));
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(COUPANG_SECRET_KEY.as_bytes()).expect("key");
    let query = uri.query().unwrap_or_default();
    mac.update(format!("{signed_date}{method}{}{query}", uri.path()).as_bytes());
    if hex::encode(mac.finalize().into_bytes()) != field("signature") {
        return Some(refuse(StatusCode::UNAUTHORIZED, "Signature mismatch"));
    }
    let json = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    (!json.starts_with("application/json"))
        .then(|| refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Content-Type"))
}

fn sheet_json(s: &FakeOrderSheet, status: &str) -> Value {
    json!({
        "shipmentBoxId": s.shipment_box_id, "orderId": s.order_id, "status": status,
        "orderedAt": Utc::now().to_rfc3339(), "paidAt": Utc::now().to_rfc3339(),
        "orderer": {"name": "쿠팡구매자", "email": "", "safeNumber": "0502-1111-2222"},
        "receiver": {"name": "최받음", "safeNumber": "0502-3333-4444", "addr1": "부산광역시 해운대구 센텀중앙로 97",
                     "addr2": "A동 1001호", "postCode": "48058"},
        "orderItems": [{"vendorItemId": s.vendor_item_id, "vendorItemName": "쿠팡 상품", "shippingCount": s.count,
                        "salesPrice": s.order_price / s.count.max(1), "orderPrice": s.order_price,
                        "discountPrice": 0, "externalVendorSku": s.external_vendor_sku, "cancelCount": 0}],
        "shippingPrice": 0, "parcelPrintMessage": "", "deliveryCompanyName": "", "invoiceNumber": "",
    })
}

async fn ordersheets(
    State(s): Wing,
    Path(vendor): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = verify(&method, &uri, &headers) {
        return refused;
    }
    let q: std::collections::HashMap<String, String> =
        serde_urlencoded_pairs(uri.query().unwrap_or_default());
    let dated = |k: &str| {
        q.get(k)
            .is_some_and(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok())
    };
    if vendor != COUPANG_VENDOR_ID || !dated("createdAtFrom") || !dated("createdAtTo") {
        return refuse(
            StatusCode::BAD_REQUEST,
            "vendorId, createdAtFrom and createdAtTo are required",
        );
    }
    let Some(status) = q.get("status") else {
        return refuse(StatusCode::BAD_REQUEST, "status is required");
    };
    let per_page: usize = q
        .get("maxPerPage")
        .and_then(|v| v.parse().ok())
        .unwrap_or(50)
        .clamp(1, 50);
    let skip: usize = q.get("nextToken").and_then(|v| v.parse().ok()).unwrap_or(0);
    let sheets = s.sheets.lock().map(|v| v.clone()).unwrap_or_default();
    let matching: Vec<_> = sheets.iter().filter(|(_, st)| st == status).collect();
    let data: Vec<Value> = matching
        .iter()
        .skip(skip)
        .take(per_page)
        .map(|(o, st)| sheet_json(o, st))
        .collect();
    let next = if matching.len() > skip + per_page {
        (skip + per_page).to_string()
    } else {
        String::new()
    };
    Json(json!({"code": 200, "message": "OK", "data": data, "nextToken": next})).into_response()
}

/// Query pairs, percent-decoded.
fn serde_urlencoded_pairs(query: &str) -> std::collections::HashMap<String, String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), percent_decode(v)))
        .collect()
}

fn percent_decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let pair = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| Some((hex(bytes[i + 1])?, hex(bytes[i + 2])?)))
            .flatten();
        match pair {
            Some((hi, lo)) => {
                out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'?'));
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn set_status(s: &Shared, box_id: i64, from: &str, to: &str) -> bool {
    let Ok(mut sheets) = s.sheets.lock() else {
        return false;
    };
    sheets
        .iter_mut()
        .find(|(o, st)| o.shipment_box_id == box_id && st == from)
        .map(|entry| entry.1 = to.to_owned())
        .is_some()
}

fn result(box_id: i64, ok: bool, message: &str) -> Value {
    json!({"shipmentBoxId": box_id, "succeed": ok, "resultCode": if ok { "OK" } else { "FAILED" },
           "retryRequired": false, "resultMessage": message})
}

async fn acknowledge(
    State(s): Wing,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Some(refused) = verify(&method, &uri, &headers) {
        return refused;
    }
    let ids = body["shipmentBoxIds"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if body["vendorId"] != COUPANG_VENDOR_ID || ids.is_empty() || ids.len() > 50 {
        return refuse(
            StatusCode::BAD_REQUEST,
            "vendorId and 1~50 shipmentBoxIds are required",
        );
    }
    let list: Vec<Value> = ids
        .iter()
        .filter_map(Value::as_i64)
        .map(|id| {
            let ok = set_status(&s, id, "ACCEPT", "INSTRUCT");
            result(
                id,
                ok,
                if ok {
                    ""
                } else {
                    "결제완료 상태가 아닙니다"
                },
            )
        })
        .collect();
    Json(json!({"code": 200, "message": "OK", "data": {"responseCode": 0, "responseMessage": "SUCCESS", "responseList": list}})).into_response()
}

async fn invoices(
    State(s): Wing,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Some(refused) = verify(&method, &uri, &headers) {
        return refused;
    }
    let items = body["orderSheetInvoiceApplyDtos"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if body["vendorId"] != COUPANG_VENDOR_ID || items.is_empty() {
        return refuse(
            StatusCode::BAD_REQUEST,
            "vendorId and orderSheetInvoiceApplyDtos are required",
        );
    }
    let mut list = Vec::new();
    for item in &items {
        let box_id = item["shipmentBoxId"].as_i64().unwrap_or_default();
        let waybill = item["invoiceNumber"].as_str().unwrap_or_default();
        let carrier = item["deliveryCompanyCode"].as_str().unwrap_or_default();
        let ok = !waybill.is_empty()
            && !carrier.is_empty()
            && set_status(&s, box_id, "INSTRUCT", "DEPARTURE");
        if ok && let Ok(mut v) = s.invoices.lock() {
            v.push(FakeInvoice {
                shipment_box_id: box_id,
                order_id: item["orderId"].as_i64().unwrap_or_default(),
                vendor_item_id: item["vendorItemId"].as_i64().unwrap_or_default(),
                carrier: carrier.to_owned(),
                waybill: waybill.to_owned(),
            });
        }
        list.push(result(
            box_id,
            ok,
            if ok {
                ""
            } else {
                "상품준비중 상태가 아닙니다"
            },
        ));
    }
    Json(json!({"code": 200, "message": "OK", "data": {"responseCode": 0, "responseMessage": "SUCCESS", "responseList": list}})).into_response()
}

/// A running fake Coupang Wing.
#[derive(Clone)]
pub struct FakeCoupang {
    /// `http://127.0.0.1:PORT` (stands in for `https://api-gateway.coupang.com`).
    pub base_url: String,
    shared: Arc<Shared>,
}

impl FakeCoupang {
    /// Starts the fake.
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the fake Coupang");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let base = "/v2/providers/openapi/apis/api/v4/vendors/{vendor}";
        let router = Router::new()
            .route(&format!("{base}/ordersheets"), get(ordersheets))
            .route(
                &format!("{base}/ordersheets/acknowledgement"),
                put(acknowledge),
            )
            .route(&format!("{base}/orders/invoices"), post(invoices))
            .route(
                "/v2/providers/seller_api/apis/api/v1/marketplace/vendor-items/{item}/quantities/{count}",
                put(quantity),
            )
            .with_state(shared.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { base_url, shared }
    }

    /// A buyer paid for a shipment box.
    pub fn pay(&self, sheet: FakeOrderSheet) {
        if let Ok(mut sheets) = self.shared.sheets.lock() {
            sheets.push((sheet, "ACCEPT".into()));
        }
    }

    /// The status of a shipment box (`ACCEPT`, `INSTRUCT`, `DEPARTURE`).
    pub fn status(&self, shipment_box_id: i64) -> Option<String> {
        let sheets = self.shared.sheets.lock().ok()?;
        sheets
            .iter()
            .find(|(o, _)| o.shipment_box_id == shipment_box_id)
            .map(|(_, s)| s.clone())
    }

    /// The quantity the shop last set for a vendor item.
    pub fn quantity(&self, vendor_item_id: i64) -> Option<i64> {
        self.shared
            .quantities
            .lock()
            .ok()?
            .get(&vendor_item_id)
            .copied()
    }

    /// Invoices uploaded.
    pub fn invoices(&self) -> Vec<FakeInvoice> {
        self.shared
            .invoices
            .lock()
            .map(|v| v.clone())
            .unwrap_or_default()
    }
}
