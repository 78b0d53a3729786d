//! Member and order input parsed at the edge into types that cannot hold bad values: e-mail,
//! Korean mobile number, postcode, password, order number.

use serde::Serialize;
use std::fmt;

/// Why an input was refused; the web layer turns the code into a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// Nothing was entered.
    #[error("required")]
    Required,
    /// Not an e-mail address.
    #[error("invalid e-mail")]
    InvalidEmail,
    /// Not a Korean mobile number.
    #[error("invalid mobile number")]
    InvalidMobile,
    /// Not a 5-digit postcode.
    #[error("invalid postcode")]
    InvalidPostcode,
    /// Shorter than [`Password::MIN_LEN`] or without both letters and digits.
    #[error("weak password")]
    WeakPassword,
    /// Longer than allowed.
    #[error("too long")]
    TooLong,
    /// Not a birth date between 1900 and today.
    #[error("invalid birth date")]
    InvalidBirthDate,
}

impl InputError {
    /// Message key suffix (`error.input.<code>`).
    pub fn code(self) -> &'static str {
        match self {
            InputError::Required => "required",
            InputError::InvalidEmail => "invalid_email",
            InputError::InvalidMobile => "invalid_mobile",
            InputError::InvalidPostcode => "invalid_postcode",
            InputError::WeakPassword => "weak_password",
            InputError::TooLong => "too_long",
            InputError::InvalidBirthDate => "invalid_birth_date",
        }
    }
}

/// A normalised (trimmed, lower-cased) e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Email(String);

impl Email {
    /// Parses `raw`: one `@`, a non-empty local part, a dotted domain, no spaces, ≤ 254 chars.
    pub fn parse(raw: &str) -> Result<Email, InputError> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(InputError::Required);
        }
        if s.len() > 254 {
            return Err(InputError::TooLong);
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err(InputError::InvalidEmail);
        };
        let ok = !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if ok {
            Ok(Email(s))
        } else {
            Err(InputError::InvalidEmail)
        }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A Korean mobile number, stored as digits (`01012345678`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct MobileKr(String);

impl MobileKr {
    /// Parses `010-1234-5678`, `01012345678`, `+82 10 1234 5678` and the like (010/011/016–019).
    pub fn parse(raw: &str) -> Result<MobileKr, InputError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(InputError::Required);
        }
        if trimmed
            .chars()
            .any(|c| !(c.is_ascii_digit() || matches!(c, '-' | ' ' | '+' | '(' | ')' | '.')))
        {
            return Err(InputError::InvalidMobile);
        }
        let mut digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        if trimmed.starts_with('+') {
            match digits.strip_prefix("82") {
                Some(rest) => digits = format!("0{}", rest.trim_start_matches('0')),
                None => return Err(InputError::InvalidMobile),
            }
        }
        let prefix_ok = ["010", "011", "016", "017", "018", "019"]
            .iter()
            .any(|p| digits.starts_with(p));
        let len_ok = digits.len() == 11 || (digits.len() == 10 && !digits.starts_with("010"));
        if prefix_ok && len_ok {
            Ok(MobileKr(digits))
        } else {
            Err(InputError::InvalidMobile)
        }
    }

    /// Digits only.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// `010-1234-5678`.
    pub fn formatted(&self) -> String {
        format_mobile(&self.0)
    }
}

/// `01012345678` → `010-1234-5678` (any stored digits; other text unchanged).
pub fn format_mobile(digits: &str) -> String {
    if !digits.chars().all(|c| c.is_ascii_digit()) || !(10..=11).contains(&digits.len()) {
        return digits.to_owned();
    }
    let last = digits.len() - 4;
    format!("{}-{}-{}", &digits[..3], &digits[3..last], &digits[last..])
}

/// A 5-digit Korean postcode (도로명 우편번호, since 2015).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Postcode(String);

impl Postcode {
    /// Parses five digits (surrounding spaces allowed).
    pub fn parse(raw: &str) -> Result<Postcode, InputError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(InputError::Required);
        }
        if s.len() == 5 && s.chars().all(|c| c.is_ascii_digit()) {
            Ok(Postcode(s.to_owned()))
        } else {
            Err(InputError::InvalidPostcode)
        }
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that meets the policy: 8–128 characters with at least one letter and one digit.
/// Never logged, never serialised.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    /// Shortest allowed.
    pub const MIN_LEN: usize = 8;
    /// Longest allowed (argon2 cost stays bounded).
    pub const MAX_LEN: usize = 128;

    /// Checks the policy.
    pub fn parse(raw: &str) -> Result<Password, InputError> {
        let n = raw.chars().count();
        if n == 0 {
            return Err(InputError::Required);
        }
        if n > Self::MAX_LEN {
            return Err(InputError::TooLong);
        }
        let letters = raw.chars().any(char::is_alphabetic);
        let digits = raw.chars().any(|c| c.is_ascii_digit());
        if n < Self::MIN_LEN || !letters || !digits {
            return Err(InputError::WeakPassword);
        }
        Ok(Password(raw.to_owned()))
    }

    /// The secret, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Trims `raw` and checks it is non-empty and at most `max` characters.
pub fn required_text(raw: &str, max: usize) -> Result<String, InputError> {
    let s = raw.trim();
    if s.is_empty() {
        Err(InputError::Required)
    } else if s.chars().count() > max {
        Err(InputError::TooLong)
    } else {
        Ok(s.to_owned())
    }
}

/// Characters of the random part of an order number: no 0/O, 1/I/L, so it reads aloud safely.
const ORDER_ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTUVWXY";

/// An order number `YYYYMMDD-XXXXXX`: the KST date plus six unguessable characters from
/// `random` (30⁶ ≈ 7.3 × 10⁸ per day).
pub fn order_number(kst_date: chrono::NaiveDate, random: [u8; 6]) -> String {
    let suffix: String = random
        .iter()
        .map(|b| ORDER_ALPHABET[usize::from(*b) % ORDER_ALPHABET.len()] as char)
        .collect();
    format!("{}-{suffix}", kst_date.format("%Y%m%d"))
}

/// Whether `raw` has the shape of an order number (checked before any lookup).
pub fn looks_like_order_number(raw: &str) -> bool {
    let b = raw.as_bytes();
    b.len() == 15
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'-'
        && b[9..].iter().all(|c| ORDER_ALPHABET.contains(c))
}

/// A name as lists show it: the middle hidden (홍*동, 김*, J**n); one character stays as it is.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 | 1 => chars.iter().collect(),
        2 => format!("{}*", chars[0]),
        n => {
            let mut out = String::new();
            out.push(chars[0]);
            out.extend(std::iter::repeat_n('*', n - 2));
            out.push(chars[n - 1]);
            out
        }
    }
}

/// A mobile number as lists show it: 010-****-5678 (the middle group hidden).
pub fn mask_mobile(digits: &str) -> String {
    let formatted = format_mobile(digits);
    let parts: Vec<&str> = formatted.split('-').collect();
    match parts.as_slice() {
        [head, middle, tail] => format!("{head}-{}-{tail}", "*".repeat(middle.chars().count())),
        _ => "*".repeat(formatted.chars().count()),
    }
}

/// An e-mail address as lists show it: the first two characters of the local part, then `***`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let shown: String = local.chars().take(2).collect();
            format!("{shown}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse(" Kim@Example.COM ").unwrap().as_str(),
            "kim@example.com"
        );
        for bad in [
            "kim",
            "kim@",
            "@x.com",
            "kim@x",
            "kim@@x.com",
            "k im@x.com",
            "kim@x.com.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Email::parse("  "), Err(InputError::Required));
    }

    #[test]
    fn mobiles_parse_to_digits() {
        for ok in [
            "010-1234-5678",
            "01012345678",
            "+82 10-1234-5678",
            "010 1234 5678",
            "011-123-4567",
        ] {
            assert!(MobileKr::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            MobileKr::parse("+82 10-1234-5678").unwrap().digits(),
            "01012345678"
        );
        for bad in [
            "02-123-4567",
            "010-123-456",
            "0101234567",
            "abc",
            "010-1234-56789",
            "+1 010 1234 5678",
        ] {
            assert!(MobileKr::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(format_mobile("01012345678"), "010-1234-5678");
        assert_eq!(format_mobile("0111234567"), "011-123-4567");
    }

    #[test]
    fn postcodes_and_passwords() {
        assert!(Postcode::parse("06236").is_ok());
        assert!(Postcode::parse("0623").is_err());
        assert!(Postcode::parse("135-080").is_err());
        assert_eq!(Password::parse("short1"), Err(InputError::WeakPassword));
        assert_eq!(
            Password::parse("onlyletters"),
            Err(InputError::WeakPassword)
        );
        assert!(Password::parse("장터비밀번호2026").is_ok());
        assert!(!format!("{:?}", Password::parse("secret123").unwrap()).contains("secret"));
    }

    #[test]
    fn order_numbers_have_the_documented_shape() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let n = order_number(date, [0, 1, 2, 29, 30, 255]);
        assert!(n.starts_with("20261122-"));
        assert!(looks_like_order_number(&n), "{n}");
        assert!(!looks_like_order_number("20261122-8F3K2"));
        assert!(!looks_like_order_number("20261122-0O1IL0"));
        assert!(!looks_like_order_number("' OR 1=1 --    "));
    }

    #[test]
    fn personal_data_is_masked_for_lists() {
        assert_eq!(mask_name("홍길동"), "홍*동");
        assert_eq!(mask_name("김구"), "김*");
        assert_eq!(mask_name("남궁민수"), "남**수");
        assert_eq!(mask_name("J"), "J");
        assert_eq!(mask_mobile("01012345678"), "010-****-5678");
        assert_eq!(mask_mobile("0111234567"), "011-***-4567");
        assert_eq!(mask_email("abcdef@example.com"), "ab***@example.com");
        assert_eq!(mask_email("a@example.com"), "a***@example.com");
        assert_eq!(mask_email("broken"), "***");
    }
}
