//! Product reviews (상품 후기, issue 17): a member reviews a delivered order line within the shop's
//! window, with up to five photos; the reward is held, then granted by a chore, and taken back
//! when the line is returned; the product page reads the visible reviews, photo reviews first.

use crate::{App, AppError, AppResult};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use jangteo_core::member::mask_name;
use jangteo_core::paging::{PageRequest, Paged};
use jangteo_core::reviews::{MAX_PHOTOS, Rating, ReviewDraft, ReviewPolicy, may_review};
pub use jangteo_db::reviews::ReviewableLine;
use jangteo_db::reviews::{self, NewReview, ReviewRow};
use jangteo_db::{Tx, promotions, settings};

/// Where the owner's review rules are kept.
pub(crate) const POLICY_KEY: &str = "reviews.policy";
/// Reviews per product page.
pub const REVIEWS_PER_PAGE: u32 = 10;

/// An order line with whether it may be reviewed now.
#[derive(Debug, Clone)]
pub struct LineReviewState {
    /// The line.
    pub line: ReviewableLine,
    /// `None`: may be reviewed; otherwise why not (`error.conflict.<code>`).
    pub refusal: Option<&'static str>,
}

/// What a member wrote.
#[derive(Debug, Clone, Default)]
pub struct ReviewInput {
    /// Stars typed (`1`–`5`).
    pub stars: String,
    /// Text.
    pub text: String,
}

/// A review with its photos' content hashes.
#[derive(Debug, Clone)]
pub struct ReviewView {
    /// The review.
    pub review: ReviewRow,
    /// Photos, in order.
    pub photos: Vec<String>,
}

/// A product's reviews: its rating and a page of the visible ones.
#[derive(Debug, Clone)]
pub struct ProductReviews {
    /// Count and average.
    pub rating: Rating,
    /// The page.
    pub page: Paged<ReviewView>,
}

impl App {
    /// The shop's review rules (the defaults until the owner sets them).
    pub async fn review_policy(&self) -> AppResult<ReviewPolicy> {
        Ok(settings::get(&self.db, POLICY_KEY)
            .await?
            .and_then(|stored| serde_json::from_str(&stored).ok())
            .unwrap_or_default())
    }

    /// The member's order's lines with whether each may be reviewed now; not found unless the
    /// order is theirs.
    pub async fn review_states(
        &self,
        member_id: i64,
        order_number: &str,
    ) -> AppResult<Vec<LineReviewState>> {
        let lines = reviews::lines_of_order(&self.db, member_id, order_number).await?;
        if lines.is_empty() {
            return Err(AppError::NotFound);
        }
        let policy = self.review_policy().await?;
        let now = self.now();
        Ok(lines
            .into_iter()
            .map(|line| {
                let refusal = may_review(&for_review(&line), &policy, now)
                    .err()
                    .map(|r| r.code());
                LineReviewState { line, refusal }
            })
            .collect())
    }

    /// Writes the member's review of line `line_id` of their order with its photos; every
    /// problem with the form at once. Returns the review id and the points it will earn.
    pub async fn write_review(
        &self,
        member_id: i64,
        order_number: &str,
        line_id: i64,
        input: &ReviewInput,
        photos: Vec<Bytes>,
    ) -> AppResult<(i64, i64)> {
        let member = self.active_member(member_id).await?;
        let policy = self.review_policy().await?;
        let lines = reviews::lines_of_order(&self.db, member_id, order_number).await?;
        let line = lines
            .into_iter()
            .find(|l| l.id == line_id)
            .ok_or(AppError::NotFound)?;
        let product_id = line.product_id.ok_or(AppError::NotFound)?;
        may_review(&for_review(&line), &policy, self.now())
            .map_err(|r| AppError::Conflict(r.code()))?;
        let draft = ReviewDraft::typed(&input.stars, &input.text, photos.len(), &policy)
            .map_err(AppError::Form)?;
        // Every photo is checked and stored before anything is recorded: one bad file adds none.
        let mut stored = Vec::with_capacity(photos.len().min(MAX_PHOTOS));
        for bytes in photos {
            let original = self.store_original(bytes).await;
            stored.push(original.map_err(|e| crate::media::upload_refusal("photos", e))?);
        }
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let mut media_ids = Vec::with_capacity(stored.len());
        for original in &stored {
            media_ids.push(self.record_original(&mut tx, original).await?.0);
        }
        let first_photo =
            !media_ids.is_empty() && !reviews::has_photo_review(&mut tx, product_id).await?;
        let reward = policy.reward(!media_ids.is_empty(), first_photo);
        let new = NewReview {
            line: &line,
            product_id,
            member_id,
            author: &mask_name(&member.name),
            stars: draft.stars,
            body: &draft.text,
            media_ids: &media_ids,
            reward,
            reward_due_at: (reward > 0).then(|| policy.reward_due(now)),
        };
        let id = reviews::insert(&mut tx, &new, now)
            .await?
            .ok_or(AppError::Conflict("review_exists"))?;
        tx.commit().await?;
        // Cards and the product page show the count and average.
        self.catalog_changed().await;
        Ok((id, reward))
    }

    /// A page of the product's visible reviews (photo reviews first) and its rating.
    pub async fn product_reviews(&self, product_id: i64, page: u32) -> AppResult<ProductReviews> {
        let (count, star_sum) = reviews::rating(&self.db, product_id).await?;
        let request = PageRequest::new(page.max(1), REVIEWS_PER_PAGE);
        let rows =
            reviews::visible_for_product(&self.db, product_id, request.limit(), request.offset())
                .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let photos = reviews::photos(&self.db, &ids).await?;
        let items = rows
            .into_iter()
            .map(|review| ReviewView {
                photos: photos
                    .iter()
                    .filter(|(id, _)| *id == review.id)
                    .map(|(_, hash)| hash.clone())
                    .collect(),
                review,
            })
            .collect();
        Ok(ProductReviews {
            rating: Rating::new(count, star_sum),
            page: Paged::counted(items, count, request),
        })
    }

    /// The content hashes of a review's photos, in order.
    pub async fn review_photos(&self, id: i64) -> AppResult<Vec<String>> {
        Ok(reviews::photos(&self.db, &[id])
            .await?
            .into_iter()
            .map(|(_, hash)| hash)
            .collect())
    }

    /// Grants the held rewards whose day came (a line returned meanwhile voids its reward);
    /// how many were granted. Idempotent.
    pub async fn grant_review_rewards(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let mut granted = 0;
        for (id, member_id, reward, units_kept) in reviews::due_rewards(&self.db, now).await? {
            let mut tx = self.db.begin().await?;
            if units_kept <= 0 {
                reviews::move_reward(&mut tx, id, "held", "void", now).await?;
            } else if reviews::move_reward(&mut tx, id, "held", "granted", now).await? {
                let key = format!("review_reward:{id}");
                promotions::add_points(
                    &mut tx,
                    member_id,
                    reward,
                    "review_reward",
                    None,
                    Some(&key),
                    now,
                )
                .await?;
                granted += 1;
            }
            tx.commit().await?;
        }
        Ok(granted)
    }
}

/// Takes back the rewards of an order's reviews whose line has no unit left (returned or
/// cancelled), in the transaction that took the goods back: held ones are voided, granted ones
/// taken from the member's points (as far as the balance goes).
pub(crate) async fn take_back_review_rewards(
    tx: &mut Tx,
    order_id: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    for (id, member_id, reward, state) in reviews::rewards_of_lines_gone(tx, order_id).await? {
        if state == "held" {
            reviews::move_reward(tx, id, "held", "void", now).await?;
            continue;
        }
        if reviews::move_reward(tx, id, "granted", "taken_back", now).await? {
            let balance = promotions::points_balance(&mut *tx, member_id).await?;
            let take = reward.min(balance);
            if take > 0 {
                let key = format!("review_reward_back:{id}");
                promotions::add_points(
                    tx,
                    member_id,
                    -take,
                    "review_reward_back",
                    None,
                    Some(&key),
                    now,
                )
                .await?;
            }
        }
    }
    Ok(())
}

fn for_review(line: &ReviewableLine) -> jangteo_core::reviews::LineForReview {
    jangteo_core::reviews::LineForReview {
        delivered_at: line.delivered_at,
        units_kept: line.units_kept,
        reviewed: line.review_id.is_some(),
    }
}
