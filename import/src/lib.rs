//! Readers of the files municipalities actually have (SPEC §11): payment orders, cards and
//! CIEonline counts as CSV (any of UTF-8, UTF-16 with BOM, Windows-1252; `;`, `,` or tab) or as
//! spreadsheets (XLSX, XLS, ODS). Pure: bytes in, typed rows and findings out; the CLI and the
//! bindings read the files.
//!
//! Nothing is misread or dropped silently: every row that cannot be read, every duplicate and
//! every date after `now` is a [`Finding`] with its physical line (or spreadsheet row), in
//! Italian and English. Values are read by the core's rules: amounts per column (§1.2a), dates
//! day first (§2.3a).

use std::collections::{BTreeMap, HashMap};

use cie_pagamenti::calendar::{parse_exported_date, CalendarError};
use cie_pagamenti::money::{column_style, read_exported_amount, ExportedAmountError};
use cie_pagamenti::orders::{declared_period, normalize_number, OrderError, OrderId, PaymentOrder};
use cie_pagamenti::pricing::{check_parsed_causale, parse_causale, ParsedCausale};
use cie_pagamenti::{CieError, ErrorCode, FieldValue, Lang, Moment, Quarter};
use serde::Serialize;

mod cards;
mod columns;
mod json;
pub mod opi;
#[cfg(feature = "parquet")]
mod parquet;
mod records;
mod sheet;
mod table;

pub use cards::{read_cards, tally_card_bytes, tally_cards, CardTally};
pub use columns::{fold_header, Column, Kind};
pub use json::read_export_json;
pub use opi::{
    apply_cash_journal, is_xml, read_opi_cash_journal, read_opi_orders, read_opi_orders_from, CashMovement,
    CashOperation,
};
pub use table::Source;
use table::Table;

/// How much a finding weighs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row is not read (or, for a duplicate, not counted again).
    Error,
    /// Read, with something to check.
    Warning,
}

/// A row-level finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Physical line of the file (CSV), or row of the sheet (spreadsheets), 1-based.
    pub line: u64,
    /// The column concerned (canonical name), when one is.
    pub column: Option<&'static str>,
    /// The stable code.
    pub code: ErrorCode,
    /// Error or warning.
    pub severity: Severity,
    /// Italian message.
    pub message_it: String,
    /// English message.
    pub message_en: String,
    /// Structured fields (e.g. `first_line` of a duplicate).
    pub fields: BTreeMap<&'static str, FieldValue>,
}

impl Finding {
    fn of(line: u64, column: Option<&'static str>, e: &dyn CieError, severity: Severity) -> Finding {
        Finding {
            line,
            column,
            code: e.code(),
            severity,
            message_it: e.message(Lang::It),
            message_en: e.message(Lang::En),
            fields: e.fields().into_iter().collect(),
        }
    }

    fn coded(line: u64, column: Option<&'static str>, code: ErrorCode, detail: Option<(String, String)>) -> Finding {
        let (it, en) = match detail {
            Some((it, en)) => (format!("{} ({it})", code.message_it()), format!("{} ({en})", code.message_en())),
            None => (code.message_it().to_owned(), code.message_en().to_owned()),
        };
        Finding {
            line,
            column,
            code,
            severity: Severity::Error,
            message_it: it,
            message_en: en,
            fields: BTreeMap::new(),
        }
    }

    fn duplicate(line: u64, column: Option<&'static str>, code: ErrorCode, first: u64) -> Finding {
        let mut f = Finding::coded(
            line,
            column,
            code,
            Some((format!("già alla riga {first}"), format!("already on line {first}"))),
        );
        f.fields.insert("first_line", FieldValue::Int(i64::try_from(first).unwrap_or(i64::MAX)));
        f
    }

    /// The message in a language.
    pub fn message(&self, lang: Lang) -> &str {
        lang.pick(&self.message_it, &self.message_en)
    }
}

/// A value read from a row, with the row's line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Located<T> {
    /// Physical line (CSV) or sheet row.
    pub line: u64,
    /// The value.
    #[serde(flatten)]
    pub value: T,
}

/// What a reader returns: the rows it could read, every finding, and how the file was read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Imported<T> {
    /// Rows read, in file order (without the rows refused or left out as duplicates).
    pub rows: Vec<Located<T>>,
    /// Every finding, in line order.
    pub findings: Vec<Finding>,
    /// How the file was read.
    pub source: Source,
}

impl<T> Imported<T> {
    /// True when a finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// Reading options.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Dates after this moment's Rome civil date are findings (`ORDER_DATE_FUTURE`,
    /// `CARD_DATE_FUTURE`).
    pub now: Option<Moment>,
    /// The sheet of a spreadsheet (default: the first).
    pub sheet: Option<String>,
    /// The municipality whose files these are: a causale naming another is a warning.
    pub municipality: Option<String>,
}

/// Why a file cannot be read at all.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    /// No header row, or nothing at all.
    #[error("empty file")]
    Empty,
    /// Required columns are missing: each with the names accepted for it.
    #[error("columns missing: {0:?}")]
    ColumnsMissing(Vec<(&'static str, Vec<&'static str>)>),
    /// A spreadsheet that cannot be opened, or a sheet that is not there.
    #[error("{0}")]
    Format(String),
    /// The source stopped giving bytes (an I/O error of the reader).
    #[error("{0}")]
    Read(String),
    /// A kind of export that is not `orders`, `cards` or `cieonline`.
    #[error("unknown kind {0:?}: orders, cards or cieonline")]
    Kind(String),
}

/// A file that cannot be read as its format says, with the reader's reason.
pub(crate) fn format_error(reason: impl std::fmt::Display) -> ImportError {
    ImportError::Format(reason.to_string())
}

impl CieError for ImportError {
    fn code(&self) -> ErrorCode {
        match self {
            ImportError::Empty => ErrorCode::FileEmpty,
            ImportError::ColumnsMissing(_) => ErrorCode::ColumnMissing,
            ImportError::Format(_) => ErrorCode::FileFormat,
            ImportError::Read(_) => ErrorCode::FileRead,
            ImportError::Kind(_) => ErrorCode::InputFormat,
        }
    }

    fn detail(&self, lang: Lang) -> Option<String> {
        match self {
            ImportError::Empty => None,
            ImportError::ColumnsMissing(missing) => Some(
                missing
                    .iter()
                    .map(|(name, accepted)| {
                        format!(
                            "{name}: {} {}",
                            lang.pick("intestazioni accettate", "accepted headers"),
                            accepted.join(", ")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ImportError::Format(text) | ImportError::Read(text) => Some(text.clone()),
            ImportError::Kind(kind) => Some(format!("{kind:?}: orders, cards, cieonline")),
        }
    }

    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        match self {
            ImportError::ColumnsMissing(missing) => {
                vec![("columns", FieldValue::Text(missing.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(",")))]
            }
            _ => Vec::new(),
        }
    }
}

/// A card as read: its signing moment and its id when the file has one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CardRow {
    /// Signing moment.
    pub signed_at: Moment,
    /// The card's id, when given.
    pub card_id: Option<String>,
    /// The municipality (ISTAT code or name), in a file of many.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
}

/// A CIEonline count as read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CountRow {
    /// The quarter.
    pub quarter: Quarter,
    /// Cards counted.
    pub cards: u64,
    /// The municipality (ISTAT code or name), in a file of many.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
}

/// An order as read, with its causale when the file has one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrderRow {
    /// The order.
    #[serde(flatten)]
    pub order: PaymentOrder,
    /// The causale, as written.
    pub causale: Option<String>,
    /// The municipality (ISTAT code or name), in a file of many.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
}

fn today(options: &Options) -> Option<chrono::NaiveDate> {
    options.now.and_then(|m| m.rome_date().ok())
}

/// Reads payment orders (an OPI XML file is read by [`read_opi_orders`]): number, date,
/// amount, optional declared period (`dal`/`al`) and
/// causale. A period missing from its columns is taken from the causale (§1.6) when it states
/// one. Rows identical to an earlier one, and a second row with the same identity (year and
/// number) but other data, are findings and are left out.
pub fn read_orders(bytes: &[u8], options: &Options) -> Result<Imported<OrderRow>, ImportError> {
    if opi::is_xml(bytes) {
        return read_opi_orders(bytes, options);
    }
    let table = Table::read(bytes, Kind::Orders, options.sheet.as_deref())?;
    let style = column_style(table.rows.iter().filter_map(|r| r.cells[2].as_deref()));
    let today = today(options);
    let mut out = Vec::new();
    let mut findings = Vec::new();
    let mut seen_rows: HashMap<Vec<Option<String>>, u64> = HashMap::new();
    let mut seen_ids: HashMap<(Option<String>, OrderId), u64> = HashMap::new();
    for row in &table.rows {
        let line = row.line;
        let cell = |i: usize| row.cells[i].as_deref().map(str::trim).filter(|s| !s.is_empty());
        let before = findings.len();
        let mut error = |column: &'static str, e: &dyn CieError| {
            findings.push(Finding::of(line, Some(column), e, Severity::Error));
        };
        let number = normalize_number(cell(0).unwrap_or_default()).map_err(|e| error("number", &e)).ok();
        let date = match cell(1) {
            None => {
                error("date", &CalendarError::DateFormat);
                None
            }
            Some(t) => parse_exported_date(t).map_err(|e| error("date", &e)).ok(),
        };
        let amount = match cell(2) {
            None => {
                error("amount", &cie_pagamenti::money::AmountError::Format);
                None
            }
            Some(t) => match read_exported_amount(t, style) {
                Ok(a) => Some(a),
                Err(ExportedAmountError::Value(e)) => {
                    error("amount", &e);
                    None
                }
                Err(ExportedAmountError::Mixed) => {
                    findings.push(Finding::coded(line, Some("amount"), ErrorCode::AmountColumnMixed, None));
                    None
                }
                Err(ExportedAmountError::Ambiguous) => {
                    findings.push(Finding::coded(line, Some("amount"), ErrorCode::AmountAmbiguous, None));
                    None
                }
            },
        };
        let mut end = |i: usize, column: &'static str| match cell(i) {
            None => Ok(None),
            Some(t) => parse_exported_date(t).map(Some).map_err(|e| {
                findings.push(Finding::of(line, Some(column), &e, Severity::Error));
            }),
        };
        let (from, to) = (end(3, "period_from"), end(4, "period_to"));
        let causale = cell(5).map(str::to_owned);
        let parsed = causale.as_deref().map(parse_causale);
        let period = match (from, to) {
            (Ok(None), Ok(None)) => Ok(parsed.as_ref().and_then(|c| c.period)),
            (Ok(from), Ok(to)) => declared_period(from, to).map_err(|e| {
                findings.push(Finding::of(line, Some("period_from"), &e, Severity::Error));
            }),
            _ => Err(()),
        };
        if findings.len() > before {
            continue;
        }
        let (Some(number), Some(date), Some(amount), Ok(period)) = (number, date, amount, period) else { continue };
        if today.is_some_and(|t| date > t) {
            findings.push(Finding::of(line, Some("date"), &OrderError::DateFuture, Severity::Error));
            continue;
        }
        let order = match PaymentOrder::new(&number, date, amount, period) {
            Ok(o) => o,
            Err(e) => {
                let column = match e {
                    OrderError::PeriodInvalid | OrderError::PeriodHalf => "period_from",
                    OrderError::NumberInvalid => "number",
                    _ => "amount",
                };
                findings.push(Finding::of(line, Some(column), &e, Severity::Error));
                continue;
            }
        };
        if let Some(first) = seen_rows.get(&row.cells) {
            findings.push(Finding::duplicate(line, None, ErrorCode::RowDuplicate, *first));
            continue;
        }
        seen_rows.insert(row.cells.clone(), line);
        let municipality = cell(6).map(str::to_owned);
        // The same number in two municipalities is two orders.
        let key = (municipality.clone(), order.identity());
        if let Some(first) = seen_ids.get(&key) {
            findings.push(Finding::duplicate(line, Some("number"), ErrorCode::OrderIdentityDuplicate, *first));
            continue;
        }
        seen_ids.insert(key, line);
        causale_warnings(line, &order, parsed.as_ref(), options, &mut findings);
        out.push(Located { line, value: OrderRow { order, causale, municipality } });
    }
    findings.sort_by_key(|f| f.line);
    Ok(Imported { rows: out, findings, source: table.source })
}

/// The causale of an order checked against it (§1.6): each mismatch a warning of its line.
pub(crate) fn causale_warnings(
    line: u64,
    order: &PaymentOrder,
    causale: Option<&ParsedCausale>,
    options: &Options,
    findings: &mut Vec<Finding>,
) {
    let Some(parsed) = causale else { return };
    let schedule = cie_pagamenti::PriceSchedule::builtin();
    for m in check_parsed_causale(parsed, order, options.municipality.as_deref(), &schedule) {
        findings.push(Finding::of(line, Some("causale"), &m, Severity::Warning));
    }
}

/// Reads CIEonline counts: quarter and cards. A second count for a quarter is a finding and is
/// left out (the first stands; neither is silently replaced).
pub fn read_cieonline(bytes: &[u8], options: &Options) -> Result<Imported<CountRow>, ImportError> {
    let table = Table::read(bytes, Kind::Cieonline, options.sheet.as_deref())?;
    let mut out = Vec::new();
    let mut findings = Vec::new();
    let mut seen: HashMap<(Option<String>, Quarter), u64> = HashMap::new();
    for row in &table.rows {
        let line = row.line;
        let quarter = Quarter::parse(row.cells[0].as_deref().unwrap_or_default().trim());
        let count = row.cells[1].as_deref().map(str::trim).unwrap_or_default();
        let cards = (!count.is_empty() && count.bytes().all(|b| b.is_ascii_digit()))
            .then(|| count.parse::<u64>().ok())
            .flatten();
        match (quarter, cards) {
            (Err(e), _) => findings.push(Finding::of(line, Some("quarter"), &e, Severity::Error)),
            (_, None) => findings.push(Finding::coded(line, Some("cards"), ErrorCode::CountFormat, None)),
            (Ok(quarter), Some(cards)) => {
                let municipality = row.cells[2].as_deref().map(str::trim).filter(|m| !m.is_empty()).map(str::to_owned);
                let key = (municipality.clone(), quarter);
                if let Some(first) = seen.get(&key) {
                    findings.push(Finding::duplicate(line, Some("quarter"), ErrorCode::CieonlineDuplicate, *first));
                } else {
                    seen.insert(key, line);
                    out.push(Located { line, value: CountRow { quarter, cards, municipality } });
                }
            }
        }
    }
    findings.sort_by_key(|f| f.line);
    Ok(Imported { rows: out, findings, source: table.source })
}

#[cfg(test)]
mod tests;
