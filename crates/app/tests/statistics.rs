//! Statistics equal a brute-force computation over the raw orders, on both backends: a generated
//! history (members, paid/unpaid orders over four months and three channels, full and partial
//! refunds on later days) rebuilt, then a real order paid and cancelled through the app, whose
//! dirty-day mark the roll-up job picks up.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use jangteo_app::App;
use jangteo_app::auth::StaffActor;
use jangteo_app::orders::Actor;
use jangteo_app::statistics::{ItemFigures, SalesQuery, SalesReport};
use jangteo_core::stats::{SalesFigures, month_start};
use jangteo_core::time::business_date;
use jangteo_db::Db;
use jangteo_db::catalog::stock;
use jangteo_testkit::sales::{SalesSpec, generate};
use jangteo_testkit::{Backend, TestDb, app_on, fixtures, on_both_backends};
use std::collections::{BTreeMap, HashMap};

type OrderRaw = (
    i64,
    Option<DateTime<Utc>>,
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    Option<i64>,
);

async fn all<T>(db: &Db, sql: &'static str) -> Vec<T>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    match db {
        Db::Sqlite(s) => sqlx::query_as(sql).fetch_all(&s.read).await.unwrap(),
        Db::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
    }
}

/// A member as the brute force sees it: (created, withdrawn_at, status, grade, dormant).
type MemberRaw = (DateTime<Utc>, Option<DateTime<Utc>>, String, i64, bool);
/// A member row as stored: (created, withdrawn_at, status, grade, dormant_at).
type MemberRow = (
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    String,
    i64,
    Option<DateTime<Utc>>,
);
/// An order line: (id, order, SKU code, category, quantity, subtotal, discounts, gift).
type LineRaw = (i64, i64, String, Option<i64>, i64, i64, i64, bool);

/// Everything recomputed from the raw rows.
struct Truth {
    /// Per KST day and channel.
    days: BTreeMap<(NaiveDate, String), SalesFigures>,
    /// Per KST day, SKU code and category: units, gross, discounts, refunded units, refunds.
    items: Vec<(NaiveDate, String, Option<i64>, ItemFigures)>,
    /// Members: (created, withdrawn_at, status, grade, dormant).
    members: Vec<MemberRaw>,
    /// Paid orders: (paid day, member).
    buyers: Vec<(NaiveDate, i64)>,
}

/// Paid orders as the brute force sees them.
struct PaidOrders {
    /// Per KST day and channel.
    days: BTreeMap<(NaiveDate, String), SalesFigures>,
    /// Paid orders: id → (paid day, channel).
    paid_day: HashMap<i64, (NaiveDate, String)>,
    /// Every order: id → channel.
    channel_of: HashMap<i64, String>,
    /// Paid orders: (paid day, member).
    buyers: Vec<(NaiveDate, i64)>,
}

/// Recomputes every figure from the raw rows.
async fn truth(db: &Db) -> Truth {
    let mut paid = paid_orders(db).await;
    let refund_day = add_refunds(db, &mut paid.days, &paid.channel_of).await;
    let items = item_figures(db, &paid.paid_day, &refund_day).await;
    let members: Vec<MemberRow> = all(
        db,
        "SELECT created_at, withdrawn_at, status, grade_id, dormant_at FROM members",
    )
    .await;
    Truth {
        days: paid.days,
        items,
        members: members
            .into_iter()
            .map(|(c, w, s, g, d)| (c, w, s, g, d.is_some()))
            .collect(),
        buyers: paid.buyers,
    }
}

/// Sums the paid orders per KST day and channel, and notes each order's day, channel and buyer.
async fn paid_orders(db: &Db) -> PaidOrders {
    let orders: Vec<OrderRaw> = all(
        db,
        "SELECT id, paid_at, channel, items_subtotal, shipping_fee, remote_surcharge, grade_discount,
             coupon_discount, points_used, member_id FROM orders",
    )
    .await;
    let mut days: BTreeMap<(NaiveDate, String), SalesFigures> = BTreeMap::new();
    let mut paid_day: HashMap<i64, (NaiveDate, String)> = HashMap::new();
    let mut channel_of: HashMap<i64, String> = HashMap::new();
    let mut buyers = Vec::new();
    for (id, paid, channel, items, ship, remote, g, c, p, member) in orders {
        channel_of.insert(id, channel.clone());
        let Some(paid) = paid else { continue };
        let day = business_date(paid);
        paid_day.insert(id, (day, channel.clone()));
        let f = days.entry((day, channel)).or_default();
        f.orders += 1;
        f.gross += items + ship + remote;
        f.discounts += g + c + p;
        if let Some(m) = member {
            buyers.push((day, m));
        }
    }
    PaidOrders {
        days,
        paid_day,
        channel_of,
        buyers,
    }
}

/// Adds each refund to its KST day and the order's channel; returns each refund's day.
async fn add_refunds(
    db: &Db,
    days: &mut BTreeMap<(NaiveDate, String), SalesFigures>,
    channel_of: &HashMap<i64, String>,
) -> HashMap<i64, NaiveDate> {
    let refunds: Vec<(i64, i64, i64, DateTime<Utc>)> =
        all(db, "SELECT id, order_id, amount, created_at FROM refunds").await;
    let mut refund_day = HashMap::new();
    for (id, order, amount, at) in refunds {
        let day = business_date(at);
        refund_day.insert(id, day);
        days.entry((day, channel_of[&order].clone()))
            .or_default()
            .refunds += amount;
    }
    refund_day
}

/// Lists the sold and refunded figures of every non-gift line per KST day, SKU and category.
async fn item_figures(
    db: &Db,
    paid_day: &HashMap<i64, (NaiveDate, String)>,
    refund_day: &HashMap<i64, NaiveDate>,
) -> Vec<(NaiveDate, String, Option<i64>, ItemFigures)> {
    let lines: Vec<LineRaw> = all(
        db,
        "SELECT id, order_id, sku_code, category_id, quantity, subtotal,
             grade_discount + coupon_discount + points, is_gift FROM order_lines",
    )
    .await;
    let mut items = Vec::new();
    let mut line_of = HashMap::new();
    for (id, order, code, cat, qty, sub, disc, gift) in lines {
        if gift {
            continue;
        }
        line_of.insert(id, (code.clone(), cat));
        if let Some((day, _)) = paid_day.get(&order) {
            items.push((
                *day,
                code,
                cat,
                ItemFigures {
                    quantity: qty,
                    gross: sub,
                    discounts: disc,
                    ..Default::default()
                },
            ));
        }
    }
    let refund_lines: Vec<(i64, i64, i64, i64)> = all(
        db,
        "SELECT refund_id, order_line_id, quantity, amount FROM refund_lines",
    )
    .await;
    for (refund, line, qty, amount) in refund_lines {
        if let Some((code, cat)) = line_of.get(&line) {
            items.push((
                refund_day[&refund],
                code.clone(),
                *cat,
                ItemFigures {
                    refunded_quantity: qty,
                    refunds: amount,
                    ..Default::default()
                },
            ));
        }
    }
    items
}

fn add(a: &mut ItemFigures, b: &ItemFigures) {
    a.quantity += b.quantity;
    a.gross += b.gross;
    a.discounts += b.discounts;
    a.refunded_quantity += b.refunded_quantity;
    a.refunds += b.refunds;
}

async fn check_sales(app: &App, t: &Truth, g: &str, from: NaiveDate, to: NaiveDate) {
    let q = SalesQuery::parse(Some(g), Some(&from.to_string()), Some(&to.to_string()), to).unwrap();
    let report = app
        .sales_report(&StaffActor::system("test"), q)
        .await
        .unwrap();
    assert_eq!(report.pending_days, 0);
    check_period_and_channel_sums(&report, t, g, from, to);
    check_item_sums(&report, t, g, from, to);
    check_exports(&report);
}

/// Totals, buckets and channels equal the brute-force sums of their days.
fn check_period_and_channel_sums(
    report: &SalesReport,
    t: &Truth,
    g: &str,
    from: NaiveDate,
    to: NaiveDate,
) {
    let sum = |from: NaiveDate, to: NaiveDate, channel: Option<&str>| {
        let mut f = SalesFigures::default();
        for ((d, c), x) in &t.days {
            if *d >= from && *d <= to && channel.is_none_or(|ch| ch == c) {
                f += *x;
            }
        }
        f
    };
    assert_eq!(report.totals, sum(from, to, None), "{g} totals");
    let prev = report.previous;
    assert_eq!(
        report.previous_totals,
        sum(prev.from, prev.to, None),
        "{g} previous totals"
    );
    assert!(report.totals.orders > 0, "the period has sales");
    let mut covered = 0;
    for row in &report.rows {
        assert_eq!(
            row.current,
            sum(row.bucket.from, row.bucket.to, None),
            "{g} bucket {:?}",
            row.bucket
        );
        if let Some(b) = row.previous_bucket {
            assert_eq!(row.previous, sum(b.from, b.to, None), "{g} previous bucket");
        }
        covered += (row.bucket.to - row.bucket.from).num_days() + 1;
    }
    assert_eq!(
        covered,
        (to - from).num_days() + 1,
        "buckets cover the period"
    );
    for ch in &report.channels {
        assert_eq!(
            ch.current,
            sum(from, to, Some(ch.channel)),
            "channel {}",
            ch.channel
        );
        assert_eq!(ch.previous, sum(prev.from, prev.to, Some(ch.channel)));
    }
}

/// SKU and category figures equal the brute-force sums of the period's lines.
fn check_item_sums(report: &SalesReport, t: &Truth, g: &str, from: NaiveDate, to: NaiveDate) {
    let mut skus: HashMap<String, ItemFigures> = HashMap::new();
    let mut categories: HashMap<String, ItemFigures> = HashMap::new();
    for (d, code, cat, f) in &t.items {
        if *d >= from && *d <= to {
            add(skus.entry(code.clone()).or_default(), f);
            add(
                categories
                    .entry(cat.map(|c| c.to_string()).unwrap_or_default())
                    .or_default(),
                f,
            );
        }
    }
    let got: HashMap<String, ItemFigures> = report
        .skus
        .iter()
        .filter(|r| r.current != ItemFigures::default())
        .map(|r| (r.key.clone(), r.current))
        .collect();
    assert_eq!(got, skus, "{g} SKUs");
    let got: HashMap<String, ItemFigures> = report
        .categories
        .iter()
        .filter(|r| r.current != ItemFigures::default())
        .map(|r| (r.key.clone(), r.current))
        .collect();
    assert_eq!(got, categories, "{g} categories");
}

/// Exports carry the same rows.
fn check_exports(report: &SalesReport) {
    let table = report.table(jangteo_app::statistics::SalesTable::Periods);
    assert_eq!(table.rows.len(), report.rows.len());
    assert!(
        String::from_utf8(table.csv().unwrap())
            .unwrap()
            .contains("순매출")
    );
    assert!(table.xlsx().unwrap().starts_with(b"PK"));
}

async fn check_members(app: &App, t: &Truth, today: NaiveDate) {
    let report = app
        .member_report(&StaffActor::system("test"), 6, today)
        .await
        .unwrap();
    assert_eq!(report.months.len(), 6);
    for m in &report.months {
        let in_month = |at: &DateTime<Utc>| month_start(business_date(*at)) == m.month;
        let signups = t.members.iter().filter(|x| in_month(&x.0)).count() as i64;
        let withdrawals = t
            .members
            .iter()
            .filter(|x| x.1.as_ref().is_some_and(in_month))
            .count() as i64;
        let mut buyers: Vec<i64> = t
            .buyers
            .iter()
            .filter(|(d, _)| month_start(*d) == m.month)
            .map(|(_, id)| *id)
            .collect();
        buyers.sort();
        buyers.dedup();
        assert_eq!(
            (m.signups, m.buyers, m.withdrawals),
            (signups, buyers.len() as i64, withdrawals),
            "month {}",
            m.month
        );
    }
    let active = t.members.iter().filter(|m| m.2 == "active").count() as i64;
    let dormant = t.members.iter().filter(|m| m.2 == "active" && m.4).count() as i64;
    assert_eq!((report.active, report.dormant), (active, dormant));
    let graded: i64 = report.grades.iter().map(|g| g.2).sum();
    assert_eq!(graded, active, "every active member has a grade");
    assert!(report.months_table().csv().is_ok());
}

async fn statistics_equal_brute_force(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let app = app_on(&t);
    fixtures::catalog(&app).await;
    let now = Utc::now();
    generate(
        &app.db,
        &SalesSpec {
            orders: 700,
            members: 80,
            days: 150,
            end: now - Duration::hours(1),
            seed: 7,
        },
    )
    .await
    .unwrap();
    assert!(app.rebuild_statistics(now).await.unwrap() > 100);

    // Real orders through the app: two paid, one of them cancelled (refunded) — only marks.
    let member = fixtures::member(&app, "stats@example.com", false).await;
    let sku = stock::sku_id_by_code(&app.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    fixtures::paid_order(&app, member, sku, 2, "stats-token-0000001").await;
    let cancelled = fixtures::paid_order(&app, member, sku, 2, "stats-token-0000002").await;
    // Paid by bank deposit: the refund goes to the account the buyer named.
    let account = jangteo_app::orders::RefundAccountInput {
        bank: "20".into(),
        number: "1002123456789".into(),
        holder: "김장터".into(),
    };
    let staff = Actor::Staff("staff@example.com".into());
    app.save_refund_account(&cancelled, &staff, &account)
        .await
        .unwrap();
    app.cancel_order(
        &cancelled,
        &Actor::Staff("staff@example.com".into()),
        "품절",
    )
    .await
    .unwrap();
    // The every-minute job rolls the marked day up (pages only read).
    assert!(app.roll_up_statistics(Utc::now()).await.unwrap() >= 1);
    let today = business_date(Utc::now());
    let truth = truth(&app.db).await;
    let today_refunds: i64 = truth
        .days
        .iter()
        .filter(|((d, _), _)| *d == today)
        .map(|(_, f)| f.refunds)
        .sum();
    assert!(today_refunds > 0, "the cancellation's refund counts today");

    check_sales(&app, &truth, "day", today - Duration::days(29), today).await;
    check_sales(
        &app,
        &truth,
        "week",
        today - Duration::days(7 * 9 + 3),
        today,
    )
    .await;
    check_sales(&app, &truth, "month", today - Duration::days(140), today).await;
    check_members(&app, &truth, today).await;

    // A second rebuild changes nothing.
    let before = app
        .sales_report(
            &StaffActor::system("test"),
            SalesQuery::parse(Some("month"), None, None, today).unwrap(),
        )
        .await
        .unwrap();
    app.rebuild_statistics(Utc::now()).await.unwrap();
    let after = app
        .sales_report(
            &StaffActor::system("test"),
            SalesQuery::parse(Some("month"), None, None, today).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(before.totals, after.totals);
    assert_eq!(before.skus, after.skus);
}

on_both_backends!(statistics_equal_brute_force);
