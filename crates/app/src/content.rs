//! CMS content use cases (pages); editing arrives with the back office.

use crate::{App, AppError, AppResult};
use jangteo_db::content::{self, PageRow};
use std::sync::Arc;

impl App {
    /// Every published page (footer links, sitemap), cached.
    pub async fn published_pages(&self) -> AppResult<Arc<Vec<PageRow>>> {
        if self.database_down() {
            return self
                .caches
                .pages
                .get(&())
                .await
                .ok_or(AppError::Unavailable);
        }
        let db = self.db.clone();
        self.caches
            .pages
            .try_get_with((), async move {
                Ok::<_, AppError>(Arc::new(content::published_pages(&db).await?))
            })
            .await
            .map_err(AppError::from)
    }

    /// A published page by slug.
    pub async fn page(&self, slug: &str) -> AppResult<Option<PageRow>> {
        Ok(self
            .published_pages()
            .await?
            .iter()
            .find(|p| p.slug == slug)
            .cloned())
    }
}
