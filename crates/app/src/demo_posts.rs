//! The demo's 공지사항 and 이벤트: the footer links to both, so the demo shows what they look
//! like with a few posts (saved through the back office's own use case, audited as "demo").

use crate::admin::content::PostForm;
use crate::auth::StaffActor;
use crate::{App, AppResult};
use chrono::Duration;
use jangteo_db::settings;

const POSTS_MARKER: &str = "demo.posts.v1";

/// (title, body) of each demo notice, the first pinned.
const NOTICES: [(&str, &str); 3] = [
    (
        "배송 안내: 평일 오후 2시 이전 결제 시 당일 출고",
        "<p>평일 오후 2시까지 결제가 끝난 주문은 그날 출고합니다. 주말과 공휴일 주문은 다음 영업일에 출고합니다.</p><p>제주·도서산간 지역은 추가 배송비가 붙고 1~2일 더 걸릴 수 있습니다.</p>",
    ),
    (
        "연말연시 배송 일정 안내",
        "<p>연말연시 택배사 휴무일에는 출고하지 않습니다. 휴무 전날 오후 2시 이후 주문은 휴무가 끝난 다음 영업일부터 차례로 출고합니다.</p>",
    ),
    (
        "개인정보처리방침 개정 안내",
        "<p>결제대행사 변경에 따라 개인정보 처리 위탁 내용이 바뀌었습니다. 바뀐 내용은 하단의 개인정보처리방침에서 확인하실 수 있습니다.</p>",
    ),
];

/// (title, body, first day offset, last day offset) of each demo event, in days from today;
/// the shop lists the latest first, so the running one is saved last.
const EVENTS: [(&str, &str, i64, i64); 2] = [
    (
        "가을 시즌오프 세일",
        "<p>가을 상품 시즌오프 세일이 끝났습니다. 함께해 주셔서 감사합니다.</p>",
        -60,
        -31,
    ),
    (
        "겨울 신상품 첫 구매 10% 할인",
        "<h2>첫 구매 10% 할인 (최대 5,000원)</h2><p>주문서의 쿠폰 코드 칸에 <strong>WELCOME10</strong>을 입력하세요. 신규 회원께는 5,000원 할인 쿠폰도 자동으로 드립니다.</p><ul><li>20,000원 이상 주문 시</li><li>회원당 한 번</li></ul>",
        -3,
        27,
    ),
];

impl App {
    /// A few notices and events (once).
    pub(crate) async fn load_demo_posts(&self) -> AppResult<()> {
        if settings::get(&self.db, POSTS_MARKER).await?.is_some() {
            return Ok(());
        }
        let actor = StaffActor::system("demo");
        for (i, (title, body)) in NOTICES.iter().enumerate() {
            let form = PostForm {
                title: (*title).to_owned(),
                body_html: (*body).to_owned(),
                pinned: i == 0,
                published: true,
                ..PostForm::default()
            };
            self.save_post(&actor, "notice", None, &form).await?;
        }
        let today = jangteo_core::time::business_date(self.now());
        for (title, body, first, last) in EVENTS {
            let form = PostForm {
                title: title.to_owned(),
                body_html: body.to_owned(),
                starts_on: Some(today + Duration::days(first)),
                ends_on: Some(today + Duration::days(last)),
                published: true,
                ..PostForm::default()
            };
            self.save_post(&actor, "event", None, &form).await?;
        }
        let mut tx = self.db.begin().await?;
        settings::set(&mut tx, POSTS_MARKER, "1", self.now()).await?;
        tx.commit().await?;
        Ok(())
    }
}
