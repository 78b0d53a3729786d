//! Notices (`/notices`) and events (`/events`) in the shop.

use crate::context::Req;
use crate::forms::{page, t};
use crate::state::AppState;
use crate::views::{PaginationView, media_url, val};
use crate::web_error::WebError;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use jangteo_app::read_models::PostRow;
use jangteo_media::ThumbSize;
use minijinja::{Value, context};
use serde::Deserialize;

/// `?page=`.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    page: Option<u32>,
}

/// The list (`notices`/`events`) and post kind of a request path.
fn kind_of(path: &str) -> Result<(&'static str, &'static str), WebError> {
    match path.trim_start_matches('/').split('/').next() {
        Some("notices") => Ok(("notices", "notice")),
        Some("events") => Ok(("events", "event")),
        _ => Err(WebError::NotFound),
    }
}

fn post_view(state: &AppState, p: &PostRow, list: &str) -> Value {
    let media = state.app.config.media_url();
    context! {
        id => p.id, title => &p.title, body_html => &p.body_html, pinned => p.is_pinned,
        url => format!("/{list}/{}", p.id),
        banner_url => p.banner_hash.as_deref().map(|h| media_url(&media, h, ThumbSize::Detail)),
        starts_at => p.starts_at.map(|d| d.to_rfc3339()),
        last_day => p.ends_at.map(|d| (d - chrono::Duration::days(1)).to_rfc3339()),
        ended => p.ends_at.is_some_and(|e| e <= state.app.now()),
        created_at => p.created_at.to_rfc3339(),
    }
}

/// GET /notices, /events
pub async fn list(
    State(state): State<AppState>,
    req: Req,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let (list, kind) = kind_of(&req.path)?;
    let posts = state.app.published_posts(kind, q.page.unwrap_or(1)).await?;
    let pagination = PaginationView::new(&posts, |n| format!("/{list}?page={n}"));
    let heading_key = format!("post.heading.{kind}");
    page(
        &state,
        &req,
        "shop/posts.html",
        &heading_key,
        context! {
            heading => t(&state, &req, &heading_key),
            posts => posts.items.iter().map(|p| post_view(&state, p, list)).collect::<Vec<_>>(),
            pagination => val(pagination),
        },
    )
    .await
}

/// GET /notices/{id}, /events/{id}
pub async fn show(
    State(state): State<AppState>,
    req: Req,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let (list, kind) = kind_of(&req.path)?;
    let post = state.app.published_post(kind, id).await?;
    let heading_key = format!("post.heading.{kind}");
    page(
        &state,
        &req,
        "shop/post.html",
        &heading_key,
        context! {
            heading => t(&state, &req, &heading_key), list_url => format!("/{list}"),
            post => post_view(&state, &post, list),
        },
    )
    .await
}
