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

/// `at` in Korean time as `format` (chrono's `strftime` syntax) writes it.
pub fn format_kst_as(at: DateTime<Utc>, format: &str) -> String {
    at.with_timezone(&Seoul).format(format).to_string()
}

/// `20261123-140512` in Korean time: a stamp for file and batch names.
pub fn kst_stamp(at: DateTime<Utc>) -> String {
    format_kst_as(at, "%Y%m%d-%H%M%S")
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

/// A Korean local time as typed in a `datetime-local` field (`2026-12-24T09:00`, seconds
/// optional, a space instead of `T` allowed), in UTC; `None` when it is not such a time.
pub fn parse_kst_input(raw: &str) -> Option<DateTime<Utc>> {
    use chrono::{NaiveDateTime, TimeZone};
    let raw = raw.trim().replace(' ', "T");
    let local = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&raw, f).ok())?;
    Seoul
        .from_local_datetime(&local)
        .single()
        .map(|d| d.with_timezone(&Utc))
}

/// The value of a `datetime-local` field for an instant: `2026-12-24T09:00` in Korean time.
pub fn format_kst_input(at: DateTime<Utc>) -> String {
    at.with_timezone(&Seoul)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
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

    #[test]
    fn typed_korean_times_round_trip() {
        let at = parse_kst_input("2026-12-24T09:00").unwrap();
        assert_eq!(at, Utc.with_ymd_and_hms(2026, 12, 24, 0, 0, 0).unwrap());
        assert_eq!(format_kst_input(at), "2026-12-24T09:00");
        assert_eq!(
            parse_kst_input(" 2026-12-24 09:00:30 "),
            Some(at + chrono::Duration::seconds(30))
        );
        assert_eq!(parse_kst_input("2026-13-01T00:00"), None);
        assert_eq!(parse_kst_input("내일"), None);
        assert_eq!(parse_kst_input(""), None);
    }
}
