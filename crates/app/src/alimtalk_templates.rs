//! AlimTalk approved templates per event (알림 템플릿 › 알림톡, issue 17): the owner registers the
//! template code and the approved text; an AlimTalk goes as that text with its `#{변수}` filled
//! from the message's data, every variable checked first — one that cannot be filled sends the
//! message's own text by SMS instead. Events without one use `notifications.alimtalk_templates`
//! (the message's own text) as before, or SMS.

use crate::auth::StaffActor;
use crate::field_errors::FieldErrors;
use crate::notify::alimtalk::ALIMTALK_KEY;
use crate::notify::{Channel, Notification};
use crate::{App, AppError, AppResult};
use jangteo_core::alimtalk::{self, ApprovedTemplate};
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::settings;

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

impl App {
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
            channel: Channel::AlimTalk,
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
        settings::set(&mut tx, ALIMTALK_KEY, &json, now).await?;
        let entry = NewAudit {
            before: before.and_then(|b| serde_json::to_string(&b).ok()),
            after: all.get(event).and_then(|a| serde_json::to_string(a).ok()),
            ..actor.entry("notify.alimtalk", "template", event)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await.map_err(AppError::from)
    }
}
