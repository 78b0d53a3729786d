//! What the fake OAuth servers ([`crate::fake_kakao_login`], [`crate::fake_naver_login`]) share:
//! 302 redirects back to the client with a percent-encoded query, HTML escaping for the consent
//! pages, random one-time codes and tokens, Bearer headers, and an RS256 signer whose public key
//! is published as a JWKS.

use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

/// The `kid` of the one signing key.
pub(crate) const KID: &str = "fake-kid-1";

/// A `302 Found` to `location` (what both providers answer; axum's `Redirect::to` is a 303).
pub(crate) fn found(location: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location.to_owned())]).into_response()
}

/// RFC 3986 percent-encoding: everything but the unreserved characters (a space is `%20`).
pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// `base` with `pairs` appended to its query.
pub(crate) fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let mut url = base.to_owned();
    let mut sep = if base.contains('?') { '&' } else { '?' };
    for (k, v) in pairs {
        let _ = write!(url, "{sep}{k}={}", percent_encode(v));
        sep = '&';
    }
    url
}

/// Whether `uri` is an absolute http(s) URL a browser can be sent back to.
pub(crate) fn valid_redirect(uri: &str) -> bool {
    reqwest::Url::parse(uri).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

/// Text made safe inside HTML elements and quoted attributes.
pub(crate) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Hidden inputs carrying those of `keys` the request had, for the consent form.
pub(crate) fn hidden_inputs(q: &HashMap<String, String>, keys: &[&str]) -> String {
    let mut out = String::new();
    for k in keys {
        if let Some(v) = q.get(*k) {
            let _ = write!(
                out,
                r#"<input type="hidden" name="{k}" value="{}">"#,
                escape_html(v)
            );
        }
    }
    out
}

/// A random, unguessable token starting with `prefix`.
pub(crate) fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 20];
    aws_lc_rs::rand::fill(&mut bytes).expect("system randomness");
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The token of an `Authorization: Bearer …` header.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// Seconds since the Unix epoch.
pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The per-process 2048-bit RSA signing key.
fn key() -> &'static KeyPair {
    static KEY: OnceLock<KeyPair> = OnceLock::new();
    KEY.get_or_init(|| KeyPair::generate(KeySize::Rsa2048).expect("generating the fake RSA key"))
}

/// Generates the signing key off the async runtime (it takes a moment).
pub(crate) async fn warm_up_key() {
    tokio::task::spawn_blocking(|| {
        key();
    })
    .await
    .expect("generating the fake RSA key");
}

/// A compact RS256 JWS of `claims`, with the header `{"alg":"RS256","typ":"JWT","kid":KID}`.
pub(crate) fn sign_jwt(claims: &Value) -> String {
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": KID});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let key = key();
    let mut signature = vec![0u8; key.public_modulus_len()];
    let rng = aws_lc_rs::rand::SystemRandom::new();
    key.sign(&RSA_PKCS1_SHA256, &rng, input.as_bytes(), &mut signature)
        .expect("signing the ID token");
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// The JWKS publishing the signing key (`n` and `e` unsigned big-endian, base64url).
pub(crate) fn jwks() -> Value {
    let (n, e) = rsa_public_numbers(key().public_key().as_ref()).expect("an RSAPublicKey");
    json!({"keys": [{
        "kid": KID, "kty": "RSA", "alg": "RS256", "use": "sig",
        "n": URL_SAFE_NO_PAD.encode(n), "e": URL_SAFE_NO_PAD.encode(e),
    }]})
}

/// `n` and `e` of an RFC 8017 `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent
/// INTEGER }` in DER, without their sign bytes.
fn rsa_public_numbers(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let (sequence, _) = der_item(der, 0x30)?;
    let (n, rest) = der_item(sequence, 0x02)?;
    let (e, _) = der_item(rest, 0x02)?;
    Some((strip_sign(n), strip_sign(e)))
}

/// An INTEGER's magnitude: without the zero byte DER puts first when the top bit is set.
fn strip_sign(integer: &[u8]) -> &[u8] {
    match integer {
        [0, rest @ ..] if !rest.is_empty() => rest,
        other => other,
    }
}

/// The content of the DER item with `tag` at the start of `input`, and what follows it.
fn der_item(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&t, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    if t != tag {
        return None;
    }
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count > 4 || rest.len() < count {
            return None;
        }
        let (bytes, rest) = rest.split_at(count);
        let len = bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, rest)
    };
    (rest.len() >= len).then(|| rest.split_at(len))
}
