//! OPI (SIOPE+) files, streamed with `quick-xml` (SPEC §11, `OPI.md`): the payment orders of
//! `flusso_ordinativi` that pay the State for CIE, and the treasurer's `flusso_giornale_di_cassa`
//! that says which were executed or reversed. Element names are matched by local name, so the
//! versions in use (1.4 to 1.8), namespaces and an enveloping XML signature read the same; the
//! signature itself is not verified.

use std::collections::BTreeMap;
use std::io::{BufRead, Read};

use cie_pagamenti::calendar::parse_iso_date;
use cie_pagamenti::orders::{normalize_number, OrderId, PaymentOrder};
use cie_pagamenti::pricing::{parse_causale, ParsedCausale, TREASURY_IBAN};
use cie_pagamenti::{Amount, ErrorCode};
use quick_xml::events::Event;
use quick_xml::Reader;
use serde::Serialize;

use crate::table::{decode, Source};
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

/// The leaf values of one element being read, by local name (the first of each name; only
/// the names the readers use are kept).
#[derive(Default)]
struct Record {
    line: u64,
    values: Leaves,
    beneficiaries: Vec<Leaves>,
}

/// The values of the leaves the readers use (the first of each name).
#[derive(Default)]
struct Leaves([Option<String>; LEAVES.len()]);

impl Leaves {
    fn get(&self, name: &str) -> Option<&String> {
        LEAVES.iter().position(|l| *l == name).and_then(|i| self.0[i].as_ref())
    }

    fn keep_first(&mut self, name: &str, text: &str) {
        if let Some(slot) = LEAVES.iter().position(|l| *l == name).map(|i| &mut self.0[i]) {
            if slot.is_none() {
                *slot = Some(text.to_owned());
            }
        }
    }
}

/// The leaves the readers use.
const LEAVES: [&str; 11] = [
    "tipo_operazione",
    "numero_mandato",
    "data_mandato",
    "esercizio",
    "iban",
    "causale",
    "importo_beneficiario",
    "tipo_documento",
    "numero_documento",
    "data_movimento",
    "importo",
];

fn leaf_name(name: &str) -> Option<&'static str> {
    LEAVES.iter().copied().find(|l| *l == name)
}

/// A buffered reader that counts the line breaks of the bytes consumed from it: the physical
/// line of what the XML reader has just read.
struct Lines<R> {
    inner: R,
    newlines: u64,
}

impl<R: BufRead> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.newlines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Lines<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(buffered) = self.inner.fill_buf() {
            let seen = &buffered[..amount.min(buffered.len())];
            self.newlines += memchr::memchr_iter(b'\n', seen).count() as u64;
        }
        self.inner.consume(amount);
    }
}

/// Streams an OPI file, calling `on_end` with each element named `record` when it ends (its
/// leaf values collected, and for `mandato` its beneficiaries), and `top` with leaves outside.
/// The bytes are read as UTF-8 after any BOM: memory is one element, whatever the file's size.
fn stream<R: BufRead>(reader: R, record: &str, mut visit: impl FnMut(Item<'_>)) -> Result<(), ImportError> {
    let mut reader = Reader::from_reader(Lines { inner: reader, newlines: 0 });
    let mut buf = Vec::new();
    let mut depth = 0usize;
    // Depth of the enveloping signature's element, while inside it (its content is not data).
    let mut signature: Option<usize> = None;
    let mut current: Option<Record> = None;
    let mut beneficiary: Option<Leaves> = None;
    let mut wanted: Option<&'static str> = None;
    let mut leaf = String::new();
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => {
                let line = reader.get_ref().newlines + 1;
                return Err(ImportError::Format(format!("XML (riga {line}): {e}")));
            }
        };
        let line = reader.get_ref().newlines + 1;
        match event {
            Event::Start(e) => {
                depth += 1;
                let name = e.local_name();
                let name = name.as_ref();
                if signature.is_none() && name == "Signature" {
                    signature = Some(depth);
                }
                if name == record {
                    current = Some(Record { line, ..Record::default() });
                } else if name == "informazioni_beneficiario" && current.is_some() {
                    beneficiary = Some(Leaves::default());
                }
                wanted = if signature.is_some() { None } else { leaf_name(name) };
                leaf.clear();
            }
            Event::Text(t) if wanted.is_some() => leaf.push_str(&t.xml10_content()),
            Event::CData(t) if wanted.is_some() => leaf.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if wanted.is_some() => {
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
            Event::End(e) => {
                if depth == 0 {
                    continue;
                }
                let inside_signature = signature.is_some_and(|d| depth >= d);
                if signature == Some(depth) {
                    signature = None;
                }
                depth -= 1;
                let name = e.local_name();
                let name = name.as_ref();
                let value = wanted.take().filter(|w| *w == name && !inside_signature);
                if name == record {
                    if let Some(r) = current.take() {
                        visit(Item::Record(r));
                    }
                } else if name == "informazioni_beneficiario" {
                    if let (Some(r), Some(b)) = (current.as_mut(), beneficiary.take()) {
                        r.beneficiaries.push(b);
                    }
                } else if let Some(name) = value {
                    let text = leaf.trim();
                    if let Some(b) = beneficiary.as_mut() {
                        b.keep_first(name, text);
                    } else if let Some(r) = current.as_mut() {
                        r.values.keep_first(name, text);
                    } else if !text.is_empty() {
                        visit(Item::Top(name, text));
                    }
                }
                leaf.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if depth == 0 {
        Ok(())
    } else {
        Err(ImportError::Format("XML incompleto: elementi non chiusi".to_owned()))
    }
}

/// Streams bytes held in memory: UTF-8 (after a BOM) as they are, any other encoding decoded
/// first.
fn stream_bytes(bytes: &[u8], record: &str, visit: impl FnMut(Item<'_>)) -> Result<(), ImportError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if encoding_rs::Encoding::for_bom(bytes).is_none() && std::str::from_utf8(body).is_ok() {
        return stream(body, record, visit);
    }
    let (text, _) = decode(bytes);
    stream(text.as_bytes(), record, visit)
}

/// What the stream hands out: an element read whole, or a leaf outside the elements.
#[allow(clippy::large_enum_variant)] // handed over once per element, never stored as an Item
enum Item<'a> {
    Record(Record),
    Top(&'static str, &'a str),
}

/// True when the bytes are an XML document (after a BOM and blanks).
pub fn is_xml(bytes: &[u8]) -> bool {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    start.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

fn normalized_iban(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase()
}

/// A beneficiary paying the State for CIE: the Treasury IBAN of §1.6, or a CIE causale.
fn is_cie(b: &Leaves) -> bool {
    b.get("iban").is_some_and(|i| normalized_iban(i) == TREASURY_IBAN)
        || b.get("causale").is_some_and(|c| ParsedCausale::is_cie(c))
}

/// The sum of the CIE beneficiaries' `importo_beneficiario` (machine text), or `None` with a
/// finding for each that cannot be read.
fn cie_share(line: u64, cie: &[&Leaves], findings: &mut Vec<Finding>) -> Option<Amount> {
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
    let mut fold = OrderFold::new(options);
    stream_bytes(bytes, "mandato", |item| fold.item(item))?;
    Ok(fold.finish())
}

/// [`read_opi_orders`] of a file read as a stream (UTF-8, as SIOPE+ requires): memory is one
/// `mandato` and the CIE orders found, whatever the size of the file.
pub fn read_opi_orders_from<R: BufRead>(reader: R, options: &Options) -> Result<Imported<OrderRow>, ImportError> {
    let mut reader = reader;
    let io = |e: std::io::Error| ImportError::Read(e.to_string());
    let head = reader.fill_buf().map_err(io)?;
    let declared = head.get(..head.len().min(200)).unwrap_or_default();
    let other_encoding = encoding_rs::Encoding::for_bom(head).is_some_and(|(e, _)| e != encoding_rs::UTF_8)
        || (declared.starts_with(b"<?xml")
            && memchr::memmem::find(declared, b"encoding=").is_some()
            && !declared.windows(5).any(|w| w.eq_ignore_ascii_case(b"utf-8")));
    if other_encoding {
        // Not UTF-8: decoded whole, as from memory.
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(io)?;
        return read_opi_orders(&bytes, options);
    }
    if head.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    let mut fold = OrderFold::new(options);
    stream(reader, "mandato", |item| fold.item(item))?;
    Ok(fold.finish())
}

/// The CIE orders of a `flusso_ordinativi`, as its elements stream by.
struct OrderFold<'o> {
    options: &'o Options,
    today: Option<chrono::NaiveDate>,
    year: Option<i32>,
    findings: Vec<Finding>,
    orders: BTreeMap<OrderId, Located<OrderRow>>,
}

impl<'o> OrderFold<'o> {
    fn new(options: &'o Options) -> OrderFold<'o> {
        OrderFold {
            options,
            today: options.now.and_then(|m| m.rome_date().ok()),
            year: None,
            findings: Vec::new(),
            orders: BTreeMap::new(),
        }
    }

    fn item(&mut self, item: Item<'_>) {
        match item {
            Item::Top("esercizio", value) => self.year = value.parse().ok(),
            Item::Top(..) => {}
            Item::Record(r) => {
                order_record(&r, self.year, self.today, self.options, &mut self.findings, &mut self.orders);
            }
        }
    }

    fn finish(self) -> Imported<OrderRow> {
        let mut rows: Vec<Located<OrderRow>> = self.orders.into_values().collect();
        let mut findings = self.findings;
        rows.sort_by_key(|r| r.line);
        findings.sort_by_key(|f| f.line);
        Imported { rows, findings, source: Source { format: "opi", encoding: None, delimiter: None, sheet: None } }
    }
}

/// One `mandato`: read, checked, and applied to the orders read so far.
fn order_record(
    r: &Record,
    year: Option<i32>,
    today: Option<chrono::NaiveDate>,
    options: &Options,
    findings: &mut Vec<Finding>,
    orders: &mut BTreeMap<OrderId, Located<OrderRow>>,
) {
    let line = r.line;
    let operation = r.values.get("tipo_operazione").map_or("INSERIMENTO", String::as_str).to_uppercase();
    let number = match normalize_number(r.values.get("numero_mandato").map_or("", String::as_str)) {
        Ok(n) => n,
        Err(e) => {
            findings.push(Finding::of(line, Some("number"), &e, Severity::Error));
            return;
        }
    };
    let date = r.values.get("data_mandato").map(|d| parse_iso_date(d));
    let order_year = match (year, &date) {
        (Some(y), _) => y,
        (None, Some(Ok(d))) => chrono::Datelike::year(d),
        _ => {
            findings.push(coded(line, "date", ErrorCode::DateFormat, "data_mandato".into(), "data_mandato".into()));
            return;
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
        return;
    }
    let cie: Vec<&Leaves> = r.beneficiaries.iter().filter(|b| is_cie(b)).collect();
    if cie.is_empty() {
        // A variation may turn a CIE order into another payment: it is no longer the State's.
        orders.remove(&id);
        return;
    }
    let date = match date {
        Some(Ok(d)) => d,
        Some(Err(e)) => {
            findings.push(Finding::of(line, Some("date"), &e, Severity::Error));
            return;
        }
        None => {
            findings.push(coded(line, "date", ErrorCode::DateFormat, "data_mandato".into(), "data_mandato".into()));
            return;
        }
    };
    let Some(amount) = cie_share(line, &cie, findings) else { return };
    if today.is_some_and(|t| date > t) {
        findings.push(Finding::of(line, Some("date"), &cie_pagamenti::orders::OrderError::DateFuture, Severity::Error));
        return;
    }
    let causale = cie.iter().find_map(|b| b.get("causale").cloned());
    let parsed = causale.as_deref().map(parse_causale);
    let period = parsed.as_ref().and_then(|c| c.period);
    match PaymentOrder::new(&number, date, amount, period) {
        Ok(order) => {
            if operation == "INSERIMENTO" && orders.contains_key(&id) {
                findings.push(Finding::duplicate(
                    line,
                    Some("number"),
                    ErrorCode::OrderIdentityDuplicate,
                    orders[&id].line,
                ));
                return;
            }
            crate::causale_warnings(line, &order, parsed.as_ref(), options, findings);
            orders.insert(id, Located { line, value: OrderRow { order, causale, municipality: None } });
        }
        Err(e) => findings.push(Finding::of(line, Some("amount"), &e, Severity::Error)),
    }
}

/// Reads the payment movements of an OPI `flusso_giornale_di_cassa`: each element with a
/// `numero_documento` of `tipo_documento` MANDATO, with its `tipo_operazione`.
pub fn read_opi_cash_journal(bytes: &[u8]) -> Result<Imported<CashMovement>, ImportError> {
    let mut year: Option<i32> = None;
    let mut records = Vec::new();
    stream_bytes(bytes, "movimento_conto_evidenza", |item| match item {
        Item::Record(r) => records.push(r),
        Item::Top("esercizio", value) => year = value.parse().ok(),
        Item::Top(..) => {}
    })?;
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
