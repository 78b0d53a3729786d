//! Sheets for Excel: reading every upload's .xlsx/.xls/CSV (UTF-8 or CP949) into cells, and
//! writing .xlsx, or CSV with a UTF-8 BOM so Excel opens Korean text right.
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

    /// The media type a download is sent as.
    pub fn content_type(self) -> &'static str {
        match self {
            SheetFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            SheetFormat::Csv => "text/csv; charset=utf-8",
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

fn cell_text(cell: &calamine::Data) -> String {
    match cell {
        calamine::Data::Int(i) => i.to_string(),
        // Waybills typed as numbers arrive as floats: print them without ".0" or exponents.
        calamine::Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e17 => format!("{f:.0}"),
        calamine::Data::Empty => String::new(),
        other => other.to_string(),
    }
    .trim()
    .to_owned()
}

/// CSV bytes as text: UTF-8 (with or without BOM) or CP949/EUC-KR, which Korean Excel saves
/// ("CSV (쉼표로 분리)"); detected, never asked. Anything else is refused.
pub fn decode_text(bytes: &[u8]) -> AppResult<std::borrow::Cow<'_, str>> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(std::borrow::Cow::Borrowed)
            .map_err(|_| AppError::field("file", "not_utf8"));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(std::borrow::Cow::Borrowed(text));
    }
    // encoding_rs's EUC-KR is the WHATWG one, i.e. Windows code page 949 (UHC) in full.
    let (text, had_errors) = encoding_rs::EUC_KR.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(AppError::field("file", "not_utf8"));
    }
    Ok(text)
}

/// The cells of the first sheet of an .xlsx/.xls file, or of CSV text (UTF-8 with or without BOM,
/// or CP949; by file name), each row with the line number a spreadsheet shows.
pub fn read_cells(file_name: &str, bytes: &[u8]) -> AppResult<Vec<(usize, Vec<String>)>> {
    let lower = file_name.to_lowercase();
    let raw: Vec<(usize, Vec<String>)> = if lower.ends_with(".xlsx") || lower.ends_with(".xls") {
        let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec()))
            .map_err(|_| AppError::field("file", "unreadable_sheet"))?;
        use calamine::Reader;
        let range = book
            .worksheet_range_at(0)
            .ok_or_else(|| AppError::field("file", "unreadable_sheet"))?
            .map_err(|_| AppError::field("file", "unreadable_sheet"))?;
        let first = range.start().map_or(0, |(row, _)| row as usize);
        range
            .rows()
            .enumerate()
            .map(|(i, r)| (first + i + 1, r.iter().map(cell_text).collect()))
            .collect()
    } else {
        let text = decode_text(bytes)?;
        // Line by line (waybill sheets have no multi-line cells), so each row keeps the line
        // number a spreadsheet shows.
        let mut rows = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(line.as_bytes());
            let cells = match reader.records().next() {
                Some(record) => record
                    .map_err(|_| AppError::field("file", "unreadable_sheet"))?
                    .iter()
                    .map(|c| c.trim().to_owned())
                    .collect(),
                None => Vec::new(),
            };
            rows.push((i + 1, cells));
        }
        rows
    };
    Ok(raw)
}

/// Most rows one uploaded sheet may hold.
pub const MAX_SHEET_ROWS: usize = 5_000;

/// The cell `n` of a row, empty when the row is shorter.
pub fn cell(cells: &[String], n: usize) -> String {
    cells.get(n).cloned().unwrap_or_default()
}

/// The rows of an uploaded sheet ([`read_cells`]) made by `row(line, cells)`, blank rows left
/// out and a first row that `is_header` recognises skipped. A sheet with no row, or more than
/// [`MAX_SHEET_ROWS`], is refused.
pub fn read_rows<T>(
    file_name: &str,
    bytes: &[u8],
    is_header: impl Fn(&[String]) -> bool,
    row: impl Fn(usize, &[String]) -> T,
) -> AppResult<Vec<T>> {
    let mut rows = Vec::new();
    for (i, (line, cells)) in read_cells(file_name, bytes)?.iter().enumerate() {
        if cells.iter().all(String::is_empty) || (i == 0 && is_header(cells)) {
            continue;
        }
        rows.push(row(*line, cells));
    }
    if rows.is_empty() {
        return Err(AppError::field("file", "empty_sheet"));
    }
    if rows.len() > MAX_SHEET_ROWS {
        return Err(AppError::field("file", "too_many_rows"));
    }
    Ok(rows)
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
