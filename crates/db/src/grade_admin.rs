//! Membership grades as the back office keeps them (issue 17): the list with each grade's
//! members, create, edit and delete, and the thresholds the configuration once seeded.

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};

/// A grade with how many members hold it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GradeAdminRow {
    /// Id.
    pub id: i64,
    /// Stable code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Discount, basis points.
    pub discount_bp: i64,
    /// Point rate, basis points.
    pub point_bp: i64,
    /// Every parcel ships free.
    pub free_shipping: bool,
    /// Won paid over the window that earns it.
    pub min_spend: i64,
    /// New members get it.
    pub is_default: bool,
    /// Members holding it.
    pub members: i64,
}

/// A grade as the owner typed it (checked by the app).
#[derive(Debug, Clone)]
pub struct GradeInput<'a> {
    /// Display name.
    pub name: &'a str,
    /// Discount, basis points.
    pub discount_bp: i64,
    /// Point rate, basis points.
    pub point_bp: i64,
    /// Every parcel ships free.
    pub free_shipping: bool,
    /// Won paid over the window that earns it.
    pub min_spend: i64,
}

const COLUMNS: &str = "g.id, g.code, g.name, g.discount_bp, g.point_bp, g.free_shipping,
     g.min_spend, g.is_default, (SELECT COUNT(*) FROM members m WHERE m.grade_id = g.id) AS members";

/// Every grade, lowest threshold first, with its members.
pub async fn list(db: &Db) -> DbResult<Vec<GradeAdminRow>> {
    read_all!(
        db,
        GradeAdminRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM grades g ORDER BY g.position, g.id"
        ))
    )
    .context("listing grades with members")
}

/// One grade with its members.
pub async fn find(db: &Db, id: i64) -> DbResult<Option<GradeAdminRow>> {
    read_optional!(
        db,
        GradeAdminRow,
        sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM grades g WHERE g.id = $1")),
        id
    )
    .context("loading grade")
}

/// Whether a grade other than `except` is earned by the same spending or has the same name.
pub async fn clash(db: &Db, g: &GradeInput<'_>, except: Option<i64>) -> DbResult<(bool, bool)> {
    let rows = read_all!(
        db,
        (i64, String, i64),
        "SELECT id, name, min_spend FROM grades"
    )
    .context("checking grades")?;
    let others = || rows.iter().filter(|(id, ..)| Some(*id) != except);
    Ok((
        others().any(|(_, name, _)| name == g.name),
        others().any(|(.., min)| *min == g.min_spend),
    ))
}

/// Orders the grades by their thresholds (the order lists and the storefront show).
async fn reposition(tx: &mut Tx) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE grades SET position = (SELECT COUNT(*) FROM grades o
             WHERE o.min_spend < grades.min_spend
                OR (o.min_spend = grades.min_spend AND o.id <= grades.id))"
    )
    .context("ordering grades")
    .map(|_| ())
}

/// Creates a grade under `code`; its id.
pub async fn insert(
    tx: &mut Tx,
    code: &str,
    g: &GradeInput<'_>,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    let id = tx_scalar!(
        tx,
        i64,
        "INSERT INTO grades (code, name, discount_bp, point_bp, free_shipping, min_spend,
             position, is_default, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 0, FALSE, $7, $7) RETURNING id",
        code,
        g.name,
        g.discount_bp,
        g.point_bp,
        g.free_shipping,
        g.min_spend,
        now
    )
    .context("creating grade")?;
    reposition(tx).await?;
    Ok(id)
}

/// Changes grade `id`; false when there is none.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    g: &GradeInput<'_>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let changed = tx_execute!(
        tx,
        "UPDATE grades SET name = $2, discount_bp = $3, point_bp = $4, free_shipping = $5,
             min_spend = $6, updated_at = $7 WHERE id = $1",
        id,
        g.name,
        g.discount_bp,
        g.point_bp,
        g.free_shipping,
        g.min_spend,
        now
    )
    .context("changing grade")?;
    reposition(tx).await?;
    Ok(changed > 0)
}

/// Deletes grade `id` when no member holds it or held it and it is not the default; whether
/// it went.
pub async fn delete_unused(tx: &mut Tx, id: i64) -> DbResult<bool> {
    let deleted = tx_execute!(
        tx,
        "DELETE FROM grades WHERE id = $1 AND is_default = FALSE
             AND NOT EXISTS (SELECT 1 FROM members m WHERE m.grade_id = grades.id)
             AND NOT EXISTS (SELECT 1 FROM grade_changes c
                 WHERE c.from_grade_id = grades.id OR c.to_grade_id = grades.id)",
        id
    )
    .context("deleting grade")?;
    reposition(tx).await?;
    Ok(deleted > 0)
}

/// Sets the threshold of the grade with `code` (seeding from the configuration).
pub async fn set_min_spend(tx: &mut Tx, code: &str, min_spend: i64) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE grades SET min_spend = $2 WHERE code = $1",
        code,
        min_spend
    )
    .context("seeding grade threshold")?;
    reposition(tx).await
}
