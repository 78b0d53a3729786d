//! The device cookie: a random token a browser keeps for half a year, so that a browser that
//! logged in before keeps its own login allowance while strangers guessing the password are
//! throttled (`jangteo_app::auth::login_guard`). Only its hash is stored; it grants nothing by itself.

use crate::auth::ClientIp;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderValue, request::Parts};
use axum::response::Response;
use jangteo_app::auth::login_guard::{KNOWN_FOR_DAYS, LoginPlace, new_device_token};

/// Name of the device cookie.
const NAME: &str = "jangteo_device";

/// Where a login attempt comes from; a browser without the cookie gets a new one.
pub struct Device {
    /// Address and device token.
    pub place: LoginPlace,
    fresh: bool,
}

impl FromRequestParts<AppState> for Device {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Ok(ClientIp(ip)) = ClientIp::from_request_parts(parts, state).await;
        let sent = parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|h| h.split(';'))
            .find_map(|pair| {
                pair.trim()
                    .strip_prefix(&format!("{NAME}="))
                    .map(str::to_owned)
            });
        // Without randomness the attempt still counts by address; it only stays unknown.
        let (device, fresh) = match sent {
            Some(token) => (Some(token), false),
            None => (new_device_token().ok(), true),
        };
        Ok(Self {
            place: LoginPlace { ip, device },
            fresh,
        })
    }
}

impl Device {
    /// `response` with the device cookie set when this browser had none.
    pub fn remember(&self, state: &AppState, mut response: Response) -> Response {
        let Some(token) = self.place.device.as_deref().filter(|_| self.fresh) else {
            return response;
        };
        let secure = if state.app.config.base_url().starts_with("https://") {
            "; Secure"
        } else {
            ""
        };
        let cookie = format!(
            "{NAME}={token}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
            KNOWN_FOR_DAYS * 24 * 60 * 60
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, value);
        }
        response
    }
}
