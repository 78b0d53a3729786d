//! E-mail over SMTP (lettre, rustls): the shop's own mail server or any relay. HTML mail gets its
//! CSS inlined (mail clients ignore `<style>`) and always travels with a plain-text part.

use super::{Accepted, Email, SendError};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Deserialize;

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// STARTTLS, required (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain text: only for a relay on the same machine or in tests.
    None,
}

/// SMTP settings.
#[derive(Clone, Deserialize)]
pub struct SmtpConfig {
    /// Server host name.
    pub host: String,
    /// Port (587 STARTTLS, 465 TLS, 25 relay).
    pub port: u16,
    /// Login, when the server wants one.
    pub username: Option<String>,
    /// Password (secret).
    pub password: Option<String>,
    /// Connection security.
    #[serde(default)]
    pub security: SmtpSecurity,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("security", &self.security)
            .finish()
    }
}

/// Sends e-mail over SMTP with a connection pool.
#[derive(Clone)]
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Smtp(..)")
    }
}

fn rejected(message: impl std::fmt::Display) -> SendError {
    SendError::Rejected {
        provider: "smtp",
        code: "invalid".into(),
        message: message.to_string(),
    }
}

/// Inlines `<style>` rules into `style` attributes (what mail clients need), dropping the
/// `<style>` blocks; never fetches remote stylesheets.
pub fn inline_css(html: &str) -> Result<String, String> {
    css_inline::CSSInliner::options()
        .load_remote_stylesheets(false)
        .keep_style_tags(false)
        .build()
        .inline(html)
        .map_err(|e| e.to_string())
}

impl Smtp {
    /// A pooled transport for `config`.
    pub fn new(config: &SmtpConfig) -> Result<Self, SendError> {
        let tls = match config.security {
            SmtpSecurity::None => Tls::None,
            SmtpSecurity::Starttls => {
                Tls::Required(TlsParameters::new(config.host.clone()).map_err(rejected)?)
            }
            SmtpSecurity::Tls => {
                Tls::Wrapper(TlsParameters::new(config.host.clone()).map_err(rejected)?)
            }
        };
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.clone())
                .port(config.port)
                .tls(tls)
                .timeout(Some(std::time::Duration::from_secs(20)));
        if let (Some(user), Some(password)) = (&config.username, &config.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self {
            transport: builder.build(),
        })
    }

    /// Sends one e-mail as multipart/alternative (plain text + HTML).
    pub async fn send(&self, email: &Email) -> Result<Accepted, SendError> {
        let message = Message::builder()
            .from(
                email
                    .from
                    .parse()
                    .map_err(|e| rejected(format!("from: {e}")))?,
            )
            .to(email.to.parse().map_err(|e| rejected(format!("to: {e}")))?)
            .subject(email.subject.clone())
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .header(ContentTransferEncoding::Base64)
                            .body(email.text.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .header(ContentTransferEncoding::Base64)
                            .body(email.html.clone()),
                    ),
            )
            .map_err(rejected)?;
        match self.transport.send(message).await {
            Ok(response) => Ok(Accepted {
                provider: "smtp",
                provider_id: None,
                raw: format!(
                    "{} {}",
                    response.code(),
                    response.message().collect::<Vec<_>>().join(" ")
                ),
            }),
            Err(e) if e.is_permanent() => Err(SendError::Rejected {
                provider: "smtp",
                code: "5xx".into(),
                message: e.to_string(),
            }),
            Err(e) => Err(SendError::Unavailable {
                provider: "smtp",
                message: e.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::inline_css;

    #[test]
    fn inlines_styles_and_drops_style_blocks() {
        let html = inline_css("<html><head><style>p { color: #111; } .price { font-weight: 700; }</style></head><body><p class=\"price\">19,900원</p></body></html>").unwrap();
        assert!(!html.contains("<style"));
        assert!(html.contains("color: #111"), "{html}");
        assert!(html.contains("font-weight: 700"), "{html}");
    }
}
