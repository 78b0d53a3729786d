//! Generated sales history for statistics tests and benchmarks: members, paid and unpaid orders
//! over many days and channels, lines of the catalog's SKUs with discounts and points, and full
//! and partial refunds on later days. Rows are written directly in large multi-row inserts (a
//! million orders in minutes), deterministic for a seed.

use crate::sales_draw::{Plan, Source, Window, member_row, plan_order};
use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use jangteo_db::{Db, Tx};

/// What to generate.
#[derive(Debug, Clone)]
pub struct SalesSpec {
    /// Orders.
    pub orders: usize,
    /// Members (created over the same days).
    pub members: usize,
    /// Days of history ending at `end`.
    pub days: i64,
    /// The end of the history (exclusive).
    pub end: DateTime<Utc>,
    /// Random seed.
    pub seed: u64,
}

/// A tiny deterministic generator (SplitMix64): the same seed gives the same shop.
pub(crate) struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

pub(crate) enum Val {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    Time(DateTime<Utc>),
    OptTime(Option<DateTime<Utc>>),
    Bool(bool),
}

/// One multi-row INSERT: `head` then `(…), (…)` with `$n` placeholders.
async fn insert_rows(
    tx: &mut Tx,
    head: &str,
    rows: Vec<Vec<Val>>,
    returning: Option<&str>,
) -> anyhow::Result<Vec<(i64, String)>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = String::from(head);
    sql.push_str(" VALUES ");
    let mut n = 0;
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for j in 0..row.len() {
            if j > 0 {
                sql.push_str(", ");
            }
            n += 1;
            sql.push_str(&format!("${n}"));
        }
        sql.push(')');
    }
    if let Some(r) = returning {
        sql.push_str(" RETURNING ");
        sql.push_str(r);
    }
    macro_rules! run {
        ($t:expr) => {{
            let mut q = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql));
            for v in rows {
                for x in v {
                    q = match x {
                        Val::Int(i) => q.bind(i),
                        Val::OptInt(i) => q.bind(i),
                        Val::Text(s) => q.bind(s),
                        Val::Time(t) => q.bind(t),
                        Val::OptTime(t) => q.bind(t),
                        Val::Bool(b) => q.bind(b),
                    };
                }
            }
            if returning.is_some() {
                q.fetch_all(&mut **$t).await?
            } else {
                // `query_as` executes like `query` when nothing is returned.
                let _ = q.fetch_all(&mut **$t).await?;
                Vec::new()
            }
        }};
    }
    Ok(match tx {
        Tx::Sqlite(t) => run!(t),
        Tx::Postgres(t) => run!(t),
    })
}

pub(crate) struct Sku {
    pub(crate) id: i64,
    pub(crate) product_id: i64,
    pub(crate) category_id: i64,
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) price: i64,
}

/// Orders generated per transaction.
const BATCH: usize = 500;

/// Writes the history. Statistics are not rolled up here: call `rebuild_statistics`.
pub async fn generate(db: &Db, spec: &SalesSpec) -> anyhow::Result<()> {
    let mut rng = Rng(spec.seed);
    let skus = load_skus(db).await?;
    anyhow::ensure!(!skus.is_empty(), "generate sales after loading a catalog");
    let grades = load_grades(db).await?;
    let start = spec.end - Duration::days(spec.days);
    let window = Window {
        start,
        span: (spec.end - start).num_seconds().max(1) as u64,
    };
    let member_ids = insert_members(db, spec, &grades, &window, &mut rng).await?;
    let source = Source {
        spec,
        skus: &skus,
        member_ids: &member_ids,
        window: &window,
    };
    let mut made = 0usize;
    while made < spec.orders {
        let n = BATCH.min(spec.orders - made);
        let (order_rows, plans): (Vec<_>, Vec<_>) = (made..made + n)
            .map(|i| plan_order(&source, &mut rng, i))
            .unzip();
        let mut tx = db.begin().await?;
        let by_number = insert_orders(&mut tx, order_rows).await?;
        let line_ids = insert_order_lines(&mut tx, &source, &plans, &by_number, made).await?;
        insert_refunds(&mut tx, spec, &plans, &by_number, &line_ids, made).await?;
        tx.commit().await?;
        made += n;
    }
    Ok(())
}

/// The catalog's SKUs with their product, category, name and price (at least 1,000).
async fn load_skus(db: &Db) -> anyhow::Result<Vec<Sku>> {
    let sql = "SELECT s.id, p.id, p.category_id, s.code, p.name, p.effective_price + s.extra_price
                   FROM skus s JOIN products p ON p.id = s.product_id ORDER BY s.id";
    let rows: Vec<(i64, i64, i64, String, String, i64)> = match db {
        Db::Sqlite(s) => sqlx::query_as(sql).fetch_all(&s.read).await?,
        Db::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await?,
    };
    Ok(rows
        .into_iter()
        .map(|(id, product_id, category_id, code, name, price)| Sku {
            id,
            product_id,
            category_id,
            code,
            name,
            price: price.max(1000),
        })
        .collect())
}

/// The member grades' ids.
async fn load_grades(db: &Db) -> anyhow::Result<Vec<i64>> {
    Ok(match db {
        Db::Sqlite(s) => {
            sqlx::query_scalar("SELECT id FROM grades")
                .fetch_all(&s.read)
                .await?
        }
        Db::Postgres(p) => {
            sqlx::query_scalar("SELECT id FROM grades")
                .fetch_all(p)
                .await?
        }
    })
}

/// Members, created over the window, some withdrawn or dormant; returns their ids.
async fn insert_members(
    db: &Db,
    spec: &SalesSpec,
    grades: &[i64],
    window: &Window,
    rng: &mut Rng,
) -> anyhow::Result<Vec<i64>> {
    let mut member_ids = Vec::with_capacity(spec.members);
    for chunk in (0..spec.members).collect::<Vec<_>>().chunks(500) {
        let mut rows = Vec::new();
        for i in chunk {
            rows.push(member_row(spec, *i, grades, window, rng));
        }
        let mut tx = db.begin().await?;
        let ids = insert_rows(
            &mut tx,
            "INSERT INTO members (email, password_hash, name, grade_id, terms_agreed_at, privacy_agreed_at,
                 status, withdrawn_at, dormant_at, created_at, updated_at)",
            rows,
            Some("id, email"),
        )
        .await
        .context("inserting members")?;
        tx.commit().await?;
        member_ids.extend(ids.into_iter().map(|(id, _)| id));
    }
    Ok(member_ids)
}

/// Inserts a batch of orders; returns their (number, id) sorted by number.
async fn insert_orders(
    tx: &mut Tx,
    order_rows: Vec<Vec<Val>>,
) -> anyhow::Result<Vec<(String, i64)>> {
    let ids = insert_rows(
        tx,
            "INSERT INTO orders (number, member_id, checkout_token, status, payment_method, orderer_name,
                 orderer_mobile, orderer_email, recipient_name, recipient_mobile, postcode, address1,
                 items_subtotal, grade_discount, coupon_discount, shipping_fee, remote_surcharge, points_used,
                 total, placed_at, paid_at, cancelled_at, updated_at, channel)",
            order_rows,
            Some("id, number"),
        )
        .await
        .context("inserting orders")?;
    let mut by_number: Vec<(String, i64)> = ids.into_iter().map(|(id, n)| (n, id)).collect();
    by_number.sort();
    Ok(by_number)
}

/// The id of the generated order number `i`.
fn order_id(by_number: &[(String, i64)], spec: &SalesSpec, i: usize) -> anyhow::Result<i64> {
    let number = format!("G{}-{:09}", spec.seed, i);
    Ok(by_number[by_number
        .binary_search_by(|(n, _)| n.cmp(&number))
        .map_err(|_| anyhow::anyhow!("order {number} missing"))?]
    .1)
}

/// Inserts the batch's order lines; returns their (id, SKU code) in insert order.
async fn insert_order_lines(
    tx: &mut Tx,
    src: &Source<'_>,
    plans: &[Plan],
    by_number: &[(String, i64)],
    made: usize,
) -> anyhow::Result<Vec<(i64, String)>> {
    let mut line_rows = Vec::new();
    for (k, (lines, ..)) in plans.iter().enumerate() {
        let id = order_id(by_number, src.spec, made + k)?;
        for &(sku, qty, sub, g, c, p, total) in lines {
            let s = &src.skus[sku];
            line_rows.push(vec![
                Val::Int(id),
                Val::Int(s.id),
                Val::Int(s.product_id),
                Val::Int(s.category_id),
                Val::Text(s.name.clone()),
                Val::Text(s.code.clone()),
                Val::Int(sub / qty),
                Val::Int(qty),
                Val::Int(sub),
                Val::Int(g),
                Val::Int(c),
                Val::Int(p),
                Val::Int(total),
                Val::Bool(false),
            ]);
        }
    }
    let mut line_ids: Vec<(i64, String)> = Vec::new();
    for chunk in line_rows.chunks(1500) {
        let chunk: Vec<Vec<Val>> = chunk
            .iter()
            .map(|r| r.iter().map(clone_val).collect())
            .collect();
        line_ids.extend(
            insert_rows(
                tx,
                "INSERT INTO order_lines (order_id, sku_id, product_id, category_id, product_name, sku_code, unit_price,
                     quantity, subtotal, grade_discount, coupon_discount, points, total, is_gift)",
                chunk,
                Some("id, sku_code"),
            )
            .await
            .context("inserting order lines")?,
        );
    }
    // Identity values follow the rows' order within a statement: sorted ids are insert order.
    Ok(line_ids)
}

/// Inserts the batch's refunds and their lines; line ids come back in insert order.
async fn insert_refunds(
    tx: &mut Tx,
    spec: &SalesSpec,
    plans: &[Plan],
    by_number: &[(String, i64)],
    line_ids: &[(i64, String)],
    made: usize,
) -> anyhow::Result<()> {
    let mut next_line = 0usize;
    for (k, (lines, refund_at, full, partial_units, shipping)) in plans.iter().enumerate() {
        let first_line = next_line;
        next_line += lines.len();
        let Some(when) = refund_at else { continue };
        let order_id = order_id(by_number, spec, made + k)?;
        let mut refund_lines = Vec::new();
        if *full {
            for (j, l) in lines.iter().enumerate() {
                refund_lines.push((line_ids[first_line + j].0, l.1, l.6));
            }
        } else {
            let l = lines[0];
            let amount = jangteo_core::refund::share_of_units(l.6, l.1, 0, *partial_units);
            refund_lines.push((line_ids[first_line].0, *partial_units, amount));
        }
        let goods: i64 = refund_lines.iter().map(|r| r.2).sum();
        let shipping = if *full { *shipping } else { 0 };
        insert_refund(
            tx,
            order_id,
            goods + shipping,
            shipping,
            *when,
            &refund_lines,
        )
        .await?;
    }
    Ok(())
}

/// Inserts one refund of `amount` (of which `shipping`) and its lines (line id, units, amount).
async fn insert_refund(
    tx: &mut Tx,
    order_id: i64,
    amount: i64,
    shipping: i64,
    when: DateTime<Utc>,
    refund_lines: &[(i64, i64, i64)],
) -> anyhow::Result<()> {
    let refund = insert_rows(
        tx,
        "INSERT INTO refunds (order_id, amount, shipping_amount, reason, actor, created_at)",
        vec![vec![
            Val::Int(order_id),
            Val::Int(amount),
            Val::Int(shipping),
            Val::Text("generated".into()),
            Val::Text("system".into()),
            Val::Time(when),
        ]],
        Some("id, actor"),
    )
    .await?;
    insert_rows(
        tx,
        "INSERT INTO refund_lines (refund_id, order_line_id, quantity, amount)",
        refund_lines
            .iter()
            .map(|(line, q, a)| {
                vec![
                    Val::Int(refund[0].0),
                    Val::Int(*line),
                    Val::Int(*q),
                    Val::Int(*a),
                ]
            })
            .collect(),
        None,
    )
    .await?;
    Ok(())
}

fn clone_val(v: &Val) -> Val {
    match v {
        Val::Int(i) => Val::Int(*i),
        Val::OptInt(i) => Val::OptInt(*i),
        Val::Text(s) => Val::Text(s.clone()),
        Val::Time(t) => Val::Time(*t),
        Val::OptTime(t) => Val::OptTime(*t),
        Val::Bool(b) => Val::Bool(*b),
    }
}
