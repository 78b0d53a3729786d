//! Membership grades as the owner sets them (issue 17): each grade's benefits and the spending
//! that earns it, and when the evaluation runs over which months.

use crate::Won;
use crate::coupons::Problem;
use crate::money::parse_typed_amount;
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The highest discount a grade may give, in basis points (50 %).
pub const MAX_DISCOUNT_BP: i64 = 5_000;
/// The highest point rate a grade may give, in basis points (20 %).
pub const MAX_POINT_BP: i64 = 2_000;
/// The highest spending threshold a grade may name.
pub const MAX_THRESHOLD: i64 = 1_000_000_000;

/// A grade as typed in the back office.
#[derive(Debug, Clone, Default)]
pub struct GradeDraft<'a> {
    /// The discount on every line, in percent ("3" or "2.5").
    pub discount_percent: &'a str,
    /// The points earned, in percent.
    pub point_percent: &'a str,
    /// Won paid over the window that earns the grade ("300,000").
    pub min_spend: &'a str,
    /// The grade new members get; it must start at 0 won so every member has one.
    pub is_default: bool,
}

/// The benefits and threshold of a valid draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GradeTerms {
    /// Discount, basis points.
    pub discount_bp: i64,
    /// Point rate, basis points.
    pub point_bp: i64,
    /// Least spent over the window.
    pub min_spend: Won,
}

/// A percentage typed with at most two decimals, in basis points.
pub fn percent_bp(raw: &str) -> Option<i64> {
    let raw = raw.trim().trim_end_matches('%').trim();
    let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || whole.len() > 3 || fraction.len() > 2 || !digits(whole) {
        return None;
    }
    if !digits(fraction) {
        return None;
    }
    let fraction = format!("{fraction:0<2}").parse::<i64>().ok()?;
    Some(whole.parse::<i64>().ok()? * 100 + fraction)
}

/// A rate in basis points as the form shows it ("2.5").
pub fn bp_as_percent(bp: i64) -> String {
    match bp % 100 {
        0 => (bp / 100).to_string(),
        r if r % 10 == 0 => format!("{}.{}", bp / 100, r / 10),
        r => format!("{}.{r:02}", bp / 100),
    }
}

impl GradeDraft<'_> {
    /// The draft's terms, or every problem with it.
    pub fn terms(&self) -> Result<GradeTerms, Vec<Problem>> {
        let mut problems = Vec::new();
        let discount = percent_bp(self.discount_percent).filter(|bp| *bp <= MAX_DISCOUNT_BP);
        if discount.is_none() {
            problems.push(("discount_percent", "grade_discount"));
        }
        let points = percent_bp(self.point_percent).filter(|bp| *bp <= MAX_POINT_BP);
        if points.is_none() {
            problems.push(("point_percent", "grade_points"));
        }
        let min_spend = match parse_typed_amount(self.min_spend) {
            Ok(None) => Some(0),
            Ok(Some(n)) if (0..=MAX_THRESHOLD).contains(&n) => Some(n),
            _ => None,
        };
        match min_spend {
            None => problems.push(("min_spend", "grade_threshold")),
            Some(n) if self.is_default && n != 0 => {
                problems.push(("min_spend", "grade_default_threshold"));
            }
            Some(_) => {}
        }
        match (discount, points, min_spend) {
            (Some(discount_bp), Some(point_bp), Some(min)) if problems.is_empty() => {
                Ok(GradeTerms {
                    discount_bp,
                    point_bp,
                    min_spend: Won(min),
                })
            }
            _ => Err(problems),
        }
    }
}

/// When grades are evaluated and over which spending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeSchedule {
    /// Months of paid orders that count (1–24).
    pub window_months: u32,
    /// Day of the month (KST) the evaluation runs (1–28, so every month has it).
    pub evaluation_day: u32,
}

impl Default for GradeSchedule {
    /// The last three months, on the 1st.
    fn default() -> Self {
        Self {
            window_months: 3,
            evaluation_day: 1,
        }
    }
}

impl GradeSchedule {
    /// A schedule from typed values, or every problem with them.
    pub fn typed(window_months: &str, evaluation_day: &str) -> Result<Self, Vec<Problem>> {
        let mut problems = Vec::new();
        let window = window_months.trim().parse::<u32>().ok();
        let window = window.filter(|m| (1..=24).contains(m));
        if window.is_none() {
            problems.push(("window_months", "grade_window"));
        }
        let day = evaluation_day.trim().parse::<u32>().ok();
        let day = day.filter(|d| (1..=28).contains(d));
        if day.is_none() {
            problems.push(("evaluation_day", "grade_day"));
        }
        match (window, day) {
            (Some(window_months), Some(evaluation_day)) => Ok(Self {
                window_months,
                evaluation_day,
            }),
            _ => Err(problems),
        }
    }

    /// Whether the evaluation runs on `today` (KST).
    pub fn runs_on(&self, today: NaiveDate) -> bool {
        today.day() == self.evaluation_day
    }

    /// The first day (KST) whose paid orders count when evaluating on `today`.
    pub fn counts_from(&self, today: NaiveDate) -> NaiveDate {
        today
            .checked_sub_months(Months::new(self.window_months))
            .unwrap_or(NaiveDate::MIN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_take_two_decimals() {
        assert_eq!(percent_bp("3"), Some(300));
        assert_eq!(percent_bp("2.5"), Some(250));
        assert_eq!(percent_bp(" 0.25 % "), Some(25));
        assert_eq!(percent_bp("1.234"), None);
        assert_eq!(percent_bp("-1"), None);
        assert_eq!(percent_bp(""), None);
        assert_eq!(bp_as_percent(250), "2.5");
        assert_eq!(bp_as_percent(25), "0.25");
        assert_eq!(bp_as_percent(300), "3");
    }

    #[test]
    fn every_problem_is_told_at_once() {
        let draft = GradeDraft {
            discount_percent: "60",
            point_percent: "abc",
            min_spend: "100,000",
            is_default: true,
        };
        assert_eq!(
            draft.terms(),
            Err(vec![
                ("discount_percent", "grade_discount"),
                ("point_percent", "grade_points"),
                ("min_spend", "grade_default_threshold"),
            ])
        );
        let ok = GradeDraft {
            discount_percent: "3",
            point_percent: "1.5",
            min_spend: "300,000",
            is_default: false,
        };
        assert_eq!(
            ok.terms(),
            Ok(GradeTerms {
                discount_bp: 300,
                point_bp: 150,
                min_spend: Won(300_000),
            })
        );
    }

    #[test]
    fn the_schedule_names_its_day_and_months() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let s = GradeSchedule::typed("6", "15").unwrap();
        assert!(s.runs_on(day(2026, 12, 15)) && !s.runs_on(day(2026, 12, 1)));
        assert_eq!(s.counts_from(day(2026, 12, 15)), day(2026, 6, 15));
        assert_eq!(
            GradeSchedule::typed("0", "31"),
            Err(vec![
                ("window_months", "grade_window"),
                ("evaluation_day", "grade_day")
            ])
        );
    }
}
