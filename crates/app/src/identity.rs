//! 본인인증 (issue 16): the shop starts an attempt under an id it generates and binds to the
//! member (or the guest's session), the buyer proves who they are in the provider's window, and
//! the shop reads the result back from the provider, server to server. Only a started attempt
//! of the same buyer completes, once; what was verified is kept with the CI as a keyed hash.

use crate::{App, AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use jangteo_db::identity::{self, IdentityRow, Verified};
use jangteo_providers::identity::{IdentityError, Verification};

/// Hash domain of CIs.
const CI_CONTEXT: &str = "ci";

/// A started attempt: the id the provider's window must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityStart {
    /// `iv-…`, generated here.
    pub verification_id: String,
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
    /// Starts an attempt for the member (`None`: a guest, whose session keeps the id).
    pub async fn start_identity_verification(
        &self,
        member_id: Option<i64>,
    ) -> AppResult<IdentityStart> {
        let (verifier, _) = self.identity_verifier().await?;
        let token = crate::auth::tokens::random_token()?;
        let verification_id = format!("iv-{}", &token[..24]);
        let mut tx = self.db.begin().await?;
        identity::start(
            &mut tx,
            &verification_id,
            verifier.name(),
            member_id,
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(IdentityStart { verification_id })
    }

    /// Completes the buyer's started attempt with what the provider verified. Someone else's
    /// attempt is not found; one completed already, failed or still open is a conflict.
    pub async fn complete_identity_verification(
        &self,
        verification_id: &str,
        member_id: Option<i64>,
    ) -> AppResult<VerifiedIdentity> {
        let row = identity::find(&self.db, verification_id)
            .await?
            .filter(|r| r.member_id == member_id)
            .ok_or(AppError::NotFound)?;
        if row.status != "started" {
            return Err(AppError::Conflict("identity_used"));
        }
        let (verifier, live) = self.identity_verifier().await?;
        let found = verifier
            .lookup(verification_id)
            .await
            .map_err(|e| match e {
                IdentityError::NotFound { .. } => AppError::Conflict("identity_pending"),
                other => AppError::Other(other.to_string()),
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

    /// The member's latest verified identity.
    pub async fn member_identity(&self, member_id: i64) -> AppResult<Option<VerifiedIdentity>> {
        Ok(identity::latest_of_member(&self.db, member_id)
            .await?
            .as_ref()
            .and_then(VerifiedIdentity::of))
    }
}
