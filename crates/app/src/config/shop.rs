//! The shop's identity in the configuration: name, seller information the law asks every page
//! to show, and the wording of the product pages' trade terms.

use serde::Deserialize;

/// The shop's identity and policies.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShopConfig {
    /// Shop name.
    pub name: String,
    /// Short slogan.
    pub tagline: String,
    /// Orders at or above this amount (won) ship free.
    pub free_shipping_threshold: i64,
    /// Base shipping fee (won).
    pub shipping_fee: i64,
    /// Seller information Korean law requires on every page (전자상거래법 10조).
    pub business: BusinessInfo,
    /// The shop's own wording of the trade terms on product pages (empty: generated).
    pub trade_terms: TradeTermsConfig,
}

/// The trade terms product pages state under the 상품정보제공고시; each one left empty is
/// generated from the shipping, return and withdrawal settings.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct TradeTermsConfig {
    /// 배송 방법·기간.
    pub delivery: String,
    /// 청약철회 가능 여부와 기한.
    pub withdrawal: String,
    /// 반품 비용.
    pub return_cost: String,
    /// 교환·반품·보증 조건.
    pub exchange: String,
    /// 피해보상·환불 지연 배상.
    pub compensation: String,
}

impl Default for ShopConfig {
    fn default() -> Self {
        Self {
            name: "장터 데모샵".into(),
            tagline: "매일 쓰는 좋은 물건, 장터".into(),
            free_shipping_threshold: 50_000,
            shipping_fee: 3_000,
            business: BusinessInfo::default(),
            trade_terms: TradeTermsConfig::default(),
        }
    }
}

/// Seller information shown in the footer (empty until the owner sets it; `jangteo demo` shows
/// an invented one).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct BusinessInfo {
    /// 상호.
    pub company: String,
    /// 대표자.
    pub ceo: String,
    /// 사업자등록번호.
    pub registration_no: String,
    /// 통신판매업 신고번호.
    pub mail_order_no: String,
    /// 통신판매업 신고기관 (e.g. 마포구청).
    pub mail_order_office: String,
    /// 호스팅서비스 제공자 (Korean name of the hosting company).
    pub hosting_provider: String,
    /// 개인정보보호책임자 (a person's name).
    pub privacy_officer: String,
    /// 사업장 주소.
    pub address: String,
    /// 고객센터 전화.
    pub phone: String,
    /// 고객센터 e-mail.
    pub email: String,
    /// 고객센터 운영시간.
    pub hours: String,
}

impl BusinessInfo {
    /// The demo shop's invented seller (shown only by `jangteo demo`).
    pub fn demo() -> Self {
        Self {
            company: "(주)장터데모".into(),
            ceo: "김장터".into(),
            registration_no: "123-45-67890".into(),
            mail_order_no: "제2026-서울강남-00000호".into(),
            mail_order_office: "강남구청".into(),
            hosting_provider: "장터 데모 호스팅".into(),
            privacy_officer: "김장터".into(),
            address: "서울특별시 강남구 테헤란로 000, 0층 (데모 주소)".into(),
            phone: "1588-0000".into(),
            email: "help@jangteo.example".into(),
            hours: "평일 10:00–17:00 (점심 12:00–13:00, 주말·공휴일 휴무)".into(),
        }
    }

    /// The law's view of these fields.
    pub fn disclosure(&self, has_terms: bool) -> jangteo_core::legal::SellerDisclosure<'_> {
        jangteo_core::legal::SellerDisclosure {
            company: &self.company,
            ceo: &self.ceo,
            address: &self.address,
            phone: &self.phone,
            email: &self.email,
            registration_no: &self.registration_no,
            mail_order_no: &self.mail_order_no,
            mail_order_office: &self.mail_order_office,
            hosting_provider: &self.hosting_provider,
            privacy_officer: &self.privacy_officer,
            has_terms,
        }
    }
}
