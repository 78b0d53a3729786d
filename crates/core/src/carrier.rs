//! Parcel carriers and their public tracking pages (PROVIDERS.md §5.1).

/// A carrier the shop ships with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Carrier {
    /// Stored code.
    pub code: &'static str,
    /// Name shown to shoppers.
    pub name: &'static str,
    /// Tracking page with `{no}` for the waybill digits.
    pub tracking_template: &'static str,
}

/// Carriers known to the shop.
pub const CARRIERS: [Carrier; 6] = [
    Carrier {
        code: "cj",
        name: "CJ대한통운",
        tracking_template: "https://trace.cjlogistics.com/next/tracking.html?wblNo={no}",
    },
    Carrier {
        code: "hanjin",
        name: "한진택배",
        tracking_template: "https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do?mCode=MN038&schLang=KR&wblnumText2={no}",
    },
    Carrier {
        code: "lotte",
        name: "롯데택배",
        tracking_template: "https://www.lotteglogis.com/home/reservation/tracking/linkView?InvNo={no}",
    },
    Carrier {
        code: "epost",
        name: "우체국택배",
        tracking_template: "https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1={no}",
    },
    Carrier {
        code: "logen",
        name: "로젠택배",
        tracking_template: "https://www.ilogen.com/web/personal/trace/{no}",
    },
    Carrier {
        code: "kdexp",
        name: "경동택배",
        tracking_template: "https://kdexp.com/service/delivery/etc/delivery.do?barcode={no}",
    },
];

/// The carrier with this code.
pub fn carrier(code: &str) -> Option<&'static Carrier> {
    CARRIERS.iter().find(|c| c.code == code)
}

/// The public tracking link of a waybill (digits only are used), if the carrier is known and the
/// waybill has digits.
pub fn tracking_url(code: &str, waybill: &str) -> Option<String> {
    let digits: String = waybill.chars().filter(char::is_ascii_digit).collect();
    let c = carrier(code)?;
    (!digits.is_empty()).then(|| c.tracking_template.replace("{no}", &digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_links_use_the_waybill_digits() {
        assert_eq!(
            tracking_url("cj", "6543-2109-8765").as_deref(),
            Some("https://trace.cjlogistics.com/next/tracking.html?wblNo=654321098765")
        );
        assert_eq!(tracking_url("nope", "1"), None);
        assert_eq!(tracking_url("cj", "abc"), None);
    }
}
