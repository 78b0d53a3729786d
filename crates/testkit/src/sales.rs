//! Generated sales history for statistics tests and benchmarks: members, paid and unpaid orders
//! over many days and channels, lines of the catalog's SKUs with discounts and points, and full
//! and partial refunds on later days. Rows are written directly in large multi-row inserts (a
//! million orders in minutes), deterministic for a seed.

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
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

enum Val {
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

struct Sku {
    id: i64,
    product_id: i64,
    category_id: i64,
    code: String,
    name: String,
    price: i64,
}

/// Writes the history. Statistics are not rolled up here: call `rebuild_statistics`.
pub async fn generate(db: &Db, spec: &SalesSpec) -> anyhow::Result<()> {
    let mut rng = Rng(spec.seed);
    let skus: Vec<Sku> = {
        let sql =
            "SELECT s.id, p.id, p.category_id, s.code, p.name, p.effective_price + s.extra_price
                   FROM skus s JOIN products p ON p.id = s.product_id ORDER BY s.id";
        let rows: Vec<(i64, i64, i64, String, String, i64)> = match db {
            Db::Sqlite(s) => sqlx::query_as(sql).fetch_all(&s.read).await?,
            Db::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await?,
        };
        rows.into_iter()
            .map(|(id, product_id, category_id, code, name, price)| Sku {
                id,
                product_id,
                category_id,
                code,
                name,
                price: price.max(1000),
            })
            .collect()
    };
    anyhow::ensure!(!skus.is_empty(), "generate sales after loading a catalog");
    let grades: Vec<i64> = match db {
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
    };
    let start = spec.end - Duration::days(spec.days);
    let span = (spec.end - start).num_seconds().max(1) as u64;
    let at = |rng: &mut Rng| start + Duration::seconds(rng.below(span) as i64);

    // Members.
    let mut member_ids = Vec::with_capacity(spec.members);
    for chunk in (0..spec.members).collect::<Vec<_>>().chunks(500) {
        let mut rows = Vec::new();
        for i in chunk {
            let created = at(&mut rng);
            let withdrawn = rng.chance(5);
            let withdrawn_at = withdrawn
                .then(|| created + Duration::seconds(rng.below(3 * 86_400) as i64 + 60))
                .filter(|w| *w < spec.end);
            let dormant = !withdrawn && rng.chance(7);
            rows.push(vec![
                Val::Text(format!("gen{}-{i}@example.com", spec.seed)),
                Val::Text(String::new()),
                Val::Text(format!("회원{i}")),
                Val::Int(grades[rng.below(grades.len() as u64) as usize]),
                Val::Time(created),
                Val::Time(created),
                Val::Text(
                    if withdrawn_at.is_some() {
                        "withdrawn"
                    } else {
                        "active"
                    }
                    .into(),
                ),
                Val::OptTime(withdrawn_at),
                Val::OptTime(dormant.then_some(spec.end)),
                Val::Time(created),
                Val::Time(created),
            ]);
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

    let statuses = ["paid", "preparing", "shipped", "delivered", "completed"];
    let channels = ["pc", "pc", "mobile", "mobile", "mobile", "api"];
    let methods = ["card", "card", "easy_pay", "transfer", "virtual_account"];
    const BATCH: usize = 500;
    let mut made = 0usize;
    while made < spec.orders {
        let n = BATCH.min(spec.orders - made);
        // Per order: its row, its lines (sku index, qty, grade, coupon, points) and refund plan.
        let mut order_rows = Vec::with_capacity(n);
        let mut plans = Vec::with_capacity(n);
        for k in 0..n {
            let i = made + k;
            let placed = at(&mut rng);
            let unpaid = rng.chance(6);
            let paid_at = (!unpaid).then(|| placed + Duration::seconds(rng.below(600) as i64));
            let refund = paid_at.is_some() && rng.chance(9);
            let full_refund = refund && rng.chance(50);
            let status = if unpaid {
                if rng.chance(50) {
                    "awaiting_deposit"
                } else {
                    "cancelled"
                }
            } else if full_refund {
                "cancelled"
            } else {
                statuses[rng.below(statuses.len() as u64) as usize]
            };
            let member = (!member_ids.is_empty() && rng.chance(80))
                .then(|| member_ids[rng.below(member_ids.len() as u64) as usize]);
            let mut lines = Vec::new();
            let mut subtotal = 0;
            let mut grade = 0;
            let mut coupon = 0;
            let mut points = 0;
            let mut total = 0;
            for _ in 0..=rng.below(3) {
                let sku = rng.below(skus.len() as u64) as usize;
                let qty = 1 + rng.below(3) as i64;
                let line_sub = skus[sku].price * qty;
                let g = if member.is_some() {
                    line_sub * rng.below(6) as i64 / 100
                } else {
                    0
                };
                let c = if rng.chance(20) {
                    (line_sub - g).min(2000)
                } else {
                    0
                };
                let p = if member.is_some() && rng.chance(15) {
                    (line_sub - g - c).min(1000)
                } else {
                    0
                };
                let line_total = line_sub - g - c - p;
                subtotal += line_sub;
                grade += g;
                coupon += c;
                points += p;
                total += line_total;
                lines.push((sku, qty, line_sub, g, c, p, line_total));
            }
            let shipping = if subtotal >= 50_000 { 0 } else { 3_000 };
            let remote = if rng.chance(3) { 3_000 } else { 0 };
            let order_total = total + shipping + remote;
            let refund_at = paid_at.filter(|_| refund).map(|p| {
                let r = p + Duration::seconds(rng.below(10 * 86_400) as i64 + 1);
                r.min(spec.end - Duration::seconds(1)).max(p)
            });
            let cancelled_at = if status == "cancelled" {
                refund_at.or(Some(placed))
            } else {
                None
            };
            order_rows.push(vec![
                Val::Text(format!("G{}-{i:09}", spec.seed)),
                Val::OptInt(member),
                Val::Text(format!("gen-{}-{i}", spec.seed)),
                Val::Text(status.into()),
                Val::Text(methods[rng.below(methods.len() as u64) as usize].into()),
                Val::Text("홍길동".into()),
                Val::Text("01012345678".into()),
                Val::Text("buyer@example.com".into()),
                Val::Text("홍길동".into()),
                Val::Text("01012345678".into()),
                Val::Text("06236".into()),
                Val::Text("서울 강남구 테헤란로 1".into()),
                Val::Int(subtotal),
                Val::Int(grade),
                Val::Int(coupon),
                Val::Int(shipping),
                Val::Int(remote),
                Val::Int(points),
                Val::Int(order_total),
                Val::Time(placed),
                Val::OptTime(paid_at),
                Val::OptTime(cancelled_at),
                Val::Time(placed),
                Val::Text(channels[rng.below(channels.len() as u64) as usize].into()),
            ]);
            // Partial refunds take some units of the first line.
            let partial_units = if refund && !full_refund {
                1 + rng.below(lines[0].1 as u64) as i64
            } else {
                0
            };
            plans.push((
                lines,
                refund_at,
                full_refund,
                partial_units,
                shipping + remote,
            ));
        }
        let mut tx = db.begin().await?;
        let ids = insert_rows(
            &mut tx,
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
        let mut line_rows = Vec::new();
        for (k, (lines, ..)) in plans.iter().enumerate() {
            let number = format!("G{}-{:09}", spec.seed, made + k);
            let id = by_number[by_number
                .binary_search_by(|(n, _)| n.cmp(&number))
                .map_err(|_| anyhow::anyhow!("order {number} missing"))?]
            .1;
            for &(sku, qty, sub, g, c, p, total) in lines {
                let s = &skus[sku];
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
                    &mut tx,
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
        line_ids.sort();
        // Refunds: line ids come back in insert order.
        let mut next_line = 0usize;
        for (k, (lines, refund_at, full, partial_units, shipping)) in plans.iter().enumerate() {
            let first_line = next_line;
            next_line += lines.len();
            let Some(when) = refund_at else { continue };
            let number = format!("G{}-{:09}", spec.seed, made + k);
            let order_id = by_number[by_number
                .binary_search_by(|(n, _)| n.cmp(&number))
                .map_err(|_| anyhow::anyhow!("order {number} missing"))?]
            .1;
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
            let amount = goods + if *full { *shipping } else { 0 };
            let refund = insert_rows(
                &mut tx,
                "INSERT INTO refunds (order_id, amount, shipping_amount, reason, actor, created_at)",
                vec![vec![
                    Val::Int(order_id),
                    Val::Int(amount),
                    Val::Int(if *full { *shipping } else { 0 }),
                    Val::Text("generated".into()),
                    Val::Text("system".into()),
                    Val::Time(*when),
                ]],
                Some("id, actor"),
            )
            .await?;
            insert_rows(
                &mut tx,
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
        }
        tx.commit().await?;
        made += n;
    }
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
