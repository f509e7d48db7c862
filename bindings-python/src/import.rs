//! The import layer (SPEC §11): the bytes of a CSV or spreadsheet export in, rows and findings
//! out (JSON, rebuilt with Decimal, date and datetime values in the Python layer).

use cie_pagamenti::ErrorCode;
use cie_pagamenti_import::{read_cards, read_cieonline, read_orders, Imported, Options};
use pyo3::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

use crate::convert;
use crate::errors::{coded, IntoPy};

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

/// Reads an export: `kind` is `orders`, `cards` or `cieonline`; `data` the file's bytes.
#[pyfunction]
#[pyo3(signature = (kind, data, now=None, sheet=None, municipality=None))]
pub(crate) fn read_export_json(
    kind: &str,
    data: &[u8],
    now: Option<&Bound<'_, PyAny>>,
    sheet: Option<String>,
    municipality: Option<String>,
) -> PyResult<String> {
    let now = now.filter(|n| !n.is_none()).map(convert::moment).transpose()?;
    let options = Options { now, sheet, municipality };
    match kind {
        "orders" => read_orders(data, &options).py_err().map(|i| {
            document(&i, |o| {
                json!({
                    "number": o.order.number,
                    "date": o.order.date,
                    "amount": o.order.amount,
                    "period": o.order.period,
                    "causale": o.causale,
                })
            })
        }),
        "cards" => read_cards(data, &options).py_err().map(|i| {
            document(&i, |c| json!({ "epoch": c.signed_at.epoch(), "signed_at": c.signed_at, "card_id": c.card_id }))
        }),
        "cieonline" => read_cieonline(data, &options)
            .py_err()
            .map(|i| document(&i, |c| json!({ "quarter": c.quarter, "cards": c.cards }))),
        other => Err(coded(ErrorCode::InputFormat, &format!("unknown kind {other:?}: orders, cards or cieonline"))),
    }
}
