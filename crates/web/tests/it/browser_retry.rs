//! A guest on a phone declines the card in the payment window and comes back to a checkout
//! filled in as typed; only the agreements are ticked again, and the order goes through without
//! retyping anything (screenshot `checkout-retry.png` is looked at).

use crate::browser_toss::{click, guest_places_an_order, tick_the_agreements};
use jangteo_testkit::Backend;
use jangteo_testkit::browser::Browser;
use thirtyfour::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_card_brings_the_guest_back_to_what_they_typed() {
    let Some((t, _)) = crate::checkout::shop(Backend::Sqlite).await else {
        return;
    };
    let Some(browser) = Browser::phone().await else {
        return;
    };
    let d = &browser.driver;
    guest_places_an_order(d, &t, "card").await;
    click(d, "#test-decline").await;

    let note = d.find(By::Id("checkout-retry")).await.unwrap();
    assert!(
        note.text()
            .await
            .unwrap()
            .contains("그대로 채워 두었습니다")
    );
    for (name, typed) in [("orderer_name", "김장터"), ("address2", "12층")] {
        let input = d.find(By::Name(name)).await.unwrap();
        assert_eq!(
            input.value().await.unwrap().as_deref(),
            Some(typed),
            "{name}"
        );
    }
    browser.screenshot("checkout-retry").await;
    tick_the_agreements(d).await;
    click(d, "#place-order").await;
    click(d, "#test-approve").await;
    let number = crate::browser_checkout::shown_order_number(d).await;
    assert_eq!(crate::checkout::status_of(&t, number.trim()).await, "paid");
    browser.quit().await;
}
