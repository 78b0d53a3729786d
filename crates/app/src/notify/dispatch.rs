//! Handing a recorded message to the provider its route names.

use super::{Messenger, Route, alimtalk, recorded_in_outbox};
use crate::App;
use jangteo_db::messages;
use jangteo_providers::messaging::{Accepted, AlimTalk, Email, SendError, Sms};

impl App {
    /// Hands `m` to the provider of `route`.
    pub(super) async fn dispatch(
        &self,
        route: Route,
        m: &messages::MessageRow,
    ) -> (&'static str, Result<Accepted, SendError>) {
        let config = &self.config.notifications;
        let messenger: &Messenger = &self.messenger;
        let sms = Sms {
            from: config.sms_sender.clone(),
            to: m.recipient.clone(),
            title: None,
            text: m.body_text.clone(),
        };
        let email = || Email {
            from: config.from_email.clone(),
            to: m.recipient.clone(),
            subject: m.subject.clone(),
            html: m.body_html.clone(),
            text: m.body_text.clone(),
        };
        match (route, messenger) {
            (
                Route::Smtp,
                Messenger {
                    smtp: Some(smtp), ..
                },
            ) => ("smtp", smtp.send(&email()).await),
            (
                Route::Mailgun,
                Messenger {
                    mailgun: Some(mailgun),
                    ..
                },
            ) => ("mailgun", mailgun.send(&email()).await),
            (
                Route::AligoSms,
                Messenger {
                    aligo: Some(aligo), ..
                },
            ) => ("aligo", aligo.send(&sms).await),
            (
                Route::SolapiSms,
                Messenger {
                    solapi: Some(solapi),
                    ..
                },
            ) => ("solapi", solapi.send_sms(&sms).await),
            (
                Route::AlimTalk(template_id),
                Messenger {
                    solapi: Some(solapi),
                    ..
                },
            ) => {
                let message = AlimTalk {
                    from: config.sms_sender.clone(),
                    to: m.recipient.clone(),
                    channel_id: config.kakao_channel_id.clone(),
                    template_id,
                    variables: alimtalk::recorded_variables(m),
                    text: m.body_text.clone(),
                };
                ("solapi", solapi.send_alimtalk(&message, true).await)
            }
            (
                Route::Slack,
                Messenger {
                    slack: Some(slack), ..
                },
            ) => ("slack", slack.post(&m.body_text, None).await),
            (Route::SlackChannel(channel), _) => {
                ("slack", self.post_to_slack_channel(&channel, m).await)
            }
            (Route::Unknown, _) => (
                "none",
                Err(SendError::Rejected {
                    provider: "none",
                    code: "channel".into(),
                    message: format!("unknown channel {}", m.channel),
                }),
            ),
            _ => ("test", recorded_in_outbox()),
        }
    }

    /// A staff alert to the Slack channel the owner gave it, posted by the app's bot.
    async fn post_to_slack_channel(
        &self,
        channel: &str,
        m: &messages::MessageRow,
    ) -> Result<Accepted, SendError> {
        let message = serde_json::json!({ "channel": channel, "text": m.body_text });
        self.post_as_slack_bot(message).await
    }

    /// Posts `message` (chat.postMessage's JSON) with the app's bot token.
    pub(crate) async fn post_as_slack_bot(
        &self,
        message: serde_json::Value,
    ) -> Result<Accepted, SendError> {
        let slack = &self.config.slack;
        let http = jangteo_providers::messaging::http_client();
        jangteo_providers::messaging::post_chat_message(
            &http,
            &slack.api_base,
            &slack.bot_token.0,
            message,
        )
        .await
    }
}
