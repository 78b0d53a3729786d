//! 적립금 설정 (issue 17): the points for signing up and how many months points last, set by the
//! owner; the configuration seeds them once.

use crate::auth::StaffActor;
use crate::{App, AppError, AppResult};
use jangteo_core::points_expiry::PointsTerms;
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::settings;

/// Where the rules are kept.
const POLICY_KEY: &str = "points.terms";

impl App {
    /// The shop's points rules; the first read stores the configuration's
    /// (`members.signup_points`, `members.points_expiry_months`).
    pub async fn points_terms(&self) -> AppResult<PointsTerms> {
        if let Some(stored) = settings::get(&self.db, POLICY_KEY).await? {
            return serde_json::from_str(&stored).map_err(|e| AppError::Other(e.to_string()));
        }
        let seeded = PointsTerms {
            signup_points: self.config.members.signup_points.max(0),
            expiry_months: self
                .config
                .members
                .points_expiry_months
                .min(jangteo_core::points_expiry::MAX_EXPIRY_MONTHS),
        };
        let json = serde_json::to_string(&seeded).map_err(|e| AppError::Other(e.to_string()))?;
        let mut tx = self.db.begin().await?;
        let stored = settings::get_or_insert(&mut tx, POLICY_KEY, &json, self.now()).await?;
        tx.commit().await?;
        serde_json::from_str(&stored).map_err(|e| AppError::Other(e.to_string()))
    }

    /// The rules for the back office (members, read).
    pub async fn admin_points_terms(&self, actor: &StaffActor) -> AppResult<PointsTerms> {
        actor.require(Area::Members, Access::Read)?;
        self.points_terms().await
    }

    /// Sets the rules from typed values (members, write); every problem at once; audited.
    pub async fn set_points_terms(
        &self,
        actor: &StaffActor,
        signup_points: &str,
        expiry_months: &str,
    ) -> AppResult<PointsTerms> {
        actor.require(Area::Members, Access::Write)?;
        let before = self.points_terms().await?;
        let policy = PointsTerms::typed(signup_points, expiry_months).map_err(AppError::Form)?;
        let json = serde_json::to_string(&policy).map_err(|e| AppError::Other(e.to_string()))?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        settings::set(&mut tx, POLICY_KEY, &json, now).await?;
        let entry = NewAudit {
            before: serde_json::to_string(&before).ok(),
            after: Some(json.clone()),
            ..actor.entry("points.terms", "settings", POLICY_KEY)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(policy)
    }
}
