//! Inquiry pages: members' 1:1 inquiries under /account and product Q&A beside each product (staff
//! answer them in the back office).

use crate::auth::{AuthSession, RequireMember};
use crate::context::Req;
use crate::forms::{checked, page, refuse, see_other, t};
use crate::session::flash;
use crate::state::AppState;
use crate::views::{PaginationView, val};
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use jangteo_app::AppError;
use jangteo_app::inquiries::{PERSONAL_CATEGORIES, PersonalInquiryInput, ProductQuestionInput};
use jangteo_app::read_models::InquiryRow;
use minijinja::{Value, context};
use serde::Deserialize;
use tower_sessions::Session;

/// `?page=…&order=…`.
#[derive(Debug, Default, Deserialize)]
pub struct InquiryQuery {
    page: Option<u32>,
    order: Option<String>,
}

/// The 1:1 inquiry form.
#[derive(Debug, Default, Deserialize)]
pub struct PersonalForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    order_number: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

/// The product question form.
#[derive(Debug, Default, Deserialize)]
pub struct QuestionForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    secret: Option<String>,
}

/// An inquiry for templates (`staff` adds who asked).
pub(crate) fn inquiry_view(state: &AppState, req: &Req, row: &InquiryRow, staff: bool) -> Value {
    let category_label = t(state, req, &format!("inquiry.category.{}", row.category));
    context! {
        id => row.id, kind => &row.kind, category => &row.category, category_label => category_label,
        title => &row.title, body => &row.body, is_secret => row.is_secret,
        status => &row.status, status_label => t(state, req, &format!("inquiry.status.{}", row.status)),
        answer => &row.answer, answered_at => row.answered_at.map(|d| d.to_rfc3339()),
        answered_by => if staff { row.answered_by.clone() } else { None },
        created_at => row.created_at.to_rfc3339(),
        product_name => &row.product_name,
        product_url => row.product_slug.as_ref().map(|s| format!("/products/{s}")),
        order_number => &row.order_number,
        order_url => row.order_number.as_ref().map(|n| format!("/orders/{n}")),
        url => if staff { format!("/admin/inquiries/{}", row.id) } else { format!("/account/inquiries/{}", row.id) },
        delete_url => (!staff && row.status == "open").then(|| format!("/account/inquiries/{}/delete", row.id)),
        member_name => if staff { row.member_name.clone() } else { None },
        member_email => if staff { row.member_email.clone() } else { None },
        member_id => if staff { row.member_id } else { None },
    }
}

fn categories(state: &AppState, req: &Req) -> Vec<Value> {
    PERSONAL_CATEGORIES
        .iter()
        .map(|c| context! { code => *c, label => t(state, req, &format!("inquiry.category.{c}")) })
        .collect()
}

/// GET /account/inquiries
pub async fn list_inquiries(
    State(state): State<AppState>,
    req: Req,
    RequireMember(m): RequireMember,
    Query(q): Query<InquiryQuery>,
) -> Result<Response, WebError> {
    let list = state
        .app
        .member_inquiries(m.id, q.page.unwrap_or(1), 10)
        .await?;
    let pagination = PaginationView::new(&list, |n| format!("/account/inquiries?page={n}"));
    let items: Vec<_> = list
        .items
        .iter()
        .map(|r| inquiry_view(&state, &req, r, false))
        .collect();
    page(
        &state,
        &req,
        "account/inquiries.html",
        "inquiry.title",
        context! { inquiries => items, pagination => val(pagination) },
    )
    .await
}

async fn personal_form_page(
    state: &AppState,
    req: &Req,
    form: &PersonalForm,
    errors: Value,
) -> Result<Response, WebError> {
    page(
        state,
        req,
        "account/inquiry_new.html",
        "inquiry.new_title",
        context! {
            form => context! { category => &form.category, order_number => &form.order_number,
                title => &form.title, body => &form.body },
            errors => errors,
            categories => categories(state, req),
        },
    )
    .await
}

/// GET /account/inquiries/new?order=NUMBER
pub async fn new_inquiry(
    State(state): State<AppState>,
    req: Req,
    RequireMember(_): RequireMember,
    Query(q): Query<InquiryQuery>,
) -> Result<Response, WebError> {
    let form = PersonalForm {
        category: if q.order.is_some() {
            "order".into()
        } else {
            String::new()
        },
        order_number: q.order.unwrap_or_default(),
        ..PersonalForm::default()
    };
    personal_form_page(&state, &req, &form, context! {}).await
}

/// POST /account/inquiries
pub async fn create_inquiry(
    State(state): State<AppState>,
    req: Req,
    session: Session,
    RequireMember(m): RequireMember,
    Form(form): Form<PersonalForm>,
) -> Result<Response, WebError> {
    let input = PersonalInquiryInput {
        category: form.category.clone(),
        order_number: form.order_number.clone(),
        title: form.title.clone(),
        body: form.body.clone(),
    };
    match state.app.ask_personal(m.id, &input).await {
        Ok(id) => {
            flash(&session, "success", "flash.inquiry_sent").await;
            Ok(see_other(&format!("/account/inquiries/{id}")))
        }
        Err(e) => {
            refuse(&state, &req, e, |errors| {
                personal_form_page(&state, &req, &form, errors)
            })
            .await
        }
    }
}

/// GET /account/inquiries/{id}
pub async fn show_inquiry(
    State(state): State<AppState>,
    req: Req,
    RequireMember(m): RequireMember,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let row = state.app.member_inquiry(m.id, id).await?;
    page(
        &state,
        &req,
        "account/inquiry.html",
        "inquiry.title",
        context! { inquiry => inquiry_view(&state, &req, &row, false) },
    )
    .await
}

/// POST /account/inquiries/{id}/delete
pub async fn delete_inquiry(
    State(state): State<AppState>,
    session: Session,
    RequireMember(m): RequireMember,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    match state.app.delete_inquiry(m.id, id).await {
        Ok(()) => {
            flash(&session, "success", "flash.inquiry_deleted").await;
            Ok(see_other("/account/inquiries"))
        }
        Err(AppError::Conflict(_)) => {
            flash(&session, "error", "error.conflict.inquiry_answered").await;
            Ok(see_other(&format!("/account/inquiries/{id}")))
        }
        Err(e) => Err(e.into()),
    }
}

async fn questions_page(
    state: &AppState,
    req: &Req,
    auth: &AuthSession,
    slug: &str,
    page_no: u32,
    form: &QuestionForm,
    errors: Value,
) -> Result<Response, WebError> {
    let detail = state
        .app
        .product_detail(slug)
        .await?
        .ok_or(WebError::NotFound)?;
    let viewer = auth.user.as_ref().map(|m| m.id);
    let list = state
        .app
        .product_questions(detail.summary.id.0, viewer, page_no, 10)
        .await?;
    let path = format!("/products/{slug}/questions");
    let pagination = PaginationView::new(&list, |n| format!("{path}?page={n}"));
    let items: Vec<_> = list
        .items
        .iter()
        .map(|q| {
            context! {
                id => q.row.id, author => &q.author, readable => q.readable, mine => q.mine,
                is_secret => q.row.is_secret,
                title => q.readable.then_some(&q.row.title), body => q.readable.then_some(&q.row.body),
                answer => if q.readable { q.row.answer.clone() } else { None },
                answered => q.row.status == "answered",
                status_label => t(state, req, &format!("inquiry.status.{}", q.row.status)),
                created_at => q.row.created_at.to_rfc3339(),
                answered_at => q.row.answered_at.map(|d| d.to_rfc3339()),
            }
        })
        .collect();
    page(state, req, "shop/questions.html", "inquiry.qna_title", context! {
        product => context! { name => &detail.summary.name, url => format!("/products/{slug}") },
        questions => items, pagination => val(pagination), action_url => path.clone(),
        logged_in => viewer.is_some(),
        login_url => format!("/account/login?next={}", crate::views::encode_component(&path)),
        form => context! { title => &form.title, body => &form.body, secret => checked(&form.secret) },
        errors => errors,
    })
    .await
}

/// GET /products/{slug}/questions (a 19세 product's behind the same gate as its page)
pub async fn list_questions(
    State(state): State<AppState>,
    req: Req,
    auth: AuthSession,
    session: Session,
    Path(slug): Path<String>,
    Query(q): Query<InquiryQuery>,
) -> Result<Response, WebError> {
    let here = format!("/products/{slug}/questions");
    if state
        .app
        .product_detail(&slug)
        .await?
        .is_some_and(|d| d.summary.adult_only)
        && let Some(gate) =
            crate::identity_pages::adult_gate(&state, &req, &auth, &session, &here).await?
    {
        return Ok(gate);
    }
    questions_page(
        &state,
        &req,
        &auth,
        &slug,
        q.page.unwrap_or(1),
        &QuestionForm::default(),
        context! {},
    )
    .await
}

/// POST /products/{slug}/questions
pub async fn create_question(
    State(state): State<AppState>,
    req: Req,
    auth: AuthSession,
    session: Session,
    RequireMember(m): RequireMember,
    Path(slug): Path<String>,
    Form(form): Form<QuestionForm>,
) -> Result<Response, WebError> {
    let input = ProductQuestionInput {
        title: form.title.clone(),
        body: form.body.clone(),
        secret: checked(&form.secret),
    };
    match state.app.ask_about_product(m.id, &slug, &input).await {
        Ok(id) => {
            flash(&session, "success", "flash.question_sent").await;
            Ok(see_other(&format!("/products/{slug}/questions#q-{id}")))
        }
        Err(e) => {
            refuse(&state, &req, e, |errors| {
                questions_page(&state, &req, &auth, &slug, 1, &form, errors)
            })
            .await
        }
    }
}
