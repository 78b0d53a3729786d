//! A browser-like HTTP client for form journeys: keeps the session cookie, never follows
//! redirects (tests assert them), sends same-origin headers like a browser's form post.

use std::sync::Mutex;

/// One response.
#[derive(Debug, Clone)]
pub struct Page {
    /// Status.
    pub status: u16,
    /// `Location` of a redirect (path and query).
    pub location: Option<String>,
    /// Body.
    pub body: String,
    /// Response headers.
    pub headers: reqwest::header::HeaderMap,
}

impl Page {
    /// The value of `<input … name="NAME" … value="…">` in the body.
    pub fn input_value(&self, name: &str) -> Option<String> {
        let needle = format!("name=\"{name}\"");
        let at = self.body.find(&needle)?;
        let tag_start = self.body[..at].rfind('<')?;
        let tag_end = at + self.body[at..].find('>')?;
        let tag = &self.body[tag_start..tag_end];
        let v = tag.find("value=\"")? + 7;
        let end = tag[v..].find('"')?;
        Some(tag[v..v + end].to_owned())
    }
}

/// A visitor with its own session.
pub struct Shopper {
    base: String,
    client: reqwest::Client,
    cookies: Mutex<std::collections::BTreeMap<String, String>>,
}

/// Cookies a visitor keeps: the shop's and the back office's sessions and the device cookie that
/// makes a browser known to the accounts it logged in to.
const SESSION_COOKIES: [&str; 3] = ["jt_session", "jt_admin", "jangteo_device"];

impl Shopper {
    /// A new visitor of the shop at `base_url`.
    pub fn new(base_url: &str) -> Self {
        Self {
            base: base_url.trim_end_matches('/').to_owned(),
            client: crate::server::client(),
            cookies: Mutex::new(std::collections::BTreeMap::new()),
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    async fn finish(&self, response: reqwest::Response) -> Page {
        for value in response.headers().get_all(reqwest::header::SET_COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            for name in SESSION_COOKIES {
                if let Some(rest) = text.strip_prefix(&format!("{name}=")) {
                    let value = rest.split(';').next().unwrap_or("");
                    let expired = text.contains("Max-Age=0") || value.is_empty();
                    let mut cookies = self.cookies.lock().unwrap();
                    if expired {
                        cookies.remove(name);
                    } else {
                        cookies.insert(name.to_owned(), value.to_owned());
                    }
                }
            }
        }
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(|l| l.strip_prefix(&self.base).unwrap_or(l).to_owned());
        let headers = response.headers().clone();
        Page {
            status,
            location,
            headers,
            body: response.text().await.unwrap_or_default(),
        }
    }

    /// Every cookie the visitor holds, as a `Cookie` header value (for raw requests).
    pub fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn with_cookie(&self, mut rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let header = self.cookie_header();
        if !header.is_empty() {
            rb = rb.header(reqwest::header::COOKIE, header);
        }
        rb
    }

    /// The same visitor (same session cookie) arriving at another instance of the shop.
    pub fn at(&self, base_url: &str) -> Shopper {
        Shopper {
            base: base_url.trim_end_matches('/').to_owned(),
            client: crate::server::client(),
            cookies: Mutex::new(self.cookies.lock().unwrap().clone()),
        }
    }

    /// Whether the visitor has a shop session cookie.
    pub fn has_session(&self) -> bool {
        self.cookies.lock().unwrap().contains_key("jt_session")
    }

    /// The back-office session cookie (`jt_admin=…`), for raw requests.
    pub fn admin_cookie(&self) -> Option<String> {
        self.cookies
            .lock()
            .unwrap()
            .get("jt_admin")
            .map(|v| format!("jt_admin={v}"))
    }

    /// Whether the visitor has a back-office session cookie.
    pub fn has_admin_session(&self) -> bool {
        self.cookies.lock().unwrap().contains_key("jt_admin")
    }

    /// GET.
    pub async fn get(&self, path: &str) -> Page {
        let rb = self.with_cookie(self.client.get(self.url(path)));
        self.finish(
            rb.send()
                .await
                .unwrap_or_else(|e| panic!("GET {path}: {e}")),
        )
        .await
    }

    /// POST a form like a browser on this site.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        self.post_with(
            path,
            form,
            &[("origin", &self.base), ("sec-fetch-site", "same-origin")],
        )
        .await
    }

    /// POST a form whose field names are built at run time (`code_12`, …).
    pub async fn post_pairs(&self, path: &str, form: &[(String, String)]) -> Page {
        let borrowed: Vec<(&str, &str)> =
            form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.post(path, &borrowed).await
    }

    /// POST a form with these extra headers (no browser headers added).
    pub async fn post_with(
        &self,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut rb = self
            .with_cookie(self.client.post(self.url(path)))
            .form(form);
        for (k, v) in headers {
            rb = rb.header(*k, *v);
        }
        self.finish(
            rb.send()
                .await
                .unwrap_or_else(|e| panic!("POST {path}: {e}")),
        )
        .await
    }
}

/// Creates a staff account with `role` and logs it into the back office the way a person does:
/// password, then TOTP enrolment with a code computed from the stored secret. Returns the
/// logged-in visitor and the account's password.
pub async fn staff_session(app: &crate::TestApp, email: &str, role: &str) -> (Shopper, String) {
    let password = app.app.create_staff(email, "직원", role).await.unwrap();
    let s = Shopper::new(&app.url(""));
    let step = s
        .post("/admin/login", &[("email", email), ("password", &password)])
        .await;
    assert_eq!(step.status, 303, "{}", step.body);
    assert_eq!(step.location.as_deref(), Some("/admin/login/enrol"));
    let enrol = s.get("/admin/login/enrol").await;
    assert_eq!(enrol.status, 200, "{}", enrol.body);
    let id = jangteo_db::staff::find_by_email(&app.app.db, email)
        .await
        .unwrap()
        .unwrap()
        .id;
    let code = app.app.current_totp_code(id, app.app.now()).await.unwrap();
    let done = s.post("/admin/login/enrol", &[("code", &code)]).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("recovery-codes"));
    (s, password)
}
