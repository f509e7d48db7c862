//! The import layer (SPEC §11): the bytes of a CSV, spreadsheet or OPI export in; its rows (with
//! Decimal, date and datetime values), findings and source out, as Python data.

use chrono::{DateTime, Utc};
use cie_pagamenti_import::{read_cards, read_cieonline, read_orders, ImportError, Imported, Options};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{self, amount_out};
use crate::errors::IntoPy;
use crate::results::data;

/// An export as the Python layer's `Imported` takes it: rows, findings, source.
type Parts<'py> = (Vec<Bound<'py, PyDict>>, Bound<'py, PyAny>, Bound<'py, PyAny>);

/// The rows, findings and source of one export; `row` fills a row's fields.
fn parts<'py, T>(
    py: Python<'py>,
    imported: &Imported<T>,
    row: impl Fn(&Bound<'py, PyDict>, &T) -> PyResult<()>,
) -> PyResult<Parts<'py>> {
    let rows = imported
        .rows
        .iter()
        .map(|r| {
            let dict = PyDict::new(py);
            row(&dict, &r.value)?;
            dict.set_item("line", r.line)?;
            Ok(dict)
        })
        .collect::<PyResult<_>>()?;
    Ok((rows, data(py, &imported.findings)?, data(py, &imported.source)?))
}

/// Reads an export: `kind` is `orders`, `cards` or `cieonline`; `data` the file's bytes.
/// Returns `(rows, findings, source)`.
#[pyfunction]
#[pyo3(signature = (kind, data, now=None, sheet=None, municipality=None))]
pub(crate) fn read_export<'py>(
    py: Python<'py>,
    kind: &str,
    data: &[u8],
    now: Option<&Bound<'_, PyAny>>,
    sheet: Option<String>,
    municipality: Option<String>,
) -> PyResult<Parts<'py>> {
    let now = now.filter(|n| !n.is_none()).map(convert::moment).transpose()?;
    let options = Options { now, sheet, municipality };
    match kind {
        "orders" => parts(py, &read_orders(data, &options).py_err()?, |d, o| {
            d.set_item("number", &o.order.number)?;
            d.set_item("year", o.order.identity().year)?;
            d.set_item("date", o.order.date)?;
            d.set_item("amount", amount_out(o.order.amount))?;
            d.set_item("period", o.order.period)?;
            d.set_item("causale", &o.causale)?;
            d.set_item("municipality", &o.municipality)
        }),
        "cards" => parts(py, &read_cards(data, &options).py_err()?, |d, c| {
            let epoch = c.signed_at.epoch();
            d.set_item("epoch", epoch)?;
            d.set_item("signed_at", DateTime::<Utc>::from_timestamp(epoch, 0))?;
            d.set_item("card_id", &c.card_id)?;
            d.set_item("municipality", &c.municipality)
        }),
        "cieonline" => parts(py, &read_cieonline(data, &options).py_err()?, |d, c| {
            d.set_item("quarter", c.quarter.to_string())?;
            d.set_item("cards", c.cards)?;
            d.set_item("municipality", &c.municipality)
        }),
        other => Err(ImportError::Kind(other.to_owned())).py_err(),
    }
}
