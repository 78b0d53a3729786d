//! The Slack app's slash command (`POST /slack/commands`, PROVIDERS.md §9): Slack's signature
//! and timestamp checked on the raw body before anything is read, the command answered by the
//! app as the linked staff member, in Block Kit, within Slack's 3 seconds — or, when the work
//! takes longer, a "working on it" now and the answer through `response_url`.

use crate::state::AppState;
use axum::Form;
use axum::extract::{FromRequest, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use bytes::Bytes;
use jangteo_app::AppError;
use jangteo_app::chatops::ChatAnswer;
use serde::Deserialize;
use serde_json::{Value, json};
use std::time::Duration;

/// How long an answer may take before Slack hears "working on it" (Slack waits 3 seconds).
const ANSWER_WITHIN: Duration = Duration::from_millis(2_500);

/// The slash command's fields this endpoint uses.
#[derive(Debug, Deserialize)]
pub struct SlashCommand {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    response_url: String,
}

/// An answer as Block Kit (PROVIDERS.md §9.3), `text` being the notification fallback.
fn blocks(answer: &ChatAnswer) -> Value {
    let mut blocks = vec![json!({
        "type": "header", "text": {"type": "plain_text", "text": answer.title},
    })];
    if !answer.lines.is_empty() {
        blocks.push(json!({
            "type": "section", "text": {"type": "mrkdwn", "text": answer.lines.join("\n")},
        }));
    }
    if let Some((label, url)) = &answer.link {
        blocks.push(json!({
            "type": "context", "elements": [{"type": "mrkdwn", "text": format!("<{url}|{label}>")}],
        }));
    }
    Value::Array(blocks)
}

fn message(answer: &ChatAnswer) -> Value {
    json!({ "response_type": "ephemeral", "text": answer.title, "blocks": blocks(answer) })
}

fn failed() -> ChatAnswer {
    ChatAnswer {
        title: "처리하지 못했습니다".into(),
        lines: vec!["잠시 후 다시 시도해 주세요.".into()],
        link: None,
    }
}

/// The refusal of a request Slack did not sign for this app, recently (404 while ChatOps is off).
fn refused(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Option<Response> {
    let header_value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match state.app.verify_slack_request(
        header_value("x-slack-request-timestamp"),
        header_value("x-slack-signature"),
        body,
    ) {
        Ok(()) => None,
        Err(AppError::NotFound) => Some(StatusCode::NOT_FOUND.into_response()),
        Err(_) => Some((StatusCode::UNAUTHORIZED, "invalid signature").into_response()),
    }
}

/// POST /slack/events: the Events API. Its URL check is echoed; an `@장터` mention is answered
/// like the slash command (the same use case, as the linked staff member) in the mention's
/// thread, after Slack has had its 200 at once; a retried delivery is not answered twice.
pub async fn events(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refusal) = refused(&state, &headers, &body) {
        return refusal;
    }
    let Ok(payload) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "unreadable event").into_response();
    };
    if payload["type"] == "url_verification" {
        return Json(json!({ "challenge": payload["challenge"] })).into_response();
    }
    let event = &payload["event"];
    let mention = event["type"] == "app_mention" && event["bot_id"].is_null();
    if payload["type"] != "event_callback" || !mention || headers.contains_key("x-slack-retry-num")
    {
        return StatusCode::OK.into_response();
    }
    let field = |name: &str| event[name].as_str().unwrap_or_default().to_owned();
    let (user, text, channel) = (field("user"), field("text"), field("channel"));
    let thread = event["thread_ts"]
        .as_str()
        .map_or_else(|| field("ts"), str::to_owned);
    let app = state.app.clone();
    tokio::spawn(async move {
        let answer = settled(Ok(app.slack_command(&user, &without_mentions(&text)).await));
        let sent = app
            .answer_slack_mention(&channel, &thread, &answer.title, blocks(&answer))
            .await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, "Slack mention not answered");
        }
    });
    StatusCode::OK.into_response()
}

/// The text of a mention without the `<@U…>` mentions in it.
fn without_mentions(text: &str) -> String {
    text.split_whitespace()
        .filter(|word| !(word.starts_with("<@") && word.ends_with('>')))
        .collect::<Vec<_>>()
        .join(" ")
}

/// POST /slack/commands
pub async fn command(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refusal) = refused(&state, &headers, &body) {
        return refusal;
    }
    // The form is read from the body only for a POST (axum reads a GET's query string).
    let request = axum::http::Request::builder()
        .method(axum::http::Method::POST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body))
        .unwrap_or_default();
    let Ok(Form(cmd)) = Form::<SlashCommand>::from_request(request, &state).await else {
        return (StatusCode::BAD_REQUEST, "unreadable command").into_response();
    };
    let response_url = cmd.response_url.clone();
    let app = state.app.clone();
    let mut work = tokio::spawn(async move { app.slack_command(&cmd.user_id, &cmd.text).await });
    match tokio::time::timeout(ANSWER_WITHIN, &mut work).await {
        Ok(done) => Json(message(&settled(done))).into_response(),
        Err(_) => {
            let app = state.app.clone();
            tokio::spawn(async move {
                let answer = settled(work.await);
                let sent = app
                    .answer_slack_later(&response_url, &answer.title, blocks(&answer))
                    .await;
                if let Err(e) = sent {
                    tracing::warn!(error = %e, "late Slack answer not delivered");
                }
            });
            let working = "처리 중입니다. 끝나면 이 대화에 답을 보내 드립니다.";
            Json(json!({ "response_type": "ephemeral", "text": working })).into_response()
        }
    }
}

/// The answer of a finished command; a failure is logged and answered in general terms.
fn settled(done: Result<Result<ChatAnswer, AppError>, tokio::task::JoinError>) -> ChatAnswer {
    match done {
        Ok(Ok(answer)) => answer,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "Slack command failed");
            failed()
        }
        Err(e) => {
            tracing::error!(error = %e, "Slack command task failed");
            failed()
        }
    }
}
