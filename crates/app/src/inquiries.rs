//! Customer inquiries: members ask about a product (product Q&A) or their shopping (1:1); staff
//! answer, and the answer reaches the member through the notification outbox.

use crate::auth::StaffActor;
use crate::field_errors::FieldErrors;
use crate::orders::Actor;
use crate::{App, AppError, AppResult};
use jangteo_core::ids::OrderId;
use jangteo_core::member::required_text;
use jangteo_core::paging::{PageRequest, Paged};
use jangteo_core::staff::{Access, Area};
use jangteo_db::inquiries::{self, InquiryRow, NewInquiry};

/// Topics of a 1:1 inquiry (message keys `inquiry.category.CODE`).
pub const PERSONAL_CATEGORIES: [&str; 7] = [
    "order", "delivery", "return", "product", "payment", "account", "other",
];

/// Longest title, in characters.
const MAX_TITLE: usize = 100;
/// Longest question or answer, in characters.
const MAX_TEXT: usize = 4_000;

/// A 1:1 inquiry as typed.
#[derive(Debug, Clone, Default)]
pub struct PersonalInquiryInput {
    /// Topic code.
    pub category: String,
    /// Order number (optional).
    pub order_number: String,
    /// Title.
    pub title: String,
    /// Question.
    pub body: String,
}

/// A product question as typed.
#[derive(Debug, Clone, Default)]
pub struct ProductQuestionInput {
    /// Title.
    pub title: String,
    /// Question.
    pub body: String,
    /// Only the author and staff may read it.
    pub secret: bool,
}

/// A product question as a visitor may see it.
#[derive(Debug, Clone)]
pub struct VisibleQuestion {
    /// The stored question.
    pub row: InquiryRow,
    /// The author's name, masked (홍*동).
    pub author: String,
    /// Whether the viewer may read the question and answer (not secret, or the author).
    pub readable: bool,
    /// Whether the viewer asked it.
    pub mine: bool,
}

fn multiline_text(raw: &str, max: usize) -> Result<String, jangteo_core::member::InputError> {
    // Normalise line ends so the length check counts what is stored.
    required_text(&raw.replace("\r\n", "\n"), max)
}

impl App {
    /// Stores a member's 1:1 inquiry; an order number must be one of the member's orders.
    pub async fn ask_personal(
        &self,
        member_id: i64,
        input: &PersonalInquiryInput,
    ) -> AppResult<i64> {
        let member = self.active_member(member_id).await?;
        let mut errors = FieldErrors::default();
        let category = input.category.trim();
        if !PERSONAL_CATEGORIES.contains(&category) {
            errors.add("category", "required");
        }
        let title = errors.check("title", required_text(&input.title, MAX_TITLE));
        let body = errors.check("body", multiline_text(&input.body, MAX_TEXT));
        let number = input.order_number.trim().to_uppercase();
        let mut order_id = None;
        if !number.is_empty() {
            match self.order_for(&number, &Actor::Member(member.id)).await {
                Ok(order) => order_id = Some(order.id),
                Err(AppError::NotFound) => errors.add("order_number", "unknown_order"),
                Err(e) => return Err(e),
            }
        }
        errors.finish()?;
        let (Some(title), Some(body)) = (title, body) else {
            return Err(AppError::Other("validated inquiry went missing".into()));
        };
        let id = inquiries::insert(
            &self.db,
            &NewInquiry {
                kind: "personal",
                member_id: member.id,
                product_id: None,
                order_id: order_id.map(OrderId::get),
                category,
                title: &title,
                body: &body,
                is_secret: true,
            },
            self.now(),
        )
        .await?;
        tracing::info!(
            inquiry.id = id,
            member.id = member.id,
            "1:1 inquiry received"
        );
        self.alert_inquiry(id, &title).await;
        Ok(id)
    }

    /// Stores a member's question about a listed product.
    pub async fn ask_about_product(
        &self,
        member_id: i64,
        product_slug: &str,
        input: &ProductQuestionInput,
    ) -> AppResult<i64> {
        let member = self.active_member(member_id).await?;
        let product = self
            .product_detail(product_slug)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut errors = FieldErrors::default();
        let title = errors.check("title", required_text(&input.title, MAX_TITLE));
        let body = errors.check("body", multiline_text(&input.body, MAX_TEXT));
        errors.finish()?;
        let (Some(title), Some(body)) = (title, body) else {
            return Err(AppError::Other("validated question went missing".into()));
        };
        let id = inquiries::insert(
            &self.db,
            &NewInquiry {
                kind: "product",
                member_id: member.id,
                product_id: Some(product.summary.id.0),
                order_id: None,
                category: "product",
                title: &title,
                body: &body,
                is_secret: input.secret,
            },
            self.now(),
        )
        .await?;
        tracing::info!(
            inquiry.id = id,
            product.id = product.summary.id.0,
            "product question received"
        );
        self.alert_inquiry(id, &title).await;
        Ok(id)
    }

    /// A member's inquiries of both kinds, newest first.
    pub async fn member_inquiries(
        &self,
        member_id: i64,
        page: u32,
        size: u32,
    ) -> AppResult<Paged<InquiryRow>> {
        let request = PageRequest::new(page, size);
        let (rows, total) =
            inquiries::list_for_member(&self.db, member_id, request.limit(), request.offset())
                .await?;
        Ok(Paged::counted(rows, total, request))
    }

    /// One of the member's inquiries (anyone else's is `NotFound`).
    pub async fn member_inquiry(&self, member_id: i64, id: i64) -> AppResult<InquiryRow> {
        match inquiries::find(&self.db, id).await? {
            Some(row) if row.member_id == Some(member_id) => Ok(row),
            _ => Err(AppError::NotFound),
        }
    }

    /// Deletes a member's inquiry while it is unanswered (answered ones stay on record).
    pub async fn delete_inquiry(&self, member_id: i64, id: i64) -> AppResult<()> {
        let row = self.member_inquiry(member_id, id).await?;
        if row.status != "open" || !inquiries::delete_open(&self.db, id, member_id).await? {
            return Err(AppError::Conflict("inquiry_answered"));
        }
        Ok(())
    }

    /// A product's questions as `viewer` may see them: secret ones show only to their author.
    pub async fn product_questions(
        &self,
        product_id: i64,
        viewer: Option<i64>,
        page: u32,
        size: u32,
    ) -> AppResult<Paged<VisibleQuestion>> {
        let request = PageRequest::new(page, size);
        let (rows, total) =
            inquiries::list_for_product(&self.db, product_id, request.limit(), request.offset())
                .await?;
        let items = rows
            .into_iter()
            .map(|row| {
                let mine = viewer.is_some() && row.member_id == viewer;
                VisibleQuestion {
                    author: jangteo_core::member::mask_name(
                        row.member_name.as_deref().unwrap_or(""),
                    ),
                    readable: !row.is_secret || mine,
                    mine,
                    row,
                }
            })
            .collect();
        Ok(Paged::counted(items, total, request))
    }

    /// Inquiries for staff (`status`/`kind` empty = any).
    pub async fn staff_inquiries(
        &self,
        actor: &StaffActor,
        status: &str,
        kind: &str,
        page: u32,
        size: u32,
    ) -> AppResult<Paged<InquiryRow>> {
        actor.require(Area::Inquiries, Access::Read)?;
        let request = PageRequest::new(page, size);
        let (rows, total) =
            inquiries::list_for_staff(&self.db, status, kind, request.limit(), request.offset())
                .await?;
        Ok(Paged::counted(rows, total, request))
    }

    /// One inquiry for staff.
    pub async fn staff_inquiry(&self, actor: &StaffActor, id: i64) -> AppResult<InquiryRow> {
        actor.require(Area::Inquiries, Access::Read)?;
        inquiries::find(&self.db, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Inquiries waiting for an answer.
    pub async fn open_inquiry_count(&self) -> AppResult<i64> {
        Ok(inquiries::count_open(&self.db).await?)
    }

    /// Records staff's answer and tells the member by e-mail (once per inquiry: editing an answer
    /// later does not mail again). Returns whether this was the first answer.
    pub async fn answer_inquiry(
        &self,
        actor: &StaffActor,
        id: i64,
        answer: &str,
    ) -> AppResult<bool> {
        actor.require(Area::Inquiries, Access::Write)?;
        let mut errors = FieldErrors::default();
        let answer = errors.check("answer", multiline_text(answer, MAX_TEXT));
        errors.finish()?;
        let Some(answer) = answer else {
            return Err(AppError::Other("validated answer went missing".into()));
        };
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let row = inquiries::find(&mut tx, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let first = inquiries::answer(&mut tx, id, &answer, &actor.email, now).await?;
        jangteo_db::audit::record(
            &mut tx,
            &jangteo_db::audit::NewAudit {
                before: row
                    .answer
                    .as_ref()
                    .map(|a| serde_json::json!({ "answer": a }).to_string()),
                after: Some(serde_json::json!({ "answer": answer }).to_string()),
                ..actor.entry("inquiry.answer", "inquiry", &id.to_string())
            },
            now,
        )
        .await?;
        if first {
            self.tell_inquiry_answered(&mut tx, &row, &answer).await?;
        }
        tx.commit().await?;
        tracing::info!(inquiry.id = id, staff = %actor.email, first, "inquiry answered");
        Ok(first)
    }
}

impl App {
    /// Tells the member their inquiry was answered, by the channels the owner chose
    /// (`inquiry_answered`; e-mail to their address, a text to their mobile).
    async fn tell_inquiry_answered(
        &self,
        tx: &mut jangteo_db::Tx,
        row: &inquiries::InquiryRow,
        answer: &str,
    ) -> AppResult<()> {
        let excerpt = jangteo_core::text::excerpt(answer, 200);
        let context = serde_json::json!({ "inquiry": {
            "title": row.title,
            "answer_excerpt": excerpt,
            "url": format!("{}/account/inquiries/{}", self.config.base_url(), row.id),
        }});
        let to = crate::notify_settings::Addressee {
            email: row.member_email.as_deref(),
            mobile: row.member_mobile.as_deref(),
            name: row.member_name.as_deref().unwrap_or_default(),
        };
        let key = format!("inquiry_answered:{}", row.id);
        self.notify_by_chosen_channels(tx, "inquiry_answered", &to, &context, &key)
            .await?;
        Ok(())
    }
}
