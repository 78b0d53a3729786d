//! Membership grades in the back office (issue 17): each grade's name, discount, point rate,
//! free shipping and the spending that earns it; when the evaluation runs over which months;
//! and a preview of who would move. Members area; every change audited. The evaluation itself
//! (order_chores) reads the same rules.

use crate::auth::StaffActor;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::Won;
use jangteo_core::grades::{GradeDraft, GradeSchedule};
use jangteo_core::loyalty::GradeRules;
use jangteo_core::staff::{Access, Area};
use jangteo_core::time::{business_date, start_of_business_day};
use jangteo_db::audit::{self, NewAudit};
pub use jangteo_db::grade_admin::GradeAdminRow;
use jangteo_db::grade_admin::{self, GradeInput};
use jangteo_db::members::GradeRow;
use jangteo_db::{orders, settings};

/// Where the schedule is kept; its presence also marks the configuration's thresholds seeded.
const SCHEDULE_KEY: &str = "grades.schedule";

/// A grade as typed in the back office.
#[derive(Debug, Clone, Default)]
pub struct GradeForm {
    /// Display name.
    pub name: String,
    /// Discount on every line, percent ("3").
    pub discount_percent: String,
    /// Points earned, percent ("1.5").
    pub point_percent: String,
    /// Won paid over the window that earns it ("300,000").
    pub min_spend: String,
    /// Every parcel ships free.
    pub free_shipping: bool,
}

/// How many members would move from one grade to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeMove {
    /// The grade they hold.
    pub from: String,
    /// The grade their spending earns.
    pub to: String,
    /// How many.
    pub members: usize,
}

/// A member whose grade the evaluation changes.
pub(crate) struct PlannedMove {
    pub(crate) member_id: i64,
    pub(crate) old: GradeRow,
    pub(crate) new: GradeRow,
}

impl App {
    /// When grades are evaluated; the first read stores the configuration's window and
    /// thresholds (`members.grades`) so the back office rules from then on.
    pub async fn grade_schedule(&self) -> AppResult<GradeSchedule> {
        if let Some(stored) = settings::get(&self.db, SCHEDULE_KEY).await? {
            return Ok(serde_json::from_str(&stored).unwrap_or_default());
        }
        let seeded = &self.config.members.grades;
        let schedule = GradeSchedule {
            window_months: u32::try_from((seeded.window_days() + 15) / 30)
                .unwrap_or(3)
                .clamp(1, 24),
            ..GradeSchedule::default()
        };
        let json = serde_json::to_string(&schedule).map_err(|e| AppError::Other(e.to_string()))?;
        let mut tx = self.db.begin().await?;
        let stored = settings::get_or_insert(&mut tx, SCHEDULE_KEY, &json, self.now()).await?;
        if stored == json {
            for (code, least) in seeded.thresholds() {
                grade_admin::set_min_spend(&mut tx, code, least.get()).await?;
            }
        }
        tx.commit().await?;
        Ok(serde_json::from_str(&stored).unwrap_or_default())
    }

    /// Every grade with its members, and the schedule (members, read).
    pub async fn admin_grades(
        &self,
        actor: &StaffActor,
    ) -> AppResult<(Vec<GradeAdminRow>, GradeSchedule)> {
        actor.require(Area::Members, Access::Read)?;
        let schedule = self.grade_schedule().await?;
        Ok((grade_admin::list(&self.db).await?, schedule))
    }

    /// One grade (members, read).
    pub async fn admin_grade(&self, actor: &StaffActor, id: i64) -> AppResult<GradeAdminRow> {
        actor.require(Area::Members, Access::Read)?;
        grade_admin::find(&self.db, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Creates (`id` none) or changes a grade (members, write), every problem told at once;
    /// audited. Its id.
    pub async fn save_grade(
        &self,
        actor: &StaffActor,
        id: Option<i64>,
        form: &GradeForm,
    ) -> AppResult<i64> {
        actor.require(Area::Members, Access::Write)?;
        self.grade_schedule().await?;
        let existing = match id {
            Some(id) => Some(self.admin_grade(actor, id).await?),
            None => None,
        };
        let mut errors = crate::field_errors::FieldErrors::default();
        let name = errors.check("name", jangteo_core::member::required_text(&form.name, 20));
        let draft = GradeDraft {
            discount_percent: &form.discount_percent,
            point_percent: &form.point_percent,
            min_spend: &form.min_spend,
            is_default: existing.as_ref().is_some_and(|g| g.is_default),
        };
        let terms = draft
            .terms()
            .map_err(|problems| problems.iter().for_each(|(f, c)| errors.add(f, c)))
            .ok();
        if let (Some(name), Some(terms)) = (&name, &terms) {
            let probe = input_of(
                name,
                terms.discount_bp,
                terms.point_bp,
                form,
                terms.min_spend,
            );
            let (name_taken, threshold_taken) = grade_admin::clash(&self.db, &probe, id).await?;
            if name_taken {
                errors.add("name", "grade_name_taken");
            }
            if threshold_taken {
                errors.add("min_spend", "grade_threshold_taken");
            }
        }
        errors.finish()?;
        let (Some(name), Some(terms)) = (name, terms) else {
            return Err(AppError::Invalid("grade form".into()));
        };
        let input = input_of(
            &name,
            terms.discount_bp,
            terms.point_bp,
            form,
            terms.min_spend,
        );
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let saved = match id {
            Some(id) if grade_admin::update(&mut tx, id, &input, now).await? => id,
            Some(_) => return Err(AppError::NotFound),
            None => {
                let code = format!("g{}", now.timestamp_micros());
                grade_admin::insert(&mut tx, &code, &input, now).await?
            }
        };
        let after = serde_json::json!({
            "name": input.name, "discount_bp": input.discount_bp, "point_bp": input.point_bp,
            "free_shipping": input.free_shipping, "min_spend": input.min_spend,
        });
        let target = saved.to_string();
        let entry = NewAudit {
            before: existing.map(|g| format!("{g:?}")),
            after: Some(after.to_string()),
            ..actor.entry("grades.save", "grade", &target)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Deletes a grade nobody holds or held (members, write); the default grade and grades in
    /// use stay (`grade_in_use`). Audited.
    pub async fn delete_grade(&self, actor: &StaffActor, id: i64) -> AppResult<()> {
        actor.require(Area::Members, Access::Write)?;
        let grade = self.admin_grade(actor, id).await?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        if !grade_admin::delete_unused(&mut tx, id).await? {
            return Err(AppError::Conflict("grade_in_use"));
        }
        let target = id.to_string();
        let entry = NewAudit {
            before: Some(format!("{grade:?}")),
            ..actor.entry("grades.delete", "grade", &target)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets when grades are evaluated and over how many months (members, write); audited.
    pub async fn set_grade_schedule(
        &self,
        actor: &StaffActor,
        window_months: &str,
        evaluation_day: &str,
    ) -> AppResult<()> {
        actor.require(Area::Members, Access::Write)?;
        let before = self.grade_schedule().await?;
        let schedule =
            GradeSchedule::typed(window_months, evaluation_day).map_err(AppError::Form)?;
        let json = serde_json::to_string(&schedule).map_err(|e| AppError::Other(e.to_string()))?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        settings::set(&mut tx, SCHEDULE_KEY, &json, now).await?;
        let entry = NewAudit {
            before: Some(format!("{before:?}")),
            after: Some(json.clone()),
            ..actor.entry("grades.schedule", "settings", SCHEDULE_KEY)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The members whose grade an evaluation at `now` changes, by the back office's rules.
    pub(crate) async fn planned_grade_moves(
        &self,
        now: DateTime<Utc>,
    ) -> AppResult<Vec<PlannedMove>> {
        let schedule = self.grade_schedule().await?;
        let grades = jangteo_db::members::grades(&self.db).await?;
        let today = business_date(now);
        let from = schedule.counts_from(today);
        let window_days = (today - from).num_days().max(1);
        let thresholds = grades.iter().map(|g| (g.code.clone(), Won(g.min_spend)));
        let rules = GradeRules::new(window_days, thresholds)
            .map_err(|e| AppError::Other(format!("grade rules: {e}")))?;
        let since = start_of_business_day(from);
        let mut moves = Vec::new();
        for (member_id, grade_id, spent) in orders::member_spend_since(&self.db, since).await? {
            let code = rules.grade_for(Won(spent));
            let old = grades.iter().find(|g| g.id == grade_id);
            let new = grades.iter().find(|g| g.code == code);
            if let (Some(old), Some(new)) = (old, new)
                && old.id != new.id
            {
                moves.push(PlannedMove {
                    member_id,
                    old: old.clone(),
                    new: new.clone(),
                });
            }
        }
        Ok(moves)
    }

    /// Who would move if grades were evaluated now, by grade pair (members, read).
    pub async fn preview_grade_moves(&self, actor: &StaffActor) -> AppResult<Vec<GradeMove>> {
        actor.require(Area::Members, Access::Read)?;
        let mut moves: Vec<GradeMove> = Vec::new();
        for planned in self.planned_grade_moves(self.now()).await? {
            let (from, to) = (planned.old.name, planned.new.name);
            match moves.iter_mut().find(|m| m.from == from && m.to == to) {
                Some(found) => found.members += 1,
                None => moves.push(GradeMove {
                    from,
                    to,
                    members: 1,
                }),
            }
        }
        Ok(moves)
    }
}

fn input_of<'a>(
    name: &'a str,
    discount_bp: i64,
    point_bp: i64,
    form: &GradeForm,
    min_spend: Won,
) -> GradeInput<'a> {
    GradeInput {
        name,
        discount_bp,
        point_bp,
        free_shipping: form.free_shipping,
        min_spend: min_spend.get(),
    }
}
