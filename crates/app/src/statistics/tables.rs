//! The statistics pages' tables as downloads: each report as rows of typed cells, written as CSV
//! or .xlsx with Korean headers and the change against the previous period.

use crate::statistics::{ItemFigures, MemberReport, SalesReport};
use crate::{AppError, AppResult};
use jangteo_core::stats::SalesFigures;
use rust_xlsxwriter::{Format, Workbook};

/// A table ready for CSV or .xlsx.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Sheet name.
    pub name: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<Cell>>,
}

/// A table cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A whole number (won, units, counts).
    Int(i64),
    /// A ratio in percent (one decimal), empty when there is nothing to compare with.
    Percent(Option<f64>),
}

impl Table {
    /// UTF-8 CSV with a byte-order mark (Excel opens Korean text correctly).
    pub fn csv(&self) -> AppResult<Vec<u8>> {
        let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        let csv_error = AppError::export::<csv::Error>("CSV");
        out.write_record(&self.headers).map_err(csv_error)?;
        for row in &self.rows {
            out.write_record(row.iter().map(|c| match c {
                Cell::Text(t) => crate::sheets::defused(t).into_owned(),
                Cell::Int(n) => n.to_string(),
                Cell::Percent(p) => p.map(|p| format!("{p:.1}")).unwrap_or_default(),
            }))
            .map_err(csv_error)?;
        }
        out.into_inner()
            .map_err(|e| AppError::export("CSV")(e.into_error()))
    }

    /// An .xlsx workbook of one sheet, numbers as numbers.
    pub fn xlsx(&self) -> AppResult<Vec<u8>> {
        let err = AppError::export::<rust_xlsxwriter::XlsxError>("xlsx");
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        let won = Format::new().set_num_format("#,##0");
        let percent = Format::new().set_num_format("0.0");
        let sheet = book.add_worksheet();
        sheet.set_name(&self.name).map_err(err)?;
        for (c, h) in self.headers.iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(u16::MAX);
            sheet
                .write_string_with_format(0, col, h, &bold)
                .map_err(err)?;
            sheet.set_column_width(col, 14).map_err(err)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let at = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, cell) in row.iter().enumerate() {
                let col = u16::try_from(c).unwrap_or(u16::MAX);
                match cell {
                    Cell::Text(t) => sheet
                        .write_string(at, col, crate::sheets::defused(t).as_ref())
                        .map(|_| ()),
                    Cell::Int(n) => sheet
                        .write_number_with_format(at, col, *n as f64, &won)
                        .map(|_| ()),
                    Cell::Percent(Some(p)) => sheet
                        .write_number_with_format(at, col, *p, &percent)
                        .map(|_| ()),
                    Cell::Percent(None) => Ok(()),
                }
                .map_err(err)?;
            }
        }
        book.save_to_buffer().map_err(err)
    }
}

fn percent(now: i64, before: i64) -> Cell {
    Cell::Percent(jangteo_core::stats::change_permille(now, before).map(|p| p as f64 / 10.0))
}

/// Which table of the sales report to download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SalesTable {
    /// Per day/week/month.
    Periods,
    /// Per channel.
    Channels,
    /// Per category.
    Categories,
    /// Per SKU.
    Skus,
}

impl SalesTable {
    /// Parses a URL segment.
    pub fn parse(raw: &str) -> Option<SalesTable> {
        match raw {
            "periods" => Some(SalesTable::Periods),
            "channels" => Some(SalesTable::Channels),
            "categories" => Some(SalesTable::Categories),
            "skus" => Some(SalesTable::Skus),
            _ => None,
        }
    }
}

const FIGURE_HEADERS: [&str; 7] = [
    "주문수",
    "총매출",
    "할인",
    "환불",
    "순매출",
    "객단가",
    "이전 순매출",
];

fn figure_cells(f: &SalesFigures, prev: &SalesFigures) -> Vec<Cell> {
    vec![
        Cell::Int(f.orders),
        Cell::Int(f.gross),
        Cell::Int(f.discounts),
        Cell::Int(f.refunds),
        Cell::Int(f.net()),
        Cell::Int(f.average_order_value()),
        Cell::Int(prev.net()),
        percent(f.net(), prev.net()),
        Cell::Int(prev.orders),
        Cell::Int(prev.average_order_value()),
    ]
}

fn figure_headers(first: &[&str]) -> Vec<String> {
    first
        .iter()
        .chain(FIGURE_HEADERS.iter())
        .chain(["순매출 증감(%)", "이전 주문수", "이전 객단가"].iter())
        .map(|s| (*s).to_owned())
        .collect()
}

fn item_cells(f: &ItemFigures, prev: &ItemFigures) -> Vec<Cell> {
    vec![
        Cell::Int(f.quantity),
        Cell::Int(f.gross),
        Cell::Int(f.discounts),
        Cell::Int(f.refunded_quantity),
        Cell::Int(f.refunds),
        Cell::Int(f.net()),
        Cell::Int(prev.quantity),
        Cell::Int(prev.net()),
        percent(f.net(), prev.net()),
    ]
}

fn item_headers(first: &[&str]) -> Vec<String> {
    first
        .iter()
        .chain(
            [
                "판매수량",
                "총매출",
                "할인",
                "환불수량",
                "환불",
                "순매출",
                "이전 판매수량",
                "이전 순매출",
                "순매출 증감(%)",
            ]
            .iter(),
        )
        .map(|s| (*s).to_owned())
        .collect()
}

/// Channel names in exports.
pub fn channel_label(code: &str) -> &'static str {
    jangteo_core::channels::sales_channel_name(code)
}

impl SalesReport {
    /// One of its tables, for download.
    pub fn table(&self, which: SalesTable) -> Table {
        let g = self.query.granularity;
        let (name, headers, rows) = match which {
            SalesTable::Periods => (
                "기간별",
                figure_headers(&["기간", "이전 기간"]),
                self.rows
                    .iter()
                    .map(|r| {
                        let mut cells = vec![
                            Cell::Text(r.bucket.label(g)),
                            Cell::Text(r.previous_bucket.map(|b| b.label(g)).unwrap_or_default()),
                        ];
                        cells.extend(figure_cells(&r.current, &r.previous));
                        cells
                    })
                    .collect(),
            ),
            SalesTable::Channels => (
                "채널별",
                figure_headers(&["채널"]),
                self.channels
                    .iter()
                    .map(|r| {
                        let mut cells = vec![Cell::Text(channel_label(r.channel).to_owned())];
                        cells.extend(figure_cells(&r.current, &r.previous));
                        cells
                    })
                    .collect(),
            ),
            SalesTable::Categories | SalesTable::Skus => {
                let (name, first, list) = if which == SalesTable::Categories {
                    (
                        "카테고리별",
                        ["카테고리 번호", "카테고리"],
                        &self.categories,
                    )
                } else {
                    ("SKU별", ["SKU", "상품"], &self.skus)
                };
                (
                    name,
                    item_headers(&first),
                    list.iter()
                        .map(|r| {
                            let mut cells =
                                vec![Cell::Text(r.key.clone()), Cell::Text(r.name.clone())];
                            cells.extend(item_cells(&r.current, &r.previous));
                            cells
                        })
                        .collect(),
                )
            }
        };
        Table {
            name: name.to_owned(),
            headers,
            rows,
        }
    }
}

impl MemberReport {
    /// The monthly table, for download.
    pub fn months_table(&self) -> Table {
        Table {
            name: "회원".to_owned(),
            headers: [
                "월",
                "가입",
                "구매회원",
                "탈퇴",
                "전년 동월 가입",
                "전년 동월 구매회원",
                "전년 동월 탈퇴",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows: self
                .months
                .iter()
                .map(|m| {
                    vec![
                        Cell::Text(m.month.format("%Y-%m").to_string()),
                        Cell::Int(m.signups),
                        Cell::Int(m.buyers),
                        Cell::Int(m.withdrawals),
                        Cell::Int(m.year_before.0),
                        Cell::Int(m.year_before.1),
                        Cell::Int(m.year_before.2),
                    ]
                })
                .collect(),
        }
    }

    /// The grade table, for download.
    pub fn grades_table(&self) -> Table {
        Table {
            name: "등급".to_owned(),
            headers: ["등급 코드", "등급", "회원수"].map(str::to_owned).to_vec(),
            rows: self
                .grades
                .iter()
                .map(|(code, name, n)| {
                    vec![
                        Cell::Text(code.clone()),
                        Cell::Text(name.clone()),
                        Cell::Int(*n),
                    ]
                })
                .collect(),
        }
    }
}
