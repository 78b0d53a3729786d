//! `/장터` from Slack (issue 18) on SQLite and PostgreSQL: signed, forged, stale and unsigned
//! requests; an unlinked Slack user is refused and told nothing else; the owner links Slack
//! users on 직원 계정; sales, orders (masked), stock, pending work and 송장 answer in Block Kit
//! as the linked staff member, with that member's role and audit entry.

use crate::checkout::{add, pay, place, sign_up};
use jangteo_testkit::fakes::slack_signature;
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, fixtures, on_both_backends};
use serde_json::Value;

const SECRET: &str = "test-signing-secret-8f74";

fn with_chatops(config: &mut jangteo_app::Config) {
    config.slack.signing_secret = jangteo_app::config::Secret(SECRET.into());
}

/// Posts a slash command as Slack would, signed `at` (Unix seconds) with `secret`.
async fn slash(t: &TestApp, user: &str, text: &str, secret: &str, at: i64) -> (u16, Value) {
    let body = format!(
        "token=x&team_id=T1&channel_id=C1&user_id={user}&user_name=staff&command=%2F%EC%9E%A5%ED%84%B0&text={}&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F1%2Fx&trigger_id=1",
        encode(text)
    );
    let response = t
        .client
        .post(t.url("/slack/commands"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", at.to_string())
        .header("x-slack-signature", slack_signature(secret, at, &body))
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The answer's header and section text.
fn said(answer: &Value) -> String {
    answer["blocks"]
        .as_array()
        .map(|blocks| {
            blocks
                .iter()
                .map(|b| b["text"]["text"].as_str().unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

async fn requests_must_be_slacks_and_recent(backend: Backend) {
    let options = TestOptions {
        configure: Some(with_chatops),
        ..TestOptions::default()
    };
    let Some(t) = TestApp::spawn_with(backend, options).await else {
        return;
    };
    let (status, _) = slash(&t, "U0STRANGER1", "매출", "someone-elses-secret", now()).await;
    assert_eq!(status, 401, "forged");
    let (status, _) = slash(&t, "U0STRANGER1", "매출", SECRET, now() - 400).await;
    assert_eq!(status, 401, "stale");
    let unsigned = t
        .client
        .post(t.url("/slack/commands"))
        .body("user_id=U1&text=x")
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);
    let (status, answer) = slash(&t, "U0STRANGER1", "매출 오늘", SECRET, now()).await;
    assert_eq!(status, 200);
    assert_eq!(answer["response_type"], "ephemeral");
    assert_eq!(answer["text"], "연결된 직원 계정이 없습니다");
    assert!(!said(&answer).contains("매출"), "nothing else: {answer}");

    // Without a signing secret, the endpoint is not there.
    let Some(off) = TestApp::spawn(backend).await else {
        return;
    };
    let (status, _) = slash(&off, "U0STRANGER1", "매출", SECRET, now()).await;
    assert_eq!(status, 404);
}

async fn linked_staff_answer_and_act_with_their_role(backend: Backend) {
    let options = TestOptions {
        configure: Some(with_chatops),
        ..TestOptions::default()
    };
    let Some((t, tshirt)) = crate::checkout::shop_with(backend, options).await else {
        return;
    };
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    staff_session(&t, "mkt@example.com", "marketing").await;
    let staff_id = |email: &'static str| {
        let db = t.app.db.clone();
        async move {
            jangteo_db::staff::find_by_email(&db, email)
                .await
                .unwrap()
                .unwrap()
                .id
        }
    };
    let (owner_id, marketer_id) = (
        staff_id("owner@example.com").await,
        staff_id("mkt@example.com").await,
    );
    for (id, slack) in [(owner_id, "U0OWNER01"), (marketer_id, "U0MKT0001")] {
        let linked = owner
            .post(
                &format!("/admin/staff/{id}/slack"),
                &[("slack_user_id", slack)],
            )
            .await;
        assert_eq!(linked.status, 303, "{}", linked.body);
    }
    let refused = owner
        .post(
            &format!("/admin/staff/{marketer_id}/slack"),
            &[("slack_user_id", "U0OWNER01")],
        )
        .await;
    assert_eq!(refused.status, 422, "one staff member per Slack user");
    let links = t
        .app
        .staff_slack_users(&jangteo_app::auth::StaffActor::system("check"))
        .await
        .unwrap();
    assert_eq!(links.len(), 2, "{links:?}");

    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "chat-buyer@example.com").await;
    add(&buyer, tshirt, 1).await;
    let number = pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;

    let (_, sales) = slash(&t, "U0OWNER01", "매출 오늘", SECRET, now()).await;
    assert!(said(&sales).contains("주문* 1건"), "{sales}");
    let (_, orders) = slash(&t, "U0OWNER01", &format!("주문 {number}"), SECRET, now()).await;
    let text = said(&orders);
    assert!(text.contains(&number) && text.contains("김*터"), "{text}");
    assert!(
        !text.contains("1234-5678") && text.contains("010-****-5678"),
        "{text}"
    );
    let (_, stock) = slash(&t, "U0OWNER01", "재고 티셔츠", SECRET, now()).await;
    assert!(said(&stock).contains("TSHIRT"), "{stock}");
    let (_, pending) = slash(&t, "U0OWNER01", "미처리", SECRET, now()).await;
    assert!(
        said(&pending).contains("배송 준비할 주문* 1건"),
        "{pending}"
    );

    // The marketer's role may not ship; the owner's may, and the audit log names the owner.
    let ship = format!("송장 {number} CJ대한통운 123456789012");
    let (_, denied) = slash(&t, "U0MKT0001", &ship, SECRET, now()).await;
    assert_eq!(denied["text"], "권한이 없습니다");
    let prepared = owner
        .post(
            &format!("/admin/orders/{number}/action"),
            &[("action", "prepare")],
        )
        .await;
    assert_eq!(prepared.status, 303);
    let (_, shipped) = slash(&t, "U0OWNER01", &ship, SECRET, now()).await;
    assert!(
        shipped["text"]
            .as_str()
            .unwrap()
            .contains("발송 처리했습니다"),
        "{shipped}"
    );
    let order = jangteo_db::orders::find_by_number(&t.app.db, &number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.waybill.as_deref(), Some("123456789012"));
    let (entries, _) = jangteo_db::audit::search(&t.app.db, &Default::default(), 50, 0)
        .await
        .unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.staff_email == "owner@example.com" && e.action.starts_with("order."))
    );
    assert!(entries.iter().any(|e| e.action == "staff.slack"));
}

on_both_backends!(
    requests_must_be_slacks_and_recent,
    linked_staff_answer_and_act_with_their_role,
);

/// Posts an Events API payload as Slack would, signed now.
async fn event(t: &TestApp, payload: &Value, retry: bool) -> (u16, String) {
    let body = payload.to_string();
    let at = now();
    let mut request = t
        .client
        .post(t.url("/slack/events"))
        .header("content-type", "application/json")
        .header("x-slack-request-timestamp", at.to_string())
        .header("x-slack-signature", slack_signature(SECRET, at, &body));
    if retry {
        request = request.header("x-slack-retry-num", "1");
    }
    let response = request.body(body).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// `@장터 재고 티셔츠` in a channel: Slack's URL check is echoed, the mention answered in its
/// thread through chat.postMessage with the bot token as the linked owner, a retried delivery not
/// answered twice, an unlinked user told only that.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mentions_are_answered_in_their_thread() {
    let slack = jangteo_testkit::fakes::slack().await;
    let options = TestOptions {
        configure: Some(with_chatops),
        slack_base: Some(slack.base_url.clone()),
        ..TestOptions::default()
    };
    let Some(t) = TestApp::spawn_with(Backend::Sqlite, options).await else {
        return;
    };
    fixtures::catalog(&t.app).await;
    let check = serde_json::json!({"type": "url_verification", "token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"});
    let (status, echoed) = event(&t, &check, false).await;
    assert_eq!(status, 200);
    assert!(echoed.contains("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"));
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let id = jangteo_db::staff::find_by_email(&t.app.db, "owner@example.com")
        .await
        .unwrap()
        .unwrap()
        .id;
    let linked = owner
        .post(
            &format!("/admin/staff/{id}/slack"),
            &[("slack_user_id", "U0OWNER01")],
        )
        .await;
    assert_eq!(linked.status, 303);
    let mention = |user: &str, ts: &str| {
        serde_json::json!({"type": "event_callback", "team_id": "T1", "event_id": format!("Ev{ts}"),
            "event": {"type": "app_mention", "user": user, "text": "<@U0JANGTEO> 재고 티셔츠",
                      "channel": "C0OPS", "ts": ts, "event_ts": ts}})
    };
    assert_eq!(
        event(&t, &mention("U0OWNER01", "1700000001.000200"), false)
            .await
            .0,
        200
    );
    assert_eq!(
        event(&t, &mention("U0OWNER01", "1700000001.000200"), true)
            .await
            .0,
        200
    );
    assert_eq!(
        event(&t, &mention("U0NOBODY1", "1700000002.000300"), false)
            .await
            .0,
        200
    );
    for _ in 0..100 {
        if slack.received().len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // An answer to the retried delivery would have arrived by now.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let posted = slack.received();
    assert_eq!(posted.len(), 2, "the retry is not answered again");
    let answer = posted
        .iter()
        .map(|r| r.json())
        .find(|m| m["thread_ts"] == "1700000001.000200")
        .unwrap();
    assert_eq!(answer["channel"], "C0OPS");
    assert!(said(&answer).contains("TSHIRT"), "{answer}");
    assert_eq!(
        posted[0].headers["authorization"],
        "Bearer xoxb-test-bot-token"
    );
    let refusal = posted
        .iter()
        .map(|r| r.json())
        .find(|m| m["thread_ts"] == "1700000002.000300")
        .unwrap();
    assert!(
        said(&refusal).contains("연결된 직원 계정이 없습니다"),
        "{refusal}"
    );
}
