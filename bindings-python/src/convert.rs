//! Python values ↔ core values. Money never passes through a float: `decimal.Decimal`, `str`
//! (portal `1234,56` or machine `1234.56`) or `int` euros are accepted; a `float` is refused
//! with `FLOAT_NOT_ALLOWED` (a `TypeError`).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use cie_pagamenti::calendar::parse_any_date;
use cie_pagamenti::{Amount, ErrorCode, Moment, Quarter};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDate, PyDateTime, PyFloat, PyInt, PyString};
use rust_decimal::Decimal;

use crate::calendar::PyQuarter;
use crate::errors::{coded, IntoPy};

/// A `threads` argument: 0 means one per core.
pub(crate) fn threads(threads: usize) -> usize {
    if threads == 0 {
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    } else {
        threads
    }
}

/// `0..n` cut into `parts` consecutive ranges of about equal length.
pub(crate) fn equal_parts(n: usize, parts: usize) -> Vec<std::ops::Range<usize>> {
    let parts = parts.max(1);
    (0..parts).map(|k| n * k / parts..n * (k + 1) / parts).collect()
}

/// `work` of each range on a thread of its own, the results in the ranges' order; a range whose
/// thread failed is worked again on the calling thread (no panic leaves a worker).
pub(crate) fn on_threads<T: Send>(
    ranges: Vec<std::ops::Range<usize>>,
    work: impl Fn(std::ops::Range<usize>) -> T + Sync,
) -> Vec<T> {
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = ranges.into_iter().map(|r| (r.clone(), scope.spawn(move || work(r)))).collect();
        handles.into_iter().map(|(r, handle)| handle.join().unwrap_or_else(|_| work(r))).collect()
    })
}

/// Money from Python.
pub(crate) fn amount(ob: &Bound<'_, PyAny>) -> PyResult<Amount> {
    if ob.is_instance_of::<PyFloat>() {
        return Err(coded(
            ErrorCode::FloatNotAllowed,
            "float: binary floating point cannot represent cents exactly; use decimal.Decimal or a string",
        ));
    }
    if ob.is_instance_of::<PyBool>() {
        return Err(coded(ErrorCode::AmountFormat, "bool"));
    }
    if let Ok(text) = ob.extract::<String>() {
        return Amount::parse(&text).py_err();
    }
    if ob.is_instance_of::<PyInt>() {
        let euros: i64 = ob.extract().map_err(|_| coded(ErrorCode::AmountTooLarge, "int"))?;
        return Amount::entered(euros.saturating_mul(100)).py_err();
    }
    match ob.extract::<Decimal>() {
        Ok(d) => Amount::from_decimal(d).py_err(),
        Err(_) => Err(coded(ErrorCode::AmountFormat, "expected decimal.Decimal, str or int")),
    }
}

/// Optional money.
pub(crate) fn opt_amount(ob: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Amount>> {
    ob.filter(|o| !o.is_none()).map(amount).transpose()
}

/// Money to Python (`decimal.Decimal` with two places).
pub(crate) fn amount_out(a: Amount) -> Decimal {
    a.to_decimal()
}

/// A civil date: `datetime.date` (not a datetime) or text `gg/mm/aaaa` / ISO.
pub(crate) fn date(ob: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
    if ob.is_instance_of::<PyDateTime>() {
        return Err(coded(ErrorCode::DateFormat, "a datetime was given where a date is expected"));
    }
    if ob.is_instance_of::<PyDate>() {
        return ob.extract::<NaiveDate>().map_err(|_| coded(ErrorCode::DateInvalid, "date"));
    }
    if ob.is_instance_of::<PyString>() {
        let text: String = ob.extract()?;
        return parse_any_date(&text).py_err();
    }
    Err(coded(ErrorCode::DateFormat, "expected datetime.date or str"))
}

/// Optional date.
pub(crate) fn opt_date(ob: Option<&Bound<'_, PyAny>>) -> PyResult<Option<NaiveDate>> {
    ob.filter(|o| !o.is_none()).map(date).transpose()
}

/// A moment: aware `datetime` (converted), naive `datetime` (Rome local), `date` (Rome
/// midnight), ISO text, or `int` epoch seconds.
pub(crate) fn moment(ob: &Bound<'_, PyAny>) -> PyResult<Moment> {
    if ob.is_instance_of::<PyDateTime>() {
        if ob.getattr("tzinfo")?.is_none() {
            let naive: NaiveDateTime = ob.extract().map_err(|_| coded(ErrorCode::MomentFormat, "datetime"))?;
            return Ok(Moment::from_rome_local(naive));
        }
        let aware: DateTime<FixedOffset> = ob.extract().map_err(|_| coded(ErrorCode::MomentFormat, "datetime"))?;
        return Ok(Moment::from_aware(&aware));
    }
    if ob.is_instance_of::<PyDate>() {
        return Ok(Moment::rome_midnight(date(ob)?));
    }
    if ob.is_instance_of::<PyString>() {
        let text: String = ob.extract()?;
        return Moment::parse(&text).py_err();
    }
    if ob.is_instance_of::<PyInt>() && !ob.is_instance_of::<PyBool>() {
        let secs: i64 = ob.extract().map_err(|_| coded(ErrorCode::MomentFormat, "int out of range"))?;
        return Ok(Moment::from_epoch(secs));
    }
    Err(coded(ErrorCode::MomentFormat, "expected datetime, date, str or int epoch seconds"))
}

/// A quarter: `Quarter` or text `2024-Q1`.
pub(crate) fn quarter(ob: &Bound<'_, PyAny>) -> PyResult<Quarter> {
    if let Ok(q) = ob.extract::<PyRef<'_, PyQuarter>>() {
        return Ok(q.0);
    }
    if ob.is_instance_of::<PyString>() {
        let text: String = ob.extract()?;
        return Quarter::parse(&text).py_err();
    }
    Err(coded(ErrorCode::QuarterFormat, "expected Quarter or str"))
}

/// Text argument, refusing other types with a coded error.
pub(crate) fn text(ob: &Bound<'_, PyAny>, code: ErrorCode) -> PyResult<String> {
    if ob.is_instance_of::<PyString>() {
        ob.extract()
    } else {
        Err(coded(code, "expected str"))
    }
}

/// True when `ob` is a numpy `ndarray`, decided by its type's name: an object that is not one
/// never reaches numpy's C API, which panics when numpy is not installed.
pub(crate) fn is_ndarray(ob: &Bound<'_, PyAny>) -> bool {
    ob.get_type().fully_qualified_name().is_ok_and(|n| n == "numpy.ndarray")
}

/// An int64 numpy array, or a coded error naming the argument (never numpy's panic).
pub(crate) fn int64_array<'py>(ob: &Bound<'py, PyAny>, what: &str) -> PyResult<numpy::PyReadonlyArray1<'py, i64>> {
    if !is_ndarray(ob) {
        return Err(coded(ErrorCode::InputFormat, &format!("{what}: an int64 numpy array")));
    }
    ob.extract().map_err(|_| coded(ErrorCode::InputFormat, &format!("{what}: an int64 numpy array")))
}

/// An int64 numpy array of whole numbers (cents, counts): a floating-point array is
/// `FLOAT_NOT_ALLOWED` with `float_message`, any other that is not int64 `INPUT_FORMAT` with
/// `other_message`.
pub(crate) fn whole_int64_array<'py>(
    ob: &Bound<'py, PyAny>,
    what: &str,
    float_message: &str,
    other_message: &str,
) -> PyResult<numpy::PyReadonlyArray1<'py, i64>> {
    int64_array(ob, what).map_err(|_| {
        let kind: String =
            ob.getattr("dtype").and_then(|d| d.getattr("kind")).and_then(|k| k.extract()).unwrap_or_default();
        if kind == "f" {
            coded(ErrorCode::FloatNotAllowed, float_message)
        } else {
            coded(ErrorCode::InputFormat, other_message)
        }
    })
}

/// An optional int64 numpy array (`None` or absent: `None`), or a coded error naming it.
pub(crate) fn optional_int64_array<'py>(
    ob: Option<&Bound<'py, PyAny>>,
    what: &str,
) -> PyResult<Option<numpy::PyReadonlyArray1<'py, i64>>> {
    ob.filter(|o| !o.is_none()).map(|o| int64_array(o, what)).transpose()
}

/// A report as the bindings hand it over: its JSON and its PDF, rendered now (the footer's
/// "generato il" is the binding's clock, never the core's, which has none; the report's own
/// `now` decides only the rules).
pub(crate) fn report_and_pdf<'py>(
    py: Python<'py>,
    report: &cie_pagamenti::report::QuarterlyReport,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, pyo3::types::PyBytes>)> {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let pdf = cie_pagamenti_pdf::render(report, Moment::from_epoch(seconds)).map_err(|e| crate::errors::to_py(&e))?;
    Ok((crate::results::data(py, report)?, pyo3::types::PyBytes::new(py, &pdf)))
}
