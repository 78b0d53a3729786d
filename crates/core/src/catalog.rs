//! Catalog rules: display states, prices, sorting and what a shopper may see.

use crate::money::Won;
use chrono::{DateTime, Utc};
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

/// A sale set up by staff: a price below the list price, limited to `[starts_at, ends_at)` when
/// those are set (an empty bound is open-ended).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SalePlan {
    /// The sale price.
    pub price: Won,
    /// When the sale starts (none: already running).
    pub starts_at: Option<DateTime<Utc>>,
    /// When the sale ends, exclusive (none: until staff change it).
    pub ends_at: Option<DateTime<Utc>>,
}

impl SalePlan {
    /// Whether the sale runs at `now`.
    pub fn runs_at(&self, now: DateTime<Utc>) -> bool {
        self.starts_at.is_none_or(|s| s <= now) && self.ends_at.is_none_or(|e| now < e)
    }

    /// Whether the period has ended for good (nothing more will change).
    pub fn is_over(&self, now: DateTime<Utc>) -> bool {
        self.ends_at.is_some_and(|e| e <= now)
    }
}

/// The price in force at `now`: the list price, lowered by the sale plan while it runs.
pub fn price_at(list: Won, plan: Option<&SalePlan>, now: DateTime<Utc>) -> Price {
    Price::new(list, plan.filter(|p| p.runs_at(now)).map(|p| p.price))
}

/// Most option groups a product may have (색상 × 사이즈 × 소재).
pub const MAX_OPTION_GROUPS: usize = 3;
/// Most SKUs one product's options may make.
pub const MAX_COMBINATIONS: usize = 300;

/// An option group: its name and values in order.
pub type OptionGroupSpec = (String, Vec<String>);
/// A problem with a typed option row: its index and a message key.
pub type OptionRowProblem = (usize, &'static str);

/// Option groups as typed: one name and a comma-separated list of values each; blank rows are
/// skipped. Returns the groups, or for each bad row its index and a message key.
pub fn parse_option_groups(
    rows: &[(String, String)],
) -> Result<Vec<OptionGroupSpec>, Vec<OptionRowProblem>> {
    let mut groups: Vec<OptionGroupSpec> = Vec::new();
    let mut errors = Vec::new();
    for (i, (name, values)) in rows.iter().enumerate() {
        let name = name.trim();
        let values: Vec<String> = values
            .split([',', '\n'])
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect();
        if name.is_empty() && values.is_empty() {
            continue;
        }
        let problem = if name.is_empty() {
            Some("option_group_name_required")
        } else if values.is_empty() {
            Some("option_values_required")
        } else if name.chars().count() > 20 || values.iter().any(|v| v.chars().count() > 30) {
            Some("option_too_long")
        } else if groups.iter().any(|(n, _)| n == name) {
            Some("option_group_duplicate")
        } else if values
            .iter()
            .enumerate()
            .any(|(vi, v)| values[..vi].contains(v))
        {
            Some("option_value_duplicate")
        } else {
            None
        };
        match problem {
            Some(key) => errors.push((i, key)),
            None => groups.push((name.to_owned(), values)),
        }
    }
    if groups.len() > MAX_OPTION_GROUPS {
        errors.push((rows.len().saturating_sub(1), "option_too_many_groups"));
    }
    let combinations: usize = groups
        .iter()
        .map(|(_, v)| v.len())
        .fold(1usize, usize::saturating_mul);
    if combinations > MAX_COMBINATIONS {
        errors.push((0, "option_too_many_combinations"));
    }
    if errors.is_empty() {
        Ok(groups)
    } else {
        Err(errors)
    }
}

/// Every combination of one value per group as value indexes, the first group changing slowest
/// (블랙/S, 블랙/M, 화이트/S, 화이트/M); no groups make one empty combination.
pub fn option_combinations(value_counts: &[usize]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new()];
    for count in value_counts {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                (0..*count).map(move |v| {
                    let mut next = prefix.clone();
                    next.push(v);
                    next
                })
            })
            .collect();
    }
    out
}

/// Whether a product is sold out for shoppers: by its state, or because no SKU has stock.
pub fn is_sold_out(state: DisplayState, total_stock: i64) -> bool {
    state == DisplayState::SoldOut || total_stock <= 0
}

/// Below or at this many units a SKU shows "품절 임박" unless the owner sets another number.
pub const DEFAULT_LOW_STOCK_THRESHOLD: i64 = 5;

/// The most an owner may set as the "품절 임박" threshold.
pub const MAX_LOW_STOCK_THRESHOLD: i64 = 9_999;

/// What a shopper is told about a SKU's stock: never the exact count, which competitors and
/// scalpers would read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockLevel {
    /// Cannot be bought.
    SoldOut,
    /// At or below the owner's threshold ("품절 임박").
    Low,
    /// Enough to buy.
    Available,
}

impl StockLevel {
    /// Of `stock` units, with the owner's threshold (0 turns "품절 임박" off).
    pub fn of(stock: i64, sold_out: bool, low_threshold: i64) -> Self {
        if sold_out || stock <= 0 {
            StockLevel::SoldOut
        } else if stock <= low_threshold {
            StockLevel::Low
        } else {
            StockLevel::Available
        }
    }

    /// Name for pages and scripts.
    pub fn as_str(self) -> &'static str {
        match self {
            StockLevel::SoldOut => "sold_out",
            StockLevel::Low => "low",
            StockLevel::Available => "available",
        }
    }
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
    fn stock_is_told_as_a_level() {
        assert_eq!(StockLevel::of(0, false, 5), StockLevel::SoldOut);
        assert_eq!(StockLevel::of(3, true, 5), StockLevel::SoldOut);
        assert_eq!(StockLevel::of(5, false, 5), StockLevel::Low);
        assert_eq!(StockLevel::of(6, false, 5), StockLevel::Available);
        assert_eq!(StockLevel::of(1, false, 0), StockLevel::Available, "off");
    }

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

    #[test]
    fn a_sale_runs_only_inside_its_period() {
        use chrono::TimeZone;
        let at = |h: u32| Utc.with_ymd_and_hms(2026, 12, 24, h, 0, 0).unwrap();
        let plan = SalePlan {
            price: Won(8_000),
            starts_at: Some(at(3)),
            ends_at: Some(at(15)),
        };
        let list = Won(10_000);
        assert_eq!(price_at(list, Some(&plan), at(2)).effective(), Won(10_000));
        assert_eq!(
            price_at(list, Some(&plan), at(3)).effective(),
            Won(8_000),
            "start is inclusive"
        );
        assert_eq!(price_at(list, Some(&plan), at(14)).effective(), Won(8_000));
        assert_eq!(
            price_at(list, Some(&plan), at(15)).effective(),
            Won(10_000),
            "end is exclusive"
        );
        assert!(plan.is_over(at(15)) && !plan.is_over(at(14)));
        let open = SalePlan {
            starts_at: None,
            ends_at: None,
            ..plan
        };
        assert_eq!(price_at(list, Some(&open), at(0)).sale, Some(Won(8_000)));
        assert_eq!(price_at(list, None, at(0)).sale, None);
        let not_lower = SalePlan {
            price: Won(12_000),
            ..open
        };
        assert_eq!(
            price_at(list, Some(&not_lower), at(0)).sale,
            None,
            "never above the list price"
        );
    }

    #[test]
    fn typed_option_groups_are_checked() {
        let row = |n: &str, v: &str| (n.to_owned(), v.to_owned());
        let groups = parse_option_groups(&[
            row("색상", "블랙, 화이트,"),
            row("", ""),
            row(" 사이즈 ", "S,M,L"),
        ])
        .unwrap();
        assert_eq!(
            groups,
            vec![
                (
                    "색상".to_owned(),
                    vec!["블랙".to_owned(), "화이트".to_owned()]
                ),
                (
                    "사이즈".to_owned(),
                    vec!["S".into(), "M".into(), "L".into()]
                ),
            ]
        );
        assert_eq!(parse_option_groups(&[]).unwrap(), vec![]);
        let bad = parse_option_groups(&[row("색상", ""), row("", "S"), row("소재", "면, 면")])
            .unwrap_err();
        assert_eq!(
            bad,
            vec![
                (0, "option_values_required"),
                (1, "option_group_name_required"),
                (2, "option_value_duplicate"),
            ]
        );
        let many: String = (0..20).map(|i| format!("{i},")).collect();
        let too_many = parse_option_groups(&[row("a", &many), row("b", &many)]).unwrap_err();
        assert_eq!(too_many, vec![(0, "option_too_many_combinations")]);
        let four =
            parse_option_groups(&[row("a", "1"), row("b", "1"), row("c", "1"), row("d", "1")]);
        assert_eq!(four.unwrap_err(), vec![(3, "option_too_many_groups")]);
    }

    #[test]
    fn combinations_take_one_value_per_group() {
        assert_eq!(option_combinations(&[]), vec![Vec::<usize>::new()]);
        assert_eq!(
            option_combinations(&[2, 3]),
            vec![
                vec![0, 0],
                vec![0, 1],
                vec![0, 2],
                vec![1, 0],
                vec![1, 1],
                vec![1, 2]
            ]
        );
        assert_eq!(option_combinations(&[3, 0]), Vec::<Vec<usize>>::new());
    }
}
