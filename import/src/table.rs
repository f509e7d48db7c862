//! From bytes to rows of text cells, one per column of the kind: CSV (encoding and delimiter
//! detected, physical lines counted) or a spreadsheet (calamine; dates from Excel serials,
//! formulas by their cached values).

use std::borrow::Cow;

use calamine::Data;
use chrono::Timelike;
use serde::Serialize;

use crate::columns::{map_headers, Kind};
use crate::records::Records;
use crate::ImportError;

/// How a file was read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Source {
    /// `csv` or `spreadsheet`.
    pub format: &'static str,
    /// The text encoding of a CSV: `UTF-8`, `UTF-16LE`, `UTF-16BE` or `windows-1252`.
    pub encoding: Option<&'static str>,
    /// The CSV delimiter: `;`, `,` or a tab.
    pub delimiter: Option<char>,
    /// The sheet read.
    pub sheet: Option<String>,
}

/// A data row: its line and one cell per column of the kind (`None` when the column is absent).
pub(crate) struct Row {
    pub(crate) line: u64,
    pub(crate) cells: Vec<Option<String>>,
}

pub(crate) struct Table {
    pub(crate) rows: Vec<Row>,
    pub(crate) source: Source,
}

/// Parquet's magic number, at both ends of the file.
const PARQUET_MAGIC: &[u8] = b"PAR1";

/// A Parquet file: its magic number at both ends.
pub(crate) fn is_parquet(bytes: &[u8]) -> bool {
    bytes.len() >= 2 * PARQUET_MAGIC.len() && bytes.starts_with(PARQUET_MAGIC) && bytes.ends_with(PARQUET_MAGIC)
}

/// A file read as a whole table (not streamed): spreadsheets, and what starts as Parquet (the
/// streamed reader sees only the head; [`Table::read`] then decides with [`is_parquet`]).
pub(crate) fn is_tabular_binary(bytes: &[u8]) -> bool {
    is_spreadsheet(bytes) || bytes.starts_with(PARQUET_MAGIC)
}

/// ZIP (XLSX, ODS) or OLE2 (XLS) magic numbers.
pub(crate) fn is_spreadsheet(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// The text of a CSV: a BOM decides (UTF-8, UTF-16); else valid UTF-8 is UTF-8, and anything
/// else is Windows-1252 (what Excel on Italian Windows writes), which decodes every byte.
pub(crate) fn decode(bytes: &[u8]) -> (Cow<'_, str>, &'static str) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return (text, encoding.name());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        (Cow::Borrowed(text), "UTF-8")
    } else {
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
        (text, "windows-1252")
    }
}

/// The delimiter the header line uses most, outside quotes (`;` first on a tie: the Italian
/// Excel default).
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
    let mut counts = [(b';', 0usize), (b',', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(c) = counts.iter_mut().find(|(d, _)| *d == b) {
                c.1 += 1;
            }
        }
    }
    counts.iter().fold((b';', 0), |best, &c| if c.1 > best.1 { c } else { best }).0
}

/// The fields of the current record as text (the record comes from decoded text: UTF-8).
pub(crate) fn record_text<R: std::io::Read>(records: &Records<R>) -> Vec<String> {
    (0..records.len()).map(|i| String::from_utf8_lossy(records.field(i).unwrap_or_default()).into_owned()).collect()
}

fn blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

fn project(indices: &[Option<usize>], cells: &[String]) -> Vec<Option<String>> {
    indices.iter().map(|i| i.and_then(|i| cells.get(i)).filter(|c| !c.trim().is_empty()).cloned()).collect()
}

impl Table {
    /// Every row of the file, kept (a reader that looks at a whole column before reading its
    /// values: the orders' amounts).
    pub(crate) fn read(bytes: &[u8], kind: Kind, sheet: Option<&str>) -> Result<Table, ImportError> {
        let mut rows = Vec::new();
        let source = Table::visit(bytes, kind, sheet, |row| rows.push(row))?;
        Ok(Table { rows, source })
    }

    /// Every row of the file handed to `each` as it is read, none kept: a reader of one row at
    /// a time (cards: millions of rows in a national file) holds its own values, not the text.
    pub(crate) fn visit(
        bytes: &[u8],
        kind: Kind,
        sheet: Option<&str>,
        each: impl FnMut(Row),
    ) -> Result<Source, ImportError> {
        if is_parquet(bytes) {
            #[cfg(feature = "parquet")]
            return crate::parquet::visit(bytes, kind, each);
            #[cfg(not(feature = "parquet"))]
            return Err(ImportError::Format(
                "Parquet is read by builds with the `parquet` feature (the command line has it)".to_owned(),
            ));
        }
        if is_spreadsheet(bytes) {
            Table::spreadsheet(bytes, kind, sheet, each)
        } else {
            Table::csv(bytes, kind, each)
        }
    }

    fn csv(bytes: &[u8], kind: Kind, mut each: impl FnMut(Row)) -> Result<Source, ImportError> {
        let (text, encoding) = decode(bytes);
        let delimiter = sniff_delimiter(&text);
        let mut records = Records::new(text.as_bytes(), delimiter);
        // Reading from memory: the only error is none.
        let header = loop {
            match records.next_record() {
                Ok(Some(_)) if !records.is_blank() => break record_text(&records),
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => return Err(ImportError::Empty),
            }
        };
        let indices = map_headers(kind, &header)?;
        while let Ok(Some(line)) = records.next_record() {
            if records.is_blank() {
                continue;
            }
            let cells = indices
                .iter()
                .map(|i| {
                    i.and_then(|i| records.field(i))
                        .filter(|c| !c.iter().all(u8::is_ascii_whitespace))
                        .map(|c| String::from_utf8_lossy(c).into_owned())
                })
                .collect();
            each(Row { line, cells });
        }
        Ok(Source { format: "csv", encoding: Some(encoding), delimiter: Some(char::from(delimiter)), sheet: None })
    }

    fn spreadsheet(
        bytes: &[u8],
        kind: Kind,
        sheet: Option<&str>,
        mut each: impl FnMut(Row),
    ) -> Result<Source, ImportError> {
        // The first row with a value is the header; the rows after it are data.
        let mut indices = None;
        let name = crate::sheet::read(bytes, sheet, |line, row| {
            let cells: Vec<String> = row.iter().map(cell_text).collect();
            if blank(&cells) {
                return Ok(());
            }
            match &indices {
                None => indices = Some(map_headers(kind, &cells)?),
                Some(indices) => each(Row { line, cells: project(indices, &cells) }),
            }
            Ok(())
        })?;
        if indices.is_none() {
            return Err(ImportError::Empty);
        }
        Ok(Source { format: "spreadsheet", encoding: None, delimiter: None, sheet: Some(name) })
    }
}

/// A cell as text the value readers understand: numbers in machine form (the shortest decimal
/// that reads back to the stored double, which is what the spreadsheet shows), dates ISO,
/// date-times ISO to the second (Rome local time, as typed), formulas by their cached value.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format!("{f}"),
        Data::Bool(b) => b.to_string(),
        Data::Error(e) => format!("#{e:?}"),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) => {
                // Serial fractions of a day: round to the nearest second.
                let t = t + chrono::Duration::milliseconds(500);
                let t = t.with_nanosecond(0).unwrap_or(t);
                if t.time() == chrono::NaiveTime::MIN {
                    t.date().format("%Y-%m-%d").to_string()
                } else {
                    t.format("%Y-%m-%dT%H:%M:%S").to_string()
                }
            }
            None => format!("{}", dt.as_f64()),
        },
    }
}
