//! Staff accounts for the back office: password + TOTP login with throttling and a temporary lock,
//! enrolment with a QR code and one-time recovery codes, and accounts made from the CLI.

use crate::auth::StaffActor;
use crate::auth::login_guard::{LoginGuard, LoginPlace};
use crate::auth::tokens::random_token;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::login::LoginLimits;
use jangteo_core::staff::Role;
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::staff::{self, StaffRow};
use totp_rs::{Builder, Secret, Totp};

/// Recovery codes handed out at enrolment.
const RECOVERY_CODES: usize = 10;
/// Seconds per TOTP step (RFC 6238 default; what Google Authenticator uses).
const STEP: u64 = 30;

/// What enrolment shows: the QR code (PNG, base64) and the same secret typed by hand.
#[derive(Debug, Clone)]
pub struct TotpEnrolment {
    /// Base32 secret for manual entry.
    pub secret: String,
    /// `otpauth://` URL.
    pub url: String,
    /// QR code of the URL, PNG as base64.
    pub qr_png_base64: String,
}

/// A new staff account's first password (16 hex characters, shown once) and its hash.
pub(crate) async fn first_staff_password() -> AppResult<(String, String)> {
    let password = random_token()?[..16].to_owned();
    let hash = crate::auth::passwords::hash_password(password.clone()).await?;
    Ok((password, hash))
}

/// A recovery code as typed: case and dashes ignored.
fn normalise_recovery_code(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn new_recovery_code() -> AppResult<String> {
    let token = random_token()?;
    // 10 hex characters (40 bits) shown as xxxxx-xxxxx.
    Ok(format!("{}-{}", &token[..5], &token[5..10]))
}

fn totp_for(secret: Vec<u8>, issuer: &str, account: &str) -> AppResult<Totp> {
    // The otpauth label may not contain ':'; shop names rarely do, but never fail on one.
    Builder::new()
        .with_step_duration(STEP)
        .with_skew(1)
        .with_secret(secret)
        .with_issuer(Some(issuer.replace(':', " ")))
        .with_account_name(account.replace(':', " "))
        .build()
        .map_err(|e| AppError::Other(format!("TOTP setup: {e}")))
}

/// The login-attempt account of a staff e-mail.
pub(crate) fn staff_scope(email: &str) -> String {
    format!("staff:{email}")
}

/// The step whose code equals `code` among now-1, now, now+1 (clock drift of one step).
fn matching_step(totp: &Totp, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let t = u64::try_from(now.timestamp()).ok()?;
    totp.check(code, t).and_then(|s| i64::try_from(s).ok())
}

impl App {
    /// The login guard of a staff account (its own limits; addresses counted apart from members).
    async fn staff_guard(
        &self,
        email: &str,
        place: &LoginPlace,
        now: DateTime<Utc>,
    ) -> AppResult<LoginGuard> {
        let cfg = &self.config.admin;
        let limits = LoginLimits {
            per_account: cfg.max_failures,
            per_ip: self.config.members.max_failures_per_ip,
        };
        self.login_guard(
            staff_scope(email),
            format!("staff-ip:{}", place.ip),
            place,
            limits,
            cfg.lock_minutes,
            now,
        )
        .await
    }

    async fn staff_failure(
        &self,
        guard: &LoginGuard,
        email: &str,
        ip: &str,
        action: &str,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        self.login_failed(guard, now).await?;
        let staff_id = staff::find_by_email(&self.db, email).await?.map(|s| s.id);
        let mut tx = self.db.begin().await?;
        audit::record(
            &mut tx,
            &NewAudit {
                staff_id,
                staff_email: email,
                ip,
                action,
                target_type: "staff",
                target_id: email,
                ..NewAudit::default()
            },
            now,
        )
        .await?;
        tx.commit().await?;
        tracing::warn!(staff = %email, login.ip = %ip, action, "staff login failure");
        Ok(())
    }

    /// First step of a staff login: the password (and the IP allow-list). The account is not
    /// logged in yet: the second factor follows.
    pub async fn staff_password_step(
        &self,
        email: &str,
        password: &str,
        place: &LoginPlace,
    ) -> AppResult<StaffRow> {
        let ip = place.ip.as_str();
        let email = email.trim().to_lowercase();
        let now = self.now();
        if !jangteo_core::staff::ip_allowed(ip, &self.config.admin.allowed_ips) {
            tracing::warn!(login.ip = %ip, "staff login from an address outside the allow-list");
            return Err(AppError::Conflict("ip_not_allowed"));
        }
        let guard = self.staff_guard(&email, place, now).await?;
        match self.authenticate_staff(&email, password).await? {
            Some(s) => Ok(s),
            None => {
                self.staff_failure(&guard, &email, ip, "staff.password_failed", now)
                    .await?;
                Err(AppError::field("_form", "login_failed"))
            }
        }
    }

    /// TOTP enrolment for an account that has not confirmed one: the unconfirmed secret if one
    /// exists (a reload must not invalidate what was already scanned), else a new one.
    pub async fn begin_totp_enrolment(&self, staff_id: i64) -> AppResult<TotpEnrolment> {
        let account = staff::find(&self.db, staff_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if account.totp_enabled_at.is_some() {
            return Err(AppError::Conflict("totp_already_enrolled"));
        }
        let context = format!("totp:{staff_id}");
        let secret = match account.totp_secret.as_deref() {
            Some(sealed) => Secret::from(self.secrets.open(sealed, &context)?),
            None => {
                let secret = Secret::generate();
                let sealed = self.secrets.seal(secret.as_ref(), &context)?;
                let mut tx = self.db.begin().await?;
                staff::set_totp_secret(&mut tx, staff_id, Some(&sealed), self.now()).await?;
                tx.commit().await?;
                secret
            }
        };
        let totp = totp_for(
            secret.as_ref().to_vec(),
            &self.config.shop.name,
            &account.email,
        )?;
        Ok(TotpEnrolment {
            secret: secret.to_base32(),
            url: totp
                .to_url()
                .map_err(|e| AppError::Other(format!("otpauth URL: {e}")))?,
            qr_png_base64: totp
                .to_qr_base64()
                .map_err(|e| AppError::Other(format!("QR code: {e}")))?,
        })
    }

    async fn staff_totp(&self, account: &StaffRow) -> AppResult<Totp> {
        let sealed = account
            .totp_secret
            .as_deref()
            .ok_or(AppError::Conflict("totp_not_enrolled"))?;
        let secret = self.secrets.open(sealed, &format!("totp:{}", account.id))?;
        totp_for(secret, &self.config.shop.name, &account.email)
    }

    /// Confirms enrolment with a first code; returns the recovery codes (shown once).
    pub async fn confirm_totp_enrolment(
        &self,
        staff_id: i64,
        code: &str,
        place: &LoginPlace,
    ) -> AppResult<Vec<String>> {
        let ip = place.ip.as_str();
        let now = self.now();
        let account = staff::find(&self.db, staff_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if account.totp_enabled_at.is_some() {
            return Err(AppError::Conflict("totp_already_enrolled"));
        }
        let guard = self.staff_guard(&account.email, place, now).await?;
        let totp = self.staff_totp(&account).await?;
        let Some(step) = matching_step(&totp, code.trim(), now) else {
            self.staff_failure(&guard, &account.email, ip, "staff.code_failed", now)
                .await?;
            return Err(AppError::field("code", "wrong_code"));
        };
        let codes: Vec<String> = (0..RECOVERY_CODES)
            .map(|_| new_recovery_code())
            .collect::<AppResult<_>>()?;
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| crate::auth::tokens::token_hash(&normalise_recovery_code(c)))
            .collect();
        let mut tx = self.db.begin().await?;
        staff::accept_totp_step(&mut tx, staff_id, step).await?;
        staff::enable_totp(&mut tx, staff_id, &hashes, now).await?;
        // Confirming enrolment is also this login's second factor.
        staff::touch_login(&mut tx, staff_id, ip, now).await?;
        let actor = self.actor_of(&account, ip)?;
        for action in ["staff.2fa_enrolled", "staff.login"] {
            audit::record(&mut tx, &actor.entry(action, "staff", &account.email), now).await?;
        }
        tx.commit().await?;
        self.login_succeeded(&guard, now).await?;
        Ok(codes)
    }

    /// Second step of a login: a current TOTP code (each works once) or an unused recovery
    /// code. Records the login.
    pub async fn staff_second_factor(
        &self,
        staff_id: i64,
        code: &str,
        place: &LoginPlace,
    ) -> AppResult<StaffRow> {
        let ip = place.ip.as_str();
        let now = self.now();
        let account = staff::find(&self.db, staff_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !account.is_active || account.totp_enabled_at.is_none() {
            return Err(AppError::Conflict("totp_not_enrolled"));
        }
        let guard = self.staff_guard(&account.email, place, now).await?;
        let code = code.trim();
        let totp = self.staff_totp(&account).await?;
        let mut tx = self.db.begin().await?;
        let accepted = if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
            match matching_step(&totp, code, now) {
                Some(step) => staff::accept_totp_step(&mut tx, staff_id, step).await?,
                None => false,
            }
        } else {
            let hash = crate::auth::tokens::token_hash(&normalise_recovery_code(code));
            staff::use_recovery_code(&mut tx, staff_id, &hash, now).await?
        };
        if !accepted {
            drop(tx);
            self.staff_failure(&guard, &account.email, ip, "staff.code_failed", now)
                .await?;
            return Err(AppError::field("code", "wrong_code"));
        }
        staff::touch_login(&mut tx, staff_id, ip, now).await?;
        let actor = self.actor_of(&account, ip)?;
        audit::record(
            &mut tx,
            &actor.entry("staff.login", "staff", &account.email),
            now,
        )
        .await?;
        tx.commit().await?;
        self.login_succeeded(&guard, now).await?;
        tracing::info!(staff = %account.email, "staff logged in");
        Ok(account)
    }

    /// The actor for a stored account.
    pub fn actor_of(&self, account: &StaffRow, ip: &str) -> AppResult<StaffActor> {
        Ok(StaffActor {
            id: Some(account.id),
            email: account.email.clone(),
            role: Role::parse(&account.role)
                .ok_or_else(|| AppError::Other(format!("unknown role {}", account.role)))?,
            ip: ip.to_owned(),
        })
    }

    /// A staff account by id (for the session).
    pub async fn staff_account(&self, id: i64) -> AppResult<Option<StaffRow>> {
        Ok(staff::find(&self.db, id).await?)
    }

    /// Unused recovery codes of an account.
    pub async fn recovery_codes_left(&self, id: i64) -> AppResult<i64> {
        Ok(staff::recovery_codes_left(&self.db, id).await?)
    }

    /// Logs a logout.
    pub async fn staff_logged_out(&self, actor: &StaffActor) -> AppResult<()> {
        self.audit_event(actor, "staff.logout", "staff", &actor.email, "")
            .await
    }

    /// Creates a staff account (or resets the password, name and role of an existing one) and
    /// returns the new password. Used by `jangteo admin create-user`.
    pub async fn create_staff(&self, email: &str, name: &str, role: &str) -> AppResult<String> {
        let email = jangteo_core::member::Email::parse(email)
            .map_err(|_| AppError::Invalid(format!("not an e-mail address: {email}")))?;
        let role = Role::parse(role).ok_or_else(|| {
            AppError::Invalid(format!(
                "unknown role {role} (owner, manager, cs, warehouse, marketing)"
            ))
        })?;
        let (password, hash) = first_staff_password().await?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let before = staff::find_by_email(&self.db, email.as_str()).await?;
        let id = staff::upsert(&mut tx, email.as_str(), name, &hash, role.as_str(), now).await?;
        let cli = StaffActor::system("cli");
        audit::record(
            &mut tx,
            &NewAudit {
                before: before.map(|b| {
                    serde_json::json!({ "role": b.role, "active": b.is_active }).to_string()
                }),
                after: Some(
                    serde_json::json!({ "role": role.as_str(), "active": true }).to_string(),
                ),
                ..cli.entry("staff.create", "staff", &id.0.to_string())
            },
            now,
        )
        .await?;
        tx.commit().await?;
        // A new password also lifts a lock (the owner locked out by an attacker recovers here).
        self.clear_login_failures(&staff_scope(email.as_str()))
            .await?;
        Ok(password)
    }

    /// Clears an account's 2FA so the next login enrols again (`jangteo admin reset-2fa`).
    pub async fn reset_staff_2fa(&self, email: &str) -> AppResult<()> {
        let email = email.trim().to_lowercase();
        let account = staff::find_by_email(&self.db, &email)
            .await?
            .ok_or(AppError::NotFound)?;
        self.reset_staff_account_2fa(&StaffActor::system("cli"), account.id)
            .await?;
        self.clear_login_failures(&staff_scope(&email)).await?;
        Ok(())
    }

    /// A TOTP code for an account right now (tests and the CLI's self-check; never shown in the
    /// UI).
    pub async fn current_totp_code(&self, staff_id: i64, at: DateTime<Utc>) -> AppResult<String> {
        let account = staff::find(&self.db, staff_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let totp = self.staff_totp(&account).await?;
        Ok(totp
            .generate(u64::try_from(at.timestamp()).unwrap_or(0))
            .to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_within_one_step_of_drift() {
        let totp = totp_for(b"12345678901234567890".to_vec(), "장터", "a@example.com").unwrap();
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let code = totp.generate(1_800_000_000).to_string();
        let step = matching_step(&totp, &code, now).unwrap();
        assert_eq!(step, 1_800_000_000 / 30);
        let earlier = totp.generate(1_800_000_000 - 30).to_string();
        assert!(matching_step(&totp, &earlier, now).is_some());
        let stale = totp.generate(1_800_000_000 - 90).to_string();
        assert!(matching_step(&totp, &stale, now).is_none());
        assert!(matching_step(&totp, "abc", now).is_none());
        assert_eq!(normalise_recovery_code(" AB12C-9F3E1 "), "ab12c9f3e1");
    }
}
