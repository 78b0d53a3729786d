//! The demo's shopping setup: coupons, free gifts, product shipping policies and a member account
//! to try checkout with (idempotent like the rest of the demo).

use crate::auth::tokens::random_token;
use crate::{App, AppResult};
use chrono::{DateTime, Duration, Utc};
use jangteo_db::catalog::stock;
use jangteo_db::promotions::{self, CouponInput};
use jangteo_db::{members, settings};

const PROMOTIONS_MARKER: &str = "demo.promotions.v1";

/// The demo member's login e-mail.
pub const DEMO_MEMBER_EMAIL: &str = "member@jangteo.example";

/// The demo's coupons: two codes anyone may type and one given at sign-up.
fn demo_coupons(now: DateTime<Utc>) -> Vec<CouponInput<'static>> {
    let year = now + Duration::days(365);
    let coupon = |code, name, kind, amount, rate_bp, max_discount, min_order, signup| CouponInput {
        code,
        name,
        kind,
        amount,
        rate_bp,
        max_discount,
        min_order,
        scope: "all",
        scope_ids: "",
        excluded_product_ids: "",
        valid_from: now - Duration::days(1),
        valid_until: year,
        per_member_limit: 1,
        issue_on_signup: signup,
        combines_with_grade: true,
        issue_after_first_purchase: false,
        issue_on_birthday: false,
    };
    vec![
        coupon(
            Some("WELCOME10"),
            "첫 구매 10% 할인 (최대 5,000원)",
            "percent",
            0,
            1_000,
            Some(5_000),
            20_000,
            false,
        ),
        coupon(
            Some("JANGTEO3000"),
            "3,000원 할인 쿠폰",
            "fixed",
            3_000,
            0,
            None,
            30_000,
            false,
        ),
        coupon(
            None,
            "신규회원 5,000원 할인",
            "fixed",
            5_000,
            0,
            None,
            40_000,
            true,
        ),
    ]
}

impl App {
    /// Coupons, gifts and shipping policies of the demo (once).
    pub(crate) async fn load_demo_promotions(&self) -> AppResult<()> {
        if settings::get(&self.db, PROMOTIONS_MARKER).await?.is_some() {
            return Ok(());
        }
        let now = self.now();
        let mut tx = self.db.begin().await?;
        for c in demo_coupons(now) {
            promotions::upsert_coupon(&mut tx, &c, now).await?;
        }
        for (slug, policy, fee) in [
            ("jeju-tangerine-5kg", "free", 0),
            ("chungju-apple-home", "free", 0),
            ("seongju-honey-chamoe", "free", 0),
            ("washed-cotton-bedding-set", "separate", 5_000),
        ] {
            stock::set_shipping(&mut tx, slug, policy, fee).await?;
        }
        tx.commit().await?;
        self.insert_demo_gift_rules(now).await
    }

    /// The demo's free gifts (socks above 70,000원, a mug with the drip-bag coffee), then the
    /// marker that the promotions are loaded.
    async fn insert_demo_gift_rules(&self, now: DateTime<Utc>) -> AppResult<()> {
        let socks = stock::first_sku_of(&self.db, "plain-ankle-socks-5pack").await?;
        let mug = stock::first_sku_of(&self.db, "matte-ceramic-mug-350ml").await?;
        let coffee =
            jangteo_db::catalog::products::find_by_slug(&self.db, "hand-drip-bag-coffee-30")
                .await?;
        let mut tx = self.db.begin().await?;
        if let Some(socks) = socks {
            promotions::insert_gift_rule(
                &mut tx,
                "7만원 이상 구매 시 양말 증정",
                socks,
                Some(70_000),
                None,
                now,
            )
            .await?;
        }
        if let (Some(mug), Some(coffee)) = (mug, coffee) {
            promotions::insert_gift_rule(
                &mut tx,
                "드립백 커피 구매 시 머그컵 증정",
                mug,
                None,
                Some(coffee.id),
                now,
            )
            .await?;
        }
        settings::set(&mut tx, PROMOTIONS_MARKER, "1", now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The demo member (silver grade, some points), with a new password on every run; returns it.
    pub(crate) async fn ensure_demo_member(&self) -> AppResult<String> {
        // The trailing digit keeps the password valid whatever letters the token starts with.
        let password = format!("demo{}7", &random_token()?[..8]);
        let hash = crate::auth::passwords::hash_password(password.clone()).await?;
        let now = self.now();
        match members::find_by_email(&self.db, DEMO_MEMBER_EMAIL).await? {
            Some(m) => {
                let mut tx = self.db.begin().await?;
                members::set_password(&mut tx, m.id, &hash, now).await?;
                tx.commit().await?;
            }
            None => {
                let member = self
                    .sign_up(crate::members::SignupInput {
                        email: DEMO_MEMBER_EMAIL.into(),
                        password: password.clone(),
                        password_confirm: password.clone(),
                        name: "김데모".into(),
                        mobile: "010-1234-5678".into(),
                        agree_terms: true,
                        confirm_age: true,
                        agree_privacy: true,
                        agree_marketing: false,
                    })
                    .await?;
                let mut tx = self.db.begin().await?;
                members::set_grade(&mut tx, member.id, "silver", "demo", "", now).await?;
                promotions::add_points(
                    &mut tx,
                    member.id,
                    8_000,
                    "manual",
                    None,
                    Some("demo-points"),
                    now,
                )
                .await?;
                tx.commit().await?;
                self.ask_demo_questions(member.id).await?;
            }
        }
        Ok(password)
    }

    /// A product question with its answer and an open 1:1 inquiry, so the Q&A page and the staff
    /// inquiry list are not empty in the demo.
    async fn ask_demo_questions(&self, member_id: i64) -> AppResult<()> {
        let Some(product) = self.home().await?.featured.first().cloned() else {
            return Ok(());
        };
        let question = self
            .ask_about_product(
                member_id,
                &product.slug,
                &crate::inquiries::ProductQuestionInput {
                    title: "사이즈가 정사이즈인가요?".into(),
                    body: "평소 M을 입는데 어떤 사이즈를 고르면 될까요?".into(),
                    secret: false,
                },
            )
            .await?;
        self.answer_inquiry(
            &crate::auth::StaffActor::system("demo"),
            question,
            "안녕하세요, 고객님. 정사이즈로 나온 상품이라 평소 입으시는 M을 추천드립니다. 감사합니다.",
        )
        .await?;
        self.ask_personal(
            member_id,
            &crate::inquiries::PersonalInquiryInput {
                category: "delivery".into(),
                order_number: String::new(),
                title: "주말에도 배송되나요?".into(),
                body: "토요일에 받아볼 수 있는지 궁금합니다.".into(),
            },
        )
        .await?;
        Ok(())
    }
}
