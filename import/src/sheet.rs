//! The cells of one worksheet, row by row, without trusting the positions a damaged file claims.
//!
//! calamine reads XLSX cell references (`<c r="B7">`) with unchecked arithmetic: a damaged
//! reference of many letters or digits overflows (a panic in debug builds, a wrapped position in
//! release builds), and a reversed `<dimension ref>` underflows. Its dense `Range` also allocates
//! one cell for every position between the first and the last, so two cells at `A1` and
//! `XFD1048576` ask for 17 billion cells. So every reference is checked against Excel's own
//! limits before calamine parses it, and XLSX/XLSB sheets are read from their cells (only the
//! ones with a value are kept), never as a dense range.

use std::io::{Cursor, Read};

use calamine::{open_workbook_auto_from_rs, Cell, Data, DataRef, Reader, Sheets, XlsxError};

use crate::{format_error, ImportError};

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
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(format_error)?;
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
                while let Some(cell) = reader.next_cell().map_err(format_error)? {
                    keep(&mut cells, cell);
                }
            }
            // A chart sheet: no cells.
            Err(XlsxError::NotAWorksheet(_)) => {}
            Err(e) => return Err(format_error(e)),
        },
        Sheets::Xlsb(book) => {
            let mut reader = book.worksheet_cells_reader(&name).map_err(format_error)?;
            while let Some(cell) = reader.next_cell().map_err(format_error)? {
                keep(&mut cells, cell);
            }
        }
        // XLS and ODS positions are small numbers of their binary or XML form.
        Sheets::Xls(_) | Sheets::Ods(_) => {
            let range = book.worksheet_range(&name).map_err(format_error)?;
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
    // Wide: an XLSB position is any 32-bit number.
    let width = u64::from(last - first) + 1;
    if width > u64::from(MAX_COLUMNS) {
        return Err(ImportError::Format(format!(
            "the sheet's cells span {width} columns, more than a spreadsheet has ({MAX_COLUMNS})"
        )));
    }
    let mut row = vec![Data::Empty; width as usize];
    let mut cells = cells.into_iter().peekable();
    while let Some(((r, c), value)) = cells.next() {
        if let Some(cell) = row.get_mut((c - first) as usize) {
            *cell = value;
        }
        if cells.peek().is_none_or(|((next, _), _)| *next != r) {
            each(u64::from(r) + 1, &row)?;
            row.fill(Data::Empty);
        }
    }
    Ok(())
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

fn reference(bytes: &[u8]) -> Reference {
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
fn dimension_in_limits(text: &[u8]) -> bool {
    let parts: Vec<Reference> = text.split(|&b| b == b':').map(reference).collect();
    match parts.as_slice() {
        [Reference::At(r0, c0), Reference::At(r1, c1)] => r1 >= r0 && c1 >= c0,
        parts => parts.iter().all(|p| *p != Reference::Beyond),
    }
}

/// Refuses an XLSX whose row, cell or dimension references calamine cannot read safely. Every
/// part of the archive is scanned (a damaged workbook may name any part as a sheet), as far as
/// it decompresses.
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

/// The first reference of `part` that is out of limits, read in pieces: every `<c`, `<row`
/// and `<dimension` start tag (with any namespace prefix), up to its first `>` outside quotes,
/// has its attributes checked. That is every tag the XML reader gives calamine as one of those
/// elements, and more (tags within comments or damaged text are checked too): no XML parse,
/// a byte search for `<`.
fn check_part(mut part: impl Read) -> Result<(), String> {
    let mut buf: Vec<u8> = Vec::new();
    loop {
        // At least as much again as an unfinished tag holds: a long tag is scanned again a
        // number of times that grows with the logarithm of its length, not with its length.
        let want = (1u64 << 16).max(buf.len() as u64);
        let read = (&mut part).take(want).read_to_end(&mut buf);
        if read.is_err() || read.is_ok_and(|n| n == 0) {
            return check_tags(&buf, true).map(|_| ());
        }
        // The tags read whole are checked; an unfinished one waits for the next piece.
        let done = check_tags(&buf, false)?;
        buf.drain(..done);
    }
}

/// Checks the whole tags of `text`; returns where the first unfinished one starts (the end
/// when `last`: what is left is checked as it is).
fn check_tags(text: &[u8], last: bool) -> Result<usize, String> {
    let mut pos = 0;
    while let Some(found) = memchr::memchr(b'<', &text[pos..]) {
        let open = pos + found;
        let name_start = open + 1;
        let name_len = text[name_start..].iter().position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/');
        let Some(name_len) = name_len else { return Ok(if last { text.len() } else { open }) };
        let name = &text[name_start..name_start + name_len];
        let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
        let key: &[u8] = match local {
            b"c" | b"row" => b"r",
            b"dimension" => b"ref",
            _ => {
                pos = name_start + name_len;
                continue;
            }
        };
        let attrs_start = name_start + name_len;
        let mut quote = None;
        let close = text[attrs_start..].iter().position(|&b| match quote {
            Some(q) => {
                if b == q {
                    quote = None;
                }
                false
            }
            None if b == b'"' || b == b'\'' => {
                quote = Some(b);
                false
            }
            None => b == b'>',
        });
        let end = match close {
            Some(close) => attrs_start + close,
            None if last => text.len(),
            None => return Ok(open),
        };
        for (k, value) in attributes(&text[attrs_start..end]) {
            let in_limits =
                if key == b"r" { reference(value) != Reference::Beyond } else { dimension_in_limits(value) };
            if k == key && !in_limits {
                return Err(String::from_utf8_lossy(value).into_owned());
            }
        }
        pos = end;
    }
    Ok(text.len())
}

/// The `key="value"` pairs of an element's attributes, read as calamine reads them (the key is
/// everything before `=`, blanks trimmed; single or double quotes), up to the first malformed
/// one.
fn attributes(raw: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut rest = raw;
    std::iter::from_fn(move || {
        let eq = memchr::memchr(b'=', rest)?;
        let key = rest[..eq].trim_ascii();
        let after = rest[eq + 1..].trim_ascii_start();
        let (&quote, value) = after.split_first().filter(|(q, _)| **q == b'"' || **q == b'\'')?;
        let close = memchr::memchr(quote, value).unwrap_or(value.len());
        rest = value.get(close + 1..).unwrap_or_default();
        Some((key, &value[..close]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::fmt::Write;

    #[test]
    fn references_in_and_beyond_limits() {
        assert_eq!(reference(b"A1"), Reference::At(1, 1));
        assert_eq!(reference(b"xfd1048576"), Reference::At(MAX_ROWS, MAX_COLUMNS));
        assert_eq!(reference(b"XFE1"), Reference::Beyond);
        assert_eq!(reference(b"A1048577"), Reference::Beyond);
        assert_eq!(reference(b"Ddsheetml/2006"), Reference::Beyond);
        assert_eq!(reference(b"A99999999999"), Reference::Beyond);
        assert_eq!(reference(b"A0"), Reference::Malformed);
        assert_eq!(reference(b"A1B"), Reference::Malformed);
        assert_eq!(reference(b"$A$1"), Reference::Malformed);
        assert!(dimension_in_limits(b"A1:D40"));
        assert!(dimension_in_limits(b"B2"));
        assert!(!dimension_in_limits(b"D40:A1"));
        assert!(!dimension_in_limits(b"A1:ZZZZ1"));
    }

    /// Rows from sparse cells: by position, a later cell at one position replacing an earlier
    /// one, from the first used column; cells as far apart as 32-bit positions go (an XLSB)
    /// refused as wider than a sheet, not wrapped.
    #[test]
    fn rows_of_sparse_cells() {
        let text = |s: &str| Data::String(s.to_owned());
        let cells = vec![((4, 3), text("b")), ((1, 2), text("x")), ((4, 2), text("a")), ((1, 2), text("y"))];
        let mut rows = Vec::new();
        rows_of(cells, &mut |line, row| {
            rows.push((line, row.to_vec()));
            Ok(())
        })
        .unwrap();
        assert_eq!(rows, [(2, vec![text("y"), Data::Empty]), (5, vec![text("a"), text("b")])]);
        for far in [u32::MAX, MAX_COLUMNS] {
            let wide = rows_of(vec![((0, 0), text("a")), ((0, far), text("b"))], &mut |_, _| Ok(()));
            assert!(matches!(wide, Err(ImportError::Format(_))), "{far}");
        }
    }

    #[test]
    fn attributes_as_calamine_reads_them() {
        let pairs: Vec<_> = attributes(br#" r="A1" s = '3' t="n" broken"#).collect();
        assert_eq!(pairs, [(&b"r"[..], &b"A1"[..]), (b"s", b"3"), (b"t", b"n")]);
        let pairs: Vec<_> = attributes(br#"r=A1 x="2""#).collect();
        assert!(pairs.is_empty(), "{pairs:?}");
    }

    /// What calamine's XML reader gives of `xml` (with calamine's settings): the value of every
    /// `r` of a `c` or `row` start tag and `ref` of a `dimension`, up to the first error.
    fn references_by_xml_reader(xml: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut reader = quick_xml::Reader::from_reader(xml);
        let config = reader.config_mut();
        config.check_end_names = false;
        config.trim_text(false);
        config.check_comments = false;
        config.expand_empty_elements = true;
        let mut out = Vec::new();
        let mut buf = Vec::new();
        while let Ok(event) = reader.read_event_into(&mut buf) {
            match event {
                quick_xml::events::Event::Start(e) => {
                    let name = e.local_name().as_ref().to_owned();
                    let key: &[u8] = if name == "dimension" { b"ref" } else { b"r" };
                    for (k, v) in attributes(e.attributes_raw().as_bytes()) {
                        if k == key && ["c", "row", "dimension"].contains(&name.as_str()) {
                            out.push((name.clone(), v.to_owned()));
                        }
                    }
                }
                quick_xml::events::Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        out
    }

    /// A sheet of `rows` rows of two cells, the reference `bad` put as the cell reference of
    /// row `at`.
    fn sheet(rows: usize, at: usize, bad: &str) -> String {
        let mut xml = String::from(r#"<worksheet><x:sheetData xmlns:x="s">"#);
        for r in 1..=rows {
            let b = if r == at { bad.to_owned() } else { format!("B{r}") };
            let _ = write!(xml, r#"<x:row r="{r}"><c r="A{r}" t='s'><v>1</v></c><c s="1" r="{b}"/></x:row>"#);
        }
        xml + "</x:sheetData></worksheet>"
    }

    proptest! {
        // Each case scans three sheets of 2 500 rows.
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// A reference beyond the grid is found wherever it lies in a sheet read in pieces: in
        /// a tag cut between two pieces (at any byte of it, the name included), and in any row
        /// of a part longer than one piece; a sheet without one passes.
        #[test]
        fn a_bad_reference_is_found_in_any_piece(
            at in 1usize..600,
            cut in 1usize..12,
            bad in "[A-Z]{4,8}[0-9]{1,3}|A[0-9]{8,12}",
        ) {
            let xml = sheet(2_500, at, &bad);
            prop_assert!(xml.len() > 1 << 17);
            // Blanks after the root's tag put the first piece's end `cut` bytes into the tag.
            let tag = xml.find(&format!(r#"<c s="1" r="{bad}"/>"#)).unwrap_or(0);
            let pad = (1usize << 16).saturating_sub(tag + cut);
            let xml = xml.replacen("<worksheet>", &format!("<worksheet>{}", " ".repeat(pad)), 1);
            prop_assert_eq!(check_part(xml.as_bytes()), Err(bad.clone()));
            let far = sheet(2_500, 1_900 + at, &bad);
            prop_assert_eq!(check_part(far.as_bytes()), Err(bad));
            prop_assert_eq!(check_part(sheet(2_500, 0, "").as_bytes()), Ok(()));
        }
    }

    proptest! {

        /// On text made of tag pieces (comments, quotes holding `>`, prefixes, damaged tags),
        /// every reference beyond the grid that the XML reader gives calamine is found by the
        /// byte scan too: the scan checks a superset of what calamine reads.
        #[test]
        fn the_scan_sees_every_reference_calamine_reads(
            pieces in prop::collection::vec(prop::sample::select(vec![
                "<c r=\"A1\">", "<c r=\"ABCDE1\">", "<c  r = 'ZZZZZ9'/>", "<row r=\"99999999\">",
                "<x:c r=\"QQQQQ1\" s=\">\">", "<c s=\">\" r=\"ABCDE2\">", "<dimension ref=\"C3:A1\"/>", "<dimension ref=\"A1:B2\">",
                "<!-- ", " -->", "<![CDATA[", "]]>", "</c>", "</row>", "<v>", "</v>", "\"", "'", ">", "<",
                "<cc r=\"ABCDE1\">", "text", " ", "<c\tr=\"A1\"\tt=\"n\">",
            ]), 1..10),
        ) {
            let xml = pieces.concat();
            let beyond = references_by_xml_reader(xml.as_bytes()).into_iter().find(|(name, value)| {
                if name == "dimension" { !dimension_in_limits(value) } else { reference(value) == Reference::Beyond }
            });
            if beyond.is_some() {
                prop_assert!(check_tags(xml.as_bytes(), true).is_err(), "{:?} in {}", beyond, xml);
            }
        }

        /// Every reference of letters and digits is either refused as beyond the limits or
        /// read to the column and row calamine computes (base 26 from A = 1, base 10), which
        /// then fit Excel's grid: nothing that could overflow is let through.
        #[test]
        fn references_let_through_fit_the_grid(letters in "[A-Za-z]{0,9}", digits in "[0-9]{0,12}") {
            let text = format!("{letters}{digits}");
            match reference(text.as_bytes()) {
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
