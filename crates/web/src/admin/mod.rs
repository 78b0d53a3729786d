//! The back office under `/admin`: its own session cookie (`jt_admin`, idle timeout), staff login
//! with TOTP 2FA (axum-login over staff accounts), a layout whose menu follows the role's
//! permissions, and the pages.

mod alimtalk;
mod audit_log;
mod banners;
mod categories;
mod channels;
mod claims;
mod content;
mod coupon_codes;
mod coupon_report;
mod coupons;
mod gateway;
mod gifts;
mod grades;
mod login;
mod logistics;
mod members;
mod notify_settings;
mod order_bulk;
mod order_parts;
mod orders;
mod pages;
mod pins;
mod points;
mod products;
mod reconciliation;
mod reviews;
mod routes;
mod settings;
mod sheets;
mod shipping;
mod staff_accounts;
mod staff_alerts;
mod stats;
mod stock;
mod stock_sheet;
mod waybills;
mod webhooks;

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

/// One menu entry: shown to staff with `access` to `area`; `sub` entries are indented under the
/// one before.
struct MenuEntry {
    url: &'static str,
    key: &'static str,
    area: Area,
    access: Access,
    sub: bool,
}

const fn entry(url: &'static str, key: &'static str, area: Area) -> MenuEntry {
    MenuEntry {
        url,
        key,
        area,
        access: Access::Read,
        sub: false,
    }
}

/// The back-office menu.
const MENU: [MenuEntry; 29] = [
    entry("/admin", "admin.nav.dashboard", Area::Dashboard),
    entry("/admin/orders", "admin.nav.orders", Area::Orders),
    // Marketplace orders land in the order list; their channels' state is one click away.
    MenuEntry {
        url: "/admin/channels",
        key: "admin.nav.channels",
        area: Area::Orders,
        access: Access::Read,
        sub: true,
    },
    MenuEntry {
        url: "/admin/logistics",
        key: "admin.nav.logistics",
        area: Area::Orders,
        access: Access::Read,
        sub: true,
    },
    entry("/admin/claims", "admin.nav.claims", Area::Orders),
    entry("/admin/members", "admin.nav.members", Area::Members),
    // Grades belong with the members they sort.
    MenuEntry {
        url: "/admin/grades",
        key: "admin.nav.grades",
        area: Area::Members,
        access: Access::Read,
        sub: true,
    },
    MenuEntry {
        url: "/admin/points",
        key: "admin.nav.points",
        area: Area::Members,
        access: Access::Read,
        sub: true,
    },
    entry("/admin/coupons", "admin.nav.coupons", Area::Marketing),
    MenuEntry {
        url: "/admin/gifts",
        key: "admin.nav.gifts",
        area: Area::Marketing,
        access: Access::Read,
        sub: true,
    },
    MenuEntry {
        url: "/admin/coupons/report",
        key: "admin.nav.coupon_report",
        area: Area::Marketing,
        access: Access::Read,
        sub: true,
    },
    entry("/admin/products", "admin.nav.products", Area::Catalog),
    // Creating a product is the owner's everyday task: one click from the menu.
    MenuEntry {
        url: "/admin/products/new",
        key: "admin.nav.product_new",
        area: Area::Catalog,
        access: Access::Write,
        sub: true,
    },
    entry("/admin/categories", "admin.nav.categories", Area::Catalog),
    entry("/admin/stock", "admin.nav.stock", Area::Stock),
    entry("/admin/inquiries", "admin.nav.inquiries", Area::Inquiries),
    MenuEntry {
        url: "/admin/reviews",
        key: "admin.nav.reviews",
        area: Area::Inquiries,
        access: Access::Read,
        sub: true,
    },
    entry("/admin/content", "admin.nav.content", Area::Content),
    entry("/admin/stats", "admin.nav.stats", Area::Statistics),
    entry(
        "/admin/templates",
        "admin.nav.templates",
        Area::Notifications,
    ),
    MenuEntry {
        url: "/admin/notifications",
        key: "admin.nav.notify_settings",
        area: Area::Notifications,
        access: Access::Read,
        sub: true,
    },
    MenuEntry {
        url: "/admin/alerts",
        key: "admin.nav.staff_alerts",
        area: Area::Notifications,
        access: Access::Read,
        sub: true,
    },
    entry("/admin/outbox", "admin.nav.outbox", Area::Notifications),
    entry("/admin/jobs", "admin.nav.jobs", Area::Jobs),
    entry("/admin/staff", "admin.nav.staff", Area::Staff),
    entry("/admin/audit", "admin.nav.audit", Area::Audit),
    entry("/admin/settings", "admin.nav.settings", Area::Settings),
    // Integrations are part of the shop's settings.
    MenuEntry {
        url: "/admin/webhooks",
        key: "admin.nav.webhooks",
        area: Area::Settings,
        access: Access::Read,
        sub: true,
    },
    entry("/admin/shipping", "admin.nav.shipping", Area::Settings),
];

/// The state a `/stop` or `/resume` address asks for (coupons, gift rules): active or not.
fn resume_or_stop(to: &str) -> Result<bool, WebError> {
    match to {
        "resume" => Ok(true),
        "stop" => Ok(false),
        _ => Err(WebError::NotFound),
    }
}

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
        .map(|f| context! { kind => &f.kind, message => f.message(&t(state, req, &f.key)) })
        .collect();
    // The entry with the longest address the path starts with is the page's (상품 등록, not
    // 상품 관리, on /admin/products/new).
    let current = MENU
        .iter()
        .filter(|m| match m.url {
            "/admin" => req.path == "/admin",
            url => req.path.starts_with(url),
        })
        .map(|m| m.url)
        .max_by_key(|url| url.len());
    let menu: Vec<Value> = admin
        .map(|a| {
            MENU.iter()
                .filter(|m| a.actor.can(m.area, m.access))
                .map(|m| {
                    context! {
                        url => m.url, label => t(state, req, m.key), sub => m.sub,
                        active => current == Some(m.url),
                    }
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
    routes::all().layer(auth)
}
