//! What follows a payment at its gateway: escrow shipments (구매안전서비스) and 현금영수증.

use super::PaymentError;
use chrono::{DateTime, Utc};
use jangteo_core::Won;

/// A shipment of an escrow payment, registered with the gateway (구매안전서비스).
#[derive(Debug, Clone)]
pub struct EscrowShipment {
    /// Gateway key.
    pub payment_key: String,
    /// Our attempt id.
    pub attempt_id: String,
    /// Our carrier code (`cj`, `hanjin` …).
    pub carrier: String,
    /// Waybill number.
    pub waybill: String,
    /// When it was handed to the carrier.
    pub sent_at: DateTime<Utc>,
    /// Recipient's name.
    pub receiver_name: String,
    /// Recipient's mobile digits.
    pub receiver_mobile: String,
}

/// A 현금영수증 to issue.
#[derive(Debug, Clone)]
pub struct CashReceiptRequest {
    /// Our id of this receipt (unique per issue; the idempotency key).
    pub receipt_id: String,
    /// Shown on the receipt.
    pub order_name: String,
    /// Amount it covers.
    pub amount: Won,
    /// 지출증빙 (a business number) rather than 소득공제.
    pub business: bool,
    /// Mobile, 현금영수증 card or business number, digits only.
    pub identity: String,
}

/// A receipt the gateway issued.
#[derive(Debug, Clone)]
pub struct IssuedReceipt {
    /// The gateway's key (to cancel it).
    pub receipt_key: String,
    /// 승인번호.
    pub issue_number: String,
    /// The receipt's page.
    pub receipt_url: Option<String>,
}

/// The refusal of a gateway that issues no 현금영수증 (KakaoPay: not a cash method).
pub(super) fn receipts_unsupported(provider: &'static str) -> PaymentError {
    PaymentError::Rejected {
        provider,
        code: "CASH_RECEIPT_UNSUPPORTED".into(),
        message: "이 결제 대행사로는 현금영수증을 발급할 수 없습니다.".into(),
    }
}

/// The refusal of a gateway without escrow calls (Toss v1 has no shipment registration).
pub(super) fn escrow_unsupported(provider: &'static str) -> PaymentError {
    PaymentError::Rejected {
        provider,
        code: "ESCROW_UNSUPPORTED".into(),
        message: "이 결제 대행사는 에스크로 배송 등록을 지원하지 않습니다.".into(),
    }
}
