//! Who acts in the back office (or the CLI, or the system) and what their role lets them do.

use crate::{AppError, AppResult};
use jangteo_core::staff::{Access, Area, Role};
use jangteo_db::audit::NewAudit;

/// A signed-in staff member acting in the back office (or the CLI / system).
#[derive(Debug, Clone)]
pub struct StaffActor {
    /// Staff id (none for the CLI).
    pub id: Option<i64>,
    /// E-mail (or `cli`).
    pub email: String,
    /// Role.
    pub role: Role,
    /// Client address.
    pub ip: String,
}

impl StaffActor {
    /// The shop itself acting (CLI, demo data, jobs): owner rights, recorded under `name`.
    pub fn system(name: &str) -> Self {
        Self {
            id: None,
            email: name.to_owned(),
            role: Role::Owner,
            ip: "local".to_owned(),
        }
    }

    /// `Forbidden` unless the role allows `needed` in `area`.
    pub fn require(&self, area: Area, needed: Access) -> AppResult<()> {
        if jangteo_core::staff::allows(self.role, area, needed) {
            Ok(())
        } else {
            tracing::warn!(staff = %self.email, area = area.as_str(), "permission refused");
            Err(AppError::Forbidden)
        }
    }

    /// Whether the role allows `needed` in `area`.
    pub fn can(&self, area: Area, needed: Access) -> bool {
        jangteo_core::staff::allows(self.role, area, needed)
    }

    /// Whether the role sees a buyer's name, phone and address in full on orders (the order
    /// page, packing slip and order export): personal-data access, or the people who ship.
    pub fn sees_order_personal_data(&self) -> bool {
        self.can(Area::PersonalData, Access::Read) || self.can(Area::Orders, Access::Write)
    }

    /// An audit entry by this actor.
    pub fn entry<'a>(
        &'a self,
        action: &'a str,
        target_type: &'a str,
        target_id: &'a str,
    ) -> NewAudit<'a> {
        NewAudit {
            staff_id: self.id,
            staff_email: &self.email,
            ip: &self.ip,
            action,
            target_type,
            target_id,
            ..NewAudit::default()
        }
    }
}
