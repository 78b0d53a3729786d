//! Korean-aware product search keys and queries.
//!
//! Shoppers type Korean with or without spaces ("반팔 티셔츠" vs "반팔티셔츠"), type parts of
//! compound words ("셔츠" for "반팔티셔츠") and type only initial consonants (초성, "ㅌㅅㅊ" for
//! "티셔츠"). Splitting on spaces, as generic full-text search does, fails all three. Instead we
//! store normalised keys (no spaces or punctuation, lower case, and an initials form) and match
//! substrings of them; both databases evaluate that with plain `LIKE`.

/// The 19 initial consonants in syllable order, as Hangul Compatibility Jamo.
const INITIALS: [char; 19] = [
    'ㄱ', 'ㄲ', 'ㄴ', 'ㄷ', 'ㄸ', 'ㄹ', 'ㅁ', 'ㅂ', 'ㅃ', 'ㅅ', 'ㅆ', 'ㅇ', 'ㅈ', 'ㅉ', 'ㅊ', 'ㅋ',
    'ㅌ', 'ㅍ', 'ㅎ',
];
const SYLLABLE_FIRST: u32 = 0xAC00;
const SYLLABLE_LAST: u32 = 0xD7A3;
/// Syllables per initial consonant (21 vowels × 28 finals).
const SYLLABLES_PER_INITIAL: u32 = 588;

/// Most words a query is split into; the rest is ignored (keeps the SQL small).
pub const MAX_QUERY_TOKENS: usize = 5;
/// Longest query (in characters) taken into account.
pub const MAX_QUERY_CHARS: usize = 60;

/// Lower-cases and keeps only letters and digits (any script): spaces and punctuation vanish, so
/// "반팔 티-셔츠" and "반팔티셔츠" share one key. The result never contains the `LIKE`
/// wildcards `%` and `_`, so it can be embedded in a pattern without escaping.
pub fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The initial consonant of a precomposed Hangul syllable.
pub fn initial_of(c: char) -> Option<char> {
    let code = c as u32;
    if (SYLLABLE_FIRST..=SYLLABLE_LAST).contains(&code) {
        Some(INITIALS[((code - SYLLABLE_FIRST) / SYLLABLES_PER_INITIAL) as usize])
    } else {
        None
    }
}

/// True for a compatibility-jamo consonant a shopper types alone (ㄱ…ㅎ).
pub fn is_lone_consonant(c: char) -> bool {
    ('\u{3131}'..='\u{314E}').contains(&c)
}

/// The initials form of a text: each syllable becomes its initial consonant, everything else is
/// kept normalised. "반팔티셔츠" → "ㅂㅍㅌㅅㅊ".
pub fn initials(text: &str) -> String {
    normalize(text)
        .chars()
        .map(|c| initial_of(c).unwrap_or(c))
        .collect()
}

/// The stored search keys of one product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchKeys {
    /// Normalised product name: name matches rank first.
    pub name: String,
    /// Normalised name, brand, category names and summary, joined by a separator that normalise
    /// never produces, so a match cannot straddle two fields.
    pub text: String,
    /// Initials form of the name.
    pub initials: String,
}

/// Separator between fields in [`SearchKeys::text`]; not alphanumeric, so queries never contain it.
pub const FIELD_SEPARATOR: char = '|';

impl SearchKeys {
    /// Builds the keys from the product's name and its other searchable fields.
    pub fn for_product<'a>(name: &str, others: impl IntoIterator<Item = &'a str>) -> Self {
        let name_key = normalize(name);
        let mut text = name_key.clone();
        for field in others {
            let key = normalize(field);
            if !key.is_empty() {
                text.push(FIELD_SEPARATOR);
                text.push_str(&key);
            }
        }
        Self {
            initials: initials(name),
            name: name_key,
            text,
        }
    }
}

/// What a shopper's query means for matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchQuery {
    /// Nothing searchable was typed.
    Empty,
    /// Ordinary text. `joined` is the whole query without spaces; `tokens` are its words, each
    /// normalised, for queries whose words appear in another order or apart ("오버핏 반팔").
    Text {
        /// The whole query normalised (spaces removed).
        joined: String,
        /// The normalised words (at most [`MAX_QUERY_TOKENS`]).
        tokens: Vec<String>,
    },
    /// The query contains lone consonants (e.g. "ㅌㅅㅊ" or a half-typed "티셔ㅊ"): match the
    /// initials form of product names.
    Initials(String),
}

impl SearchQuery {
    /// Classifies raw user input.
    pub fn parse(raw: &str) -> Self {
        let raw: String = raw.chars().take(MAX_QUERY_CHARS).collect();
        let joined = normalize(&raw);
        if joined.is_empty() {
            return SearchQuery::Empty;
        }
        if joined.chars().any(is_lone_consonant) {
            return SearchQuery::Initials(initials(&joined));
        }
        let mut tokens: Vec<String> = raw
            .split_whitespace()
            .map(normalize)
            .filter(|t| !t.is_empty())
            .collect();
        tokens.dedup();
        tokens.truncate(MAX_QUERY_TOKENS);
        SearchQuery::Text { joined, tokens }
    }

    /// True when nothing can match.
    pub fn is_empty(&self) -> bool {
        matches!(self, SearchQuery::Empty)
    }
}

/// `%needle%` for `LIKE`. Normalised text has no wildcards (see [`normalize`]).
pub fn contains_pattern(needle: &str) -> String {
    format!("%{needle}%")
}

/// `needle%` for `LIKE`.
pub fn prefix_pattern(needle: &str) -> String {
    format!("{needle}%")
}

/// The reference matcher: what the SQL in `jangteo-db` computes, written plainly so tests can
/// compare the two. Returns the rank (lower is better) or `None` when the product does not match.
pub fn rank(keys: &SearchKeys, query: &SearchQuery) -> Option<u8> {
    match query {
        SearchQuery::Empty => None,
        SearchQuery::Initials(q) => {
            if keys.initials == *q {
                Some(0)
            } else if keys.initials.starts_with(q.as_str()) {
                Some(1)
            } else if keys.initials.contains(q.as_str()) {
                Some(2)
            } else {
                None
            }
        }
        SearchQuery::Text { joined, tokens } => {
            if keys.name == *joined {
                Some(0)
            } else if keys.name.starts_with(joined.as_str()) {
                Some(1)
            } else if keys.name.contains(joined.as_str()) {
                Some(2)
            } else if tokens.iter().all(|t| keys.name.contains(t.as_str())) {
                Some(3)
            } else if keys.text.contains(joined.as_str()) {
                Some(4)
            } else if tokens.iter().all(|t| keys.text.contains(t.as_str())) {
                Some(5)
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(name: &str) -> SearchKeys {
        SearchKeys::for_product(name, ["무드웨어", "티셔츠", "여름에 시원한 코튼"])
    }

    #[test]
    fn normalizes_spacing_case_and_punctuation() {
        assert_eq!(
            normalize("반팔 티-셔츠 (Cotton_100%)"),
            "반팔티셔츠cotton100"
        );
        assert_eq!(normalize("  "), "");
    }

    #[test]
    fn extracts_initials() {
        assert_eq!(initials("티셔츠"), "ㅌㅅㅊ");
        assert_eq!(initials("반팔 티셔츠 XL"), "ㅂㅍㅌㅅㅊxl");
        assert_eq!(initial_of('가'), Some('ㄱ'));
        assert_eq!(initial_of('힣'), Some('ㅎ'));
        assert_eq!(initial_of('a'), None);
    }

    #[test]
    fn partial_words_match() {
        let q = SearchQuery::parse("셔츠");
        assert_eq!(rank(&keys("반팔티셔츠"), &q), Some(2));
    }

    #[test]
    fn spacing_variants_match() {
        let q = SearchQuery::parse("반팔 티셔츠");
        assert_eq!(rank(&keys("반팔티셔츠"), &q), Some(0));
        let q = SearchQuery::parse("반팔티셔츠");
        assert_eq!(rank(&keys("반팔 티셔츠 오버핏"), &q), Some(1));
    }

    #[test]
    fn initials_match_and_half_typed_words_too() {
        let q = SearchQuery::parse("ㅌㅅㅊ");
        assert_eq!(q, SearchQuery::Initials("ㅌㅅㅊ".into()));
        assert_eq!(rank(&keys("티셔츠"), &q), Some(0));
        assert_eq!(rank(&keys("반팔티셔츠"), &q), Some(2));
        assert_eq!(rank(&keys("청바지"), &q), None);
        let half = SearchQuery::parse("티셔ㅊ");
        assert_eq!(rank(&keys("반팔티셔츠"), &half), Some(2));
    }

    #[test]
    fn words_in_another_order_match_below_contiguous_ones() {
        let q = SearchQuery::parse("오버핏 반팔");
        assert_eq!(rank(&keys("반팔티셔츠 오버핏"), &q), Some(3));
    }

    #[test]
    fn other_fields_rank_below_the_name() {
        let q = SearchQuery::parse("무드웨어");
        assert_eq!(rank(&keys("반팔티셔츠"), &q), Some(4));
        // A match may not straddle two fields.
        let q = SearchQuery::parse("셔츠무드");
        assert_eq!(rank(&keys("반팔티셔츠"), &q), None);
    }

    #[test]
    fn empty_and_punctuation_only_queries_are_empty() {
        assert!(SearchQuery::parse("").is_empty());
        assert!(SearchQuery::parse(" %_ ").is_empty());
    }
}
