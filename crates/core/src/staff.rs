//! Back-office roles and what each may do, per area. One table decides every permission check
//! (pages, actions, exports), so the permission-matrix test and the code cannot drift apart.

use serde::Serialize;

/// A staff member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the shop: everything, including staff accounts and settings.
    Owner,
    /// Runs the day: everything but staff accounts and settings.
    Manager,
    /// Customer service: orders, members, inquiries.
    Cs,
    /// Warehouse: shipping and stock.
    Warehouse,
    /// Marketing: catalog, content, campaigns, statistics.
    Marketing,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Manager,
        Role::Cs,
        Role::Warehouse,
        Role::Marketing,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::Cs => "cs",
            Role::Warehouse => "warehouse",
            Role::Marketing => "marketing",
        }
    }

    /// Parses a stored name.
    pub fn parse(raw: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == raw)
    }
}

/// A part of the back office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// The dashboard.
    Dashboard,
    /// Orders: list, detail, state changes, cancellations, waybills.
    Orders,
    /// Products, options, prices, categories, images.
    Catalog,
    /// Stock levels and the stock ledger.
    Stock,
    /// Members: list (masked), points, grades, coupons.
    Members,
    /// Unmasked personal data: member/orderer details and exports (every view is logged).
    PersonalData,
    /// Pages, notices, events, banners.
    Content,
    /// Product Q&A and 1:1 inquiries.
    Inquiries,
    /// Coupons and bulk sends.
    Marketing,
    /// Sales and member statistics.
    Statistics,
    /// Notification templates and the outbox.
    Notifications,
    /// The job queue and schedules.
    Jobs,
    /// Staff accounts and roles.
    Staff,
    /// The audit log.
    Audit,
    /// Shop settings: payment methods, seller disclosures.
    Settings,
}

impl Area {
    /// Every area.
    pub const ALL: [Area; 15] = [
        Area::Dashboard,
        Area::Orders,
        Area::Catalog,
        Area::Stock,
        Area::Members,
        Area::PersonalData,
        Area::Content,
        Area::Inquiries,
        Area::Marketing,
        Area::Statistics,
        Area::Notifications,
        Area::Jobs,
        Area::Staff,
        Area::Audit,
        Area::Settings,
    ];

    /// Stable name (message keys, audit entries).
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Dashboard => "dashboard",
            Area::Orders => "orders",
            Area::Catalog => "catalog",
            Area::Stock => "stock",
            Area::Members => "members",
            Area::PersonalData => "personal_data",
            Area::Content => "content",
            Area::Inquiries => "inquiries",
            Area::Marketing => "marketing",
            Area::Statistics => "statistics",
            Area::Notifications => "notifications",
            Area::Jobs => "jobs",
            Area::Staff => "staff",
            Area::Audit => "audit",
            Area::Settings => "settings",
        }
    }
}

/// What a role may do in an area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// The area is hidden and refused.
    None,
    /// Look, never change.
    Read,
    /// Look and change.
    Write,
}

/// The permission table.
pub fn access(role: Role, area: Area) -> Access {
    use Access::{None as No, Read as R, Write as W};
    use Area::*;
    match role {
        Role::Owner => W,
        Role::Manager => match area {
            Staff | Audit | Settings => R,
            _ => W,
        },
        Role::Cs => match area {
            Orders | Members | PersonalData | Inquiries => W,
            Dashboard | Catalog | Stock | Notifications => R,
            Content | Marketing | Statistics | Jobs | Staff | Audit | Settings => No,
        },
        Role::Warehouse => match area {
            Orders | Stock => W,
            Dashboard | Catalog => R,
            Members | PersonalData | Content | Inquiries | Marketing | Statistics
            | Notifications | Jobs | Staff | Audit | Settings => No,
        },
        Role::Marketing => match area {
            Catalog | Content | Marketing | Notifications => W,
            Dashboard | Orders | Stock | Members | Inquiries | Statistics => R,
            PersonalData | Jobs | Staff | Audit | Settings => No,
        },
    }
}

/// Whether `role` may do `needed` in `area`.
pub fn allows(role: Role, area: Area, needed: Access) -> bool {
    access(role, area) >= needed
}

/// Whether `ip` matches the allow-list (`203.0.113.7`, `10.0.0.0/8`, `2001:db8::/32`); an empty
/// list allows every address; unparsable rules match nothing.
pub fn ip_allowed(ip: &str, rules: &[String]) -> bool {
    if rules.is_empty() {
        return true;
    }
    let Ok(ip) = ip.parse::<std::net::IpAddr>() else {
        return false;
    };
    rules.iter().any(|rule| rule_matches(ip, rule.trim()))
}

fn rule_matches(ip: std::net::IpAddr, rule: &str) -> bool {
    use std::net::IpAddr;
    let (addr, bits) = match rule.split_once('/') {
        Some((a, b)) => match b.parse::<u32>() {
            Ok(bits) => (a, Some(bits)),
            Err(_) => return false,
        },
        None => (rule, None),
    };
    let Ok(net) = addr.parse::<IpAddr>() else {
        return false;
    };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let bits = bits.unwrap_or(32);
            bits <= 32
                && prefix_eq(
                    u128::from(a.to_bits()) << 96,
                    u128::from(n.to_bits()) << 96,
                    bits,
                )
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let bits = bits.unwrap_or(128);
            bits <= 128 && prefix_eq(a.to_bits(), n.to_bits(), bits)
        }
        _ => false,
    }
}

fn prefix_eq(a: u128, b: u128, bits: u32) -> bool {
    if bits == 0 {
        return true;
    }
    let mask = u128::MAX << (128 - bits);
    a & mask == b & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_unknown_ones_are_refused() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn only_the_owner_manages_staff_and_every_role_sees_the_dashboard() {
        for r in Role::ALL {
            assert!(allows(r, Area::Dashboard, Access::Read));
            assert_eq!(allows(r, Area::Staff, Access::Write), r == Role::Owner);
        }
    }

    #[test]
    fn personal_data_is_limited_to_roles_that_serve_customers() {
        let with: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| allows(*r, Area::PersonalData, Access::Read))
            .collect();
        assert_eq!(with, [Role::Owner, Role::Manager, Role::Cs]);
    }

    #[test]
    fn write_implies_read() {
        for r in Role::ALL {
            for a in Area::ALL {
                if allows(r, a, Access::Write) {
                    assert!(allows(r, a, Access::Read));
                }
            }
        }
    }

    #[test]
    fn ip_allow_list_matches_addresses_and_ranges() {
        let rules = vec![
            "203.0.113.7".to_owned(),
            "10.0.0.0/8".to_owned(),
            "2001:db8::/32".to_owned(),
        ];
        assert!(ip_allowed("203.0.113.7", &rules));
        assert!(!ip_allowed("203.0.113.8", &rules));
        assert!(ip_allowed("10.200.1.1", &rules));
        assert!(!ip_allowed("11.0.0.1", &rules));
        assert!(ip_allowed("2001:db8:1::5", &rules));
        assert!(!ip_allowed("2001:db9::1", &rules));
        assert!(!ip_allowed("unknown", &rules));
        assert!(ip_allowed("198.51.100.1", &[]), "empty list: any address");
        assert!(
            !ip_allowed("10.0.0.1", &["10.0.0.0/99".to_owned()]),
            "bad rule matches nothing"
        );
        assert!(ip_allowed("192.0.2.1", &["0.0.0.0/0".to_owned()]));
    }
}
