//! ChatOps (issue 18): `/장터` commands from Slack answered by the back office's own use cases,
//! as the staff member linked to the Slack user — the same role checks and audit entries as
//! the back office. An unlinked Slack user is refused and told nothing else.

use crate::admin::orders::{OrderQuery, StaffOrderAction};
use crate::admin::stock::StockFilter;
use crate::auth::StaffActor;
use crate::statistics::SalesQuery;
use crate::{App, AppError, AppResult};
use jangteo_core::Won;
use jangteo_core::chatops::{ChatCommand, ChatMistake, parse_command};
use jangteo_core::member::{mask_mobile, mask_name};
use jangteo_core::staff::{Access, Area, Role};
use jangteo_core::stats::{Granularity, Period};
use jangteo_core::text::slack_escaped as escaped;

/// An answer for chat: a title (also the notification text), lines of Slack mrkdwn, and a
/// link into the back office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatAnswer {
    /// Title.
    pub title: String,
    /// Lines (Slack mrkdwn; user text escaped).
    pub lines: Vec<String>,
    /// (label, absolute URL).
    pub link: Option<(String, String)>,
}

impl ChatAnswer {
    fn says(title: impl Into<String>, lines: Vec<String>) -> Self {
        Self {
            title: title.into(),
            lines,
            link: None,
        }
    }

    fn with_link(mut self, label: &str, url: String) -> Self {
        self.link = Some((label.to_owned(), url));
        self
    }
}

const HELP: [&str; 7] = [
    "`/장터 매출 [오늘|어제|이번주|이번달|YYYY-MM-DD YYYY-MM-DD]`",
    "`/장터 주문 <주문번호|이름|전화번호>`",
    "`/장터 재고 <상품명|SKU>`",
    "`/장터 품절임박`",
    "`/장터 송장 <주문번호> <택배사> <송장번호>`",
    "`/장터 미처리`",
    "`/장터 도움말`",
];

impl App {
    /// Whether ChatOps is on (the Slack app's signing secret is set).
    pub fn chatops_on(&self) -> bool {
        !self.config.slack.signing_secret.0.is_empty()
    }

    /// Checks that a request to the Slack endpoint was signed by Slack for this app, recently
    /// (`Forbidden` otherwise; `NotFound` while ChatOps is off).
    pub fn verify_slack_request(
        &self,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
    ) -> AppResult<()> {
        if !self.chatops_on() {
            return Err(AppError::NotFound);
        }
        let secret = &self.config.slack.signing_secret.0;
        jangteo_providers::messaging::verify_slack_request(
            secret,
            timestamp,
            signature,
            body,
            self.now().timestamp(),
        )
        .map_err(|refused| {
            tracing::warn!(%refused, "Slack request refused");
            AppError::Forbidden
        })
    }

    /// Posts a late answer to the command's `response_url` (only Slack's own addresses).
    pub async fn answer_slack_later(
        &self,
        response_url: &str,
        text: &str,
        blocks: serde_json::Value,
    ) -> AppResult<()> {
        if !response_url.starts_with(&self.config.slack.response_url_prefix) {
            return Err(AppError::Forbidden);
        }
        let http = jangteo_providers::messaging::http_client();
        jangteo_providers::messaging::SlackWebhook::new(http, response_url)
            .post(text, Some(blocks))
            .await
            .map(|_| ())
            .map_err(|e| AppError::Other(format!("answering Slack: {e}")))
    }

    /// Posts an answer to an app mention in the mention's thread with the bot token.
    pub async fn answer_slack_mention(
        &self,
        channel: &str,
        thread_ts: &str,
        text: &str,
        blocks: serde_json::Value,
    ) -> AppResult<()> {
        if self.config.slack.bot_token.0.is_empty() {
            tracing::warn!("a Slack mention is not answered: [slack] bot_token is not set");
            return Ok(());
        }
        let message = serde_json::json!({
            "channel": channel, "thread_ts": thread_ts, "text": text, "blocks": blocks,
        });
        self.post_as_slack_bot(message)
            .await
            .map(|_| ())
            .map_err(|e| AppError::Other(format!("answering a Slack mention: {e}")))
    }

    /// Answers `text` typed by Slack user `slack_user`.
    pub async fn slack_command(&self, slack_user: &str, text: &str) -> AppResult<ChatAnswer> {
        let Some(staff) = jangteo_db::staff::find_by_slack_user(&self.db, slack_user).await? else {
            return Ok(ChatAnswer::says(
                "연결된 직원 계정이 없습니다",
                vec![
                    "관리자 화면 › 직원 계정에서 Slack 사용자를 연결한 뒤 사용할 수 있습니다."
                        .into(),
                ],
            ));
        };
        let actor = StaffActor {
            id: Some(staff.id),
            email: staff.email.clone(),
            role: Role::parse(&staff.role).ok_or(AppError::Forbidden)?,
            ip: "slack".into(),
        };
        let command = match parse_command(text) {
            Ok(command) => command,
            Err(ChatMistake::Unknown) => {
                return Ok(ChatAnswer::says(
                    "알 수 없는 명령입니다",
                    HELP.map(str::to_owned).to_vec(),
                ));
            }
            Err(ChatMistake::Usage(verb)) => {
                let usage = HELP.iter().find(|h| h.contains(verb)).copied();
                return Ok(ChatAnswer::says(
                    "명령 형식을 확인해 주세요",
                    usage.into_iter().map(str::to_owned).collect(),
                ));
            }
        };
        match self.answer(&actor, command).await {
            Err(AppError::Forbidden) => Ok(ChatAnswer::says(
                "권한이 없습니다",
                vec![format!(
                    "{} 계정의 역할로는 할 수 없는 일입니다.",
                    escaped(&actor.email)
                )],
            )),
            other => other,
        }
    }

    async fn answer(&self, actor: &StaffActor, command: ChatCommand) -> AppResult<ChatAnswer> {
        let today = jangteo_core::time::business_date(self.now());
        match command {
            ChatCommand::Help => Ok(ChatAnswer::says(
                "장터 명령",
                HELP.map(str::to_owned).to_vec(),
            )),
            ChatCommand::Sales(range) => {
                let (from, to) = range.days(today);
                self.chat_sales(actor, from, to).await
            }
            ChatCommand::Order(query) => self.chat_orders(actor, &query).await,
            ChatCommand::Stock(query) => self.chat_stock(actor, &query, false).await,
            ChatCommand::LowStock => self.chat_stock(actor, "", true).await,
            ChatCommand::Ship {
                number,
                carrier,
                waybill,
            } => self.chat_ship(actor, &number, &carrier, &waybill).await,
            ChatCommand::Pending => self.chat_pending(actor).await,
        }
    }

    async fn chat_sales(
        &self,
        actor: &StaffActor,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> AppResult<ChatAnswer> {
        let period = Period::new(from, to, Granularity::Day)
            .map_err(|_| AppError::Form(vec![("period", "stats_date")]))?;
        let q = SalesQuery {
            granularity: Granularity::Day,
            period,
        };
        actor.require(Area::Statistics, Access::Read)?;
        // A chat question wants today's figures: roll up what the job has not reached yet.
        self.roll_up_statistics_days(31).await?;
        let report = self.sales_report(actor, q).await?;
        let (now, before) = (&report.totals, &report.previous_totals);
        let mut lines = vec![
            format!(
                "*결제 금액* {} (이전 기간 {})",
                Won(now.paid()),
                Won(before.paid())
            ),
            format!("*주문* {}건 (이전 기간 {}건)", now.orders, before.orders),
            format!("*환불* {} · *순매출* {}", Won(now.refunds), Won(now.net())),
            format!("*객단가* {}", Won(now.average_order_value())),
        ];
        if report.pending_days > 0 {
            lines.push(
                "_집계 작업이 아직 돌지 않은 날이 있어 숫자가 조금 늦을 수 있습니다._".into(),
            );
        }
        let url = format!("{}/admin/stats?from={from}&to={to}", self.config.base_url());
        Ok(ChatAnswer::says(format!("매출 {from} ~ {to}"), lines).with_link("통계 보기", url))
    }

    async fn chat_orders(&self, actor: &StaffActor, query: &str) -> AppResult<ChatAnswer> {
        let q = OrderQuery {
            keyword: query.to_owned(),
            ..OrderQuery::default()
        };
        let found = self.staff_orders(actor, &q, 1, 5).await?;
        let base = self.config.base_url();
        let lines = found
            .items
            .iter()
            .map(|o| {
                format!(
                    "<{base}/admin/orders/{n}|{n}> · {} · {} · {} · {}",
                    escaped(&mask_name(&o.orderer_name)),
                    mask_mobile(&o.orderer_mobile),
                    o.status.korean_name(),
                    o.total,
                    n = o.number,
                )
            })
            .collect::<Vec<_>>();
        let title = format!("주문 검색 \"{}\": {}건", escaped(query), found.total);
        let (label, url) = match found.items.as_slice() {
            [only] => ("주문 보기", format!("{base}/admin/orders/{}", only.number)),
            _ => ("주문 목록", format!("{base}/admin/orders")),
        };
        Ok(ChatAnswer::says(title, lines).with_link(label, url))
    }

    async fn chat_stock(
        &self,
        actor: &StaffActor,
        query: &str,
        low: bool,
    ) -> AppResult<ChatAnswer> {
        let filter = StockFilter {
            keyword: query.to_owned(),
            low_only: low,
            with_off_sale: false,
        };
        let page = self.stock_list(actor, &filter, 1).await?;
        let lines = page
            .items
            .iter()
            .take(15)
            .map(|(sku, option)| {
                let name = if option.is_empty() {
                    escaped(&sku.product_name)
                } else {
                    format!("{} ({})", escaped(&sku.product_name), escaped(option))
                };
                format!("`{}` {name}: *{}개*", escaped(&sku.code), sku.stock)
            })
            .collect();
        let title = if low {
            format!("품절 임박 {}개 SKU", page.total)
        } else {
            format!("재고 \"{}\": {}개 SKU", escaped(query), page.total)
        };
        let url = format!("{}/admin/stock", self.config.base_url());
        Ok(ChatAnswer::says(title, lines).with_link("재고 관리에서 보기", url))
    }

    async fn chat_ship(
        &self,
        actor: &StaffActor,
        number: &str,
        carrier: &str,
        waybill: &str,
    ) -> AppResult<ChatAnswer> {
        let Some(carrier) = jangteo_core::carrier::carrier_named(carrier) else {
            let known: Vec<&str> = jangteo_core::carrier::CARRIERS
                .iter()
                .map(|c| c.name)
                .collect();
            return Ok(ChatAnswer::says(
                "택배사를 알 수 없습니다",
                vec![format!("다음 중 하나로 적어 주세요: {}", known.join(", "))],
            ));
        };
        let number = number.trim().to_uppercase();
        let action = StaffOrderAction::Ship {
            carrier: carrier.code.to_owned(),
            waybill: waybill.to_owned(),
            lines: None,
        };
        let url = format!("{}/admin/orders/{number}", self.config.base_url());
        match self.staff_order_action(actor, &number, action).await {
            Ok(()) => Ok(ChatAnswer::says(
                format!("{number} 발송 처리했습니다"),
                vec![format!("{} {}", carrier.name, escaped(waybill))],
            )
            .with_link("주문 보기", url)),
            Err(AppError::NotFound) => Ok(ChatAnswer::says(
                "주문을 찾을 수 없습니다",
                vec![format!("주문번호 {}", escaped(&number))],
            )),
            Err(AppError::Conflict(_) | AppError::Refused { .. } | AppError::Form(_)) => {
                Ok(ChatAnswer::says(
                    "발송 처리할 수 없습니다",
                    vec!["주문 상태나 송장번호를 확인해 주세요.".into()],
                )
                .with_link("주문 보기", url))
            }
            Err(e) => Err(e),
        }
    }

    async fn chat_pending(&self, actor: &StaffActor) -> AppResult<ChatAnswer> {
        actor.require(Area::Dashboard, Access::Read)?;
        let d = self.dashboard(actor, self.now()).await?;
        let base = self.config.base_url();
        let lines = vec![
            format!("*입금 대기* {}건", d.awaiting_deposit),
            format!(
                "*배송 준비할 주문* {}건 · *송장 입력 대기* {}건",
                d.to_prepare, d.to_ship
            ),
            format!("*처리할 교환·반품* {}건", d.open_claims),
            format!("*답변 대기 문의* {}건", d.open_inquiries),
            format!("*품절 임박 SKU* {}개", d.low_stock.len()),
        ];
        Ok(ChatAnswer::says("미처리 현황", lines).with_link("대시보드", format!("{base}/admin")))
    }
}

impl App {
    /// Each staff account's linked Slack user (staff, read).
    pub async fn staff_slack_users(
        &self,
        actor: &StaffActor,
    ) -> AppResult<std::collections::BTreeMap<i64, String>> {
        actor.require(Area::Staff, Access::Read)?;
        Ok(jangteo_db::staff::slack_users(&self.db)
            .await?
            .into_iter()
            .collect())
    }

    /// Links a staff account to the Slack user whose commands it answers (`U…`/`W…` member
    /// ID; empty unlinks). Staff, write; audited.
    pub async fn link_staff_slack(
        &self,
        actor: &StaffActor,
        id: i64,
        slack_user_id: &str,
    ) -> AppResult<()> {
        actor.require(Area::Staff, Access::Write)?;
        let slack = slack_user_id.trim().to_uppercase();
        let valid = slack.is_empty()
            || ((slack.starts_with('U') || slack.starts_with('W'))
                && (9..=15).contains(&slack.len())
                && slack.chars().all(|c| c.is_ascii_alphanumeric()));
        if !valid {
            return Err(AppError::field("slack_user_id", "slack_user_id"));
        }
        jangteo_db::staff::find(&self.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let before = self.staff_slack_users(actor).await?.remove(&id);
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let linked = (!slack.is_empty()).then_some(slack.as_str());
        if !jangteo_db::staff::set_slack_user(&mut tx, id, linked).await? {
            return Err(AppError::field("slack_user_id", "slack_user_taken"));
        }
        let target = id.to_string();
        let entry = jangteo_db::audit::NewAudit {
            before: before.map(|b| serde_json::json!({ "slack_user_id": b }).to_string()),
            after: linked.map(|l| serde_json::json!({ "slack_user_id": l }).to_string()),
            ..actor.entry("staff.slack", "staff", &target)
        };
        jangteo_db::audit::record(&mut tx, &entry, now).await?;
        tx.commit().await.map_err(AppError::from)
    }
}
