//! Gift-card PINs (상품권 핀번호): a digital product is a pool of codes bought in advance, each
//! sold to exactly one order line. This module owns what a PIN looks like for a product, how a
//! staff sheet of PINs is checked before anything is stored, how staff see a PIN (masked) and
//! where a PIN stands.

use chrono::NaiveDate;
use std::collections::HashSet;

/// Longest PIN pattern (and so PIN) accepted.
const MAX_PATTERN: usize = 64;
/// Longest serial (관리번호) kept with a PIN.
const MAX_SERIAL: usize = 64;

/// How a product's PINs are written: `9` a digit, `A` an upper-case letter or digit; `-` and
/// spaces separate groups (shown, never stored). 문화상품권: `9999-9999-9999-9999`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinFormat {
    pattern: String,
}

/// Why a PIN pattern is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PinFormatError {
    /// No `9` or `A` in it.
    #[error("pin_format_empty")]
    Empty,
    /// Longer than 64 characters.
    #[error("pin_format_too_long")]
    TooLong,
    /// A character other than `9`, `A`, `-` or a space.
    #[error("pin_format_invalid")]
    Invalid,
}

impl PinFormatError {
    /// The message code forms show.
    pub fn code(self) -> &'static str {
        match self {
            PinFormatError::Empty => "pin_format_empty",
            PinFormatError::TooLong => "pin_format_too_long",
            PinFormatError::Invalid => "pin_format_invalid",
        }
    }
}

impl PinFormat {
    /// Checks a pattern typed by staff.
    pub fn parse(pattern: &str) -> Result<Self, PinFormatError> {
        let pattern = pattern.trim().to_uppercase();
        if pattern.chars().count() > MAX_PATTERN {
            return Err(PinFormatError::TooLong);
        }
        if !pattern.chars().all(|c| matches!(c, '9' | 'A' | '-' | ' ')) {
            return Err(PinFormatError::Invalid);
        }
        if !pattern.chars().any(|c| matches!(c, '9' | 'A')) {
            return Err(PinFormatError::Empty);
        }
        Ok(Self { pattern })
    }

    /// The pattern as stored.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    fn slots(&self) -> impl Iterator<Item = char> + '_ {
        self.pattern.chars().filter(|c| matches!(c, '9' | 'A'))
    }

    /// The PIN as stored: separators dropped, letters upper-cased; `None` when it does not fit
    /// the pattern.
    pub fn canonical(&self, typed: &str) -> Option<String> {
        let bare: String = typed
            .chars()
            .filter(|c| !matches!(c, '-' | ' '))
            .flat_map(char::to_uppercase)
            .collect();
        let fits = bare.chars().count() == self.slots().count()
            && bare.chars().zip(self.slots()).all(|(c, slot)| match slot {
                '9' => c.is_ascii_digit(),
                _ => c.is_ascii_digit() || c.is_ascii_uppercase(),
            });
        fits.then_some(bare)
    }

    /// A stored PIN as people read it: separators where the pattern has them.
    pub fn display(&self, canonical: &str) -> String {
        let mut chars = canonical.chars();
        let mut out = String::with_capacity(self.pattern.len());
        for slot in self.pattern.chars() {
            match slot {
                '9' | 'A' => match chars.next() {
                    Some(c) => out.push(c),
                    None => break,
                },
                separator => out.push(separator),
            }
        }
        out.extend(chars);
        out
    }

    /// A stored PIN as staff lists show it: only its last four characters.
    pub fn masked(&self, canonical: &str) -> String {
        self.masked_hint(&hint_of(canonical))
    }

    /// A PIN known only by its last characters ([`hint_of`]), masked like [`PinFormat::masked`].
    pub fn masked_hint(&self, hint: &str) -> String {
        let hidden = self.slots().count().saturating_sub(hint.chars().count());
        self.display(&format!("{}{hint}", "*".repeat(hidden)))
    }
}

/// The last four characters of a stored PIN: all staff lists may show of it.
pub fn hint_of(canonical: &str) -> String {
    let count = canonical.chars().count();
    canonical.chars().skip(count.saturating_sub(4)).collect()
}

/// One row of a PIN sheet as typed: the PIN, an optional serial and an optional expiry date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinSheetRow {
    /// Spreadsheet row number.
    pub line: usize,
    /// The PIN as typed.
    pub pin: String,
    /// 관리번호, may be empty.
    pub serial: String,
    /// `YYYY-MM-DD`, may be empty.
    pub expires: String,
}

/// A row that may be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedPin {
    /// Spreadsheet row number.
    pub line: usize,
    /// The PIN as stored.
    pub canonical: String,
    /// 관리번호.
    pub serial: Option<String>,
    /// Last day the PIN can be used.
    pub expires_on: Option<NaiveDate>,
}

/// Why a sheet row is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PinRowError {
    /// The PIN does not fit the product's pattern.
    #[error("pin_bad_format")]
    BadFormat,
    /// The same PIN is on an earlier row of the sheet.
    #[error("pin_duplicate_in_sheet")]
    DuplicateInSheet,
    /// The PIN is in the pool already (found by the caller).
    #[error("pin_duplicate_in_pool")]
    DuplicateInPool,
    /// The serial is longer than 64 characters.
    #[error("pin_bad_serial")]
    BadSerial,
    /// The expiry is not a `YYYY-MM-DD` date.
    #[error("pin_bad_expiry")]
    BadExpiry,
    /// The PIN expired already.
    #[error("pin_expired")]
    Expired,
}

impl PinRowError {
    /// The message code a sheet's result shows.
    pub fn code(self) -> &'static str {
        match self {
            PinRowError::BadFormat => "pin_bad_format",
            PinRowError::DuplicateInSheet => "pin_duplicate_in_sheet",
            PinRowError::DuplicateInPool => "pin_duplicate_in_pool",
            PinRowError::BadSerial => "pin_bad_serial",
            PinRowError::BadExpiry => "pin_bad_expiry",
            PinRowError::Expired => "pin_expired",
        }
    }
}

/// Checks every row of a PIN sheet for `format` on `today` (Korean calendar): each row is kept
/// or refused with its reason, so a dry run can show them all. Duplicates against the pool are
/// the caller's to find.
pub fn check_pin_sheet(
    rows: &[PinSheetRow],
    format: &PinFormat,
    today: NaiveDate,
) -> Vec<Result<CheckedPin, (usize, PinRowError)>> {
    let mut seen = HashSet::new();
    rows.iter()
        .map(|row| {
            let refuse = |e| Err((row.line, e));
            let Some(canonical) = format.canonical(&row.pin) else {
                return refuse(PinRowError::BadFormat);
            };
            if !seen.insert(canonical.clone()) {
                return refuse(PinRowError::DuplicateInSheet);
            }
            let serial = row.serial.trim();
            if serial.chars().count() > MAX_SERIAL {
                return refuse(PinRowError::BadSerial);
            }
            let expires = row.expires.trim();
            let expires_on = if expires.is_empty() {
                None
            } else {
                match NaiveDate::parse_from_str(expires, "%Y-%m-%d") {
                    Ok(day) if day < today => return refuse(PinRowError::Expired),
                    Ok(day) => Some(day),
                    Err(_) => return refuse(PinRowError::BadExpiry),
                }
            };
            Ok(CheckedPin {
                line: row.line,
                canonical,
                serial: (!serial.is_empty()).then(|| serial.to_owned()),
                expires_on,
            })
        })
        .collect()
}

/// Where a PIN stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PinStatus {
    /// In the pool, for sale.
    Available,
    /// Sold to an order line, not shown to the buyer yet.
    Allocated,
    /// Shown to the buyer (or sent): a refund needs staff.
    Revealed,
    /// Taken out of the pool by staff (wrong, used elsewhere).
    Void,
}

impl PinStatus {
    /// Every status.
    pub const ALL: [PinStatus; 4] = [
        PinStatus::Available,
        PinStatus::Allocated,
        PinStatus::Revealed,
        PinStatus::Void,
    ];

    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            PinStatus::Available => "available",
            PinStatus::Allocated => "allocated",
            PinStatus::Revealed => "revealed",
            PinStatus::Void => "void",
        }
    }

    /// Whether staff may take it out of the pool.
    pub fn can_void(self) -> bool {
        self == PinStatus::Available
    }
}

impl std::str::FromStr for PinStatus {
    type Err = crate::order::UnknownState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| crate::order::UnknownState(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn culture() -> PinFormat {
        PinFormat::parse("9999-9999-9999-9999").unwrap()
    }

    fn row(line: usize, pin: &str, expires: &str) -> PinSheetRow {
        PinSheetRow {
            line,
            pin: pin.into(),
            serial: String::new(),
            expires: expires.into(),
        }
    }

    #[test]
    fn patterns_are_digits_letters_and_separators() {
        assert_eq!(
            PinFormat::parse(" aaaa-aaaa ").unwrap().as_str(),
            "AAAA-AAAA"
        );
        assert_eq!(PinFormat::parse("--"), Err(PinFormatError::Empty));
        assert_eq!(PinFormat::parse("9999_9999"), Err(PinFormatError::Invalid));
        assert_eq!(
            PinFormat::parse(&"9".repeat(65)),
            Err(PinFormatError::TooLong)
        );
    }

    #[test]
    fn pins_are_stored_bare_and_shown_grouped() {
        let f = culture();
        let stored = f.canonical("1234 5678-9012 3456").unwrap();
        assert_eq!(stored, "1234567890123456");
        assert_eq!(f.display(&stored), "1234-5678-9012-3456");
        assert_eq!(f.masked(&stored), "****-****-****-3456");
        assert_eq!(f.canonical("1234-5678-9012-345"), None, "one digit short");
        assert_eq!(
            f.canonical("1234-5678-9012-345X"),
            None,
            "a letter where digits go"
        );
        let google = PinFormat::parse("AAAA-AAAA-AAAA-AAAA").unwrap();
        assert_eq!(
            google.canonical("ab12-cd34-ef56-gh78").as_deref(),
            Some("AB12CD34EF56GH78")
        );
    }

    #[test]
    fn a_sheet_is_checked_row_by_row() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let rows = [
            row(2, "1111-2222-3333-4444", "2027-12-31"),
            row(3, "1111 2222 3333 4444", ""),
            row(4, "1111-2222-3333", ""),
            row(5, "5555-6666-7777-8888", "2026-12-05"),
            row(6, "5555-6666-7777-9999", "31/12/2027"),
            row(7, "5555-6666-7777-0000", "2026-12-06"),
        ];
        let checked = check_pin_sheet(&rows, &culture(), today);
        let first = checked[0].as_ref().unwrap();
        assert_eq!(first.expires_on, NaiveDate::from_ymd_opt(2027, 12, 31));
        assert_eq!(first.serial, None);
        let errors: Vec<_> = checked.iter().filter_map(|r| r.clone().err()).collect();
        assert_eq!(
            errors,
            [
                (3, PinRowError::DuplicateInSheet),
                (4, PinRowError::BadFormat),
                (5, PinRowError::Expired),
                (6, PinRowError::BadExpiry),
            ]
        );
        assert!(checked[5].is_ok(), "usable through its last day");
    }

    #[test]
    fn statuses_read_back_and_only_available_pins_are_voided() {
        for status in PinStatus::ALL {
            assert_eq!(status.as_str().parse::<PinStatus>(), Ok(status));
        }
        assert!(PinStatus::Available.can_void() && !PinStatus::Allocated.can_void());
    }
}
