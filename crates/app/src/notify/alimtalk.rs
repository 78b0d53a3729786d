//! AlimTalk approved templates when a message is recorded and sent: an AlimTalk of an event
//! with an approved template goes as that text with its `#{변수}` filled from the message's data
//! (every one checked first; one that cannot be filled sends the message's own text by SMS).

use super::{Channel, Notification};
use crate::{App, AppResult};
use jangteo_core::alimtalk::{self, ApprovedTemplate};
use jangteo_core::money::Won;
use jangteo_db::{Reader, settings};
use std::collections::BTreeMap;

/// Where the approved templates are kept (event → template).
pub(crate) const ALIMTALK_KEY: &str = "notify.alimtalk";

/// A message's AlimTalk parts (see [`App::as_alimtalk`]).
#[derive(Default)]
pub(crate) struct AlimTalkForm {
    pub(crate) channel: &'static str,
    pub(crate) text: Option<String>,
    pub(crate) code: Option<String>,
    pub(crate) variables: Option<String>,
}

/// The variables an AlimTalk was filled with, as recorded.
pub(crate) fn recorded_variables(m: &jangteo_db::messages::MessageRow) -> Vec<(String, String)> {
    m.template_variables
        .as_deref()
        .and_then(|json| {
            serde_json::from_str::<std::collections::BTreeMap<String, String>>(json).ok()
        })
        .map(|map| map.into_iter().collect())
        .unwrap_or_default()
}

/// A value from a message context as AlimTalk shows it: amounts in won, times in KST.
fn shown(path: &str, value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) if s.trim().is_empty() => None,
        serde_json::Value::String(s) => Some(
            chrono::DateTime::parse_from_rfc3339(s)
                .map(|at| jangteo_core::time::format_kst(at.to_utc()))
                .unwrap_or_else(|_| s.clone()),
        ),
        serde_json::Value::Number(n) => {
            let n = n.as_i64()?;
            let money = ["amount", "total"].iter().any(|k| path.ends_with(k));
            Some(if money {
                Won(n).to_string()
            } else {
                n.to_string()
            })
        }
        _ => None,
    }
}

impl App {
    /// How `n` is recorded when it is an AlimTalk whose event has an approved template: that
    /// text filled in, or — a variable it cannot fill — the message's own text by SMS.
    pub(crate) async fn as_alimtalk(
        &self,
        tx: &mut jangteo_db::Tx,
        n: &Notification,
    ) -> AppResult<AlimTalkForm> {
        let mut form = AlimTalkForm {
            channel: n.channel.as_str(),
            ..AlimTalkForm::default()
        };
        if n.channel != Channel::AlimTalk {
            return Ok(form);
        }
        let Some(approved) = self.approved_alimtalk(&mut *tx).await?.remove(&n.event) else {
            return Ok(form);
        };
        match self.alimtalk_filled(&approved, n) {
            Ok(alimtalk::Filled { text, variables }) => {
                let variables: serde_json::Map<String, serde_json::Value> = variables
                    .into_iter()
                    .map(|(k, v)| (k, serde_json::Value::String(v)))
                    .collect();
                form.text = Some(text);
                form.code = Some(approved.code);
                form.variables = Some(serde_json::Value::Object(variables).to_string());
            }
            Err(missing) => {
                tracing::warn!(event = %n.event, ?missing, "AlimTalk variables missing: sent by SMS");
                form.channel = Channel::Sms.as_str();
            }
        }
        Ok(form)
    }

    /// Every event's approved template, read in `conn`.
    pub(crate) async fn approved_alimtalk(
        &self,
        conn: impl Into<Reader<'_>>,
    ) -> AppResult<BTreeMap<String, ApprovedTemplate>> {
        Ok(settings::get(conn, ALIMTALK_KEY)
            .await?
            .and_then(|stored| serde_json::from_str(&stored).ok())
            .unwrap_or_default())
    }

    /// `approved` filled from `n`: the text and the variables, or the names it lacks.
    pub(crate) fn alimtalk_filled(
        &self,
        approved: &ApprovedTemplate,
        n: &Notification,
    ) -> Result<alimtalk::Filled, Vec<String>> {
        alimtalk::fill(&approved.text, |path| match path {
            "recipient_name" => Some(n.recipient_name.clone()).filter(|s| !s.trim().is_empty()),
            "shop_name" => Some(self.config.shop.name.clone()).filter(|s| !s.trim().is_empty()),
            _ => {
                let value = path
                    .split('.')
                    .try_fold(&n.context, |at, key| at.get(key))?;
                shown(path, value)
            }
        })
    }
}
