//! Product reviews (상품 후기): who may review which order line and until when, what a review must
//! hold, the points it earns (text, photo, the product's first photo review), and the rating a
//! product shows. A reward is held for some days and taken back if the line is returned
//! (the disclosure of a rewarded review follows the FTC 추천·보증 심사지침).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A (field, message code) problem with typed input.
pub type Problem = (&'static str, &'static str);

/// Most photos on one review.
pub const MAX_PHOTOS: usize = 5;
/// Longest review text, in characters.
pub const MAX_TEXT_CHARS: usize = 2_000;

/// The shop's review rules, set by the owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReviewPolicy {
    /// Days after delivery a line may be reviewed.
    pub window_days: i64,
    /// Fewest characters of text.
    pub min_text_chars: usize,
    /// Points for a review with text only.
    pub reward_text: i64,
    /// Points for a review with photos (instead of the text reward).
    pub reward_photo: i64,
    /// Extra points for the product's first photo review.
    pub reward_first_photo: i64,
    /// Days a reward is held before it is granted (a return within them takes it back first).
    pub hold_days: i64,
}

impl Default for ReviewPolicy {
    /// 30 days after delivery, 20 characters; 500 points for text, 1,000 with photos, 1,000 more
    /// for the product's first photo review, granted 7 days later (common Korean shop rules).
    fn default() -> Self {
        Self {
            window_days: 30,
            min_text_chars: 20,
            reward_text: 500,
            reward_photo: 1_000,
            reward_first_photo: 1_000,
            hold_days: 7,
        }
    }
}

impl ReviewPolicy {
    /// Rules from typed values, or every problem with them.
    pub fn typed(fields: &ReviewPolicyFields<'_>) -> Result<Self, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut number = |raw: &str, field: &'static str, code: &'static str, max: i64| {
            let n = crate::money::parse_typed_amount(raw)
                .ok()
                .flatten()
                .filter(|n| (0..=max).contains(n));
            if n.is_none() {
                problems.push((field, code));
            }
            n.unwrap_or(0)
        };
        let window_days = number(fields.window_days, "window_days", "review_window", 365);
        let min_text = number(
            fields.min_text_chars,
            "min_text_chars",
            "review_min_text",
            500,
        );
        let reward_text = number(fields.reward_text, "reward_text", "review_reward", 100_000);
        let reward_photo = number(
            fields.reward_photo,
            "reward_photo",
            "review_reward",
            100_000,
        );
        let reward_first_photo = number(
            fields.reward_first_photo,
            "reward_first_photo",
            "review_reward",
            100_000,
        );
        let hold_days = number(fields.hold_days, "hold_days", "review_hold", 90);
        if window_days == 0 && !problems.iter().any(|(f, _)| *f == "window_days") {
            problems.push(("window_days", "review_window"));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self {
            window_days,
            min_text_chars: usize::try_from(min_text).unwrap_or(0),
            reward_text,
            reward_photo,
            reward_first_photo,
            hold_days,
        })
    }

    /// The points a review earns.
    pub fn reward(&self, with_photos: bool, first_photo_review: bool) -> i64 {
        match (with_photos, first_photo_review) {
            (false, _) => self.reward_text,
            (true, false) => self.reward_photo,
            (true, true) => self.reward_photo + self.reward_first_photo,
        }
    }

    /// When a reward given at `written_at` is granted.
    pub fn reward_due(&self, written_at: DateTime<Utc>) -> DateTime<Utc> {
        written_at + Duration::days(self.hold_days)
    }
}

/// The review rules as the owner typed them.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReviewPolicyFields<'a> {
    /// Days after delivery.
    pub window_days: &'a str,
    /// Fewest characters.
    pub min_text_chars: &'a str,
    /// Text reward.
    pub reward_text: &'a str,
    /// Photo reward.
    pub reward_photo: &'a str,
    /// First photo review bonus.
    pub reward_first_photo: &'a str,
    /// Hold days.
    pub hold_days: &'a str,
}

/// Why an order line cannot be reviewed (now).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewRefusal {
    /// The order has not been delivered.
    NotDelivered,
    /// The window after delivery has closed.
    WindowClosed,
    /// The line was returned or cancelled.
    Returned,
    /// The line has a review already.
    AlreadyReviewed,
}

impl ReviewRefusal {
    /// Message key suffix (`error.conflict.<code>`).
    pub fn code(self) -> &'static str {
        match self {
            ReviewRefusal::NotDelivered => "review_not_delivered",
            ReviewRefusal::WindowClosed => "review_window_closed",
            ReviewRefusal::Returned => "review_returned",
            ReviewRefusal::AlreadyReviewed => "review_exists",
        }
    }
}

/// What decides whether a line may be reviewed.
#[derive(Debug, Clone, Copy)]
pub struct LineForReview {
    /// When the order was delivered (none: not yet).
    pub delivered_at: Option<DateTime<Utc>>,
    /// Units of the line not returned or cancelled.
    pub units_kept: i64,
    /// The line has a review.
    pub reviewed: bool,
}

/// Whether the line may be reviewed at `now` under `policy`.
pub fn may_review(
    line: &LineForReview,
    policy: &ReviewPolicy,
    now: DateTime<Utc>,
) -> Result<(), ReviewRefusal> {
    if line.reviewed {
        return Err(ReviewRefusal::AlreadyReviewed);
    }
    let Some(delivered_at) = line.delivered_at else {
        return Err(ReviewRefusal::NotDelivered);
    };
    if line.units_kept <= 0 {
        return Err(ReviewRefusal::Returned);
    }
    if now > delivered_at + Duration::days(policy.window_days) {
        return Err(ReviewRefusal::WindowClosed);
    }
    Ok(())
}

/// A review as the member wrote it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewDraft {
    /// 1 to 5.
    pub stars: u8,
    /// The text, trimmed.
    pub text: String,
}

impl ReviewDraft {
    /// A draft from typed values and the number of photos, or every problem with them.
    pub fn typed(
        stars: &str,
        text: &str,
        photos: usize,
        policy: &ReviewPolicy,
    ) -> Result<Self, Vec<Problem>> {
        let mut problems = Vec::new();
        let stars = stars
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|s| (1..=5).contains(s));
        if stars.is_none() {
            problems.push(("stars", "review_stars"));
        }
        let text = text.trim();
        let chars = text.chars().count();
        if chars < policy.min_text_chars {
            problems.push(("text", "review_too_short"));
        } else if chars > MAX_TEXT_CHARS {
            problems.push(("text", "too_long"));
        }
        if photos > MAX_PHOTOS {
            problems.push(("photos", "review_photos"));
        }
        match stars {
            Some(stars) if problems.is_empty() => Ok(Self {
                stars,
                text: text.to_owned(),
            }),
            _ => Err(problems),
        }
    }
}

/// A product's rating: how many reviews and their average in tenths of a star (45 = 4.5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Rating {
    /// Reviews shown.
    pub count: i64,
    /// Average stars × 10, rounded half up (0 without reviews).
    pub average_tenths: i64,
}

impl Rating {
    /// From the number of reviews and the sum of their stars.
    pub fn new(count: i64, star_sum: i64) -> Self {
        if count <= 0 {
            return Self::default();
        }
        Self {
            count,
            average_tenths: (star_sum * 20 + count) / (count * 2),
        }
    }

    /// `4.5`.
    pub fn average_label(&self) -> String {
        format!("{}.{}", self.average_tenths / 10, self.average_tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(days: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap() + Duration::days(days)
    }

    #[test]
    fn a_line_is_reviewed_once_within_the_window_after_delivery() {
        let policy = ReviewPolicy::default();
        let line = LineForReview {
            delivered_at: Some(at(0)),
            units_kept: 1,
            reviewed: false,
        };
        assert_eq!(may_review(&line, &policy, at(30)), Ok(()));
        assert_eq!(
            may_review(&line, &policy, at(31)),
            Err(ReviewRefusal::WindowClosed)
        );
        let undelivered = LineForReview {
            delivered_at: None,
            ..line
        };
        assert_eq!(
            may_review(&undelivered, &policy, at(1)),
            Err(ReviewRefusal::NotDelivered)
        );
        let returned = LineForReview {
            units_kept: 0,
            ..line
        };
        assert_eq!(
            may_review(&returned, &policy, at(1)),
            Err(ReviewRefusal::Returned)
        );
        let done = LineForReview {
            reviewed: true,
            ..line
        };
        assert_eq!(
            may_review(&done, &policy, at(1)),
            Err(ReviewRefusal::AlreadyReviewed)
        );
    }

    #[test]
    fn a_review_needs_stars_and_enough_text() {
        let policy = ReviewPolicy::default();
        let good = ReviewDraft::typed(
            "5",
            "  색감이 사진과 똑같고 두께도 적당해서 좋아요.  ",
            2,
            &policy,
        );
        assert_eq!(good.unwrap().stars, 5);
        assert_eq!(
            ReviewDraft::typed("0", "짧아요", 6, &policy),
            Err(vec![
                ("stars", "review_stars"),
                ("text", "review_too_short"),
                ("photos", "review_photos")
            ])
        );
        let long = "가".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(
            ReviewDraft::typed("3", &long, 0, &policy),
            Err(vec![("text", "too_long")])
        );
    }

    #[test]
    fn photos_earn_more_and_the_first_photo_review_most() {
        let policy = ReviewPolicy::default();
        assert_eq!(policy.reward(false, true), 500);
        assert_eq!(policy.reward(true, false), 1_000);
        assert_eq!(policy.reward(true, true), 2_000);
        assert_eq!(policy.reward_due(at(0)), at(7));
    }

    #[test]
    fn the_rating_rounds_to_a_tenth() {
        assert_eq!(Rating::new(0, 0), Rating::default());
        let r = Rating::new(3, 14);
        assert_eq!((r.average_tenths, r.average_label()), (47, "4.7".into()));
        assert_eq!(Rating::new(2, 9).average_label(), "4.5");
        assert_eq!(Rating::new(1, 5).average_label(), "5.0");
    }

    #[test]
    fn the_owner_types_the_rules() {
        let fields = ReviewPolicyFields {
            window_days: "14",
            min_text_chars: "30",
            reward_text: "300",
            reward_photo: "1,000원",
            reward_first_photo: "0",
            hold_days: "7",
        };
        let policy = ReviewPolicy::typed(&fields).unwrap();
        assert_eq!((policy.window_days, policy.reward_photo), (14, 1_000));
        let wrong = ReviewPolicyFields {
            window_days: "0",
            reward_text: "-1",
            ..fields
        };
        assert_eq!(
            ReviewPolicy::typed(&wrong),
            Err(vec![
                ("reward_text", "review_reward"),
                ("window_days", "review_window")
            ])
        );
    }
}
