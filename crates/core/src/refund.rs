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
}
