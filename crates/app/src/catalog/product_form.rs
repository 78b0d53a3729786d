//! The product editor's form as typed, and the parsing of its prices and sale period.

use crate::field_errors::FieldErrors;
use chrono::{DateTime, Utc};
use jangteo_core::time::parse_kst_input;

/// A product as typed in the editor.
#[derive(Debug, Clone, Default)]
pub struct ProductEdit {
    /// Name.
    pub name: String,
    /// One-line summary.
    pub summary: String,
    /// Editor HTML.
    pub description_html: String,
    /// List price as typed.
    pub price: String,
    /// Sale price as typed (empty: none).
    pub sale_price: String,
    /// Sale start as typed in Korean time (`datetime-local`; empty: now).
    pub sale_starts: String,
    /// Sale end as typed in Korean time (empty: open-ended).
    pub sale_ends: String,
    /// `on_sale`, `sold_out`, `hidden`.
    pub state: String,
    /// Featured on the home page.
    pub featured: bool,
    /// Category id as chosen (moving the product).
    pub category_id: String,
    /// Brand.
    pub brand: String,
    /// Tax-free goods (면세).
    pub tax_free: bool,
    /// Sold to verified adults only (19세 이상, 청소년보호법).
    pub adult_only: bool,
    /// Most units per order as typed (empty: no limit).
    pub max_per_order: String,
    /// 상품정보제공고시 category code.
    pub notice_category: String,
    /// The notice's facts by field key.
    pub notice: std::collections::BTreeMap<String, String>,
    /// Shipping profile id as chosen (empty: the shop's default).
    pub shipping_profile: String,
}

/// A sale period as typed (Korean time); each bound optional, the end after the start.
pub(crate) fn sale_period(
    errors: &mut FieldErrors,
    starts: &str,
    ends: &str,
) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let mut bound = |field: &'static str, raw: &str| {
        if raw.trim().is_empty() {
            return None;
        }
        let parsed = parse_kst_input(raw);
        if parsed.is_none() {
            errors.add(field, "invalid_datetime");
        }
        parsed
    };
    let (s, e) = (bound("sale_starts", starts), bound("sale_ends", ends));
    if let (Some(s), Some(e)) = (s, e)
        && e <= s
    {
        errors.add("sale_ends", "period_order");
    }
    (s, e)
}

/// A price as typed: 0 to 1,000,000,000 won.
pub(crate) fn typed_won(raw: &str) -> Result<Option<i64>, jangteo_core::money::NotANumber> {
    match jangteo_core::money::parse_typed_amount(raw)? {
        Some(v) if !(0..=1_000_000_000).contains(&v) => Err(jangteo_core::money::NotANumber),
        other => Ok(other),
    }
}
