//! Staff accounts managed in the back office by the owner: create, change role, deactivate,
//! reset 2FA. Every grant, change and revocation is audited (kept with the append-only log).

use crate::auth::StaffActor;
use crate::auth::tokens::token_hash;
use crate::{App, AppError, AppResult};
use jangteo_core::staff::{Access, Area, Role};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::staff::{self, StaffRow};
use jangteo_db::staff_tokens;

impl App {
    /// Every staff account.
    pub async fn staff_accounts(&self, actor: &StaffActor) -> AppResult<Vec<StaffRow>> {
        actor.require(Area::Staff, Access::Read)?;
        Ok(staff::list(&self.db).await?)
    }

    /// Creates an account and returns its first password (shown once); the person enrols 2FA
    /// at the first login.
    pub async fn add_staff_account(
        &self,
        actor: &StaffActor,
        email: &str,
        name: &str,
        role: &str,
    ) -> AppResult<String> {
        actor.require(Area::Staff, Access::Write)?;
        let mut errors = crate::field_errors::FieldErrors::default();
        let email = errors.check("email", jangteo_core::member::Email::parse(email));
        let name = errors.check("name", jangteo_core::member::required_text(name, 40));
        if Role::parse(role).is_none() {
            errors.add("role", "required");
        }
        errors.finish()?;
        let (Some(email), Some(name)) = (email, name) else {
            return Err(AppError::Other("validated staff input went missing".into()));
        };
        if staff::find_by_email(&self.db, email.as_str())
            .await?
            .is_some()
        {
            return Err(AppError::field("email", "email_taken"));
        }
        let (password, hash) = crate::staff::first_staff_password().await?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let id = staff::upsert(&mut tx, email.as_str(), &name, &hash, role, now).await?;
        audit::record(
            &mut tx,
            &NewAudit {
                after: Some(
                    serde_json::json!({ "email": email.as_str(), "role": role, "active": true })
                        .to_string(),
                ),
                ..actor.entry("staff.create", "staff", &id.0.to_string())
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(password)
    }

    /// Changes an account's role and whether it may log in. Nobody changes their own account
    /// here, and the shop always keeps one active owner.
    pub async fn update_staff_account(
        &self,
        actor: &StaffActor,
        id: i64,
        role: &str,
        active: bool,
    ) -> AppResult<()> {
        actor.require(Area::Staff, Access::Write)?;
        if actor.id == Some(id) {
            return Err(AppError::Conflict("own_account"));
        }
        let role = Role::parse(role).ok_or_else(|| AppError::field("role", "required"))?;
        let before = staff::find(&self.db, id).await?.ok_or(AppError::NotFound)?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        staff::set_role(&mut tx, id, role.as_str(), active, now).await?;
        let owners = staff::active_owner_count(&mut tx).await?;
        if owners == 0 {
            return Err(AppError::Conflict("last_owner"));
        }
        audit::record(
            &mut tx,
            &NewAudit {
                before: Some(
                    serde_json::json!({ "role": before.role, "active": before.is_active })
                        .to_string(),
                ),
                after: Some(
                    serde_json::json!({ "role": role.as_str(), "active": active }).to_string(),
                ),
                ..actor.entry("staff.role", "staff", &id.to_string())
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Clears an account's 2FA (lost phone): its next login enrols again.
    pub async fn reset_staff_account_2fa(&self, actor: &StaffActor, id: i64) -> AppResult<()> {
        actor.require(Area::Staff, Access::Write)?;
        let account = staff::find(&self.db, id).await?.ok_or(AppError::NotFound)?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        staff::set_totp_secret(&mut tx, id, None, now).await?;
        audit::record(
            &mut tx,
            &actor.entry("staff.2fa_reset", "staff", &account.email),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Clears an account's failed logins, so it may log in from anywhere again. Staff write, like
    /// every other change to an account; audited.
    pub async fn unlock_staff_account(&self, actor: &StaffActor, id: i64) -> AppResult<()> {
        actor.require(Area::Staff, Access::Write)?;
        let account = staff::find(&self.db, id).await?.ok_or(AppError::NotFound)?;
        let scope = crate::staff::staff_scope(&account.email);
        self.unlock_login(actor, &scope, "staff.unlocked", "staff", &account.email)
            .await
    }

    /// Ids of the accounts locked for unknown devices and addresses right now.
    pub async fn locked_staff_ids(&self, actor: &StaffActor) -> AppResult<Vec<i64>> {
        actor.require(Area::Staff, Access::Read)?;
        let cfg = &self.config.admin;
        let limits = jangteo_core::login::LoginLimits {
            per_account: cfg.max_failures,
            per_ip: self.config.members.max_failures_per_ip,
        };
        let mut locked = Vec::new();
        for account in staff::list(&self.db).await? {
            let scope = crate::staff::staff_scope(&account.email);
            if self.login_locked(&scope, limits, cfg.lock_minutes).await? {
                locked.push(account.id);
            }
        }
        Ok(locked)
    }

    /// An account's API tokens, newest first.
    pub async fn staff_api_tokens(
        &self,
        actor: &StaffActor,
        staff_id: i64,
    ) -> AppResult<Vec<staff_tokens::TokenRow>> {
        actor.require(Area::Staff, Access::Read)?;
        Ok(staff_tokens::of_staff(&self.db, staff_id).await?)
    }

    /// Issues an API token for an account (the staff API acts with the account's role) and
    /// returns it; it is shown once, only its SHA-256 is kept.
    pub async fn issue_staff_api_token(
        &self,
        actor: &StaffActor,
        staff_id: i64,
        name: &str,
    ) -> AppResult<String> {
        actor.require(Area::Staff, Access::Write)?;
        let name = jangteo_core::member::required_text(name, 60)
            .map_err(|e| AppError::field("token_name", e.code()))?;
        let account = staff::find(&self.db, staff_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let token = format!("jt_{}", crate::auth::tokens::random_token()?);
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let id = staff_tokens::insert(
            &mut tx,
            account.id,
            &name,
            &token_hash(&token),
            &token[..9],
            &actor.email,
            now,
        )
        .await?;
        audit::record(
            &mut tx,
            &NewAudit {
                after: Some(
                    serde_json::json!({ "token": id, "name": name, "prefix": &token[..9] })
                        .to_string(),
                ),
                ..actor.entry("staff.token_issue", "staff", &account.email)
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Revokes an API token of an account.
    pub async fn revoke_staff_api_token(
        &self,
        actor: &StaffActor,
        staff_id: i64,
        token_id: i64,
    ) -> AppResult<()> {
        actor.require(Area::Staff, Access::Write)?;
        let account = staff::find(&self.db, staff_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        if !staff_tokens::revoke(&mut tx, staff_id, token_id, now).await? {
            return Err(AppError::NotFound);
        }
        audit::record(
            &mut tx,
            &NewAudit {
                after: Some(serde_json::json!({ "token": token_id, "revoked": true }).to_string()),
                ..actor.entry("staff.token_revoke", "staff", &account.email)
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The active staff account a bearer token belongs to (the staff API's login).
    pub async fn authenticate_api_token(&self, token: &str) -> AppResult<Option<StaffRow>> {
        let token = token.trim();
        if !token.starts_with("jt_") || token.len() > 100 {
            return Ok(None);
        }
        let Some((id, account)) = staff_tokens::staff_by_hash(&self.db, &token_hash(token)).await?
        else {
            return Ok(None);
        };
        let mut tx = self.db.begin().await?;
        staff_tokens::touch(&mut tx, id, self.now()).await?;
        tx.commit().await?;
        Ok(Some(account))
    }
}
