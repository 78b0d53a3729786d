//! Refund allocation per unit: what part of a line's money and spent points belongs to the units
//! that leave an order (partial cancellation, returns, full cancellation). Cumulative shares are
//! floored, so taking every unit of a line, in any steps, gives back exactly the line.

use crate::Won;

/// The part of `amount` that belongs to `units` more units of a line of `quantity` when `before`
/// units have left it already (floored cumulatively).
pub fn share_of_units(amount: i64, quantity: i64, before: i64, units: i64) -> i64 {
    if quantity <= 0 {
        return 0;
    }
    let upto =
        |n: i64| i128::from(amount) * i128::from(n.clamp(0, quantity)) / i128::from(quantity);
    i64::try_from(upto(before + units) - upto(before)).unwrap_or(0)
}

/// An order line as refunds see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineUnits {
    /// The order line.
    pub line_id: i64,
    /// What the line cost in all (after discounts).
    pub total: Won,
    /// The points spent on the line (its share of the order's points).
    pub points: i64,
    /// Units bought.
    pub quantity: i64,
    /// Units cancelled.
    pub cancelled: i64,
    /// Units returned through claims.
    pub returned: i64,
    /// A free gift (never refunded on its own).
    pub is_gift: bool,
}

/// The money and points that leave with some units of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitsRefund {
    /// The order line.
    pub line_id: i64,
    /// Units leaving.
    pub units: i64,
    /// Their share of the line's money.
    pub amount: Won,
    /// Their share of the points spent on the line.
    pub points: i64,
}

impl LineUnits {
    /// Units still in the order.
    pub fn left(&self) -> i64 {
        self.quantity - self.cancelled - self.returned
    }

    /// The money of the units still in the order.
    pub fn kept(&self) -> Won {
        let gone = share_of_units(
            self.total.0,
            self.quantity,
            0,
            self.cancelled + self.returned,
        );
        Won(self.total.0 - gone)
    }

    /// What leaves with `units` more units (at most those left).
    pub fn refund_of(&self, units: i64) -> UnitsRefund {
        let units = units.clamp(0, self.left().max(0));
        let before = self.cancelled + self.returned;
        UnitsRefund {
            line_id: self.line_id,
            units,
            amount: Won(share_of_units(self.total.0, self.quantity, before, units)),
            points: share_of_units(self.points, self.quantity, before, units),
        }
    }
}

/// The goods an order still holds (gifts excluded).
pub fn kept_goods(lines: &[LineUnits]) -> Won {
    Won(lines
        .iter()
        .filter(|l| !l.is_gift)
        .map(|l| l.kept().0)
        .sum())
}

/// The sum of some refunds: money and points.
pub fn total_of(refunds: &[UnitsRefund]) -> (Won, i64) {
    refunds.iter().fold((Won::ZERO, 0), |(won, points), r| {
        (won + r.amount, points + r.points)
    })
}

/// Why a choice of units cannot leave the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PickError {
    /// A line that is not in the order, is a gift, is chosen twice, or more units than are left.
    #[error("invalid_units")]
    InvalidUnits,
    /// No unit chosen.
    #[error("choose_units")]
    NothingChosen,
}

impl PickError {
    /// The message code forms show.
    pub fn code(self) -> &'static str {
        match self {
            PickError::InvalidUnits => "invalid_units",
            PickError::NothingChosen => "choose_units",
        }
    }
}

/// Checks `picks` (line id, units; zero units ignored) against what is left of each line and
/// allocates their money and points.
pub fn pick_units(
    lines: &[LineUnits],
    picks: &[(i64, i64)],
) -> Result<Vec<UnitsRefund>, PickError> {
    let mut out: Vec<UnitsRefund> = Vec::new();
    for &(line_id, units) in picks.iter().filter(|p| p.1 != 0) {
        let line = lines
            .iter()
            .find(|l| l.line_id == line_id && !l.is_gift)
            .ok_or(PickError::InvalidUnits)?;
        if units < 0 || units > line.left() || out.iter().any(|r| r.line_id == line_id) {
            return Err(PickError::InvalidUnits);
        }
        out.push(line.refund_of(units));
    }
    if out.is_empty() {
        return Err(PickError::NothingChosen);
    }
    Ok(out)
}

/// Units the order would still hold (gifts excluded) once `refunds` left it.
pub fn units_left_after(lines: &[LineUnits], refunds: &[UnitsRefund]) -> i64 {
    let leaving: i64 = refunds.iter().map(|r| r.units).sum();
    lines
        .iter()
        .filter(|l| !l.is_gift)
        .map(LineUnits::left)
        .sum::<i64>()
        - leaving
}

/// What a return gives back, as the buyer sees it before filing and staff before refunding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReturnQuote {
    /// The returned units' share of the money paid for goods (after discounts and points).
    pub goods: Won,
    /// Points given back to the buyer's balance.
    pub points: i64,
    /// Outbound shipping refunded: the seller is at fault and nothing is left of the order.
    pub shipping_refunded: Won,
    /// Outbound shipping that stays paid although nothing is left (a change of mind: the
    /// delivery was made).
    pub shipping_kept: Won,
    /// Return shipping the buyer pays, taken from the refund.
    pub return_fee: Won,
}

impl ReturnQuote {
    /// The money refunded with `deduction` won of return shipping kept (the quote's own fee
    /// unless staff change it), never below zero.
    pub fn refund_with(&self, deduction: Won) -> Won {
        (self.goods + self.shipping_refunded - deduction).max(Won::ZERO)
    }

    /// The money refunded as quoted.
    pub fn refund(&self) -> Won {
        self.refund_with(self.return_fee)
    }

    /// The most return shipping that may be kept: everything the refund would give back.
    pub fn max_deduction(&self) -> Won {
        self.goods + self.shipping_refunded
    }
}

/// Quotes the return of `picks` (line id, units): the units' money and points, the outbound
/// shipping (`outbound`, still unrefunded) given back only when the seller is at fault and the
/// return takes everything left, and `return_fee` kept when the buyer pays the return
/// (전자상거래법 제18조⑨⑩), at most what the refund gives back.
pub fn quote_return(
    lines: &[LineUnits],
    picks: &[(i64, i64)],
    outbound: Won,
    buyer_pays: bool,
    return_fee: Won,
) -> Result<ReturnQuote, PickError> {
    let units = pick_units(lines, picks)?;
    let (goods, points) = total_of(&units);
    let everything = units_left_after(lines, &units) == 0;
    let outbound = outbound.max(Won::ZERO);
    let (shipping_refunded, shipping_kept) = match (everything, buyer_pays) {
        (true, false) => (outbound, Won::ZERO),
        (true, true) => (Won::ZERO, outbound),
        (false, _) => (Won::ZERO, Won::ZERO),
    };
    let fee = if buyer_pays {
        return_fee.max(Won::ZERO).min(goods)
    } else {
        Won::ZERO
    };
    Ok(ReturnQuote {
        goods,
        points,
        shipping_refunded,
        shipping_kept,
        return_fee: fee,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: i64, total: i64, points: i64, quantity: i64) -> LineUnits {
        LineUnits {
            line_id: id,
            total: Won(total),
            points,
            quantity,
            cancelled: 0,
            returned: 0,
            is_gift: false,
        }
    }

    #[test]
    fn unit_shares_add_up_to_the_line() {
        for (amount, qty) in [(10_000, 3), (9_999, 7), (1, 2), (0, 4)] {
            let mut total = 0;
            let mut before = 0;
            for step in [1, 2, 1, 3] {
                let units = step.min(qty - before);
                total += share_of_units(amount, qty, before, units);
                before += units;
            }
            assert_eq!(before, qty);
            assert_eq!(total, amount, "{amount} over {qty}");
        }
    }

    #[test]
    fn units_leaving_in_steps_give_back_the_whole_line() {
        let mut l = line(1, 10_000, 1_000, 3);
        let first = l.refund_of(1);
        assert_eq!((first.amount, first.points), (Won(3_333), 333));
        l.cancelled = 1;
        assert_eq!(l.kept(), Won(6_667));
        let second = l.refund_of(1);
        l.returned = 1;
        let last = l.refund_of(5);
        assert_eq!(last.units, 1, "no more units than are left");
        assert_eq!(first.amount + second.amount + last.amount, Won(10_000));
        assert_eq!(first.points + second.points + last.points, 1_000);
    }

    #[test]
    fn picks_are_checked_against_what_is_left() {
        let mut gift = line(3, 0, 0, 1);
        gift.is_gift = true;
        let lines = [line(1, 9_000, 0, 3), line(2, 5_000, 500, 1), gift];
        assert_eq!(pick_units(&lines, &[(1, 0)]), Err(PickError::NothingChosen));
        assert_eq!(pick_units(&lines, &[(1, 4)]), Err(PickError::InvalidUnits));
        assert_eq!(pick_units(&lines, &[(1, -1)]), Err(PickError::InvalidUnits));
        assert_eq!(pick_units(&lines, &[(3, 1)]), Err(PickError::InvalidUnits));
        assert_eq!(pick_units(&lines, &[(9, 1)]), Err(PickError::InvalidUnits));
        assert_eq!(
            pick_units(&lines, &[(1, 1), (1, 1)]),
            Err(PickError::InvalidUnits)
        );
        let picked = pick_units(&lines, &[(1, 2), (2, 1)]).unwrap();
        assert_eq!(total_of(&picked), (Won(11_000), 500));
        assert_eq!(units_left_after(&lines, &picked), 1);
        assert_eq!(kept_goods(&lines), Won(14_000));
    }

    #[test]
    fn a_return_quote_names_every_deduction() {
        let lines = [line(1, 20_000, 1_000, 2), line(2, 9_000, 0, 1)];
        let fee = Won(3_000);
        // A change of mind for one unit: its share, less the return fee.
        let one = quote_return(&lines, &[(1, 1)], Won(3_000), true, fee).unwrap();
        assert_eq!((one.goods, one.points), (Won(10_000), 500));
        assert_eq!(
            (one.shipping_refunded, one.shipping_kept),
            (Won::ZERO, Won::ZERO)
        );
        assert_eq!(one.refund(), Won(7_000));
        // Everything back by change of mind: the delivery stays paid, and it is said.
        let all = quote_return(&lines, &[(1, 2), (2, 1)], Won(3_000), true, fee).unwrap();
        assert_eq!(all.goods, Won(29_000));
        assert_eq!(all.shipping_kept, Won(3_000));
        assert_eq!(all.refund(), Won(26_000));
        // A defect returning everything: the outbound shipping comes back too, no fee.
        let defect = quote_return(&lines, &[(1, 2), (2, 1)], Won(3_000), false, fee).unwrap();
        assert_eq!(defect.return_fee, Won::ZERO);
        assert_eq!(defect.refund(), Won(32_000));
        assert_eq!(defect.max_deduction(), Won(32_000));
        // The fee never exceeds the goods; staff may keep another amount.
        let cheap = [line(3, 2_000, 0, 1), line(4, 5_000, 0, 1)];
        let small = quote_return(&cheap, &[(3, 1)], Won(3_000), true, fee).unwrap();
        assert_eq!((small.return_fee, small.refund()), (Won(2_000), Won::ZERO));
        assert_eq!(one.refund_with(Won(1_000)), Won(9_000));
        assert_eq!(
            quote_return(&lines, &[], Won(3_000), true, fee),
            Err(PickError::NothingChosen)
        );
    }
}
