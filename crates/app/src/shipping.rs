//! The owner's shipping rules (묶음배송), edited in the back office: shipping profiles (free,
//! fixed, free above an amount, per quantity), one per product, and the remote-area (제주/도서산간)
//! surcharges by postcode range. The first use seeds both from the configuration.

use crate::auth::StaffActor;
use crate::{App, AppError, AppResult};
use jangteo_core::money::Won;
use jangteo_core::pricing::{RemoteArea, ShippingPolicy, ShippingProfileRule, ShippingRule};
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::settings;
use jangteo_db::shipping::{self, ProfileInput, ProfileRow, RemoteAreaRow};

/// Settings key: the instance that seeded the shipping tables (the first writer wins).
const SEEDED_KEY: &str = "shipping.seeded";

/// A profile as typed in the back office.
#[derive(Debug, Clone, Default)]
pub struct ProfileForm {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Fee as typed.
    pub fee: String,
    /// Threshold as typed (`free_over`).
    pub free_over: String,
    /// Units per box as typed (`per_quantity`).
    pub per_units: String,
}

/// The rule a stored profile makes (a broken row ships like a free one, never fails checkout).
pub fn rule_of(row: &ProfileRow) -> ShippingRule {
    ShippingRule::from_parts(&row.kind, row.fee, row.free_over, row.per_units)
        .unwrap_or(ShippingRule::Free)
}

fn typed_amount(raw: &str) -> Option<i64> {
    let digits = raw.trim().replace(',', "");
    if digits.is_empty() {
        return None;
    }
    digits
        .parse::<i64>()
        .ok()
        .filter(|n| (0..=100_000_000).contains(n))
}

/// Parses a profile form into what is stored.
fn parse_profile(form: &ProfileForm) -> AppResult<(String, ShippingRule)> {
    let mut errors = crate::field_errors::FieldErrors::default();
    let name = errors.check("name", jangteo_core::member::required_text(&form.name, 40));
    let fee = typed_amount(&form.fee).unwrap_or(0);
    if !form.fee.trim().is_empty() && typed_amount(&form.fee).is_none() {
        errors.add("fee", "invalid_price");
    }
    let rule = ShippingRule::from_parts(
        form.kind.trim(),
        fee,
        typed_amount(&form.free_over),
        typed_amount(&form.per_units),
    );
    match (form.kind.trim(), rule) {
        (_, Some(_)) => {}
        ("free_over", None) => errors.add("free_over", "invalid_price"),
        ("per_quantity", None) => errors.add("per_units", "invalid_quantity"),
        _ => errors.add("kind", "required"),
    }
    errors.finish()?;
    match (name, rule) {
        (Some(name), Some(rule)) => Ok((name, rule)),
        _ => Err(AppError::Other("validated profile went missing".into())),
    }
}

fn input_of<'a>(name: &'a str, rule: ShippingRule) -> ProfileInput<'a> {
    let (fee, free_over, per_units) = match rule {
        ShippingRule::Free => (0, None, None),
        ShippingRule::Fixed { fee } => (fee.get(), None, None),
        ShippingRule::FreeOver { fee, threshold } => (fee.get(), Some(threshold.get()), None),
        ShippingRule::PerQuantity { fee, units } => (fee.get(), None, Some(i64::from(units))),
    };
    ProfileInput {
        name,
        kind: rule.kind(),
        fee,
        free_over,
        per_units,
    }
}

/// Parses the remote-area text: one range a line, `63000-63644 3000 제주` (a single postcode
/// for `from-to` works too; the label is optional). Returns the rows or the first bad line.
pub fn parse_remote_areas(text: &str) -> Result<Vec<RemoteAreaRow>, usize> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.splitn(3, char::is_whitespace);
        let range = parts.next().unwrap_or("");
        let surcharge = parts.next().and_then(typed_amount);
        let label = parts.next().unwrap_or("").trim().chars().take(40).collect();
        let (from, to) = range.split_once(['-', '~']).unwrap_or((range, range));
        let postcode = |p: &str| {
            let p = p.trim();
            (p.len() == 5).then(|| p.parse::<i64>().ok()).flatten()
        };
        match (postcode(from), postcode(to), surcharge) {
            (Some(f), Some(t), Some(s)) if f <= t => rows.push(RemoteAreaRow {
                postcode_from: f,
                postcode_to: t,
                surcharge: s,
                label,
            }),
            _ => return Err(i + 1),
        }
    }
    Ok(rows)
}

/// The remote-area ranges as the back-office text shows them.
pub fn remote_areas_text(rows: &[RemoteAreaRow]) -> String {
    rows.iter()
        .map(|r| {
            let range = if r.postcode_from == r.postcode_to {
                format!("{:05}", r.postcode_from)
            } else {
                format!("{:05}-{:05}", r.postcode_from, r.postcode_to)
            };
            format!("{range} {} {}", r.surcharge, r.label)
                .trim_end()
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl App {
    /// Seeds the shipping tables once (the first instance to claim the marker does it): a
    /// default profile from `shop.shipping_fee`/`shop.free_shipping_threshold`, profiles for the
    /// old per-product policies, and the remote areas from `checkout.remote_areas`.
    pub async fn ensure_shipping_seeded(&self) -> AppResult<()> {
        use std::sync::atomic::Ordering;
        if self.shipping_seeded.load(Ordering::Relaxed) {
            return Ok(());
        }
        if settings::get(&self.db, SEEDED_KEY).await?.is_some() {
            self.shipping_seeded.store(true, Ordering::Relaxed);
            return Ok(());
        }
        let now = self.now();
        let me = self.instance_id.to_string();
        let mut tx = self.db.begin().await?;
        if settings::get_or_insert(&mut tx, SEEDED_KEY, &me, now).await? != me {
            return Ok(()); // another instance seeds
        }
        if shipping::count(&mut tx).await? > 0 {
            tx.commit().await?; // already there: keep the marker
            return Ok(());
        }
        let shop = &self.config.shop;
        let default_rule = if shop.free_shipping_threshold > 0 {
            ShippingRule::FreeOver {
                fee: Won(shop.shipping_fee.max(0)),
                threshold: Won(shop.free_shipping_threshold),
            }
        } else {
            ShippingRule::Fixed {
                fee: Won(shop.shipping_fee.max(0)),
            }
        };
        shipping::insert(&mut tx, &input_of("기본 배송", default_rule), true, now).await?;
        if shipping::has_legacy_free(&mut tx).await? {
            let id = shipping::insert(
                &mut tx,
                &input_of("무료배송", ShippingRule::Free),
                false,
                now,
            )
            .await?;
            shipping::assign_legacy(&mut tx, "free", None, id).await?;
        }
        for fee in shipping::legacy_separate_fees(&mut tx).await? {
            let name = format!("개별배송 {}원", jangteo_core::money::group_thousands(fee));
            let rule = ShippingRule::Fixed { fee: Won(fee) };
            let id = shipping::insert(&mut tx, &input_of(&name, rule), false, now).await?;
            shipping::assign_legacy(&mut tx, "separate", Some(fee), id).await?;
        }
        let areas: Vec<RemoteAreaRow> = self
            .config
            .checkout
            .remote_areas
            .iter()
            .map(|a| RemoteAreaRow {
                postcode_from: i64::from(a.from),
                postcode_to: i64::from(a.to),
                surcharge: a.surcharge,
                label: a.label.clone(),
            })
            .collect();
        shipping::replace_remote_areas(&mut tx, &areas).await?;
        tx.commit().await?;
        tracing::info!("shipping profiles and remote areas seeded from the configuration");
        Ok(())
    }

    /// The shop's shipping rules as pricing takes them.
    pub async fn shipping_policy(&self) -> AppResult<ShippingPolicy> {
        self.ensure_shipping_seeded().await?;
        let rows = shipping::profiles(&self.db).await?;
        let default = rows.iter().find(|r| r.is_default).or(rows.first());
        let (default_profile, default_rule) =
            default.map_or((0, ShippingRule::Free), |r| (r.id, rule_of(r)));
        Ok(ShippingPolicy {
            profiles: rows
                .iter()
                .map(|r| ShippingProfileRule {
                    id: r.id,
                    rule: rule_of(r),
                })
                .collect(),
            default_rule,
            default_profile,
            remote_areas: shipping::remote_areas(&self.db)
                .await?
                .iter()
                .map(|a| RemoteArea {
                    from: u32::try_from(a.postcode_from).unwrap_or(0),
                    to: u32::try_from(a.postcode_to).unwrap_or(0),
                    surcharge: Won(a.surcharge),
                })
                .collect(),
        })
    }

    /// Every shipping profile, the default first (for choosing one in the product editor).
    pub async fn shipping_profiles(&self) -> AppResult<Vec<ProfileRow>> {
        self.ensure_shipping_seeded().await?;
        Ok(shipping::profiles(&self.db).await?)
    }

    /// Profiles with how many products each has (the default counts products without one),
    /// and the remote areas.
    pub async fn shipping_setup(
        &self,
        actor: &StaffActor,
    ) -> AppResult<(Vec<(ProfileRow, i64)>, Vec<RemoteAreaRow>)> {
        actor.require(Area::Settings, Access::Read)?;
        self.ensure_shipping_seeded().await?;
        let counts = shipping::product_counts(&self.db).await?;
        let profiles = shipping::profiles(&self.db)
            .await?
            .into_iter()
            .map(|p| {
                let n = counts.iter().find(|c| c.0 == p.id).map_or(0, |c| c.1);
                (p, n)
            })
            .collect();
        Ok((profiles, shipping::remote_areas(&self.db).await?))
    }

    /// Adds (`id` none) or changes a profile; audited. Returns its id.
    pub async fn save_shipping_profile(
        &self,
        actor: &StaffActor,
        id: Option<i64>,
        form: &ProfileForm,
    ) -> AppResult<i64> {
        actor.require(Area::Settings, Access::Write)?;
        let (name, rule) = parse_profile(form)?;
        let input = input_of(&name, rule);
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let id = match id {
            Some(id) => {
                if !shipping::update(&mut tx, id, &input, now).await? {
                    return Err(AppError::NotFound);
                }
                id
            }
            None => shipping::insert(&mut tx, &input, false, now).await?,
        };
        audit::record(
            &mut tx,
            &NewAudit {
                after: Some(serde_json::json!({ "name": name, "rule": rule }).to_string()),
                ..actor.entry(
                    "settings.shipping_profile",
                    "shipping_profile",
                    &id.to_string(),
                )
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(id)
    }

    /// Deletes a profile (never the default); its products ship under the default; audited.
    pub async fn delete_shipping_profile(&self, actor: &StaffActor, id: i64) -> AppResult<()> {
        actor.require(Area::Settings, Access::Write)?;
        let mut tx = self.db.begin().await?;
        if !shipping::delete(&mut tx, id).await? {
            return Err(AppError::Conflict("default_profile"));
        }
        self.commit_profile_change(tx, actor, "settings.shipping_profile_deleted", id)
            .await
    }

    /// Audits a profile change in its transaction, commits, and refreshes the shop's caches.
    async fn commit_profile_change(
        &self,
        mut tx: jangteo_db::Tx,
        actor: &StaffActor,
        action: &str,
        id: i64,
    ) -> AppResult<()> {
        audit::record(
            &mut tx,
            &actor.entry(action, "shipping_profile", &id.to_string()),
            self.now(),
        )
        .await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(())
    }

    /// Makes a profile the default; audited.
    pub async fn make_default_shipping_profile(
        &self,
        actor: &StaffActor,
        id: i64,
    ) -> AppResult<()> {
        actor.require(Area::Settings, Access::Write)?;
        if !shipping::profiles(&self.db)
            .await?
            .iter()
            .any(|p| p.id == id)
        {
            return Err(AppError::NotFound);
        }
        let mut tx = self.db.begin().await?;
        shipping::set_default(&mut tx, id).await?;
        self.commit_profile_change(tx, actor, "settings.shipping_default", id)
            .await
    }

    /// Replaces the remote-area ranges from the back office's text; audited with before/after.
    pub async fn save_remote_areas(&self, actor: &StaffActor, text: &str) -> AppResult<usize> {
        actor.require(Area::Settings, Access::Write)?;
        let rows = parse_remote_areas(text)
            .map_err(|_| AppError::field("remote_areas", "invalid_remote_areas"))?;
        let before = remote_areas_text(&shipping::remote_areas(&self.db).await?);
        let now = self.now();
        let mut tx = self.db.begin().await?;
        shipping::replace_remote_areas(&mut tx, &rows).await?;
        audit::record(
            &mut tx,
            &NewAudit {
                before: Some(before),
                after: Some(remote_areas_text(&rows)),
                ..actor.entry("settings.remote_areas", "settings", "remote_areas")
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(rows.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_area_text_round_trips_and_names_the_bad_line() {
        let text = "63000-63644 3000 제주\n\n# 섬\n31708 5,000 당진 섬지역";
        let rows = parse_remote_areas(text).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (
                rows[1].postcode_from,
                rows[1].postcode_to,
                rows[1].surcharge
            ),
            (31708, 31708, 5000)
        );
        assert_eq!(
            remote_areas_text(&rows),
            "63000-63644 3000 제주\n31708 5000 당진 섬지역"
        );
        assert_eq!(parse_remote_areas("63000-63644 삼천원"), Err(1));
        assert_eq!(parse_remote_areas("1\n63644-63000 3000"), Err(1));
        assert_eq!(parse_remote_areas("63000 3000\n63644-63000 3000"), Err(2));
    }

    #[test]
    fn profile_forms_make_rules() {
        let form = |kind: &str, fee: &str, over: &str, units: &str| ProfileForm {
            name: "택배".into(),
            kind: kind.into(),
            fee: fee.into(),
            free_over: over.into(),
            per_units: units.into(),
        };
        assert_eq!(
            parse_profile(&form("free_over", "3,000", "50,000", ""))
                .unwrap()
                .1,
            ShippingRule::FreeOver {
                fee: Won(3_000),
                threshold: Won(50_000)
            }
        );
        assert!(parse_profile(&form("free_over", "3000", "", "")).is_err());
        assert!(parse_profile(&form("per_quantity", "3000", "", "0")).is_err());
        assert!(parse_profile(&form("teleport", "0", "", "")).is_err());
        assert_eq!(
            parse_profile(&form("free", "", "", "")).unwrap().1,
            ShippingRule::Free
        );
    }
}
