//! Membership loyalty: which grade a member's spending earns, and how points follow goods that
//! leave an order.

use crate::Won;
use crate::order::OrderStatus;
use serde::Deserialize;
use std::collections::BTreeMap;

/// How grades are evaluated: the spending window and the least spent for each grade code.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "GradeRulesInput")]
pub struct GradeRules {
    window_days: i64,
    /// Highest threshold first; the last one is 0 won.
    thresholds: Vec<(String, Won)>,
}

/// Grade rules as configuration writes them.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct GradeRulesInput {
    window_days: i64,
    thresholds: BTreeMap<String, i64>,
}

/// Why grade rules cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GradeRulesError {
    /// The window is shorter than a day.
    #[error("the grade window must be at least one day")]
    Window,
    /// A threshold is below zero.
    #[error("grade `{0}` has a threshold below zero")]
    Negative(String),
    /// No grade starts at 0 won, so some members would have none.
    #[error("one grade must start at 0 won")]
    NoBaseGrade,
}

impl Default for GradeRulesInput {
    fn default() -> Self {
        let rules = GradeRules::default();
        Self {
            window_days: rules.window_days,
            thresholds: rules
                .thresholds
                .into_iter()
                .map(|(code, least)| (code, least.0))
                .collect(),
        }
    }
}

impl TryFrom<GradeRulesInput> for GradeRules {
    type Error = GradeRulesError;

    fn try_from(input: GradeRulesInput) -> Result<Self, Self::Error> {
        GradeRules::new(
            input.window_days,
            input.thresholds.into_iter().map(|(c, w)| (c, Won(w))),
        )
    }
}

impl Default for GradeRules {
    /// What members earn over the last three months: VIP 1,000,000원, 골드 300,000원, 실버
    /// 100,000원, otherwise 일반.
    fn default() -> Self {
        let thresholds = [
            ("vip", 1_000_000),
            ("gold", 300_000),
            ("silver", 100_000),
            ("basic", 0),
        ];
        Self {
            window_days: 90,
            thresholds: thresholds
                .into_iter()
                .map(|(c, w)| (c.to_owned(), Won(w)))
                .collect(),
        }
    }
}

impl GradeRules {
    /// Rules over the last `window_days`, with the least spent per grade code.
    pub fn new(
        window_days: i64,
        thresholds: impl IntoIterator<Item = (String, Won)>,
    ) -> Result<Self, GradeRulesError> {
        if window_days < 1 {
            return Err(GradeRulesError::Window);
        }
        let mut thresholds: Vec<(String, Won)> = thresholds.into_iter().collect();
        if let Some((code, _)) = thresholds.iter().find(|(_, w)| *w < Won::ZERO) {
            return Err(GradeRulesError::Negative(code.clone()));
        }
        thresholds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        if thresholds.last().is_none_or(|(_, w)| *w != Won::ZERO) {
            return Err(GradeRulesError::NoBaseGrade);
        }
        Ok(Self {
            window_days,
            thresholds,
        })
    }

    /// Each grade code with the least spent for it, highest first.
    pub fn thresholds(&self) -> impl Iterator<Item = (&str, Won)> {
        self.thresholds
            .iter()
            .map(|(code, least)| (code.as_str(), *least))
    }

    /// Days of spending that count.
    pub fn window_days(&self) -> i64 {
        self.window_days
    }

    /// The grade code that `spent` over the window earns.
    pub fn grade_for(&self, spent: Won) -> &str {
        self.thresholds
            .iter()
            .find(|(_, least)| spent >= *least)
            .or(self.thresholds.last())
            .map_or("", |(code, _)| code)
    }
}

/// Goods leaving an order (cancelled or returned units).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoodsLeaving {
    /// Goods the order held before (after earlier cancellations and returns).
    pub kept_before: Won,
    /// The leaving goods' share of the money.
    pub amount: Won,
    /// The leaving goods' share of the points spent.
    pub spent_points: i64,
}

/// The point movements when goods leave an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PointsMoves {
    /// Points spent on the goods, given back to the member.
    pub give_back: i64,
    /// The points the order earns from now on (shrunk in proportion to the goods kept).
    pub to_earn: i64,
    /// Points already granted for the goods that left, to take back as far as the member's
    /// balance goes.
    pub take_back: i64,
}

/// Points after goods left an order in `status` that was to earn `points_to_earn`: the points
/// spent on them come back; the points the order earns shrink in proportion to the goods kept;
/// points already granted (purchase confirmed) are taken back for the goods that left.
pub fn points_when_goods_leave(
    points_to_earn: i64,
    status: OrderStatus,
    goods: &GoodsLeaving,
) -> PointsMoves {
    let give_back = goods.spent_points.max(0);
    if points_to_earn <= 0 || goods.kept_before <= Won::ZERO {
        return PointsMoves {
            give_back,
            to_earn: points_to_earn,
            take_back: 0,
        };
    }
    let kept_after = (goods.kept_before.0 - goods.amount.0).max(0);
    let to_earn = i64::try_from(
        i128::from(points_to_earn) * i128::from(kept_after) / i128::from(goods.kept_before.0),
    )
    .unwrap_or(0);
    let granted = status == OrderStatus::Completed;
    PointsMoves {
        give_back,
        to_earn,
        take_back: if granted { points_to_earn - to_earn } else { 0 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_follow_the_thresholds() {
        let rules = GradeRules::default();
        assert_eq!(rules.window_days(), 90);
        assert_eq!(rules.grade_for(Won(0)), "basic");
        assert_eq!(rules.grade_for(Won(99_999)), "basic");
        assert_eq!(rules.grade_for(Won(100_000)), "silver");
        assert_eq!(rules.grade_for(Won(999_999)), "gold");
        assert_eq!(rules.grade_for(Won(5_000_000)), "vip");
        assert_eq!(rules.grade_for(Won(-10)), "basic", "refunds beyond spend");
    }

    #[test]
    fn grade_rules_are_checked() {
        let t = |v: &[(&str, i64)]| {
            v.iter()
                .map(|(c, w)| ((*c).to_owned(), Won(*w)))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            GradeRules::new(0, t(&[("basic", 0)])),
            Err(GradeRulesError::Window)
        );
        assert_eq!(
            GradeRules::new(30, t(&[("vip", 10)])),
            Err(GradeRulesError::NoBaseGrade)
        );
        assert_eq!(
            GradeRules::new(30, t(&[("basic", 0), ("x", -1)])),
            Err(GradeRulesError::Negative("x".into()))
        );
        let rules = GradeRules::new(30, t(&[("basic", 0), ("vip", 50_000)])).unwrap();
        assert_eq!(rules.grade_for(Won(50_000)), "vip");
        assert_eq!(rules.grade_for(Won(49_999)), "basic");
    }

    #[test]
    fn points_follow_the_goods() {
        let goods = GoodsLeaving {
            kept_before: Won(30_000),
            amount: Won(10_000),
            spent_points: 500,
        };
        let paid = points_when_goods_leave(300, OrderStatus::Paid, &goods);
        assert_eq!(
            paid,
            PointsMoves {
                give_back: 500,
                to_earn: 200,
                take_back: 0
            }
        );
        let confirmed = points_when_goods_leave(300, OrderStatus::Completed, &goods);
        assert_eq!((confirmed.to_earn, confirmed.take_back), (200, 100));
        let all = GoodsLeaving {
            amount: Won(30_000),
            ..goods
        };
        assert_eq!(
            points_when_goods_leave(300, OrderStatus::Completed, &all).take_back,
            300
        );
        let nothing_earned = points_when_goods_leave(0, OrderStatus::Completed, &goods);
        assert_eq!((nothing_earned.to_earn, nothing_earned.take_back), (0, 0));
    }
}
