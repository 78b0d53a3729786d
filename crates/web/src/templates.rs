//! The minijinja environment: template loading (theme first, then built-in), the `t` and `asset`
//! functions and the `won`, `number`, `kst` and `kst_date` filters.

use crate::assets::Theme;
use crate::i18n::{Locale, Messages, format_won};
use chrono::{DateTime, Utc};
use minijinja::value::Kwargs;
use minijinja::{
    AutoEscape, Environment, Error, ErrorKind, Output, State, Value, escape_formatter,
};
use std::collections::HashMap;
use std::sync::Arc;

/// Instructions one render may execute: bounds a broken theme template's loops.
const TEMPLATE_FUEL: u64 = 50_000_000;

fn locale_of(state: &State) -> Locale {
    state
        .lookup("locale")
        .and_then(|v| v.as_str().and_then(Locale::from_code))
        .unwrap_or_default()
}

fn parse_instant(value: &Value) -> Result<DateTime<Utc>, Error> {
    let text = value
        .as_str()
        .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "expected a timestamp string"))?;
    DateTime::parse_from_rfc3339(text)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("bad timestamp {text:?}: {e}"),
            )
        })
}

/// HTML-escapes text: `& < > " '` (minijinja's default also escapes `/`, which bloats every URL
/// to `http:&#x2f;&#x2f;…` without adding safety inside quoted attributes or text).
fn write_html_escaped(out: &mut Output, text: &str) -> std::fmt::Result {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let replacement = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&text[last..i])?;
        out.write_str(replacement)?;
        last = i + 1;
    }
    out.write_str(&text[last..])
}

fn html_formatter(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    match (state.auto_escape(), value.as_str()) {
        (AutoEscape::Html, Some(text)) if !value.is_safe() => write_html_escaped(out, text)
            .map_err(|e| Error::new(ErrorKind::WriteFailure, e.to_string())),
        _ => escape_formatter(out, state, value),
    }
}

/// Builds the environment.
pub fn environment(
    theme: Theme,
    messages: Arc<Messages>,
    static_hashes: HashMap<String, String>,
) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_fuel(Some(TEMPLATE_FUEL));
    env.set_formatter(html_formatter);
    env.set_loader(move |name| Ok(theme.template(name)));

    let t_messages = messages.clone();
    env.add_function(
        "t",
        move |state: &State, key: &str, kwargs: Kwargs| -> Result<String, Error> {
            let args: Vec<(&str, String)> = kwargs
                .args()
                .map(|name| {
                    let value: Value = kwargs.get(name)?;
                    Ok((name, value.to_string()))
                })
                .collect::<Result<_, Error>>()?;
            Ok(t_messages.format(locale_of(state), key, &args))
        },
    );
    env.add_function("asset", move |path: &str| -> String {
        match static_hashes.get(path) {
            Some(hash) => format!("/static/{path}?v={hash}"),
            None => format!("/static/{path}"),
        }
    });
    env.add_filter("won", |state: &State, value: i64| {
        format_won(locale_of(state), value)
    });
    env.add_filter("number", |value: i64| {
        jangteo_core::money::group_thousands(value)
    });
    // Personal data in lists is masked (back office lists show 홍*동, 010-****-5678, ab***@…).
    env.add_filter("mask_name", |value: &str| {
        jangteo_core::member::mask_name(value)
    });
    env.add_filter("mask_email", |value: &str| {
        jangteo_core::member::mask_email(value)
    });
    env.add_filter("mask_mobile", |value: &str| {
        jangteo_core::member::mask_mobile(value)
    });
    env.add_filter("kst", |value: Value| -> Result<String, Error> {
        Ok(jangteo_core::time::format_kst(parse_instant(&value)?))
    });
    env.add_filter("kst_date", |value: Value| -> Result<String, Error> {
        Ok(jangteo_core::time::business_date(parse_instant(&value)?).to_string())
    });
    env
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_but_not_slashes() {
        let mut env = Environment::new();
        env.set_formatter(html_formatter);
        env.add_template(
            "t.html",
            "<a href=\"{{ url }}\">{{ text }}</a>{{ raw|safe }}",
        )
        .unwrap();
        let html = env
            .get_template("t.html")
            .unwrap()
            .render(minijinja::context! { url => "http://x/a?b=1&c=2", text => "<script>\"'", raw => "<b>ok</b>" })
            .unwrap();
        assert_eq!(
            html,
            "<a href=\"http://x/a?b=1&amp;c=2\">&lt;script&gt;&quot;&#39;</a><b>ok</b>"
        );
    }
}
