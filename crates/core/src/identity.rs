//! Identity verification rules (본인인증): who counts as an adult for age-restricted goods.

use chrono::{Datelike, NaiveDate};

/// Whether a person born on `birth` may buy goods sold to adults only on `today` (the date in
/// Korea). 청소년보호법 제2조제1호: a 청소년 is under 만 19 years, except one who has reached
/// 1 January of the year they turn 19 — so the rule is by calendar year: this year minus the
/// birth year is at least 19.
pub fn is_adult_for_restricted_goods(birth: NaiveDate, today: NaiveDate) -> bool {
    today.year() - birth.year() >= 19
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn adulthood_for_restricted_goods_goes_by_the_calendar_year() {
        let today = day(2026, 1, 1);
        // Born in 2007: 19 this year from New Year's day, birthday or not.
        assert!(is_adult_for_restricted_goods(day(2007, 12, 31), today));
        assert!(!is_adult_for_restricted_goods(day(2008, 1, 1), today));
        assert!(!is_adult_for_restricted_goods(
            day(2008, 1, 1),
            day(2026, 12, 31)
        ));
        assert!(is_adult_for_restricted_goods(day(1990, 5, 17), today));
    }
}
