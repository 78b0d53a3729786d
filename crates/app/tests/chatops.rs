//! ChatOps answers that take longer than Slack's 3 seconds go to the command's `response_url`
//! (PROVIDERS.md §9.1), and only to Slack's own addresses.

use jangteo_app::{App, AppError};
use jangteo_testkit::{Backend, TestDb, fakes, server::test_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_answers_go_only_to_slacks_response_url() {
    let Some(t) = TestDb::migrated(Backend::Sqlite).await else {
        return;
    };
    let slack = fakes::slack().await;
    let mut config = test_config(t.dir.path(), "127.0.0.1:0", &t.url);
    config.slack.signing_secret = jangteo_app::config::Secret("secret".into());
    config.slack.response_url_prefix = format!("{}/commands/", slack.base_url);
    let app = App::new(t.db.clone(), config).unwrap();
    let blocks = serde_json::json!([{"type": "header", "text": {"type": "plain_text", "text": "미처리 현황"}}]);
    let url = format!("{}/commands/T1/1/abc", slack.base_url);
    app.answer_slack_later(&url, "미처리 현황", blocks.clone())
        .await
        .unwrap();
    let got = slack.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].path, "/commands/T1/1/abc");
    assert_eq!(got[0].json()["text"], "미처리 현황");
    assert_eq!(got[0].json()["blocks"], blocks);
    let elsewhere = app
        .answer_slack_later("http://127.0.0.1:9/steal", "x", blocks)
        .await;
    assert!(matches!(elsewhere, Err(AppError::Forbidden)));
    assert_eq!(slack.received().len(), 1);
}
