//! One JSON document per export, the same for every binding that hands it on (Python, C):
//! `{"rows": [...], "findings": [...], "source": {...}}`, each row with its `line`.
//!
//! - orders: `number`, `year`, `date` (ISO), `amount` (machine text), `period` (`[from, to]` or
//!   `null`), `causale`;
//! - cards: `epoch` (UTC seconds), `signed_at` (RFC 3339 with the Rome offset), `card_id`;
//! - cieonline: `quarter` (`2024-Q1`), `cards`;
//! - every row: `municipality` (null unless the file has a «Comune»/«Codice ISTAT» column).
//!
//! Findings carry `line`, `column`, `code`, `severity`, `message_it`, `message_en`, `fields`.

use serde::Serialize;
use serde_json::{json, Value};

use crate::{read_cards, read_cieonline, read_orders, ImportError, Imported, Options};

fn document<T: Serialize>(imported: &Imported<T>, row: impl Fn(&T) -> Value) -> String {
    let rows: Vec<Value> = imported
        .rows
        .iter()
        .map(|r| {
            let mut v = row(&r.value);
            v["line"] = json!(r.line);
            v
        })
        .collect();
    json!({ "rows": rows, "findings": imported.findings, "source": imported.source }).to_string()
}

/// Reads an export of a kind (`orders`, `cards` or `cieonline`) into its JSON document.
pub fn read_export_json(kind: &str, data: &[u8], options: &Options) -> Result<String, ImportError> {
    match kind {
        "orders" => read_orders(data, options).map(|i| {
            document(&i, |o| {
                json!({
                    "number": o.order.number,
                    "year": o.order.identity().year,
                    "date": o.order.date,
                    "amount": o.order.amount,
                    "period": o.order.period,
                    "causale": o.causale,
                    "municipality": o.municipality,
                })
            })
        }),
        "cards" => read_cards(data, options).map(|i| {
            document(&i, |c| json!({ "epoch": c.signed_at.epoch(), "signed_at": c.signed_at, "card_id": c.card_id, "municipality": c.municipality }))
        }),
        "cieonline" => {
            read_cieonline(data, options).map(|i| document(&i, |c| json!({ "quarter": c.quarter, "cards": c.cards, "municipality": c.municipality })))
        }
        other => Err(ImportError::Kind(other.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_document_per_kind() {
        let orders: Value = serde_json::from_str(
            &read_export_json("orders", "Numero;Data;Importo €\n12;15/02/2024;33,58\n".as_bytes(), &Options::default())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(orders["rows"][0]["number"], "12");
        assert_eq!(orders["rows"][0]["year"], 2024);
        assert_eq!(orders["rows"][0]["amount"], "33.58");
        assert_eq!(orders["rows"][0]["line"], 2);
        assert_eq!(orders["source"]["delimiter"], ";");
        let cards: Value = serde_json::from_str(
            &read_export_json("cards", b"Data firma\n15/3/2024 10:22\nieri\n", &Options::default()).unwrap(),
        )
        .unwrap();
        assert_eq!(cards["rows"][0]["epoch"], 1_710_494_520);
        assert_eq!(cards["findings"][0]["line"], 3);
        assert_eq!(cards["findings"][0]["code"], "MOMENT_FORMAT");
        assert_eq!(read_export_json("carte", b"", &Options::default()), Err(ImportError::Kind("carte".into())));
    }
}
