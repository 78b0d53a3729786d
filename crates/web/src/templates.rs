//! The minijinja environment: template loading (theme first, then built-in), the `t` and `asset`
//! functions and the `won`, `number`, `kst` and `kst_date` filters.

use crate::assets::Theme;
use crate::i18n::{Locale, Messages, format_won};
use chrono::{DateTime, Utc};
use minijinja::value::Kwargs;
use minijinja::{Environment, Error, ErrorKind, State, Value};
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

/// Builds the environment.
pub fn environment(
    theme: Theme,
    messages: Arc<Messages>,
    static_hashes: HashMap<String, String>,
) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_fuel(Some(TEMPLATE_FUEL));
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
    env.add_filter("kst", |value: Value| -> Result<String, Error> {
        Ok(jangteo_core::time::format_kst(parse_instant(&value)?))
    });
    env.add_filter("kst_date", |value: Value| -> Result<String, Error> {
        Ok(jangteo_core::time::business_date(parse_instant(&value)?).to_string())
    });
    env
}
