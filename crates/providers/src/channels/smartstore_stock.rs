//! Stock back to SmartStore (docs/PROVIDERS.md §11.1, [CODE]): the origin product is read
//! (`GET /v2/products/origin-products/{no}`) and its option combinations written back whole with
//! the one option's stock changed (`PUT /v1/products/origin-products/{no}/option-stock`), so no
//! other option's stock or price moves; a product without options sends its own stock. A
//! listing is `{originProductNo}/{option manage code}`.

use super::ChannelError;
use super::smartstore::SmartStore;
use serde_json::{Value, json};

fn refused(code: &str, message: String) -> ChannelError {
    ChannelError::Refused {
        code: code.to_owned(),
        message,
    }
}

/// The option-stock body: every combination as it is, `code`'s stock set to `stock`; `None`
/// when the product has options and none is `code`.
pub(super) fn option_stock_body(origin: &Value, code: &str, stock: i64) -> Option<Value> {
    let sale_price = json!({"salePrice": origin["salePrice"]});
    let combinations = origin["detailAttribute"]["optionInfo"]["optionCombinations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if combinations.is_empty() {
        return Some(json!({"productSalePrice": sale_price, "stockQuantity": stock.max(0)}));
    }
    if !combinations.iter().any(|c| c["sellerManagerCode"] == code) {
        return None;
    }
    let options: Vec<Value> = combinations
        .iter()
        .map(|c| {
            let quantity = match c["sellerManagerCode"] == code {
                true => json!(stock.max(0)),
                false => c["stockQuantity"].clone(),
            };
            json!({"id": c["id"], "stockQuantity": quantity, "price": c["price"], "usable": c["usable"]})
        })
        .collect();
    Some(json!({
        "productSalePrice": sale_price,
        "optionInfo": {"optionCombinations": options, "useStockManagement": true},
    }))
}

impl SmartStore {
    /// Sets the stock of listing `{originProductNo}/{option code}`.
    pub(super) async fn send_stock(&self, listing: &str, stock: i64) -> Result<(), ChannelError> {
        let Some((product, code)) = listing.split_once('/') else {
            return Err(refused("BAD_LISTING", format!("not a listing: {listing}")));
        };
        let path = format!("/v1/products/origin-products/{product}/option-stock");
        let current = self
            .get(&format!("/v2/products/origin-products/{product}"), &[])
            .await?;
        let body = option_stock_body(&current["originProduct"], code, stock).ok_or_else(|| {
            refused(
                "UNKNOWN_OPTION",
                format!("상품 {product}에 옵션 관리 코드 {code}가 없습니다"),
            )
        })?;
        self.put(&path, &body).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_option_sold_changes() {
        let origin = json!({"salePrice": 19_000, "detailAttribute": {"optionInfo": {"optionCombinations": [
            {"id": 1, "stockQuantity": 4, "price": 0, "sellerManagerCode": "TSHIRT-M", "usable": true},
            {"id": 2, "stockQuantity": 9, "price": 2_000, "sellerManagerCode": "TSHIRT-L", "usable": false},
        ]}}});
        let body = option_stock_body(&origin, "TSHIRT-L", 3).unwrap();
        let options = &body["optionInfo"]["optionCombinations"];
        assert_eq!(options[0]["stockQuantity"], 4);
        assert_eq!(options[1]["stockQuantity"], 3);
        assert_eq!(options[1]["price"], 2_000);
        assert_eq!(options[1]["usable"], false);
        assert_eq!(body["productSalePrice"]["salePrice"], 19_000);
        assert!(option_stock_body(&origin, "JEANS", 1).is_none());
        let single = option_stock_body(&json!({"salePrice": 5_000}), "JEANS", -2).unwrap();
        assert_eq!(single["stockQuantity"], 0);
    }
}
