//! Returns and exchanges: the buyer files from a delivered order within the windows (shown
//! first), staff approve, collect and refund through the gateway (or exchange from stock), a
//! closed window needs a staff exception with a reason; the dashboard counts what waits; on
//! SQLite and PostgreSQL.

use crate::checkout::{shop, sign_up};
use crate::claim_steps::*;
use chrono::{Duration, Utc};
use jangteo_core::Won;
use jangteo_core::time::business_date;
use jangteo_db::catalog::stock;
use jangteo_db::orders::{OrderLineRow, OrderRow};
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

/// What the steps share: the app, the T-shirt, its buyer with their order and T-shirt line.
pub(crate) struct Case {
    pub(crate) t: TestApp,
    pub(crate) tshirt: i64,
    pub(crate) buyer: Shopper,
    pub(crate) number: String,
    pub(crate) order: OrderRow,
    pub(crate) line: OrderLineRow,
    /// The form field holding the units claimed from the T-shirt line.
    pub(crate) units: String,
}

impl Case {
    /// The buyer's claim form.
    pub(crate) fn new_path(&self) -> String {
        format!("/orders/{}/claims/new", self.number)
    }

    /// The staff form that files a claim for the order.
    pub(crate) fn admin_path(&self) -> String {
        format!("/admin/orders/{}/claims", self.number)
    }

    /// A defect return of `n` units discovered on `date`.
    pub(crate) fn defect_return(&self, n: &str, date: &str) -> Vec<(String, String)> {
        vec![
            ("kind".into(), "defect".into()),
            ("resolution".into(), "return".into()),
            ("reason".into(), "솔기가 터져서 왔어요".into()),
            ("discovered_on".into(), date.to_owned()),
            (self.units.clone(), n.into()),
        ]
    }

    /// The buyer files a claim: (status, location, body).
    async fn send(
        &self,
        fields: &[(String, String)],
        photos: &[Vec<u8>],
    ) -> (u16, Option<String>, String) {
        let refs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let photo_refs: Vec<&[u8]> = photos.iter().map(Vec::as_slice).collect();
        let post_path = format!("/orders/{}/claims", self.number);
        post_claim(&self.t, &self.buyer, &post_path, &refs, &photo_refs).await
    }

    /// The buyer's order page.
    pub(crate) async fn order_page(&self) -> String {
        self.buyer
            .get(&format!("/orders/{}", self.number))
            .await
            .body
    }

    /// The buyer's points balance.
    pub(crate) async fn points(&self) -> i64 {
        jangteo_db::members::find_by_email(&self.t.app.db, "buyer@example.com")
            .await
            .unwrap()
            .unwrap()
            .points_balance
    }

    /// The newest claim on the order.
    pub(crate) async fn newest_claim(&self) -> jangteo_db::claims::ClaimRow {
        jangteo_db::claims::for_order(&self.t.app.db, self.order.id)
            .await
            .unwrap()[0]
            .clone()
    }

    /// The T-shirt's stock.
    pub(crate) async fn stock(&self) -> i64 {
        stock::stock_of(&self.t.app.db, self.tshirt)
            .await
            .unwrap()
            .unwrap()
    }
}

async fn buyers_return_goods_and_staff_refund_them(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let (buyer, number, order, line) = bought(&t, tshirt, "buyer@example.com", 4).await;
    let units = format!("units_{}", line.id);
    let c = Case {
        t,
        tshirt,
        buyer,
        number,
        order,
        line,
        units,
    };
    no_claim_before_delivery(&c).await;
    let (cs, _) = staff_session(&c.t, "cs@example.com", "cs").await;
    deliver(&cs, &c.number).await;
    form_shows_each_kind_with_its_window(&c).await;
    let today = business_date(Utc::now()).to_string();
    refusals_file_nothing(&c, &today).await;
    let claim = filed_with_photo(&c, &today).await;
    others_do_not_see_the_order(&c).await;
    dashboard_queues_the_claim(&cs, claim).await;
    no_refund_before_goods_are_back(&c, &cs, claim).await;
    let share = staff_refund_with_restock(&c, &cs, claim).await;
    let earns = refund_adjusts_points_and_lines_once(&c, &cs, claim, share).await;
    let balance_confirmed = buyer_confirms_purchase(&c).await;
    let late = late_change_of_mind_refused_to_buyer(&c).await;
    crate::claims_exchange::staff_exchange_with_recorded_exception(&c, &cs, &late).await;
    confirmed_return_keeps_shipping_and_takes_points(&c, &cs, balance_confirmed, earns).await;
    crate::claim_steps::claims_audited_and_on_the_timeline(&c.t, c.order.id).await;
}

/// Not delivered yet: no form, back to the order.
async fn no_claim_before_delivery(c: &Case) {
    let early = c.buyer.get(&c.new_path()).await;
    assert_eq!(early.status, 303);
    assert!(!c.order_page().await.contains("id=\"claim-link\""));
}

/// The form shows each kind with its window.
async fn form_shows_each_kind_with_its_window(c: &Case) {
    assert!(c.order_page().await.contains("id=\"claim-link\""));
    let form = c.buyer.get(&c.new_path()).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("받은 날부터 7일 이내"));
    assert!(form.body.contains("하자를 안 날부터 6개월"));
    assert!(form.body.contains(&format!("name=\"{}\"", c.units)));
}

/// Refusals: no discovery date for a defect, more units than bought, a file that is no image,
/// a decompression bomb; nothing is filed.
async fn refusals_file_nothing(c: &Case, today: &str) {
    let (status, _, body) = c.send(&c.defect_return("2", ""), &[]).await;
    assert_eq!(status, 422);
    assert!(body.contains("문제를 안 날을 입력해 주세요"));
    assert!(body.contains("솔기가 터져서 왔어요"), "typed reason kept");
    let (status, _, body) = c.send(&c.defect_return("5", today), &[]).await;
    assert_eq!(status, 422);
    assert!(body.contains("신청 수량은 남은 수량까지"));
    let (status, _, _) = c
        .send(&c.defect_return("2", today), &[b"not a picture".to_vec()])
        .await;
    assert_eq!(status, 422);
    // A decompression bomb (a small file claiming 10,841 × 10,841 pixels) is refused unread.
    let bomb = jangteo_testkit::fixtures::png_bomb(10_841, 10_841);
    assert!(bomb.len() < 1024 * 1024);
    let (status, _, body) = c.send(&c.defect_return("2", today), &[bomb]).await;
    assert_eq!(status, 422);
    assert!(body.contains("이미지가 너무 큽니다"), "{body}");
    assert!(body.contains("솔기가 터져서 왔어요"), "typed reason kept");
    assert!(
        jangteo_db::claims::for_order(&c.t.app.db, c.order.id)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Filed with a photo; the units it holds are no longer offered. Returns the claim id.
async fn filed_with_photo(c: &Case, today: &str) -> i64 {
    let photo = jangteo_media::demo_banner([200, 30, 30], 1);
    let (status, location, body) = c.send(&c.defect_return("2", today), &[photo]).await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(
        location.as_deref(),
        Some(format!("/orders/{}#claims", c.number).as_str())
    );
    let claims = jangteo_db::claims::for_order(&c.t.app.db, c.order.id)
        .await
        .unwrap();
    assert_eq!(claims.len(), 1);
    let claim = claims[0].id;
    assert_eq!(
        jangteo_db::claims::evidence(&c.t.app.db, claim)
            .await
            .unwrap()
            .len(),
        1
    );
    let (status, _, _) = c.send(&c.defect_return("3", today), &[]).await;
    assert_eq!(status, 422, "only two units left to claim");
    let page = c.order_page().await;
    assert!(page.contains("반품/교환 신청") && page.contains("신청됨"));
    claim
}

/// Someone else's order does not exist for them.
async fn others_do_not_see_the_order(c: &Case) {
    let other = Shopper::new(&c.t.url(""));
    sign_up(&other, "other@example.com").await;
    assert_eq!(other.get(&c.new_path()).await.status, 404);
}

/// The dashboard counts the claim and links the queue.
async fn dashboard_queues_the_claim(cs: &Shopper, claim: i64) {
    let dashboard = cs.get("/admin").await.body;
    assert!(dashboard.contains("/admin/claims?status=waiting"));
    let queue = cs.get("/admin/claims").await;
    assert_eq!(queue.status, 200);
    assert!(queue.body.contains(&format!("data-claim=\"{claim}\"")));
}

/// Staff: no refund before the goods are back; a rejection needs a reason.
async fn no_refund_before_goods_are_back(c: &Case, cs: &Shopper, claim: i64) {
    let claim_path = &format!("/admin/claims/{claim}");
    let detail = cs.get(claim_path).await;
    assert!(detail.body.contains("판매자 부담") && detail.body.contains("솔기가 터져서"));
    let early_refund = cs
        .post(claim_path, &[("action", "refund"), ("deduction", "0")])
        .await;
    assert_eq!(early_refund.status, 303);
    assert_eq!(
        jangteo_db::claims::find(&c.t.app.db, claim)
            .await
            .unwrap()
            .unwrap()
            .status
            .as_str(),
        "requested"
    );
    let empty_reject = cs
        .post(claim_path, &[("action", "reject"), ("reject_reason", " ")])
        .await;
    assert_eq!(empty_reject.status, 422, "a rejection needs a reason");
}

/// Staff approve, mark collected and refund with restock: the gateway cancels the units' share
/// and the units go back to stock. Returns the refunded share.
async fn staff_refund_with_restock(c: &Case, cs: &Shopper, claim: i64) -> Won {
    let claim_path = &format!("/admin/claims/{claim}");
    let db = &c.t.app.db;
    let stock_before = c.stock().await;
    assert_eq!(
        cs.post(claim_path, &[("action", "approve")]).await.status,
        303
    );
    assert_eq!(
        cs.post(claim_path, &[("action", "collected")]).await.status,
        303
    );
    let refunded = cs
        .post(
            claim_path,
            &[
                ("action", "refund"),
                ("deduction", "0"),
                ("restock", "true"),
            ],
        )
        .await;
    assert_eq!(refunded.status, 303, "{}", refunded.body);
    let row = jangteo_db::claims::find(db, claim).await.unwrap().unwrap();
    assert_eq!(row.status.as_str(), "refunded");
    let share = Won(jangteo_core::refund::share_of_units(
        c.line.total.get(),
        4,
        0,
        2,
    ));
    let refunds = jangteo_db::refunds::of_order(db, c.order.id).await.unwrap();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].amount, share);
    assert_eq!(row.refund_id, Some(refunds[0].id));
    let payment = jangteo_db::payments::latest_for_order(db, c.order.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (payment.status.as_str(), payment.cancelled_amount),
        ("partially_cancelled", share)
    );
    assert_eq!(c.stock().await, stock_before + 2);
    share
}

/// After the refund the points to earn follow the goods kept, the line counts its returned
/// units, a second refund does nothing and nothing waits. Returns the points to earn.
async fn refund_adjusts_points_and_lines_once(
    c: &Case,
    cs: &Shopper,
    claim: i64,
    share: Won,
) -> i64 {
    let claim_path = &format!("/admin/claims/{claim}");
    let db = &c.t.app.db;
    let earns = jangteo_db::orders::find_by_id(db, c.order.id)
        .await
        .unwrap()
        .unwrap()
        .points_to_earn;
    assert_eq!(
        earns,
        c.order.points_to_earn * (c.line.total - share).get() / c.line.total.get(),
        "points earned at confirmation follow the goods kept"
    );
    let returned = jangteo_db::orders::lines(db, c.order.id).await.unwrap();
    assert_eq!(
        returned
            .iter()
            .find(|l| l.id == c.line.id)
            .unwrap()
            .quantity_returned,
        2
    );
    let again = cs
        .post(claim_path, &[("action", "refund"), ("deduction", "0")])
        .await;
    assert_eq!(again.status, 303);
    assert_eq!(
        jangteo_db::refunds::of_order(db, c.order.id)
            .await
            .unwrap()
            .len(),
        1,
        "refunded once"
    );
    assert!(c.order_page().await.contains("환불 완료"));
    assert_eq!(jangteo_db::claims::count_waiting(db).await.unwrap(), 0);
    earns
}

/// The buyer confirms the purchase: the points left to earn are granted. Returns the balance.
async fn buyer_confirms_purchase(c: &Case) -> i64 {
    assert_eq!(
        c.buyer
            .post(&format!("/orders/{}/confirm", c.number), &[])
            .await
            .status,
        303
    );
    assert!(
        c.order_page().await.contains("적립금이 지급되었습니다"),
        "points were granted and the flash says so"
    );
    c.points().await
}

/// A week and more later: a change of mind is refused to the buyer. Returns its fields.
async fn late_change_of_mind_refused_to_buyer(c: &Case) -> Vec<(String, String)> {
    c.t.app.clock.travel(Duration::days(10));
    let late = vec![
        ("kind".to_owned(), "change_of_mind".to_owned()),
        ("resolution".to_owned(), "exchange".to_owned()),
        ("reason".to_owned(), "색이 마음에 안 들어요".to_owned()),
        (c.units.clone(), "1".to_owned()),
    ];
    let (status, _, body) = c.send(&late, &[]).await;
    assert_eq!(status, 422);
    assert!(body.contains("신청 기간이 지났습니다"));
    late
}

/// A return after the purchase was confirmed: return shipping kept, earned points taken back.
async fn confirmed_return_keeps_shipping_and_takes_points(
    c: &Case,
    cs: &Shopper,
    balance_confirmed: i64,
    earns: i64,
) {
    let last = [
        ("kind", "change_of_mind"),
        ("resolution", "return"),
        ("reason", "사이즈가 안 맞아요"),
        (c.units.as_str(), "1"),
        ("override_reason", "VIP 고객 요청, 팀장 승인"),
    ];
    let (content_type, body) = claim_body(&last, &[]);
    let (status, body) =
        crate::post_multipart(&c.t, cs, &c.admin_path(), &content_type, body).await;
    assert_eq!(status, 303, "{body}");
    let back = c.newest_claim().await.id;
    let path = format!("/admin/claims/{back}");
    for step in ["approve", "collected"] {
        assert_eq!(cs.post(&path, &[("action", step)]).await.status, 303);
    }
    assert!(
        cs.get(&path).await.body.contains("value=\"3000\""),
        "buyer pays: the return fee is suggested"
    );
    let too_much = cs
        .post(&path, &[("action", "refund"), ("deduction", "999999")])
        .await;
    assert_eq!(too_much.status, 422);
    let refunded = cs
        .post(&path, &[("action", "refund"), ("deduction", "3,000")])
        .await;
    assert_eq!(refunded.status, 303, "{}", refunded.body);
    // Two units went back before; the exchanged one stayed the buyer's.
    let last_share = Won(jangteo_core::refund::share_of_units(
        c.line.total.get(),
        4,
        2,
        1,
    ));
    let refunds = jangteo_db::refunds::of_order(&c.t.app.db, c.order.id)
        .await
        .unwrap();
    assert_eq!(refunds.len(), 2);
    assert_eq!(refunds[1].amount, last_share - Won(3_000));
    // The exchanged unit is still kept: only the returned unit's share of the points goes.
    let goods = jangteo_core::loyalty::GoodsLeaving {
        kept_before: c.line.total
            - Won(jangteo_core::refund::share_of_units(
                c.line.total.get(),
                4,
                0,
                2,
            )),
        amount: last_share,
        spent_points: 0,
    };
    let status = jangteo_core::order::OrderStatus::Completed;
    let take_back = jangteo_core::loyalty::points_when_goods_leave(earns, status, &goods).take_back;
    assert!(take_back > 0 && take_back < earns);
    assert_eq!(
        c.points().await,
        balance_confirmed - take_back.min(balance_confirmed),
        "the points earned on goods sent back are taken back"
    );
}

on_both_backends!(buyers_return_goods_and_staff_refund_them);
