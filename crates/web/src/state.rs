//! The state every handler shares: the use cases, the compiled templates, messages and theme.

use crate::assets::Theme;
use crate::i18n::Messages;
use jangteo_app::App;
use minijinja::Environment;
use std::sync::Arc;

/// Knobs of the web layer that are not shop configuration.
#[derive(Debug, Clone)]
pub struct WebOptions {
    /// URLs per sitemap file before a sitemap index is served (the protocol's limit is 50,000).
    pub sitemap_max_urls: usize,
}

impl Default for WebOptions {
    fn default() -> Self {
        Self {
            sitemap_max_urls: 50_000,
        }
    }
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// Use cases.
    pub app: App,
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub env: Environment<'static>,
    pub messages: Arc<Messages>,
    pub theme: Theme,
    pub options: WebOptions,
}

impl AppState {
    /// Loads templates, static-file hashes and messages (built-in, overridden by the theme).
    pub fn new(app: App, options: WebOptions) -> Result<Self, String> {
        let theme = Theme::new(app.config.theme_dir.clone());
        let messages = Arc::new(Messages::load(&theme)?);
        let env =
            crate::templates::environment(theme.clone(), messages.clone(), theme.static_hashes());
        // Fail at start-up, not on the first visitor, when a (theme) template does not compile.
        for name in [
            "base.html",
            "shop/home.html",
            "shop/category.html",
            "shop/product.html",
            "shop/search.html",
            "shop/page.html",
            "errors/error.html",
            "account/signup.html",
            "account/login.html",
            "account/reset_request.html",
            "account/reset_form.html",
            "account/home.html",
            "account/orders.html",
            "account/points.html",
            "account/addresses.html",
            "account/profile.html",
            "account/password.html",
            "account/withdraw.html",
            "cart/cart.html",
            "checkout/checkout.html",
            "checkout/complete.html",
            "orders/detail.html",
            "orders/lookup.html",
            "payments/test_gateway.html",
            "dev/outbox.html",
            "account/unsubscribe.html",
            "account/inquiries.html",
            "account/inquiry_new.html",
            "account/inquiry.html",
            "shop/questions.html",
            "admin/login.html",
            "admin/login_code.html",
            "admin/login_enrol.html",
            "admin/recovery_codes.html",
            "admin/dashboard.html",
            "admin/inquiries.html",
            "admin/inquiry.html",
            "admin/jobs.html",
            "admin/outbox.html",
            "admin/templates.html",
            "admin/template_edit.html",
            "admin/audit.html",
            "admin/orders.html",
            "admin/order.html",
            "admin/packing_slip.html",
            "admin/members.html",
            "admin/member.html",
            "admin/staff.html",
            "admin/content.html",
            "admin/waybills.html",
            "admin/stock.html",
            "admin/stock_import.html",
            "admin/page_edit.html",
            "admin/post_edit.html",
            "admin/banner_edit.html",
            "admin/products.html",
            "admin/product_edit.html",
            "admin/categories.html",
            "admin/product_new.html",
            "admin/claims.html",
            "admin/claim.html",
            "admin/claim_new.html",
            "admin/settings.html",
            "admin/shipping.html",
            "orders/claim.html",
            "shop/posts.html",
            "shop/post.html",
            "shop/privacy.html",
        ] {
            env.get_template(name)
                .map_err(|e| format!("template {name}: {e}"))?;
        }
        crate::templates::check_legal_footer(&theme)?;
        Ok(Self {
            app,
            inner: Arc::new(Inner {
                env,
                messages,
                theme,
                options,
            }),
        })
    }
}
