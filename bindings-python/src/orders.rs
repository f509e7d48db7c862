//! The core order check (SPEC §5 "Order check"): typed values or the portal form's texts in,
//! every finding out (JSON, rebuilt as a dict in the Python layer).

use cie_pagamenti::orders::{check_order, check_order_form};
use cie_pagamenti::{ErrorCode, PriceSchedule};
use pyo3::prelude::*;

use crate::convert;
use crate::errors::{coded, IntoPy};

/// The Rome civil date of `now` (a moment, a date or ISO text).
fn today(now: &Bound<'_, PyAny>) -> PyResult<chrono::NaiveDate> {
    convert::moment(now)?.rome_date().py_err()
}

/// The order check on typed values (JSON). `period` is `None` or a `(from, to)` pair, either
/// end `None` (a half period is the finding `PERIOD_INCOMPLETE`).
#[pyfunction]
#[pyo3(signature = (number, date, amount, period, now, causale=None, municipality=None))]
pub(crate) fn check_order_json(
    number: &Bound<'_, PyAny>,
    date: &Bound<'_, PyAny>,
    amount: &Bound<'_, PyAny>,
    period: Option<&Bound<'_, PyAny>>,
    now: &Bound<'_, PyAny>,
    causale: Option<&str>,
    municipality: Option<&str>,
) -> PyResult<String> {
    let number = convert::text(number, ErrorCode::OrderNumberInvalid)?;
    let (from, to) = match period.filter(|p| !p.is_none()) {
        None => (None, None),
        Some(p) => {
            let (from, to): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
                p.extract().map_err(|_| coded(ErrorCode::PeriodIncomplete, "period must be a (from, to) pair"))?;
            (convert::opt_date(Some(&from))?, convert::opt_date(Some(&to))?)
        }
    };
    let check = check_order(
        &number,
        Some(convert::date(date)?),
        Some(convert::amount(amount)?),
        from,
        to,
        today(now)?,
        &PriceSchedule::builtin(),
    );
    let check = match causale {
        Some(text) => check.with_causale(text, municipality, &PriceSchedule::builtin()),
        None => check,
    };
    Ok(convert::json(&check))
}

/// The order check on the portal form's texts (strict: `gg/mm/aaaa`, `1234,56`), JSON.
#[pyfunction]
#[pyo3(signature = (number, date, amount, period_from, period_to, now))]
pub(crate) fn check_order_form_json(
    number: &str,
    date: &str,
    amount: &str,
    period_from: &str,
    period_to: &str,
    now: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let check = check_order_form(number, date, amount, period_from, period_to, today(now)?, &PriceSchedule::builtin());
    Ok(convert::json(&check))
}
