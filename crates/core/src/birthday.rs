//! Birthdays: the birth date a member may give in their profile, and whose birthday coupons are
//! due on a day.

use crate::member::InputError;
use chrono::{Datelike, Duration, NaiveDate};

/// A member's birth date: a day between 1900 and today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BirthDate(NaiveDate);

impl BirthDate {
    /// The date typed (`1990-05-17`, `19900517` or `1990.05.17`), none when left empty.
    pub fn parse(raw: &str, today: NaiveDate) -> Result<Option<BirthDate>, InputError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let date = ["%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d"]
            .iter()
            .find_map(|format| NaiveDate::parse_from_str(raw, format).ok())
            .or_else(|| compact(raw))
            .ok_or(InputError::InvalidBirthDate)?;
        let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).expect("a valid date");
        if date < earliest || date > today {
            return Err(InputError::InvalidBirthDate);
        }
        Ok(Some(BirthDate(date)))
    }

    /// The date.
    pub fn date(self) -> NaiveDate {
        self.0
    }

    /// As stored and shown (`1990-05-17`).
    pub fn stored(self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }
}

/// `19900517`.
fn compact(raw: &str) -> Option<NaiveDate> {
    if raw.len() != 8 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| raw[range].parse::<u32>().ok();
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(4..6)?, number(6..8)?)
}

/// Birthdays a day's issuing covers: members born on `month_day` (`MM-DD`, as in the stored
/// date) get their birthday coupons for `year`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BirthdayDue {
    /// `MM-DD`.
    pub month_day: String,
    /// The year the coupons are for.
    pub year: i32,
}

/// Days looked back, today included, so that a day the issuing did not run is caught up.
pub const BIRTHDAY_CATCH_UP_DAYS: i64 = 7;

/// The birthdays due on `today` (KST), oldest first; those born on 29 February celebrate on the
/// 28th in common years.
pub fn birthdays_due(today: NaiveDate) -> Vec<BirthdayDue> {
    (0..BIRTHDAY_CATCH_UP_DAYS)
        .rev()
        .map(|back| today - Duration::days(back))
        .flat_map(|day| {
            let mut due = vec![BirthdayDue {
                month_day: day.format("%m-%d").to_string(),
                year: day.year(),
            }];
            let common_year = NaiveDate::from_ymd_opt(day.year(), 2, 29).is_none();
            if common_year && day.month() == 2 && day.day() == 28 {
                due.push(BirthdayDue {
                    month_day: "02-29".into(),
                    year: day.year(),
                });
            }
            due
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_birth_date_is_optional_and_in_the_past() {
        let today = day(2026, 12, 7);
        assert_eq!(BirthDate::parse("  ", today), Ok(None));
        for typed in ["1990-05-17", "19900517", "1990.05.17", "1990/5/17"] {
            let parsed = BirthDate::parse(typed, today).unwrap().unwrap();
            assert_eq!(parsed.stored(), "1990-05-17", "{typed}");
        }
        for wrong in [
            "2026-12-08",
            "1899-12-31",
            "1990-02-30",
            "17 May",
            "199005170",
        ] {
            assert_eq!(
                BirthDate::parse(wrong, today),
                Err(InputError::InvalidBirthDate),
                "{wrong}"
            );
        }
        assert!(BirthDate::parse("2026-12-07", today).unwrap().is_some());
    }

    #[test]
    fn a_week_of_birthdays_is_due_across_the_year_end() {
        let due = birthdays_due(day(2027, 1, 3));
        assert_eq!(due.len(), 7);
        assert_eq!(
            due.first(),
            Some(&BirthdayDue {
                month_day: "12-28".into(),
                year: 2026
            })
        );
        assert_eq!(
            due.last(),
            Some(&BirthdayDue {
                month_day: "01-03".into(),
                year: 2027
            })
        );
    }

    #[test]
    fn leap_day_birthdays_fall_on_the_28th_in_common_years() {
        let common = birthdays_due(day(2027, 3, 1));
        assert!(
            common
                .iter()
                .any(|d| d.month_day == "02-29" && d.year == 2027)
        );
        let leap = birthdays_due(day(2028, 3, 1));
        assert_eq!(leap.iter().filter(|d| d.month_day == "02-29").count(), 1);
        assert!(leap.iter().any(|d| d.month_day == "02-28"));
    }
}
