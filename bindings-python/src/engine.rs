//! Allocation, reconciliation and the report from an allocation.

use std::collections::{BTreeMap, BTreeSet};

use cie_pagamenti::allocation::{allocate as core_allocate, Allocation};
use cie_pagamenti::orders::PaymentOrder;
use cie_pagamenti::reconciliation::{reconcile as core_reconcile, Lifespan, QuarterState};
use cie_pagamenti::report::QuarterlyReport;
use cie_pagamenti::{Amount, ErrorCode, PriceSchedule, Quarter};
use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use rust_decimal::Decimal;

use crate::convert::{self, amount_out};
use crate::errors::{coded, IntoPy};

/// The outcome of `allocate`; the Python layer reads it through the `*_json` methods.
#[pyclass(name = "NativeAllocation", module = "cie_pagamenti._native", frozen)]
pub(crate) struct PyAllocation(pub(crate) Allocation);

#[pymethods]
impl PyAllocation {
    #[getter]
    fn credit(&self) -> Decimal {
        amount_out(self.0.credit)
    }

    #[getter]
    fn debit(&self) -> Decimal {
        amount_out(self.0.debit)
    }

    #[getter]
    fn cards(&self) -> u64 {
        self.0.cards
    }

    fn quarters_json(&self) -> String {
        convert::json(&self.0.quarters)
    }

    fn orders_json(&self) -> String {
        convert::json(&self.0.orders)
    }

    fn entered_amounts_json(&self) -> String {
        convert::json(&self.0.entered_amounts())
    }
}

fn order_from_py(ob: &Bound<'_, PyAny>) -> PyResult<PaymentOrder> {
    let number = convert::text(&ob.getattr("number")?, ErrorCode::OrderNumberInvalid)?;
    let date = convert::date(&ob.getattr("date")?)?;
    let amount = convert::amount(&ob.getattr("amount")?)?;
    let period = ob.getattr("period")?;
    let period = if period.is_none() {
        None
    } else {
        let (from, to): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
            period.extract().map_err(|_| coded(ErrorCode::PeriodInvalid, "period must be a (from, to) pair"))?;
        Some((convert::date(&from)?, convert::date(&to)?))
    };
    PaymentOrder::new(&number, date, amount, period).py_err()
}

/// Allocates orders to quarters. `cards` is an int64 epoch-seconds numpy array (read in place,
/// computed without the GIL) or any iterable of moments (`datetime`, `date`, ISO `str`, `int`).
#[pyfunction]
pub(crate) fn allocate(py: Python<'_>, cards: &Bound<'_, PyAny>, orders: &Bound<'_, PyAny>) -> PyResult<PyAllocation> {
    let orders: Vec<PaymentOrder> = orders.try_iter()?.map(|o| order_from_py(&o?)).collect::<PyResult<_>>()?;
    let schedule = PriceSchedule::builtin();
    if let Ok(array) = cards.extract::<PyReadonlyArray1<'_, i64>>() {
        let slice = array.as_slice().map_err(|_| coded(ErrorCode::InputFormat, "the array must be contiguous"))?;
        let result = py.detach(|| core_allocate(slice, orders, &schedule));
        return result.py_err().map(PyAllocation);
    }
    let epochs: Vec<i64> =
        cards.try_iter()?.map(|c| convert::moment(&c?).map(cie_pagamenti::Moment::epoch)).collect::<PyResult<_>>()?;
    let result = py.detach(|| core_allocate(&epochs, orders, &schedule));
    result.py_err().map(PyAllocation)
}

/// A day of a numpy `datetime64[D]` column viewed as int64 (days since 1970-01-01; NaT = i64::MIN).
fn column_day(days: i64, row: usize) -> PyResult<Option<chrono::NaiveDate>> {
    if days == i64::MIN {
        return Ok(None);
    }
    i32::try_from(days)
        .ok()
        .and_then(|d| d.checked_add(719_163))
        .and_then(chrono::NaiveDate::from_num_days_from_ce_opt)
        .map(Some)
        .ok_or_else(|| coded(ErrorCode::DateInvalid, &format!("row {row}: day out of range")))
}

/// Allocates orders given as columns: `numbers` (list of str), `dates`, `period_from`,
/// `period_to` (int64 views of `datetime64[D]`, NaT = no period) and `amount_cents` (int64).
/// The Python layer builds these from a DataFrame or a mapping of columns.
#[pyfunction]
#[pyo3(signature = (cards, numbers, dates, amount_cents, period_from=None, period_to=None))]
pub(crate) fn allocate_columns(
    py: Python<'_>,
    cards: PyReadonlyArray1<'_, i64>,
    numbers: Vec<String>,
    dates: PyReadonlyArray1<'_, i64>,
    amount_cents: &Bound<'_, PyAny>,
    period_from: Option<PyReadonlyArray1<'_, i64>>,
    period_to: Option<PyReadonlyArray1<'_, i64>>,
) -> PyResult<PyAllocation> {
    let contiguous = |what: &str| coded(ErrorCode::InputFormat, &format!("{what}: the array must be contiguous"));
    let dates = dates.as_slice().map_err(|_| contiguous("dates"))?;
    let amount_cents = amount_cents.extract::<PyReadonlyArray1<'_, i64>>().map_err(|_| {
        let kind: String =
            amount_cents.getattr("dtype").and_then(|d| d.getattr("kind")).and_then(|k| k.extract()).unwrap_or_default();
        if kind == "f" {
            coded(ErrorCode::FloatNotAllowed, "amount_cents: integer cents, never floating point")
        } else {
            coded(ErrorCode::InputFormat, "amount_cents: an int64 array of cents")
        }
    })?;
    let cents = amount_cents.as_slice().map_err(|_| contiguous("amount_cents"))?;
    let from = period_from.as_ref().map(|a| a.as_slice().map_err(|_| contiguous("period_from"))).transpose()?;
    let to = period_to.as_ref().map(|a| a.as_slice().map_err(|_| contiguous("period_to"))).transpose()?;
    let n = numbers.len();
    if dates.len() != n || cents.len() != n || from.is_some_and(|f| f.len() != n) || to.is_some_and(|t| t.len() != n) {
        return Err(coded(ErrorCode::InputFormat, "order columns of different lengths"));
    }
    let mut orders = Vec::with_capacity(n);
    for (row, number) in numbers.iter().enumerate() {
        let date = column_day(dates[row], row)?
            .ok_or_else(|| coded(ErrorCode::DateFormat, &format!("row {row}: the order date is missing")))?;
        let start = from.map(|f| column_day(f[row], row)).transpose()?.flatten();
        let end = to.map(|t| column_day(t[row], row)).transpose()?.flatten();
        let period = match (start, end) {
            (Some(a), Some(b)) => Some((a, b)),
            (None, None) => None,
            _ => {
                return Err(coded(ErrorCode::PeriodInvalid, &format!("row {row}: both ends of the period or neither")))
            }
        };
        orders.push(PaymentOrder::new(number, date, Amount::from_cents(cents[row]), period).py_err()?);
    }
    let cards = cards.as_slice().map_err(|_| contiguous("cards"))?;
    let schedule = PriceSchedule::builtin();
    py.detach(|| core_allocate(cards, orders, &schedule)).py_err().map(PyAllocation)
}

fn quarter_map<T>(
    dict: Option<&Bound<'_, PyDict>>,
    value: impl Fn(&Bound<'_, PyAny>) -> PyResult<T>,
) -> PyResult<BTreeMap<Quarter, T>> {
    let mut out = BTreeMap::new();
    if let Some(dict) = dict {
        for (k, v) in dict.iter() {
            out.insert(convert::quarter(&k)?, value(&v)?);
        }
    }
    Ok(out)
}

/// The Resoconto dei Trimestri (JSON), from an allocation or from per-quarter amounts.
#[pyfunction]
#[pyo3(signature = (now, allocation=None, amounts=None, cieonline=None, transmitted=None, first_quarter=None, last_quarter=None))]
#[allow(clippy::too_many_arguments)] // keyword arguments of the Python API
pub(crate) fn reconcile_json(
    now: &Bound<'_, PyAny>,
    allocation: Option<PyRef<'_, PyAllocation>>,
    amounts: Option<&Bound<'_, PyDict>>,
    cieonline: Option<&Bound<'_, PyDict>>,
    transmitted: Option<&Bound<'_, PyAny>>,
    first_quarter: Option<&Bound<'_, PyAny>>,
    last_quarter: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let now = convert::moment(now)?;
    let amounts: BTreeMap<Quarter, Amount> = match allocation {
        Some(a) => a.0.entered_amounts(),
        None => quarter_map(amounts, convert::amount)?,
    };
    let cieonline = quarter_map(cieonline, |v| {
        v.extract::<u64>().map_err(|_| coded(ErrorCode::InputFormat, "card counts are non-negative integers"))
    })?;
    let mut states = BTreeMap::new();
    if let Some(t) = transmitted.filter(|t| !t.is_none()) {
        let set: BTreeSet<Quarter> = t.try_iter()?.map(|q| convert::quarter(&q?)).collect::<PyResult<_>>()?;
        states.extend(set.into_iter().map(|q| (q, QuarterState::Transmitted)));
    }
    let lifespan = Lifespan {
        first: first_quarter
            .filter(|q| !q.is_none())
            .map(convert::quarter)
            .transpose()?
            .unwrap_or(Quarter::PORTAL_FIRST),
        last: last_quarter.filter(|q| !q.is_none()).map(convert::quarter).transpose()?,
    };
    Ok(convert::json(&core_reconcile(&amounts, &cieonline, &states, lifespan, now, &PriceSchedule::builtin())))
}

/// The quarterly report of a quarter from an allocation: (JSON data, PDF bytes).
#[pyfunction]
#[pyo3(signature = (municipality, quarter, allocation, cieonline_cards, same_person, now))]
pub(crate) fn allocation_report<'py>(
    py: Python<'py>,
    municipality: &Bound<'_, PyAny>,
    quarter: &Bound<'_, PyAny>,
    allocation: PyRef<'_, PyAllocation>,
    cieonline_cards: u64,
    same_person: bool,
    now: &Bound<'_, PyAny>,
) -> PyResult<(String, Bound<'py, PyBytes>)> {
    let name = convert::text(municipality, ErrorCode::MunicipalityName)?;
    let report = QuarterlyReport::from_allocation(
        &name,
        convert::quarter(quarter)?,
        &allocation.0,
        cieonline_cards,
        same_person,
        convert::moment(now)?,
        &PriceSchedule::builtin(),
    );
    Ok((convert::json(&report), PyBytes::new(py, &cie_pagamenti_pdf::render(&report))))
}
