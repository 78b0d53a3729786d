//! Outgoing messages: e-mail, SMS, KakaoTalk AlimTalk and Slack, each behind a small adapter that
//! speaks one provider's documented HTTP contract (docs/PROVIDERS.md §7–9). Base URLs are
//! configurable so tests point the real adapters at fake servers on 127.0.0.1.

mod aligo;
mod mailgun;
mod slack;
mod smtp;
mod solapi;

pub use aligo::{Aligo, AligoConfig};
pub use mailgun::{Mailgun, MailgunConfig};
pub use slack::{
    SLACK_TOLERANCE_SECONDS, SlackRequestRefused, SlackWebhook, post_chat_message,
    verify_slack_request,
};
pub use smtp::{Smtp, SmtpConfig, SmtpSecurity, inline_css};
pub use solapi::{Solapi, SolapiConfig};

use serde::Serialize;
use std::time::Duration;

/// An e-mail with HTML and plain-text parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Email {
    /// `Name <address>` or an address.
    pub from: String,
    /// Recipient address.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// HTML part (CSS already inlined).
    pub html: String,
    /// Plain-text part.
    pub text: String,
}

/// A text message to a Korean mobile number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sms {
    /// Registered sender number.
    pub from: String,
    /// Recipient mobile number (digits).
    pub to: String,
    /// Title for long messages (LMS).
    pub title: Option<String>,
    /// Text.
    pub text: String,
}

/// A KakaoTalk AlimTalk message from an approved template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlimTalk {
    /// Registered sender number (used for the SMS fallback).
    pub from: String,
    /// Recipient mobile number (digits).
    pub to: String,
    /// KakaoTalk channel (plus friend) id.
    pub channel_id: String,
    /// Approved template id.
    pub template_id: String,
    /// Template variables, e.g. `#{주문번호}` → `20261122-8F3K2Q`.
    pub variables: Vec<(String, String)>,
    /// The rendered text (what the template says with the variables filled in).
    pub text: String,
}

/// What a provider said when it accepted a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Accepted {
    /// Provider name.
    pub provider: &'static str,
    /// The provider's message id, when it gives one.
    pub provider_id: Option<String>,
    /// The raw reply, stored with the message.
    pub raw: String,
}

/// Why a message was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The provider refused it; retrying will not help (bad number, bad template, bad key).
    #[error("{provider} rejected the message ({code}): {message}")]
    Rejected {
        /// Provider name.
        provider: &'static str,
        /// Provider's error code.
        code: String,
        /// Provider's explanation.
        message: String,
    },
    /// The provider could not be reached or failed on its side; a retry may succeed.
    #[error("{provider} unavailable: {message}")]
    Unavailable {
        /// Provider name.
        provider: &'static str,
        /// What happened.
        message: String,
    },
}

impl SendError {
    /// Whether the job should try again later.
    pub fn is_retryable(&self) -> bool {
        matches!(self, SendError::Unavailable { .. })
    }
}

/// One HTTP client for every provider: rustls, short timeouts, no redirects.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("the HTTP client configuration is static and valid")
}

/// Maps a transport error or a 5xx/429 reply to `Unavailable`, other statuses to `Rejected`.
fn classify(
    provider: &'static str,
    status: reqwest::StatusCode,
    body: &str,
    code: String,
    message: String,
) -> SendError {
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        SendError::Unavailable {
            provider,
            message: format!("HTTP {status}: {}", truncate(body)),
        }
    } else {
        SendError::Rejected {
            provider,
            code,
            message,
        }
    }
}

fn unavailable(provider: &'static str, e: &reqwest::Error) -> SendError {
    SendError::Unavailable {
        provider,
        message: e.to_string(),
    }
}

fn truncate(text: &str) -> String {
    text.chars().take(300).collect()
}

/// Bytes a text takes in EUC-KR, which Korean SMS gateways count in: Hangul and other
/// double-byte characters take two, ASCII one. Characters EUC-KR lacks (emoji) are counted as
/// one, since the gateway replaces them with `?`.
pub fn euc_kr_len(text: &str) -> usize {
    text.chars()
        .map(|c| {
            if c.is_ascii() {
                1
            } else if is_euc_kr_double(c) {
                2
            } else {
                1
            }
        })
        .sum()
}

fn is_euc_kr_double(c: char) -> bool {
    matches!(c as u32,
        0xAC00..=0xD7A3   // Hangul syllables (KS X 1001 has 2,350 of them; the rest become '?')
        | 0x3131..=0x318E // Hangul compatibility jamo
        | 0x3000..=0x303F // CJK punctuation
        | 0x4E00..=0x9FFF // Hanja
        | 0xFF01..=0xFFE6 // full-width forms
        | 0x2000..=0x27BF // general punctuation, symbols (·, ※, →, ★ …)
    )
}

/// SMS up to 90 EUC-KR bytes; longer texts go as LMS (docs/PROVIDERS.md §7.1).
pub const SMS_MAX_BYTES: usize = 90;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_bytes_like_korean_gateways() {
        assert_eq!(euc_kr_len("abc"), 3);
        assert_eq!(euc_kr_len("주문완료"), 8);
        assert_eq!(euc_kr_len("[장터] 주문 20261122-8F3K2Q"), 27);
        assert!(euc_kr_len(&"가".repeat(46)) > SMS_MAX_BYTES);
    }

    #[test]
    fn only_unavailability_is_retried() {
        assert!(
            SendError::Unavailable {
                provider: "x",
                message: String::new()
            }
            .is_retryable()
        );
        assert!(
            !SendError::Rejected {
                provider: "x",
                code: "1".into(),
                message: String::new()
            }
            .is_retryable()
        );
    }
}
