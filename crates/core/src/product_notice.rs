//! 상품정보제공고시: the facts the FTC notice (전자상거래 등에서의 상품 등의 정보제공에 관한 고시)
//! asks an online shop to show per kind of goods, kept as data. Each product picks one category;
//! a product is shown to shoppers only once every field of its category is filled.

use serde::Serialize;
use std::collections::BTreeMap;

/// One fact the notice asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NoticeField {
    /// Stable key (stored with the product).
    pub key: &'static str,
    /// The notice's own wording.
    pub label: &'static str,
}

/// A kind of goods and its facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NoticeCategory {
    /// Stable code (stored with the product).
    pub code: &'static str,
    /// The notice's name of the kind.
    pub name: &'static str,
    /// The facts, in the notice's order.
    pub fields: &'static [NoticeField],
}

const fn f(key: &'static str, label: &'static str) -> NoticeField {
    NoticeField { key, label }
}

const MANUFACTURER: NoticeField = f("manufacturer", "제조자(수입품의 경우 수입자를 함께 표기)");
const COUNTRY: NoticeField = f("country", "제조국");
const WARRANTY: NoticeField = f("warranty", "품질보증기준");
const AS_CONTACT: NoticeField = f("as_contact", "A/S 책임자와 전화번호");
const CONSUMER_PHONE: NoticeField = f("consumer_phone", "소비자상담 관련 전화번호");
const CARE: NoticeField = f("care", "취급 시 주의사항");
const MODEL: NoticeField = f("model", "품명 및 모델명");
const KC: NoticeField = f("kc", "KC 인증정보 (해당 시)");
const RELEASED: NoticeField = f("released", "출시년월");
const SIZE: NoticeField = f("size", "크기");
const COLOR: NoticeField = f("color", "색상");
const MATERIAL: NoticeField = f("material", "소재");

/// The categories offered, in the notice's order (goods only; services and digital content come
/// with their own features).
pub const CATEGORIES: &[NoticeCategory] = &[
    NoticeCategory {
        code: "wear",
        name: "의류",
        fields: &[
            f("material", "제품 소재"),
            COLOR,
            f("size", "치수"),
            MANUFACTURER,
            COUNTRY,
            f("care", "세탁방법 및 취급 시 주의사항"),
            f("made", "제조연월"),
            WARRANTY,
            AS_CONTACT,
        ],
    },
    NoticeCategory {
        code: "shoes",
        name: "구두/신발",
        fields: &[
            f("material", "제품 주소재 (운동화는 겉감·안감 구분)"),
            COLOR,
            f("size", "치수 (발길이, 굽높이)"),
            MANUFACTURER,
            COUNTRY,
            CARE,
            WARRANTY,
            AS_CONTACT,
        ],
    },
    NoticeCategory {
        code: "bags",
        name: "가방",
        fields: &[
            f("kind", "종류"),
            MATERIAL,
            COLOR,
            SIZE,
            MANUFACTURER,
            COUNTRY,
            CARE,
            WARRANTY,
            AS_CONTACT,
        ],
    },
    NoticeCategory {
        code: "fashion_goods",
        name: "패션잡화 (모자/벨트/액세서리)",
        fields: &[
            f("kind", "종류"),
            MATERIAL,
            f("size", "치수"),
            MANUFACTURER,
            COUNTRY,
            CARE,
            WARRANTY,
            AS_CONTACT,
        ],
    },
    NoticeCategory {
        code: "bedding",
        name: "침구류/커튼",
        fields: &[
            f("material", "제품 소재"),
            COLOR,
            f("size", "치수"),
            f("components", "제품 구성"),
            MANUFACTURER,
            COUNTRY,
            f("care", "세탁방법 및 취급 시 주의사항"),
            WARRANTY,
            AS_CONTACT,
        ],
    },
    NoticeCategory {
        code: "furniture",
        name: "가구",
        fields: &[
            f("model", "품명"),
            KC,
            COLOR,
            f("components", "구성품"),
            f("material", "주요 소재"),
            MANUFACTURER,
            COUNTRY,
            SIZE,
            f("delivery_install", "배송·설치비용"),
            WARRANTY,
            AS_CONTACT,
        ],
    },
    NoticeCategory {
        code: "home_appliances",
        name: "가정용 전기제품",
        fields: &[
            MODEL,
            KC,
            f("power", "정격전압, 소비전력"),
            f("energy_grade", "에너지소비효율등급 (해당 시)"),
            RELEASED,
            MANUFACTURER,
            COUNTRY,
            f("size", "크기 (형태 및 실측)"),
            WARRANTY,
            AS_CONTACT,
        ],
    },
    NoticeCategory {
        code: "digital",
        name: "디지털기기 (소형전자·컴퓨터·휴대기기)",
        fields: &[
            MODEL,
            KC,
            f("power", "정격전압, 소비전력"),
            RELEASED,
            MANUFACTURER,
            COUNTRY,
            f("size", "크기, 무게"),
            f("specs", "주요 사양"),
            WARRANTY,
            AS_CONTACT,
        ],
    },
    NoticeCategory {
        code: "kitchen",
        name: "주방용품",
        fields: &[
            MODEL,
            f("material", "재질"),
            f("components", "구성품"),
            SIZE,
            RELEASED,
            MANUFACTURER,
            COUNTRY,
            f(
                "import_notice",
                "수입 기구·용기의 경우 식품위생법에 따른 수입신고 문구",
            ),
            WARRANTY,
            AS_CONTACT,
        ],
    },
    NoticeCategory {
        code: "cosmetics",
        name: "화장품",
        fields: &[
            f("volume", "내용물의 용량 또는 중량"),
            f("specs", "제품 주요 사양 (피부타입, 색상 등)"),
            f("expiry", "사용기한 또는 개봉 후 사용기간"),
            f("usage", "사용방법"),
            f(
                "manufacturer",
                "화장품제조업자, 화장품책임판매업자 및 맞춤형화장품판매업자",
            ),
            COUNTRY,
            f("ingredients", "화장품법에 따라 기재해야 하는 모든 성분"),
            f("functional", "기능성 화장품 심사 필 여부"),
            f("caution", "사용할 때의 주의사항"),
            WARRANTY,
            CONSUMER_PHONE,
        ],
    },
    NoticeCategory {
        code: "jewelry",
        name: "귀금속/보석/시계류",
        fields: &[
            f("material", "소재, 순도, 밴드재질 (시계)"),
            f("weight", "중량"),
            MANUFACTURER,
            COUNTRY,
            f("size", "치수"),
            CARE,
            f("specs", "주요 사양 (기능, 방수 등)"),
            f("certificate", "보증서 제공 여부"),
            WARRANTY,
            AS_CONTACT,
        ],
    },
    NoticeCategory {
        code: "fresh_food",
        name: "식품 (농수축산물)",
        fields: &[
            f("name", "품목 또는 명칭"),
            f("volume", "포장단위별 내용물의 용량(중량), 수량, 크기"),
            f("producer", "생산자 (수입품의 경우 수입자를 함께 표기)"),
            f("origin", "원산지"),
            f("made", "제조연월일 (포장일 또는 생산연도)"),
            f("expiry", "소비기한 또는 품질유지기한"),
            f("legal", "관련법상 표시사항 (농산물 GMO, 축산물 등급 등)"),
            f("components", "상품구성"),
            f("storage", "보관방법 또는 취급방법"),
            f("caution", "소비자안전을 위한 주의사항"),
            CONSUMER_PHONE,
        ],
    },
    NoticeCategory {
        code: "processed_food",
        name: "가공식품",
        fields: &[
            f("name", "제품명"),
            f("food_type", "식품의 유형"),
            f("producer", "생산자 및 소재지 (수입품의 경우 수입자 포함)"),
            f("made", "제조연월일"),
            f("expiry", "소비기한 또는 품질유지기한"),
            f("volume", "포장단위별 내용물의 용량(중량), 수량"),
            f("ingredients", "원재료명 및 함량"),
            f("nutrition", "영양성분 (해당 시)"),
            f("gmo", "유전자변형식품 여부"),
            f("caution", "소비자안전을 위한 주의사항"),
            f("import_notice", "수입식품의 경우 수입신고 문구"),
            CONSUMER_PHONE,
        ],
    },
    NoticeCategory {
        code: "health_food",
        name: "건강기능식품",
        fields: &[
            f("name", "제품명"),
            f("food_type", "식품의 유형"),
            f(
                "producer",
                "제조업소의 명칭과 소재지 (수입품의 경우 수입업소 포함)",
            ),
            f("made", "제조연월일"),
            f("expiry", "소비기한"),
            f("volume", "포장단위별 내용물의 용량(중량), 수량"),
            f("ingredients", "원료명 및 함량"),
            f("nutrition", "영양정보"),
            f("function", "기능정보"),
            f("intake", "섭취량, 섭취방법 및 섭취 시 주의사항"),
            f(
                "not_medicine",
                "질병의 예방 및 치료를 위한 의약품이 아니라는 내용의 표현",
            ),
            f("gmo", "유전자변형건강기능식품 여부"),
            f("import_notice", "수입식품의 경우 수입신고 문구"),
            CONSUMER_PHONE,
        ],
    },
    NoticeCategory {
        code: "baby",
        name: "영유아용품",
        fields: &[
            MODEL,
            KC,
            f("size", "크기, 중량"),
            COLOR,
            f("material", "재질"),
            f("age", "사용연령 또는 체중범위"),
            MANUFACTURER,
            COUNTRY,
            f("care", "취급방법 및 취급 시 주의사항, 안전표시"),
            WARRANTY,
            AS_CONTACT,
        ],
    },
    NoticeCategory {
        code: "sports",
        name: "스포츠용품",
        fields: &[
            MODEL,
            f("size", "크기, 중량"),
            COLOR,
            f("material", "재질"),
            f("components", "제품 구성"),
            RELEASED,
            MANUFACTURER,
            COUNTRY,
            f("specs", "상품별 세부 사양"),
            WARRANTY,
            AS_CONTACT,
        ],
    },
    NoticeCategory {
        code: "books",
        name: "서적",
        fields: &[
            f("title", "도서명"),
            f("author", "저자, 출판사"),
            SIZE,
            f("pages", "쪽수"),
            f("components", "제품 구성 (전집 또는 세트일 경우)"),
            f("published", "발행일"),
            f("contents", "목차 또는 책소개"),
        ],
    },
    NoticeCategory {
        code: "household_chemicals",
        name: "생활화학제품",
        fields: &[
            f("name", "품목 및 제품명"),
            f("usage", "용도 및 제형"),
            f("made", "제조연월 및 유통기한"),
            f("volume", "중량·용량·매수"),
            f("effect", "효과·효능 (승인 대상 제품)"),
            f("manufacturer", "수입자 (수입품), 제조국 및 제조사"),
            f("child_safe", "어린이보호포장 대상 제품 여부"),
            f(
                "chemicals",
                "제품에 사용된 화학물질 명칭 (주요물질, 보존제 등)",
            ),
            f("caution", "사용상 주의사항"),
            f("safety_no", "안전기준 적합확인 신고번호 또는 승인번호"),
            CONSUMER_PHONE,
        ],
    },
    NoticeCategory {
        code: "other",
        name: "기타 재화",
        fields: &[
            MODEL,
            f(
                "certification",
                "법에 의한 인증·허가 등을 받았음을 확인할 수 있는 경우 그에 대한 사항",
            ),
            f("country", "제조국 또는 원산지"),
            MANUFACTURER,
            f(
                "as_contact",
                "A/S 책임자와 전화번호 또는 소비자상담 관련 전화번호",
            ),
        ],
    },
];

/// The category with `code`.
pub fn category(code: &str) -> Option<&'static NoticeCategory> {
    CATEGORIES.iter().find(|c| c.code == code)
}

/// What keeps a product's notice from being complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeGap {
    /// No (known) category chosen.
    NoCategory,
    /// These fields of the category are blank.
    Missing(Vec<&'static str>),
}

/// Checks a product's notice: a known category with every field filled.
pub fn check(code: Option<&str>, values: &BTreeMap<String, String>) -> Result<(), NoticeGap> {
    let Some(category) = code.and_then(category) else {
        return Err(NoticeGap::NoCategory);
    };
    let missing: Vec<&'static str> = category
        .fields
        .iter()
        .filter(|field| values.get(field.key).is_none_or(|v| v.trim().is_empty()))
        .map(|field| field.key)
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(NoticeGap::Missing(missing))
    }
}

/// The values of `code`'s fields only, trimmed (a category change leaves no stale facts).
pub fn keep_fields(code: &str, values: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let Some(category) = category(code) else {
        return BTreeMap::new();
    };
    category
        .fields
        .iter()
        .filter_map(|field| {
            values
                .get(field.key)
                .map(|v| (field.key.to_owned(), v.trim().to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_keys_are_unique() {
        let mut codes: Vec<&str> = CATEGORIES.iter().map(|c| c.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), CATEGORIES.len());
        for c in CATEGORIES {
            let mut keys: Vec<&str> = c.fields.iter().map(|f| f.key).collect();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), c.fields.len(), "{}", c.code);
            assert!(c.fields.len() >= 5, "{}", c.code);
        }
        for name in [
            "의류",
            "구두/신발",
            "가방",
            "화장품",
            "가공식품",
            "기타 재화",
        ] {
            assert!(CATEGORIES.iter().any(|c| c.name == name), "{name}");
        }
    }

    #[test]
    fn a_notice_is_complete_only_with_every_field() {
        let wear = category("wear").unwrap();
        let mut values: BTreeMap<String, String> = wear
            .fields
            .iter()
            .map(|f| (f.key.to_owned(), "값".to_owned()))
            .collect();
        assert_eq!(check(Some("wear"), &values), Ok(()));
        values.insert("country".into(), "  ".into());
        values.remove("care");
        assert_eq!(
            check(Some("wear"), &values),
            Err(NoticeGap::Missing(vec!["country", "care"]))
        );
        assert_eq!(check(None, &values), Err(NoticeGap::NoCategory));
        assert_eq!(
            check(Some("spaceship"), &values),
            Err(NoticeGap::NoCategory)
        );
    }

    #[test]
    fn switching_category_keeps_only_its_fields() {
        let values = BTreeMap::from([
            ("title".to_owned(), " 책 ".to_owned()),
            ("material".to_owned(), "면".to_owned()),
        ]);
        let kept = keep_fields("books", &values);
        assert_eq!(
            kept,
            BTreeMap::from([("title".to_owned(), "책".to_owned())])
        );
        assert!(keep_fields("nope", &values).is_empty());
    }
}
