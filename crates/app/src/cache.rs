//! Per-instance caches (moka). Catalog entries are invalidated on every change made through the
//! use cases and expire after `cache_ttl_seconds` as a safety net for changes made by other
//! instances (cross-instance invalidation via PostgreSQL NOTIFY is future work).

use crate::catalog::{CategoryTree, HomeSections, ListingKey, ProductDetail, ProductSummary};
use crate::config::Config;
use bytes::Bytes;
use jangteo_core::paging::Paged;
use jangteo_db::content::PageRow;
use jangteo_media::ThumbSize;
use moka::future::Cache;
use std::sync::Arc;
use std::time::Duration;

/// Thumbnail bytes kept in memory (the rest are read back from storage).
const THUMBNAIL_CACHE_BYTES: u64 = 64 * 1024 * 1024;
/// Rendered pages kept in memory.
const PAGE_CACHE_BYTES: u64 = 64 * 1024 * 1024;

pub(crate) struct Caches {
    pub tree: Cache<(), Arc<CategoryTree>>,
    pub home: Cache<(), Arc<HomeSections>>,
    pub listings: Cache<ListingKey, Arc<Paged<ProductSummary>>>,
    pub products: Cache<String, Arc<ProductDetail>>,
    pub pages: Cache<(), Arc<Vec<PageRow>>>,
    pub thumbnails: Cache<(String, ThumbSize), Bytes>,
    /// Renders in flight or just finished, so one original is decoded once for all sizes.
    pub thumb_sets: Cache<String, Option<crate::media::ThumbSet>>,
    pub rendered: Cache<String, Bytes>,
}

impl Caches {
    pub fn new(config: &Config) -> Self {
        let ttl = Duration::from_secs(config.cache_ttl_seconds.max(1));
        Self {
            tree: Cache::builder().max_capacity(1).time_to_live(ttl).build(),
            home: Cache::builder().max_capacity(1).time_to_live(ttl).build(),
            listings: Cache::builder()
                .max_capacity(2_000)
                .time_to_live(ttl)
                .build(),
            products: Cache::builder()
                .max_capacity(5_000)
                .time_to_live(ttl)
                .build(),
            pages: Cache::builder().max_capacity(1).time_to_live(ttl).build(),
            thumbnails: Cache::builder()
                .weigher(|_k: &(String, ThumbSize), v: &Bytes| {
                    u32::try_from(v.len()).unwrap_or(u32::MAX)
                })
                .max_capacity(THUMBNAIL_CACHE_BYTES)
                .build(),
            thumb_sets: Cache::builder()
                .max_capacity(16)
                .time_to_live(Duration::from_secs(30))
                .build(),
            rendered: Cache::builder()
                .weigher(|k: &String, v: &Bytes| {
                    u32::try_from(k.len() + v.len()).unwrap_or(u32::MAX)
                })
                .max_capacity(PAGE_CACHE_BYTES)
                .time_to_live(ttl)
                .build(),
        }
    }

    pub fn invalidate_catalog(&self) {
        self.tree.invalidate_all();
        self.home.invalidate_all();
        self.listings.invalidate_all();
        self.products.invalidate_all();
        self.pages.invalidate_all();
        self.rendered.invalidate_all();
    }
}
