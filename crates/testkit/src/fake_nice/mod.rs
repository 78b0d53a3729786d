//! A fake NICE 본인확인 (CheckPlus, API version; docs/PROVIDERS.md §13.2), strict on what NICE
//! checks: the institution token needs the client's Basic credentials, the crypto token the
//! bearer built from that token, a fresh timestamp and the product id; the window refuses a
//! request whose integrity value or request number does not match the token it names. It
//! derives the key from the token it issued, as NICE does, and answers sealed under it, sending
//! the browser to `returnurl` (`methodtype=get`).

mod crypto;
mod window;

use axum::Router;
use axum::routing::{get, post};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The fake's client id.
pub const NICE_CLIENT_ID: &str = "9a1b2c3d-fake-nice-client";
/// Its client secret.
pub const NICE_CLIENT_SECRET: &str = "fakeNiceClientSecret0123456789";
/// The site code it gives crypto tokens.
pub const NICE_SITE_CODE: &str = "BT1234";

/// A crypto token as the fake issued it.
#[derive(Debug, Clone)]
pub(crate) struct Issued {
    pub req_dtim: String,
    pub req_no: String,
    pub token_val: String,
    /// Where its window sends the browser back, once the request was read.
    pub return_url: Option<String>,
}

#[derive(Default)]
pub(crate) struct State {
    pub access_tokens: Mutex<Vec<String>>,
    pub tokens: Mutex<HashMap<String, Issued>>,
    pub serial: AtomicU64,
}

impl State {
    pub(crate) fn next(&self) -> u64 {
        self.serial.fetch_add(1, Ordering::SeqCst) + 1
    }
}

/// A running fake NICE (API and window on one address).
#[derive(Clone)]
pub struct FakeNice {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
}

impl FakeNice {
    /// Starts the fake.
    pub async fn start() -> Self {
        let state = Arc::new(State::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the fake NICE");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let router = Router::new()
            .route(
                "/digital/niceid/oauth/oauth/token",
                post(window::access_token),
            )
            .route(
                "/digital/niceid/api/v1.0/common/crypto/token",
                post(window::crypto_token),
            )
            .route(
                "/CheckPlusSafeModel/service.cb",
                get(window::show_get).post(window::show_post),
            )
            .route("/CheckPlusSafeModel/approve/{token}", post(window::approve))
            .route("/CheckPlusSafeModel/close/{token}", post(window::close))
            .with_state(state.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { base_url }
    }

    /// The window's address (`nice.window_url`).
    pub fn window_url(&self) -> String {
        format!("{}/CheckPlusSafeModel/service.cb", self.base_url)
    }

    /// A browser in the window: posts the shop's `fields` to it, presses `button` (`approve`
    /// with `person` typed, or `close`) and returns where the window sends the browser back.
    /// Panics when the window refuses the request.
    pub async fn press(
        &self,
        fields: &[(String, String)],
        button: &str,
        person: &[(&str, &str)],
    ) -> String {
        let browser = crate::server::client();
        let page = browser
            .post(self.window_url())
            .form(fields)
            .send()
            .await
            .expect("the window answers");
        assert_eq!(page.status(), 200, "the window accepts the request");
        let html = page.text().await.expect("a page");
        let path = html
            .split("action=\"")
            .map(|rest| rest.split('"').next().unwrap_or_default())
            .find(|p| p.contains(button))
            .expect("the button's form")
            .to_owned();
        let answer = browser
            .post(format!("{}{path}", self.base_url))
            .form(person)
            .send()
            .await
            .expect("the window answers");
        answer.headers()["location"]
            .to_str()
            .expect("a location")
            .to_owned()
    }
}
