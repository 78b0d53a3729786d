//! The demo's 상품정보제공고시: every demo product gets the notice category of its kind of goods
//! with plausible facts, so the demo shows what a complete product page looks like.

use crate::{App, AppResult};
use jangteo_core::ids::CategoryId;
use jangteo_core::product_notice;
use jangteo_db::catalog::product_admin;
use std::collections::BTreeMap;

/// The notice category of a demo category (by its slug), falling back to 기타 재화.
fn notice_code(category_slug: &str) -> &'static str {
    match category_slug {
        "tshirts" | "shirts" | "dresses" | "pants" | "fashion" => "wear",
        "sneakers" | "loafers" | "sandals" | "shoes" => "shoes",
        "totes" | "backpacks" | "bags" => "bags",
        "accessories" => "fashion_goods",
        "skincare" | "makeup" | "bodycare" | "beauty" => "cosmetics",
        "kitchen" | "tableware" => "kitchen",
        "bedding" => "bedding",
        "fruits" => "fresh_food",
        "snacks" | "coffee-tea" | "food" => "processed_food",
        "audio" | "mobile-acc" | "digital" => "digital",
        "appliances" => "home_appliances",
        "fitness" | "outdoor" | "ball-sports" | "sports" => "sports",
        _ => "other",
    }
}

/// A demo fact for a notice field.
fn demo_fact(key: &str, brand: &str) -> String {
    match key {
        "manufacturer" | "producer" => format!("{brand} (데모 제조사)"),
        "country" | "origin" => "대한민국".into(),
        "as_contact" | "consumer_phone" => "장터 데모 고객센터 1588-0000".into(),
        "warranty" => "소비자분쟁해결기준(공정거래위원회 고시)에 따름".into(),
        "kc" | "certification" | "energy_grade" | "import_notice" | "legal" | "gmo" => {
            "해당 없음".into()
        }
        "made" | "released" => "2026년 10월".into(),
        "expiry" => "제조일로부터 12개월".into(),
        "care" | "caution" => "상품 상세 설명의 취급 시 주의사항 참조".into(),
        _ => "상품 상세 설명 참조".into(),
    }
}

impl App {
    /// Gives every demo product without a notice the one of its kind of goods (idempotent).
    pub(crate) async fn fill_demo_notices(&self) -> AppResult<usize> {
        // The tree may have been cached before the demo categories were loaded.
        self.invalidate_catalog();
        let tree = self.category_tree().await?;
        let missing = product_admin::without_notice(&self.db).await?;
        let mut tx = self.db.begin().await?;
        for (id, category_id, brand) in &missing {
            let slug = tree
                .get(CategoryId(*category_id))
                .map_or("", |c| c.slug.as_str());
            let code = notice_code(slug);
            let Some(category) = product_notice::category(code) else {
                continue;
            };
            let brand = brand.as_deref().unwrap_or("장터");
            let facts: BTreeMap<&str, String> = category
                .fields
                .iter()
                .map(|f| (f.key, demo_fact(f.key, brand)))
                .collect();
            let json = serde_json::to_string(&facts).unwrap_or_else(|_| "{}".into());
            product_admin::set_notice(&mut tx, *id, code, &json).await?;
        }
        tx.commit().await?;
        Ok(missing.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mapped_code_is_a_notice_category() {
        for slug in [
            "tshirts",
            "sneakers",
            "totes",
            "accessories",
            "makeup",
            "kitchen",
            "bedding",
            "fruits",
            "snacks",
            "audio",
            "appliances",
            "outdoor",
            "unknown",
        ] {
            assert!(
                product_notice::category(notice_code(slug)).is_some(),
                "{slug}"
            );
        }
    }
}
