//! Wishlists (찜) and recently viewed products (issue 17): what a member keeps for later, and the
//! products a visitor looked at last (kept in their session by the web layer).

use crate::catalog::ProductSummary;
use crate::{App, AppError, AppResult};
use jangteo_core::paging::{PageRequest, Paged};
use jangteo_db::wishlists;

/// Products per wishlist page.
const PAGE_SIZE: u32 = 20;
/// The most recently viewed products kept.
pub const RECENT_PRODUCTS: usize = 12;

impl App {
    /// Keeps a listed product for the member; false when it was kept already.
    pub async fn add_to_wishlist(&self, member_id: i64, product_id: i64) -> AppResult<bool> {
        if self.product_cards(&[product_id]).await?.is_empty() {
            return Err(AppError::NotFound);
        }
        Ok(wishlists::add(&self.db, member_id, product_id, self.now()).await?)
    }

    /// Lets go of a kept product; false when it was not kept.
    pub async fn remove_from_wishlist(&self, member_id: i64, product_id: i64) -> AppResult<bool> {
        Ok(wishlists::remove(&self.db, member_id, product_id).await?)
    }

    /// A page of the member's kept products, newest first (hidden products left out).
    pub async fn wishlist(&self, member_id: i64, page: u32) -> AppResult<Paged<ProductSummary>> {
        let request = PageRequest::new(page.max(1), PAGE_SIZE);
        let (ids, total) =
            wishlists::product_ids(&self.db, member_id, request.limit(), request.offset()).await?;
        let cards = self.product_cards(&ids).await?;
        Ok(Paged::counted(cards, total, request))
    }
}

/// `viewed` put first in the recently viewed list `recent`, once, at most [`RECENT_PRODUCTS`].
pub fn remember_viewed(recent: &mut Vec<i64>, viewed: i64) {
    recent.retain(|id| *id != viewed);
    recent.insert(0, viewed);
    recent.truncate(RECENT_PRODUCTS);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_viewed_comes_first_once() {
        let mut recent = vec![3, 2, 1];
        remember_viewed(&mut recent, 2);
        assert_eq!(recent, vec![2, 3, 1]);
        for id in 10..30 {
            remember_viewed(&mut recent, id);
        }
        assert_eq!(recent.len(), RECENT_PRODUCTS);
        assert_eq!(recent[0], 29);
    }
}
