//! UI languages: Korean by default, English second. Messages live in `locales/{ko,en}.json`.

use crate::assets::Theme;
use std::collections::HashMap;

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// 한국어 (default).
    #[default]
    Ko,
    /// English.
    En,
}

impl Locale {
    /// Every supported locale.
    pub const ALL: [Locale; 2] = [Locale::Ko, Locale::En];

    /// Language code (`ko`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Locale::Ko => "ko",
            Locale::En => "en",
        }
    }

    /// Parses a language code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The locale chosen by the `lang` cookie of a `Cookie` header.
    pub fn from_cookie_header(header: Option<&str>) -> Self {
        header
            .into_iter()
            .flat_map(|h| h.split(';'))
            .filter_map(|pair| pair.trim().strip_prefix("lang="))
            .find_map(Locale::from_code)
            .unwrap_or_default()
    }
}

/// Message catalogs of every locale.
#[derive(Debug, Clone, Default)]
pub struct Messages {
    catalogs: HashMap<Locale, HashMap<String, String>>,
}

impl Messages {
    /// Loads `locales/{code}.json` for each locale (theme files override built-in ones).
    pub fn load(theme: &Theme) -> Result<Self, String> {
        let mut catalogs = HashMap::new();
        for locale in Locale::ALL {
            let path = format!("{}.json", locale.code());
            let bytes = theme
                .locale_file(&path)
                .ok_or_else(|| format!("locale file {path} is missing"))?;
            let map: HashMap<String, String> = serde_json::from_slice(&bytes)
                .map_err(|e| format!("locale file {path} is invalid: {e}"))?;
            catalogs.insert(locale, map);
        }
        Ok(Self { catalogs })
    }

    /// The message for `key` in `locale`, falling back to Korean, then to the key itself.
    pub fn get<'a>(&'a self, locale: Locale, key: &'a str) -> &'a str {
        self.catalogs
            .get(&locale)
            .and_then(|c| c.get(key))
            .or_else(|| self.catalogs.get(&Locale::Ko).and_then(|c| c.get(key)))
            .map_or(key, String::as_str)
    }

    /// The message with `{name}` placeholders replaced.
    pub fn format(&self, locale: Locale, key: &str, args: &[(&str, String)]) -> String {
        let mut text = self.get(locale, key).to_owned();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// Every key of a locale (tests check that both locales define the same keys).
    #[cfg(test)]
    pub fn keys(&self, locale: Locale) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .catalogs
            .get(&locale)
            .map(|c| c.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        keys
    }
}

/// Money in the locale's notation: `12,900원` / `₩12,900`.
pub fn format_won(locale: Locale, won: i64) -> String {
    let grouped = jangteo_core::money::group_thousands(won);
    match locale {
        Locale::Ko => format!("{grouped}원"),
        Locale::En => format!("₩{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_locale_from_cookie() {
        assert_eq!(
            Locale::from_cookie_header(Some("a=1; lang=en; b=2")),
            Locale::En
        );
        assert_eq!(Locale::from_cookie_header(Some("lang=fr")), Locale::Ko);
        assert_eq!(Locale::from_cookie_header(None), Locale::Ko);
    }

    #[test]
    fn both_locales_define_the_same_keys() {
        let messages = Messages::load(&Theme::new(None)).unwrap();
        assert_eq!(messages.keys(Locale::Ko), messages.keys(Locale::En));
        assert!(messages.keys(Locale::Ko).contains(&"error.404.title"));
    }

    #[test]
    fn formats_money_per_locale() {
        assert_eq!(format_won(Locale::Ko, 12_900), "12,900원");
        assert_eq!(format_won(Locale::En, 12_900), "₩12,900");
    }
}
