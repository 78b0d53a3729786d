//! Staff-to-staff script: notification templates refuse active content, mail bodies from edited
//! templates are cleaned, previews and stored bodies render in sandboxed frames, and every page
//! forbids inline script by Content-Security-Policy.

use jangteo_testkit::shopper::staff_session;
use jangteo_testkit::{Backend, TestApp, on_both_backends};

/// The welcome template with `extra` inside its html block.
async fn welcome_with(t: &TestApp, extra: &str) -> String {
    let (builtin, _) = t.app.template_source("welcome").await.unwrap();
    let edited = builtin.replace(
        "<h1 class=\"h1\">회원가입을 환영합니다</h1>",
        &format!("<h1 class=\"h1\">회원가입을 환영합니다</h1>{extra}"),
    );
    assert_ne!(edited, builtin);
    edited
}

async fn templates_refuse_script_and_mail_bodies_are_cleaned(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (marketing, _) = staff_session(&t, "marketing@example.com", "marketing").await;
    for payload in [
        "<script>fetch('/admin/staff',{method:'POST'})</script>",
        "<img src=x onerror=\"alert(1)\">",
        "<a href=\"javascript:alert(1)\">혜택</a>",
        "<iframe src=\"https://evil.example/\"></iframe>",
    ] {
        let source = welcome_with(&t, payload).await;
        let r = marketing
            .post(
                "/admin/templates/welcome",
                &[("source", source.as_str()), ("action", "save")],
            )
            .await;
        assert_eq!(r.status, 422, "{payload}");
        assert!(
            r.body
                .contains("실행되는 내용은 알림 템플릿에 넣을 수 없습니다")
        );
        assert!(
            r.body.contains("회원가입을 환영합니다"),
            "the source is kept"
        );
    }
    assert!(t.app.edited_templates().await.unwrap().is_empty());

    // Markup assembled at render time passes the source check but never reaches a mail.
    let sneaky = welcome_with(
        &t,
        "{% autoescape false %}{{ '<img src=x on' ~ 'error=alert(1)>' }}<p>{{ recipient.name }}</p>{% endautoescape %}",
    )
    .await;
    let preview = marketing
        .post(
            "/admin/templates/welcome",
            &[("source", sneaky.as_str()), ("action", "preview")],
        )
        .await;
    assert_eq!(preview.status, 200);
    assert!(preview.body.contains("id=\"preview-frame\" sandbox"));
    assert!(
        !preview.body.contains("onerror"),
        "cleaned before the preview"
    );
    let saved = marketing
        .post(
            "/admin/templates/welcome",
            &[("source", sneaky.as_str()), ("action", "save")],
        )
        .await;
    assert_eq!(saved.status, 303);
    jangteo_testkit::fixtures::member(&t.app, "buyer@example.com", false).await;
    let mail = t
        .app
        .recent_messages(5)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.event == "welcome")
        .expect("welcome mail");
    assert!(
        mail.body_html.contains("<img src=\"x\">"),
        "{}",
        mail.body_html
    );
    assert!(!mail.body_html.contains("onerror"));
    // The outbox shows stored bodies only inside a sandboxed frame, escaped into srcdoc.
    let outbox = marketing.get("/admin/outbox").await.body;
    assert!(outbox.contains("sandbox"), "sandboxed mail frame");
    assert!(
        !outbox.contains("<img src=\"x\">"),
        "no live markup from a mail"
    );
}

async fn pages_forbid_inline_script(backend: Backend) {
    let Some((t, _)) = crate::fixture_app(backend).await else {
        return;
    };
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    for (who, path) in [
        (&owner, "/"),
        (&owner, "/products/short-sleeve"),
        (&owner, "/admin"),
        (&owner, "/admin/templates/welcome"),
        (&owner, "/admin/staff"),
        (&owner, "/admin/categories"),
    ] {
        let r = who.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        let csp = r
            .headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let script_src = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src"))
            .unwrap_or_else(|| panic!("{path}: no script-src in {csp}"));
        assert!(script_src.contains("'self'"), "{path}: {script_src}");
        assert!(
            !script_src.contains("unsafe-inline"),
            "{path}: {script_src}"
        );
        assert!(csp.contains("frame-ancestors 'self'"), "{path}");
        // Nothing on the page would need inline script: no handlers, no bare script blocks.
        let lower = r.body.to_lowercase();
        for handler in [" onclick=", " onsubmit=", " onchange=", " onload="] {
            assert!(!lower.contains(handler), "{path}: {handler}");
        }
        for block in lower.split("<script").skip(1) {
            let tag = block.split('>').next().unwrap_or_default();
            assert!(
                tag.contains("src=") || tag.contains("application/"),
                "{path}: inline script <script{tag}>"
            );
        }
    }
}

/// A loop that would render a billion characters: the preview runs out of fuel instead of
/// stalling the shop, and a saved edit that blows up on real data sends the built-in message.
async fn runaway_templates_are_stopped(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (marketing, _) = staff_session(&t, "marketing@example.com", "marketing").await;
    let runaway =
        "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}";
    let source = welcome_with(&t, runaway).await;
    for action in ["preview", "save"] {
        let r = marketing
            .post(
                "/admin/templates/welcome",
                &[("source", source.as_str()), ("action", action)],
            )
            .await;
        assert_eq!(r.status, 422, "{action}");
        assert!(r.body.contains("허용된 작업량을 넘습니다"), "{action}");
        assert!(r.body.contains("range(100000)"), "the source is kept");
    }
    assert!(t.app.edited_templates().await.unwrap().is_empty());
    // The shop kept answering meanwhile and after.
    assert_eq!(marketing.get("/").await.status, 200);

    // Harmless with the sample values, runaway for a real member: the sign-up still succeeds and
    // the member gets the built-in welcome.
    let only_for_real = welcome_with(
        &t,
        &format!("{{% if recipient.name != '김구매' %}}{runaway}{{% endif %}}"),
    )
    .await;
    let saved = marketing
        .post(
            "/admin/templates/welcome",
            &[("source", only_for_real.as_str()), ("action", "save")],
        )
        .await;
    assert_eq!(saved.status, 303);
    jangteo_testkit::fixtures::member(&t.app, "buyer@example.com", false).await;
    let mail = t
        .app
        .recent_messages(5)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.event == "welcome")
        .expect("welcome mail");
    assert!(mail.body_html.contains("회원가입을 환영합니다"));
    assert!(mail.body_html.len() < 100_000);
}

on_both_backends!(
    templates_refuse_script_and_mail_bodies_are_cleaned,
    pages_forbid_inline_script,
    runaway_templates_are_stopped
);
