//! Checkout settings: payment gateway, deadlines, the shop's bank account, points rules, the
//! remote-area table the first start copies into the database, return rules.

use crate::config::Secret;
use serde::Deserialize;

/// A remote-area surcharge for a postcode range (제주/도서산간).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoteAreaConfig {
    /// First postcode.
    pub from: u32,
    /// Last postcode (inclusive).
    pub to: u32,
    /// Extra fee in won.
    pub surcharge: i64,
    /// What it is ("제주", "신안 섬지역").
    #[serde(default)]
    pub label: String,
}

/// The 제주/도서산간 table Korean shops and carriers publish (the same ranges appear in the
/// imweb and CJ대한통운 tables): 제주 3,000원, the islands beyond 5,000원 per parcel. The first
/// start copies it into the database; the back office edits it from then on.
fn default_remote_areas() -> Vec<RemoteAreaConfig> {
    let jeju = 3_000;
    let island = 5_000;
    [
        (63000, 63644, jeju, "제주"),
        (22386, 22388, island, "인천 중구 섬지역"),
        (23004, 23010, island, "인천 강화 섬지역"),
        (23100, 23116, island, "인천 옹진 섬지역"),
        (23124, 23136, island, "인천 옹진 섬지역"),
        (31708, 31708, island, "충남 당진 섬지역"),
        (32133, 32133, island, "충남 태안 섬지역"),
        (33411, 33411, island, "충남 보령 섬지역"),
        (40200, 40240, island, "경북 울릉"),
        (46768, 46771, island, "부산 강서 섬지역"),
        (52570, 52571, island, "경남 사천 섬지역"),
        (53031, 53033, island, "경남 통영 섬지역"),
        (53089, 53104, island, "경남 통영 섬지역"),
        (54000, 54000, island, "전북 군산 섬지역"),
        (56347, 56349, island, "전북 부안 섬지역"),
        (57068, 57069, island, "전남 영광 섬지역"),
        (58760, 58762, island, "전남 목포 섬지역"),
        (58800, 58810, island, "전남 신안 섬지역"),
        (58816, 58818, island, "전남 신안 섬지역"),
        (58826, 58826, island, "전남 신안 섬지역"),
        (58828, 58866, island, "전남 신안 섬지역"),
        (58953, 58958, island, "전남 진도 섬지역"),
        (59102, 59103, island, "전남 완도 섬지역"),
        (59106, 59106, island, "전남 완도 섬지역"),
        (59127, 59127, island, "전남 완도 섬지역"),
        (59129, 59129, island, "전남 완도 섬지역"),
        (59137, 59166, island, "전남 완도 섬지역"),
        (59650, 59650, island, "전남 여수 섬지역"),
        (59766, 59766, island, "전남 여수 섬지역"),
        (59781, 59790, island, "전남 여수 섬지역"),
    ]
    .into_iter()
    .map(|(from, to, surcharge, label)| RemoteAreaConfig {
        from,
        to,
        surcharge,
        label: label.to_owned(),
    })
    .collect()
}

/// The shop's bank account for 무통장입금 (empty until set; bank deposit is offered only then).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct BankAccountConfig {
    /// Bank name.
    pub bank: String,
    /// Account number.
    pub account: String,
    /// Holder.
    pub holder: String,
}

impl BankAccountConfig {
    /// The demo shop's invented account.
    pub fn demo() -> Self {
        Self {
            bank: "국민은행".into(),
            account: "123456-01-234567".into(),
            holder: "(주)장터".into(),
        }
    }

    /// Whether an account is set: bank deposit is offered only then.
    pub fn is_set(&self) -> bool {
        !self.bank.trim().is_empty()
            && !self.account.trim().is_empty()
            && !self.holder.trim().is_empty()
    }
}

/// Where Toss Payments answers.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TossEndpoints {
    /// API base.
    pub api_base: String,
    /// The payment-window SDK loaded by the payment page.
    pub sdk_url: String,
}

impl Default for TossEndpoints {
    fn default() -> Self {
        Self {
            api_base: "https://api.tosspayments.com".into(),
            sdk_url: "https://js.tosspayments.com/v1/payment".into(),
        }
    }
}

/// Where KakaoPay answers.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KakaoPayEndpoints {
    /// API base (the open API).
    pub api_base: String,
}

impl Default for KakaoPayEndpoints {
    fn default() -> Self {
        Self {
            api_base: "https://open-api.kakaopay.com".into(),
        }
    }
}

/// Where PortOne answers.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PortOneEndpoints {
    /// API base (V2).
    pub api_base: String,
    /// The browser SDK loaded by the payment page.
    pub sdk_url: String,
}

impl Default for PortOneEndpoints {
    fn default() -> Self {
        Self {
            api_base: "https://api.portone.io".into(),
            sdk_url: "https://cdn.portone.io/v2/browser-sdk.js".into(),
        }
    }
}

/// NICE 본인확인 (CheckPlus): when set, buyers verify through NICE's window instead of
/// PortOne's 본인인증 channel.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NiceSettings {
    /// Client id of the NICE API contract.
    pub client_id: String,
    /// Its client secret.
    pub client_secret: super::Secret,
    /// API base.
    #[serde(default = "nice_api_base")]
    pub api_base: String,
    /// The window the browser posts to.
    #[serde(default = "nice_window_url")]
    pub window_url: String,
}

fn nice_api_base() -> String {
    "https://svc.niceapi.co.kr:22001".into()
}

fn nice_window_url() -> String {
    "https://nice.checkplus.co.kr/CheckPlusSafeModel/service.cb".into()
}

/// Checkout and payment settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CheckoutConfig {
    /// Payment gateway until the owner chooses one in the back office: `test` (built in;
    /// approves in a demo payment window). Real gateways and their keys are set in 설정 → 결제.
    pub gateway: String,
    /// Toss Payments addresses (sandbox and live share them; tests point them at a fake).
    pub toss: TossEndpoints,
    /// KakaoPay's API address.
    pub kakaopay: KakaoPayEndpoints,
    /// PortOne's addresses.
    pub portone: PortOneEndpoints,
    /// NICE 본인확인, when contracted.
    pub nice: Option<NiceSettings>,
    /// Seconds to wait for a gateway's answer; after that the payment is looked up instead.
    pub gateway_timeout_seconds: u64,
    /// Secret the test gateway signs its payment keys with (default: random per process).
    pub test_gateway_secret: Option<Secret>,
    /// Hours a virtual account or bank deposit stays open.
    pub deposit_hours: i64,
    /// Minutes an immediate payment (card, transfer, easy pay) may stay unfinished before the
    /// order is cancelled and its stock, coupon and points released.
    pub payment_timeout_minutes: i64,
    /// The shop's account for bank deposits.
    pub bank_account: BankAccountConfig,
    /// Remote-area surcharges copied into the database on the first start (default: the
    /// published 제주/도서산간 table); edited in the back office afterwards.
    pub remote_areas: Vec<RemoteAreaConfig>,
    /// Points usable only once the balance reaches this.
    pub points_min_balance: i64,
    /// Smallest points use.
    pub points_min_use: i64,
    /// Largest share of the items paid with points, in percent.
    pub points_max_percent: u32,
    /// Points uses are rounded down to a multiple of this.
    pub points_step: i64,
    /// Days after delivery when a purchase is confirmed automatically.
    pub auto_confirm_days: i64,
    /// Days after delivery when the buyer is asked for a review.
    pub review_request_days: i64,
    /// Days after receipt a buyer may return goods after a change of mind (7 by law; a longer
    /// policy is allowed, a shorter one is raised to 7).
    pub change_of_mind_days: u32,
    /// Return shipping kept from the refund when the buyer pays it (change of mind), in won.
    pub return_shipping_fee: i64,
}

impl Default for CheckoutConfig {
    fn default() -> Self {
        Self {
            gateway: "test".into(),
            toss: TossEndpoints::default(),
            kakaopay: KakaoPayEndpoints::default(),
            portone: PortOneEndpoints::default(),
            nice: None,
            gateway_timeout_seconds: 30,
            test_gateway_secret: None,
            deposit_hours: 72,
            payment_timeout_minutes: 30,
            bank_account: BankAccountConfig::default(),
            remote_areas: default_remote_areas(),
            points_min_balance: 1_000,
            points_min_use: 1_000,
            points_max_percent: 50,
            points_step: 10,
            auto_confirm_days: 7,
            review_request_days: 3,
            change_of_mind_days: 7,
            return_shipping_fee: 3_000,
        }
    }
}
