//! Cleaning HTML from the back office's editor (pages, notices, events, product descriptions):
//! an allow-list of tags and attributes (ammonia), links limited to web/mail/phone schemes with
//! `rel="noopener noreferrer"`, images only from the shop's own media, iframes only for video
//! embeds (YouTube, Vimeo), and inline styles reduced to a few text properties so pasted styles
//! cannot break the shop's CSS.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

const TAGS: [&str; 30] = [
    "h2",
    "h3",
    "h4",
    "p",
    "br",
    "hr",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
    "div",
    "iframe",
    "small",
];

/// Style properties kept from pasted content (values are checked too).
const STYLE_PROPERTIES: [&str; 5] = [
    "text-align",
    "font-weight",
    "font-style",
    "text-decoration",
    "color",
];

/// Embeds allowed in iframes.
const EMBED_PREFIXES: [&str; 3] = [
    "https://www.youtube.com/embed/",
    "https://www.youtube-nocookie.com/embed/",
    "https://player.vimeo.com/video/",
];

fn safe_style_value(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    !["url(", "expression", "\\", "<", "javascript:", "@import"]
        .iter()
        .any(|bad| lower.contains(bad))
}

/// Cleans editor HTML. `image_prefixes` are the URL prefixes of the shop's media (e.g. `/media`
/// or a CDN origin); images from anywhere else are dropped.
pub fn clean_rich_text(html: &str, image_prefixes: &[String]) -> String {
    let prefixes: Vec<String> = image_prefixes.iter().map(|p| format!("{p}/")).collect();
    let mut attributes: HashMap<&str, HashSet<&str>> = HashMap::new();
    attributes.insert("a", HashSet::from(["href", "title"]));
    attributes.insert("img", HashSet::from(["src", "alt", "width", "height"]));
    attributes.insert(
        "iframe",
        HashSet::from(["src", "width", "height", "title", "allowfullscreen"]),
    );
    attributes.insert("td", HashSet::from(["colspan", "rowspan"]));
    attributes.insert("th", HashSet::from(["colspan", "rowspan", "scope"]));
    attributes.insert("ol", HashSet::from(["start"]));
    ammonia::Builder::default()
        .tags(HashSet::from(TAGS))
        .tag_attributes(attributes)
        .generic_attributes(HashSet::from(["style"]))
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .link_rel(Some("noopener noreferrer"))
        .filter_style_properties(HashSet::from(STYLE_PROPERTIES))
        .attribute_filter(
            move |element, attribute, value| match (element, attribute) {
                ("img", "src") => prefixes
                    .iter()
                    .any(|p| value.starts_with(p.as_str()))
                    .then(|| Cow::Owned(value.to_owned())),
                ("iframe", "src") => EMBED_PREFIXES
                    .iter()
                    .any(|p| value.starts_with(p))
                    .then(|| Cow::Owned(value.to_owned())),
                (_, "style") => safe_style_value(value).then(|| Cow::Owned(value.to_owned())),
                _ => Some(Cow::Borrowed(value)),
            },
        )
        .clean(html)
        .to_string()
}

/// Tags a notification mail's body may use.
const MAIL_TAGS: [&str; 33] = [
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "br",
    "hr",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "small",
    "span",
    "div",
    "blockquote",
    "pre",
    "code",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
    "center",
];

/// Cleans the body of a notification mail whose template staff edited: the same allow-list idea
/// as [`clean_rich_text`], with the attributes mail layouts use (class for the inlined styles,
/// table layout attributes). Scripts, handlers, frames and forms never reach a mailbox or the
/// outbox page, whatever a template (or a customer's name inside it) contains.
pub fn clean_mail_html(html: &str) -> String {
    let mut attributes: HashMap<&str, HashSet<&str>> = HashMap::new();
    attributes.insert("a", HashSet::from(["href", "title", "target"]));
    attributes.insert("img", HashSet::from(["src", "alt", "width", "height"]));
    let cell = HashSet::from(["colspan", "rowspan", "width", "height", "valign", "bgcolor"]);
    attributes.insert("td", cell.clone());
    attributes.insert("th", cell);
    attributes.insert(
        "table",
        HashSet::from([
            "width",
            "cellpadding",
            "cellspacing",
            "border",
            "bgcolor",
            "role",
        ]),
    );
    ammonia::Builder::default()
        .tags(HashSet::from(MAIL_TAGS))
        .tag_attributes(attributes)
        .generic_attributes(HashSet::from(["class", "style", "align", "dir", "lang"]))
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .link_rel(Some("noopener noreferrer"))
        .attribute_filter(|_, attribute, value| match attribute {
            "style" => safe_style_value(value).then(|| Cow::Owned(value.to_owned())),
            _ => Some(Cow::Borrowed(value)),
        })
        .clean(html)
        .to_string()
}

/// Markers of content that runs in a browser, refused when staff save a template (the mail body
/// is cleaned regardless; refusing tells the author instead of silently dropping their markup).
const ACTIVE_MARKERS: [&str; 14] = [
    "<script",
    "<iframe",
    "<frame",
    "<object",
    "<embed",
    "<form",
    "<base",
    "<meta",
    "<link",
    "<svg",
    "<math",
    "javascript:",
    "vbscript:",
    "data:text",
];

/// True when `html` holds script, frames, forms or event-handler attributes. Whitespace and
/// control characters are ignored so `java\tscript:` does not slip through.
pub fn has_active_content(html: &str) -> bool {
    let squeezed: String = html
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .flat_map(char::to_lowercase)
        .collect();
    if ACTIVE_MARKERS.iter().any(|m| squeezed.contains(m)) {
        return true;
    }
    // Event handlers: an attribute named on… inside a tag.
    html.split('<').skip(1).any(|tag| {
        let tag = tag.split('>').next().unwrap_or_default().to_lowercase();
        tag.split(|c: char| c.is_whitespace() || c == '/' || c == '"' || c == '\'')
            .skip(1)
            .any(|word| {
                word.strip_prefix("on").is_some_and(|rest| {
                    let name: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
                    !name.is_empty() && rest[name.len()..].trim_start().starts_with('=')
                        || (!name.is_empty() && rest.len() == name.len())
                })
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(html: &str) -> String {
        clean_rich_text(html, &["/media".to_owned()])
    }

    #[test]
    fn scripts_handlers_and_foreign_frames_are_removed() {
        for payload in [
            "<script>alert(1)</script><p>hi</p>",
            "<p onclick=\"alert(1)\">hi</p>",
            "<img src=\"/media/x/detail.webp\" onerror=\"alert(1)\">",
            "<a href=\"javascript:alert(1)\">hi</a>",
            "<iframe src=\"https://evil.example/\"></iframe>",
            "<svg><script>alert(1)</script></svg>",
            "<p style=\"background:url(javascript:alert(1))\">x</p>",
            "<style>body{display:none}</style><p>x</p>",
            "<object data=\"x.swf\"></object><embed src=\"x\">",
            "<form action=\"https://evil.example\"><input name=\"q\"></form>",
            "<p>x</p><!-- <script>alert(1)</script> -->",
            "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        ] {
            let out = clean(payload);
            let lower = out.to_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onclick",
                "javascript:",
                "evil.example",
                "<style",
                "<object",
                "<embed",
                "<form",
                "<input",
                "<svg",
                "<math",
            ] {
                assert!(!lower.contains(bad), "{payload} → {out}");
            }
        }
    }

    #[test]
    fn editor_markup_survives() {
        let html = "<h2>제목</h2><p style=\"text-align: center; font-family: Comic Sans; margin: 40px\"><strong>굵게</strong> <em>기울임</em></p>\
                    <ul><li>하나</li></ul><a href=\"https://example.com\">링크</a>\
                    <img src=\"/media/abc/detail.webp\" alt=\"사진\"><img src=\"https://tracker.example/p.gif\">\
                    <iframe src=\"https://www.youtube.com/embed/xyz\" allowfullscreen></iframe>";
        let out = clean(html);
        assert!(out.contains("<h2>제목</h2>"));
        assert!(out.contains("style=\"text-align:center\""), "{out}");
        assert!(!out.contains("font-family") && !out.contains("margin"));
        assert!(out.contains("rel=\"noopener noreferrer\""));
        assert!(out.contains("src=\"/media/abc/detail.webp\""));
        assert!(!out.contains("tracker.example"), "foreign images dropped");
        assert!(out.contains("https://www.youtube.com/embed/xyz"));
    }

    #[test]
    fn mail_bodies_keep_layout_and_lose_script() {
        let body = "<h1 class=\"h1\">안녕하세요</h1><table class=\"table\" width=\"100%\"><tr><td align=\"right\">1</td></tr></table>\
                    <p><a class=\"button\" href=\"https://shop.example.com/\">보기</a></p>\
                    <script>alert(1)</script><img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">x</a>";
        let out = clean_mail_html(body);
        assert!(out.contains("<h1 class=\"h1\">"));
        assert!(out.contains("width=\"100%\"") && out.contains("align=\"right\""));
        assert!(out.contains("href=\"https://shop.example.com/\""));
        assert!(!out.contains("script") && !out.contains("onerror") && !out.contains("javascript"));
    }

    #[test]
    fn active_content_is_recognised() {
        for active in [
            "<script>alert(1)</script>",
            "<SCRIPT src=//evil.example></SCRIPT>",
            "<img src=x onerror=alert(1)>",
            "<img src=x OnError = \"alert(1)\">",
            "<div/onmouseover='x'>",
            "<a href=\"java\tscript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg><animate onbegin=alert(1)>",
            "<form action=\"https://evil.example\"><button>x</button></form>",
            "<details open ontoggle>",
        ] {
            assert!(has_active_content(active), "{active}");
        }
        for passive in [
            "<p>주문이 완료되었습니다. online 결제 on=ok</p>",
            "<a class=\"button\" href=\"{{ order.url }}\">주문 보기</a>",
            "<td style=\"color:#333\">{{ order.total|won }}</td>",
            "{% if order.online %}<p>결제</p>{% endif %}",
        ] {
            assert!(!has_active_content(passive), "{passive}");
        }
    }
}
