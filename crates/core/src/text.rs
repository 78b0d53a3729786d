//! Short forms of people's text for lists and messages.

/// The first `chars` characters of `text`, with an ellipsis when it was cut.
pub fn excerpt(text: &str, chars: usize) -> String {
    let mut cut: String = text.chars().take(chars).collect();
    if text.chars().nth(chars).is_some() {
        cut.push('…');
    }
    cut
}

/// Text as Slack mrkdwn shows it literally: its control characters `&`, `<` and `>` escaped
/// (an inquiry title `<!channel>` must not call everyone).
pub fn slack_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::{excerpt, slack_escaped};

    #[test]
    fn slack_control_characters_stay_text() {
        assert_eq!(
            slack_escaped("<!channel> & co"),
            "&lt;!channel&gt; &amp; co"
        );
    }

    #[test]
    fn only_a_cut_text_gets_an_ellipsis() {
        assert_eq!(excerpt("배송 문의", 5), "배송 문의");
        assert_eq!(excerpt("배송 문의입니다", 5), "배송 문의…");
        assert_eq!(excerpt("", 3), "");
    }
}
