//! The back office's routes, by area (the session and login layers are added in `router`).

use super::{
    alimtalk, audit_log, banners, categories, channels, claims, content, coupon_codes,
    coupon_report, coupons, gateway, gifts, grades, login, logistics, members, notify_settings,
    order_bulk, order_parts, orders, pages, pins, points, products, reconciliation, reviews,
    settings, shipping, staff_accounts, staff_alerts, stats, stock, stock_sheet, waybills,
    webhooks,
};
use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// Every back-office route.
pub(super) fn all() -> Router<AppState> {
    Router::new()
        .merge(access())
        .merge(orders())
        .merge(members())
        .merge(content())
        .merge(catalog())
        .merge(operations())
        .merge(settings())
}

/// The dashboard and the staff login (password, TOTP code, enrolment).
fn access() -> Router<AppState> {
    Router::new()
        .route("/admin", get(pages::dashboard))
        .route(
            "/admin/login",
            get(login::show_login).post(login::submit_password),
        )
        .route(
            "/admin/login/code",
            get(login::show_code).post(login::submit_code),
        )
        .route(
            "/admin/login/enrol",
            get(login::show_enrol).post(login::submit_enrol),
        )
        .route("/admin/logout", post(login::logout))
}

/// Orders, waybill sheets and claims.
fn orders() -> Router<AppState> {
    Router::new()
        .route("/admin/orders", get(orders::list))
        .route("/admin/orders.xlsx", get(orders::export))
        .route("/admin/orders.csv", get(orders::export))
        .route(
            "/admin/orders/waybills",
            get(waybills::waybills).post(waybills::preview_waybills),
        )
        .route(
            "/admin/orders/waybills/apply",
            post(waybills::apply_waybills),
        )
        .route("/admin/orders/bulk-deliver", post(order_bulk::deliver))
        .route("/admin/webhooks", get(webhooks::show).post(webhooks::add))
        .route("/admin/webhooks/{id}/{to}", post(webhooks::switch))
        .route(
            "/admin/webhooks/deliveries/{id}/redeliver",
            post(webhooks::redeliver),
        )
        .route("/admin/orders/{number}", get(orders::show))
        .route("/admin/orders/{number}/action", post(orders::act))
        .route(
            "/admin/orders/{number}/partial-cancel",
            post(order_parts::partial_cancel),
        )
        .route("/admin/orders/{number}/ship", post(order_parts::ship))
        .route("/admin/orders/{number}/memos", post(orders::add_memo))
        .route("/admin/orders/{number}/slip", get(orders::packing_slip))
        .route("/admin/claims", get(claims::list))
        .route("/admin/claims/{id}", get(claims::show).post(claims::act))
        .route(
            "/admin/orders/{number}/claims/new",
            get(claims::new_for_order),
        )
        .route(
            "/admin/orders/{number}/claims/quote",
            get(claims::quote_for_order),
        )
        .route(
            "/admin/orders/{number}/claims",
            post(claims::create_for_order),
        )
}

/// Members.
fn members() -> Router<AppState> {
    Router::new()
        .route("/admin/members", get(members::list))
        .route("/admin/members.csv", get(members::export))
        .route("/admin/members.xlsx", get(members::export))
        .route("/admin/members/{id}", get(members::show))
        .route("/admin/members/{id}/reveal", post(members::reveal))
        .route("/admin/members/{id}/points", post(members::adjust_points))
        .route("/admin/members/{id}/grade", post(members::change_grade))
        .route("/admin/members/{id}/unlock", post(members::unlock_login))
        .route("/admin/members/{id}/coupons", post(members::issue_coupon))
        .route("/admin/grades", get(grades::list).post(grades::create))
        .route("/admin/grades/new", get(grades::new_grade))
        .route("/admin/grades/schedule", post(grades::save_schedule))
        .route(
            "/admin/grades/{id}",
            get(grades::edit_grade).post(grades::update),
        )
        .route("/admin/grades/{id}/delete", post(grades::delete))
        .route("/admin/gifts", get(gifts::list).post(gifts::create))
        .route("/admin/gifts/new", get(gifts::new_rule))
        .route(
            "/admin/gifts/{id}",
            get(gifts::edit_rule).post(gifts::update),
        )
        .route("/admin/gifts/{id}/{to}", post(gifts::switch))
        .route("/admin/points", get(points::show).post(points::save))
        .route("/admin/reviews", get(reviews::list))
        .route("/admin/reviews/policy", post(reviews::save_policy))
        .route("/admin/reviews/{id}", get(reviews::detail))
        .route("/admin/reviews/{id}/hide", post(reviews::hide))
        .route("/admin/reviews/{id}/show", post(reviews::show))
        .route("/admin/reviews/{id}/reply", post(reviews::reply))
        .route("/admin/coupons", get(coupons::list).post(coupons::create))
        .route("/admin/coupons/new", get(coupons::new_coupon))
        .route("/admin/coupons/report", get(coupon_report::report))
        .route("/admin/coupons/report.csv", get(coupon_report::sheet))
        .route(
            "/admin/coupons/{id}",
            get(coupons::edit_coupon).post(coupons::update),
        )
        .route("/admin/coupons/{id}/issue", post(coupons::issue))
        .route("/admin/coupons/{id}/codes", post(coupon_codes::generate))
        .route("/admin/coupons/{id}/codes.csv", get(coupon_codes::sheet))
        .route(
            "/admin/coupons/{id}/issue-segment",
            post(coupons::issue_segment),
        )
        .route("/admin/coupons/{id}/{to}", post(coupons::switch))
}

/// Pages, posts, editor images and banners.
fn content() -> Router<AppState> {
    Router::new()
        .route("/admin/content", get(content::index))
        .route("/admin/pages", post(content::create_page))
        .route("/admin/pages/new", get(content::new_page))
        .route(
            "/admin/pages/{id}",
            get(content::edit_page).post(content::update_page),
        )
        .route("/admin/posts/{kind}", post(content::create_post))
        .route("/admin/posts/{kind}/new", get(content::new_post))
        .route(
            "/admin/posts/{kind}/{id}",
            get(content::edit_post).post(content::update_post),
        )
        .route("/admin/media", post(content::upload_image))
        .route("/admin/banners", post(banners::create_banner))
        .route("/admin/banners/new", get(banners::new_banner))
        .route(
            "/admin/banners/{id}",
            get(banners::edit_banner).post(banners::update_banner),
        )
        .route("/admin/banners/{id}/delete", post(banners::delete_banner))
}

/// Products, categories and stock.
fn catalog() -> Router<AppState> {
    Router::new()
        .route("/admin/products", get(products::list))
        .route(
            "/admin/products/new",
            get(products::new_product).post(products::create_product),
        )
        .route("/admin/products/{id}/options", post(products::save_options))
        .route("/admin/products/{id}/skus", post(products::save_skus))
        .route(
            "/admin/products/{id}/pins",
            get(pins::show).post(pins::upload),
        )
        .route(
            "/admin/products/{id}/pins/settings",
            post(pins::save_settings),
        )
        .route("/admin/products/{id}/pins/{pin}/void", post(pins::void))
        .route("/admin/products/{id}/images", post(products::upload_images))
        .route(
            "/admin/products/{id}/images/{image}/move",
            post(products::move_image),
        )
        .route(
            "/admin/products/{id}/images/{image}/delete",
            post(products::delete_image),
        )
        .route(
            "/admin/products/{id}",
            get(products::edit).post(products::update),
        )
        .route(
            "/admin/categories",
            get(categories::categories).post(categories::create_category),
        )
        .route("/admin/categories/{id}", post(categories::update_category))
        .route(
            "/admin/categories/{id}/delete",
            post(categories::delete_category),
        )
        .route("/admin/stock", get(stock::list))
        .route("/admin/stock/{sku}", post(stock::adjust))
        .route(
            "/admin/stock/import",
            get(stock_sheet::import_form).post(stock_sheet::import_preview),
        )
        .route("/admin/stock/import/apply", post(stock_sheet::import_apply))
}

/// Statistics, inquiries, message templates, the outbox, jobs and the audit log.
fn operations() -> Router<AppState> {
    Router::new()
        .route("/admin/stats", get(stats::sales))
        .route("/admin/stats/export", get(stats::export_sales))
        .route("/admin/stats/members", get(stats::members))
        .route("/admin/stats/members/export", get(stats::export_members))
        .route("/admin/inquiries", get(pages::inquiries))
        .route("/admin/inquiries/{id}", get(pages::inquiry))
        .route("/admin/inquiries/{id}/answer", post(pages::answer_inquiry))
        .route("/admin/templates", get(pages::templates))
        .route(
            "/admin/notifications",
            get(notify_settings::show).post(notify_settings::save),
        )
        .route(
            "/admin/alerts",
            get(staff_alerts::show).post(staff_alerts::save),
        )
        .route("/admin/channels", get(channels::show))
        .route("/admin/channels/import", post(channels::import))
        .route("/admin/channels/sheet", post(channels::import_sheet))
        .route("/admin/logistics", get(logistics::show))
        .route("/admin/logistics/{code}/handoff", post(logistics::hand_off))
        .route(
            "/admin/logistics/{code}/batches/{batch}",
            get(logistics::batch),
        )
        .route(
            "/admin/templates/{event}",
            get(pages::edit_template).post(pages::update_template),
        )
        .route("/admin/templates/{event}/alimtalk", post(alimtalk::save))
        .route("/admin/outbox", get(pages::outbox))
        .route("/admin/jobs", get(pages::jobs))
        .route("/admin/jobs/{id}/retry", post(pages::retry_job))
        .route("/admin/jobs/{id}/discard", post(pages::discard_job))
        .route("/admin/audit", get(audit_log::audit))
        .route("/admin/audit.csv", get(audit_log::audit_export))
}

/// Staff accounts, shop settings and shipping.
fn settings() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/staff",
            get(staff_accounts::list).post(staff_accounts::add),
        )
        .route("/admin/staff/{id}", post(staff_accounts::change))
        .route("/admin/staff/tokens", post(staff_accounts::issue_token))
        .route(
            "/admin/staff/{id}/tokens/{token}/revoke",
            post(staff_accounts::revoke_token),
        )
        .route(
            "/admin/staff/{id}/reset-2fa",
            post(staff_accounts::reset_2fa),
        )
        .route("/admin/staff/{id}/unlock", post(staff_accounts::unlock))
        .route("/admin/staff/{id}/slack", post(staff_accounts::link_slack))
        .route("/admin/settings", get(settings::show))
        .route("/admin/shipping", get(shipping::show))
        .route("/admin/shipping/profiles", post(shipping::create))
        .route("/admin/shipping/profiles/{id}", post(shipping::update))
        .route(
            "/admin/shipping/profiles/{id}/delete",
            post(shipping::delete),
        )
        .route(
            "/admin/shipping/profiles/{id}/default",
            post(shipping::make_default),
        )
        .route("/admin/shipping/remote-areas", post(shipping::save_areas))
        .route(
            "/admin/settings/payment-methods",
            post(settings::save_payment_methods),
        )
        .route("/admin/payments/reconciliation", get(reconciliation::show))
        .route(
            "/admin/settings/payments",
            get(gateway::show).post(gateway::save),
        )
        .route(
            "/admin/settings/stock-display",
            post(settings::save_stock_display),
        )
        .route(
            "/admin/settings/gift-card-notice",
            post(settings::save_gift_card_notice),
        )
        .route(
            "/admin/settings/gift-card-identity",
            post(settings::save_gift_card_identity),
        )
        .route(
            "/admin/settings/gift-card-limits",
            post(settings::save_gift_card_limits),
        )
}
