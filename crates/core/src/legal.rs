//! What Korean law asks an online mall to show (전자상거래법 제10조, 시행규칙 제7조): the seller's
//! identity on every page and a link to the FTC's business-information page. The check is pure so
//! the start-up log, the dashboard and tests agree on what is missing.

use serde::Serialize;

/// The seller's identity as the shop shows it (borrowed from the configuration).
#[derive(Debug, Clone, Copy, Default)]
pub struct SellerDisclosure<'a> {
    /// 상호.
    pub company: &'a str,
    /// 대표자.
    pub ceo: &'a str,
    /// 사업장 주소.
    pub address: &'a str,
    /// 전화.
    pub phone: &'a str,
    /// 이메일.
    pub email: &'a str,
    /// 사업자등록번호.
    pub registration_no: &'a str,
    /// 통신판매업 신고번호.
    pub mail_order_no: &'a str,
    /// 신고기관 (the 구청 that took the report).
    pub mail_order_office: &'a str,
    /// 호스팅서비스 제공자.
    pub hosting_provider: &'a str,
    /// 개인정보보호책임자.
    pub privacy_officer: &'a str,
    /// Whether the shop publishes its terms of use (이용약관).
    pub has_terms: bool,
}

/// One item the law asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SellerItem {
    /// 상호.
    Company,
    /// 대표자.
    Ceo,
    /// 주소.
    Address,
    /// 전화.
    Phone,
    /// 이메일.
    Email,
    /// 사업자등록번호 (ten digits).
    RegistrationNo,
    /// 통신판매업 신고번호.
    MailOrderNo,
    /// 신고기관.
    MailOrderOffice,
    /// 호스팅서비스 제공자.
    HostingProvider,
    /// 개인정보보호책임자.
    PrivacyOfficer,
    /// 이용약관.
    Terms,
}

impl SellerItem {
    /// Stable name (message keys, log fields).
    pub fn as_str(self) -> &'static str {
        match self {
            SellerItem::Company => "company",
            SellerItem::Ceo => "ceo",
            SellerItem::Address => "address",
            SellerItem::Phone => "phone",
            SellerItem::Email => "email",
            SellerItem::RegistrationNo => "registration_no",
            SellerItem::MailOrderNo => "mail_order_no",
            SellerItem::MailOrderOffice => "mail_order_office",
            SellerItem::HostingProvider => "hosting_provider",
            SellerItem::PrivacyOfficer => "privacy_officer",
            SellerItem::Terms => "terms",
        }
    }

    /// The configuration key an owner sets (`shop.business.…`), or `None` for a CMS page.
    pub fn setting(self) -> Option<&'static str> {
        (self != SellerItem::Terms).then(|| self.as_str())
    }
}

/// The ten digits of a 사업자등록번호 (`123-45-67890`), or `None` when it is not one.
pub fn registration_digits(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    (digits.len() == 10 && digits.chars().all(|c| c.is_ascii_digit()) && !is_placeholder(&digits))
        .then_some(digits)
}

/// An all-zero number is a template's placeholder, never a real registration.
fn is_placeholder(digits: &str) -> bool {
    digits.chars().all(|c| c == '0')
}

/// The FTC's 사업자정보 공개 page for a registration number (시행규칙 제7조②).
pub fn ftc_business_url(registration_no: &str) -> Option<String> {
    registration_digits(registration_no)
        .map(|d| format!("https://www.ftc.go.kr/bizCommPop.do?wrkr_no={d}"))
}

/// Every item the footer must show that is still missing, in the footer's order.
pub fn missing_seller_items(seller: &SellerDisclosure<'_>) -> Vec<SellerItem> {
    let blank = |s: &str| s.trim().is_empty();
    let checks = [
        (SellerItem::Company, blank(seller.company)),
        (SellerItem::Ceo, blank(seller.ceo)),
        (SellerItem::Address, blank(seller.address)),
        (SellerItem::Phone, blank(seller.phone)),
        (SellerItem::Email, !seller.email.contains('@')),
        (
            SellerItem::RegistrationNo,
            registration_digits(seller.registration_no).is_none(),
        ),
        (SellerItem::MailOrderNo, blank(seller.mail_order_no)),
        (SellerItem::MailOrderOffice, blank(seller.mail_order_office)),
        (SellerItem::HostingProvider, blank(seller.hosting_provider)),
        (SellerItem::PrivacyOfficer, blank(seller.privacy_officer)),
        (SellerItem::Terms, !seller.has_terms),
    ];
    checks
        .into_iter()
        .filter_map(|(item, missing)| missing.then_some(item))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> SellerDisclosure<'static> {
        SellerDisclosure {
            company: "(주)우리가게",
            ceo: "홍길동",
            address: "서울특별시 마포구 월드컵로 1",
            phone: "02-000-0000",
            email: "help@shop.example.com",
            registration_no: "123-45-67890",
            mail_order_no: "제2026-서울마포-0001호",
            mail_order_office: "마포구청",
            hosting_provider: "(주)호스팅",
            privacy_officer: "홍길동",
            has_terms: true,
        }
    }

    #[test]
    fn a_complete_disclosure_misses_nothing() {
        assert!(missing_seller_items(&complete()).is_empty());
    }

    #[test]
    fn an_empty_disclosure_misses_everything_in_footer_order() {
        let missing = missing_seller_items(&SellerDisclosure::default());
        assert_eq!(missing.len(), 11);
        assert_eq!(missing[0], SellerItem::Company);
        assert_eq!(missing[10], SellerItem::Terms);
        assert_eq!(SellerItem::Terms.setting(), None);
        assert_eq!(SellerItem::Ceo.setting(), Some("ceo"));
    }

    #[test]
    fn registration_numbers_need_ten_real_digits() {
        assert_eq!(
            registration_digits("123-45-67890").as_deref(),
            Some("1234567890")
        );
        assert_eq!(registration_digits("000-00-00000"), None);
        assert_eq!(registration_digits("123-45-6789"), None);
        assert_eq!(registration_digits("12a-45-67890"), None);
        let placeholder = SellerDisclosure {
            registration_no: "000-00-00000",
            ..complete()
        };
        assert_eq!(
            missing_seller_items(&placeholder),
            [SellerItem::RegistrationNo]
        );
        assert_eq!(
            ftc_business_url("123-45-67890").as_deref(),
            Some("https://www.ftc.go.kr/bizCommPop.do?wrkr_no=1234567890")
        );
    }

    #[test]
    fn blank_text_counts_as_missing() {
        let blank = SellerDisclosure {
            hosting_provider: "  ",
            email: "nobody",
            ..complete()
        };
        assert_eq!(
            missing_seller_items(&blank),
            [SellerItem::Email, SellerItem::HostingProvider]
        );
    }
}
