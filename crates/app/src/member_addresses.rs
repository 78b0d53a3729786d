//! A member's address book: add with checks, delete, choose the default.

use crate::field_errors::FieldErrors;
use crate::members::AddressInput;
use crate::{App, AppError, AppResult};
use jangteo_core::member::{MobileKr, Postcode, required_text};
use jangteo_db::members::{self, AddressRow, NewAddress};

impl App {
    /// The member's address book.
    pub async fn addresses(&self, member_id: i64) -> AppResult<Vec<AddressRow>> {
        Ok(members::addresses(&self.db, member_id).await?)
    }

    /// Adds an address after checking it.
    pub async fn add_address(&self, member_id: i64, a: &AddressInput) -> AppResult<i64> {
        let mut errors = FieldErrors::default();
        let recipient = errors.check("recipient", required_text(&a.recipient, 40));
        let mobile = errors.check("mobile", MobileKr::parse(&a.mobile));
        let postcode = errors.check("postcode", Postcode::parse(&a.postcode));
        let address1 = errors.check("address1", required_text(&a.address1, 200));
        if a.address2.chars().count() > 200 {
            errors.add("address2", "too_long");
        }
        if a.label.chars().count() > 20 {
            errors.add("label", "too_long");
        }
        errors.finish()?;
        let (Some(recipient), Some(mobile), Some(postcode), Some(address1)) =
            (recipient, mobile, postcode, address1)
        else {
            return Err(AppError::Other("validated address went missing".into()));
        };
        let mut tx = self.db.begin().await?;
        let id = members::add_address(
            &mut tx,
            member_id,
            &NewAddress {
                label: a.label.trim(),
                recipient: &recipient,
                mobile: mobile.digits(),
                postcode: postcode.as_str(),
                address1: &address1,
                address2: a.address2.trim(),
                is_default: a.is_default,
            },
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Deletes one of the member's addresses.
    pub async fn delete_address(&self, member_id: i64, id: i64) -> AppResult<()> {
        let mut tx = self.db.begin().await?;
        if !members::delete_address(&mut tx, member_id, id).await? {
            return Err(AppError::NotFound);
        }
        tx.commit().await.map_err(AppError::from)
    }

    /// Makes one of the member's addresses the default.
    pub async fn set_default_address(&self, member_id: i64, id: i64) -> AppResult<()> {
        let mut tx = self.db.begin().await?;
        if !members::set_default_address(&mut tx, member_id, id).await? {
            return Err(AppError::NotFound);
        }
        tx.commit().await.map_err(AppError::from)
    }
}
