//! Member login (axum-login over the app's members): the session carries the member id and a
//! hash of the password hash, so changing the password or withdrawing ends every other session.

use crate::state::AppState;
use crate::web_error::WebError;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_login::{AuthUser, AuthnBackend, UserId};
use jangteo_app::{App, AppError};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;

/// A logged-in member as the session knows them.
#[derive(Clone)]
pub struct Member {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    auth_hash: Vec<u8>,
}

impl std::fmt::Debug for Member {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Member")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Member {
    /// From a stored member row.
    pub fn from_row(row: &jangteo_app::read_models::MemberRow) -> Self {
        Self {
            id: row.id,
            name: row.name.clone(),
            email: row.email.clone().unwrap_or_default(),
            auth_hash: Sha256::digest(row.password_hash.as_bytes()).to_vec(),
        }
    }
}

impl AuthUser for Member {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        &self.auth_hash
    }
}

/// Loads members for axum-login. Passwords are checked by `App::log_in` (with throttling)
/// before `AuthSession::login`, so `authenticate` only resolves an already-checked member.
#[derive(Clone)]
pub struct MemberBackend {
    app: App,
}

impl MemberBackend {
    /// Over the app.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

impl AuthnBackend for MemberBackend {
    type User = Member;
    type Credentials = i64;
    type Error = AppError;

    async fn authenticate(&self, member_id: i64) -> Result<Option<Member>, AppError> {
        self.get_user(&member_id).await
    }

    async fn get_user(&self, id: &UserId<Self>) -> Result<Option<Member>, AppError> {
        match self.app.active_member(*id).await {
            Ok(row) => Ok(Some(Member::from_row(&row))),
            Err(AppError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The session's auth handle.
pub type AuthSession = axum_login::AuthSession<MemberBackend>;

/// A handler argument that requires a logged-in member; others are sent to the login page and
/// brought back afterwards.
pub struct RequireMember(pub Member);

impl FromRequestParts<AppState> for RequireMember {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let auth = AuthSession::from_request_parts(parts, state)
            .await
            .map_err(|_| {
                WebError::Internal(AppError::Other("auth layer missing".into())).into_response()
            })?;
        match auth.user {
            Some(member) => Ok(RequireMember(member)),
            None => {
                let back = parts
                    .uri
                    .path_and_query()
                    .map_or("/account", |p| p.as_str());
                Err(Redirect::to(&format!(
                    "/account/login?next={}",
                    crate::views::encode_component(back)
                ))
                .into_response())
            }
        }
    }
}

/// The client's address: the peer, or the configured number of proxy hops back in
/// `X-Forwarded-For` (a client can forge the left-most entries, never the ones our proxies add).
pub fn client_ip(
    parts_headers: &axum::http::HeaderMap,
    peer: Option<&ConnectInfo<SocketAddr>>,
    trusted_proxies: usize,
) -> String {
    let peer_ip = peer.map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string());
    if trusted_proxies == 0 {
        return peer_ip;
    }
    let forwarded: Vec<&str> = parts_headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    forwarded
        .len()
        .checked_sub(trusted_proxies)
        .and_then(|i| forwarded.get(i))
        .map_or(peer_ip, |s| (*s).to_owned())
}

/// The client's address as [`client_ip`] sees it.
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        Ok(ClientIp(client_ip(
            &parts.headers,
            peer,
            state.app.config.members.trusted_proxies,
        )))
    }
}

/// Only local redirects after login (`/…` but not `//…`): no open redirect.
pub fn safe_next(next: Option<&str>) -> &str {
    crate::forms::local_path_or(next, "/account")
}
