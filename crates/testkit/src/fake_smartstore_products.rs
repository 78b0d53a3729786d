//! The product side of the fake SmartStore (docs/PROVIDERS.md §11.1, [CODE]): origin products
//! with option combinations the test lists, `GET /v2/products/origin-products/{no}` and
//! `PUT /v1/products/origin-products/{no}/option-stock`. Strict on what a stock change must
//! carry so that nothing else moves: the sale price as it is, every combination by a known id
//! with its price as it is, `usable` and a whole, non-negative stock.

use crate::fake_smartstore::{Shared, error, guard};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::Arc;

/// An option combination of a listed product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeOption {
    /// The combination id.
    pub id: i64,
    /// The seller's option manage code (the shop's SKU code).
    pub code: String,
    /// Stock at SmartStore.
    pub stock: i64,
    /// Extra price of the option.
    pub price: i64,
}

/// An origin product the seller listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeOriginProduct {
    /// originProductNo.
    pub number: i64,
    /// Sale price.
    pub sale_price: i64,
    /// Its option combinations.
    pub options: Vec<FakeOption>,
}

/// The origin product whose option is `code`.
pub(crate) fn product_of(s: &Shared, code: &str) -> Option<i64> {
    let products = s.products.lock().ok()?;
    products
        .iter()
        .find(|p| p.options.iter().any(|o| o.code == code))
        .map(|p| p.number)
}

fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "상품이 존재하지 않습니다",
    )
}

/// `GET /v2/products/origin-products/{no}`.
pub(crate) async fn origin_product(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(number): Path<i64>,
) -> Response {
    if let Some(refused) = guard(&s, &headers) {
        return refused;
    }
    let products = s.products.lock().map(|p| p.clone()).unwrap_or_default();
    let Some(p) = products.iter().find(|p| p.number == number) else {
        return not_found();
    };
    let combinations: Vec<Value> = p
        .options
        .iter()
        .map(|o| {
            json!({"id": o.id, "optionName1": o.code, "stockQuantity": o.stock,
                        "price": o.price, "sellerManagerCode": o.code, "usable": true})
        })
        .collect();
    let total: i64 = p.options.iter().map(|o| o.stock).sum();
    Json(json!({"originProduct": {
        "statusType": "SALE", "name": "스마트스토어 상품", "salePrice": p.sale_price, "stockQuantity": total,
        "detailAttribute": {"optionInfo": {"optionCombinations": combinations, "useStockManagement": true}},
    }}))
    .into_response()
}

/// Why an option-stock body would move something other than stock, if it would.
fn stock_body_problem(p: &FakeOriginProduct, body: &Value) -> Option<&'static str> {
    if body["productSalePrice"]["salePrice"].as_i64() != Some(p.sale_price) {
        return Some("productSalePrice.salePrice must be the product's sale price");
    }
    if body["optionInfo"]["useStockManagement"] != true {
        return Some("optionInfo.useStockManagement must be true");
    }
    let sent = body["optionInfo"]["optionCombinations"].as_array()?;
    for c in sent {
        let Some(option) = p.options.iter().find(|o| c["id"].as_i64() == Some(o.id)) else {
            return Some("unknown optionCombinations id");
        };
        if c["price"].as_i64() != Some(option.price) || !c["usable"].is_boolean() {
            return Some("each combination carries its price and usable");
        }
        if c["stockQuantity"].as_i64().is_none_or(|n| n < 0) {
            return Some("stockQuantity must be a whole number from 0");
        }
    }
    (sent.len() != p.options.len()).then_some("every combination must be sent")
}

/// `PUT /v1/products/origin-products/{no}/option-stock`.
pub(crate) async fn option_stock(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(number): Path<i64>,
    Json(body): Json<Value>,
) -> Response {
    if let Some(refused) = guard(&s, &headers) {
        return refused;
    }
    let Ok(mut products) = s.products.lock() else {
        return not_found();
    };
    let Some(p) = products.iter_mut().find(|p| p.number == number) else {
        return not_found();
    };
    if body["optionInfo"]["optionCombinations"]
        .as_array()
        .is_none()
    {
        return error(
            StatusCode::BAD_REQUEST,
            "INVALID_INPUT",
            "optionInfo.optionCombinations is required",
        );
    }
    if let Some(problem) = stock_body_problem(p, &body) {
        return error(StatusCode::BAD_REQUEST, "INVALID_INPUT", problem);
    }
    for c in body["optionInfo"]["optionCombinations"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if let Some(option) = p
            .options
            .iter_mut()
            .find(|o| c["id"].as_i64() == Some(o.id))
        {
            option.stock = c["stockQuantity"].as_i64().unwrap_or(option.stock);
        }
    }
    s.stock_changes
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    Json(json!({"timestamp": chrono::Utc::now().to_rfc3339(), "traceId": "fake-trace"}))
        .into_response()
}
