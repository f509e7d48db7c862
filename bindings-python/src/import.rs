//! The import layer (SPEC §11): the bytes of a CSV, spreadsheet or OPI export in, the import
//! crate's JSON document out (rebuilt with Decimal, date and datetime values in the Python layer).

use cie_pagamenti_import::Options;
use pyo3::prelude::*;

use crate::convert;
use crate::errors::IntoPy;

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
    cie_pagamenti_import::read_export_json(kind, data, &Options { now, sheet, municipality }).py_err()
}
