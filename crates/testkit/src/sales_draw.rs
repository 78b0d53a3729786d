//! Drawing the generated sales history: members' rows, and each order's row, lines and refund
//! plan. Every draw comes from the one seeded generator, in a fixed order.

use crate::sales::{Rng, SalesSpec, Sku, Val};
use chrono::{DateTime, Duration, Utc};

/// Order statuses of a paid order that is not fully refunded.
const STATUSES: [&str; 5] = ["paid", "preparing", "shipped", "delivered", "completed"];
/// Sales channels, weighted by repetition.
const CHANNELS: [&str; 6] = ["pc", "pc", "mobile", "mobile", "mobile", "api"];
/// Payment methods, weighted by repetition.
const METHODS: [&str; 5] = ["card", "card", "easy_pay", "transfer", "virtual_account"];

/// A generated line: (SKU index, quantity, subtotal, grade, coupon, points, total).
type PlannedLine = (usize, i64, i64, i64, i64, i64, i64);
/// An order's lines and refund plan: (lines, refund time, full refund, partial units, shipping +
/// remote surcharge).
pub(crate) type Plan = (Vec<PlannedLine>, Option<DateTime<Utc>>, bool, i64, i64);

/// The history's time window.
pub(crate) struct Window {
    /// Its start.
    pub(crate) start: DateTime<Utc>,
    /// Its length in seconds (at least 1).
    pub(crate) span: u64,
}

impl Window {
    /// A random moment in the window.
    fn at(&self, rng: &mut Rng) -> DateTime<Utc> {
        self.start + Duration::seconds(rng.below(self.span) as i64)
    }
}

/// What every generated order draws from.
pub(crate) struct Source<'a> {
    pub(crate) spec: &'a SalesSpec,
    pub(crate) skus: &'a [Sku],
    pub(crate) member_ids: &'a [i64],
    pub(crate) window: &'a Window,
}

/// When an order was placed and paid, its status and whether (and how fully) it is refunded.
struct Timing {
    placed: DateTime<Utc>,
    paid_at: Option<DateTime<Utc>>,
    refund: bool,
    full_refund: bool,
    status: &'static str,
}

/// An order's money: sums over its lines plus the fees.
struct Money {
    subtotal: i64,
    grade: i64,
    coupon: i64,
    points: i64,
    /// The lines' totals.
    total: i64,
    shipping: i64,
    remote: i64,
}

/// One member's row.
pub(crate) fn member_row(
    spec: &SalesSpec,
    i: usize,
    grades: &[i64],
    window: &Window,
    rng: &mut Rng,
) -> Vec<Val> {
    let created = window.at(rng);
    let withdrawn = rng.chance(5);
    let withdrawn_at = withdrawn
        .then(|| created + Duration::seconds(rng.below(3 * 86_400) as i64 + 60))
        .filter(|w| *w < spec.end);
    let dormant = !withdrawn && rng.chance(7);
    vec![
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
    ]
}

/// Draws the `i`-th order: its row, its lines and its refund plan.
pub(crate) fn plan_order(src: &Source<'_>, rng: &mut Rng, i: usize) -> (Vec<Val>, Plan) {
    let t = draw_timing(src.window, rng);
    let member = (!src.member_ids.is_empty() && rng.chance(80))
        .then(|| src.member_ids[rng.below(src.member_ids.len() as u64) as usize]);
    let (lines, mut money) = draw_lines(src.skus, member, rng);
    money.shipping = if money.subtotal >= 50_000 { 0 } else { 3_000 };
    money.remote = if rng.chance(3) { 3_000 } else { 0 };
    let refund_at = t.paid_at.filter(|_| t.refund).map(|p| {
        let r = p + Duration::seconds(rng.below(10 * 86_400) as i64 + 1);
        r.min(src.spec.end - Duration::seconds(1)).max(p)
    });
    let cancelled_at = if t.status == "cancelled" {
        refund_at.or(Some(t.placed))
    } else {
        None
    };
    let row = order_row(src.spec, i, member, &t, cancelled_at, &money, rng);
    // Partial refunds take some units of the first line.
    let partial_units = if t.refund && !t.full_refund {
        1 + rng.below(lines[0].1 as u64) as i64
    } else {
        0
    };
    let plan = (
        lines,
        refund_at,
        t.full_refund,
        partial_units,
        money.shipping + money.remote,
    );
    (row, plan)
}

/// Draws when an order was placed and paid, whether it is refunded, and its status.
fn draw_timing(window: &Window, rng: &mut Rng) -> Timing {
    let placed = window.at(rng);
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
        STATUSES[rng.below(STATUSES.len() as u64) as usize]
    };
    Timing {
        placed,
        paid_at,
        refund,
        full_refund,
        status,
    }
}

/// Draws one to four lines with grade, coupon and point discounts; returns them and their sums.
fn draw_lines(skus: &[Sku], member: Option<i64>, rng: &mut Rng) -> (Vec<PlannedLine>, Money) {
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
    let money = Money {
        subtotal,
        grade,
        coupon,
        points,
        total,
        shipping: 0,
        remote: 0,
    };
    (lines, money)
}

/// One order's row; draws its payment method and channel.
fn order_row(
    spec: &SalesSpec,
    i: usize,
    member: Option<i64>,
    t: &Timing,
    cancelled_at: Option<DateTime<Utc>>,
    money: &Money,
    rng: &mut Rng,
) -> Vec<Val> {
    vec![
        Val::Text(format!("G{}-{i:09}", spec.seed)),
        Val::OptInt(member),
        Val::Text(format!("gen-{}-{i}", spec.seed)),
        Val::Text(t.status.into()),
        Val::Text(METHODS[rng.below(METHODS.len() as u64) as usize].into()),
        Val::Text("홍길동".into()),
        Val::Text("01012345678".into()),
        Val::Text("buyer@example.com".into()),
        Val::Text("홍길동".into()),
        Val::Text("01012345678".into()),
        Val::Text("06236".into()),
        Val::Text("서울 강남구 테헤란로 1".into()),
        Val::Int(money.subtotal),
        Val::Int(money.grade),
        Val::Int(money.coupon),
        Val::Int(money.shipping),
        Val::Int(money.remote),
        Val::Int(money.points),
        Val::Int(money.total + money.shipping + money.remote),
        Val::Time(t.placed),
        Val::OptTime(t.paid_at),
        Val::OptTime(cancelled_at),
        Val::Time(t.placed),
        Val::Text(CHANNELS[rng.below(CHANNELS.len() as u64) as usize].into()),
    ]
}
