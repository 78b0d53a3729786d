//! KakaoPay single payments, the open API (docs/PROVIDERS.md §2): `ready` returns a `tid` and
//! the PC/mobile window addresses, the browser comes back to `approval_url?pg_token=…`, `approve`
//! confirms with the same partner ids; `order` looks a payment up by `tid`; `cancel` refunds a
//! given amount. All POST with JSON and `Authorization: SECRET_KEY {key}`. KakaoPay sends no
//! payment webhooks and documents no idempotency header: a lost answer is settled by `order`.

use super::{
    CancelRequest, ConfirmRequest, GatewayPayment, GatewayStatus, PayMethod, PaymentError,
    PaymentGateway, PaymentRef, PaymentRequest, PaymentStart, WebhookNotice,
};
use futures::FutureExt;
use futures::future::BoxFuture;
use jangteo_core::Won;
use serde_json::{Value, json};

const NAME: &str = "kakaopay";

/// KakaoPay settings.
#[derive(Clone)]
pub struct KakaoPayConfig {
    /// `https://open-api.kakaopay.com` (a fake's address in tests).
    pub api_base: String,
    /// Merchant id (`TC0ONETIME` in test).
    pub cid: String,
    /// Secret key (`DEV…` in test).
    pub secret_key: String,
}

impl std::fmt::Debug for KakaoPayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KakaoPayConfig")
            .field("api_base", &self.api_base)
            .field("cid", &self.cid)
            .field("secret_key", &"***")
            .finish()
    }
}

/// The KakaoPay gateway.
#[derive(Debug, Clone)]
pub struct KakaoPay {
    client: reqwest::Client,
    config: KakaoPayConfig,
}

fn unavailable(message: String) -> PaymentError {
    PaymentError::Unavailable {
        provider: NAME,
        message,
    }
}

fn rejected(code: &str, message: &str) -> PaymentError {
    PaymentError::Rejected {
        provider: NAME,
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

/// KakaoPay's status literal as ours (§2.5).
fn status_of(name: &str) -> GatewayStatus {
    match name {
        "SUCCESS_PAYMENT" => GatewayStatus::Done,
        "PART_CANCEL_PAYMENT" => GatewayStatus::PartiallyCancelled,
        "CANCEL_PAYMENT" => GatewayStatus::Cancelled,
        "FAIL_AUTH_PASSWORD" | "QUIT_PAYMENT" | "FAIL_PAYMENT" => GatewayStatus::Aborted,
        _ => GatewayStatus::Ready,
    }
}

/// `amount.total`-style fields: an object with `total`, or a bare number.
fn total_of(v: &Value) -> Option<i64> {
    v.get("total")
        .and_then(Value::as_i64)
        .or_else(|| v.as_i64())
}

/// KakaoPay's times are local (KST) without an offset [INF].
fn kst(v: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    let text = v.as_str()?;
    let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").ok()?;
    let seoul = chrono::FixedOffset::east_opt(9 * 3600)?;
    Some(naive.and_local_timezone(seoul).single()?.to_utc())
}

impl KakaoPay {
    /// An adapter with its settings.
    pub fn new(client: reqwest::Client, config: KakaoPayConfig) -> Self {
        Self { client, config }
    }

    /// POSTs `body` to `/online/v1/payment/{call}`; the reply's JSON or the error as ours.
    async fn call(&self, call: &str, mut body: Value) -> Result<(Value, String), PaymentError> {
        body["cid"] = json!(self.config.cid);
        let url = super::endpoint(
            NAME,
            &self.config.api_base,
            &["online", "v1", "payment", call],
        )?;
        let response = self
            .client
            .post(url)
            .header(
                reqwest::header::AUTHORIZATION,
                format!("SECRET_KEY {}", self.config.secret_key),
            )
            .json(&body)
            .send()
            .await
            .map_err(|e| unavailable(e.without_url().to_string()))?;
        let status = response.status();
        let raw = response
            .text()
            .await
            .map_err(|e| unavailable(e.without_url().to_string()))?;
        let value: Value = serde_json::from_str(&raw).unwrap_or_default();
        if status.is_success() {
            return Ok((value, raw));
        }
        // New API: {error_code, error_message}; old: {code, msg} (§2.7).
        let code = value
            .get("error_code")
            .or_else(|| value.get("code"))
            .map(|c| c.to_string().trim_matches('"').to_owned());
        let message = value
            .get("error_message")
            .or_else(|| value.get("msg"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        match code {
            Some(code) if status.is_client_error() => Err(rejected(&code, message)),
            _ => Err(unavailable(format!("HTTP {status}: {message}"))),
        }
    }

    /// A payment as `order` reports it.
    fn payment_of(&self, tid: &str, attempt_id: &str, v: &Value, raw: String) -> GatewayPayment {
        let total = v.get("amount").and_then(total_of).unwrap_or_default();
        let balance = v
            .get("cancel_available_amount")
            .and_then(total_of)
            .unwrap_or(total);
        GatewayPayment {
            payment_key: tid.to_owned(),
            attempt_id: attempt_id.to_owned(),
            status: v
                .get("status")
                .and_then(Value::as_str)
                .map_or(GatewayStatus::Ready, status_of),
            total_amount: Won(total),
            balance_amount: Won(balance),
            approved_at: v.get("approved_at").and_then(kst),
            card_company: None,
            secret: None,
            raw,
        }
    }

    async fn order(&self, tid: &str, attempt_id: &str) -> Result<GatewayPayment, PaymentError> {
        let (v, raw) = self.call("order", json!({ "tid": tid })).await?;
        Ok(self.payment_of(tid, attempt_id, &v, raw))
    }
}

impl PaymentGateway for KakaoPay {
    fn name(&self) -> &'static str {
        NAME
    }

    fn start<'a>(
        &'a self,
        req: &'a PaymentRequest,
    ) -> BoxFuture<'a, Result<PaymentStart, PaymentError>> {
        async move {
            if req.method != PayMethod::KakaoPay {
                return Err(rejected(
                    "UNSUPPORTED_METHOD",
                    "카카오페이로만 결제할 수 있습니다.",
                ));
            }
            let cancel = format!("{}?orderId={}", req.fail_url, req.attempt_id);
            let body = json!({
                "partner_order_id": req.attempt_id,
                "partner_user_id": req.attempt_id,
                "item_name": req.order_name.chars().take(100).collect::<String>(),
                "quantity": 1,
                "total_amount": req.amount.get(),
                "tax_free_amount": 0,
                "approval_url": req.approval_url,
                "cancel_url": format!("{cancel}&code=PAY_PROCESS_CANCELED"),
                "fail_url": format!("{cancel}&code=PAY_PROCESS_ABORTED"),
            });
            let (v, _) = self.call("ready", body).await?;
            let tid = v["tid"]
                .as_str()
                .ok_or_else(|| unavailable("ready without tid".into()))?;
            let window = if req.mobile {
                "next_redirect_mobile_url"
            } else {
                "next_redirect_pc_url"
            };
            let url = v[window]
                .as_str()
                .ok_or_else(|| unavailable(format!("ready without {window}")))?;
            Ok(PaymentStart::Redirect {
                url: url.to_owned(),
                payment_key: Some(tid.to_owned()),
            })
        }
        .boxed()
    }

    fn confirm<'a>(
        &'a self,
        req: &'a ConfirmRequest,
    ) -> BoxFuture<'a, Result<GatewayPayment, PaymentError>> {
        async move {
            let token = req.approval_token.as_deref().unwrap_or_default();
            let body = json!({
                "tid": req.payment_key,
                "partner_order_id": req.attempt_id,
                "partner_user_id": req.attempt_id,
                "pg_token": token,
            });
            let (v, raw) = self.call("approve", body).await?;
            let total = v.get("amount").and_then(total_of).unwrap_or_default();
            Ok(GatewayPayment {
                payment_key: req.payment_key.clone(),
                attempt_id: req.attempt_id.clone(),
                status: GatewayStatus::Done,
                total_amount: Won(total),
                balance_amount: Won(total),
                approved_at: v.get("approved_at").and_then(kst),
                card_company: v["card_info"]["kakaopay_issuer_corp"]
                    .as_str()
                    .or_else(|| v["card_info"]["issuer_corp"].as_str())
                    .map(str::to_owned),
                secret: None,
                raw,
            })
        }
        .boxed()
    }

    fn cancel<'a>(
        &'a self,
        req: &'a CancelRequest,
    ) -> BoxFuture<'a, Result<GatewayPayment, PaymentError>> {
        async move {
            // The amount is always named; the balance seen now guards a repeated request (§2.6).
            let now = self.order(&req.payment_key, "").await?;
            let amount = req.amount.unwrap_or(now.balance_amount);
            let body = json!({
                "tid": req.payment_key,
                "cancel_amount": amount.get(),
                "cancel_tax_free_amount": 0,
                "cancel_available_amount": now.balance_amount.get(),
                "payload": req.reason.chars().take(200).collect::<String>(),
            });
            let (v, raw) = self.call("cancel", body).await?;
            let attempt = v["partner_order_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            Ok(self.payment_of(&req.payment_key, &attempt, &v, raw))
        }
        .boxed()
    }

    fn lookup<'a>(
        &'a self,
        payment: &'a PaymentRef,
    ) -> BoxFuture<'a, Result<GatewayPayment, PaymentError>> {
        async move {
            let Some(tid) = payment.payment_key.as_deref() else {
                return Err(rejected("-721", "TID가 존재하지 않습니다."));
            };
            self.order(tid, &payment.attempt_id).await
        }
        .boxed()
    }

    fn parse_webhook(
        &self,
        _headers: &super::HeaderMap,
        _body: &[u8],
    ) -> Result<WebhookNotice, PaymentError> {
        Err(PaymentError::Malformed(
            "KakaoPay sends no payment webhooks".into(),
        ))
    }
}
