//! The back office under `/admin`: its own session cookie (`jt_admin`, idle timeout), staff login
//! with TOTP 2FA (axum-login over staff accounts), a layout whose menu follows the role's
//! permissions, and the pages.

mod audit_log;
mod banners;
mod categories;
mod claims;
mod content;
mod login;
mod members;
mod orders;
mod pages;
mod products;
mod settings;
mod sheets;
mod shipping;
mod staff_accounts;
mod stats;
mod stock;
mod stock_sheet;
mod waybills;

use crate::auth::ClientIp;
use crate::context::{Req, render_to_string};
use crate::forms::t;
use crate::session::{DbSessionStore, take_flash};
use crate::state::AppState;
use crate::web_error::WebError;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_login::{AuthManagerLayerBuilder, AuthUser, AuthnBackend, UserId};
use jangteo_app::auth::StaffActor;
use jangteo_app::read_models::StaffRow;
use jangteo_app::{App, AppError};
use jangteo_core::staff::{Access, Area};
use minijinja::{Value, context};
use sha2::{Digest, Sha256};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

/// A staff member as the admin session knows them. The auth hash covers the password hash and
/// the 2FA enrolment, so changing either ends every other staff session.
#[derive(Clone)]
pub struct StaffUser {
    row: StaffRow,
    auth_hash: Vec<u8>,
}

impl std::fmt::Debug for StaffUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffUser")
            .field("id", &self.row.id)
            .finish_non_exhaustive()
    }
}

impl StaffUser {
    fn from_row(row: StaffRow) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(row.password_hash.as_bytes());
        hasher.update(
            row.totp_enabled_at
                .map(|d| d.to_rfc3339())
                .unwrap_or_default()
                .as_bytes(),
        );
        hasher.update(row.role.as_bytes());
        Self {
            auth_hash: hasher.finalize().to_vec(),
            row,
        }
    }
}

impl AuthUser for StaffUser {
    type Id = i64;

    fn id(&self) -> i64 {
        self.row.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        &self.auth_hash
    }
}

/// Loads staff for axum-login. Password and code are checked by the app (with throttling) before
/// `AuthSession::login`; a deactivated or un-enrolled account has no session.
#[derive(Clone)]
pub struct StaffBackend {
    app: App,
}

impl AuthnBackend for StaffBackend {
    type User = StaffUser;
    type Credentials = i64;
    type Error = AppError;

    async fn authenticate(&self, staff_id: i64) -> Result<Option<StaffUser>, AppError> {
        self.get_user(&staff_id).await
    }

    async fn get_user(&self, id: &UserId<Self>) -> Result<Option<StaffUser>, AppError> {
        Ok(self
            .app
            .staff_account(*id)
            .await?
            .filter(|s| s.is_active && s.totp_enabled_at.is_some())
            .map(StaffUser::from_row))
    }
}

/// The admin session's auth handle.
pub type StaffAuth = axum_login::AuthSession<StaffBackend>;

/// A handler argument for every back-office page: a logged-in staff member from an allowed
/// address (others go to the login page, or get 403 outside the allow-list).
pub struct Admin {
    /// The account.
    pub row: StaffRow,
    /// Who acts, from where, with which role.
    pub actor: StaffActor,
}

impl Admin {
    /// `Forbidden` unless the role allows `needed` in `area`.
    pub fn require(&self, area: Area, needed: Access) -> Result<(), WebError> {
        self.actor.require(area, needed).map_err(WebError::Internal)
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|never| match never {});
        if !jangteo_core::staff::ip_allowed(&ip, &state.app.config.admin.allowed_ips) {
            return Err(WebError::Internal(AppError::Forbidden).into_response());
        }
        let auth = StaffAuth::from_request_parts(parts, state)
            .await
            .map_err(|_| {
                WebError::Internal(AppError::Other("admin auth layer missing".into()))
                    .into_response()
            })?;
        let Some(user) = auth.user else {
            let back = parts.uri.path_and_query().map_or("/admin", |p| p.as_str());
            return Err(Redirect::to(&format!(
                "/admin/login?next={}",
                crate::views::encode_component(back)
            ))
            .into_response());
        };
        let actor = state
            .app
            .actor_of(&user.row, &ip)
            .map_err(|e| WebError::Internal(e).into_response())?;
        Ok(Admin {
            row: user.row,
            actor,
        })
    }
}

/// Everything a back-office handler works with, extracted once: the app, the request's facts,
/// the admin session (flash messages) and the logged-in staff member.
pub struct BackOffice {
    /// The app and the web options.
    pub state: AppState,
    /// Language, path, query, request id.
    pub req: Req,
    /// The admin session.
    pub session: Session,
    /// Who is acting.
    pub admin: Admin,
}

impl FromRequestParts<AppState> for BackOffice {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let req = Req::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|never| match never {});
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let admin = Admin::from_request_parts(parts, state).await?;
        Ok(Self {
            state: state.clone(),
            req,
            session,
            admin,
        })
    }
}

impl BackOffice {
    /// Renders `template` in the admin layout, titled by the message `title_key`.
    pub async fn page(
        &self,
        template: &str,
        title_key: &str,
        extra: Value,
    ) -> Result<Response, WebError> {
        admin_page(
            &self.state,
            &self.req,
            &self.session,
            Some(&self.admin),
            template,
            title_key,
            extra,
        )
        .await
    }
}

/// Menu entries: (url, message key, area).
const MENU: [(&str, &str, Area); 17] = [
    ("/admin", "admin.nav.dashboard", Area::Dashboard),
    ("/admin/orders", "admin.nav.orders", Area::Orders),
    ("/admin/claims", "admin.nav.claims", Area::Orders),
    ("/admin/members", "admin.nav.members", Area::Members),
    ("/admin/products", "admin.nav.products", Area::Catalog),
    ("/admin/categories", "admin.nav.categories", Area::Catalog),
    ("/admin/stock", "admin.nav.stock", Area::Stock),
    ("/admin/inquiries", "admin.nav.inquiries", Area::Inquiries),
    ("/admin/content", "admin.nav.content", Area::Content),
    ("/admin/stats", "admin.nav.stats", Area::Statistics),
    (
        "/admin/templates",
        "admin.nav.templates",
        Area::Notifications,
    ),
    ("/admin/outbox", "admin.nav.outbox", Area::Notifications),
    ("/admin/jobs", "admin.nav.jobs", Area::Jobs),
    ("/admin/staff", "admin.nav.staff", Area::Staff),
    ("/admin/audit", "admin.nav.audit", Area::Audit),
    ("/admin/settings", "admin.nav.settings", Area::Settings),
    ("/admin/shipping", "admin.nav.shipping", Area::Settings),
];

fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    headers.insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex, nofollow"),
    );
    response
}

/// Renders a back-office page in the admin layout (`admin` none: the login pages).
pub(crate) async fn admin_page(
    state: &AppState,
    req: &Req,
    session: &Session,
    admin: Option<&Admin>,
    template: &str,
    title_key: &str,
    extra: Value,
) -> Result<Response, WebError> {
    let flash: Vec<Value> = take_flash(session)
        .await
        .iter()
        .map(|f| context! { kind => &f.kind, message => t(state, req, &f.key) })
        .collect();
    let menu: Vec<Value> = admin
        .map(|a| {
            MENU.iter()
                .filter(|(_, _, area)| a.actor.can(*area, Access::Read))
                .map(|(url, key, _)| {
                    let active = if *url == "/admin" {
                        req.path == "/admin"
                    } else {
                        req.path.starts_with(url)
                    };
                    context! { url => *url, label => t(state, req, key), active => active }
                })
                .collect()
        })
        .unwrap_or_default();
    let base = context! {
        shop => context! { name => &state.app.config.shop.name },
        locale => req.locale.code(),
        current_path => &req.path,
        title => t(state, req, title_key),
        flash => flash,
        menu => menu,
        staff => admin.map(|a| context! {
            name => &a.row.name, email => &a.row.email,
            role => &a.row.role, role_label => t(state, req, &format!("admin.role.{}", a.row.role)),
        }),
    };
    let html = render_to_string(state, template, context! { ..extra, ..base })?;
    Ok(no_store(Html(html).into_response()))
}

/// GET /staff/…: the staff pages moved into the back office.
pub async fn moved_staff_page(axum::extract::Path(rest): axum::extract::Path<String>) -> Redirect {
    let target = match rest.split('/').next().unwrap_or("") {
        page @ ("jobs" | "outbox" | "templates" | "inquiries") => format!("/admin/{page}"),
        _ => "/admin".to_owned(),
    };
    Redirect::permanent(&target)
}

/// The `/admin` router with its own session layer.
pub fn router(state: &AppState) -> Router<AppState> {
    let idle = state.app.config.admin.idle_minutes.max(1);
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.app.clone()))
        .with_name("jt_admin")
        .with_path("/admin")
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(state.app.config.base_url().starts_with("https://"))
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(idle)));
    let auth = AuthManagerLayerBuilder::new(
        StaffBackend {
            app: state.app.clone(),
        },
        sessions,
    )
    .build();
    Router::new()
        .route("/admin", get(pages::dashboard))
        .route(
            "/admin/login",
            get(login::show_login).post(login::submit_password),
        )
        .route(
            "/admin/login/code",
            get(login::show_code).post(login::submit_code),
        )
        .route(
            "/admin/login/enrol",
            get(login::show_enrol).post(login::submit_enrol),
        )
        .route("/admin/logout", post(login::logout))
        .route("/admin/orders", get(orders::list))
        .route("/admin/orders.xlsx", get(orders::export))
        .route("/admin/orders.csv", get(orders::export))
        .route(
            "/admin/orders/waybills",
            get(waybills::waybills).post(waybills::preview_waybills),
        )
        .route(
            "/admin/orders/waybills/apply",
            post(waybills::apply_waybills),
        )
        .route("/admin/orders/{number}", get(orders::show))
        .route("/admin/orders/{number}/action", post(orders::act))
        .route(
            "/admin/orders/{number}/partial-cancel",
            post(orders::partial_cancel),
        )
        .route("/admin/orders/{number}/memos", post(orders::add_memo))
        .route("/admin/orders/{number}/slip", get(orders::packing_slip))
        .route("/admin/members", get(members::list))
        .route("/admin/members.csv", get(members::export))
        .route("/admin/members.xlsx", get(members::export))
        .route("/admin/members/{id}", get(members::show))
        .route("/admin/members/{id}/reveal", post(members::reveal))
        .route("/admin/members/{id}/points", post(members::adjust_points))
        .route("/admin/members/{id}/grade", post(members::change_grade))
        .route("/admin/members/{id}/unlock", post(members::unlock_login))
        .route("/admin/members/{id}/coupons", post(members::issue_coupon))
        .route("/admin/content", get(content::index))
        .route("/admin/pages", post(content::create_page))
        .route("/admin/pages/new", get(content::new_page))
        .route(
            "/admin/pages/{id}",
            get(content::edit_page).post(content::update_page),
        )
        .route("/admin/posts/{kind}", post(content::create_post))
        .route("/admin/posts/{kind}/new", get(content::new_post))
        .route(
            "/admin/posts/{kind}/{id}",
            get(content::edit_post).post(content::update_post),
        )
        .route("/admin/media", post(content::upload_image))
        .route("/admin/banners", post(banners::create_banner))
        .route("/admin/banners/new", get(banners::new_banner))
        .route(
            "/admin/banners/{id}",
            get(banners::edit_banner).post(banners::update_banner),
        )
        .route("/admin/banners/{id}/delete", post(banners::delete_banner))
        .route("/admin/claims", get(claims::list))
        .route("/admin/claims/{id}", get(claims::show).post(claims::act))
        .route(
            "/admin/orders/{number}/claims/new",
            get(claims::new_for_order),
        )
        .route(
            "/admin/orders/{number}/claims",
            post(claims::create_for_order),
        )
        .route("/admin/products", get(products::list))
        .route(
            "/admin/products/new",
            get(products::new_product).post(products::create_product),
        )
        .route("/admin/products/{id}/options", post(products::save_options))
        .route("/admin/products/{id}/skus", post(products::save_skus))
        .route("/admin/products/{id}/images", post(products::upload_images))
        .route(
            "/admin/products/{id}/images/{image}/move",
            post(products::move_image),
        )
        .route(
            "/admin/products/{id}/images/{image}/delete",
            post(products::delete_image),
        )
        .route(
            "/admin/products/{id}",
            get(products::edit).post(products::update),
        )
        .route(
            "/admin/categories",
            get(categories::categories).post(categories::create_category),
        )
        .route("/admin/categories/{id}", post(categories::update_category))
        .route(
            "/admin/categories/{id}/delete",
            post(categories::delete_category),
        )
        .route("/admin/stats", get(stats::sales))
        .route("/admin/stats/export", get(stats::export_sales))
        .route("/admin/stats/members", get(stats::members))
        .route("/admin/stats/members/export", get(stats::export_members))
        .route("/admin/stock", get(stock::list))
        .route("/admin/stock/{sku}", post(stock::adjust))
        .route(
            "/admin/stock/import",
            get(stock_sheet::import_form).post(stock_sheet::import_preview),
        )
        .route("/admin/stock/import/apply", post(stock_sheet::import_apply))
        .route("/admin/inquiries", get(pages::inquiries))
        .route("/admin/inquiries/{id}", get(pages::inquiry))
        .route("/admin/inquiries/{id}/answer", post(pages::answer_inquiry))
        .route("/admin/templates", get(pages::templates))
        .route(
            "/admin/templates/{event}",
            get(pages::edit_template).post(pages::update_template),
        )
        .route("/admin/outbox", get(pages::outbox))
        .route("/admin/jobs", get(pages::jobs))
        .route("/admin/jobs/{id}/retry", post(pages::retry_job))
        .route("/admin/jobs/{id}/discard", post(pages::discard_job))
        .route(
            "/admin/staff",
            get(staff_accounts::list).post(staff_accounts::add),
        )
        .route("/admin/staff/{id}", post(staff_accounts::change))
        .route("/admin/staff/tokens", post(staff_accounts::issue_token))
        .route(
            "/admin/staff/{id}/tokens/{token}/revoke",
            post(staff_accounts::revoke_token),
        )
        .route(
            "/admin/staff/{id}/reset-2fa",
            post(staff_accounts::reset_2fa),
        )
        .route("/admin/staff/{id}/unlock", post(staff_accounts::unlock))
        .route("/admin/settings", get(settings::show))
        .route("/admin/shipping", get(shipping::show))
        .route("/admin/shipping/profiles", post(shipping::create))
        .route("/admin/shipping/profiles/{id}", post(shipping::update))
        .route(
            "/admin/shipping/profiles/{id}/delete",
            post(shipping::delete),
        )
        .route(
            "/admin/shipping/profiles/{id}/default",
            post(shipping::make_default),
        )
        .route("/admin/shipping/remote-areas", post(shipping::save_areas))
        .route(
            "/admin/settings/payment-methods",
            post(settings::save_payment_methods),
        )
        .route(
            "/admin/settings/stock-display",
            post(settings::save_stock_display),
        )
        .route("/admin/audit", get(audit_log::audit))
        .route("/admin/audit.csv", get(audit_log::audit_export))
        .layer(auth)
}
