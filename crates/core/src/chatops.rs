//! ChatOps commands (issue 18): what staff type after `/장터` (or when mentioning the app) in
//! Slack, parsed into commands the back office's own use cases answer.

use chrono::{Datelike, Duration, NaiveDate};

/// The period of a 매출 question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SalesRange {
    /// 오늘.
    Today,
    /// 어제.
    Yesterday,
    /// 이번주 (Monday to today).
    ThisWeek,
    /// 이번달 (the 1st to today).
    ThisMonth,
    /// Two dates, inclusive.
    Between(NaiveDate, NaiveDate),
}

impl SalesRange {
    /// The first and last day (inclusive) as of `today`.
    pub fn days(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self {
            SalesRange::Today => (today, today),
            SalesRange::Yesterday => {
                let y = today - Duration::days(1);
                (y, y)
            }
            SalesRange::ThisWeek => (
                today - Duration::days(i64::from(today.weekday().num_days_from_monday())),
                today,
            ),
            SalesRange::ThisMonth => (today.with_day(1).unwrap_or(today), today),
            SalesRange::Between(from, to) => (from, to),
        }
    }
}

/// A command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatCommand {
    /// 매출 [오늘|어제|이번주|이번달|YYYY-MM-DD YYYY-MM-DD].
    Sales(SalesRange),
    /// 주문 <번호|이름|전화>.
    Order(String),
    /// 재고 <상품|SKU>.
    Stock(String),
    /// 품절임박.
    LowStock,
    /// 송장 <주문번호> <택배사> <송장번호>.
    Ship {
        /// Order number.
        number: String,
        /// Carrier as typed (a name or a code).
        carrier: String,
        /// Waybill as typed.
        waybill: String,
    },
    /// 미처리.
    Pending,
    /// 도움말 (or nothing).
    Help,
}

/// Why a command was not understood (what to show with the help).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatMistake {
    /// No such command.
    Unknown,
    /// A command missing what it needs, or with something it cannot read.
    Usage(&'static str),
}

/// Reads what was typed; a leading `<@U…>` mention is ignored.
pub fn parse_command(text: &str) -> Result<ChatCommand, ChatMistake> {
    let text = text.trim();
    let text = match text.strip_prefix("<@") {
        Some(rest) => rest.split_once('>').map_or("", |(_, after)| after),
        None => text,
    };
    let mut words = text.split_whitespace();
    let Some(verb) = words.next() else {
        return Ok(ChatCommand::Help);
    };
    let rest: Vec<&str> = words.collect();
    match verb {
        "매출" => sales(&rest).map(ChatCommand::Sales),
        "주문" if !rest.is_empty() => Ok(ChatCommand::Order(rest.join(" "))),
        "주문" => Err(ChatMistake::Usage("주문")),
        "재고" if !rest.is_empty() => Ok(ChatCommand::Stock(rest.join(" "))),
        "재고" => Err(ChatMistake::Usage("재고")),
        "품절임박" => Ok(ChatCommand::LowStock),
        "송장" => match rest.as_slice() {
            [number, carrier, waybill] => Ok(ChatCommand::Ship {
                number: (*number).to_owned(),
                carrier: (*carrier).to_owned(),
                waybill: (*waybill).to_owned(),
            }),
            _ => Err(ChatMistake::Usage("송장")),
        },
        "미처리" => Ok(ChatCommand::Pending),
        "도움말" | "help" => Ok(ChatCommand::Help),
        _ => Err(ChatMistake::Unknown),
    }
}

fn sales(rest: &[&str]) -> Result<SalesRange, ChatMistake> {
    let date = |s: &str| {
        s.parse::<NaiveDate>()
            .map_err(|_| ChatMistake::Usage("매출"))
    };
    match rest {
        [] | ["오늘"] => Ok(SalesRange::Today),
        ["어제"] => Ok(SalesRange::Yesterday),
        ["이번주"] => Ok(SalesRange::ThisWeek),
        ["이번달"] => Ok(SalesRange::ThisMonth),
        [from, to] => {
            let (from, to) = (date(from)?, date(to)?);
            if from > to || (to - from).num_days() > 366 {
                return Err(ChatMistake::Usage("매출"));
            }
            Ok(SalesRange::Between(from, to))
        }
        _ => Err(ChatMistake::Usage("매출")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn commands_read_as_staff_type_them() {
        assert_eq!(parse_command(""), Ok(ChatCommand::Help));
        assert_eq!(
            parse_command("<@U0APP> 매출 어제"),
            Ok(ChatCommand::Sales(SalesRange::Yesterday))
        );
        assert_eq!(
            parse_command("매출"),
            Ok(ChatCommand::Sales(SalesRange::Today))
        );
        assert_eq!(
            parse_command("매출 2026-12-01 2026-12-07"),
            Ok(ChatCommand::Sales(SalesRange::Between(
                day("2026-12-01"),
                day("2026-12-07")
            )))
        );
        assert_eq!(
            parse_command("매출 2026-12-07 2026-12-01"),
            Err(ChatMistake::Usage("매출"))
        );
        assert_eq!(
            parse_command("주문 010-1234-5678"),
            Ok(ChatCommand::Order("010-1234-5678".into()))
        );
        assert_eq!(parse_command("주문"), Err(ChatMistake::Usage("주문")));
        assert_eq!(
            parse_command("송장 20261122-8F3K2Q CJ대한통운 123456789012"),
            Ok(ChatCommand::Ship {
                number: "20261122-8F3K2Q".into(),
                carrier: "CJ대한통운".into(),
                waybill: "123456789012".into()
            })
        );
        assert_eq!(parse_command("송장 1 2"), Err(ChatMistake::Usage("송장")));
        assert_eq!(parse_command("환불"), Err(ChatMistake::Unknown));
        assert_eq!(parse_command("품절임박"), Ok(ChatCommand::LowStock));
        assert_eq!(parse_command("미처리"), Ok(ChatCommand::Pending));
    }

    #[test]
    fn ranges_end_today() {
        let thursday = day("2026-12-10");
        assert_eq!(
            SalesRange::ThisWeek.days(thursday),
            (day("2026-12-07"), thursday)
        );
        assert_eq!(
            SalesRange::ThisMonth.days(thursday),
            (day("2026-12-01"), thursday)
        );
        assert_eq!(
            SalesRange::Yesterday.days(thursday),
            (day("2026-12-09"), day("2026-12-09"))
        );
    }
}
