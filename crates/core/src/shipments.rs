//! Partial shipments (issue 18): some lines of an order leave now with their own waybill, the
//! rest later. Which lines may leave, and whether a shipment is the order's last (which ships
//! the order itself).

/// An order line as shipping sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineToShip {
    /// The order line.
    pub id: i64,
    /// Units still in the order (after cancellations).
    pub units_left: i64,
    /// Whether it already left in an earlier shipment.
    pub shipped: bool,
    /// A free gift: it goes with whatever leaves last unless chosen earlier.
    pub is_gift: bool,
}

/// What a shipment of the chosen lines is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShipmentPlan {
    /// Every line left to ship goes (gifts not yet sent with it): the order is shipped.
    Last {
        /// The lines leaving now.
        lines: Vec<i64>,
    },
    /// Some lines go; the order waits for the rest.
    Part {
        /// The lines leaving now.
        lines: Vec<i64>,
    },
}

/// Why the chosen lines cannot leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShipmentRefusal {
    /// No line chosen.
    NoLines,
    /// A line that is not the order's.
    UnknownLine,
    /// A line that left before.
    AlreadyShipped,
    /// A line whose every unit was cancelled.
    NothingLeft,
}

impl ShipmentRefusal {
    /// The message code.
    pub fn code(self) -> &'static str {
        match self {
            ShipmentRefusal::NoLines => "no_lines_chosen",
            ShipmentRefusal::UnknownLine => "unknown_line",
            ShipmentRefusal::AlreadyShipped => "line_shipped",
            ShipmentRefusal::NothingLeft => "line_cancelled",
        }
    }
}

/// Plans a shipment of `chosen` lines.
pub fn plan_shipment(
    lines: &[LineToShip],
    chosen: &[i64],
) -> Result<ShipmentPlan, ShipmentRefusal> {
    if chosen.is_empty() {
        return Err(ShipmentRefusal::NoLines);
    }
    let mut leaving = Vec::new();
    for id in chosen {
        let line = lines
            .iter()
            .find(|l| l.id == *id)
            .ok_or(ShipmentRefusal::UnknownLine)?;
        if line.shipped {
            return Err(ShipmentRefusal::AlreadyShipped);
        }
        if line.units_left <= 0 {
            return Err(ShipmentRefusal::NothingLeft);
        }
        if !leaving.contains(id) {
            leaving.push(*id);
        }
    }
    let waiting = |l: &&LineToShip| !l.shipped && l.units_left > 0 && !leaving.contains(&l.id);
    if lines.iter().filter(waiting).any(|l| !l.is_gift) {
        return Ok(ShipmentPlan::Part { lines: leaving });
    }
    // The last goods leave: gifts not sent yet go with them.
    let gifts: Vec<i64> = lines.iter().filter(waiting).map(|l| l.id).collect();
    leaving.extend(gifts);
    Ok(ShipmentPlan::Last { lines: leaving })
}

/// The lines still to ship (the default choice of a shipment form).
pub fn lines_to_ship(lines: &[LineToShip]) -> Vec<i64> {
    lines
        .iter()
        .filter(|l| !l.shipped && l.units_left > 0)
        .map(|l| l.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: i64, units_left: i64, shipped: bool, is_gift: bool) -> LineToShip {
        LineToShip {
            id,
            units_left,
            shipped,
            is_gift,
        }
    }

    #[test]
    fn some_lines_leave_and_the_last_take_the_gift() {
        let lines = [
            line(1, 2, false, false),
            line(2, 1, false, false),
            line(3, 1, false, true),
            line(4, 0, false, false),
        ];
        assert_eq!(
            plan_shipment(&lines, &[1]),
            Ok(ShipmentPlan::Part { lines: vec![1] })
        );
        let after = [
            line(1, 2, true, false),
            line(2, 1, false, false),
            line(3, 1, false, true),
            line(4, 0, false, false),
        ];
        assert_eq!(
            plan_shipment(&after, &[2, 2]),
            Ok(ShipmentPlan::Last { lines: vec![2, 3] })
        );
        assert_eq!(lines_to_ship(&after), vec![2, 3]);
    }

    #[test]
    fn refusals() {
        let lines = [line(1, 1, true, false), line(2, 0, false, false)];
        assert_eq!(plan_shipment(&lines, &[]), Err(ShipmentRefusal::NoLines));
        assert_eq!(
            plan_shipment(&lines, &[9]),
            Err(ShipmentRefusal::UnknownLine)
        );
        assert_eq!(
            plan_shipment(&lines, &[1]),
            Err(ShipmentRefusal::AlreadyShipped)
        );
        assert_eq!(
            plan_shipment(&lines, &[2]),
            Err(ShipmentRefusal::NothingLeft)
        );
    }
}
