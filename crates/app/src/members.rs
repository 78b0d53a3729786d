//! Member accounts: sign-up with consents, login with throttling, password reset by e-mailed
//! token, profile and password changes, address book, withdrawal.

use crate::auth::login_guard::LoginPlace;
use crate::auth::passwords::verify_password;
use crate::auth::tokens::{random_token, token_hash};
use crate::field_errors::FieldErrors;
use crate::notify::{Channel, Notification};
use crate::{App, AppError, AppResult};
use chrono::Duration;
use jangteo_core::birthday::BirthDate;
use jangteo_core::member::{Email, MobileKr, Password, required_text};
use jangteo_db::members::{self, MemberRow, NewMember};

/// What the sign-up form sends.
#[derive(Debug, Clone, Default)]
pub struct SignupInput {
    /// E-mail.
    pub email: String,
    /// Password.
    pub password: String,
    /// Password again.
    pub password_confirm: String,
    /// Name.
    pub name: String,
    /// Mobile.
    pub mobile: String,
    /// The member declares being 만 14세 이상 (required: children's data needs a guardian's
    /// consent, PIPA 제22조의2, which this shop does not collect).
    pub confirm_age: bool,
    /// Terms agreed (required).
    pub agree_terms: bool,
    /// Privacy policy agreed (required).
    pub agree_privacy: bool,
    /// Marketing agreed (optional).
    pub agree_marketing: bool,
}

/// An address-book entry as typed.
#[derive(Debug, Clone, Default)]
pub struct AddressInput {
    /// Label.
    pub label: String,
    /// Recipient.
    pub recipient: String,
    /// Mobile.
    pub mobile: String,
    /// Postcode.
    pub postcode: String,
    /// Road address.
    pub address1: String,
    /// Detail.
    pub address2: String,
    /// Make it the default.
    pub is_default: bool,
}

/// Minutes between two password-reset mails to one member.
pub const RESET_MAIL_INTERVAL_MINUTES: i64 = 5;

/// The login-attempt account of a member's (normalised) e-mail.
pub(crate) fn member_login_scope(email: &str) -> String {
    format!("email:{email}")
}

/// A hash of a random password: verifying against it costs what a real check costs, so a login
/// for an unknown e-mail takes as long as one for a known e-mail.
async fn dummy_hash() -> AppResult<String> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_try_init(|| async { crate::auth::passwords::hash_password(random_token()?).await })
        .await
        .cloned()
}

impl App {
    /// Creates an account; returns the member.
    pub async fn sign_up(&self, input: SignupInput) -> AppResult<MemberRow> {
        let mut errors = FieldErrors::default();
        let email = errors.check("email", Email::parse(&input.email));
        let password = errors.check("password", Password::parse(&input.password));
        if password.is_some() && input.password != input.password_confirm {
            errors.add("password_confirm", "password_mismatch");
        }
        let name = errors.check("name", required_text(&input.name, 40));
        let mobile = errors.check("mobile", MobileKr::parse(&input.mobile));
        if !input.confirm_age {
            errors.add("confirm_age", "under_14");
        }
        if !input.agree_terms {
            errors.add("agree_terms", "consent_required");
        }
        if !input.agree_privacy {
            errors.add("agree_privacy", "consent_required");
        }
        errors.finish()?;
        let (Some(email), Some(password), Some(name), Some(mobile)) =
            (email, password, name, mobile)
        else {
            return Err(AppError::Other(
                "validated sign-up input went missing".into(),
            ));
        };
        if members::find_by_email(&self.db, email.as_str())
            .await?
            .is_some()
            || members::find_dormant_by_email(&self.db, email.as_str())
                .await?
                .is_some()
        {
            return Err(AppError::field("email", "email_taken"));
        }
        let hash = crate::auth::passwords::hash_password(password.expose().to_owned()).await?;
        let bonus = self.points_terms().await?.signup_points;
        let mut tx = self.db.begin().await?;
        let opening = NewMember {
            email: email.as_str(),
            password_hash: &hash,
            name: &name,
            mobile: mobile.digits(),
            marketing: input.agree_marketing,
        };
        let Some(id) = self.open_account(&mut tx, &opening, bonus).await? else {
            return Err(AppError::field("email", "email_taken"));
        };
        tx.commit().await?;
        members::find(&self.db, id).await?.ok_or(AppError::NotFound)
    }

    /// Checks e-mail and password. Failures are counted per account and per IP from unknown
    /// places, and per device or address that logged in before (see [`crate::auth::login_guard`]);
    /// `Throttled` once the counter this attempt is judged by is used up, even for the right
    /// password, so guessing stays slow while the member's own browser keeps its allowance.
    pub async fn log_in(
        &self,
        email: &str,
        password: &str,
        place: &LoginPlace,
    ) -> AppResult<MemberRow> {
        let now = self.now();
        let email_norm = email.trim().to_lowercase();
        let guard = self
            .login_guard(
                member_login_scope(&email_norm),
                format!("ip:{}", place.ip),
                place,
                self.member_login_limits(),
                self.config.members.throttle_minutes,
                now,
            )
            .await?;
        let mut member = members::find_by_email(&self.db, &email_norm).await?;
        if member.is_none()
            && let Some((dormant_id, hash)) =
                members::find_dormant_by_email(&self.db, &email_norm).await?
            && verify_password(password.to_owned(), hash).await?
        {
            // The right password brings a dormant account back (its data returns from the store).
            let mut tx = self.db.begin().await?;
            members::restore_dormant(&mut tx, dormant_id, now).await?;
            tx.commit().await?;
            tracing::info!(member.id = dormant_id, "dormant account restored at login");
            member = members::find_by_email(&self.db, &email_norm).await?;
        }
        let hash = match &member {
            Some(m) => m.password_hash.clone(),
            None => dummy_hash().await?,
        };
        let ok = verify_password(password.to_owned(), hash).await? && member.is_some();
        match member {
            Some(m) if ok => {
                self.login_succeeded(&guard, now).await?;
                members::touch_login(&self.db, m.id, now).await?;
                Ok(m)
            }
            _ => {
                self.login_failed(&guard, now).await?;
                Err(AppError::field("_form", "login_failed"))
            }
        }
    }

    /// E-mails a reset link when the address belongs to a member (at most one per
    /// [`RESET_MAIL_INTERVAL_MINUTES`]); says nothing either way.
    pub async fn request_password_reset(&self, email: &str) -> AppResult<()> {
        let Ok(email) = Email::parse(email) else {
            return Err(AppError::field("email", "invalid_email"));
        };
        let Some(member) = members::find_by_email(&self.db, email.as_str()).await? else {
            return Ok(());
        };
        let now = self.now();
        // One mail per address per few minutes: a stranger cannot flood a member's mailbox
        // (the page says the same either way).
        if members::latest_reset_at(&self.db, member.id)
            .await?
            .is_some_and(|at| now - at < Duration::minutes(RESET_MAIL_INTERVAL_MINUTES))
        {
            tracing::info!(
                member.id = member.id,
                "password reset asked again too soon: no mail"
            );
            return Ok(());
        }
        let token = random_token()?;
        let minutes = self.config.members.reset_minutes;
        let mut tx = self.db.begin().await?;
        members::insert_reset(
            &mut tx,
            member.id,
            &token_hash(&token),
            now + Duration::minutes(minutes),
            now,
        )
        .await?;
        self.notify(
            &mut tx,
            &Notification {
                event: "password_reset".into(),
                channel: Channel::Email,
                to: email.as_str().to_owned(),
                recipient_name: member.name.clone(),
                context: serde_json::json!({
                    "reset_url": format!("{}/account/password-reset/{token}", self.config.base_url()),
                    "expires_minutes": minutes,
                }),
                advertising: false,
                dedupe_key: None,
            },
        )
        .await?;
        tx.commit().await.map_err(AppError::from)
    }

    /// Whether a reset token can still be used.
    pub async fn reset_token_valid(&self, token: &str) -> AppResult<bool> {
        Ok(
            members::reset_member(&self.db, &token_hash(token), self.now())
                .await?
                .is_some(),
        )
    }

    /// Sets a new password with a reset token (once).
    pub async fn reset_password(
        &self,
        token: &str,
        password: &str,
        confirm: &str,
    ) -> AppResult<i64> {
        let mut errors = FieldErrors::default();
        let password = errors.check("password", Password::parse(password));
        if password.is_some() && password.as_ref().map(Password::expose) != Some(confirm) {
            errors.add("password_confirm", "password_mismatch");
        }
        errors.finish()?;
        let password = password.ok_or(AppError::NotFound)?;
        let hash = crate::auth::passwords::hash_password(password.expose().to_owned()).await?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let Some(member) = members::consume_reset(&mut tx, &token_hash(token), now).await? else {
            return Err(AppError::Conflict("reset_invalid"));
        };
        members::set_password(&mut tx, member, &hash, now).await?;
        tx.commit().await?;
        Ok(member)
    }

    /// Changes the password after checking the current one.
    pub async fn change_password(
        &self,
        member_id: i64,
        current: &str,
        password: &str,
        confirm: &str,
    ) -> AppResult<()> {
        let member = self.active_member(member_id).await?;
        // A social-login member without a password sets a first one.
        if !member.password_hash.is_empty()
            && !verify_password(current.to_owned(), member.password_hash.clone()).await?
        {
            return Err(AppError::field("current_password", "wrong_password"));
        }
        let mut errors = FieldErrors::default();
        let new = errors.check("password", Password::parse(password));
        if new.is_some() && password != confirm {
            errors.add("password_confirm", "password_mismatch");
        }
        errors.finish()?;
        let hash = crate::auth::passwords::hash_password(password.to_owned()).await?;
        let mut tx = self.db.begin().await?;
        members::set_password(&mut tx, member_id, &hash, self.now()).await?;
        tx.commit().await.map_err(AppError::from)
    }

    /// Changes name, mobile, marketing consent and the optional birth date (birthday coupons).
    pub async fn update_profile(
        &self,
        member_id: i64,
        name: &str,
        mobile: &str,
        marketing: bool,
        birth_date: &str,
    ) -> AppResult<()> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", required_text(name, 40));
        let mobile = errors.check("mobile", MobileKr::parse(mobile));
        let today = jangteo_core::time::business_date(self.now());
        let birth_date = errors.check("birth_date", BirthDate::parse(birth_date, today));
        errors.finish()?;
        let (Some(name), Some(mobile), Some(birth_date)) = (name, mobile, birth_date) else {
            return Err(AppError::Other("validated profile went missing".into()));
        };
        let birth_date = birth_date.map(BirthDate::stored);
        let profile = members::ProfileUpdate {
            name: &name,
            mobile: mobile.digits(),
            marketing,
            birth_date: birth_date.as_deref(),
        };
        let mut tx = self.db.begin().await?;
        members::update_profile(&mut tx, member_id, &profile, self.now()).await?;
        tx.commit().await.map_err(AppError::from)
    }

    /// Withdraws the member after checking the password: personal data erased, orders kept (with
    /// their own delivery snapshots) for the statutory retention period.
    pub async fn withdraw(&self, member_id: i64, password: &str) -> AppResult<()> {
        let member = self.active_member(member_id).await?;
        // A member who joined through Kakao or Naver and never set a password confirms with
        // the logged-in session alone.
        if !member.password_hash.is_empty()
            && !verify_password(password.to_owned(), member.password_hash.clone()).await?
        {
            return Err(AppError::field("password", "wrong_password"));
        }
        let mut tx = self.db.begin().await?;
        let links = jangteo_db::social_links::remove_all(&mut tx, member_id).await?;
        members::anonymise(&mut tx, member_id, self.now()).await?;
        tx.commit().await?;
        tracing::info!(member.id = member_id, "member withdrew");
        self.unlink_at_providers(links).await;
        Ok(())
    }

    /// Creates the member with what every new member gets (sign-up coupons, `bonus` points
    /// read before the transaction, the welcome mail); `None` when the e-mail is taken. The
    /// caller commits.
    pub(crate) async fn open_account(
        &self,
        tx: &mut jangteo_db::Tx,
        member: &NewMember<'_>,
        bonus: i64,
    ) -> AppResult<Option<i64>> {
        let now = self.now();
        let Some(id) = members::insert(tx, member, now).await? else {
            return Ok(None);
        };
        jangteo_db::promotions::issue_signup_coupons(tx, id, now).await?;
        if bonus > 0 {
            jangteo_db::promotions::add_points(tx, id, bonus, "signup", None, None, now).await?;
        }
        self.notify(
            tx,
            &Notification {
                event: "welcome".into(),
                channel: Channel::Email,
                to: member.email.to_owned(),
                recipient_name: member.name.to_owned(),
                context: serde_json::json!({
                    "member": {"name": member.name, "email": member.email},
                    "login_url": format!("{}/account/login", self.config.base_url()),
                }),
                advertising: false,
                dedupe_key: Some(format!("welcome:{id}")),
            },
        )
        .await?;
        Ok(Some(id))
    }

    /// An active member, or `NotFound`.
    pub async fn active_member(&self, member_id: i64) -> AppResult<MemberRow> {
        match members::find(&self.db, member_id).await? {
            Some(m) if m.status == "active" => Ok(m),
            _ => Err(AppError::NotFound),
        }
    }
}

impl App {
    /// A staff account by e-mail and password (for the staff API), `None` when wrong or inactive.
    pub async fn authenticate_staff(
        &self,
        email: &str,
        password: &str,
    ) -> AppResult<Option<jangteo_db::staff::StaffRow>> {
        let email = email.trim().to_lowercase();
        let staff = jangteo_db::staff::find_by_email(&self.db, &email).await?;
        let hash = match &staff {
            Some(s) => s.password_hash.clone(),
            None => dummy_hash().await?,
        };
        let ok = verify_password(password.to_owned(), hash).await?;
        Ok(staff.filter(|s| ok && s.is_active))
    }
}
