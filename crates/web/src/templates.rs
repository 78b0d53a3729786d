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

/// The partial with the seller disclosure Korean law asks of every shop page.
pub const LEGAL_FOOTER: &str = "shop/_legal_footer.html";

/// Refuses a theme whose layout drops the seller disclosure (전자상거래법 제10조): `base.html`
/// must include [`LEGAL_FOOTER`], which must still carry its marker.
pub fn check_legal_footer(theme: &Theme) -> Result<(), String> {
    let base = theme.template("base.html").unwrap_or_default();
    let included = [
        format!("include \"{LEGAL_FOOTER}\""),
        format!("include '{LEGAL_FOOTER}'"),
    ]
    .iter()
    .any(|tag| base.contains(tag.as_str()));
    let partial = theme.template(LEGAL_FOOTER).unwrap_or_default();
    if included && partial.contains("data-legal-footer") {
        Ok(())
    } else {
        Err(format!(
            "the theme's base.html must include \"{LEGAL_FOOTER}\" (with its data-legal-footer section): Korean law requires the seller information on every page"
        ))
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

    #[test]
    fn the_shipped_layout_keeps_the_legal_footer_and_a_theme_cannot_drop_it() {
        assert_eq!(check_legal_footer(&Theme::new(None)), Ok(()));
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates/base.html"),
            "<html><body>{% block content %}{% endblock %}</body></html>",
        )
        .unwrap();
        let err = check_legal_footer(&Theme::new(Some(dir.path().to_path_buf()))).unwrap_err();
        assert!(err.contains(LEGAL_FOOTER), "{err}");
    }

    /// Every shop page the binary ships renders inside `base.html` (so inside the legal footer);
    /// only the back office, the gateway's payment window and mail partials stand alone.
    #[test]
    fn every_shipped_shop_page_extends_the_layout_with_the_legal_footer() {
        let theme = Theme::new(None);
        let mut pages = 0;
        for name in Theme::builtin_template_names() {
            let standalone = name.starts_with("admin/")
                || name.starts_with("payments/")
                || name == "base.html"
                || name.rsplit('/').next().is_some_and(|f| f.starts_with('_'));
            if standalone {
                continue;
            }
            let source = theme.template(&name).unwrap();
            assert!(
                source
                    .trim_start()
                    .starts_with("{% extends \"base.html\" %}"),
                "{name} must extend base.html (the legal footer)"
            );
            pages += 1;
        }
        assert!(pages > 30, "{pages} shop pages");
    }

    /// What `source` always prints: without `{{ … }}` output and without anything inside
    /// `{% if %}…{% endif %}` (a conditional `checked` echoes the shopper's own choice).
    fn unconditional_text(source: &str) -> String {
        let mut out = String::new();
        let mut depth = 0usize;
        let mut rest = source;
        while let Some(start) = rest.find(['{']) {
            if depth == 0 {
                out.push_str(&rest[..start]);
            }
            let tail = &rest[start..];
            let close = if tail.starts_with("{{") {
                "}}"
            } else if tail.starts_with("{%") {
                "%}"
            } else {
                if depth == 0 {
                    out.push('{');
                }
                rest = &tail[1..];
                continue;
            };
            let end = tail.find(close).map_or(tail.len(), |e| e + close.len());
            let code = tail[..end].trim_start_matches(['{', '%', '-', ' ']);
            if code.starts_with("if ") {
                depth += 1;
            } else if code.starts_with("endif") {
                depth = depth.saturating_sub(1);
            }
            rest = &tail[end..];
        }
        if depth == 0 {
            out.push_str(rest);
        }
        out
    }

    /// No consent, marketing or option box is ticked before the shopper ticks it (전자상거래법
    /// 제8조, dark-pattern rules since 2025-02-14): shop templates never carry a fixed `checked`
    /// on a checkbox; a box may only echo what the shopper sent (`ui.checked(...)`).
    #[test]
    fn no_shipped_shop_checkbox_is_pre_checked() {
        assert_eq!(
            unconditional_text("a{% if x %} checked{% endif %}{{ y }}b"),
            "ab"
        );
        assert!(unconditional_text("<input type=\"checkbox\" checked>").contains("checked"));
        let theme = Theme::new(None);
        for name in Theme::builtin_template_names() {
            if name.starts_with("admin/") {
                continue;
            }
            let source = theme.template(&name).unwrap();
            for tag in source.split('<').filter(|t| t.starts_with("input")) {
                let tag = tag.split('>').next().unwrap_or(tag);
                if tag.contains("type=\"checkbox\"") {
                    assert!(
                        !unconditional_text(tag).contains("checked"),
                        "{name}: a checkbox is pre-checked: <{tag}>"
                    );
                }
            }
        }
    }
}
