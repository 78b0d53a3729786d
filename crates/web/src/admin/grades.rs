//! Membership grades in the back office (issue 17): the list with each grade's benefits,
//! threshold and members, the evaluation schedule, a preview of who would move, and the editor.

use super::BackOffice;
use crate::forms::{flash_conflict, refuse, see_other};
use crate::session::flash;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Path, Query};
use axum::response::Response;
use jangteo_app::admin::grades::{GradeAdminRow, GradeForm};
use jangteo_core::grades::bp_as_percent;
use jangteo_core::staff::{Access, Area};
use minijinja::{Value, context};
use serde::Deserialize;

/// `?preview=1` shows who would move.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    preview: Option<u8>,
}

/// The schedule form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct ScheduleFields {
    #[serde(default)]
    window_months: String,
    #[serde(default)]
    evaluation_day: String,
}

async fn list_page(
    office: &BackOffice,
    preview: bool,
    typed: Option<&ScheduleFields>,
    errors: Value,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = office;
    let (grades, schedule) = state.app.admin_grades(&admin.actor).await?;
    let rows: Vec<Value> = grades.iter().map(grade_value).collect();
    let schedule = match typed {
        Some(t) => {
            context! { window_months => &t.window_months, evaluation_day => &t.evaluation_day }
        }
        None => context! {
            window_months => schedule.window_months.to_string(),
            evaluation_day => schedule.evaluation_day.to_string(),
        },
    };
    let moves = if preview {
        let moves = state.app.preview_grade_moves(&admin.actor).await?;
        let rows: Vec<Value> = moves
            .iter()
            .map(|m| context! { from => &m.from, to => &m.to, members => m.members })
            .collect();
        Some(rows)
    } else {
        None
    };
    office
        .page(
            "admin/grades.html",
            "admin.nav.grades",
            context! {
                grades => rows, schedule => schedule, errors => errors, moves => moves,
                can_write => admin.actor.can(Area::Members, Access::Write),
            },
        )
        .await
}

fn grade_value(g: &GradeAdminRow) -> Value {
    context! {
        id => g.id, name => &g.name, url => format!("/admin/grades/{}", g.id),
        discount => bp_as_percent(g.discount_bp), points => bp_as_percent(g.point_bp),
        free_shipping => g.free_shipping, min_spend => g.min_spend, is_default => g.is_default,
        members => g.members,
    }
}

/// GET /admin/grades
pub async fn list(office: BackOffice, Query(q): Query<ListQuery>) -> Result<Response, WebError> {
    list_page(&office, q.preview == Some(1), None, context! {}).await
}

/// POST /admin/grades/schedule
pub async fn save_schedule(
    office: BackOffice,
    Form(fields): Form<ScheduleFields>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let saved = state
        .app
        .set_grade_schedule(&admin.actor, &fields.window_months, &fields.evaluation_day)
        .await;
    match saved {
        Ok(()) => {
            flash(session, "success", "admin.flash.saved").await;
            Ok(see_other("/admin/grades"))
        }
        Err(e) => {
            refuse(state, req, e, |errors| {
                list_page(&office, false, Some(&fields), errors)
            })
            .await
        }
    }
}

async fn editor(
    office: &BackOffice,
    stored: Option<&GradeAdminRow>,
    form: &GradeForm,
    errors: Value,
) -> Result<Response, WebError> {
    let id = stored.map(|g| g.id);
    let can_write = office.admin.actor.can(Area::Members, Access::Write);
    office.page("admin/grade_edit.html", "admin.nav.grades", context! {
        id => id, errors => errors, can_write => can_write,
        form => context! {
            name => &form.name, discount_percent => &form.discount_percent,
            point_percent => &form.point_percent, min_spend => &form.min_spend,
            free_shipping => form.free_shipping,
        },
        is_default => stored.is_some_and(|g| g.is_default),
        members => stored.map_or(0, |g| g.members),
        action_url => id.map_or_else(|| "/admin/grades".to_owned(), |id| format!("/admin/grades/{id}")),
    })
    .await
}

/// GET /admin/grades/new
pub async fn new_grade(office: BackOffice) -> Result<Response, WebError> {
    office.admin.require(Area::Members, Access::Write)?;
    let form = GradeForm {
        discount_percent: "0".into(),
        point_percent: "1".into(),
        ..GradeForm::default()
    };
    editor(&office, None, &form, context! {}).await
}

/// GET /admin/grades/{id}
pub async fn edit_grade(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    let g = office
        .state
        .app
        .admin_grade(&office.admin.actor, id)
        .await?;
    let form = GradeForm {
        name: g.name.clone(),
        discount_percent: bp_as_percent(g.discount_bp),
        point_percent: bp_as_percent(g.point_bp),
        min_spend: jangteo_core::money::group_thousands(g.min_spend),
        free_shipping: g.free_shipping,
    };
    editor(&office, Some(&g), &form, context! {}).await
}

/// The editor's fields.
#[derive(Debug, Default, Deserialize)]
pub struct GradeFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    discount_percent: String,
    #[serde(default)]
    point_percent: String,
    #[serde(default)]
    min_spend: String,
    #[serde(default)]
    free_shipping: Option<String>,
}

async fn save(office: BackOffice, id: Option<i64>, f: GradeFields) -> Result<Response, WebError> {
    let form = GradeForm {
        name: f.name,
        discount_percent: f.discount_percent,
        point_percent: f.point_percent,
        min_spend: f.min_spend,
        free_shipping: f.free_shipping.is_some(),
    };
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    match state.app.save_grade(&admin.actor, id, &form).await {
        Ok(_) => {
            flash(session, "success", "admin.flash.saved").await;
            Ok(see_other("/admin/grades"))
        }
        Err(e) => {
            let stored = match id {
                Some(id) => Some(state.app.admin_grade(&admin.actor, id).await?),
                None => None,
            };
            refuse(state, req, e, |errors| {
                editor(&office, stored.as_ref(), &form, errors)
            })
            .await
        }
    }
}

/// POST /admin/grades
pub async fn create(office: BackOffice, Form(f): Form<GradeFields>) -> Result<Response, WebError> {
    save(office, None, f).await
}

/// POST /admin/grades/{id}
pub async fn update(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(f): Form<GradeFields>,
) -> Result<Response, WebError> {
    save(office, Some(id), f).await
}

/// POST /admin/grades/{id}/delete
pub async fn delete(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    let BackOffice {
        state,
        session,
        admin,
        ..
    } = &office;
    let deleted = state.app.delete_grade(&admin.actor, id).await;
    if flash_conflict(session, deleted).await?.is_some() {
        flash(session, "success", "admin.flash.grade_deleted").await;
        return Ok(see_other("/admin/grades"));
    }
    Ok(see_other(&format!("/admin/grades/{id}")))
}
