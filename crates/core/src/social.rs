//! Social login (Kakao, Naver): the providers, the profile a provider vouches for, and the rules
//! of a first login — which consents are still missing, and whether the login signs in a linked
//! member, asks an existing member for the password, or creates a member.

use serde::{Deserialize, Serialize};

/// A login provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SocialProvider {
    /// 카카오 로그인 (with 카카오싱크 when the app has it).
    Kakao,
    /// 네이버 로그인.
    Naver,
}

impl SocialProvider {
    /// Every provider, in the order the pages show them.
    pub const ALL: [SocialProvider; 2] = [SocialProvider::Kakao, SocialProvider::Naver];

    /// The name in URLs and the database.
    pub fn slug(self) -> &'static str {
        match self {
            SocialProvider::Kakao => "kakao",
            SocialProvider::Naver => "naver",
        }
    }

    /// From a URL segment.
    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.slug() == slug)
    }
}

/// A shipping address the provider shares (카카오싱크 배송지).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedAddress {
    /// Recipient.
    pub recipient: String,
    /// Mobile, digits only.
    pub mobile: String,
    /// 5-digit postcode.
    pub postcode: String,
    /// Road address.
    pub address1: String,
    /// Detail.
    pub address2: String,
}

/// What a provider says about the person who logged in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocialProfile {
    /// Provider.
    pub provider: SocialProvider,
    /// The provider's stable id of the person (Kakao's number, Naver's id string).
    pub subject: String,
    /// E-mail the provider has verified (an unverified one is not kept: it could be anyone's).
    pub email: Option<String>,
    /// Real name, when shared.
    pub name: Option<String>,
    /// Nickname, when shared (a fallback for the name field).
    pub nickname: Option<String>,
    /// Mobile, digits only, when shared.
    pub mobile: Option<String>,
    /// Whether the age range shared shows the person is 만 14세 or older (`None`: unknown).
    pub over_14: Option<bool>,
    /// Service terms agreed in the provider's own consent screen (카카오싱크).
    pub agreed: SocialConsents,
    /// The default shipping address, when shared.
    pub address: Option<SharedAddress>,
}

/// The consents a member must have given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocialConsents {
    /// 이용약관.
    pub terms: bool,
    /// 개인정보 수집·이용.
    pub privacy: bool,
    /// 만 14세 이상.
    pub over_14: bool,
}

impl SocialConsents {
    /// All three given.
    pub fn complete(self) -> bool {
        self.terms && self.privacy && self.over_14
    }

    /// Both sources together: what the provider collected, or the shop's own form.
    pub fn with(self, other: SocialConsents) -> SocialConsents {
        SocialConsents {
            terms: self.terms || other.terms,
            privacy: self.privacy || other.privacy,
            over_14: self.over_14 || other.over_14,
        }
    }
}

impl SocialProfile {
    /// The consents the provider already collected (its terms, and an age range above 14).
    pub fn given_consents(&self) -> SocialConsents {
        SocialConsents {
            over_14: self.agreed.over_14 || self.over_14 == Some(true),
            ..self.agreed
        }
    }

    /// The name to start the form with.
    pub fn display_name(&self) -> Option<&str> {
        self.name.as_deref().or(self.nickname.as_deref())
    }

    /// Whether a member can be created without asking anything (consents collected by the
    /// provider, and the e-mail, real name and mobile shared).
    pub fn ready_to_join(&self) -> bool {
        self.given_consents().complete()
            && self.email.is_some()
            && self.name.is_some()
            && self.mobile.is_some()
    }
}

/// What a social login leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocialEntry {
    /// The account is linked to this member: log in.
    LogIn(i64),
    /// A member already uses the provider's e-mail: link only once they prove the password.
    ProvePassword(i64),
    /// Nobody: create a member once the missing consents are collected.
    Join,
}

/// Decides a social login: a link wins; an e-mail already in use is never taken over silently.
pub fn social_entry(linked_member: Option<i64>, member_with_email: Option<i64>) -> SocialEntry {
    match (linked_member, member_with_email) {
        (Some(id), _) => SocialEntry::LogIn(id),
        (None, Some(id)) => SocialEntry::ProvePassword(id),
        (None, None) => SocialEntry::Join,
    }
}

/// A Korean mobile number from the forms providers use (`+82 10-1234-5678`, `010-1234-5678`),
/// as digits (`01012345678`); `None` for anything else.
pub fn local_mobile(shared: &str) -> Option<String> {
    let digits: String = shared.chars().filter(char::is_ascii_digit).collect();
    let local = match digits.strip_prefix("82") {
        Some(rest) if shared.trim_start().starts_with('+') => format!("0{rest}"),
        _ => digits,
    };
    (local.starts_with("01") && (10..=11).contains(&local.len())).then_some(local)
}

/// Whether an age range (`20~29` Kakao, `20-29` Naver) shows 만 14세 or older: `Some(true)` when
/// the whole range is 14 or above, `Some(false)` when it is all below, `None` when it straddles.
pub fn age_range_over_14(range: &str) -> Option<bool> {
    let mut bounds = range
        .split(['~', '-'])
        .map(|b| b.trim().parse::<u32>().ok());
    let low = bounds.next()??;
    let high = bounds.next().flatten();
    if low >= 14 {
        Some(true)
    } else if high.is_some_and(|h| h < 14) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_come_home_to_local_digits() {
        assert_eq!(
            local_mobile("+82 10-2345-6789").as_deref(),
            Some("01023456789")
        );
        assert_eq!(
            local_mobile("010-3456-7890").as_deref(),
            Some("01034567890")
        );
        assert_eq!(local_mobile("+1 415-555-0100"), None);
        assert_eq!(local_mobile("02-123-4567"), None);
    }

    #[test]
    fn age_ranges_decide_only_when_the_whole_range_is_on_one_side() {
        assert_eq!(age_range_over_14("20~29"), Some(true));
        assert_eq!(age_range_over_14("15~19"), Some(true));
        assert_eq!(age_range_over_14("10~14"), None);
        assert_eq!(age_range_over_14("10-19"), None);
        assert_eq!(age_range_over_14("1~9"), Some(false));
        assert_eq!(age_range_over_14("0-9"), Some(false));
        assert_eq!(age_range_over_14("nonsense"), None);
    }

    #[test]
    fn a_link_wins_and_an_email_in_use_needs_the_password() {
        assert_eq!(social_entry(Some(3), Some(4)), SocialEntry::LogIn(3));
        assert_eq!(social_entry(None, Some(4)), SocialEntry::ProvePassword(4));
        assert_eq!(social_entry(None, None), SocialEntry::Join);
    }

    #[test]
    fn a_kakao_sync_profile_with_everything_joins_at_once() {
        let mut profile = SocialProfile {
            provider: SocialProvider::Kakao,
            subject: "1".into(),
            email: Some("a@example.com".into()),
            name: Some("김카카오".into()),
            nickname: None,
            mobile: Some("01012345678".into()),
            over_14: Some(true),
            agreed: SocialConsents {
                terms: true,
                privacy: true,
                over_14: false,
            },
            address: None,
        };
        assert!(profile.ready_to_join());
        profile.over_14 = None;
        assert!(!profile.ready_to_join());
        assert!(
            profile
                .given_consents()
                .with(SocialConsents {
                    over_14: true,
                    ..SocialConsents::default()
                })
                .complete()
        );
    }
}
