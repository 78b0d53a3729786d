//! Social-login links (issue 17): which Kakao or Naver account belongs to which member.

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};

/// A member's link to a provider.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SocialLinkRow {
    /// `kakao` or `naver`.
    pub provider: String,
    /// The provider's id of the account.
    pub subject: String,
    /// The provider's refresh token, sealed by the app (to unlink later).
    pub refresh_token_sealed: Option<String>,
    /// Linked.
    pub linked_at: DateTime<Utc>,
    /// Last logged in through it.
    pub last_login_at: Option<DateTime<Utc>>,
}

/// The active member the account is linked to.
pub async fn linked_member(db: &Db, provider: &str, subject: &str) -> DbResult<Option<i64>> {
    read_optional!(
        db,
        (i64,),
        "SELECT l.member_id FROM member_social_links l JOIN members m ON m.id = l.member_id
         WHERE l.provider = $1 AND l.subject = $2 AND m.status = 'active'",
        provider,
        subject
    )
    .context("finding a social link")
    .map(|row| row.map(|(id,)| id))
}

/// Links the account to the member; false when it, or this provider for the member, is linked
/// already.
pub async fn insert(
    tx: &mut Tx,
    member_id: i64,
    provider: &str,
    subject: &str,
    refresh_token_sealed: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    tx_execute!(
        tx,
        "INSERT INTO member_social_links
             (member_id, provider, subject, refresh_token_sealed, linked_at, last_login_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT DO NOTHING",
        member_id,
        provider,
        subject,
        refresh_token_sealed,
        now
    )
    .context("linking a social account")
    .map(|n| n == 1)
}

/// Notes a login through the link and keeps the newest refresh token.
pub async fn touch(
    db: &Db,
    provider: &str,
    subject: &str,
    refresh_token_sealed: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    db_execute!(
        db,
        "UPDATE member_social_links
         SET last_login_at = $3, refresh_token_sealed = COALESCE($4, refresh_token_sealed)
         WHERE provider = $1 AND subject = $2",
        provider,
        subject,
        now,
        refresh_token_sealed
    )
    .context("noting a social login")
    .map(|_| ())
}

/// The member's links.
pub async fn of_member(db: &Db, member_id: i64) -> DbResult<Vec<SocialLinkRow>> {
    read_all!(
        db,
        SocialLinkRow,
        "SELECT provider, subject, refresh_token_sealed, linked_at, last_login_at
         FROM member_social_links WHERE member_id = $1 ORDER BY provider",
        member_id
    )
    .context("listing social links")
}

/// Removes one link; the removed row, if there was one.
pub async fn remove(
    tx: &mut Tx,
    member_id: i64,
    provider: &str,
) -> DbResult<Option<SocialLinkRow>> {
    tx_optional!(
        tx,
        SocialLinkRow,
        "DELETE FROM member_social_links WHERE member_id = $1 AND provider = $2
         RETURNING provider, subject, refresh_token_sealed, linked_at, last_login_at",
        member_id,
        provider
    )
    .context("removing a social link")
}

/// Removes every link of the member (withdrawal); the removed rows.
pub async fn remove_all(tx: &mut Tx, member_id: i64) -> DbResult<Vec<SocialLinkRow>> {
    tx_all!(
        tx,
        SocialLinkRow,
        "DELETE FROM member_social_links WHERE member_id = $1
         RETURNING provider, subject, refresh_token_sealed, linked_at, last_login_at",
        member_id
    )
    .context("removing social links")
}
