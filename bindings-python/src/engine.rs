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
