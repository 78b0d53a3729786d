//! Shipping profiles (묶음배송) and remote-area surcharges (제주/도서산간).

use crate::error::Context;
use crate::{Db, DbResult, Reader, Tx};
use chrono::{DateTime, Utc};

/// A stored shipping profile.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProfileRow {
    /// Id.
    pub id: i64,
    /// Name the owner gave it.
    pub name: String,
    /// `free`, `fixed`, `free_over` or `per_quantity`.
    pub kind: String,
    /// Fee (per parcel, or per box for `per_quantity`).
    pub fee: i64,
    /// Items amount that ships free (`free_over`).
    pub free_over: Option<i64>,
    /// Units per box (`per_quantity`).
    pub per_units: Option<i64>,
    /// The shop's default profile.
    pub is_default: bool,
}

/// A profile as saved.
#[derive(Debug, Clone, Copy)]
pub struct ProfileInput<'a> {
    /// Name.
    pub name: &'a str,
    /// Kind.
    pub kind: &'a str,
    /// Fee.
    pub fee: i64,
    /// Threshold (`free_over`).
    pub free_over: Option<i64>,
    /// Units per box (`per_quantity`).
    pub per_units: Option<i64>,
}

/// A remote-area range.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RemoteAreaRow {
    /// First postcode.
    pub postcode_from: i64,
    /// Last postcode (inclusive).
    pub postcode_to: i64,
    /// Extra fee per parcel.
    pub surcharge: i64,
    /// What it is ("제주", "신안 섬지역").
    pub label: String,
}

/// Every profile, the default first.
pub async fn profiles(db: &Db) -> DbResult<Vec<ProfileRow>> {
    read_all!(
        db,
        ProfileRow,
        "SELECT id, name, kind, fee, free_over, per_units, is_default FROM shipping_profiles
         ORDER BY is_default DESC, id"
    )
    .context("listing shipping profiles")
}

/// How many profiles exist (read in the seeding transaction).
pub async fn count(conn: impl Into<Reader<'_>>) -> DbResult<i64> {
    reader_scalar!(conn, i64, "SELECT COUNT(*) FROM shipping_profiles").context("counting profiles")
}

/// Adds a profile; returns its id.
pub async fn insert(
    tx: &mut Tx,
    p: &ProfileInput<'_>,
    is_default: bool,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    tx_scalar!(
        tx,
        i64,
        "INSERT INTO shipping_profiles (name, kind, fee, free_over, per_units, is_default, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        p.name,
        p.kind,
        p.fee,
        p.free_over,
        p.per_units,
        is_default,
        now
    )
    .context("adding a shipping profile")
}

/// Changes a profile; false when there is none.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    p: &ProfileInput<'_>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE shipping_profiles SET name = $2, kind = $3, fee = $4, free_over = $5, per_units = $6,
             updated_at = $7 WHERE id = $1",
        id,
        p.name,
        p.kind,
        p.fee,
        p.free_over,
        p.per_units,
        now
    )
    .context("changing a shipping profile")
    .map(|n| n == 1)
}

/// Deletes a profile that is not the default; its products fall back to the default. False when
/// there is no such (non-default) profile.
pub async fn delete(tx: &mut Tx, id: i64) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE products SET shipping_profile_id = NULL WHERE shipping_profile_id = $1",
        id
    )
    .context("moving products to the default profile")?;
    tx_execute!(
        tx,
        "DELETE FROM shipping_profiles WHERE id = $1 AND is_default = FALSE",
        id
    )
    .context("deleting a shipping profile")
    .map(|n| n == 1)
}

/// Makes `id` the default profile.
pub async fn set_default(tx: &mut Tx, id: i64) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE shipping_profiles SET is_default = (id = $1)",
        id
    )
    .context("choosing the default shipping profile")
    .map(|n| n > 0)
}

/// Products per profile (profile id, count).
pub async fn product_counts(db: &Db) -> DbResult<Vec<(i64, i64)>> {
    read_all!(
        db,
        (i64, i64),
        "SELECT shipping_profile_id, COUNT(*) FROM products WHERE shipping_profile_id IS NOT NULL
         GROUP BY shipping_profile_id"
    )
    .context("counting products per shipping profile")
}

/// Puts the products with the old per-product policy `policy` (and fee, for `separate`) in a
/// profile (seeding only).
pub async fn assign_legacy(
    tx: &mut Tx,
    policy: &str,
    fee: Option<i64>,
    profile: i64,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE products SET shipping_profile_id = $3
         WHERE shipping_policy = $1 AND ($2 IS NULL OR shipping_fee = $2) AND shipping_profile_id IS NULL",
        policy,
        fee,
        profile
    )
    .context("moving products onto a shipping profile")
    .map(|_| ())
}

/// The distinct fees of products shipped separately under the old policy.
pub async fn legacy_separate_fees(tx: &mut Tx) -> DbResult<Vec<i64>> {
    tx_all!(
        tx,
        (i64,),
        "SELECT DISTINCT shipping_fee FROM products WHERE shipping_policy = 'separate' ORDER BY shipping_fee"
    )
    .context("reading old shipping policies")
    .map(|rows| rows.into_iter().map(|(f,)| f).collect())
}

/// Whether any product still uses the old `free` policy.
pub async fn has_legacy_free(tx: &mut Tx) -> DbResult<bool> {
    tx_scalar!(
        tx,
        i64,
        "SELECT COUNT(*) FROM products WHERE shipping_policy = 'free'"
    )
    .context("reading old shipping policies")
    .map(|n| n > 0)
}

/// Every remote-area range, by postcode.
pub async fn remote_areas(db: &Db) -> DbResult<Vec<RemoteAreaRow>> {
    read_all!(
        db,
        RemoteAreaRow,
        "SELECT postcode_from, postcode_to, surcharge, label FROM remote_areas ORDER BY postcode_from, id"
    )
    .context("listing remote areas")
}

/// Replaces every remote-area range.
pub async fn replace_remote_areas(tx: &mut Tx, rows: &[RemoteAreaRow]) -> DbResult<()> {
    tx_execute!(tx, "DELETE FROM remote_areas").context("clearing remote areas")?;
    for r in rows {
        tx_execute!(
            tx,
            "INSERT INTO remote_areas (postcode_from, postcode_to, surcharge, label) VALUES ($1, $2, $3, $4)",
            r.postcode_from,
            r.postcode_to,
            r.surcharge,
            &r.label
        )
        .context("adding a remote area")?;
    }
    Ok(())
}
