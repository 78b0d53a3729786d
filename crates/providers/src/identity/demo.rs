//! The demo shop's 본인인증: a window served by the shop itself where the visitor types any
//! person and approves. It checks nobody, so the app offers it only in demo mode (never on a
//! shop started with `serve`), and what it verifies is marked as a test channel's.

use super::{
    IdentityError, IdentityOpening, IdentityVerifier, IdentityWindow, Verification, VerifiedPerson,
};
use chrono::NaiveDate;
use futures::FutureExt;
use futures::future::BoxFuture;

const NAME: &str = "demo";

/// The demo window's address on the shop.
pub const DEMO_WINDOW_PATH: &str = "/identity/demo-window";

/// The demo verifier.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoVerifier;

/// A field the demo window sent back.
fn field<'a>(returned: &'a [(String, String)], name: &str) -> Option<&'a str> {
    returned
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// The person typed in the demo window, or why there is none.
fn typed_person(returned: &[(String, String)]) -> Verification {
    if field(returned, "cancelled").is_some() {
        return Verification::Failed("cancelled in the demo window".into());
    }
    let Some(name) = field(returned, "name") else {
        return Verification::Failed("no name typed".into());
    };
    let Some(birth_date) =
        field(returned, "birth_date").and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    else {
        return Verification::Failed("no birth date typed".into());
    };
    let mobile: Option<String> = field(returned, "mobile")
        .map(|m| m.chars().filter(char::is_ascii_digit).collect())
        .filter(|m: &String| (10..=11).contains(&m.len()));
    Verification::Verified(VerifiedPerson {
        name: name.chars().take(40).collect(),
        birth_date: Some(birth_date),
        ci: mobile.as_ref().map(|m| format!("demo:{m}")),
        mobile,
        test_channel: true,
    })
}

impl IdentityVerifier for DemoVerifier {
    fn name(&self) -> &'static str {
        NAME
    }

    fn start<'a>(
        &'a self,
        id: &'a str,
        _return_url: &'a str,
    ) -> BoxFuture<'a, Result<IdentityOpening, IdentityError>> {
        let opening = IdentityOpening {
            window: IdentityWindow::FormPost {
                action: DEMO_WINDOW_PATH.into(),
                fields: vec![("verification".into(), id.into())],
            },
            state: None,
        };
        futures::future::ready(Ok(opening)).boxed()
    }

    fn finish<'a>(
        &'a self,
        _id: &'a str,
        _state: Option<&'a str>,
        returned: &'a [(String, String)],
    ) -> BoxFuture<'a, Result<Verification, IdentityError>> {
        futures::future::ready(Ok(typed_person(returned))).boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect()
    }

    #[test]
    fn the_typed_person_is_verified_as_a_test_channels() {
        let Verification::Verified(person) = typed_person(&pairs(&[
            ("name", " 김데모 "),
            ("birth_date", "1990-01-02"),
            ("mobile", "010-1234-5678"),
        ])) else {
            panic!("verified");
        };
        assert_eq!(person.name, "김데모");
        assert_eq!(person.mobile.as_deref(), Some("01012345678"));
        assert!(person.test_channel);
    }

    #[test]
    fn cancelled_or_incomplete_windows_verify_nobody() {
        for returned in [
            pairs(&[("cancelled", "1")]),
            pairs(&[("name", "김데모")]),
            pairs(&[("name", ""), ("birth_date", "1990-01-02")]),
            pairs(&[("name", "김데모"), ("birth_date", "1990-13-02")]),
        ] {
            assert!(matches!(typed_person(&returned), Verification::Failed(_)));
        }
    }
}
