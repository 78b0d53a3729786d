//! AlimTalk approved templates per event (알림 템플릿 › 알림톡, issue 17): the owner registers the
//! template code and the approved text; an AlimTalk goes as that text with its `#{변수}` filled
//! from the message's data, every variable checked first — one that cannot be filled sends the
//! message's own text by SMS instead. Events without one use `notifications.alimtalk_templates`
//! (the message's own text) as before, or SMS.

use crate::auth::StaffActor;
use crate::field_errors::FieldErrors;
use crate::notify::{Channel, Notification};
use crate::{App, AppError, AppResult};
use jangteo_core::alimtalk::{self, ApprovedTemplate};
use jangteo_core::money::Won;
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::{Reader, settings};
use std::collections::BTreeMap;

/// Where the templates are kept (event → template).
const KEY: &str = "notify.alimtalk";

/// What the template page shows of an event's AlimTalk.
#[derive(Debug, Clone, Default)]
pub struct AlimTalkView {
    /// Template code.
    pub code: String,
    /// Approved text.
    pub text: String,
    /// The text filled with sample values, or the variables that cannot be filled.
    pub preview: Option<Result<String, Vec<String>>>,
}

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
        Ok(settings::get(conn, KEY)
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

    /// The event's AlimTalk on the template page, with a preview on sample values
    /// (notifications, read).
    pub async fn alimtalk_for_editing(
        &self,
        actor: &StaffActor,
        event: &str,
    ) -> AppResult<AlimTalkView> {
        actor.require(Area::Notifications, Access::Read)?;
        let approved = self.approved_alimtalk(&self.db).await?.remove(event);
        Ok(approved.map_or_else(AlimTalkView::default, |a| {
            let preview = Some(self.alimtalk_preview(event, &a.text));
            AlimTalkView {
                code: a.code,
                text: a.text,
                preview,
            }
        }))
    }

    /// `text` filled with the sample values the template previews use.
    pub fn alimtalk_preview(&self, event: &str, text: &str) -> Result<String, Vec<String>> {
        let sample = Notification {
            event: event.to_owned(),
            channel: crate::notify::Channel::AlimTalk,
            to: "01012345678".into(),
            recipient_name: "김구매".into(),
            context: crate::notify::sample_context(),
            advertising: false,
            dedupe_key: None,
        };
        let approved = ApprovedTemplate {
            code: String::new(),
            text: text.to_owned(),
        };
        self.alimtalk_filled(&approved, &sample)
            .map(|filled| filled.text)
    }

    /// Registers (or, both empty, removes) the event's approved template (notifications,
    /// write); refused while the text has a variable the shop cannot fill. Audited.
    pub async fn save_alimtalk_template(
        &self,
        actor: &StaffActor,
        event: &str,
        code: &str,
        text: &str,
    ) -> AppResult<()> {
        actor.require(Area::Notifications, Access::Write)?;
        if !self.template_events().iter().any(|e| e == event) {
            return Err(AppError::NotFound);
        }
        let (code, text) = (code.trim(), text.trim());
        let mut errors = FieldErrors::default();
        if !(code.is_empty() && text.is_empty()) {
            if code.is_empty() || code.chars().count() > 64 {
                errors.add("alimtalk_code", "required");
            }
            if text.is_empty() || text.chars().count() > 1000 {
                errors.add("alimtalk_text", "required");
            } else if !alimtalk::unknown_variables(text).is_empty() {
                errors.add("alimtalk_text", "alimtalk_unknown_variable");
            }
        }
        errors.finish()?;
        let mut all = self.approved_alimtalk(&self.db).await?;
        let before = all.get(event).cloned();
        if code.is_empty() {
            all.remove(event);
        } else {
            let approved = ApprovedTemplate {
                code: code.to_owned(),
                text: text.to_owned(),
            };
            all.insert(event.to_owned(), approved);
        }
        let json = serde_json::to_string(&all).map_err(|e| AppError::Other(e.to_string()))?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        settings::set(&mut tx, KEY, &json, now).await?;
        let entry = NewAudit {
            before: before.and_then(|b| serde_json::to_string(&b).ok()),
            after: all.get(event).and_then(|a| serde_json::to_string(a).ok()),
            ..actor.entry("notify.alimtalk", "template", event)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await.map_err(AppError::from)
    }
}
