//! Identity verification rules (본인인증): who counts as an adult for age-restricted goods,
//! and what a purchase asks of the buyer's verification in this session.

use chrono::{Datelike, NaiveDate};

/// Whether a person born on `birth` may buy goods sold to adults only on `today` (the date in
/// Korea). 청소년보호법 제2조제1호: a 청소년 is under 만 19 years, except one who has reached
/// 1 January of the year they turn 19 — so the rule is by calendar year: this year minus the
/// birth year is at least 19.
pub fn is_adult_for_restricted_goods(birth: NaiveDate, today: NaiveDate) -> bool {
    today.year() - birth.year() >= 19
}

/// What a cart asks of the buyer before they buy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IdentityNeeds {
    /// It holds gift cards and the owner asks 본인인증 before selling them.
    pub gift_cards: bool,
    /// It holds goods sold to adults only (19세 이상).
    pub adults_only: bool,
}

impl IdentityNeeds {
    /// Whether anything is asked at all.
    pub fn any(self) -> bool {
        self.gift_cards || self.adults_only
    }
}

/// Why a purchase (or a look at adult goods) waits for the buyer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityRefusal {
    /// 본인인증 in this session first.
    NotVerified,
    /// Verified, but not an adult (or no birth date to tell).
    NotAdult,
}

impl IdentityRefusal {
    /// The error code shown.
    pub fn code(self) -> &'static str {
        match self {
            IdentityRefusal::NotVerified => "identity_required",
            IdentityRefusal::NotAdult => "adults_only",
        }
    }
}

/// Whether a buyer whose verification in this session gave `verified_birth` (outer `None`:
/// not verified; inner `None`: no birth date) may go on with what `needs` asks, on `today`.
pub fn check_identity(
    needs: IdentityNeeds,
    verified_birth: Option<Option<NaiveDate>>,
    today: NaiveDate,
) -> Result<(), IdentityRefusal> {
    if !needs.any() {
        return Ok(());
    }
    let Some(birth) = verified_birth else {
        return Err(IdentityRefusal::NotVerified);
    };
    if needs.adults_only && !birth.is_some_and(|b| is_adult_for_restricted_goods(b, today)) {
        return Err(IdentityRefusal::NotAdult);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purchases_wait_for_what_the_cart_asks() {
        let today = day(2026, 12, 7);
        let adult = Some(Some(day(1990, 5, 17)));
        let minor = Some(Some(day(2010, 1, 1)));
        let none = IdentityNeeds::default();
        let cards = IdentityNeeds {
            gift_cards: true,
            ..none
        };
        let adults = IdentityNeeds {
            adults_only: true,
            ..none
        };
        assert_eq!(check_identity(none, None, today), Ok(()));
        assert_eq!(
            check_identity(cards, None, today),
            Err(IdentityRefusal::NotVerified)
        );
        assert_eq!(check_identity(cards, minor, today), Ok(()));
        assert_eq!(
            check_identity(adults, minor, today),
            Err(IdentityRefusal::NotAdult)
        );
        assert_eq!(
            check_identity(adults, Some(None), today),
            Err(IdentityRefusal::NotAdult),
            "no birth date proves no age"
        );
        assert_eq!(check_identity(adults, adult, today), Ok(()));
        assert_eq!(IdentityRefusal::NotAdult.code(), "adults_only");
    }

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
