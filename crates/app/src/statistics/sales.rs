//! The sales report: a period's figures beside the previous period's, by bucket, channel,
//! category and SKU, read from the roll-up tables.

use super::{BucketRow, ChannelRow, ItemFigures, ItemRow, SalesQuery, SalesReport};
use crate::auth::StaffActor;
use crate::catalog::CategoryTree;
use crate::{App, AppResult};
use chrono::NaiveDate;
use jangteo_core::channels::SALES_CHANNELS;
use jangteo_core::ids::CategoryId;
use jangteo_core::staff::{Access, Area};
use jangteo_core::stats::{Period, SalesFigures, sum_into_buckets};
use jangteo_db::stats::{self, CategorySalesRow, ItemSalesRow, SalesDayRow};
use std::collections::{BTreeMap, HashMap};

fn figures_of(r: &SalesDayRow) -> SalesFigures {
    SalesFigures {
        orders: r.orders,
        gross: r.gross,
        discounts: r.discounts,
        refunds: r.refunds,
    }
}

fn item_figures(quantity: i64, gross: i64, discounts: i64, rq: i64, refunds: i64) -> ItemFigures {
    ItemFigures {
        quantity,
        gross,
        discounts,
        refunded_quantity: rq,
        refunds,
    }
}

/// Each day of `p` with its figures.
fn daily(days: &[SalesDayRow], p: Period) -> impl Iterator<Item = (NaiveDate, SalesFigures)> + '_ {
    days.iter()
        .filter_map(|r| r.day.parse::<NaiveDate>().ok().map(|d| (d, figures_of(r))))
        .filter(move |(d, _)| p.contains(*d))
}

/// The figures of a whole period.
fn total(days: &[SalesDayRow], p: Period) -> SalesFigures {
    let mut f = SalesFigures::default();
    for (_, x) in daily(days, p) {
        f += x;
    }
    f
}

/// The period's buckets beside the previous period's, lined up from the end: the last row of
/// each period is the most comparable (e.g. this month so far beside the month before).
fn bucket_rows(days: &[SalesDayRow], q: &SalesQuery, previous: Period) -> Vec<BucketRow> {
    let current_rows = sum_into_buckets(&q.period, q.granularity, daily(days, q.period));
    let previous_rows = sum_into_buckets(&previous, q.granularity, daily(days, previous));
    let offset = previous_rows.len() as isize - current_rows.len() as isize;
    current_rows
        .iter()
        .enumerate()
        .map(|(i, (bucket, current))| {
            let at = i as isize + offset;
            let prev = usize::try_from(at).ok().and_then(|j| previous_rows.get(j));
            BucketRow {
                bucket: *bucket,
                current: *current,
                previous_bucket: prev.map(|(b, _)| *b),
                previous: prev.map(|(_, f)| *f).unwrap_or_default(),
            }
        })
        .collect()
}

/// Every sales channel's figures in both periods.
fn channel_rows(days: &[SalesDayRow], period: Period, previous: Period) -> Vec<ChannelRow> {
    let by_channel = |p: Period| {
        let mut m: BTreeMap<&str, SalesFigures> = BTreeMap::new();
        for r in days {
            if r.day.parse::<NaiveDate>().is_ok_and(|d| p.contains(d)) {
                *m.entry(r.channel.as_str()).or_default() += figures_of(r);
            }
        }
        m
    };
    let (cur_ch, prev_ch) = (by_channel(period), by_channel(previous));
    SALES_CHANNELS
        .iter()
        .map(|c| ChannelRow {
            channel: c,
            current: cur_ch.get(c).copied().unwrap_or_default(),
            previous: prev_ch.get(c).copied().unwrap_or_default(),
        })
        .collect()
}

/// A category's full path ("상의 > 티셔츠"), or its id when it is gone.
fn category_name(tree: &CategoryTree, id: Option<i64>) -> String {
    let Some(id) = id else {
        return String::new();
    };
    let path = tree.path(CategoryId(id));
    if path.is_empty() {
        return format!("#{id}");
    }
    path.iter()
        .map(|n| n.name.as_str())
        .collect::<Vec<_>>()
        .join(" > ")
}

fn category_items(
    tree: &CategoryTree,
    rows: Vec<CategorySalesRow>,
) -> Vec<(String, String, ItemFigures)> {
    rows.into_iter()
        .map(|r| {
            let figures = item_figures(
                r.quantity,
                r.gross,
                r.discounts,
                r.refunded_quantity,
                r.refunds,
            );
            let key = r.category_id.map(|c| c.to_string()).unwrap_or_default();
            (key, category_name(tree, r.category_id), figures)
        })
        .collect()
}

fn sku_items(rows: Vec<ItemSalesRow>) -> Vec<(String, String, ItemFigures)> {
    rows.into_iter()
        .map(|r| {
            let figures = item_figures(
                r.quantity,
                r.gross,
                r.discounts,
                r.refunded_quantity,
                r.refunds,
            );
            let name = if r.option_label.is_empty() {
                r.product_name
            } else {
                format!("{} ({})", r.product_name, r.option_label)
            };
            (r.sku_code, name, figures)
        })
        .collect()
}

/// Joins this period's keyed rows with the previous period's, keeping every key of either.
fn pair_items(
    current: Vec<(String, String, ItemFigures)>,
    previous: Vec<(String, String, ItemFigures)>,
) -> Vec<ItemRow> {
    let mut prev: HashMap<String, (String, ItemFigures)> =
        previous.into_iter().map(|(k, n, f)| (k, (n, f))).collect();
    let mut rows: Vec<ItemRow> = current
        .into_iter()
        .map(|(key, name, f)| {
            let previous = prev.remove(&key).map(|(_, p)| p).unwrap_or_default();
            ItemRow {
                key,
                name,
                current: f,
                previous,
            }
        })
        .collect();
    rows.extend(prev.into_iter().map(|(key, (name, f))| ItemRow {
        key,
        name,
        current: ItemFigures::default(),
        previous: f,
    }));
    rows.sort_by(|a, b| {
        b.current
            .net()
            .cmp(&a.current.net())
            .then(b.previous.net().cmp(&a.previous.net()))
            .then(a.key.cmp(&b.key))
    });
    rows
}

impl App {
    /// The sales report for a period, with the previous period beside every figure.
    pub async fn sales_report(&self, actor: &StaffActor, q: SalesQuery) -> AppResult<SalesReport> {
        actor.require(Area::Statistics, Access::Read)?;
        let pending_days = self.statistics_current().await?;
        let previous = q.period.previous();
        let days = stats::sales_days(&self.db, previous.from, q.period.to).await?;
        let tree = self.category_tree().await?;
        let (from, to) = (q.period.from, q.period.to);
        let categories = pair_items(
            category_items(&tree, stats::category_sales(&self.db, from, to).await?),
            category_items(
                &tree,
                stats::category_sales(&self.db, previous.from, previous.to).await?,
            ),
        );
        let skus = pair_items(
            sku_items(stats::item_sales(&self.db, from, to).await?),
            sku_items(stats::item_sales(&self.db, previous.from, previous.to).await?),
        );
        Ok(SalesReport {
            totals: total(&days, q.period),
            previous_totals: total(&days, previous),
            rows: bucket_rows(&days, &q, previous),
            channels: channel_rows(&days, q.period, previous),
            query: q,
            previous,
            categories,
            skus,
            pending_days,
        })
    }
}
