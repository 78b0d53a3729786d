//! Catalog rules: display states, prices, sorting and what a shopper may see.

use crate::money::Won;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How a product is shown in the shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisplayState {
    /// Listed and purchasable (per SKU stock).
    OnSale,
    /// Listed but not purchasable, whatever the stock says.
    SoldOut,
    /// Not shown to shoppers at all.
    Hidden,
}

impl DisplayState {
    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            DisplayState::OnSale => "on_sale",
            DisplayState::SoldOut => "sold_out",
            DisplayState::Hidden => "hidden",
        }
    }

    /// Whether shoppers may see the product.
    pub fn is_listed(self) -> bool {
        !matches!(self, DisplayState::Hidden)
    }
}

/// An unknown display state string.
#[derive(Debug, thiserror::Error)]
#[error("unknown display state: {0}")]
pub struct UnknownDisplayState(pub String);

impl FromStr for DisplayState {
    type Err = UnknownDisplayState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "on_sale" => Ok(DisplayState::OnSale),
            "sold_out" => Ok(DisplayState::SoldOut),
            "hidden" => Ok(DisplayState::Hidden),
            other => Err(UnknownDisplayState(other.to_owned())),
        }
    }
}

impl fmt::Display for DisplayState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A list price with an optional sale price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Price {
    /// The regular (list) price.
    pub list: Won,
    /// The sale price, only when it is really lower than the list price.
    pub sale: Option<Won>,
}

impl Price {
    /// Builds a price; a "sale" price that is not below the list price is ignored.
    pub fn new(list: Won, sale: Option<Won>) -> Self {
        Self {
            list,
            sale: sale.filter(|s| *s < list && s.get() >= 0),
        }
    }

    /// The price of an option combination that costs `extra` more (옵션 추가금액, may be
    /// negative); neither price goes below zero.
    pub fn plus_extra(self, extra: Won) -> Price {
        let add = |w: Won| Won(w.get().saturating_add(extra.get()).max(0));
        Price::new(add(self.list), self.sale.map(add))
    }

    /// What the shopper pays per unit.
    pub fn effective(self) -> Won {
        self.sale.unwrap_or(self.list)
    }

    /// The discount in whole percent, if on sale.
    pub fn discount_percent(self) -> Option<u8> {
        self.sale.and_then(|s| Won::discount_percent(self.list, s))
    }
}

/// Whether a product is sold out for shoppers: by its state, or because no SKU has stock.
pub fn is_sold_out(state: DisplayState, total_stock: i64) -> bool {
    state == DisplayState::SoldOut || total_stock <= 0
}

/// Listing sort orders offered to shoppers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ProductSort {
    /// Newest first (the default).
    #[default]
    New,
    /// Cheapest first (by what the shopper pays).
    PriceAsc,
    /// Most expensive first.
    PriceDesc,
    /// Best-selling first.
    Popular,
}

impl ProductSort {
    /// Every sort, in the order tabs are shown.
    pub const ALL: [ProductSort; 4] = [
        ProductSort::New,
        ProductSort::PriceAsc,
        ProductSort::PriceDesc,
        ProductSort::Popular,
    ];

    /// The key used in URLs (`?sort=price_asc`).
    pub fn key(self) -> &'static str {
        match self {
            ProductSort::New => "new",
            ProductSort::PriceAsc => "price_asc",
            ProductSort::PriceDesc => "price_desc",
            ProductSort::Popular => "popular",
        }
    }

    /// Parses a URL key; anything unknown falls back to the default.
    pub fn from_key(key: Option<&str>) -> Self {
        Self::ALL
            .into_iter()
            .find(|s| Some(s.key()) == key)
            .unwrap_or_default()
    }
}

/// A slug for URLs: lowercase ASCII letters, digits and single dashes, 1–80 characters.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 80
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sale_price_only_counts_when_lower() {
        assert_eq!(
            Price::new(Won(10_000), Some(Won(12_000))).effective(),
            Won(10_000)
        );
        let p = Price::new(Won(29_000), Some(Won(19_900)));
        assert_eq!(p.effective(), Won(19_900));
        assert_eq!(p.discount_percent(), Some(31));
    }

    #[test]
    fn option_extras_shift_both_prices_and_never_go_negative() {
        let p = Price::new(Won(19_000), Some(Won(15_000)));
        assert_eq!(
            p.plus_extra(Won(2_000)),
            Price::new(Won(21_000), Some(Won(17_000)))
        );
        assert_eq!(p.plus_extra(Won(-1_000)).effective(), Won(14_000));
        assert_eq!(p.plus_extra(Won(-50_000)).effective(), Won(0));
        assert_eq!(
            Price::new(Won(10_000), None)
                .plus_extra(Won(500))
                .effective(),
            Won(10_500)
        );
    }

    #[test]
    fn display_state_round_trips() {
        for s in [
            DisplayState::OnSale,
            DisplayState::SoldOut,
            DisplayState::Hidden,
        ] {
            assert_eq!(s.as_str().parse::<DisplayState>().unwrap(), s);
        }
        assert!("deleted".parse::<DisplayState>().is_err());
    }

    #[test]
    fn sort_keys_round_trip_and_default() {
        for s in ProductSort::ALL {
            assert_eq!(ProductSort::from_key(Some(s.key())), s);
        }
        assert_eq!(ProductSort::from_key(Some("'; DROP")), ProductSort::New);
    }

    #[test]
    fn slugs() {
        assert!(is_valid_slug("t-shirts-2"));
        assert!(!is_valid_slug("T-shirts"));
        assert!(!is_valid_slug("a--b"));
        assert!(!is_valid_slug("티셔츠"));
        assert!(!is_valid_slug(""));
    }

    #[test]
    fn sold_out_by_state_or_stock() {
        assert!(is_sold_out(DisplayState::SoldOut, 10));
        assert!(is_sold_out(DisplayState::OnSale, 0));
        assert!(!is_sold_out(DisplayState::OnSale, 1));
    }
}
