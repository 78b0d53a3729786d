//! The claim form checked: kind, resolution, reason, discovery date, units against what is left
//! to claim, photos, and the window (core `claims`), which staff may pass with a recorded
//! reason. Pure: the caller brings the choices, the policy and the time.

use super::{ClaimChoices, ClaimForm, MAX_CLAIM_PHOTOS};
use crate::field_errors::FieldErrors;
use crate::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use jangteo_core::claims::{
    ClaimKind, ClaimPolicy, ClaimRefusal, ClaimResolution, claim_deadline, may_file_claim,
};
use jangteo_core::time::start_of_business_day;

/// A claim ready to be filed.
#[derive(Debug, Clone)]
pub(crate) struct CheckedClaim<'a> {
    pub kind: ClaimKind,
    pub resolution: ClaimResolution,
    pub reason: &'a str,
    pub discovered: Option<DateTime<Utc>>,
    pub deadline: DateTime<Utc>,
    /// Staff only: why a claim outside its window is accepted.
    pub override_reason: Option<&'a str>,
    /// (order line id, units).
    pub picked: Vec<(i64, i64)>,
}

/// The units picked, each on a line with that many units open to a claim, no line twice.
fn pick_units(
    form: &ClaimForm,
    choices: &ClaimChoices,
    errors: &mut FieldErrors,
) -> Vec<(i64, i64)> {
    let mut picked: Vec<(i64, i64)> = Vec::new();
    for &(line_id, units) in form.units.iter().filter(|u| u.1 != 0) {
        let fits = choices
            .lines
            .iter()
            .any(|c| c.line.id == line_id && units > 0 && units <= c.available);
        if !fits || picked.iter().any(|p| p.0 == line_id) {
            errors.add("units", "claim_invalid_units");
        } else {
            picked.push((line_id, units));
        }
    }
    if picked.is_empty() {
        errors.add("units", "claim_choose_units");
    }
    picked
}

/// The day the problem was found, as the start of that Korean day.
fn discovery(form: &ClaimForm, errors: &mut FieldErrors) -> Option<DateTime<Utc>> {
    match form.discovered_on.trim() {
        "" => None,
        raw => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(day) => Some(start_of_business_day(day)),
            Err(_) => {
                errors.add("discovered_on", "invalid_date");
                None
            }
        },
    }
}

/// Checks a claim form against what the order offers; every problem is reported at once.
pub(crate) fn check_claim<'a>(
    form: &'a ClaimForm,
    choices: &ClaimChoices,
    policy: ClaimPolicy,
    staff: bool,
    now: DateTime<Utc>,
) -> AppResult<CheckedClaim<'a>> {
    let Some(received) = choices.received_at else {
        return Err(AppError::Conflict("claim_not_delivered"));
    };
    let mut errors = FieldErrors::default();
    let kind: Option<ClaimKind> = form.kind.parse().ok();
    if kind.is_none() {
        errors.add("kind", "required");
    }
    let resolution: Option<ClaimResolution> = form.resolution.parse().ok();
    if resolution.is_none() {
        errors.add("resolution", "required");
    }
    let reason = form.reason.trim();
    if reason.is_empty() {
        errors.add("reason", "required");
    } else if reason.chars().count() > 1_000 {
        errors.add("reason", "too_long");
    }
    let discovered = discovery(form, &mut errors);
    let picked = pick_units(form, choices, &mut errors);
    if form.photos.len() > MAX_CLAIM_PHOTOS {
        errors.add("photos", "too_many_photos");
    }
    let override_reason = Some(form.override_reason.trim()).filter(|r| staff && !r.is_empty());
    let mut deadline = None;
    if let Some(kind) = kind {
        match may_file_claim(kind, policy, Some(received), discovered, now) {
            Ok(d) => deadline = Some(d),
            Err(ClaimRefusal::WindowClosed) if override_reason.is_some() => {
                deadline = claim_deadline(kind, policy, received, discovered);
            }
            Err(ClaimRefusal::WindowClosed) => errors.add("kind", "claim_window_closed"),
            Err(ClaimRefusal::DiscoveryDateRequired) => {
                errors.add("discovered_on", "discovery_date_required");
            }
            Err(ClaimRefusal::DiscoveryInFuture) => {
                errors.add("discovered_on", "date_in_future");
            }
            Err(ClaimRefusal::NotDelivered) => {
                return Err(AppError::Conflict("claim_not_delivered"));
            }
        }
    }
    errors.finish()?;
    let (Some(kind), Some(resolution), Some(deadline)) = (kind, resolution, deadline) else {
        return Err(AppError::Other("validated claim went missing".into()));
    };
    Ok(CheckedClaim {
        kind,
        resolution,
        reason,
        discovered,
        deadline,
        override_reason,
        picked,
    })
}
