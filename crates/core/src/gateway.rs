//! Which payment gateway takes the shop's money, and what its keys say about the mode: a Toss
//! `test_` key never moves money, a `live_` key does, and the two halves of a pair must agree.

use crate::payment::PaymentMethod;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A payment gateway the shop can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GatewayProvider {
    /// The built-in test gateway (demo and development; no money moves).
    Test,
    /// Toss Payments.
    Toss,
    /// KakaoPay (single payments; only the KakaoPay method).
    KakaoPay,
    /// PortOne V2 (cards, transfers, virtual accounts, escrow; NaverPay on its own channel).
    PortOne,
}

impl GatewayProvider {
    /// Every provider, in the order the back office lists them.
    pub const ALL: [GatewayProvider; 4] = [
        GatewayProvider::Test,
        GatewayProvider::Toss,
        GatewayProvider::PortOne,
        GatewayProvider::KakaoPay,
    ];

    /// The providers that can be the main gateway (card, transfer, virtual account).
    pub const MAIN: [GatewayProvider; 3] = [
        GatewayProvider::Test,
        GatewayProvider::Toss,
        GatewayProvider::PortOne,
    ];

    /// Stored code (also the webhook path segment and the payment row's provider).
    pub fn as_str(self) -> &'static str {
        match self {
            GatewayProvider::Test => "test",
            GatewayProvider::Toss => "toss",
            GatewayProvider::KakaoPay => "kakaopay",
            GatewayProvider::PortOne => "portone",
        }
    }

    /// The company that processes payment data (named in the privacy policy as 수탁자).
    pub fn company(self) -> &'static str {
        match self {
            GatewayProvider::Test => "테스트 결제",
            GatewayProvider::Toss => "토스페이먼츠(주)",
            GatewayProvider::KakaoPay => "(주)카카오페이",
            GatewayProvider::PortOne => "(주)코리아포트원",
        }
    }
}

impl fmt::Display for GatewayProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for GatewayProvider {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| format!("unknown payment gateway {s:?}"))
    }
}

/// Whether a gateway moves real money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GatewayMode {
    /// Sandbox keys: payments are simulated by the gateway.
    Test,
    /// Live keys: real money.
    Live,
}

impl GatewayMode {
    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            GatewayMode::Test => "test",
            GatewayMode::Live => "live",
        }
    }
}

/// What is wrong with a pair of keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyProblem {
    /// The client key is not `test_ck_…`/`live_ck_…` (or the widget's `…_gck_…`).
    ClientKeyFormat,
    /// The secret key is not `test_sk_…`/`live_sk_…` (or the widget's `…_gsk_…`).
    SecretKeyFormat,
    /// One key is a test key and the other a live key.
    ModeMismatch,
    /// A widget key paired with a window key (Toss refuses such a confirm).
    KindMismatch,
}

impl KeyProblem {
    /// Message key of the form error about KakaoPay keys.
    pub fn kakaopay_code(self) -> &'static str {
        match self {
            KeyProblem::ClientKeyFormat => "kakaopay_cid_format",
            KeyProblem::SecretKeyFormat | KeyProblem::KindMismatch => "kakaopay_secret_key_format",
            KeyProblem::ModeMismatch => "kakaopay_key_mode_mismatch",
        }
    }

    /// Message key of the form error about Toss keys.
    pub fn code(self) -> &'static str {
        match self {
            KeyProblem::ClientKeyFormat => "toss_client_key_format",
            KeyProblem::SecretKeyFormat => "toss_secret_key_format",
            KeyProblem::ModeMismatch => "toss_key_mode_mismatch",
            KeyProblem::KindMismatch => "toss_key_kind_mismatch",
        }
    }
}

/// Splits `test_ck_…` into (mode, kind "ck") when it is a well-formed key of one of `kinds`.
fn toss_key<'a>(key: &'a str, kinds: [&'a str; 2]) -> Option<(GatewayMode, &'a str)> {
    let (mode, rest) = if let Some(rest) = key.strip_prefix("test_") {
        (GatewayMode::Test, rest)
    } else {
        (GatewayMode::Live, key.strip_prefix("live_")?)
    };
    let (kind, body) = rest.split_once('_')?;
    let well_formed =
        !body.is_empty() && body.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    (kinds.contains(&kind) && well_formed).then_some((mode, kind))
}

/// The mode a pair of Toss Payments keys runs in (docs/PROVIDERS.md §1.1).
pub fn toss_key_mode(client_key: &str, secret_key: &str) -> Result<GatewayMode, KeyProblem> {
    let (client_mode, client_kind) =
        toss_key(client_key.trim(), ["ck", "gck"]).ok_or(KeyProblem::ClientKeyFormat)?;
    let (secret_mode, secret_kind) =
        toss_key(secret_key.trim(), ["sk", "gsk"]).ok_or(KeyProblem::SecretKeyFormat)?;
    if client_mode != secret_mode {
        return Err(KeyProblem::ModeMismatch);
    }
    if (client_kind == "gck") != (secret_kind == "gsk") {
        return Err(KeyProblem::KindMismatch);
    }
    Ok(client_mode)
}

/// What the owner connected beside the main gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Connected {
    /// KakaoPay's own keys.
    pub kakaopay: bool,
    /// A NaverPay channel on PortOne (PortOne being the main gateway).
    pub naverpay: bool,
}

/// The gateway a payment with `method` goes through: KakaoPay through KakaoPay when the owner
/// connected it, NaverPay through PortOne's NaverPay channel (the built-in test gateway stands in
/// for both in the demo), everything else through the main gateway. `None`: the method cannot be
/// offered.
pub fn gateway_for(
    method: PaymentMethod,
    main: GatewayProvider,
    connected: Connected,
) -> Option<GatewayProvider> {
    match method {
        PaymentMethod::KakaoPay if connected.kakaopay => Some(GatewayProvider::KakaoPay),
        PaymentMethod::NaverPay if connected.naverpay && main == GatewayProvider::PortOne => {
            Some(main)
        }
        PaymentMethod::KakaoPay | PaymentMethod::NaverPay => {
            (main == GatewayProvider::Test).then_some(main)
        }
        _ => Some(main),
    }
}

/// The mode of KakaoPay keys: test secret keys start with `DEV` and the test CID is
/// `TC0ONETIME` (docs/PROVIDERS.md §2.1); a test CID with a live key (or the reverse) is refused.
pub fn kakaopay_key_mode(cid: &str, secret_key: &str) -> Result<GatewayMode, KeyProblem> {
    let (cid, secret) = (cid.trim(), secret_key.trim());
    if cid.len() != 10 || !cid.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(KeyProblem::ClientKeyFormat);
    }
    if secret.len() < 8 || !secret.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(KeyProblem::SecretKeyFormat);
    }
    let test_key = secret.starts_with("DEV");
    if (cid == "TC0ONETIME") != test_key {
        return Err(KeyProblem::ModeMismatch);
    }
    Ok(if test_key {
        GatewayMode::Test
    } else {
        GatewayMode::Live
    })
}

/// Toss bank codes and the bank's name (virtual accounts are issued at, and refunds paid to,
/// these).
pub const TOSS_BANKS: [(&str, &str); 17] = [
    ("88", "신한은행"),
    ("06", "KB국민은행"),
    ("20", "우리은행"),
    ("81", "하나은행"),
    ("11", "NH농협은행"),
    ("03", "IBK기업은행"),
    ("90", "카카오뱅크"),
    ("92", "토스뱅크"),
    ("89", "케이뱅크"),
    ("32", "부산은행"),
    ("39", "경남은행"),
    ("34", "광주은행"),
    ("31", "iM뱅크(대구)"),
    ("37", "전북은행"),
    ("45", "새마을금고"),
    ("07", "Sh수협은행"),
    ("71", "우체국예금보험"),
];

/// The name of a Toss bank code.
pub fn toss_bank_name(code: &str) -> Option<&'static str> {
    TOSS_BANKS.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toss_keys_tell_the_mode_and_must_agree() {
        let ok = toss_key_mode(
            "test_ck_D5GePWvyJnrK0W0k6q8gLzN97Eoq",
            "test_sk_zXLkKEypNArWmo50nX3lmeaxYG5R",
        );
        assert_eq!(ok, Ok(GatewayMode::Test));
        assert_eq!(
            toss_key_mode("live_gck_abc", "live_gsk_def"),
            Ok(GatewayMode::Live)
        );
        assert_eq!(
            toss_key_mode("test_ck_abc", "live_sk_def"),
            Err(KeyProblem::ModeMismatch)
        );
        assert_eq!(
            toss_key_mode("test_gck_abc", "test_sk_def"),
            Err(KeyProblem::KindMismatch)
        );
        assert_eq!(
            toss_key_mode("test_sk_abc", "test_sk_def"),
            Err(KeyProblem::ClientKeyFormat)
        );
        assert_eq!(
            toss_key_mode("test_ck_abc", "sk_def"),
            Err(KeyProblem::SecretKeyFormat)
        );
        assert_eq!(
            toss_key_mode("test_ck_", "test_sk_x"),
            Err(KeyProblem::ClientKeyFormat)
        );
        assert_eq!(
            toss_key_mode("test_ck_a b", "test_sk_x"),
            Err(KeyProblem::ClientKeyFormat)
        );
    }

    #[test]
    fn kakaopay_goes_through_kakaopay_or_the_demo_gateway() {
        use GatewayProvider::*;
        let kakaopay = Connected {
            kakaopay: true,
            naverpay: false,
        };
        let naverpay = Connected {
            kakaopay: false,
            naverpay: true,
        };
        let none = Connected::default();
        assert_eq!(
            gateway_for(PaymentMethod::KakaoPay, Toss, kakaopay),
            Some(KakaoPay)
        );
        assert_eq!(gateway_for(PaymentMethod::KakaoPay, Toss, none), None);
        assert_eq!(gateway_for(PaymentMethod::KakaoPay, Test, none), Some(Test));
        assert_eq!(gateway_for(PaymentMethod::Card, Toss, kakaopay), Some(Toss));
        assert_eq!(
            gateway_for(PaymentMethod::NaverPay, PortOne, naverpay),
            Some(PortOne)
        );
        assert_eq!(gateway_for(PaymentMethod::NaverPay, PortOne, none), None);
        assert_eq!(gateway_for(PaymentMethod::NaverPay, Toss, naverpay), None);
        assert_eq!(gateway_for(PaymentMethod::NaverPay, Test, none), Some(Test));
        assert_eq!(
            kakaopay_key_mode("TC0ONETIME", "DEV1234567890ABCD"),
            Ok(GatewayMode::Test)
        );
        assert_eq!(
            kakaopay_key_mode("CAJT123456", "PRD1234567890ABCD"),
            Ok(GatewayMode::Live)
        );
        assert_eq!(
            kakaopay_key_mode("TC0ONETIME", "PRD1234567890ABCD"),
            Err(KeyProblem::ModeMismatch)
        );
        assert_eq!(
            kakaopay_key_mode("TC0", "DEV1234567890ABCD"),
            Err(KeyProblem::ClientKeyFormat)
        );
    }

    #[test]
    fn providers_round_trip_their_codes() {
        for p in GatewayProvider::ALL {
            assert_eq!(p.as_str().parse::<GatewayProvider>(), Ok(p));
        }
        assert!("inicis".parse::<GatewayProvider>().is_err());
    }
}
