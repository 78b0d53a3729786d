//! Pagination arithmetic shared by every list.

use serde::Serialize;

/// A requested page: 1-based number and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// 1-based page number.
    pub number: u32,
    /// Items per page.
    pub size: u32,
}

impl PageRequest {
    /// The largest page size any list accepts.
    pub const MAX_SIZE: u32 = 100;
    /// The deepest page any list serves; deeper requests are clamped (protects the database).
    pub const MAX_NUMBER: u32 = 10_000;

    /// A page request clamped to sane bounds (page ≥ 1, 1 ≤ size ≤ 100).
    pub fn new(number: u32, size: u32) -> Self {
        Self {
            number: number.clamp(1, Self::MAX_NUMBER),
            size: size.clamp(1, Self::MAX_SIZE),
        }
    }

    /// Rows to skip.
    pub fn offset(self) -> i64 {
        i64::from(self.number - 1) * i64::from(self.size)
    }

    /// Rows to fetch.
    pub fn limit(self) -> i64 {
        i64::from(self.size)
    }
}

/// One page of results with the total count.
#[derive(Debug, Clone, Serialize)]
pub struct Paged<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// Matching items over all pages.
    pub total: u64,
    /// The page that was served.
    pub page: u32,
    /// The page size used.
    pub size: u32,
}

impl<T> Paged<T> {
    /// A page of `items` out of `total` matches (as a database counts them) for `request`.
    pub fn counted(items: Vec<T>, total: i64, request: PageRequest) -> Self {
        Self {
            items,
            total: u64::try_from(total).unwrap_or(0),
            page: request.number,
            size: request.size,
        }
    }

    /// Number of pages (at least 1, so an empty list still has "page 1 of 1").
    pub fn total_pages(&self) -> u32 {
        let pages = self.total.div_ceil(u64::from(self.size.max(1)));
        u32::try_from(pages).unwrap_or(u32::MAX).max(1)
    }

    /// Maps the items, keeping the counts.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            size: self.size,
        }
    }
}

/// The page numbers to show around `current` out of `total`: `None` marks a gap ("…").
/// Always shows the first and last page and up to `radius` pages either side of the current one.
pub fn page_window(current: u32, total: u32, radius: u32) -> Vec<Option<u32>> {
    let total = total.max(1);
    let current = current.clamp(1, total);
    let lo = current.saturating_sub(radius).max(1);
    let hi = (current + radius).min(total);
    let mut out = Vec::new();
    if lo > 1 {
        out.push(Some(1));
        if lo > 2 {
            out.push(None);
        }
    }
    out.extend((lo..=hi).map(Some));
    if hi < total {
        if hi < total - 1 {
            out.push(None);
        }
        out.push(Some(total));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_requests() {
        let p = PageRequest::new(0, 1000);
        assert_eq!((p.number, p.size), (1, 100));
        assert_eq!(PageRequest::new(3, 20).offset(), 40);
    }

    #[test]
    fn counts_pages() {
        let p = Paged::<u8> {
            items: vec![],
            total: 0,
            page: 1,
            size: 20,
        };
        assert_eq!(p.total_pages(), 1);
        let p = Paged::<u8> {
            items: vec![],
            total: 41,
            page: 1,
            size: 20,
        };
        assert_eq!(p.total_pages(), 3);
    }

    #[test]
    fn windows_with_gaps() {
        assert_eq!(page_window(1, 1, 2), vec![Some(1)]);
        assert_eq!(page_window(1, 3, 2), vec![Some(1), Some(2), Some(3)]);
        assert_eq!(
            page_window(10, 20, 2),
            vec![
                Some(1),
                None,
                Some(8),
                Some(9),
                Some(10),
                Some(11),
                Some(12),
                None,
                Some(20)
            ]
        );
        assert_eq!(
            page_window(2, 5, 1),
            vec![Some(1), Some(2), Some(3), None, Some(5)]
        );
        assert_eq!(
            page_window(4, 5, 1),
            vec![Some(1), None, Some(3), Some(4), Some(5)]
        );
    }
}
