//! The quarterly report (SPEC §5.2): recognising the signed file uploaded at transmission, and
//! the report's content as structured data (rendered to PDF by the `cie-pagamenti-pdf` crate).

use std::fmt::Write;

use base64::Engine;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::allocation::Allocation;
use crate::calendar::{Moment, Quarter};
use crate::error::{CieError, ErrorCode, FieldValue, Lang};
use crate::money::Amount;
use crate::pricing::{PriceSchedule, PricingError};

/// Largest accepted signed report: 2 MiB.
pub const MAX_REPORT_BYTES: usize = 2 * 1024 * 1024;

/// How the signed report is encoded, recognised by content (not by file name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    /// A PDF (`%PDF-`), signed inside (PAdES).
    Pdf,
    /// A CAdES envelope: DER CMS `signedData`.
    P7m,
    /// The same, base64-encoded (optionally PEM-armoured).
    P7mBase64,
}

/// What the transmission records of the uploaded report.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReportRecord {
    /// Recognised format.
    pub format: ReportFormat,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the file, lower-case hex.
    pub sha256: String,
}

/// Why an uploaded report was refused.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ReportError {
    /// The file is empty.
    #[error("empty report")]
    Empty,
    /// More than 2 MiB.
    #[error("report of {size} bytes exceeds 2 MiB")]
    TooLarge {
        /// The file's size.
        size: u64,
    },
    /// Neither a PDF nor a CMS signedData (DER or base64).
    #[error("not a PDF or P7M file")]
    Format,
    /// The PDF could not be rendered.
    #[error("cannot render the report PDF")]
    Render,
}

impl CieError for ReportError {
    fn code(&self) -> ErrorCode {
        match self {
            ReportError::Empty => ErrorCode::ReportEmpty,
            ReportError::TooLarge { .. } => ErrorCode::ReportTooLarge,
            ReportError::Format => ErrorCode::ReportFormat,
            ReportError::Render => ErrorCode::ReportRender,
        }
    }

    fn detail(&self, lang: Lang) -> Option<String> {
        match self {
            ReportError::TooLarge { size } => Some(format!("{size} byte; {} 2097152", lang.pick("massimo", "maximum"))),
            _ => None,
        }
    }

    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        match self {
            ReportError::TooLarge { size } => vec![("size", FieldValue::Int(*size as i64))],
            _ => Vec::new(),
        }
    }
}

/// DER encoding of OID 1.2.840.113549.1.7.2 (signedData), with its tag and length.
const SIGNED_DATA_OID: [u8; 11] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];

/// True when the bytes start a CMS ContentInfo whose contentType is signedData.
fn is_signed_data(der: &[u8]) -> bool {
    if der.first() != Some(&0x30) {
        return false;
    }
    let Some(&first_len) = der.get(1) else { return false };
    let (header, declared) = match first_len {
        0x00..=0x7F => (2, Some(usize::from(first_len))),
        0x80 => (2, None), // BER indefinite length, produced by some signing tools
        0x81..=0x84 => {
            let n = usize::from(first_len & 0x7F);
            let Some(bytes) = der.get(2..2 + n) else { return false };
            (2 + n, Some(bytes.iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b))))
        }
        _ => return false,
    };
    let fits = declared.is_none_or(|len| header + len <= der.len());
    fits && der.get(header..header + SIGNED_DATA_OID.len()) == Some(&SIGNED_DATA_OID[..])
}

/// Decodes base64 text (PEM armour lines and whitespace ignored).
fn decode_base64(bytes: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let body: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("-----"))
        .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
        .collect();
    base64::engine::general_purpose::STANDARD.decode(body).ok()
}

/// Recognises a signed report by content: PDF, or P7M as DER or base64 of DER; not empty and
/// at most 2 MiB. Records its format, size and SHA-256. (The signature itself is verified by
/// the portal's signing infrastructure, not here.)
pub fn recognize_report(bytes: &[u8]) -> Result<ReportRecord, ReportError> {
    if bytes.is_empty() {
        return Err(ReportError::Empty);
    }
    let size = bytes.len() as u64;
    if bytes.len() > MAX_REPORT_BYTES {
        return Err(ReportError::TooLarge { size });
    }
    let format = if bytes.starts_with(b"%PDF-") {
        ReportFormat::Pdf
    } else if is_signed_data(bytes) {
        ReportFormat::P7m
    } else if decode_base64(bytes).is_some_and(|der| is_signed_data(&der)) {
        ReportFormat::P7mBase64
    } else {
        return Err(ReportError::Format);
    };
    let sha256 = sha256_hex(bytes);
    Ok(ReportRecord { format, size, sha256 })
}

/// SHA-256 of the bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().fold(String::with_capacity(64), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    })
}

impl ReportRecord {
    /// Checks a record read back from an event log (replay): a known size within the limit and
    /// a 64-hex-digit hash.
    pub fn is_plausible(&self) -> bool {
        self.size > 0
            && self.size <= MAX_REPORT_BYTES as u64
            && self.sha256.len() == 64
            && self.sha256.bytes().all(|b| b.is_ascii_hexdigit())
    }
}

/// One order as shown in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportOrder {
    /// Order number.
    pub number: String,
    /// Order date.
    pub date: NaiveDate,
    /// Amount entered for this quarter.
    pub amount: Amount,
    /// True when the order is split over several quarters ("quota parte").
    pub split: bool,
    /// The order's total over all quarters (equal to `amount` when not split).
    pub total: Amount,
    /// The signing-date period the order declares, when it declares one.
    #[serde(default)]
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// For a split order, the other quarters and the part entered in each.
    #[serde(default)]
    pub other_parts: Vec<(Quarter, Amount)>,
}

/// A signature block at the bottom of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signatory {
    /// The role(s) signing, in Italian as on the portal.
    pub role: String,
    /// The signatory's name, when known.
    #[serde(default)]
    pub name: Option<String>,
}

/// Why a report cannot be transmitted as it is: it is a draft ("BOZZA").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum DraftReason {
    /// The amount is not an exact multiple: a further order must add `top_up`.
    NotMultiple {
        /// The top-up due.
        top_up: Amount,
    },
    /// The quarter has not ended at the time of the report.
    QuarterNotEnded,
    /// The previous quarter is not transmitted yet (quarters go in sequence).
    PreviousNotTransmitted,
}

impl DraftReason {
    /// The reason in Italian, as the report prints it.
    pub fn text_it(&self) -> String {
        match self {
            DraftReason::NotMultiple { top_up } => format!(
                "l'importo non è un multiplo esatto di € 16,79: integrare con un mandato di € {}",
                top_up.to_display()
            ),
            DraftReason::QuarterNotEnded => "il trimestre non è ancora concluso".to_owned(),
            DraftReason::PreviousNotTransmitted => "il trimestre precedente non è ancora trasmesso".to_owned(),
        }
    }
}

/// The quarterly report, as structured data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarterlyReport {
    /// Municipality name.
    pub municipality: String,
    /// The quarter.
    pub quarter: Quarter,
    /// Orders entered for the quarter.
    pub orders: Vec<ReportOrder>,
    /// Total amount entered.
    pub total: Amount,
    /// Cards the total pays (whole cards).
    pub cards_from_amount: u64,
    /// False when the total is not an exact multiple (the report cannot be transmitted).
    pub exact: bool,
    /// Cards counted by CIEonline; `None` when not known ("n.d.", never 0).
    pub cieonline_cards: Option<u64>,
    /// Cards from amount − CIEonline cards, when the count is known.
    #[serde(default)]
    pub difference: Option<i64>,
    /// The municipality's ISTAT code, when known.
    #[serde(default)]
    pub municipality_code: Option<String>,
    /// Why the report is a draft; empty when it can be signed and transmitted.
    #[serde(default)]
    pub draft_reasons: Vec<DraftReason>,
    /// Credit entered in this quarter: what its orders paid beyond the cards signed up to their
    /// dates (§3.3), to be settled with Support.
    #[serde(default)]
    pub credit: Amount,
    /// Cards signed in the quarter and not paid by any order.
    #[serde(default)]
    pub unpaid_cards: u64,
    /// Their value.
    #[serde(default)]
    pub unpaid_value: Amount,
    /// One block when the CIE service manager is also the finance officer, else two.
    pub signatories: Vec<Signatory>,
    /// When the report data was produced.
    pub generated_at: Moment,
}

impl QuarterlyReport {
    /// A report from the orders entered for a quarter: totals and cards computed here.
    pub fn new(
        municipality: &str,
        quarter: Quarter,
        mut orders: Vec<ReportOrder>,
        cieonline_cards: Option<u64>,
        same_person: bool,
        generated_at: Moment,
        schedule: &PriceSchedule,
    ) -> QuarterlyReport {
        orders.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.number.cmp(&b.number)));
        let total = orders.iter().fold(Amount::ZERO, |t, o| t.saturating_add(o.amount));
        let price = schedule.for_quarter(quarter);
        let mut draft_reasons = Vec::new();
        let (cards_from_amount, exact) = match price.cards_for_amount(total) {
            Ok(n) => (n, true),
            Err(PricingError::NotMultiple { cards_below, top_up, .. }) => {
                draft_reasons.push(DraftReason::NotMultiple { top_up });
                (cards_below, false)
            }
            Err(_) => (0, false),
        };
        if generated_at.rome_date().is_ok_and(|today| today <= quarter.last_day()) {
            draft_reasons.push(DraftReason::QuarterNotEnded);
        }
        let difference = cieonline_cards.map(|n| crate::reconciliation::signed_difference(cards_from_amount, n));
        QuarterlyReport {
            municipality: municipality.to_owned(),
            quarter,
            orders,
            total,
            cards_from_amount,
            exact,
            cieonline_cards,
            difference,
            municipality_code: None,
            draft_reasons,
            credit: Amount::ZERO,
            unpaid_cards: 0,
            unpaid_value: Amount::ZERO,
            signatories: signatories(same_person),
            generated_at,
        }
    }

    /// The report of a quarter from an allocation: every order with a part entered in the
    /// quarter ([`crate::allocation::OrderAllocation::entered_parts`]).
    pub fn from_allocation(
        municipality: &str,
        quarter: Quarter,
        allocation: &Allocation,
        cieonline_cards: Option<u64>,
        same_person: bool,
        generated_at: Moment,
        schedule: &PriceSchedule,
    ) -> QuarterlyReport {
        let orders = allocation
            .orders
            .iter()
            .filter_map(|o| {
                let parts = o.entered_parts();
                let amount = parts.iter().find(|(q, _)| *q == quarter)?.1;
                Some(ReportOrder {
                    number: o.order.number.clone(),
                    date: o.order.date,
                    amount,
                    split: parts.len() > 1,
                    total: o.order.amount,
                    period: o.order.period,
                    other_parts: parts.iter().filter(|(q, _)| *q != quarter).copied().collect(),
                })
            })
            .collect();
        let credit = allocation
            .orders
            .iter()
            .filter(|o| o.credit_quarter() == Some(quarter))
            .fold(Amount::ZERO, |t, o| t.saturating_add(o.credit));
        let unpaid = allocation.quarters.get(&quarter);
        QuarterlyReport {
            credit,
            unpaid_cards: unpaid.map_or(0, |q| q.unpaid_cards),
            unpaid_value: unpaid.map_or(Amount::ZERO, |q| q.debit),
            ..QuarterlyReport::new(municipality, quarter, orders, cieonline_cards, same_person, generated_at, schedule)
        }
    }

    /// Quarters are transmitted in sequence (§5): the report is a draft while the quarter before
    /// it (from the municipality's `first` quarter, and from the portal's) is not transmitted.
    pub fn check_previous(&mut self, first: Quarter, is_transmitted: impl Fn(Quarter) -> bool) {
        let missing =
            self.quarter.previous().is_some_and(|p| p >= first.max(Quarter::PORTAL_FIRST) && !is_transmitted(p));
        if missing && !self.draft_reasons.contains(&DraftReason::PreviousNotTransmitted) {
            self.draft_reasons.push(DraftReason::PreviousNotTransmitted);
        }
    }

    /// The declaration of the signatories (§5.2): whether the Responsabile del Servizio CIE and
    /// the Responsabile del Servizio Finanziario are one person.
    pub fn declaration_it(&self) -> &'static str {
        if self.signatories.len() == 1 {
            "Si dichiara che il Responsabile del Servizio CIE e il Responsabile del Servizio Finanziario \
             sono la stessa persona, che firma una sola volta."
        } else {
            "Si dichiara che il Responsabile del Servizio CIE e il Responsabile del Servizio Finanziario \
             sono persone diverse: firmano entrambi."
        }
    }
}

/// The signature blocks: one when the CIE service manager and the finance officer are the same
/// person, two otherwise.
pub fn signatories(same_person: bool) -> Vec<Signatory> {
    // The portal manual's roles (the SediCIE "Responsabile del servizio di emissione CIE" is
    // another role, of an issuing site).
    const MANAGER: &str = "Responsabile del Servizio CIE";
    const FINANCE: &str = "Responsabile del Servizio Finanziario";
    if same_person {
        vec![Signatory { role: format!("{MANAGER} e {FINANCE}"), name: None }]
    } else {
        vec![Signatory { role: MANAGER.to_owned(), name: None }, Signatory { role: FINANCE.to_owned(), name: None }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_documented_shape_is_the_serialised_one() {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/report.md")).unwrap();
        let documented: std::collections::BTreeSet<&str> =
            doc.lines().filter_map(|l| l.strip_prefix("| `")).filter_map(|l| l.split('`').next()).collect();
        let report = QuarterlyReport::new(
            "Prova",
            Quarter::parse("2024-Q1").unwrap(),
            Vec::new(),
            None,
            false,
            Moment::parse("2024-04-02T10:00:00").unwrap(),
            &PriceSchedule::builtin(),
        );
        let value = serde_json::to_value(&report).unwrap();
        let serialised: std::collections::BTreeSet<&str> =
            value.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(documented, serialised);
    }

    fn p7m() -> Vec<u8> {
        let mut der = vec![0x30, 0x82, 0x00, 0x0F];
        der.extend(SIGNED_DATA_OID);
        der.extend([0xA0, 0x02, 0x30, 0x00]);
        der
    }

    #[test]
    fn recognises_by_content() {
        let pdf = b"%PDF-1.7\n...".to_vec();
        let r = recognize_report(&pdf).unwrap();
        assert_eq!(r.format, ReportFormat::Pdf);
        assert_eq!(r.size, pdf.len() as u64);
        assert_eq!(r.sha256.len(), 64);
        assert!(r.is_plausible());
        assert_eq!(recognize_report(&p7m()).unwrap().format, ReportFormat::P7m);
        let b64 = base64::engine::general_purpose::STANDARD.encode(p7m());
        let pem = format!("-----BEGIN PKCS7-----\n{}\n{}\n-----END PKCS7-----\n", &b64[..10], &b64[10..]);
        assert_eq!(recognize_report(pem.as_bytes()).unwrap().format, ReportFormat::P7mBase64);
        assert_eq!(recognize_report(b""), Err(ReportError::Empty));
        assert_eq!(recognize_report(b"PK\x03\x04 a zip named report.pdf"), Err(ReportError::Format));
        let mut other_oid = p7m();
        other_oid[14] = 0x01; // 1.2.840.113549.1.7.1 = data, not signedData
        assert_eq!(recognize_report(&other_oid), Err(ReportError::Format));
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_REPORT_BYTES, b' ');
        assert!(recognize_report(&big).is_ok());
        big.push(b' ');
        assert_eq!(recognize_report(&big), Err(ReportError::TooLarge { size: MAX_REPORT_BYTES as u64 + 1 }));
        // SHA-256 of "abc".
        let abc = sha256_hex(b"abc");
        assert_eq!(abc, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(signatories(true).len(), 1);
        assert_eq!(signatories(false).len(), 2);
    }

    proptest! {
        #[test]
        fn never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let _ = recognize_report(&bytes);
            let mut der = vec![0x30];
            der.extend(&bytes);
            let _ = recognize_report(&der);
        }
    }
}
