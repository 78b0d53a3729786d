//! Members' address books: saved addresses and the default one.

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};

/// A saved delivery address.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AddressRow {
    /// Id.
    pub id: i64,
    /// Owner.
    pub member_id: i64,
    /// Label ("집", "회사").
    pub label: String,
    /// Recipient name.
    pub recipient: String,
    /// Recipient mobile.
    pub mobile: String,
    /// 5-digit postcode.
    pub postcode: String,
    /// Road address.
    pub address1: String,
    /// Detail.
    pub address2: String,
    /// The default address.
    pub is_default: bool,
}

/// An address to save.
#[derive(Debug, Clone)]
pub struct NewAddress<'a> {
    /// Label.
    pub label: &'a str,
    /// Recipient.
    pub recipient: &'a str,
    /// Mobile digits.
    pub mobile: &'a str,
    /// Postcode.
    pub postcode: &'a str,
    /// Road address.
    pub address1: &'a str,
    /// Detail.
    pub address2: &'a str,
    /// Make it the default.
    pub is_default: bool,
}

/// The member's addresses, default first.
pub async fn addresses(db: &Db, member_id: i64) -> DbResult<Vec<AddressRow>> {
    read_all!(
        db,
        AddressRow,
        "SELECT id, member_id, label, recipient, mobile, postcode, address1, address2, is_default
         FROM member_addresses WHERE member_id = $1 ORDER BY is_default DESC, id DESC",
        member_id
    )
    .context("listing addresses")
}

/// Saves an address (the first one becomes the default).
pub async fn add_address(
    tx: &mut Tx,
    member_id: i64,
    a: &NewAddress<'_>,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    let count = tx_scalar!(
        tx,
        i64,
        "SELECT COUNT(*) FROM member_addresses WHERE member_id = $1",
        member_id
    )
    .context("counting addresses")?;
    let is_default = a.is_default || count == 0;
    if is_default {
        tx_execute!(
            tx,
            "UPDATE member_addresses SET is_default = FALSE WHERE member_id = $1",
            member_id
        )
        .context("clearing default address")?;
    }
    tx_scalar!(
        tx,
        i64,
        "INSERT INTO member_addresses (member_id, label, recipient, mobile, postcode, address1, address2,
             is_default, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        member_id,
        a.label,
        a.recipient,
        a.mobile,
        a.postcode,
        a.address1,
        a.address2,
        is_default,
        now
    )
    .context("saving address")
}

/// Deletes one of the member's addresses; false when it is not theirs.
pub async fn delete_address(tx: &mut Tx, member_id: i64, id: i64) -> DbResult<bool> {
    tx_execute!(
        tx,
        "DELETE FROM member_addresses WHERE id = $1 AND member_id = $2",
        id,
        member_id
    )
    .context("deleting address")
    .map(|n| n == 1)
}

/// Makes one of the member's addresses the default; false when it is not theirs.
pub async fn set_default_address(tx: &mut Tx, member_id: i64, id: i64) -> DbResult<bool> {
    let owned = tx_scalar!(
        tx,
        i64,
        "SELECT COUNT(*) FROM member_addresses WHERE id = $1 AND member_id = $2",
        id,
        member_id
    )
    .context("checking address")?;
    if owned == 0 {
        return Ok(false);
    }
    tx_execute!(
        tx,
        "UPDATE member_addresses SET is_default = (id = $1) WHERE member_id = $2",
        id,
        member_id
    )
    .context("setting default address")?;
    Ok(true)
}
