//! The buyer sees the PINs of a paid gift-card order behind re-authentication (the member's
//! password, a guest's order password, or a fresh 본인인증 of the person whose mobile the order
//! names), throttled like a login; each reveal is on the order's timeline, and a seen PIN ends
//! the buyer's right to cancel (전자상거래법 제17조②5호).

use crate::auth::login_guard::LoginPlace;
use crate::identity::IdentityProof;
use crate::orders::{Actor, record_event};
use crate::{App, AppError, AppResult};
use jangteo_core::order::OrderStatus;
use jangteo_core::pins::PinFormat;
use jangteo_db::orders;
use jangteo_db::pins;

/// Minutes a 본인인증 counts as re-authentication for seeing PINs (it proves presence now, not
/// earlier in the session).
const REVEAL_IDENTITY_MINUTES: i64 = 10;

/// How the buyer proves it is them again before seeing PINs.
#[derive(Debug, Clone, Copy)]
pub enum RevealProof<'a> {
    /// The member's password, or the guest order's password.
    Password(&'a str),
    /// This session's 본인인증 (`None`: none) and the member logged in to the session (who
    /// started it; a member may be looking at a guest order).
    Identity(Option<&'a IdentityProof>, Option<i64>),
}

/// A PIN as the buyer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevealedPin {
    /// The product it was bought with.
    pub product_name: String,
    /// The PIN grouped like its pattern.
    pub pin: String,
    /// 관리번호.
    pub serial: Option<String>,
    /// Last day of use.
    pub expires_on: Option<String>,
}

impl App {
    /// The sold PINs opened and grouped like their patterns, with their products.
    pub(crate) async fn open_pins(
        &self,
        sold: &[pins::PinRow],
        lines: &[orders::OrderLineRow],
    ) -> AppResult<Vec<RevealedPin>> {
        // One pattern per SKU (an order holds few), read once.
        let mut formats: Vec<(i64, Option<PinFormat>)> = Vec::new();
        for pin in sold {
            if !formats.iter().any(|(sku, _)| *sku == pin.sku_id) {
                let pattern = pins::pattern_of_sku(&self.db, pin.sku_id).await?;
                let format = pattern.and_then(|p| PinFormat::parse(&p).ok());
                formats.push((pin.sku_id, format));
            }
        }
        let mut shown = Vec::with_capacity(sold.len());
        for pin in sold {
            let line = lines.iter().find(|l| Some(l.id) == pin.order_line_id);
            let format = formats
                .iter()
                .find(|(sku, _)| *sku == pin.sku_id)
                .and_then(|(_, f)| f.as_ref());
            let context = format!("pin:{}", pin.pin_hash);
            let canonical = String::from_utf8(self.secrets.open(&pin.pin_sealed, &context)?)
                .map_err(|_| AppError::Other("a sealed PIN is not text".into()))?;
            shown.push(RevealedPin {
                product_name: line.map(|l| l.product_name.clone()).unwrap_or_default(),
                pin: format.map_or(canonical.clone(), |f| f.display(&canonical)),
                serial: pin.serial.clone(),
                expires_on: pin.expires_on.clone(),
            });
        }
        Ok(shown)
    }

    /// Whether `proof` shows the buyer of `order` is here: the right password, or a 본인인증 in
    /// this session of the last few minutes whose mobile is the orderer's. No 본인인증 yet is
    /// `identity_required` (nothing was guessed); a wrong answer is `Ok(false)`.
    async fn proves_buyer(
        &self,
        order: &orders::OrderRow,
        actor: &Actor,
        proof: RevealProof<'_>,
    ) -> AppResult<bool> {
        let member_id = match (actor, order.member_id) {
            (Actor::Member(id), Some(_)) => Some(*id),
            (Actor::Guest, None) => None,
            _ => return Err(AppError::NotFound),
        };
        match proof {
            RevealProof::Password(password) => {
                let hash = match member_id {
                    Some(id) => jangteo_db::members::find(&self.db, id)
                        .await?
                        .map(|m| m.password_hash)
                        .unwrap_or_default(),
                    None => order.guest_password_hash.clone().unwrap_or_default(),
                };
                crate::auth::passwords::verify_password(password.to_owned(), hash).await
            }
            RevealProof::Identity(proof, session_member) => {
                let fresh = chrono::Duration::minutes(REVEAL_IDENTITY_MINUTES);
                let verified = self
                    .session_identity(proof, session_member)
                    .await?
                    .filter(|v| self.now() - v.verified_at <= fresh)
                    .ok_or(AppError::Conflict("identity_required"))?;
                // Some contracts leave the mobile out: nothing to compare, nothing guessed.
                let mobile = verified
                    .mobile
                    .ok_or(AppError::Conflict("reveal_identity_no_mobile"))?;
                Ok(mobile == order.orderer_mobile)
            }
        }
    }

    /// Shows the buyer the PINs of their order once `proof` shows it is them again; failures
    /// count like logins.
    pub async fn reveal_pins(
        &self,
        number: &str,
        actor: &Actor,
        proof: RevealProof<'_>,
        ip: &str,
    ) -> AppResult<Vec<RevealedPin>> {
        let order = self.order_for(number, actor).await?;
        let now = self.now();
        let guard = self
            .login_guard(
                format!("pin-reveal:{}", order.number),
                format!("pin-reveal-ip:{ip}"),
                &LoginPlace::ip(ip),
                self.member_login_limits(),
                self.config.members.throttle_minutes,
                now,
            )
            .await?;
        if !self.proves_buyer(&order, actor, proof).await? {
            self.login_failed(&guard, now).await?;
            return Err(match proof {
                RevealProof::Password(_) => AppError::field("password", "reveal_password"),
                RevealProof::Identity(..) => AppError::Conflict("reveal_identity_mismatch"),
            });
        }
        // Marked seen under the order's lock before anything is opened: a withdrawal that locks
        // the order next finds them seen (they never go back to the pool), and a withdrawn
        // order shows nothing.
        let mut tx = self.db.begin().await?;
        let locked = orders::lock_by_number(&mut tx, number)
            .await?
            .filter(|o| o.status != OrderStatus::Cancelled)
            .ok_or(AppError::NotFound)?;
        if jangteo_db::pin_holds::is_held(&mut tx, locked.id.get(), now).await? {
            return Err(AppError::Conflict("codes_withdrawing"));
        }
        let first_time = pins::reveal(&mut tx, locked.id.get(), now).await?;
        let sold = pins::of_order(&mut tx, locked.id.get()).await?;
        if sold.is_empty() {
            return Err(AppError::NotFound);
        }
        let note = format!("{}개", sold.len());
        let event = if first_time > 0 {
            "pins_revealed"
        } else {
            "pins_viewed"
        };
        record_event(&mut tx, &locked, event, locked.status, actor, &note, now).await?;
        tx.commit().await?;
        let shown = self
            .open_pins(&sold, &orders::lines(&self.db, order.id).await?)
            .await?;
        self.login_succeeded(&guard, now).await?;
        tracing::info!(order.number = %order.number, pins = shown.len(), "PINs shown to the buyer");
        Ok(shown)
    }
}
