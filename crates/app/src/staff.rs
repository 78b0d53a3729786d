//! Staff accounts for the back office: password + TOTP login with throttling and a temporary lock,
//! enrolment with a QR code and one-time recovery codes, roles, and the audit log every change
//! writes through.

use crate::login_guard::{LoginGuard, LoginPlace};
use crate::members::random_token;
use crate::{App, AppError, AppResult};
use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use base64::Engine;
use chrono::{DateTime, Utc};
use jangteo_core::login::LoginLimits;
use jangteo_core::staff::{Access, Area, Role};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::staff::{self, StaffRow};
use std::path::Path;
use totp_rs::{Builder, Secret, Totp};

/// Recovery codes handed out at enrolment.
const RECOVERY_CODES: usize = 10;
/// Seconds per TOTP step (RFC 6238 default; what Google Authenticator uses).
const STEP: u64 = 30;

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

/// Encrypts secrets at rest with AES-256-GCM (random 96-bit nonce per value).
pub struct SecretBox {
    key: LessSafeKey,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

impl SecretBox {
    /// From the configured key, or the key file in `data_dir` (created on first use).
    pub fn load(configured: Option<&str>, data_dir: &Path) -> AppResult<Self> {
        let engine = base64::engine::general_purpose::STANDARD;
        let raw = match configured {
            Some(k) => engine
                .decode(k.trim())
                .map_err(|_| AppError::Invalid("admin.secret_key is not base64".into()))?,
            None => {
                let path = data_dir.join("secret.key");
                match std::fs::read_to_string(&path) {
                    Ok(text) => engine.decode(text.trim()).map_err(|_| {
                        AppError::Invalid(format!("{} is not a base64 key", path.display()))
                    })?,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        let mut key = [0u8; 32];
                        getrandom::fill(&mut key)
                            .map_err(|e| AppError::Other(format!("random key: {e}")))?;
                        write_private(&path, &engine.encode(key))?;
                        tracing::info!(path = %path.display(), "created the secret key file");
                        key.to_vec()
                    }
                    Err(e) => {
                        return Err(AppError::Other(format!("reading {}: {e}", path.display())));
                    }
                }
            }
        };
        if raw.len() != 32 {
            return Err(AppError::Invalid(
                "admin.secret_key must be 32 bytes (base64)".into(),
            ));
        }
        let key = UnboundKey::new(&AES_256_GCM, &raw)
            .map_err(|_| AppError::Other("secret key rejected".into()))?;
        Ok(Self {
            key: LessSafeKey::new(key),
        })
    }

    /// `v1.` + base64(nonce ‖ ciphertext ‖ tag).
    pub fn seal(&self, plain: &[u8], context: &str) -> AppResult<String> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| AppError::Other(format!("nonce: {e}")))?;
        let mut data = plain.to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context.as_bytes()),
                &mut data,
            )
            .map_err(|_| AppError::Other("encryption failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        Ok(format!(
            "v1.{}",
            base64::engine::general_purpose::STANDARD.encode(out)
        ))
    }

    /// Reverses [`SecretBox::seal`]; fails for another key, another context or a changed value.
    pub fn open(&self, sealed: &str, context: &str) -> AppResult<Vec<u8>> {
        let bad = || {
            AppError::Other("stored secret cannot be decrypted (wrong admin.secret_key?)".into())
        };
        let raw = base64::engine::general_purpose::STANDARD
            .decode(sealed.strip_prefix("v1.").ok_or_else(bad)?)
            .map_err(|_| bad())?;
        if raw.len() < NONCE_LEN {
            return Err(bad());
        }
        let (nonce, rest) = raw.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| bad())?;
        let mut data = rest.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(context.as_bytes()), &mut data)
            .map_err(|_| bad())?;
        Ok(plain.to_vec())
    }
}

fn write_private(path: &Path, text: &str) -> AppResult<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| AppError::Other(format!("creating {}: {e}", dir.display())))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| AppError::Other(format!("creating {}: {e}", path.display())))?;
    file.write_all(text.as_bytes())
        .map_err(|e| AppError::Other(format!("writing {}: {e}", path.display())))
}

/// A new staff account's first password (16 hex characters, shown once) and its hash.
pub(crate) async fn first_staff_password() -> AppResult<(String, String)> {
    let password = random_token()?[..16].to_owned();
    let hash = crate::demo::hash_password(password.clone()).await?;
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
        let now = Utc::now();
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
                staff::set_totp_secret(&mut tx, staff_id, Some(&sealed), Utc::now()).await?;
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
        let now = Utc::now();
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
            .map(|c| crate::members::token_hash(&normalise_recovery_code(c)))
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
        let now = Utc::now();
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
            let hash = crate::members::token_hash(&normalise_recovery_code(code));
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

    /// Writes an audit entry in its own transaction (views, exports, and changes made through
    /// repository calls without a transaction; others write theirs inside the change's
    /// transaction with [`jangteo_db::audit::record`]).
    pub async fn audit_event(
        &self,
        actor: &StaffActor,
        action: &str,
        target_type: &str,
        target_id: &str,
        reason: &str,
    ) -> AppResult<()> {
        let mut tx = self.db.begin().await?;
        audit::record(
            &mut tx,
            &NewAudit {
                reason,
                ..actor.entry(action, target_type, target_id)
            },
            Utc::now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The audit log, newest first.
    pub async fn audit_log(
        &self,
        actor: &StaffActor,
        filter: &audit::AuditFilter,
        page: u32,
        size: u32,
    ) -> AppResult<jangteo_core::paging::Paged<audit::AuditRow>> {
        actor.require(Area::Audit, Access::Read)?;
        let request = jangteo_core::paging::PageRequest::new(page, size);
        let (items, total) =
            audit::search(&self.db, filter, request.limit(), request.offset()).await?;
        Ok(jangteo_core::paging::Paged::counted(items, total, request))
    }

    /// The matching audit entries (newest first, at most 100,000) as CSV with a UTF-8 BOM so
    /// Excel opens the Korean text correctly. The export itself is audited.
    pub async fn audit_csv(
        &self,
        actor: &StaffActor,
        filter: &audit::AuditFilter,
    ) -> AppResult<Vec<u8>> {
        actor.require(Area::Audit, Access::Read)?;
        let (rows, _) = audit::search(&self.db, filter, 100_000, 0).await?;
        let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        let csv_error = |e: csv::Error| AppError::Other(format!("writing CSV: {e}"));
        out.write_record([
            "id",
            "at_kst",
            "staff",
            "ip",
            "action",
            "target_type",
            "target_id",
            "before",
            "after",
            "reason",
        ])
        .map_err(csv_error)?;
        for r in &rows {
            let safe = |s: &str| crate::sheets::defused(s).into_owned();
            out.write_record([
                r.id.to_string(),
                jangteo_core::time::format_kst(r.at),
                safe(&r.staff_email),
                safe(&r.ip),
                safe(&r.action),
                safe(&r.target_type),
                safe(&r.target_id),
                safe(r.before_data.as_deref().unwrap_or_default()),
                safe(r.after_data.as_deref().unwrap_or_default()),
                safe(&r.reason),
            ])
            .map_err(csv_error)?;
        }
        let bytes = out
            .into_inner()
            .map_err(|e| AppError::Other(format!("writing CSV: {e}")))?;
        let described = serde_json::json!({
            "staff": filter.staff_email, "action": filter.action_prefix, "target": filter.target_id,
            "rows": rows.len(),
        })
        .to_string();
        let mut tx = self.db.begin().await?;
        audit::record(
            &mut tx,
            &NewAudit {
                after: Some(described),
                ..actor.entry("audit.export", "audit", "")
            },
            Utc::now(),
        )
        .await?;
        tx.commit().await?;
        Ok(bytes)
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
        let now = Utc::now();
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
    fn sealed_secrets_open_only_with_their_key_and_context() {
        let dir = std::env::temp_dir().join(format!("jangteo-secretbox-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let a = SecretBox::load(None, &dir).unwrap();
        let again = SecretBox::load(None, &dir).unwrap();
        let sealed = a.seal(b"seed", "totp:1").unwrap();
        assert_ne!(
            a.seal(b"seed", "totp:1").unwrap(),
            sealed,
            "fresh nonce each time"
        );
        assert_eq!(
            again.open(&sealed, "totp:1").unwrap(),
            b"seed",
            "key file reused"
        );
        assert!(a.open(&sealed, "totp:2").is_err(), "bound to its account");
        let other = SecretBox::load(
            Some(&base64::engine::general_purpose::STANDARD.encode([7u8; 32])),
            &dir,
        )
        .unwrap();
        assert!(other.open(&sealed, "totp:1").is_err());
        assert!(
            SecretBox::load(Some("c2hvcnQ="), &dir).is_err(),
            "short key refused"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

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
