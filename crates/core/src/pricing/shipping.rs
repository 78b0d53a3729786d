//! Shipping in pricing: profiles and their rules (묶음배송 per profile), parcels and boxes, and the
//! remote-area surcharge (제주/도서산간).

use super::PricingLine;
use crate::Won;
use serde::Serialize;

/// How a shipping profile charges for its parcel (묶음배송: the lines of one profile ship
/// together).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ShippingRule {
    /// 무료배송.
    Free,
    /// 고정 배송비: one fee per parcel.
    Fixed {
        /// Fee.
        fee: Won,
    },
    /// 조건부 무료: the fee unless the profile's items (after discounts, before points) reach
    /// the threshold.
    FreeOver {
        /// Fee below the threshold.
        fee: Won,
        /// Items amount that ships free.
        threshold: Won,
    },
    /// 수량별: one fee (and one box) per `units` units started.
    PerQuantity {
        /// Fee per box.
        fee: Won,
        /// Units one box holds (at least 1).
        units: u32,
    },
}

impl ShippingRule {
    /// Stored kind.
    pub fn kind(self) -> &'static str {
        match self {
            ShippingRule::Free => "free",
            ShippingRule::Fixed { .. } => "fixed",
            ShippingRule::FreeOver { .. } => "free_over",
            ShippingRule::PerQuantity { .. } => "per_quantity",
        }
    }

    /// A rule from its stored parts; `None` when the parts do not make one (a threshold or a
    /// box size missing, a negative fee).
    pub fn from_parts(
        kind: &str,
        fee: i64,
        free_over: Option<i64>,
        per_units: Option<i64>,
    ) -> Option<ShippingRule> {
        if fee < 0 {
            return None;
        }
        let fee = Won(fee);
        match kind {
            "free" => Some(ShippingRule::Free),
            "fixed" => Some(ShippingRule::Fixed { fee }),
            "free_over" => free_over
                .filter(|t| *t > 0)
                .map(|t| ShippingRule::FreeOver {
                    fee,
                    threshold: Won(t),
                }),
            "per_quantity" => per_units
                .and_then(|u| u32::try_from(u).ok())
                .filter(|u| *u > 0)
                .map(|units| ShippingRule::PerQuantity { fee, units }),
            _ => None,
        }
    }
}

/// A shipping profile as pricing sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShippingProfileRule {
    /// Profile id.
    pub id: i64,
    /// How it charges.
    pub rule: ShippingRule,
}

/// One parcel group of an order: the lines of one shipping profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Parcel {
    /// The profile.
    pub profile_id: i64,
    /// Boxes it ships in (per-quantity profiles ship several).
    pub boxes: u32,
    /// Its fee.
    pub fee: Won,
    /// How much more of this profile's items would make it free (conditional profiles only).
    pub free_left: Option<Won>,
}

/// A remote-area surcharge (제주/도서산간) for a range of 5-digit postcodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteArea {
    /// First postcode of the range.
    pub from: u32,
    /// Last postcode of the range (inclusive).
    pub to: u32,
    /// Extra fee.
    pub surcharge: Won,
}

/// The shop's shipping rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippingPolicy {
    /// Every profile.
    pub profiles: Vec<ShippingProfileRule>,
    /// The profile of lines without one (and of lines naming an unknown one).
    pub default_rule: ShippingRule,
    /// The default profile's id.
    pub default_profile: i64,
    /// Remote-area surcharges, charged per box, free parcels included.
    pub remote_areas: Vec<RemoteArea>,
}

impl ShippingPolicy {
    /// The rule of a profile (the default for none or an unknown one) and the id it counts as.
    pub fn rule_of(&self, profile: Option<i64>) -> (i64, ShippingRule) {
        profile
            .and_then(|id| self.profiles.iter().find(|p| p.id == id))
            .map_or((self.default_profile, self.default_rule), |p| {
                (p.id, p.rule)
            })
    }
}

/// The parcels of an order: lines that ship, grouped by profile in order of first appearance,
/// each group's fee by its rule over its items (after discounts) and units.
pub fn parcels(policy: &ShippingPolicy, lines: &[PricingLine], items: &[Won]) -> Vec<Parcel> {
    let mut groups: Vec<(i64, ShippingRule, Won, u64)> = Vec::new();
    for (line, amount) in lines.iter().zip(items).filter(|(l, _)| l.ships) {
        let (id, rule) = policy.rule_of(line.shipping_profile);
        match groups.iter_mut().find(|g| g.0 == id) {
            Some(g) => {
                g.2 = g.2.checked_add(*amount).unwrap_or(g.2);
                g.3 += u64::from(line.quantity);
            }
            None => groups.push((id, rule, *amount, u64::from(line.quantity))),
        }
    }
    groups
        .into_iter()
        .map(|(profile_id, rule, amount, units)| {
            let (boxes, fee, free_left) = match rule {
                ShippingRule::Free => (1, Won::ZERO, None),
                ShippingRule::Fixed { fee } => (1, fee.max(Won::ZERO), None),
                ShippingRule::FreeOver { threshold, .. } if amount >= threshold => {
                    (1, Won::ZERO, None)
                }
                ShippingRule::FreeOver { fee, threshold } => {
                    (1, fee.max(Won::ZERO), Some(threshold - amount))
                }
                ShippingRule::PerQuantity { fee, units: per } => {
                    let per = u64::from(per.max(1));
                    let boxes = u32::try_from(units.div_ceil(per)).unwrap_or(u32::MAX);
                    (
                        boxes,
                        Won(fee.max(Won::ZERO).get() * i64::from(boxes)),
                        None,
                    )
                }
            };
            Parcel {
                profile_id,
                boxes,
                fee,
                free_left,
            }
        })
        .collect()
}

pub(super) fn remote_surcharge(policy: &ShippingPolicy, postcode: Option<&str>) -> Won {
    let Some(code) = postcode
        .map(str::trim)
        .filter(|c| c.len() == 5)
        .and_then(|c| c.parse::<u32>().ok())
    else {
        return Won::ZERO;
    };
    policy
        .remote_areas
        .iter()
        .filter(|a| (a.from..=a.to).contains(&code))
        .map(|a| a.surcharge)
        .max()
        .unwrap_or(Won::ZERO)
}
