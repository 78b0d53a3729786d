//! Time rules: everything is stored in UTC; the shop's business calendar is Asia/Seoul.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Asia::Seoul;

/// The Korean calendar date of an instant (what "today" means for sales and schedules).
pub fn business_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Seoul).date_naive()
}

/// `2026-11-23 14:05` in Korean time.
pub fn format_kst(at: DateTime<Utc>) -> String {
    at.with_timezone(&Seoul)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The instant a KST business day starts (00:00 Asia/Seoul), in UTC.
pub fn start_of_business_day(date: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    // Korea has no daylight saving time: midnight always exists exactly once.
    Seoul.from_local_datetime(&midnight).earliest().map_or_else(
        || Utc.from_utc_datetime(&midnight),
        |d| d.with_timezone(&Utc),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn korean_midnight_starts_the_next_business_day() {
        let utc = Utc.with_ymd_and_hms(2026, 11, 22, 15, 0, 0).unwrap();
        assert_eq!(business_date(utc).to_string(), "2026-11-23");
        assert_eq!(format_kst(utc), "2026-11-23 00:00");
        let before = Utc.with_ymd_and_hms(2026, 11, 22, 14, 59, 0).unwrap();
        assert_eq!(business_date(before).to_string(), "2026-11-22");
    }
}
