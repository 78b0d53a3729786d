//! 상품 후기 in the back office (issue 17): the list with filters, one review with hide (with a
//! reason), show and reply, and the review rules.

use super::BackOffice;
use crate::forms::{refuse, see_other};
use crate::session::flash;
use crate::views::{PaginationView, media_url};
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Path, Query};
use axum::response::Response;
use jangteo_app::admin::reviews::{AdminReviewRow, ReviewFilter};
use jangteo_core::reviews::ReviewPolicyFields;
use jangteo_core::staff::{Access, Area};
use jangteo_media::ThumbSize;
use minijinja::{Value, context};
use serde::Deserialize;

/// `?filter=&page=`
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    filter: Option<String>,
    page: Option<u32>,
}

const FILTERS: [(&str, ReviewFilter); 5] = [
    ("all", ReviewFilter::All),
    ("visible", ReviewFilter::Visible),
    ("hidden", ReviewFilter::Hidden),
    ("photo", ReviewFilter::Photo),
    ("unanswered", ReviewFilter::Unanswered),
];

/// The rules form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct PolicyFields {
    #[serde(default)]
    window_days: String,
    #[serde(default)]
    min_text_chars: String,
    #[serde(default)]
    reward_text: String,
    #[serde(default)]
    reward_photo: String,
    #[serde(default)]
    reward_first_photo: String,
    #[serde(default)]
    hold_days: String,
}

fn review_value(r: &AdminReviewRow) -> Value {
    let v = &r.review;
    context! {
        id => v.id, url => format!("/admin/reviews/{}", v.id), product => &r.product_name,
        product_url => format!("/products/{}", r.product_slug), order => &r.order_number,
        order_url => format!("/admin/orders/{}", r.order_number), author => &v.author,
        option_label => &v.option_label, stars => v.stars, body => &v.body, photos => v.photo_count,
        excerpt => jangteo_core::text::excerpt(&v.body, 60),
        reward => v.reward, reward_state => &v.reward_state, hidden => v.hidden_at.is_some(),
        hidden_reason => &v.hidden_reason, reply => &v.reply, at => v.created_at.to_rfc3339(),
    }
}

async fn list_page(
    office: &BackOffice,
    q: &ListQuery,
    typed: Option<&PolicyFields>,
    errors: Value,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = office;
    let key = q.filter.as_deref().unwrap_or("all");
    let (key, filter) = FILTERS
        .iter()
        .copied()
        .find(|(k, _)| *k == key)
        .unwrap_or(FILTERS[0]);
    let page = state
        .app
        .admin_reviews(&admin.actor, filter, q.page.unwrap_or(1))
        .await?;
    let pagination =
        PaginationView::new(&page, |n| format!("/admin/reviews?filter={key}&page={n}"));
    let p = state.app.review_policy().await?;
    let policy = match typed {
        Some(t) => context! {
            window_days => &t.window_days, min_text_chars => &t.min_text_chars,
            reward_text => &t.reward_text, reward_photo => &t.reward_photo,
            reward_first_photo => &t.reward_first_photo, hold_days => &t.hold_days,
        },
        None => context! {
            window_days => p.window_days.to_string(), min_text_chars => p.min_text_chars.to_string(),
            reward_text => p.reward_text.to_string(), reward_photo => p.reward_photo.to_string(),
            reward_first_photo => p.reward_first_photo.to_string(), hold_days => p.hold_days.to_string(),
        },
    };
    office
        .page(
            "admin/reviews.html",
            "admin.nav.reviews",
            context! {
                reviews => page.items.iter().map(review_value).collect::<Vec<_>>(),
                pagination => crate::views::val(pagination), filter => key,
                filters => FILTERS.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
                policy => policy, errors => errors,
                can_set_rules => admin.actor.can(Area::Marketing, Access::Write),
            },
        )
        .await
}

/// GET /admin/reviews
pub async fn list(office: BackOffice, Query(q): Query<ListQuery>) -> Result<Response, WebError> {
    list_page(&office, &q, None, context! {}).await
}

/// POST /admin/reviews/policy
pub async fn save_policy(
    office: BackOffice,
    Form(f): Form<PolicyFields>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let fields = ReviewPolicyFields {
        window_days: &f.window_days,
        min_text_chars: &f.min_text_chars,
        reward_text: &f.reward_text,
        reward_photo: &f.reward_photo,
        reward_first_photo: &f.reward_first_photo,
        hold_days: &f.hold_days,
    };
    match state.app.set_review_policy(&admin.actor, &fields).await {
        Ok(_) => {
            flash(session, "success", "admin.flash.saved").await;
            Ok(see_other("/admin/reviews#review-policy"))
        }
        Err(e) => {
            let q = ListQuery {
                filter: None,
                page: None,
            };
            refuse(state, req, e, |errors| {
                list_page(&office, &q, Some(&f), errors)
            })
            .await
        }
    }
}

async fn detail_page(office: &BackOffice, id: i64, errors: Value) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = office;
    let review = state.app.admin_review(&admin.actor, id).await?;
    let media = state.app.config.media_url();
    let photos: Vec<String> = state
        .app
        .review_photos(id)
        .await?
        .iter()
        .map(|h| media_url(&media, h, ThumbSize::List))
        .collect();
    office
        .page(
            "admin/review.html",
            "admin.nav.reviews",
            context! {
                r => review_value(&review), photos => photos, errors => errors,
                can_write => admin.actor.can(Area::Inquiries, Access::Write),
            },
        )
        .await
}

/// GET /admin/reviews/{id}
pub async fn detail(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    detail_page(&office, id, context! {}).await
}

/// The hide and reply forms.
#[derive(Debug, Default, Deserialize)]
pub struct NoteFields {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    reply: String,
}

async fn after(
    office: &BackOffice,
    id: i64,
    done: Result<(), jangteo_app::AppError>,
) -> Result<Response, WebError> {
    match done {
        Ok(()) => {
            flash(&office.session, "success", "admin.flash.saved").await;
            Ok(see_other(&format!("/admin/reviews/{id}")))
        }
        Err(e) => {
            refuse(&office.state, &office.req, e, |errors| {
                detail_page(office, id, errors)
            })
            .await
        }
    }
}

/// POST /admin/reviews/{id}/hide
pub async fn hide(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(f): Form<NoteFields>,
) -> Result<Response, WebError> {
    let done = office
        .state
        .app
        .set_review_hidden(&office.admin.actor, id, Some(&f.reason))
        .await;
    after(&office, id, done).await
}

/// POST /admin/reviews/{id}/show
pub async fn show(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    let done = office
        .state
        .app
        .set_review_hidden(&office.admin.actor, id, None)
        .await;
    after(&office, id, done).await
}

/// POST /admin/reviews/{id}/reply
pub async fn reply(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(f): Form<NoteFields>,
) -> Result<Response, WebError> {
    let done = office
        .state
        .app
        .reply_to_review(&office.admin.actor, id, &f.reply)
        .await;
    after(&office, id, done).await
}
