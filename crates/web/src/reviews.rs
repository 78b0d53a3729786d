//! Product reviews in the shop (issue 17): the member's review form for a delivered order (the
//! review request links straight to it), and the product's reviews, photo reviews first, with
//! the disclosure on rewarded ones (FTC 추천·보증 심사지침).

use crate::auth::RequireMember;
use crate::context::Req;
use crate::forms::{MultipartForm, page, read_multipart, refuse, see_other, t};
use crate::session::flash_with_detail;
use crate::state::AppState;
use crate::views::{PaginationView, media_url, product_path, val};
use crate::web_error::WebError;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use bytes::Bytes;
use jangteo_app::reviews::{LineReviewState, ProductReviews, ReviewInput};
use jangteo_core::reviews::{MAX_PHOTOS, ReviewPolicy};
use jangteo_media::ThumbSize;
use minijinja::{Value, context};
use serde::Deserialize;
use tower_sessions::Session;

/// `?page=`
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    page: Option<u32>,
}

/// The shop's reward rules as every review page states them (kept public, as the FTC guideline
/// asks).
pub(crate) fn rules_view(policy: &ReviewPolicy) -> Value {
    context! {
        window_days => policy.window_days, min_text => policy.min_text_chars,
        reward_text => policy.reward_text, reward_photo => policy.reward_photo,
        reward_first_photo => policy.reward_first_photo, hold_days => policy.hold_days,
        max_photos => MAX_PHOTOS,
    }
}

/// A product's reviews for a page: rating, items with their photos, disclosure and reply.
pub(crate) fn reviews_view(state: &AppState, reviews: &ProductReviews, url: &str) -> Value {
    let media = state.app.config.media_url();
    let items: Vec<Value> = reviews
        .page
        .items
        .iter()
        .map(|v| {
            let r = &v.review;
            context! {
                id => r.id, author => &r.author, option_label => &r.option_label, stars => r.stars,
                body => &r.body, at => r.created_at.to_rfc3339(), reply => &r.reply,
                rewarded => r.reward > 0,
                photos => v.photos.iter().map(|h| context! {
                    thumb => media_url(&media, h, ThumbSize::List), full => media_url(&media, h, ThumbSize::Zoom),
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    let pagination = PaginationView::new(&reviews.page, |n| format!("{url}?page={n}"));
    context! {
        count => reviews.rating.count, average => reviews.rating.average_label(),
        average_tenths => reviews.rating.average_tenths, items => items,
        pagination => val(pagination), more => reviews.page.total > u64::from(reviews.page.size),
        all_url => url,
    }
}

/// GET /products/{slug}/reviews
pub async fn product_reviews(
    State(state): State<AppState>,
    req: Req,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let detail = state
        .app
        .product_detail(&slug)
        .await?
        .ok_or(WebError::NotFound)?;
    let reviews = state
        .app
        .product_reviews(detail.summary.id.get(), q.page.unwrap_or(1))
        .await?;
    let url = format!("{}/reviews", product_path(&detail.summary.slug));
    let policy = state.app.review_policy().await?;
    page(
        &state,
        &req,
        "shop/reviews.html",
        "review.all_title",
        context! {
            product => context! { name => &detail.summary.name, url => product_path(&detail.summary.slug) },
            reviews => reviews_view(&state, &reviews, &url), rules => rules_view(&policy),
        },
    )
    .await
}

fn line_value(state: &AppState, req: &Req, s: &LineReviewState) -> Value {
    context! {
        id => s.line.id, name => &s.line.product_name, option_label => &s.line.option_label,
        written => s.line.review_id.is_some(),
        refusal => s.refusal.filter(|_| s.line.review_id.is_none())
            .map(|code| t(state, req, &format!("error.conflict.{code}"))),
        open => s.refusal.is_none(),
    }
}

async fn review_page(
    state: &AppState,
    req: &Req,
    member_id: i64,
    number: &str,
    typed: Option<(i64, &ReviewInput)>,
    errors: Value,
) -> Result<Response, WebError> {
    let states = state.app.review_states(member_id, number).await?;
    let policy = state.app.review_policy().await?;
    let (typed_line, form) = match typed {
        Some((line, input)) => (
            Some(line),
            context! { stars => &input.stars, text => &input.text },
        ),
        None => (None, context! {}),
    };
    page(
        state,
        req,
        "orders/review.html",
        "review.write_title",
        context! {
            number => number, order_url => format!("/orders/{number}"),
            lines => states.iter().map(|s| line_value(state, req, s)).collect::<Vec<_>>(),
            rules => rules_view(&policy), typed_line => typed_line, form => form, errors => errors,
        },
    )
    .await
}

/// GET /orders/{number}/review
pub async fn review_form(
    State(state): State<AppState>,
    req: Req,
    RequireMember(m): RequireMember,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    review_page(&state, &req, m.id, &number, None, context! {}).await
}

fn typed_review(form: &MultipartForm) -> (ReviewInput, Vec<Bytes>) {
    let input = ReviewInput {
        stars: form.field("stars").unwrap_or_default().to_owned(),
        text: form.field("text").unwrap_or_default().to_owned(),
    };
    let photos = form
        .files_named("photos")
        .into_iter()
        .map(Bytes::from)
        .collect();
    (input, photos)
}

/// POST /orders/{number}/review/{line} (multipart: stars, text and photos)
pub async fn write_review(
    State(state): State<AppState>,
    req: Req,
    session: Session,
    RequireMember(m): RequireMember,
    Path((number, line)): Path<(String, i64)>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let form = match read_multipart(&mut multipart).await {
        Ok(form) => form,
        Err(response) => return Ok(response),
    };
    let (input, photos) = typed_review(&form);
    match state
        .app
        .write_review(m.id, &number, line, &input, photos)
        .await
    {
        Ok((_, reward)) => {
            let detail = (reward > 0).then(|| {
                t(&state, &req, "review.reward_later")
                    .replace("{amount}", &jangteo_core::Won(reward).to_string())
            });
            flash_with_detail(
                &session,
                "success",
                "flash.review_written",
                detail.as_deref(),
            )
            .await;
            Ok(see_other(&format!("/orders/{number}/review#line-{line}")))
        }
        Err(e) => {
            refuse(&state, &req, e, |errors| {
                review_page(&state, &req, m.id, &number, Some((line, &input)), errors)
            })
            .await
        }
    }
}
