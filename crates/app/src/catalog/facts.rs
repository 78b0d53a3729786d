//! What a product states beyond its name and price: brand, category, tax-free (면세), the most
//! units per order, and the 상품정보제공고시 facts with the shop's trade terms. A product is shown
//! to shoppers only once its notice is complete.

use crate::App;
use crate::catalog::CategoryTree;
use crate::catalog::product_form::ProductEdit;
use crate::field_errors::FieldErrors;
use jangteo_core::catalog::DisplayState;
use jangteo_core::ids::CategoryId;
use jangteo_core::product_notice::{self, NoticeGap};
use jangteo_db::catalog::products::ProductRow;
use std::collections::BTreeMap;

/// The facts of a product as validated for saving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProductFacts {
    /// Category.
    pub category_id: i64,
    /// Brand (empty: none).
    pub brand: String,
    /// Notice category code.
    pub notice_category: Option<String>,
    /// Notice facts (only the category's fields).
    pub notice: BTreeMap<String, String>,
    /// Tax-free goods.
    pub tax_free: bool,
    /// Sold to verified adults only (19세 이상).
    pub adult_only: bool,
    /// Most units per order.
    pub max_per_order: Option<i64>,
    /// Shipping profile (`None`: the default).
    pub shipping_profile: Option<i64>,
}

impl ProductFacts {
    /// The facts as stored JSON.
    pub fn notice_json(&self) -> String {
        serde_json::to_string(&self.notice).unwrap_or_else(|_| "{}".into())
    }
}

/// A product's stored notice facts.
pub fn notice_values(row: &ProductRow) -> BTreeMap<String, String> {
    serde_json::from_str(&row.notice_json).unwrap_or_default()
}

/// Checks the editor's facts; a product that shoppers see (on sale or sold out) needs a complete
/// notice.
pub(crate) fn parse_facts(
    errors: &mut FieldErrors,
    edit: &ProductEdit,
    tree: &CategoryTree,
    profiles: &[i64],
    state: Option<DisplayState>,
) -> Option<ProductFacts> {
    let shipping_profile = match edit.shipping_profile.trim() {
        "" => Ok(None),
        raw => raw
            .parse::<i64>()
            .ok()
            .filter(|id| profiles.contains(id))
            .map(Some)
            .ok_or(()),
    };
    if shipping_profile.is_err() {
        errors.add("shipping_profile", "required");
    }
    let category_id = edit
        .category_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| tree.get(CategoryId(*id)).is_some());
    if category_id.is_none() {
        errors.add("category_id", "required");
    }
    let brand = edit.brand.trim().to_owned();
    if brand.chars().count() > 60 {
        errors.add("brand", "too_long");
    }
    let max_per_order = match edit.max_per_order.trim() {
        "" => Ok(None),
        raw => raw
            .replace(',', "")
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=9_999).contains(n))
            .map(Some)
            .ok_or(()),
    };
    if max_per_order.is_err() {
        errors.add("max_per_order", "invalid_quantity");
    }
    let code = edit.notice_category.trim();
    let notice_category = product_notice::category(code).map(|c| c.code.to_owned());
    if !code.is_empty() && notice_category.is_none() {
        errors.add("notice_category", "required");
    }
    let notice = notice_category
        .as_deref()
        .map(|c| product_notice::keep_fields(c, &edit.notice))
        .unwrap_or_default();
    if notice.values().any(|v| v.chars().count() > 1_000) {
        errors.add("notice", "too_long");
    }
    let shown = state.is_some_and(|s| s != DisplayState::Hidden);
    if shown {
        match product_notice::check(notice_category.as_deref(), &notice) {
            Ok(()) => {}
            Err(NoticeGap::NoCategory) => errors.add("notice_category", "notice_required"),
            Err(NoticeGap::Missing(_)) => errors.add("notice", "notice_incomplete"),
        }
    }
    Some(ProductFacts {
        category_id: category_id?,
        brand,
        notice_category,
        notice,
        tax_free: edit.tax_free,
        adult_only: edit.adult_only,
        max_per_order: max_per_order.ok()?,
        shipping_profile: shipping_profile.ok()?,
    })
}

/// A shipping rule in words ("50,000원 이상 무료, 그 밖에는 3,000원").
pub fn shipping_fee_text(rule: jangteo_core::pricing::ShippingRule) -> String {
    use jangteo_core::pricing::ShippingRule;
    let won = |w: jangteo_core::Won| format!("{}원", jangteo_core::money::group_thousands(w.get()));
    match rule {
        ShippingRule::Free => "무료".into(),
        ShippingRule::Fixed { fee } => won(fee),
        ShippingRule::FreeOver { fee, threshold } => {
            format!("{} 이상 무료, 그 밖에는 {}", won(threshold), won(fee))
        }
        ShippingRule::PerQuantity { fee, units } => format!("{units}개마다 {}", won(fee)),
    }
}

/// One row of the trade terms the product page shows under the notice.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TradeTerm {
    /// What it is about.
    pub label: &'static str,
    /// The shop's terms.
    pub text: String,
}

impl App {
    /// The trade terms every product page states (고시 공통 항목: 배송, 청약철회, 반품 비용,
    /// 교환·반품·보증 조건, 피해보상·환불 지연 배상), from the settings; an owner's own wording in
    /// `shop.trade_terms` replaces the generated one.
    pub async fn trade_terms(&self) -> crate::AppResult<Vec<TradeTerm>> {
        let fee_text = shipping_fee_text(self.shipping_policy().await?.default_rule);
        let c = &self.config;
        let own = &c.shop.trade_terms;
        let won = jangteo_core::money::group_thousands;
        let days = c.checkout.change_of_mind_days.max(7);
        let fee = c.checkout.return_shipping_fee;
        let pick = |own: &str, generated: String| {
            if own.trim().is_empty() {
                generated
            } else {
                own.trim().to_owned()
            }
        };
        Ok(vec![
            TradeTerm {
                label: "배송 방법·기간",
                text: pick(
                    &own.delivery,
                    format!(
                        "택배. 결제 확인 후 1–3 영업일 안에 출고하며 받기까지 보통 1–2일 더 걸립니다. 기본 배송비: {fee_text} (상품마다 다를 수 있고, 제주·도서산간은 추가 운임)."
                    ),
                ),
            },
            TradeTerm {
                label: "청약철회 가능 여부와 기한",
                text: pick(
                    &own.withdrawal,
                    format!(
                        "상품을 받은 날부터 {days}일 이내에 청약철회(반품)할 수 있습니다. 상품이 표시·광고 내용과 다르거나 계약과 다르게 이행된 경우 받은 날부터 3개월, 그 사실을 안 날부터 30일 이내에 할 수 있습니다 (전자상거래법 제17조)."
                    ),
                ),
            },
            TradeTerm {
                label: "반품 비용",
                text: pick(
                    &own.return_cost,
                    format!(
                        "단순 변심에 의한 반품은 반품 배송비 {}원을 구매자가 부담합니다. 상품 하자·오배송은 판매자가 부담합니다.",
                        won(fee)
                    ),
                ),
            },
            TradeTerm {
                label: "교환·반품·보증 조건",
                text: pick(
                    &own.exchange,
                    "상품 하자의 교환·반품·보증과 품질보증기준은 소비자분쟁해결기준(공정거래위원회 고시)에 따릅니다. 구매자의 책임으로 상품이 멸실·훼손된 경우 등 전자상거래법 제17조②에 해당하면 청약철회가 제한됩니다.".into(),
                ),
            },
            TradeTerm {
                label: "피해보상·환불 지연 배상",
                text: pick(
                    &own.compensation,
                    "상품 불량에 의한 피해보상은 소비자분쟁해결기준에 따릅니다. 반품된 상품을 받은 날부터 3영업일 안에 환불하며, 늦어지면 지연 기간에 대해 연 15%의 지연배상금을 함께 지급합니다 (전자상거래법 제18조, 시행령 제21조의3).".into(),
                ),
            },
        ])
    }
}
