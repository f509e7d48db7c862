//! The cells of one worksheet, row by row, without trusting the positions a damaged file claims.
//!
//! calamine reads XLSX cell references (`<c r="B7">`) with unchecked arithmetic: a damaged
//! reference of many letters or digits overflows (a panic in debug builds, a wrapped position in
//! release builds), and a reversed `<dimension ref>` underflows. Its dense `Range` also allocates
//! one cell for every position between the first and the last, so two cells at `A1` and
//! `XFD1048576` ask for 17 billion cells. So every reference is checked against Excel's own
//! limits before calamine parses it, and XLSX/XLSB sheets are read from their cells (only the
//! ones with a value are kept), never as a dense range.

use std::io::{BufReader, Cursor, Read};

use calamine::{open_workbook_auto_from_rs, Cell, Data, DataRef, Reader, Sheets, XlsxError};
use quick_xml::events::Event;

use crate::ImportError;

/// What receives each row: its line and its cells.
type EachRow<'a> = dyn FnMut(u64, &[Data]) -> Result<(), ImportError> + 'a;

/// Excel's last row (1 048 576) and last column (`XFD`, 16 384), 1-based.
const MAX_ROWS: u32 = 1 << 20;
const MAX_COLUMNS: u32 = 1 << 14;

/// Reads the sheet named `sheet` (else the first one) and hands `each` every row that has a
/// cell with a value, with its line (1-based row number) and its cells from the sheet's first
/// used column to its last. Returns the sheet's name.
pub(crate) fn read(
    bytes: &[u8],
    sheet: Option<&str>,
    mut each: impl FnMut(u64, &[Data]) -> Result<(), ImportError>,
) -> Result<String, ImportError> {
    if bytes.starts_with(b"PK\x03\x04") {
        check_references(bytes)?;
    }
    // calamine is third-party code reading outside bytes: a panic it still has ends the reading
    // with an error (the rows already handed over stay the caller's), never a panic of ours.
    // The fuzz target does not contain it: such a panic is found and fixed at its source.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cells(bytes, sheet, &mut each)))
        .unwrap_or_else(|_| Err(ImportError::Format("the spreadsheet is damaged and cannot be read".to_owned())))
}

fn cells(bytes: &[u8], sheet: Option<&str>, each: &mut EachRow<'_>) -> Result<String, ImportError> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(format)?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| ImportError::Format(format!("sheet {s:?} not found; sheets: {}", names.join(", "))))?,
        None => names.first().cloned().ok_or(ImportError::Empty)?,
    };
    let mut cells = Vec::new();
    let keep = |cells: &mut Vec<((u32, u32), Data)>, cell: Cell<DataRef<'_>>| {
        if !matches!(cell.get_value(), DataRef::Empty) {
            cells.push((cell.get_position(), Data::from(cell.get_value().clone())));
        }
    };
    match &mut book {
        Sheets::Xlsx(book) => match book.worksheet_cells_reader(&name) {
            Ok(mut reader) => {
                while let Some(cell) = reader.next_cell().map_err(format)? {
                    keep(&mut cells, cell);
                }
            }
            // A chart sheet: no cells.
            Err(XlsxError::NotAWorksheet(_)) => {}
            Err(e) => return Err(format(e)),
        },
        Sheets::Xlsb(book) => {
            let mut reader = book.worksheet_cells_reader(&name).map_err(format)?;
            while let Some(cell) = reader.next_cell().map_err(format)? {
                keep(&mut cells, cell);
            }
        }
        // XLS and ODS positions are small numbers of their binary or XML form.
        Sheets::Xls(_) | Sheets::Ods(_) => {
            let range = book.worksheet_range(&name).map_err(format)?;
            let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
            for (i, row) in range.rows().enumerate() {
                each(first_row + i as u64 + 1, row)?;
            }
            return Ok(name);
        }
    }
    rows_of(cells, each)?;
    Ok(name)
}

/// Hands over the rows of sparse cells in order, each as the run of cells from the first used
/// column to the last (a later cell at the same position replaces an earlier one).
fn rows_of(mut cells: Vec<((u32, u32), Data)>, each: &mut EachRow<'_>) -> Result<(), ImportError> {
    cells.sort_by_key(|(position, _)| *position);
    let (Some(first), Some(last)) =
        (cells.iter().map(|((_, c), _)| *c).min(), cells.iter().map(|((_, c), _)| *c).max())
    else {
        return Ok(());
    };
    let width = last - first + 1;
    if width > MAX_COLUMNS {
        return Err(ImportError::Format(format!(
            "the sheet's cells span {width} columns, more than a spreadsheet has ({MAX_COLUMNS})"
        )));
    }
    let mut row = vec![Data::Empty; width as usize];
    let mut cells = cells.into_iter().peekable();
    while let Some(((r, c), value)) = cells.next() {
        row[(c - first) as usize] = value;
        if cells.peek().is_none_or(|((next, _), _)| *next != r) {
            each(u64::from(r) + 1, &row)?;
            row.fill(Data::Empty);
        }
    }
    Ok(())
}

fn format(e: impl std::fmt::Display) -> ImportError {
    ImportError::Format(e.to_string())
}

/// A cell reference as calamine reads it: letters of the column, then digits of the row.
#[derive(Debug, PartialEq, Eq)]
enum Reference {
    /// A column or row past Excel's last, or more letters or digits than it ever writes.
    Beyond,
    /// Anything else calamine refuses with its own error (after checking no more than this).
    Malformed,
    /// Row and column, 1-based.
    At(u32, u32),
}

fn reference(text: &str) -> Reference {
    let bytes = text.as_bytes();
    let letters = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let digits = bytes[letters..].iter().take_while(|b| b.is_ascii_digit()).count();
    if letters > 3 || digits > 7 {
        return Reference::Beyond;
    }
    let column =
        bytes[..letters].iter().fold(0u32, |column, b| column * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1);
    let row = bytes[letters..letters + digits].iter().fold(0u32, |row, b| row * 10 + u32::from(b - b'0'));
    if column > MAX_COLUMNS || row > MAX_ROWS {
        Reference::Beyond
    } else if letters + digits < bytes.len() || column == 0 || row == 0 {
        Reference::Malformed
    } else {
        Reference::At(row, column)
    }
}

/// A dimension (`A1:D40`, or one cell) calamine can read without overflow: every part in
/// Excel's limits, and a range that does not end before it starts.
fn dimension_in_limits(text: &str) -> bool {
    let parts: Vec<Reference> = text.split(':').map(reference).collect();
    match parts.as_slice() {
        [Reference::At(r0, c0), Reference::At(r1, c1)] => r1 >= r0 && c1 >= c0,
        parts => parts.iter().all(|p| *p != Reference::Beyond),
    }
}

/// Refuses an XLSX whose row, cell or dimension references calamine cannot read safely. Every
/// part of the archive is scanned with the XML settings calamine uses, so every element it
/// reads is seen here too; a part that is not XML (or is damaged) is checked as far as it reads.
fn check_references(bytes: &[u8]) -> Result<(), ImportError> {
    // Not an archive: calamine says so.
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(()) };
    for i in 0..archive.len() {
        let Ok(part) = archive.by_index(i) else { continue };
        let name = part.name().map(std::borrow::Cow::into_owned).unwrap_or_default();
        check_part(part).map_err(|reference| {
            ImportError::Format(format!(
                "XLSX: cell reference {reference:?} in {name} is beyond a spreadsheet's limits \
                 ({MAX_ROWS} rows, {MAX_COLUMNS} columns): the file is damaged"
            ))
        })?;
    }
    Ok(())
}

/// The first reference of `part` that is out of limits.
fn check_part(part: impl Read) -> Result<(), String> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(part));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let name = e.local_name();
                let (key, in_limits): (&str, fn(&str) -> bool) = match name.as_ref() {
                    "c" | "row" => ("r", |v| reference(v) != Reference::Beyond),
                    "dimension" => ("ref", dimension_in_limits),
                    _ => continue,
                };
                for (k, value) in attributes(e.attributes_raw()) {
                    if k == key && !in_limits(value) {
                        return Err(value.to_owned());
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
    }
}

/// The `key="value"` pairs of an element's attributes, read as calamine reads them (the key is
/// everything before `=`; single or double quotes), up to the first malformed one.
fn attributes(raw: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = raw;
    std::iter::from_fn(move || {
        let (key, after) = rest.split_once('=')?;
        let after = after.trim_start();
        let quote = after.chars().next().filter(|q| *q == '"' || *q == '\'')?;
        let value = &after[1..];
        let (value, tail) = value.split_once(quote).unwrap_or((value, ""));
        rest = tail;
        Some((key.trim(), value))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn references_in_and_beyond_limits() {
        assert_eq!(reference("A1"), Reference::At(1, 1));
        assert_eq!(reference("xfd1048576"), Reference::At(MAX_ROWS, MAX_COLUMNS));
        assert_eq!(reference("XFE1"), Reference::Beyond);
        assert_eq!(reference("A1048577"), Reference::Beyond);
        assert_eq!(reference("Ddsheetml/2006"), Reference::Beyond);
        assert_eq!(reference("A99999999999"), Reference::Beyond);
        assert_eq!(reference("A0"), Reference::Malformed);
        assert_eq!(reference("A1B"), Reference::Malformed);
        assert_eq!(reference("$A$1"), Reference::Malformed);
        assert!(dimension_in_limits("A1:D40"));
        assert!(dimension_in_limits("B2"));
        assert!(!dimension_in_limits("D40:A1"));
        assert!(!dimension_in_limits("A1:ZZZZ1"));
    }

    #[test]
    fn attributes_as_calamine_reads_them() {
        let pairs: Vec<_> = attributes(r#" r="A1" s = '3' t="n" broken"#).collect();
        assert_eq!(pairs, [("r", "A1"), ("s", "3"), ("t", "n")]);
        let pairs: Vec<_> = attributes(r#"r=A1 x="2""#).collect();
        assert!(pairs.is_empty(), "{pairs:?}");
    }

    proptest! {
        /// Every reference of letters and digits is either refused as beyond the limits or
        /// read to the column and row calamine computes (base 26 from A = 1, base 10), which
        /// then fit Excel's grid: nothing that could overflow is let through.
        #[test]
        fn references_let_through_fit_the_grid(letters in "[A-Za-z]{0,9}", digits in "[0-9]{0,12}") {
            let text = format!("{letters}{digits}");
            match reference(&text) {
                Reference::At(row, column) => {
                    let wide = |s: &str, base: u128, value: fn(u8) -> u128| {
                        s.bytes().fold(0u128, |n, b| n * base + value(b))
                    };
                    prop_assert_eq!(u128::from(column), wide(&letters, 26, |b| u128::from(b.to_ascii_uppercase() - b'A') + 1));
                    prop_assert_eq!(u128::from(row), wide(&digits, 10, |b| u128::from(b - b'0')));
                    prop_assert!((1..=MAX_COLUMNS).contains(&column) && (1..=MAX_ROWS).contains(&row));
                }
                Reference::Beyond => prop_assert!(letters.len() > 3 || digits.len() > 7
                    || digits.parse::<u64>().is_ok_and(|r| r > u64::from(MAX_ROWS))
                    || letters.len() == 3 && letters.to_ascii_uppercase().as_str() > "XFD"),
                Reference::Malformed => prop_assert!(letters.is_empty() || digits.is_empty()
                    || digits.bytes().all(|b| b == b'0')),
            }
        }
    }
}
