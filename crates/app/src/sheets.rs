//! Writing sheets for Excel: .xlsx, or CSV with a UTF-8 BOM so Excel opens Korean text right.
//! Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is written with a
//! leading apostrophe-free quote mark (`'`) so a shopper's name can never become a live formula.

use crate::{AppError, AppResult};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// The file an export is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetFormat {
    /// Excel workbook.
    Xlsx,
    /// CSV, UTF-8 with BOM.
    Csv,
}

impl SheetFormat {
    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            SheetFormat::Xlsx => "xlsx",
            SheetFormat::Csv => "csv",
        }
    }
}

/// One cell.
pub enum Cell {
    /// Text (never a formula).
    Text(String),
    /// A number.
    Number(i64),
}

/// Text as a cell.
pub fn text(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

/// `value` made safe for a spreadsheet: text that would start a formula gets a leading `'`.
pub fn defused(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

fn xlsx_error(e: XlsxError) -> AppError {
    AppError::export("xlsx")(e)
}

/// The sheet as `format`.
pub fn write(
    format: SheetFormat,
    name: &str,
    headers: &[&str],
    rows: &[Vec<Cell>],
) -> AppResult<Vec<u8>> {
    match format {
        SheetFormat::Xlsx => write_xlsx(name, headers, rows),
        SheetFormat::Csv => write_csv(headers, rows),
    }
}

fn write_xlsx(name: &str, headers: &[&str], rows: &[Vec<Cell>]) -> AppResult<Vec<u8>> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book
        .add_worksheet_with_constant_memory()
        .map_err(xlsx_error)?;
    sheet.set_name(name).map_err(xlsx_error)?;
    for (col, h) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, *h, &bold)
            .map_err(xlsx_error)?;
    }
    for (i, cells) in rows.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for (col, cell) in cells.iter().enumerate() {
            let col = col as u16;
            match cell {
                // xlsx strings are never evaluated, but a copy to CSV would be: defuse alike.
                Cell::Text(t) => sheet.write_string(row, col, defused(t).as_ref()),
                Cell::Number(n) => sheet.write_number(row, col, *n as f64),
            }
            .map_err(xlsx_error)?;
        }
    }
    book.save_to_buffer().map_err(xlsx_error)
}

fn write_csv(headers: &[&str], rows: &[Vec<Cell>]) -> AppResult<Vec<u8>> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = AppError::export::<csv::Error>("CSV");
    out.write_record(headers).map_err(fail)?;
    for cells in rows {
        out.write_record(cells.iter().map(|c| match c {
            Cell::Text(t) => defused(t).into_owned(),
            Cell::Number(n) => n.to_string(),
        }))
        .map_err(fail)?;
    }
    out.into_inner()
        .map_err(|e| AppError::export("CSV")(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_numbers_stay_numbers() {
        assert_eq!(defused("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defused("+82 10"), "'+82 10");
        assert_eq!(defused("-1"), "'-1");
        assert_eq!(defused("@sum"), "'@sum");
        assert_eq!(defused("홍길동"), "홍길동");
        let csv = write(
            SheetFormat::Csv,
            "s",
            &["이름", "금액"],
            &[vec![text("=1+1"), Cell::Number(-3)]],
        )
        .unwrap();
        let body = String::from_utf8(csv[3..].to_vec()).unwrap();
        assert_eq!(body, "이름,금액\n'=1+1,-3\n");
        let xlsx = write(SheetFormat::Xlsx, "s", &["a"], &[vec![text("x")]]).unwrap();
        assert!(xlsx.starts_with(b"PK"));
    }
}
