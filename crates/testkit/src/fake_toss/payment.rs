//! The fake's payment object (docs/PROVIDERS.md §1.4) and its moves.

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{Value, json};

/// A payment the fake holds.
#[derive(Debug, Clone)]
pub struct FakePayment {
    /// `paymentKey`.
    pub payment_key: String,
    /// `orderId` (the shop's attempt id).
    pub order_id: String,
    /// `orderName`.
    pub order_name: String,
    /// Korean method literal ("카드", "가상계좌" …).
    pub method: String,
    /// `status` literal.
    pub status: String,
    /// `totalAmount`.
    pub total: i64,
    /// `balanceAmount`.
    pub balance: i64,
    /// `secret` (virtual accounts).
    pub secret: Option<String>,
    /// `virtualAccount` block.
    pub virtual_account: Option<Value>,
    /// `cancels[]`.
    pub cancels: Vec<Value>,
    /// `lastTransactionKey`.
    pub last_transaction_key: String,
    /// `requestedAt`.
    pub requested_at: DateTime<Utc>,
    /// `approvedAt`.
    pub approved_at: Option<DateTime<Utc>>,
    /// When the shopper authenticated (the 10-minute confirm window runs from here).
    pub authenticated_at: DateTime<Utc>,
}

/// Toss's timestamps: ISO 8601 with `+09:00`.
pub(crate) fn kst(t: DateTime<Utc>) -> String {
    let seoul = FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset");
    t.with_timezone(&seoul)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Webhook `createdAt`: `yyyy-MM-dd'T'HH:mm:ss.SSSSSS`, KST, no offset (§1.8).
pub(crate) fn kst_naive(t: DateTime<Utc>) -> String {
    let seoul = FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset");
    t.with_timezone(&seoul)
        .format("%Y-%m-%dT%H:%M:%S%.6f")
        .to_string()
}

impl FakePayment {
    /// The deposit arrived.
    pub(crate) fn deposit(&mut self, now: DateTime<Utc>) {
        if self.status == "WAITING_FOR_DEPOSIT" {
            self.status = "DONE".into();
            self.approved_at = Some(now);
            self.last_transaction_key =
                format!("txdep{}", self.payment_key.len() + self.cancels.len());
            if let Some(va) = &mut self.virtual_account {
                va["settlementStatus"] = json!("COMPLETED");
            }
        }
    }

    /// The Payment object.
    pub fn to_json(&self) -> Value {
        let supplied = self.total * 10 / 11;
        let mut v = json!({
            "mId": "tvivarepublica4", "version": "2022-11-16", "type": "NORMAL",
            "paymentKey": self.payment_key, "orderId": self.order_id,
            "orderName": self.order_name, "currency": "KRW", "country": "KR",
            "method": self.method, "status": self.status,
            "totalAmount": self.total, "balanceAmount": self.balance,
            "suppliedAmount": supplied, "vat": self.total - supplied,
            "taxFreeAmount": 0, "taxExemptionAmount": 0,
            "requestedAt": kst(self.requested_at),
            "approvedAt": self.approved_at.map(kst),
            "useEscrow": false, "cultureExpense": false,
            "lastTransactionKey": self.last_transaction_key,
            "isPartialCancelable": true,
            "cancels": if self.cancels.is_empty() { Value::Null } else { json!(self.cancels) },
            "card": Value::Null, "virtualAccount": Value::Null, "transfer": Value::Null,
            "easyPay": Value::Null, "mobilePhone": Value::Null, "giftCertificate": Value::Null,
            "cashReceipt": Value::Null, "cashReceipts": Value::Null, "discount": Value::Null,
            "failure": Value::Null, "secret": self.secret,
            "receipt": {"url": format!("https://dashboard.tosspayments.com/receipt/redirection?transactionId={}", self.payment_key)},
            "checkout": {"url": format!("https://api.tosspayments.com/v1/payments/{}/checkout", self.payment_key)},
        });
        match self.method.as_str() {
            "카드" => {
                v["card"] = json!({
                    "amount": self.total, "issuerCode": "41", "acquirerCode": "41",
                    "number": "43301234****123*", "installmentPlanMonths": 0,
                    "approveNo": "00000000", "useCardPoint": false, "cardType": "신용",
                    "ownerType": "개인", "acquireStatus": "READY", "isInterestFree": false,
                    "interestPayer": Value::Null,
                });
            }
            "계좌이체" => {
                v["transfer"] = json!({"bankCode": "88", "settlementStatus": "INCOMPLETED"});
            }
            "간편결제" => {
                v["easyPay"] =
                    json!({"provider": "토스페이", "amount": self.total, "discountAmount": 0});
            }
            _ => {}
        }
        if let Some(va) = &self.virtual_account {
            v["virtualAccount"] = va.clone();
        }
        v
    }
}
