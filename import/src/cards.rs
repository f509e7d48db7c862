//! Card files: every row read by one set of rules, either kept ([`read_cards`]: the rows, for
//! bindings that want them) or streamed into per-day counts ([`tally_cards`]: what the
//! allocation reads, in memory that grows with the days and the findings, not with the file).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hasher;
use std::io::{Cursor, Read, Seek, SeekFrom};

use cie_pagamenti::allocation::CardCounts;
use cie_pagamenti::calendar::{day_number, rome_day_of_epoch, rome_midnight_of_day, DayNumber, ExportedMoments};
use cie_pagamenti::{ErrorCode, Moment};

use crate::columns::{map_headers, Kind};
use crate::records::Records;
use crate::table::{is_tabular_binary, sniff_delimiter, Source, Table};
use crate::{CardRow, Finding, ImportError, Imported, Located, Options, Severity};

/// Bytes looked at to decide the encoding and the delimiter of a streamed file.
const HEAD: usize = 64 * 1024;

/// Card moments counted per day before they are added to the tally.
const BATCH: usize = 64 * 1024;

/// The rules of one card row: the moment (§2.3a) and not after `now`.
struct CardRule {
    moments: ExportedMoments,
    /// The first second of the day after `now`'s Rome date: a card signed from then on is in
    /// the future.
    limit: Option<i64>,
}

impl CardRule {
    fn new(options: &Options) -> CardRule {
        let limit = options
            .now
            .and_then(|m| m.rome_date().ok())
            .map(|today| rome_midnight_of_day(day_number(today).saturating_add(1)));
        CardRule { moments: ExportedMoments::default(), limit }
    }

    fn read(&mut self, line: u64, text: Option<&[u8]>) -> Result<Moment, Finding> {
        // A moment is ASCII: any other byte is a format error, whatever the encoding.
        let text = text.and_then(|t| std::str::from_utf8(t).ok()).unwrap_or("\u{fffd}");
        let moment = self.moments.read(text).map_err(|e| Finding::of(line, Some("signed_at"), &e, Severity::Error))?;
        if self.limit.is_some_and(|limit| moment.epoch() >= limit) {
            return Err(Finding::coded(line, Some("signed_at"), ErrorCode::CardDateFuture, None));
        }
        Ok(moment)
    }
}

/// A card id as written, trimmed; `None` when blank.
fn id_bytes(cell: Option<&[u8]>) -> Option<&[u8]> {
    cell.map(<[u8]>::trim_ascii).filter(|c| !c.is_empty())
}

/// The text of an id in the file's encoding.
fn id_text(bytes: &[u8], windows_1252: bool) -> String {
    if windows_1252 {
        encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// How a streamed CSV is read: from the byte after its BOM, in UTF-8 or Windows-1252.
#[derive(Clone, Copy)]
struct Layout {
    skip: u64,
    windows_1252: bool,
    delimiter: u8,
}

impl Layout {
    /// Decided from the first bytes of a file without a UTF-16 BOM: a UTF-8 BOM, or text that is
    /// valid UTF-8 (but for a character cut at the end), is UTF-8; anything else Windows-1252.
    fn of(head: &[u8], whole: bool) -> Layout {
        let skip = if head.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        let body = &head[skip..];
        let utf8 = match std::str::from_utf8(body) {
            Ok(_) => true,
            Err(e) => !whole && e.error_len().is_none(),
        };
        let text = if utf8 {
            String::from_utf8_lossy(body)
        } else {
            encoding_rs::WINDOWS_1252.decode_without_bom_handling(body).0
        };
        Layout { skip: skip as u64, windows_1252: !utf8 && skip == 0, delimiter: sniff_delimiter(&text) }
    }

    fn source(self) -> Source {
        Source {
            format: "csv",
            encoding: Some(if self.windows_1252 { "windows-1252" } else { "UTF-8" }),
            delimiter: Some(char::from(self.delimiter)),
            sheet: None,
        }
    }

    /// Visits every data row of a card CSV: its line, the moment's, the id's and the
    /// municipality's cells.
    fn scan<R: Read>(
        self,
        reader: R,
        mut visit: impl FnMut(u64, Option<&[u8]>, Option<&[u8]>, Option<&[u8]>),
    ) -> Result<(), ImportError> {
        let mut records = Records::new(reader, self.delimiter);
        let io = |e: std::io::Error| ImportError::Read(e.to_string());
        let header = loop {
            match records.next_record().map_err(io)? {
                None => return Err(ImportError::Empty),
                Some(_) if records.is_blank() => {}
                Some(_) => {
                    break (0..records.len())
                        .map(|i| id_text(records.field(i).unwrap_or_default(), self.windows_1252))
                        .collect::<Vec<_>>()
                }
            }
        };
        let indices = map_headers(Kind::Cards, &header)?;
        let (moment, id, municipality) = (indices[0], indices[1], indices[2]);
        while let Some(line) = records.next_record().map_err(io)? {
            let cell = |i: Option<usize>| i.and_then(|i| records.field(i));
            let (m, c) = (cell(moment), cell(id));
            if m.is_none_or(|m| m.trim_ascii().is_empty()) && records.is_blank() {
                continue;
            }
            visit(line, m, c, cell(municipality));
        }
        Ok(())
    }
}

/// Reads cards: the signing moment (§2.3a, Rome local when naive) and an optional id. The same
/// id twice, and a card signed after `now`, are findings and are left out.
pub fn read_cards(bytes: &[u8], options: &Options) -> Result<Imported<CardRow>, ImportError> {
    let mut rule = CardRule::new(options);
    let mut rows = Vec::new();
    let mut findings = Vec::new();
    let mut row = |line: u64, moment: Option<&[u8]>, id: Option<String>, municipality: Option<String>| match rule
        .read(line, moment)
    {
        Ok(signed_at) => rows.push(Located { line, value: CardRow { signed_at, card_id: id, municipality } }),
        Err(f) => findings.push(f),
    };
    let source = if is_tabular_binary(bytes)
        || encoding_rs::Encoding::for_bom(bytes).is_some_and(|(e, _)| e != encoding_rs::UTF_8)
    {
        // One row at a time: a national file's millions of rows are not held as text.
        Table::visit(bytes, Kind::Cards, options.sheet.as_deref(), |mut r| {
            let (id, municipality) = (r.cells[1].take().map(trimmed), r.cells[2].take().map(trimmed));
            row(r.line, r.cells[0].as_deref().map(str::as_bytes), id, municipality);
        })?
    } else {
        let layout = Layout::of(bytes, true);
        layout.scan(&bytes[layout.skip as usize..], |line, moment, id, municipality| {
            let text = |c: Option<&[u8]>| id_bytes(c).map(|c| id_text(c, layout.windows_1252));
            row(line, moment, text(id), text(municipality));
        })?;
        layout.source()
    };
    // The same id again, among the rows read: a finding, and the row is left out.
    let mut first: HashMap<&str, u64, rustc_hash::FxBuildHasher> =
        HashMap::with_capacity_and_hasher(rows.len(), rustc_hash::FxBuildHasher);
    let mut repeated = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if let Some(id) = r.value.card_id.as_deref() {
            match first.get(id) {
                Some(&earlier) => repeated.push((i, earlier)),
                None => {
                    first.insert(id, r.line);
                }
            }
        }
    }
    drop(first);
    for &(i, earlier) in &repeated {
        findings.push(Finding::duplicate(rows[i].line, Some("card_id"), ErrorCode::CardDuplicate, earlier));
    }
    let mut next = repeated.iter().map(|&(i, _)| i).peekable();
    let mut index = 0;
    rows.retain(|_| {
        let keep = next.next_if_eq(&index).is_none();
        index += 1;
        keep
    });
    findings.sort_by_key(|f| f.line);
    Ok(Imported { rows, findings, source })
}

/// A cell's text without its surrounding blanks (the cell itself when it has none).
fn trimmed(text: String) -> String {
    let inner = text.trim();
    if inner.len() == text.len() {
        text
    } else {
        inner.to_owned()
    }
}

/// A card file counted per Rome civil day: what the allocation and the reconciliation read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardTally {
    /// Cards per day, without the rows refused or left out as duplicates.
    pub counts: CardCounts,
    /// Every finding, in line order (the same as [`read_cards`] gives for the same file).
    pub findings: Vec<Finding>,
    /// How the file was read.
    pub source: Source,
}

impl CardTally {
    /// True when a finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// The tally of a card file read as a stream: the same rows, rules and findings as
/// [`read_cards`], but only the per-day counts are kept. Memory grows with the days, the
/// findings and, when the file has card ids, 8 bytes per id (the duplicate check); a file whose
/// ids repeat is read a second time to name the duplicates exactly. Spreadsheets and UTF-16
/// files are read whole.
pub fn tally_cards<R: Read + Seek>(mut reader: R, options: &Options) -> Result<CardTally, ImportError> {
    let io = |e: std::io::Error| ImportError::Read(e.to_string());
    let mut head = Vec::with_capacity(HEAD);
    (&mut reader).take(HEAD as u64).read_to_end(&mut head).map_err(io)?;
    let whole = head.len() < HEAD;
    if is_tabular_binary(&head) || encoding_rs::Encoding::for_bom(&head).is_some_and(|(e, _)| e != encoding_rs::UTF_8) {
        reader.read_to_end(&mut head).map_err(io)?;
        let read = read_cards(&head, options)?;
        let counts = counts_of(read.rows.iter().map(|r| r.value.signed_at.epoch()))?;
        return Ok(CardTally { counts, findings: read.findings, source: read.source });
    }
    let layout = Layout::of(&head, whole);
    drop(head);
    let rewind = |reader: &mut R| reader.seek(SeekFrom::Start(layout.skip)).map_err(io);
    rewind(&mut reader)?;
    let mut rule = CardRule::new(options);
    let mut findings = Vec::new();
    let mut days: BTreeMap<DayNumber, u64> = BTreeMap::new();
    let mut batch: Vec<i64> = Vec::with_capacity(BATCH);
    let mut hashes: Vec<u64> = Vec::new();
    let mut failure = None;
    let flush = |batch: &mut Vec<i64>, days: &mut BTreeMap<DayNumber, u64>| {
        // Every moment was read by the calendar: counting cannot refuse one.
        if let Ok(counts) = CardCounts::of(batch) {
            for &(day, n) in counts.days() {
                *days.entry(day).or_insert(0) += n;
            }
        }
        batch.clear();
    };
    layout.scan(&mut reader, |line, moment, id, _| match rule.read(line, moment) {
        Err(f) => findings.push(f),
        Ok(m) => {
            if let Some(id) = id_bytes(id) {
                hashes.push(hash(id));
            }
            batch.push(m.epoch());
            if batch.len() == BATCH {
                flush(&mut batch, &mut days);
            }
        }
    })?;
    flush(&mut batch, &mut days);
    // Ids whose hash repeats: read again to find which repeat exactly, and on which lines.
    hashes.sort_unstable();
    let repeated: HashSet<u64> = hashes.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]).collect();
    drop(hashes);
    if !repeated.is_empty() {
        rewind(&mut reader)?;
        let mut rule = CardRule::new(options);
        let mut first: HashMap<Vec<u8>, u64> = HashMap::new();
        layout.scan(&mut reader, |line, moment, id, _| {
            let Some(id) = id_bytes(id).filter(|id| repeated.contains(&hash(id))) else { return };
            let Ok(m) = rule.read(line, moment) else { return };
            match first.get(id) {
                None => {
                    first.insert(id.to_vec(), line);
                }
                Some(&earlier) => {
                    findings.push(Finding::duplicate(line, Some("card_id"), ErrorCode::CardDuplicate, earlier));
                    match rome_day_of_epoch(m.epoch()) {
                        Ok(day) => {
                            if let Some(n) = days.get_mut(&day) {
                                *n = n.saturating_sub(1);
                            }
                        }
                        Err(e) => failure = Some(e),
                    }
                }
            }
        })?;
    }
    if let Some(e) = failure {
        return Err(crate::format_error(e));
    }
    findings.sort_by_key(|f| f.line);
    Ok(CardTally { counts: CardCounts::from_days(days), findings, source: layout.source() })
}

/// The tally of a card file held in memory (see [`tally_cards`]).
pub fn tally_card_bytes(bytes: &[u8], options: &Options) -> Result<CardTally, ImportError> {
    tally_cards(Cursor::new(bytes), options)
}

fn counts_of(epochs: impl Iterator<Item = i64>) -> Result<CardCounts, ImportError> {
    let epochs: Vec<i64> = epochs.collect();
    CardCounts::of(&epochs).map_err(crate::format_error)
}

fn hash(id: &[u8]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(id);
    h.finish()
}
