//! 알림톡 승인 템플릿 on a template's page: the template code and the approved text, checked for
//! variables the shop cannot fill, with the text filled with sample values.

use super::BackOffice;
use crate::forms::{form_errors, refused_status, see_other, with_status};
use crate::session::flash;
use crate::views::val;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use jangteo_app::alimtalk_templates::AlimTalkView;
use minijinja::{Value, context};
use serde::Deserialize;

/// The AlimTalk part of the template page: what is registered (or typed), its preview, errors.
pub(super) fn view(alimtalk: &AlimTalkView, errors: Value) -> Value {
    let (filled, missing) = match &alimtalk.preview {
        Some(Ok(text)) => (Some(text.clone()), Vec::new()),
        Some(Err(names)) => (None, names.clone()),
        None => (None, Vec::new()),
    };
    context! {
        code => &alimtalk.code, text => &alimtalk.text, filled => filled,
        missing => missing.iter().map(|n| format!("#{{{n}}}")).collect::<Vec<_>>(),
        variables => jangteo_core::alimtalk::VARIABLES.iter().map(|(n, _)| format!("#{{{n}}}")).collect::<Vec<_>>(),
        errors => errors,
    }
}

/// The form.
#[derive(Debug, Deserialize)]
pub struct AlimTalkForm {
    #[serde(default)]
    alimtalk_code: String,
    #[serde(default)]
    alimtalk_text: String,
    #[serde(default)]
    action: String,
}

/// POST /admin/templates/{event}/alimtalk: `action` = `preview` or `save` (both empty: removed).
pub async fn save(
    office: BackOffice,
    Path(event): Path<String>,
    Form(form): Form<AlimTalkForm>,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = &office;
    let typed = |errors: Value| {
        let typed = AlimTalkView {
            code: form.alimtalk_code.clone(),
            text: form.alimtalk_text.clone(),
            preview: Some(state.app.alimtalk_preview(&event, &form.alimtalk_text)),
        };
        view(&typed, errors)
    };
    if form.action == "preview" {
        return super::pages::template_page(&office, &event, Some(typed(context! {}))).await;
    }
    let saved = state
        .app
        .save_alimtalk_template(
            &admin.actor,
            &event,
            &form.alimtalk_code,
            &form.alimtalk_text,
        )
        .await;
    match saved {
        Ok(()) => {
            flash(&office.session, "success", "admin.flash.saved").await;
            Ok(see_other(&format!("/admin/templates/{event}#alimtalk")))
        }
        Err(e) => match form_errors(state, req, &e) {
            Some(errors) => Ok(with_status(
                super::pages::template_page(&office, &event, Some(typed(val(errors)))).await?,
                refused_status(&e),
            )),
            None => Err(e.into()),
        },
    }
}
