//! Login throttling for members, staff and guest order lookups. The rule (who is refused) is
//! `jangteo_core::login`; this keeps the counters. An account's failures from unknown places lock
//! out only unknown places: a device (cookie) or address that logged in to the account before has
//! an allowance of its own, so an attacker cannot keep the owner out.

use crate::auth::StaffActor;
use crate::auth::tokens::{random_token, token_hash};
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use jangteo_core::login::{LoginLimits, LoginOrigin, RecentFailures, is_throttled};
use jangteo_core::member::MobileKr;
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::login_attempts;

/// Days a successful login keeps its device and address known.
pub const KNOWN_FOR_DAYS: i64 = 180;
/// Days failed attempts are kept (the window is minutes; this is for the audit of attacks).
const FAILURES_KEPT_DAYS: i64 = 30;

/// Where an attempt comes from: the client address and the browser's device token (a random
/// cookie; only its hash is stored).
#[derive(Debug, Clone, Default)]
pub struct LoginPlace {
    /// Client address.
    pub ip: String,
    /// The device cookie, when the browser sent one.
    pub device: Option<String>,
}

impl LoginPlace {
    /// A place known only by its address (API clients, tests).
    pub fn ip(ip: &str) -> Self {
        Self {
            ip: ip.to_owned(),
            device: None,
        }
    }
}

/// A new device token for the device cookie.
pub fn new_device_token() -> AppResult<String> {
    random_token()
}

/// The counters one attempt is judged by and recorded under.
#[derive(Debug)]
pub(crate) struct LoginGuard {
    account: String,
    ip_scope: String,
    device_scope: Option<String>,
    address_scope: String,
    known: Option<String>,
}

impl App {
    /// Looks up where an attempt at `account` comes from and refuses it (`Throttled`) when its
    /// counters are used up; `ip_scope` counts failures across accounts.
    pub(crate) async fn login_guard(
        &self,
        account: String,
        ip_scope: String,
        place: &LoginPlace,
        limits: LoginLimits,
        window_minutes: i64,
        now: DateTime<Utc>,
    ) -> AppResult<LoginGuard> {
        let device_scope = place
            .device
            .as_deref()
            .filter(|d| d.len() == 64 && d.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(|d| format!("{account}|device:{}", token_hash(d)));
        let address_scope = format!("{account}|ip:{}", place.ip);
        let known_since = now - Duration::days(KNOWN_FOR_DAYS);
        let mut known = None;
        for scope in device_scope.iter().chain([&address_scope]) {
            if login_attempts::has_succeeded(&self.db, scope, known_since).await? {
                known = Some(scope.clone());
                break;
            }
        }
        let since = now - Duration::minutes(window_minutes);
        let failures = match &known {
            Some(scope) => RecentFailures {
                origin: login_attempts::recent_failures(&self.db, scope, since).await?,
                ..RecentFailures::default()
            },
            None => RecentFailures {
                account: login_attempts::recent_failures(&self.db, &account, since).await?,
                ip: login_attempts::recent_failures(&self.db, &ip_scope, since).await?,
                origin: 0,
            },
        };
        let origin = match known {
            Some(_) => LoginOrigin::Known,
            None => LoginOrigin::Unknown,
        };
        if is_throttled(origin, failures, limits) {
            tracing::warn!(login.ip = %place.ip, ?origin, "login throttled");
            return Err(AppError::Throttled);
        }
        Ok(LoginGuard {
            account,
            ip_scope,
            device_scope,
            address_scope,
            known,
        })
    }

    /// Counts a failure: against the known place's own allowance, or against the account and
    /// the address.
    pub(crate) async fn login_failed(
        &self,
        guard: &LoginGuard,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        let scopes: Vec<&str> = match &guard.known {
            Some(scope) => vec![scope],
            None => vec![&guard.account, &guard.ip_scope],
        };
        login_attempts::record(&self.db, &guard.account, &scopes, false, now).await?;
        Ok(())
    }

    /// Records a login: makes this device and address known and resets their counts. A login
    /// from a known place leaves the unknown places' count alone (the owner logging in must not
    /// hand an attacker a fresh allowance); one from an unknown place resets it.
    pub(crate) async fn login_succeeded(
        &self,
        guard: &LoginGuard,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        let mut scopes = vec![guard.address_scope.as_str()];
        scopes.extend(guard.device_scope.as_deref());
        if guard.known.is_none() {
            scopes.push(&guard.account);
        }
        login_attempts::record(&self.db, &guard.account, &scopes, true, now).await?;
        Ok(())
    }

    /// Clears every failed attempt at `account` (an unlock).
    pub(crate) async fn clear_login_failures(&self, account: &str) -> AppResult<u64> {
        Ok(login_attempts::clear_failures(&self.db, account).await?)
    }

    /// A staff member unlocking `account`: clears its failures and writes `action` on
    /// `target_type`/`target_id` with how many were cleared to the audit log. The caller has
    /// checked the permission.
    pub(crate) async fn unlock_login(
        &self,
        actor: &StaffActor,
        account: &str,
        action: &str,
        target_type: &str,
        target_id: &str,
    ) -> AppResult<()> {
        let cleared = self.clear_login_failures(account).await?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        audit::record(
            &mut tx,
            &NewAudit {
                after: Some(serde_json::json!({ "failures_cleared": cleared }).to_string()),
                ..actor.entry(action, target_type, target_id)
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether `account` is locked for unknown places right now.
    pub(crate) async fn login_locked(
        &self,
        account: &str,
        limits: LoginLimits,
        window_minutes: i64,
    ) -> AppResult<bool> {
        let since = self.now() - Duration::minutes(window_minutes);
        let account_failures = login_attempts::recent_failures(&self.db, account, since).await?;
        Ok(account_failures >= limits.per_account)
    }

    /// Limits of member logins (and guest lookups).
    pub(crate) fn member_login_limits(&self) -> LoginLimits {
        LoginLimits {
            per_account: self.config.members.max_failures_per_account,
            per_ip: self.config.members.max_failures_per_ip,
        }
    }

    /// Deletes old login attempts (nightly): failures after a month, successes after
    /// [`KNOWN_FOR_DAYS`].
    pub(crate) async fn prune_login_attempts(&self, now: DateTime<Utc>) -> AppResult<u64> {
        Ok(login_attempts::prune(
            &self.db,
            now - Duration::days(FAILURES_KEPT_DAYS),
            now - Duration::days(KNOWN_FOR_DAYS),
        )
        .await?)
    }

    /// Checks a guest's order number, mobile and order password. Counted per order and per
    /// address, apart from member logins (a mistyped lookup must not lock a shared address's
    /// logins).
    pub async fn guest_lookup(
        &self,
        number: &str,
        mobile: &str,
        password: &str,
        ip: &str,
    ) -> AppResult<String> {
        let now = self.now();
        let number = number.trim().to_uppercase();
        let guard = self
            .login_guard(
                format!("guest-order:{number}"),
                format!("guest-ip:{ip}"),
                &LoginPlace::ip(ip),
                self.member_login_limits(),
                self.config.members.throttle_minutes,
                now,
            )
            .await?;
        let mobile = MobileKr::parse(mobile).ok();
        let order = match jangteo_core::member::looks_like_order_number(&number) {
            true => jangteo_db::orders::find_by_number(&self.db, &number).await?,
            false => None,
        };
        let ok = match (&order, &mobile) {
            (Some(o), Some(m)) if o.member_id.is_none() && o.orderer_mobile == m.digits() => {
                let hash = o.guest_password_hash.clone().unwrap_or_default();
                crate::auth::passwords::verify_password(password.to_owned(), hash).await?
            }
            _ => false,
        };
        if ok {
            Ok(number)
        } else {
            self.login_failed(&guard, now).await?;
            Err(AppError::field("_form", "lookup_failed"))
        }
    }
}
