//! 1:1 inquiries and product Q&A: members ask, staff answer, the answer reaches the member's
//! mailbox through the outbox once; on SQLite and PostgreSQL.

use crate::checkout::{add, pay, place, shop, sign_up};
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

fn id_in(location: &str) -> i64 {
    location
        .trim_start_matches("/account/inquiries/")
        .parse()
        .unwrap()
}

async fn answered_mails(t: &TestApp, to: &str) -> Vec<String> {
    t.app
        .recent_messages(50)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.event == "inquiry_answered" && m.recipient == to)
        .map(|m| m.body_text)
        .collect()
}

async fn member_asks_staff_answer_and_the_member_is_told_once(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    let s = Shopper::new(&t.url(""));
    sign_up(&s, "asker@example.com").await;
    add(&s, tshirt, 1).await;
    let number = pay(&s, &place(&s, &[("payment_method", "card")]).await).await;
    empty_list_offers_to_ask(&s).await;
    bad_input_keeps_what_was_typed(&t, &s).await;
    let (location, id) = asked_from_the_order(&s, &number).await;
    let other = others_see_nothing_of_it(&t, &location, id).await;
    staff_see_the_open_inquiry(&cs, &other, id).await;
    empty_answer_sends_nothing(&t, &cs, id).await;
    answer_is_shown_and_mailed_once(&t, &cs, &s, &location, id).await;
    edited_answer_mails_nobody_again(&t, &cs, &s, &location, id).await;
    audit_log_keeps_both_answers(&t, &cs, id).await;
    only_open_inquiries_can_be_withdrawn(&t, &s, id).await;
    guests_are_sent_to_log_in(&t).await;
}

/// Empty list first, with a way to ask.
async fn empty_list_offers_to_ask(s: &Shopper) {
    let empty = s.get("/account/inquiries").await;
    assert_eq!(empty.status, 200);
    assert!(empty.body.contains("/account/inquiries/new"));
}

/// Bad input keeps what was typed and names each field; nothing is stored.
async fn bad_input_keeps_what_was_typed(t: &TestApp, s: &Shopper) {
    let refused = s
        .post(
            "/account/inquiries",
            &[
                ("category", "delivery"),
                ("order_number", "20200101-ABCDEF"),
                ("title", ""),
                ("body", "언제 오나요?"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("회원님의 주문에서 찾을 수 없는 주문번호입니다.")
    );
    assert!(refused.body.contains("필수 입력 항목입니다."));
    assert!(refused.body.contains("언제 오나요?"), "typed text kept");
    assert_eq!(
        jangteo_db::inquiries::list_for_staff(&t.app.db, "", "", 10, 0)
            .await
            .unwrap()
            .1,
        0
    );
}

/// The order page's form link pre-fills the order; the member asks about it. Returns the
/// inquiry's location and id.
async fn asked_from_the_order(s: &Shopper, number: &str) -> (String, i64) {
    let form = s
        .get(&format!("/account/inquiries/new?order={number}"))
        .await;
    assert_eq!(form.input_value("order_number").as_deref(), Some(number));
    let asked = s
        .post(
            "/account/inquiries",
            &[
                ("category", "delivery"),
                ("order_number", &number.to_lowercase()),
                ("title", "배송 문의<script>alert(1)</script>"),
                ("body", "언제 도착하나요?\r\n빨리 받고 싶어요."),
            ],
        )
        .await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    let location = asked.location.clone().unwrap();
    let id = id_in(&location);
    let mine = s.get(&location).await;
    assert_eq!(mine.status, 200);
    assert!(mine.body.contains("답변 대기"));
    assert!(mine.body.contains(number), "linked to the order");
    assert!(
        mine.body.contains("배송 문의&lt;script&gt;") && !mine.body.contains("<script>alert(1)"),
        "title escaped"
    );
    assert!(s.get("/account/inquiries").await.body.contains("배송 문의"));
    (location, id)
}

/// Another member sees nothing of it, and cannot delete it. Returns that member.
async fn others_see_nothing_of_it(t: &TestApp, location: &str, id: i64) -> Shopper {
    let other = Shopper::new(&t.url(""));
    sign_up(&other, "other@example.com").await;
    assert_eq!(other.get(location).await.status, 404);
    assert_eq!(
        other
            .post(&format!("/account/inquiries/{id}/delete"), &[])
            .await
            .status,
        404
    );
    assert!(
        !other
            .get("/account/inquiries")
            .await
            .body
            .contains("배송 문의")
    );
    other
}

/// Staff pages need a staff session; the open inquiry is listed.
async fn staff_see_the_open_inquiry(cs: &Shopper, other: &Shopper, id: i64) {
    let anonymous = other.get("/admin/inquiries").await;
    assert!(anonymous.location.unwrap().starts_with("/admin/login"));
    let list = cs.get("/admin/inquiries").await.body;
    assert!(list.contains(&format!("/admin/inquiries/{id}")), "{list}");
    assert!(list.contains("김*터"), "asker's name masked in the list");
    let detail = cs.get(&format!("/admin/inquiries/{id}")).await;
    assert_eq!(detail.status, 200);
    assert!(
        detail.body.contains("asker@example.com"),
        "CS sees who asked"
    );
}

/// An empty answer is refused; nothing is sent.
async fn empty_answer_sends_nothing(t: &TestApp, cs: &Shopper, id: i64) {
    let blank = cs
        .post(
            &format!("/admin/inquiries/{id}/answer"),
            &[("answer", "  ")],
        )
        .await;
    assert_eq!(blank.status, 422);
    assert!(answered_mails(t, "asker@example.com").await.is_empty());
}

/// The answer: status, page and one e-mail with the excerpt and the link.
async fn answer_is_shown_and_mailed_once(
    t: &TestApp,
    cs: &Shopper,
    s: &Shopper,
    location: &str,
    id: i64,
) {
    let answered = cs
        .post(
            &format!("/admin/inquiries/{id}/answer"),
            &[("answer", "내일 도착 예정입니다. 감사합니다.")],
        )
        .await;
    assert_eq!(answered.status, 303);
    let mine = s.get(location).await;
    assert!(mine.body.contains("답변 완료"));
    assert!(mine.body.contains("내일 도착 예정입니다."));
    let mails = answered_mails(t, "asker@example.com").await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("내일 도착 예정입니다."), "{}", mails[0]);
    assert!(mails[0].contains(&format!("/account/inquiries/{id}")));
}

/// Editing the answer changes the page but mails nobody again; it leaves the open list.
async fn edited_answer_mails_nobody_again(
    t: &TestApp,
    cs: &Shopper,
    s: &Shopper,
    location: &str,
    id: i64,
) {
    cs.post(
        &format!("/admin/inquiries/{id}/answer"),
        &[("answer", "오늘 출고되어 내일 도착합니다.")],
    )
    .await;
    assert!(s.get(location).await.body.contains("오늘 출고되어"));
    assert_eq!(answered_mails(t, "asker@example.com").await.len(), 1);
    let open = cs.get("/admin/inquiries?status=open").await.body;
    assert!(!open.contains(&format!("/admin/inquiries/{id}\"")));
}

/// Both answers are in the audit log, the edit with the text it replaced.
async fn audit_log_keeps_both_answers(t: &TestApp, cs: &Shopper, id: i64) {
    let log = cs.get(&format!("/admin/audit?target={id}")).await;
    assert_eq!(log.status, 403, "CS may not read the audit log");
    let entries = jangteo_db::audit::search(
        &t.app.db,
        &jangteo_db::audit::AuditFilter {
            action_prefix: "inquiry.".into(),
            target_id: id.to_string(),
            ..Default::default()
        },
        10,
        0,
    )
    .await
    .unwrap()
    .0;
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].staff_email, "cs@example.com");
    assert!(
        entries[0]
            .before_data
            .as_deref()
            .unwrap()
            .contains("내일 도착 예정입니다.")
    );
}

/// Answered inquiries stay on record; open ones can be withdrawn by their author.
async fn only_open_inquiries_can_be_withdrawn(t: &TestApp, s: &Shopper, id: i64) {
    let refused = s
        .post(&format!("/account/inquiries/{id}/delete"), &[])
        .await;
    assert_eq!(refused.status, 303);
    assert_eq!(
        jangteo_db::inquiries::find(&t.app.db, id)
            .await
            .unwrap()
            .unwrap()
            .status,
        "answered"
    );
    let second = s
        .post(
            "/account/inquiries",
            &[
                ("category", "other"),
                ("title", "잘못 보냄"),
                ("body", "삭제할게요"),
            ],
        )
        .await;
    let second_id = id_in(&second.location.unwrap());
    let deleted = s
        .post(&format!("/account/inquiries/{second_id}/delete"), &[])
        .await;
    assert_eq!(deleted.location.as_deref(), Some("/account/inquiries"));
    assert!(
        jangteo_db::inquiries::find(&t.app.db, second_id)
            .await
            .unwrap()
            .is_none()
    );
}

/// Guests are sent to log in.
async fn guests_are_sent_to_log_in(t: &TestApp) {
    let guest = Shopper::new(&t.url(""));
    let to_login = guest.get("/account/inquiries").await;
    assert!(to_login.location.unwrap().starts_with("/account/login"));
}

async fn product_questions_hide_secret_ones_from_others(backend: Backend) {
    let Some((t, _)) = shop(backend).await else {
        return;
    };
    let (marketer, _) = staff_session(&t, "mkt@example.com", "marketing").await;
    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    let product = t.app.product_detail("tshirt").await.unwrap().unwrap();
    assert!(
        Shopper::new(&t.url(""))
            .get("/products/tshirt")
            .await
            .body
            .contains("/products/tshirt/questions"),
        "product page links to its Q&A"
    );
    let author = the_author_asks_in_public_and_in_secret(&t).await;
    let visitor = visitors_see_the_public_question_only(&t, &author).await;
    let secret_id = staff_list_names_the_product(&t, &cs, product.summary.id.0).await;
    marketing_reads_masked_but_cannot_answer(&marketer, secret_id).await;
    secret_answer_reaches_the_author_only(&t, &cs, &author, &visitor, secret_id).await;
    member_list_holds_product_questions(&author, &visitor).await;
}

/// A member asks a public and a secret question; a question without text is refused.
/// Returns the author.
async fn the_author_asks_in_public_and_in_secret(t: &TestApp) -> Shopper {
    let author = Shopper::new(&t.url(""));
    sign_up(&author, "qna@example.com").await;
    let public = author
        .post(
            "/products/tshirt/questions",
            &[
                ("title", "사이즈 문의"),
                ("body", "L 사이즈 가슴단면이 궁금해요"),
            ],
        )
        .await;
    assert_eq!(public.status, 303, "{}", public.body);
    let secret = author
        .post(
            "/products/tshirt/questions",
            &[
                ("title", "비밀 질문입니다"),
                ("body", "제 연락처는 010-1111-2222"),
                ("secret", "true"),
            ],
        )
        .await;
    assert_eq!(secret.status, 303);
    let refused = author
        .post(
            "/products/tshirt/questions",
            &[("title", "제목만"), ("body", "")],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("제목만"), "typed title kept");
    author
}

/// A visitor sees the public question, not the secret one's title or text; the author sees
/// both. Returns the visitor.
async fn visitors_see_the_public_question_only(t: &TestApp, author: &Shopper) -> Shopper {
    let visitor = Shopper::new(&t.url(""));
    let page = visitor.get("/products/tshirt/questions").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("사이즈 문의"));
    assert!(page.body.contains("비밀글입니다."));
    assert!(!page.body.contains("비밀 질문입니다") && !page.body.contains("010-1111-2222"));
    assert!(page.body.contains("김*터"), "author masked");
    assert!(page.body.contains("/account/login?next="), "log in to ask");
    let posted = visitor
        .post(
            "/products/tshirt/questions",
            &[("title", "t"), ("body", "b")],
        )
        .await;
    assert!(posted.location.unwrap().starts_with("/account/login"));
    // The author sees both.
    let own = author.get("/products/tshirt/questions").await;
    assert!(own.body.contains("비밀 질문입니다") && own.body.contains("010-1111-2222"));
    visitor
}

/// Staff see the open product questions with the product named. Returns the secret one's id.
async fn staff_list_names_the_product(t: &TestApp, cs: &Shopper, product_id: i64) -> i64 {
    let (rows, _) = jangteo_db::inquiries::list_for_product(&t.app.db, product_id, 10, 0)
        .await
        .unwrap();
    let secret_id = rows.iter().find(|r| r.is_secret).unwrap().id;
    let product_list = cs
        .get("/admin/inquiries?status=open&kind=product")
        .await
        .body;
    assert!(
        product_list.contains("<span class=\"small muted\">티셔츠</span>"),
        "product named for staff"
    );
    secret_id
}

/// Marketing reads inquiries (the asker masked) but may not answer.
async fn marketing_reads_masked_but_cannot_answer(marketer: &Shopper, secret_id: i64) {
    let read_only = marketer.get(&format!("/admin/inquiries/{secret_id}")).await;
    assert_eq!(read_only.status, 200);
    assert!(
        !read_only.body.contains("qna@example.com") && read_only.body.contains("qn***@example.com")
    );
    let refused = marketer
        .post(
            &format!("/admin/inquiries/{secret_id}/answer"),
            &[("answer", "x")],
        )
        .await;
    assert_eq!(refused.status, 403);
}

/// Staff answer the secret one: the author reads the answer, visitors still do not.
async fn secret_answer_reaches_the_author_only(
    t: &TestApp,
    cs: &Shopper,
    author: &Shopper,
    visitor: &Shopper,
    secret_id: i64,
) {
    cs.post(
        &format!("/admin/inquiries/{secret_id}/answer"),
        &[("answer", "가슴단면 55cm입니다")],
    )
    .await;
    assert!(
        author
            .get("/products/tshirt/questions")
            .await
            .body
            .contains("가슴단면 55cm")
    );
    assert!(
        !visitor
            .get("/products/tshirt/questions")
            .await
            .body
            .contains("가슴단면 55cm")
    );
    assert_eq!(answered_mails(t, "qna@example.com").await.len(), 1);
}

/// The member's own list holds product questions too; an unknown product has no Q&A.
async fn member_list_holds_product_questions(author: &Shopper, visitor: &Shopper) {
    let mine = author.get("/account/inquiries").await;
    assert!(mine.body.contains("비밀 질문입니다") && mine.body.contains("상품 문의"));
    assert_eq!(visitor.get("/products/no-such/questions").await.status, 404);
}

on_both_backends!(
    member_asks_staff_answer_and_the_member_is_told_once,
    product_questions_hide_secret_ones_from_others,
);
