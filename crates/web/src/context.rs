//! What every page template receives (TEMPLATES.md "Globals"), and rendering.

use crate::i18n::Locale;
use crate::state::AppState;
use crate::views::{MenuItem, encode_component, val};
use crate::web_error::WebError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Request, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use jangteo_app::config::BusinessInfo;
use minijinja::{Value, context};
use serde::Serialize;
use std::convert::Infallible;

/// Facts about the request that pages need: language, path, query, request id.
#[derive(Debug, Clone)]
pub struct Req {
    /// UI language (from the `lang` cookie).
    pub locale: Locale,
    /// Request path.
    pub path: String,
    /// Raw query string.
    pub query: Option<String>,
    /// The `x-request-id` assigned by the middleware.
    pub request_id: Option<String>,
    /// Who is visiting (set by the viewer middleware on session-aware routes).
    pub viewer: ViewerInfo,
}

/// The visitor as pages show them: logged in or not, cart size, pending notices.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ViewerInfo {
    /// A member is logged in.
    pub is_member: bool,
    /// The member's name.
    pub name: String,
    /// Lines in the cart.
    pub cart_count: i64,
    /// The member's id.
    #[serde(skip)]
    pub member_id: Option<i64>,
    /// One-time notices (kind, message key).
    #[serde(skip)]
    pub flash: Vec<crate::session::Flash>,
}

impl Req {
    fn from_parts_ref(
        headers: &axum::http::HeaderMap,
        uri: &axum::http::Uri,
        extensions: &axum::http::Extensions,
    ) -> Self {
        Self {
            locale: Locale::from_cookie_header(
                headers.get(header::COOKIE).and_then(|v| v.to_str().ok()),
            ),
            path: uri.path().to_owned(),
            query: uri.query().map(str::to_owned),
            request_id: headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            viewer: extensions.get::<ViewerInfo>().cloned().unwrap_or_default(),
        }
    }

    /// Reads the facts off a full request (middleware).
    pub fn from_request<B>(request: &Request<B>) -> Self {
        Self::from_parts_ref(request.headers(), request.uri(), request.extensions())
    }

    /// Path plus query, to come back to this page.
    pub fn path_and_query(&self) -> String {
        match &self.query {
            Some(q) if !q.is_empty() => format!("{}?{q}", self.path),
            _ => self.path.clone(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Req {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::from_parts_ref(
            &parts.headers,
            &parts.uri,
            &parts.extensions,
        ))
    }
}

/// `page.*` of TEMPLATES.md.
#[derive(Debug, Clone, Serialize, Default)]
pub struct PageMeta {
    /// Full `<title>`.
    pub title: String,
    /// Meta description.
    pub description: String,
    /// Absolute canonical URL (filled from the request path when empty).
    pub canonical_url: String,
    /// `website` or `product`.
    pub og_type: &'static str,
    /// Absolute image URL.
    pub og_image: Option<String>,
    /// JSON-LD, already safe to embed in a script element.
    pub json_ld: Option<String>,
    /// Robots directive.
    pub robots: Option<&'static str>,
}

impl PageMeta {
    /// A plain page with a title.
    pub fn titled(title: String) -> Self {
        Self {
            title,
            og_type: "website",
            ..Default::default()
        }
    }
}

#[derive(Serialize)]
struct ShopView<'a> {
    name: &'a str,
    tagline: &'a str,
    base_url: String,
    business: &'a BusinessInfo,
}

#[derive(Serialize)]
struct FooterLink {
    title: String,
    url: String,
}

async fn base_context(
    state: &AppState,
    req: &Req,
    mut page: PageMeta,
    search_query: &str,
) -> Value {
    let config = &state.app.config;
    let base_url = config.base_url();
    if page.canonical_url.is_empty() {
        page.canonical_url = format!("{base_url}{}", req.path);
    }
    if page.description.is_empty() {
        page.description = state
            .inner
            .messages
            .get(req.locale, "meta.default_description")
            .to_owned();
    }
    // The error page must render even when the database is down: fall back to empty menus.
    let menu: Vec<MenuItem> = match state.app.category_tree().await {
        Ok(tree) => MenuItem::from_tree(&tree),
        Err(e) => {
            tracing::warn!(error = %e, "menu unavailable");
            Vec::new()
        }
    };
    let footer_pages: Vec<FooterLink> = match state.app.published_pages().await {
        // Terms and privacy have their fixed place in the legal footer.
        Ok(pages) => pages
            .iter()
            .filter(|p| !matches!(p.slug.as_str(), "terms" | "privacy"))
            .map(|p| FooterLink {
                title: p.title.clone(),
                url: format!("/pages/{}", p.slug),
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    let back = encode_component(&req.path_and_query());
    let flash: Vec<Value> = req
        .viewer
        .flash
        .iter()
        .map(|f| context! { kind => &f.kind, message => f.message(state.inner.messages.get(req.locale, &f.key)) })
        .collect();
    context! {
        shop => val(ShopView {
            name: &config.shop.name,
            tagline: &config.shop.tagline,
            base_url,
            business: &config.shop.business,
        }),
        menu => val(menu),
        footer_pages => val(footer_pages),
        locale => req.locale.code(),
        current_path => &req.path,
        lang_urls => context! { ko => format!("/lang/ko?next={back}"), en => format!("/lang/en?next={back}") },
        search_query => search_query,
        page => val(page),
        viewer => val(&req.viewer),
        flash => flash,
        demo_outbox => state.app.outbox_visible(),
        demo_mode => config.demo_mode,
        test_payments => state.app.test_payments(),
        legal => context! {
            ftc_url => jangteo_core::legal::ftc_business_url(&config.shop.business.registration_no),
            escrow_certificate_url => Some(state.app.escrow_settings().certificate_url).filter(|u| !u.is_empty()),
        },
    }
}

/// Renders `template` with the globals plus `extra` (page-specific variables).
pub async fn render(
    state: &AppState,
    req: &Req,
    template: &str,
    meta: PageMeta,
    search_query: &str,
    extra: Value,
) -> Result<Response, WebError> {
    let base = base_context(state, req, meta, search_query).await;
    let html = render_to_string(state, template, context! { ..extra, ..base })?;
    Ok(Html(html).into_response())
}

pub(crate) fn render_to_string(
    state: &AppState,
    template: &str,
    ctx: Value,
) -> Result<String, WebError> {
    state
        .inner
        .env
        .get_template(template)
        .and_then(|t| t.render(ctx))
        .map_err(|source| WebError::Template {
            template: template.to_owned(),
            source,
        })
}

/// Renders the error page.
pub async fn render_error(
    state: &AppState,
    req: &Req,
    meta: PageMeta,
    status: StatusCode,
    title: &str,
    message: &str,
) -> Result<String, WebError> {
    let base = base_context(
        state,
        req,
        PageMeta {
            robots: Some("noindex"),
            ..meta
        },
        "",
    )
    .await;
    render_to_string(
        state,
        "errors/error.html",
        context! { status => status.as_u16(), title => title, message => message, request_id => &req.request_id, ..base },
    )
}
