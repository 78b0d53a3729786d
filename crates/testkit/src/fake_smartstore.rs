//! A fake Naver SmartStore 커머스API (docs/PROVIDERS.md §11.1) on 127.0.0.1. Strict where the
//! contract is documented: the token request (form fields, a timestamp within 5 minutes, the
//! bcrypt `client_secret_sign` salted with the client secret, `type=SELF`), Bearer tokens on every
//! call, `lastChangedFrom` in `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` and at most 24 hours before
//! `lastChangedTo`, `more` paging, at most 300 ids per query and 30 per confirm or dispatch, and
//! the `{code, message, timestamp, traceId}` error body; lenient on the inner field names of a
//! product order, which the docs leave to inference.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Form, Json, Router};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::fake_smartstore_products as products;
pub use crate::fake_smartstore_products::{FakeOption, FakeOriginProduct};

/// The application id the fake accepts.
pub const SMARTSTORE_CLIENT_ID: &str = "smartstore-app-id";
/// The application secret: a bcrypt salt, as the console issues it.
pub const SMARTSTORE_CLIENT_SECRET: &str = "$2a$04$Jangteo.fake.salt.abce";
const TOKEN: &str = "smartstore-access-token";
/// Carriers SmartStore knows (a subset).
const CARRIERS: [&str; 6] = ["CJGLS", "HANJIN", "HYUNDAI", "EPOST", "KGB", "KDEXP"];

/// A product order (one line) the test puts on sale.
#[derive(Debug, Clone)]
pub struct FakeProductOrder {
    /// productOrderId.
    pub product_order_id: String,
    /// orderId (several lines may share it).
    pub order_id: String,
    /// The seller's option code (the shop's SKU code).
    pub option_manage_code: String,
    /// Pieces.
    pub quantity: i64,
    /// Paid for the line.
    pub total: i64,
    /// Shipping charged with this line.
    pub delivery_fee: i64,
}

/// A dispatch SmartStore accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeDispatch {
    /// productOrderId.
    pub product_order_id: String,
    /// deliveryCompanyCode.
    pub carrier: String,
    /// trackingNumber.
    pub waybill: String,
}

#[derive(Default)]
pub(crate) struct Shared {
    orders: Mutex<Vec<(FakeProductOrder, DateTime<Utc>, String)>>,
    confirmed: Mutex<Vec<String>>,
    dispatched: Mutex<Vec<FakeDispatch>>,
    unavailable: Mutex<usize>,
    pub(crate) products: Mutex<Vec<FakeOriginProduct>>,
    pub(crate) stock_changes: std::sync::atomic::AtomicUsize,
}

type Shop = State<Arc<Shared>>;

pub(crate) fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"code": code, "message": message, "timestamp": Utc::now().to_rfc3339(), "traceId": "fake-trace"});
    (status, Json(body)).into_response()
}

/// Throttling while the test asks for it, then the Bearer token.
pub(crate) fn guard(s: &Shared, headers: &HeaderMap) -> Option<Response> {
    if let Ok(mut left) = s.unavailable.lock()
        && *left > 0
    {
        *left -= 1;
        return Some(error(
            StatusCode::TOO_MANY_REQUESTS,
            "GW.RATE_LIMIT",
            "요청이 많습니다",
        ));
    }
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    (auth != Some(&format!("Bearer {TOKEN}")))
        .then(|| error(StatusCode::UNAUTHORIZED, "GW.AUTHN", "인증 실패"))
}

async fn token(Form(form): Form<HashMap<String, String>>) -> Response {
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    if field("client_id") != SMARTSTORE_CLIENT_ID || field("grant_type") != "client_credentials" {
        return error(
            StatusCode::BAD_REQUEST,
            "GW.AUTHN",
            "client_id 또는 grant_type 오류",
        );
    }
    if field("type") != "SELF" {
        return error(StatusCode::BAD_REQUEST, "GW.AUTHN", "type 오류");
    }
    let Ok(timestamp) = field("timestamp").parse::<i64>() else {
        return error(StatusCode::BAD_REQUEST, "GW.AUTHN", "timestamp 오류");
    };
    if (Utc::now().timestamp_millis() - timestamp).abs() > 5 * 60 * 1000 {
        return error(
            StatusCode::BAD_REQUEST,
            "GW.AUTHN",
            "전자서명 유효시간 초과",
        );
    }
    let hash = base64::engine::general_purpose::STANDARD
        .decode(field("client_secret_sign"))
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default();
    let signed = hash.starts_with(SMARTSTORE_CLIENT_SECRET)
        && bcrypt::verify(format!("{SMARTSTORE_CLIENT_ID}_{timestamp}"), &hash).unwrap_or(false);
    if !signed {
        return error(
            StatusCode::BAD_REQUEST,
            "GW.AUTHN",
            "client_secret_sign 오류",
        );
    }
    Json(json!({"access_token": TOKEN, "expires_in": 10800, "token_type": "Bearer"}))
        .into_response()
}

fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    // yyyy-MM-dd'T'HH:mm:ss.SSSXXX: milliseconds and an offset are required.
    let at = DateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.3f%:z").ok()?;
    raw.get(19..20).filter(|dot| *dot == ".")?;
    Some(at.to_utc())
}

async fn changed(
    State(s): Shop,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Some(refused) = guard(&s, &headers) {
        return refused;
    }
    let Some(from) = q.get("lastChangedFrom").and_then(|v| parse_time(v)) else {
        return error(
            StatusCode::BAD_REQUEST,
            "GW.INVALID_INPUT",
            "lastChangedFrom 형식 오류",
        );
    };
    let to = match q.get("lastChangedTo") {
        Some(raw) => match parse_time(raw) {
            Some(to) => to,
            None => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "GW.INVALID_INPUT",
                    "lastChangedTo 형식 오류",
                );
            }
        },
        None => from + Duration::hours(24),
    };
    if to - from > Duration::hours(24) || to < from {
        return error(
            StatusCode::BAD_REQUEST,
            "GW.INVALID_INPUT",
            "조회 기간은 24시간 이내",
        );
    }
    let limit: usize = q
        .get("limitCount")
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
        .clamp(1, 300);
    let skip: usize = q
        .get("moreSequence")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let wanted = q.get("lastChangedType").map(String::as_str);
    let orders = s.orders.lock().map(|o| o.clone()).unwrap_or_default();
    let matching: Vec<_> = orders
        .iter()
        .filter(|(_, at, _)| *at >= from && *at < to)
        .filter(|_| wanted.is_none_or(|w| w == "PAYED"))
        .collect();
    let page: Vec<Value> = matching.iter().skip(skip).take(limit).map(|(o, at, status)| {
        json!({"productOrderId": o.product_order_id, "orderId": o.order_id, "lastChangedType": "PAYED",
               "lastChangedDate": at.to_rfc3339(), "productOrderStatus": status, "receiverAddressChanged": false})
    }).collect();
    let mut data = json!({"lastChangeStatuses": page});
    if matching.len() > skip + limit {
        data["more"] =
            json!({"moreFrom": q["lastChangedFrom"], "moreSequence": (skip + limit).to_string()});
    }
    Json(json!({"timestamp": Utc::now().to_rfc3339(), "traceId": "fake-trace", "data": data}))
        .into_response()
}

fn product_order(s: &Shared, o: &FakeProductOrder, status: &str) -> Value {
    let original = products::product_of(s, &o.option_manage_code)
        .map(|n| n.to_string())
        .unwrap_or_default();
    json!({
        "order": {"orderId": o.order_id, "ordererName": "네이버구매자", "ordererTel": "05011112222",
                  "paymentDate": Utc::now().to_rfc3339()},
        "productOrder": {
            "productOrderId": o.product_order_id, "productOrderStatus": status,
            "productName": "스마트스토어 상품", "quantity": o.quantity,
            "totalPaymentAmount": o.total, "deliveryFeeAmount": o.delivery_fee,
            "sellerProductCode": "", "optionManageCode": o.option_manage_code,
            "originalProductId": original, "productId": original,
            "shippingMemo": "문 앞에 놓아 주세요",
            "shippingAddress": {"name": "박받는", "tel1": "05033334444", "zipCode": "06236",
                                "baseAddress": "서울특별시 강남구 테헤란로 152", "detailedAddress": "12층"}
        }
    })
}

/// The id list under `key`, when it holds 1 to `max` entries.
fn ids_of(body: &Value, key: &str, max: usize) -> Option<Vec<Value>> {
    let items = body[key].as_array().cloned().unwrap_or_default();
    (!items.is_empty() && items.len() <= max).then_some(items)
}

fn batch_refused(key: &str, max: usize) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "GW.INVALID_INPUT",
        &format!("{key}: 1~{max}건"),
    )
}

async fn query(State(s): Shop, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if let Some(refused) = guard(&s, &headers) {
        return refused;
    }
    let Some(ids) = ids_of(&body, "productOrderIds", 300) else {
        return batch_refused("productOrderIds", 300);
    };
    let orders = s.orders.lock().map(|o| o.clone()).unwrap_or_default();
    let data: Vec<Value> = orders
        .iter()
        .filter(|(o, _, _)| ids.iter().any(|id| id == o.product_order_id.as_str()))
        .map(|(o, _, status)| product_order(&s, o, status))
        .collect();
    Json(json!({"timestamp": Utc::now().to_rfc3339(), "traceId": "fake-trace", "data": data}))
        .into_response()
}

fn set_status(s: &Shared, id: &str, status: &str) -> bool {
    let Ok(mut orders) = s.orders.lock() else {
        return false;
    };
    orders
        .iter_mut()
        .find(|(o, _, _)| o.product_order_id == id)
        .map(|o| o.2 = status.to_owned())
        .is_some()
}

async fn confirm(State(s): Shop, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if let Some(refused) = guard(&s, &headers) {
        return refused;
    }
    let Some(ids) = ids_of(&body, "productOrderIds", 30) else {
        return batch_refused("productOrderIds", 30);
    };
    let (mut ok, mut failed) = (Vec::new(), Vec::new());
    for id in ids.iter().filter_map(Value::as_str) {
        if set_status(&s, id, "PAYED") {
            if let Ok(mut c) = s.confirmed.lock() {
                c.push(id.to_owned());
            }
            ok.push(json!({"productOrderId": id, "isReceiverAddressChanged": false}));
        } else {
            failed.push(
                json!({"productOrderId": id, "code": "NOT_FOUND", "message": "없는 상품주문"}),
            );
        }
    }
    Json(json!({"data": {"successProductOrderInfos": ok, "failProductOrderInfos": failed}}))
        .into_response()
}

async fn dispatch(State(s): Shop, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if let Some(refused) = guard(&s, &headers) {
        return refused;
    }
    let Some(items) = ids_of(&body, "dispatchProductOrders", 30) else {
        return batch_refused("dispatchProductOrders", 30);
    };
    let (mut ok, mut failed) = (Vec::new(), Vec::new());
    for item in &items {
        let id = item["productOrderId"].as_str().unwrap_or_default();
        let carrier = item["deliveryCompanyCode"].as_str().unwrap_or_default();
        let waybill = item["trackingNumber"].as_str().unwrap_or_default();
        let valid = item["deliveryMethod"] == "DELIVERY"
            && CARRIERS.contains(&carrier)
            && !waybill.is_empty()
            && item["dispatchDate"].as_str().and_then(parse_time).is_some();
        if valid && set_status(&s, id, "DELIVERING") {
            if let Ok(mut d) = s.dispatched.lock() {
                d.push(FakeDispatch {
                    product_order_id: id.into(),
                    carrier: carrier.into(),
                    waybill: waybill.into(),
                });
            }
            ok.push(json!(id));
        } else {
            failed.push(json!({"productOrderId": id, "code": "INVALID_DISPATCH", "message": "발송처리 정보 오류"}));
        }
    }
    Json(json!({"data": {"successProductOrderIds": ok, "failProductOrderInfos": failed}}))
        .into_response()
}

/// A running fake SmartStore.
#[derive(Clone)]
pub struct FakeSmartStore {
    /// `http://127.0.0.1:PORT` (stands in for `https://api.commerce.naver.com/external`).
    pub base_url: String,
    shared: Arc<Shared>,
}

impl FakeSmartStore {
    /// Starts the fake.
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the fake SmartStore");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let base = "/v1/pay-order/seller/product-orders";
        let router = Router::new()
            .route("/v1/oauth2/token", post(token))
            .route(&format!("{base}/last-changed-statuses"), get(changed))
            .route(&format!("{base}/query"), post(query))
            .route(&format!("{base}/confirm"), post(confirm))
            .route(&format!("{base}/dispatch"), post(dispatch))
            .route(
                "/v2/products/origin-products/{number}",
                get(products::origin_product),
            )
            .route(
                "/v1/products/origin-products/{number}/option-stock",
                put(products::option_stock),
            )
            .with_state(shared.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { base_url, shared }
    }

    /// A buyer paid for a product order a moment ago.
    pub fn pay(&self, order: FakeProductOrder) {
        if let Ok(mut orders) = self.shared.orders.lock() {
            orders.push((order, Utc::now() - Duration::seconds(1), "PAYED".into()));
        }
    }

    /// The seller lists `product` (its options' codes are the shop's SKU codes); orders of those
    /// options name it as their origin product.
    pub fn list_product(&self, product: FakeOriginProduct) {
        if let Ok(mut products) = self.shared.products.lock() {
            products.push(product);
        }
    }

    /// The stock SmartStore holds for option `code`.
    pub fn stock_of(&self, code: &str) -> Option<i64> {
        let products = self.shared.products.lock().ok()?;
        products
            .iter()
            .flat_map(|p| p.options.iter())
            .find(|o| o.code == code)
            .map(|o| o.stock)
    }

    /// How many stock changes SmartStore took.
    pub fn stock_changes(&self) -> usize {
        self.shared
            .stock_changes
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The next `calls` authenticated calls answer 429.
    pub fn throttle(&self, calls: usize) {
        if let Ok(mut left) = self.shared.unavailable.lock() {
            *left = calls;
        }
    }

    /// Product orders the shop confirmed (발주확인).
    pub fn confirmed(&self) -> Vec<String> {
        self.shared
            .confirmed
            .lock()
            .map(|c| c.clone())
            .unwrap_or_default()
    }

    /// Dispatches the shop sent.
    pub fn dispatched(&self) -> Vec<FakeDispatch> {
        self.shared
            .dispatched
            .lock()
            .map(|d| d.clone())
            .unwrap_or_default()
    }
}
