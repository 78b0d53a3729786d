//! Social login (Kakao, Naver; issue 17). The web layer keeps `state` and `nonce` in the session
//! and checks `state` on the way back; here the code is exchanged, the provider's answer checked,
//! and the login decided: a linked member logs in, a provider e-mail that a member already uses
//! is linked only after that member's password, anyone else joins once the consents the
//! provider did not collect are given. Members link and unlink on My page; withdrawal unlinks.

use crate::auth::login_guard::LoginPlace;
use crate::auth::tokens::random_token;
use crate::field_errors::FieldErrors;
use crate::{App, AppError, AppResult};
use jangteo_core::member::{Email, MobileKr, required_text};
use jangteo_core::social::{
    SocialConsents, SocialEntry, SocialProfile, SocialProvider, social_entry,
};
use jangteo_db::members::{self, MemberRow, NewMember};
use jangteo_db::social_links::{self, SocialLinkRow};
use jangteo_providers::social::kakao::{KakaoLogin, KakaoLoginConfig};
use jangteo_providers::social::naver::NaverLogin;
use jangteo_providers::social::{SocialClientConfig, SocialLogin};
use serde::{Deserialize, Serialize};

const SEAL_CONTEXT: &str = "social-refresh-token";

/// Where to send the browser, and what the session must keep to check the way back.
#[derive(Debug, Clone)]
pub struct SocialStart {
    /// The provider's authorize address.
    pub url: String,
    /// The `state` to compare with the one that comes back.
    pub state: String,
    /// The OIDC `nonce` the id_token must carry.
    pub nonce: String,
}

/// A login the provider vouched for, kept in the session while the member gives the missing
/// consents or proves the password.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingSocial {
    /// Who.
    pub profile: SocialProfile,
    refresh_token_sealed: Option<String>,
}

/// What a social login leads to.
#[derive(Debug, Clone)]
pub enum SocialOutcome {
    /// Logged in as this member.
    LoggedIn(MemberRow),
    /// No member yet: ask for what is missing.
    Join(PendingSocial),
    /// The provider's e-mail is a member's: ask that member's password.
    ProvePassword(PendingSocial),
}

/// What the first-login form sends.
#[derive(Debug, Clone, Default)]
pub struct SocialJoinInput {
    /// E-mail.
    pub email: String,
    /// Name.
    pub name: String,
    /// Mobile.
    pub mobile: String,
    /// Consents given on the form (added to those the provider collected).
    pub consents: SocialConsents,
    /// Marketing (optional).
    pub agree_marketing: bool,
}

/// A provider on My page.
#[derive(Debug, Clone, Serialize)]
pub struct SocialLinkView {
    /// `kakao` / `naver`.
    pub provider: &'static str,
    /// When linked, if it is.
    pub linked_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl App {
    /// Whether the provider's client is configured (a Naver app needs its secret too).
    fn social_configured(&self, provider: SocialProvider) -> bool {
        let social = &self.config.members.social;
        match provider {
            SocialProvider::Kakao => !social.kakao.rest_api_key.trim().is_empty(),
            SocialProvider::Naver => {
                !social.naver.client_id.trim().is_empty()
                    && !social.naver.client_secret.0.is_empty()
            }
        }
    }

    fn social_client(&self, provider: SocialProvider) -> Option<SocialLogin> {
        if !self.social_configured(provider) {
            return None;
        }
        let http = jangteo_providers::payments::http_client(std::time::Duration::from_secs(10));
        let social = &self.config.members.social;
        Some(match provider {
            SocialProvider::Kakao => {
                let k = &social.kakao;
                let auth_base = k.auth_base.trim_end_matches('/').to_owned();
                SocialLogin::Kakao(KakaoLogin::new(
                    http,
                    KakaoLoginConfig {
                        client: SocialClientConfig {
                            client_id: k.rest_api_key.clone(),
                            client_secret: k.client_secret.0.clone(),
                            auth_base: auth_base.clone(),
                            api_base: k.api_base.trim_end_matches('/').to_owned(),
                        },
                        issuer: auth_base,
                        sync: k.sync,
                        terms_tags: [
                            k.terms_tag.clone(),
                            k.privacy_tag.clone(),
                            k.age_tag.clone(),
                        ],
                    },
                ))
            }
            SocialProvider::Naver => {
                let n = &social.naver;
                SocialLogin::Naver(NaverLogin::new(
                    http,
                    SocialClientConfig {
                        client_id: n.client_id.clone(),
                        client_secret: n.client_secret.0.clone(),
                        auth_base: n.auth_base.trim_end_matches('/').to_owned(),
                        api_base: n.api_base.trim_end_matches('/').to_owned(),
                    },
                ))
            }
        })
    }

    /// Whether the member has a password (one who joined through Kakao or Naver has none until
    /// they set one).
    pub async fn member_has_password(&self, member_id: i64) -> AppResult<bool> {
        Ok(!self
            .active_member(member_id)
            .await?
            .password_hash
            .is_empty())
    }

    /// The providers this shop offers (configured ones; checked on every login page, so no
    /// HTTP client is built for it).
    pub fn social_providers(&self) -> Vec<SocialProvider> {
        SocialProvider::ALL
            .into_iter()
            .filter(|p| self.social_configured(*p))
            .collect()
    }

    fn social_redirect_uri(&self, provider: SocialProvider) -> String {
        format!(
            "{}/account/login/{}/callback",
            self.config.base_url(),
            provider.slug()
        )
    }

    /// A fresh `state` and `nonce`, and the provider's address to send the browser to.
    pub fn start_social_login(&self, provider: SocialProvider) -> AppResult<SocialStart> {
        let client = self.social_client(provider).ok_or(AppError::NotFound)?;
        let (state, nonce) = (random_token()?, random_token()?);
        Ok(SocialStart {
            url: client.authorize_url(&state, &nonce, &self.social_redirect_uri(provider)),
            state,
            nonce,
        })
    }

    /// Exchanges the code (the caller has checked `state`) and reads who logged in.
    pub async fn finish_social_login(
        &self,
        provider: SocialProvider,
        code: &str,
        state: &str,
        nonce: &str,
    ) -> AppResult<PendingSocial> {
        let client = self.social_client(provider).ok_or(AppError::NotFound)?;
        let redirect = self.social_redirect_uri(provider);
        let signed = client
            .sign_in(code, state, nonce, &redirect)
            .await
            .map_err(|e| {
                tracing::warn!(provider = provider.slug(), error = %e, "social login refused");
                AppError::Conflict("social_failed")
            })?;
        let refresh_token_sealed = signed
            .refresh_token
            .map(|t| self.secrets.seal(t.as_bytes(), SEAL_CONTEXT))
            .transpose()?;
        Ok(PendingSocial {
            profile: signed.profile,
            refresh_token_sealed,
        })
    }

    /// Decides the login: a linked member logs in; a member with the provider's e-mail must
    /// prove the password; anyone else joins (at once when the provider gave everything).
    pub async fn social_entry(&self, pending: PendingSocial) -> AppResult<SocialOutcome> {
        let p = &pending.profile;
        let linked = social_links::linked_member(&self.db, p.provider.slug(), &p.subject).await?;
        let with_email = match &p.email {
            Some(email) => members::find_by_email(&self.db, &email.to_lowercase())
                .await?
                .map(|m| m.id),
            None => None,
        };
        match social_entry(linked, with_email) {
            SocialEntry::LogIn(id) => {
                let now = self.now();
                social_links::touch(
                    &self.db,
                    p.provider.slug(),
                    &p.subject,
                    pending.refresh_token_sealed.as_deref(),
                    now,
                )
                .await?;
                // The provider vouched for them like a password would: a dormant account comes
                // back (its data returns from the store).
                let mut tx = self.db.begin().await?;
                if members::restore_dormant(&mut tx, id, now).await? {
                    tracing::info!(member.id = id, "dormant account restored at social login");
                }
                tx.commit().await?;
                members::touch_login(&self.db, id, now).await?;
                Ok(SocialOutcome::LoggedIn(self.active_member(id).await?))
            }
            SocialEntry::ProvePassword(_) => Ok(SocialOutcome::ProvePassword(pending)),
            SocialEntry::Join if p.ready_to_join() => {
                let input = SocialJoinInput {
                    email: p.email.clone().unwrap_or_default(),
                    name: p.name.clone().unwrap_or_default(),
                    mobile: p.mobile.clone().unwrap_or_default(),
                    ..SocialJoinInput::default()
                };
                match self.join_with_social(&pending, &input).await {
                    Ok(member) => Ok(SocialOutcome::LoggedIn(member)),
                    // Taken meanwhile, or refused by our own rules: the form says why.
                    Err(AppError::Form(_)) => Ok(SocialOutcome::Join(pending)),
                    Err(e) => Err(e),
                }
            }
            SocialEntry::Join => Ok(SocialOutcome::Join(pending)),
        }
    }

    /// Creates the member from a pending social login and the first-login form: the consents
    /// the provider collected count, the rest must be given here.
    pub async fn join_with_social(
        &self,
        pending: &PendingSocial,
        input: &SocialJoinInput,
    ) -> AppResult<MemberRow> {
        let mut errors = FieldErrors::default();
        let email = errors.check("email", Email::parse(&input.email));
        let name = errors.check("name", required_text(&input.name, 40));
        let mobile = errors.check("mobile", MobileKr::parse(&input.mobile));
        let consents = pending.profile.given_consents().with(input.consents);
        if !consents.over_14 {
            errors.add("confirm_age", "under_14");
        }
        if !consents.terms {
            errors.add("agree_terms", "consent_required");
        }
        if !consents.privacy {
            errors.add("agree_privacy", "consent_required");
        }
        errors.finish()?;
        let (Some(email), Some(name), Some(mobile)) = (email, name, mobile) else {
            return Err(AppError::Other("validated join input went missing".into()));
        };
        if members::find_dormant_by_email(&self.db, email.as_str())
            .await?
            .is_some()
        {
            return Err(AppError::field("email", "email_taken"));
        }
        let p = &pending.profile;
        let bonus = self.points_terms().await?.signup_points;
        let mut tx = self.db.begin().await?;
        let opening = NewMember {
            email: email.as_str(),
            // No password: this member logs in through the provider until they set one.
            password_hash: "",
            name: &name,
            mobile: mobile.digits(),
            marketing: input.agree_marketing,
        };
        let Some(id) = self.open_account(&mut tx, &opening, bonus).await? else {
            return Err(AppError::field("email", "email_taken"));
        };
        let sealed = pending.refresh_token_sealed.as_deref();
        let now = self.now();
        if !social_links::insert(&mut tx, id, p.provider.slug(), &p.subject, sealed, now).await? {
            return Err(AppError::Conflict("social_taken"));
        }
        tx.commit().await?;
        if let Some(a) = &p.address {
            let address = crate::members::AddressInput {
                label: "기본 배송지".into(),
                recipient: a.recipient.clone(),
                mobile: a.mobile.clone(),
                postcode: a.postcode.clone(),
                address1: a.address1.clone(),
                address2: a.address2.clone(),
                is_default: true,
            };
            // A shared address our rules refuse is simply not kept; the member adds one later.
            if let Err(e) = self.add_address(id, &address).await {
                tracing::info!(member.id = id, error = %e, "shared shipping address not kept");
            }
        }
        tracing::info!(
            member.id = id,
            provider = p.provider.slug(),
            "member joined by social login"
        );
        self.active_member(id).await
    }

    /// Links the pending account to the member whose e-mail it carries, once their password
    /// (throttled like any login) is right; returns the member, now logged in.
    pub async fn link_social_with_password(
        &self,
        pending: &PendingSocial,
        password: &str,
        place: &LoginPlace,
    ) -> AppResult<MemberRow> {
        let email = pending.profile.email.clone().ok_or(AppError::NotFound)?;
        let member = self.log_in(&email, password, place).await?;
        self.link_social(member.id, pending).await?;
        Ok(member)
    }

    /// Links the pending account to a logged-in member (My page).
    pub async fn link_social(&self, member_id: i64, pending: &PendingSocial) -> AppResult<()> {
        let p = &pending.profile;
        if let Some(other) =
            social_links::linked_member(&self.db, p.provider.slug(), &p.subject).await?
        {
            return if other == member_id {
                Ok(())
            } else {
                Err(AppError::Conflict("social_taken"))
            };
        }
        let mut tx = self.db.begin().await?;
        let sealed = pending.refresh_token_sealed.as_deref();
        let linked = social_links::insert(
            &mut tx,
            member_id,
            p.provider.slug(),
            &p.subject,
            sealed,
            self.now(),
        )
        .await?;
        if !linked {
            return Err(AppError::Conflict("social_taken"));
        }
        tx.commit().await.map_err(AppError::from)
    }

    /// The providers on offer and which the member has linked.
    pub async fn social_links(&self, member_id: i64) -> AppResult<Vec<SocialLinkView>> {
        let links = social_links::of_member(&self.db, member_id).await?;
        Ok(self
            .social_providers()
            .into_iter()
            .map(|p| SocialLinkView {
                provider: p.slug(),
                linked_at: links
                    .iter()
                    .find(|l| l.provider == p.slug())
                    .map(|l| l.linked_at),
            })
            .collect())
    }

    /// Unlinks one provider, here and at the provider; refused when it is the member's only
    /// way in (no password and no other link).
    pub async fn unlink_social(&self, member_id: i64, provider: SocialProvider) -> AppResult<()> {
        let member = self.active_member(member_id).await?;
        let links = social_links::of_member(&self.db, member_id).await?;
        if member.password_hash.is_empty() && links.len() <= 1 {
            return Err(AppError::Conflict("social_last_login"));
        }
        let mut tx = self.db.begin().await?;
        let removed = social_links::remove(&mut tx, member_id, provider.slug()).await?;
        tx.commit().await?;
        let removed = removed.ok_or(AppError::NotFound)?;
        self.unlink_at_providers(vec![removed]).await;
        Ok(())
    }

    /// Tells the providers the links are gone (best effort: the shop's side is already gone,
    /// and a provider that cannot be reached is logged, not retried).
    pub(crate) async fn unlink_at_providers(&self, links: Vec<SocialLinkRow>) {
        for link in links {
            let Some(provider) = SocialProvider::parse(&link.provider) else {
                continue;
            };
            let (Some(client), Some(sealed)) =
                (self.social_client(provider), link.refresh_token_sealed)
            else {
                continue;
            };
            let token = match self.secrets.open(&sealed, SEAL_CONTEXT) {
                Ok(t) => String::from_utf8_lossy(&t).into_owned(),
                Err(e) => {
                    tracing::warn!(provider = provider.slug(), error = %e, "refresh token unreadable");
                    continue;
                }
            };
            if let Err(e) = client.unlink(&token).await {
                tracing::warn!(provider = provider.slug(), error = %e, "unlink at the provider failed");
            }
        }
    }
}
