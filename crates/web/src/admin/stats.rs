//! Back-office statistics: sales by day/week/month, channel, category and SKU with the previous
//! period beside every figure, member statistics, server-rendered SVG charts (charts-rs) and a
//! .xlsx/CSV download of every table.

use super::BackOffice;
use crate::context::Req;
use crate::forms::{download, t};
use crate::state::AppState;
use crate::web_error::WebError;
use axum::extract::Query;
use axum::response::Response;
use charts_rs::{BarChart, PieChart, Series, SeriesCategory};
use jangteo_app::AppError;
use jangteo_app::statistics::{
    ItemFigures, MemberReport, SKU_ROWS_SHOWN, SalesQuery, SalesReport, SalesTable, Table,
};
use jangteo_core::stats::{Granularity, SalesFigures, change_permille};
use jangteo_core::time::business_date;
use minijinja::{Value, context};
use serde::Deserialize;

/// `?g=day|week|month&from=YYYY-MM-DD&to=YYYY-MM-DD` (+ `table`, `format` for downloads).
#[derive(Debug, Default, Deserialize)]
pub struct StatsQuery {
    g: Option<String>,
    from: Option<String>,
    to: Option<String>,
    table: Option<String>,
    format: Option<String>,
    months: Option<u32>,
}

/// Colours of this period and the previous one in every chart.
const CURRENT_COLOUR: &str = "#2563eb";
const PREVIOUS_COLOUR: &str = "#cbd5e1";
/// The font the browser draws chart text with (Korean glyphs come from the system's CJK font).
const CHART_FONT: &str =
    "Pretendard, 'Noto Sans CJK KR', 'Noto Sans KR', 'Apple SD Gothic Neo', sans-serif";

fn change(now: i64, before: i64) -> Value {
    let permille = change_permille(now, before);
    context! {
        percent => permille.map(|p| format!("{:.1}", p as f64 / 10.0)),
        up => now > before, down => now < before,
    }
}

fn figures_view(f: &SalesFigures, prev: &SalesFigures) -> Value {
    context! {
        orders => f.orders, gross => f.gross, discounts => f.discounts, refunds => f.refunds,
        net => f.net(), aov => f.average_order_value(),
        prev => context! {
            orders => prev.orders, gross => prev.gross, discounts => prev.discounts,
            refunds => prev.refunds, net => prev.net(), aov => prev.average_order_value(),
        },
        change => context! {
            orders => change(f.orders, prev.orders), gross => change(f.gross, prev.gross),
            discounts => change(f.discounts, prev.discounts), refunds => change(f.refunds, prev.refunds),
            net => change(f.net(), prev.net()),
            aov => change(f.average_order_value(), prev.average_order_value()),
        },
    }
}

fn items_view(f: &ItemFigures, prev: &ItemFigures) -> Value {
    context! {
        quantity => f.quantity, gross => f.gross, discounts => f.discounts,
        refunded_quantity => f.refunded_quantity, refunds => f.refunds, net => f.net(),
        prev_quantity => prev.quantity, prev_net => prev.net(), change => change(f.net(), prev.net()),
    }
}

/// Won in thousands for chart axes (charts use f32; thousands keep the labels short).
fn thousands(won: i64) -> f32 {
    (won as f64 / 1000.0) as f32
}

fn styled<T: std::ops::DerefMut<Target = charts_rs::ChartBase>>(chart: &mut T, width: f32) {
    chart.width = width;
    chart.height = 320.0;
    chart.font_family = CHART_FONT.to_owned();
    // The page draws the legend in HTML: charts-rs measures text with a Latin font, so Korean
    // legend entries would overlap.
    chart.legend.show = Some(false);
}

/// Net sales per bucket: bars for this period, a line for the previous one.
fn sales_chart(report: &SalesReport, current_label: &str, previous_label: &str) -> String {
    let g = report.query.granularity;
    let labels: Vec<String> = report
        .rows
        .iter()
        .map(|r| match g {
            Granularity::Day => r.bucket.from.format("%m-%d").to_string(),
            Granularity::Week => r.bucket.from.format("%m-%d~").to_string(),
            Granularity::Month => r.bucket.from.format("%Y-%m").to_string(),
        })
        .collect();
    let current = Series::new(
        current_label.to_owned(),
        report
            .rows
            .iter()
            .map(|r| thousands(r.current.net()))
            .collect(),
    );
    let mut previous = Series::new(
        previous_label.to_owned(),
        report
            .rows
            .iter()
            .map(|r| thousands(r.previous.net()))
            .collect(),
    );
    previous.category = Some(SeriesCategory::Line);
    let mut chart = BarChart::new(vec![current, previous], labels);
    styled(&mut chart, 900.0);
    chart.series.colors = vec![CURRENT_COLOUR.into(), "#94a3b8".into()];
    if let Some(axis) = chart.y_axis_configs.first_mut() {
        axis.formatter = Some("{t}".to_owned());
    }
    chart.svg().unwrap_or_default()
}

/// Shares as a pie (channels, grades); nothing when every value is zero.
fn pie_chart(parts: &[(String, i64)]) -> String {
    if parts.iter().all(|(_, v)| *v <= 0) {
        return String::new();
    }
    let series = parts
        .iter()
        .map(|(name, v)| Series::new(name.clone(), vec![(*v).max(0) as f32]))
        .collect();
    let mut chart = PieChart::new(series);
    styled(&mut chart, 460.0);
    // A plain donut: a rose scales each slice's radius too, so 92 % looked like a quarter. The
    // radius leaves room beside it for the slices' names.
    chart.rose_type = Some(false);
    chart.radius = 95.0;
    chart.inner_radius = 55.0;
    chart.svg().unwrap_or_default()
}

fn members_chart(report: &MemberReport, signups: &str, buyers: &str) -> String {
    let labels = report
        .months
        .iter()
        .map(|m| m.month.format("%y-%m").to_string())
        .collect();
    let s = Series::new(
        signups.to_owned(),
        report.months.iter().map(|m| m.signups as f32).collect(),
    );
    let b = Series::new(
        buyers.to_owned(),
        report.months.iter().map(|m| m.buyers as f32).collect(),
    );
    let most = report
        .months
        .iter()
        .map(|m| m.signups.max(m.buyers))
        .max()
        .unwrap_or(0);
    let mut chart = BarChart::new(vec![s, b], labels);
    styled(&mut chart, 900.0);
    chart.series.colors = vec![CURRENT_COLOUR.into(), PREVIOUS_COLOUR.into()];
    if let Some(axis) = chart.y_axis_configs.first_mut() {
        let (top, steps) = whole_ticks(most);
        axis.min = Some(0.0);
        axis.max = Some(top as f32);
        axis.split_number = steps;
    }
    chart.svg().unwrap_or_default()
}

/// An axis top and a number of steps such that every tick is a whole number of people (a
/// count of 3 would otherwise be ticked 0.6, 1.2, …).
fn whole_ticks(most: i64) -> (i64, usize) {
    let steps = most.clamp(1, 5);
    let step = (most.max(1) + steps - 1) / steps;
    (step * steps, steps as usize)
}

fn sales_query(q: &StatsQuery, today: chrono::NaiveDate) -> Result<SalesQuery, AppError> {
    SalesQuery::parse(q.g.as_deref(), q.from.as_deref(), q.to.as_deref(), today)
}

fn table_download(table: &Table, base: &str, format: Option<&str>) -> Result<Response, WebError> {
    Ok(if format == Some("csv") {
        download(
            "text/csv; charset=utf-8",
            &format!("{base}.csv"),
            table.csv()?,
        )
    } else {
        download(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &format!("{base}.xlsx"),
            table.xlsx()?,
        )
    })
}

/// The period asked for, or, when it cannot be read, the default period with the message why.
fn query_or_default(
    state: &AppState,
    req: &Req,
    q: &StatsQuery,
) -> Result<(SalesQuery, Option<String>), WebError> {
    Ok(match sales_query(q, business_date(state.app.now())) {
        Ok(query) => (query, None),
        Err(AppError::Form(errors)) => {
            let g = Granularity::parse(q.g.as_deref().unwrap_or("day"));
            let period = g.default_period(business_date(state.app.now()));
            let message = errors
                .first()
                .map(|(_, code)| t(state, req, &format!("error.input.{code}")));
            (
                SalesQuery {
                    granularity: g,
                    period,
                },
                message,
            )
        }
        Err(e) => return Err(e.into()),
    })
}

/// The quick period links: last 7 and 30 days, this month, last 12 weeks and 12 months.
fn quick_periods(state: &AppState, req: &Req, today: chrono::NaiveDate) -> Vec<Value> {
    let quick = |key: &str, g: Granularity, from: chrono::NaiveDate| {
        context! {
            label => t(state, req, key),
            url => format!("/admin/stats?g={}&from={from}&to={today}", g.as_str()),
        }
    };
    let month_start = jangteo_core::stats::month_start(today);
    vec![
        quick(
            "admin.stats.last_7_days",
            Granularity::Day,
            today - chrono::Duration::days(6),
        ),
        quick(
            "admin.stats.last_30_days",
            Granularity::Day,
            today - chrono::Duration::days(29),
        ),
        quick("admin.stats.this_month", Granularity::Day, month_start),
        quick(
            "admin.stats.last_12_weeks",
            Granularity::Week,
            Granularity::Week.default_period(today).from,
        ),
        quick(
            "admin.stats.last_12_months",
            Granularity::Month,
            Granularity::Month.default_period(today).from,
        ),
    ]
}

/// GET /admin/stats
pub async fn sales(office: BackOffice, Query(q): Query<StatsQuery>) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = &office;
    let (query, error) = query_or_default(state, req, &q)?;
    let report = state.app.sales_report(&admin.actor, query).await?;
    let g = query.granularity;
    let params = format!(
        "g={}&from={}&to={}",
        g.as_str(),
        query.period.from,
        query.period.to
    );
    let quick = quick_periods(state, req, business_date(state.app.now()));
    let current_label = t(state, req, "admin.stats.this_period");
    let previous_label = t(state, req, "admin.stats.previous_period");
    let channel_parts: Vec<(String, i64)> = report
        .channels
        .iter()
        .map(|c| {
            (
                t(state, req, &format!("admin.channel.{}", c.channel)),
                c.current.net(),
            )
        })
        .collect();
    office.page("admin/stats.html", "admin.nav.stats", context! {
        tab => "sales",
        error => error,
        g => g.as_str(),
        from => query.period.from.to_string(),
        to => query.period.to.to_string(),
        previous_from => report.previous.from.to_string(),
        previous_to => report.previous.to.to_string(),
        granularities => Granularity::ALL.iter().map(|x| context! {
            value => x.as_str(), label => t(state, req, &format!("admin.stats.by_{}", x.as_str())),
            selected => *x == g,
        }).collect::<Vec<_>>(),
        quick => quick,
        totals => figures_view(&report.totals, &report.previous_totals),
        rows => report.rows.iter().rev().map(|r| context! {
            label => r.bucket.label(g),
            previous_label => r.previous_bucket.map(|b| b.label(g)),
            f => figures_view(&r.current, &r.previous),
        }).collect::<Vec<_>>(),
        channels => report.channels.iter().map(|c| context! {
            label => t(state, req, &format!("admin.channel.{}", c.channel)),
            f => figures_view(&c.current, &c.previous),
        }).collect::<Vec<_>>(),
        categories => report.categories.iter().map(|c| context! {
            name => if c.name.is_empty() { t(state, req, "admin.stats.no_category") } else { c.name.clone() },
            f => items_view(&c.current, &c.previous),
        }).collect::<Vec<_>>(),
        skus => report.skus.iter().take(SKU_ROWS_SHOWN).map(|s| context! {
            code => &s.key, name => &s.name, f => items_view(&s.current, &s.previous),
        }).collect::<Vec<_>>(),
        sku_count => report.skus.len(),
        sku_rows_shown => SKU_ROWS_SHOWN,
        pending_days => report.pending_days,
        chart => Value::from_safe_string(sales_chart(&report, &current_label, &previous_label)),
        channel_chart => Value::from_safe_string(pie_chart(&channel_parts)),
        export_base => format!("/admin/stats/export?{params}"),
    })
    .await
}

/// GET /admin/stats/export?table=periods|channels|categories|skus&format=xlsx|csv&g&from&to
pub async fn export_sales(
    office: BackOffice,
    Query(q): Query<StatsQuery>,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    let which = q
        .table
        .as_deref()
        .and_then(SalesTable::parse)
        .ok_or(AppError::NotFound)?;
    let query = sales_query(&q, business_date(state.app.now()))?;
    let report = state.app.sales_report(&admin.actor, query).await?;
    let base = format!(
        "sales-{}-{}-{}-{}",
        q.table.as_deref().unwrap_or_default(),
        query.granularity.as_str(),
        query.period.from,
        query.period.to
    );
    table_download(&report.table(which), &base, q.format.as_deref())
}

fn months_of(q: &StatsQuery) -> u32 {
    q.months
        .filter(|m| [6, 12, 24, 36].contains(m))
        .unwrap_or(12)
}

/// GET /admin/stats/members
pub async fn members(
    office: BackOffice,
    Query(q): Query<StatsQuery>,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = &office;
    let months = months_of(&q);
    let report = state
        .app
        .member_report(&admin.actor, months, business_date(state.app.now()))
        .await?;
    let grade_parts: Vec<(String, i64)> = report
        .grades
        .iter()
        .map(|(_, n, c)| (n.clone(), *c))
        .collect();
    let chart = members_chart(
        &report,
        &t(state, req, "admin.stats.signups"),
        &t(state, req, "admin.stats.buyers"),
    );
    office.page("admin/stats_members.html", "admin.nav.stats", context! {
        tab => "members",
        months => months,
        month_choices => [6u32, 12, 24, 36].iter().map(|m| context! { value => m, selected => *m == months }).collect::<Vec<_>>(),
        rows => report.months.iter().rev().map(|m| context! {
            month => m.month.format("%Y-%m").to_string(),
            signups => m.signups, buyers => m.buyers, withdrawals => m.withdrawals,
            year_before => context! { signups => m.year_before.0, buyers => m.year_before.1, withdrawals => m.year_before.2 },
            signups_change => change(m.signups, m.year_before.0),
            buyers_change => change(m.buyers, m.year_before.1),
        }).collect::<Vec<_>>(),
        totals => context! {
            signups => report.totals.0, withdrawals => report.totals.1,
            prev_signups => report.previous_totals.0, prev_withdrawals => report.previous_totals.1,
            signups_change => change(report.totals.0, report.previous_totals.0),
            withdrawals_change => change(report.totals.1, report.previous_totals.1),
        },
        grades => report.grades.iter().map(|(code, name, n)| context! {
            code => code, name => name, members => n,
            share => (report.active > 0).then(|| format!("{:.1}", *n as f64 * 100.0 / report.active as f64)),
        }).collect::<Vec<_>>(),
        active => report.active,
        dormant => report.dormant,
        withdrawn => report.withdrawn,
        pending_days => report.pending_days,
        chart => Value::from_safe_string(chart),
        grade_chart => Value::from_safe_string(pie_chart(&grade_parts)),
        export_base => format!("/admin/stats/members/export?months={months}"),
    })
    .await
}

/// GET /admin/stats/members/export?table=months|grades&format=xlsx|csv&months=
pub async fn export_members(
    office: BackOffice,
    Query(q): Query<StatsQuery>,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    let months = months_of(&q);
    let report = state
        .app
        .member_report(&admin.actor, months, business_date(state.app.now()))
        .await?;
    let (table, name) = match q.table.as_deref() {
        Some("months") => (report.months_table(), "members-months"),
        Some("grades") => (report.grades_table(), "members-grades"),
        _ => return Err(AppError::NotFound.into()),
    };
    table_download(&table, name, q.format.as_deref())
}

#[cfg(test)]
mod tests {
    use super::whole_ticks;

    #[test]
    fn member_axis_ticks_are_whole_people() {
        assert_eq!(whole_ticks(0), (1, 1));
        assert_eq!(whole_ticks(3), (3, 3));
        assert_eq!(whole_ticks(7), (10, 5));
        assert_eq!(whole_ticks(100), (100, 5));
        assert_eq!(whole_ticks(101), (105, 5));
    }
}
