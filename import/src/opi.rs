//! OPI (SIOPE+) files, streamed with `quick-xml` (SPEC §11, `OPI.md`): the payment orders of
//! `flusso_ordinativi` that pay the State for CIE, and the treasurer's `flusso_giornale_di_cassa`
//! that says which were executed or reversed. Element names are matched by local name, so the
//! versions in use (1.4 to 1.8), namespaces and an enveloping XML signature read the same; the
//! signature itself is not verified.

use std::collections::BTreeMap;

use cie_pagamenti::calendar::parse_iso_date;
use cie_pagamenti::orders::{normalize_number, OrderId, PaymentOrder};
use cie_pagamenti::pricing::{parse_causale, ParsedCausale, TREASURY_IBAN};
use cie_pagamenti::{Amount, ErrorCode};
use quick_xml::events::Event;
use quick_xml::Reader;
use serde::Serialize;

use crate::table::{decode, LineCounter, Source};
use crate::{Finding, ImportError, Imported, Located, Options, OrderRow, Severity};

/// What the treasurer did with an order, per the cash journal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CashOperation {
    /// `ESEGUITO`: paid.
    Executed,
    /// `STORNATO`: reversed, nothing paid.
    Reversed,
    /// `REGOLARIZZATO`: a provisional payment regularised.
    Regularised,
    /// `RIPRISTINATO`: a reversal undone.
    Restored,
}

/// One payment movement of the cash journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CashMovement {
    /// The order (financial year of the journal, document number).
    pub order: OrderId,
    /// What happened.
    pub operation: CashOperation,
    /// The amount moved.
    pub amount: Option<Amount>,
}

/// The leaf values of one element being read, by local name (the first of each name).
#[derive(Default)]
struct Record {
    line: u64,
    values: BTreeMap<String, String>,
    beneficiaries: Vec<BTreeMap<String, String>>,
}

/// Streams the file, calling `on_end` with each element named in `records` when it ends (its
/// leaf values collected, and for `mandato` its beneficiaries), and `top` with leaves outside.
fn stream(
    bytes: &[u8],
    record: &str,
    mut on_end: impl FnMut(Record),
    mut top: impl FnMut(&str, &str),
) -> Result<(), ImportError> {
    let (text, _) = decode(bytes);
    let mut reader = Reader::from_str(&text);
    let mut lines = LineCounter::new(text.as_bytes());
    let mut path: Vec<String> = Vec::new();
    let mut current: Option<Record> = None;
    let mut beneficiary: Option<BTreeMap<String, String>> = None;
    let mut leaf = String::new();
    loop {
        let at = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| ImportError::Format(format!("XML (riga {}): {e}", lines.at(reader.error_position()))))?;
        match event {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_owned();
                if name == record {
                    current = Some(Record { line: lines.at(at), ..Record::default() });
                } else if name == "informazioni_beneficiario" && current.is_some() {
                    beneficiary = Some(BTreeMap::new());
                }
                path.push(name);
                leaf.clear();
            }
            Event::Text(t) => leaf.push_str(&t.xml10_content()),
            Event::CData(t) => leaf.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let entity = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match r.xml10_content().as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                leaf.extend(entity);
            }
            Event::End(_) => {
                let Some(name) = path.pop() else { continue };
                if path.iter().any(|p| p == "Signature") {
                    leaf.clear();
                    continue;
                }
                let value = leaf.trim().to_owned();
                leaf.clear();
                if name == record {
                    if let Some(r) = current.take() {
                        on_end(r);
                    }
                } else if name == "informazioni_beneficiario" {
                    if let (Some(r), Some(b)) = (current.as_mut(), beneficiary.take()) {
                        r.beneficiaries.push(b);
                    }
                } else if let Some(b) = beneficiary.as_mut() {
                    b.entry(name).or_insert(value);
                } else if let Some(r) = current.as_mut() {
                    r.values.entry(name).or_insert(value);
                } else if !value.is_empty() {
                    top(&name, &value);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if path.is_empty() {
        Ok(())
    } else {
        Err(ImportError::Format(format!("XML incompleto: elemento <{}> non chiuso", path.join("/"))))
    }
}

/// True when the bytes are an XML document (after a BOM and blanks).
pub(crate) fn is_xml(bytes: &[u8]) -> bool {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    start.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

fn normalized_iban(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase()
}

/// A beneficiary paying the State for CIE: the Treasury IBAN of §1.6, or a CIE causale.
fn is_cie(b: &BTreeMap<String, String>) -> bool {
    b.get("iban").is_some_and(|i| normalized_iban(i) == TREASURY_IBAN)
        || b.get("causale").is_some_and(|c| ParsedCausale::is_cie(c))
}

/// The sum of the CIE beneficiaries' `importo_beneficiario` (machine text), or `None` with a
/// finding for each that cannot be read.
fn cie_share(line: u64, cie: &[&BTreeMap<String, String>], findings: &mut Vec<Finding>) -> Option<Amount> {
    let mut amount = Some(Amount::ZERO);
    for b in cie {
        match Amount::parse_machine(b.get("importo_beneficiario").map_or("", String::as_str)) {
            Ok(a) => amount = amount.map(|t| t.saturating_add(a)),
            Err(e) => {
                findings.push(Finding::of(line, Some("amount"), &e, Severity::Error));
                amount = None;
            }
        }
    }
    amount
}

fn coded(line: u64, column: &'static str, code: ErrorCode, it: String, en: String) -> Finding {
    Finding::coded(line, Some(column), code, Some((it, en)))
}

/// Reads the CIE payment orders of an OPI `flusso_ordinativi`: for each `mandato`, the CIE
/// beneficiaries' `importo_beneficiario` (the other beneficiaries are not the State's), the
/// causale's period; `VARIAZIONE`/`SOSTITUZIONE` replace and `ANNULLO` removes an earlier order
/// of the same year and number. Orders with no CIE beneficiary are not read (they are not
/// findings: an OPI file holds every payment of the municipality).
pub fn read_opi_orders(bytes: &[u8], options: &Options) -> Result<Imported<OrderRow>, ImportError> {
    let mut year: Option<i32> = None;
    let mut records = Vec::new();
    stream(
        bytes,
        "mandato",
        |r| records.push(r),
        |name, value| {
            if name == "esercizio" {
                year = value.parse().ok();
            }
        },
    )?;
    let mut findings = Vec::new();
    let mut orders: BTreeMap<OrderId, Located<OrderRow>> = BTreeMap::new();
    let today = options.now.and_then(|m| m.rome_date().ok());
    for r in records {
        let line = r.line;
        let operation = r.values.get("tipo_operazione").map_or("INSERIMENTO", String::as_str).to_uppercase();
        let number = match normalize_number(r.values.get("numero_mandato").map_or("", String::as_str)) {
            Ok(n) => n,
            Err(e) => {
                findings.push(Finding::of(line, Some("number"), &e, Severity::Error));
                continue;
            }
        };
        let date = r.values.get("data_mandato").map(|d| parse_iso_date(d));
        let order_year = match (year, &date) {
            (Some(y), _) => y,
            (None, Some(Ok(d))) => chrono::Datelike::year(d),
            _ => {
                findings.push(coded(line, "date", ErrorCode::DateFormat, "data_mandato".into(), "data_mandato".into()));
                continue;
            }
        };
        let id = OrderId { year: order_year, number: number.clone() };
        if operation == "ANNULLO" {
            if orders.remove(&id).is_none() {
                findings.push(Finding {
                    severity: Severity::Warning,
                    ..coded(
                        line,
                        "number",
                        ErrorCode::OrderNotFound,
                        format!("annullo del mandato {id} non presente nel file"),
                        format!("cancellation of order {id}, not in the file"),
                    )
                });
            }
            continue;
        }
        let cie: Vec<&BTreeMap<String, String>> = r.beneficiaries.iter().filter(|b| is_cie(b)).collect();
        if cie.is_empty() {
            // A variation may turn a CIE order into another payment: it is no longer the State's.
            orders.remove(&id);
            continue;
        }
        let date = match date {
            Some(Ok(d)) => d,
            Some(Err(e)) => {
                findings.push(Finding::of(line, Some("date"), &e, Severity::Error));
                continue;
            }
            None => {
                findings.push(coded(line, "date", ErrorCode::DateFormat, "data_mandato".into(), "data_mandato".into()));
                continue;
            }
        };
        let Some(amount) = cie_share(line, &cie, &mut findings) else { continue };
        if today.is_some_and(|t| date > t) {
            findings.push(Finding::of(
                line,
                Some("date"),
                &cie_pagamenti::orders::OrderError::DateFuture,
                Severity::Error,
            ));
            continue;
        }
        let causale = cie.iter().find_map(|b| b.get("causale").cloned());
        let period = causale.as_deref().and_then(|c| parse_causale(c).period);
        match PaymentOrder::new(&number, date, amount, period) {
            Ok(order) => {
                if operation == "INSERIMENTO" && orders.contains_key(&id) {
                    findings.push(Finding::duplicate(
                        line,
                        Some("number"),
                        ErrorCode::OrderIdentityDuplicate,
                        orders[&id].line,
                    ));
                    continue;
                }
                crate::causale_warnings(line, &order, causale.as_deref(), options, &mut findings);
                orders.insert(id, Located { line, value: OrderRow { order, causale } });
            }
            Err(e) => findings.push(Finding::of(line, Some("amount"), &e, Severity::Error)),
        }
    }
    let mut rows: Vec<Located<OrderRow>> = orders.into_values().collect();
    rows.sort_by_key(|r| r.line);
    findings.sort_by_key(|f| f.line);
    Ok(Imported { rows, findings, source: Source { format: "opi", encoding: None, delimiter: None, sheet: None } })
}

/// Reads the payment movements of an OPI `flusso_giornale_di_cassa`: each element with a
/// `numero_documento` of `tipo_documento` MANDATO, with its `tipo_operazione`.
pub fn read_opi_cash_journal(bytes: &[u8]) -> Result<Imported<CashMovement>, ImportError> {
    let mut year: Option<i32> = None;
    let mut records = Vec::new();
    stream(
        bytes,
        "movimento_conto_evidenza",
        |r| records.push(r),
        |name, value| {
            if name == "esercizio" {
                year = value.parse().ok();
            }
        },
    )?;
    let mut rows = Vec::new();
    let mut findings = Vec::new();
    for r in records {
        let v = |k: &str| r.values.get(k).map_or("", String::as_str);
        if !v("tipo_documento").eq_ignore_ascii_case("MANDATO") {
            continue;
        }
        let operation = match v("tipo_operazione").to_uppercase().as_str() {
            "ESEGUITO" => CashOperation::Executed,
            "STORNATO" => CashOperation::Reversed,
            "REGOLARIZZATO" => CashOperation::Regularised,
            "RIPRISTINATO" => CashOperation::Restored,
            other => {
                findings.push(coded(
                    r.line,
                    "tipo_operazione",
                    ErrorCode::InputFormat,
                    format!("tipo_operazione {other:?}"),
                    format!("tipo_operazione {other:?}"),
                ));
                continue;
            }
        };
        let Some(year) = year.or_else(|| v("data_movimento").get(..4).and_then(|y| y.parse().ok())) else { continue };
        let number = match normalize_number(v("numero_documento")) {
            Ok(n) => n,
            Err(e) => {
                findings.push(Finding::of(r.line, Some("number"), &e, Severity::Error));
                continue;
            }
        };
        let amount = Amount::parse_machine(v("importo")).ok();
        rows.push(Located { line: r.line, value: CashMovement { order: OrderId { year, number }, operation, amount } });
    }
    Ok(Imported { rows, findings, source: Source { format: "opi", encoding: None, delimiter: None, sheet: None } })
}

/// Applies a cash journal to orders read: an order whose last movement is a reversal
/// (`STORNATO`, not restored since) paid nothing and is left out, with a warning
/// (`ORDER_REVERSED`) at its line. Orders the journal does not mention stay (the journal may
/// cover only part of the year).
pub fn apply_cash_journal(orders: &mut Imported<OrderRow>, journal: &Imported<CashMovement>) {
    let mut last: BTreeMap<&OrderId, CashOperation> = BTreeMap::new();
    for m in &journal.rows {
        last.insert(&m.value.order, m.value.operation);
    }
    let mut kept = Vec::with_capacity(orders.rows.len());
    for row in orders.rows.drain(..) {
        let id = row.value.order.identity();
        if last.get(&id) == Some(&CashOperation::Reversed) {
            orders.findings.push(Finding {
                severity: Severity::Warning,
                ..coded(
                    row.line,
                    "number",
                    ErrorCode::OrderReversed,
                    format!("mandato {id} stornato nel giornale di cassa: escluso"),
                    format!("order {id} reversed in the cash journal: left out"),
                )
            });
        } else {
            kept.push(row);
        }
    }
    orders.rows = kept;
    orders.findings.sort_by_key(|f| f.line);
}
