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
        for name in Theme::template_names() {
            env.get_template(&name)
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
