//! A copy of the database (a backup, a leaked dump) or a staff member reading the message log
//! gets no secret that works: session ids are kept hashed, delivered reset links are redacted,
//! the unsubscribe signing key is sealed, and the SQLite files are readable by the shop alone.

use crate::checkout::{PASSWORD, shop, sign_up};
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, on_both_backends};

async fn a_database_copy_rides_no_session_and_resets_no_password(backend: Backend) {
    let Some((t, _)) = shop(backend).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    sign_up(&s, "kept@example.com").await;
    let cookies = s.cookie_header();
    let session_id = cookies
        .split("; ")
        .find_map(|c| c.strip_prefix("jt_session="))
        .expect("a session cookie")
        .to_owned();
    let now = chrono::Utc::now();
    assert!(
        jangteo_db::sessions::load(&t.app.db, &session_id, now)
            .await
            .unwrap()
            .is_none(),
        "the cookie's id is not a key in the database"
    );
    assert!(t.app.load_session(&session_id).await.unwrap().is_some());
    assert_eq!(s.get("/account").await.status, 200, "still signed in");

    // The reset mail carries its link until delivered; the kept record does not.
    let _ = s.post("/account/logout", &[]).await;
    s.post("/account/password-reset", &[("email", "kept@example.com")])
        .await;
    let reset = |messages: Vec<jangteo_db::messages::MessageRow>| {
        messages
            .into_iter()
            .find(|m| m.event == "password_reset")
            .expect("the reset mail")
    };
    let queued = reset(t.app.recent_messages(10).await.unwrap());
    let at = queued.body_text.find("/account/password-reset/").unwrap();
    let link: String = queued.body_text[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let token = link.rsplit('/').next().unwrap().to_owned();
    assert!(token.len() > 20);
    t.app.deliver_message(queued.id, false).await.unwrap();
    let kept = reset(t.app.recent_messages(10).await.unwrap());
    assert_eq!(kept.state, "sent");
    for body in [&kept.body_text, &kept.body_html] {
        assert!(!body.contains(&token), "no live token kept");
        assert!(body.contains("/account/password-reset/redacted"));
    }
    // The link itself still works for the member who got the mail.
    let r = s
        .post(
            &link,
            &[
                ("password", "newsecret99"),
                ("password_confirm", "newsecret99"),
            ],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/account/login"));
    assert_ne!(PASSWORD, "newsecret99");
}

async fn the_unsubscribe_key_is_sealed(backend: Backend) {
    let Some((t, _)) = shop(backend).await else {
        return;
    };
    let member = jangteo_testkit::fixtures::member(&t.app, "ad@example.com", true).await;
    // A key an earlier version kept in plain is sealed on first use, and signs the same links.
    let mut tx = t.app.db.begin().await.unwrap();
    jangteo_db::settings::set(
        &mut tx,
        "signing_key",
        "legacy-plain-key",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let first = t.app.unsubscribe_url(member).await.unwrap();
    let stored = jangteo_db::settings::get(&t.app.db, "signing_key")
        .await
        .unwrap()
        .unwrap();
    assert!(stored.starts_with("v1."), "{stored}");
    assert!(!stored.contains("legacy-plain-key"));
    assert_eq!(t.app.unsubscribe_url(member).await.unwrap(), first);
    let (m, token) = first
        .split_once("?m=")
        .and_then(|(_, q)| q.split_once("&t="))
        .unwrap();
    assert_eq!(m, member.to_string());
    assert!(
        t.app.unsubscribe(member, token).await.unwrap(),
        "the link works"
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let Some((t, _)) = shop(Backend::Sqlite).await else {
        return;
    };
    let dir = t.db.dir.path();
    let mut checked = 0;
    for name in ["test.db", "test.db-wal", "test.db-shm"] {
        if let Ok(meta) = std::fs::metadata(dir.join(name)) {
            assert_eq!(meta.permissions().mode() & 0o077, 0, "{name} is private");
            checked += 1;
        }
    }
    assert!(checked >= 2, "the database and its WAL exist");
    // An older file open to others is narrowed when the shop opens it.
    let old = dir.join("old.db");
    std::fs::write(&old, b"").unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
    jangteo_db::Db::open_sqlite(&old).await.unwrap();
    assert_eq!(
        std::fs::metadata(&old).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

on_both_backends!(
    a_database_copy_rides_no_session_and_resets_no_password,
    the_unsubscribe_key_is_sealed
);
