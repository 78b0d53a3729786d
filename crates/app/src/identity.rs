//! 본인인증 (issue 16): the shop starts an attempt under an id it generates, bound to the member
//! and to the browser session that started it (a secret only that session holds), the buyer
//! proves who they are in the provider's window, and the shop reads the result back from the
//! provider, server to server. Only a fresh started attempt of the same buyer and session
//! completes, once; what was verified is kept with the CI as a keyed hash, and counts for that
//! session only (법제처: an age check holds until logout).

use crate::{App, AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use jangteo_db::identity::{self, IdentityRow, Started, Verified};
pub use jangteo_providers::identity::IdentityWindow;
pub use jangteo_providers::identity::demo::DEMO_WINDOW_PATH;
use jangteo_providers::identity::demo::DemoVerifier;
use jangteo_providers::identity::{IdentityError, IdentityVerifier, Verification};
use serde::{Deserialize, Serialize};

/// Hash domain of CIs.
const CI_CONTEXT: &str = "ci";
/// Hash domain of session secrets.
const SESSION_CONTEXT: &str = "identity-session";
/// How long a started attempt may wait for its window.
const ATTEMPT_MINUTES: i64 = 30;
/// How long a verification counts in its session (a working day; logging out ends it sooner).
const SESSION_HOURS: i64 = 12;

/// What the buyer's session keeps of an attempt: its id and the secret proving it is the
/// browser that started it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityProof {
    /// `iv-…`.
    pub verification_id: String,
    /// Known to this session only; stored as a keyed hash.
    pub secret: String,
}

impl std::fmt::Debug for IdentityProof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityProof")
            .field("verification_id", &self.verification_id)
            .finish_non_exhaustive()
    }
}

/// A started attempt: what the session keeps and how the browser opens the window.
#[derive(Debug, Clone)]
pub struct IdentityStart {
    /// For the session.
    pub proof: IdentityProof,
    /// The provider's window.
    pub window: IdentityWindow,
}

/// A verified identity, as the shop uses it.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifiedIdentity {
    /// Name.
    pub name: String,
    /// Birth date (none: age cannot be proven).
    pub birth_date: Option<NaiveDate>,
    /// Mobile digits.
    pub mobile: Option<String>,
    /// When.
    pub verified_at: DateTime<Utc>,
}

impl std::fmt::Debug for VerifiedIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedIdentity")
            .field("verified_at", &self.verified_at)
            .finish_non_exhaustive()
    }
}

impl VerifiedIdentity {
    fn of(row: &IdentityRow) -> Option<Self> {
        Some(Self {
            name: row.name.clone()?,
            birth_date: row
                .birth_date
                .as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
            mobile: row.mobile.clone(),
            verified_at: row.verified_at?,
        })
    }

    /// Whether the person may buy 19세 goods on `today` (the date in Korea).
    pub fn adult_on(&self, today: NaiveDate) -> bool {
        self.birth_date
            .is_some_and(|b| jangteo_core::identity::is_adult_for_restricted_goods(b, today))
    }
}

impl App {
    /// Whether buyers can verify at all (the owner connected a 본인인증 channel).
    pub async fn identity_available(&self) -> AppResult<bool> {
        Ok(self.identity_channel().await?.is_some())
    }

    /// Starts an attempt for the member (`None`: a guest) in the session that will keep the
    /// proof; the window comes back to `return_url`.
    pub async fn start_identity_verification(
        &self,
        member_id: Option<i64>,
        return_url: &str,
    ) -> AppResult<IdentityStart> {
        let (verifier, _) = self.identity_verifier().await?;
        let token = crate::auth::tokens::random_token()?;
        let verification_id = format!("iv-{}", &token[..24]);
        let secret = crate::auth::tokens::random_token()?;
        let session_hash = self.secrets.keyed_hash(SESSION_CONTEXT, &secret);
        let opening = verifier
            .start(&verification_id, return_url)
            .await
            .map_err(|e| AppError::Other(e.to_string()))?;
        let sealed = match &opening.state {
            Some(state) => Some(self.secrets.seal(state.as_bytes(), &verification_id)?),
            None => None,
        };
        let attempt = Started {
            verification_id: &verification_id,
            provider: verifier.name(),
            member_id,
            session_hash: &session_hash,
            provider_state: sealed.as_deref(),
        };
        let mut tx = self.db.begin().await?;
        identity::start(&mut tx, attempt, self.now()).await?;
        tx.commit().await?;
        let window = opening.window;
        Ok(IdentityStart {
            proof: IdentityProof {
                verification_id,
                secret,
            },
            window,
        })
    }

    /// The attempt `proof` names, when it is this buyer's and this session's.
    async fn attempt_of(
        &self,
        proof: &IdentityProof,
        member_id: Option<i64>,
    ) -> AppResult<Option<IdentityRow>> {
        let hash = self.secrets.keyed_hash(SESSION_CONTEXT, &proof.secret);
        Ok(identity::find(&self.db, &proof.verification_id)
            .await?
            .filter(|r| r.member_id == member_id && r.session_hash.as_deref() == Some(&hash)))
    }

    /// Completes the buyer's started attempt with what the provider verified. Another buyer's
    /// or another session's attempt is not found; one completed already, failed, expired or
    /// still open is a conflict.
    pub async fn complete_identity_verification(
        &self,
        proof: &IdentityProof,
        member_id: Option<i64>,
        returned: &[(String, String)],
    ) -> AppResult<VerifiedIdentity> {
        let verification_id = proof.verification_id.as_str();
        let row = self
            .attempt_of(proof, member_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if row.status != "started" {
            return Err(AppError::Conflict("identity_used"));
        }
        if self.now() - row.created_at > chrono::Duration::minutes(ATTEMPT_MINUTES) {
            return Err(AppError::Conflict("identity_expired"));
        }
        let (verifier, live) = self.identity_verifier().await?;
        if verifier.name() != row.provider {
            // The owner changed provider since: this attempt cannot be read any more.
            return Err(AppError::Conflict("identity_lost"));
        }
        let state = match &row.provider_state {
            Some(sealed) => Some(
                String::from_utf8(self.secrets.open(sealed, verification_id)?)
                    .map_err(|_| AppError::Other("a kept identity state is not text".into()))?,
            ),
            None => None,
        };
        let found = verifier
            .finish(verification_id, state.as_deref(), returned)
            .await
            .map_err(|e| match e {
                IdentityError::NotFound { .. } => AppError::Conflict("identity_pending"),
                other => {
                    // Unreachable, refused, or an answer that is not the provider's: nothing
                    // is verified; the buyer may try again.
                    tracing::warn!(verification = verification_id, error = %other, "an identity verification could not be read");
                    AppError::Conflict("identity_failed")
                }
            })?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let person = match found {
            // A live shop's 본인인증 on a test channel checked nobody (its channel key is public).
            Verification::Verified(person) if person.test_channel && live => {
                identity::fail(&mut tx, verification_id).await?;
                tx.commit().await?;
                tracing::warn!(
                    verification = verification_id,
                    "identity verified on a test channel refused"
                );
                return Err(AppError::Conflict("identity_failed"));
            }
            Verification::Verified(person) => person,
            Verification::Pending => return Err(AppError::Conflict("identity_pending")),
            Verification::Failed(reason) => {
                identity::fail(&mut tx, verification_id).await?;
                tx.commit().await?;
                tracing::info!(verification = verification_id, reason = %reason, "identity verification failed");
                return Err(AppError::Conflict("identity_failed"));
            }
        };
        let ci_hash = person
            .ci
            .as_deref()
            .map(|ci| self.secrets.keyed_hash(CI_CONTEXT, ci));
        let birth = person.birth_date.map(|d| d.format("%Y-%m-%d").to_string());
        let verified = Verified {
            name: &person.name,
            birth_date: birth.as_deref(),
            mobile: person.mobile.as_deref(),
            ci_hash: ci_hash.as_deref(),
        };
        if !identity::verify(&mut tx, verification_id, verified, now).await? {
            return Err(AppError::Conflict("identity_used"));
        }
        tx.commit().await?;
        Ok(VerifiedIdentity {
            name: person.name,
            birth_date: person.birth_date,
            mobile: person.mobile,
            verified_at: now,
        })
    }

    /// The identity verified in this session (`proof` from it), while it counts.
    pub async fn session_identity(
        &self,
        proof: Option<&IdentityProof>,
        member_id: Option<i64>,
    ) -> AppResult<Option<VerifiedIdentity>> {
        let Some(proof) = proof else {
            return Ok(None);
        };
        let now = self.now();
        Ok(self
            .attempt_of(proof, member_id)
            .await?
            .filter(|r| r.status == "verified")
            // The demo's window checks nobody: what it verified counts in demo mode only.
            .filter(|r| self.config.demo_mode || r.provider != DemoVerifier.name())
            .as_ref()
            .and_then(VerifiedIdentity::of)
            .filter(|v| now - v.verified_at <= chrono::Duration::hours(SESSION_HOURS)))
    }

    /// Deletes what no one needs any more: guests' verifications once their session use is
    /// over, and attempts that never verified (personal data kept no longer than its use).
    pub(crate) async fn prune_identity_attempts(&self) -> AppResult<u64> {
        let before = self.now() - chrono::Duration::days(1);
        let mut tx = self.db.begin().await?;
        let removed = identity::prune(&mut tx, before).await?;
        tx.commit().await?;
        Ok(removed)
    }

    /// The member's latest verified identity.
    pub async fn member_identity(&self, member_id: i64) -> AppResult<Option<VerifiedIdentity>> {
        Ok(identity::latest_of_member(&self.db, member_id)
            .await?
            .as_ref()
            .and_then(VerifiedIdentity::of))
    }
}
