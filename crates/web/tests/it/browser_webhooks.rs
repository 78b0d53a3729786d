//! 웹훅 in headless Chromium: the owner goes from the dashboard's menu to 설정 › 웹훅, adds an
//! endpoint for paid orders, copies the secret shown once, and stops it after a confirmation.

use crate::browser_catalog::{accept_the_confirmation, click};
use crate::browser_checkout::fill;
use thirtyfour::prelude::*;

#[tokio::test]
async fn the_owner_connects_an_integration_by_webhook() {
    let Some((t, browser)) = crate::browser_admin::owner_on_the_dashboard().await else {
        return;
    };
    let d = &browser.driver;
    click(d, "a[href='/admin/webhooks']").await;
    d.find(By::Id("webhook-form")).await.unwrap();
    fill(d, "url", "https://erp.example.com/jangteo").await;
    click(d, "input[name='event'][value='order.paid']").await;
    click(d, "#webhook-add").await;
    let secret = d.find(By::Css("[data-secret]")).await.unwrap();
    assert!(secret.text().await.unwrap().starts_with("whsec_"));
    let endpoints = d.find(By::Id("webhook-endpoints")).await.unwrap();
    let listed = endpoints.text().await.unwrap();
    assert!(listed.contains("https://erp.example.com/jangteo") && listed.contains("order.paid"));
    browser.screenshot("admin-webhooks").await;

    click(d, "tr[data-endpoint] button").await;
    accept_the_confirmation(d).await;
    endpoints.wait_until().stale().await.unwrap();
    let listed = d
        .find(By::Id("webhook-endpoints"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(listed.contains("중지됨"), "{listed}");
    assert!(
        d.find_all(By::Css("[data-secret]"))
            .await
            .unwrap()
            .is_empty(),
        "shown once"
    );
    let _ = t;
    browser.quit().await;
}
