//! Parcel carriers and their public tracking pages (docs/PROVIDERS.md §5.1).

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

/// The carrier a spreadsheet names: its code (`cj`) or its name with or without spaces and the
/// usual short forms (`CJ대한통운`, `대한통운`, `한진`, `우체국`), case-insensitive.
pub fn carrier_named(raw: &str) -> Option<&'static Carrier> {
    let key: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    if key.is_empty() {
        return None;
    }
    let alias = match key.as_str() {
        "대한통운" | "cj" | "cj택배" => "cj",
        "한진" => "hanjin",
        "롯데" | "롯데글로벌로지스" => "lotte",
        "우체국" | "우편" => "epost",
        "로젠" => "logen",
        "경동" => "kdexp",
        _ => "",
    };
    CARRIERS.iter().find(|c| {
        c.code == key
            || c.code == alias
            || c.name
                .chars()
                .filter(|ch| !ch.is_whitespace())
                .collect::<String>()
                .to_lowercase()
                == key
    })
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

    #[test]
    fn carriers_are_found_by_code_name_or_short_name() {
        assert_eq!(carrier_named("cj").map(|c| c.code), Some("cj"));
        assert_eq!(carrier_named("CJ대한통운").map(|c| c.code), Some("cj"));
        assert_eq!(carrier_named(" 한진 ").map(|c| c.code), Some("hanjin"));
        assert_eq!(carrier_named("우체국택배").map(|c| c.code), Some("epost"));
        assert_eq!(carrier_named("DHL"), None);
        assert_eq!(carrier_named(""), None);
    }
}
