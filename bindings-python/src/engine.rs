//! Allocation, reconciliation and the report from an allocation.

use std::collections::{BTreeMap, BTreeSet};

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use cie_pagamenti::allocation::{allocate_counted, allocate_totals, Allocation, AllocationTotals, CardCounts};
use cie_pagamenti::orders::{declared_period, OrderColumns, PaymentOrder};
use cie_pagamenti::reconciliation::{reconcile as core_reconcile, Lifespan, QuarterState};
use cie_pagamenti::report::QuarterlyReport;
use cie_pagamenti::{Amount, ErrorCode, PriceSchedule, Quarter};
use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use rust_decimal::Decimal;

use crate::calendar::PyQuarter;
use crate::convert::{self, amount_out};
use crate::errors::{coded, IntoPy};
use crate::order_columns::{cents_array, contiguous, order_columns, same_lengths, NumberColumn, Numbers};
use crate::results::{PyOrderAllocation, PyQuarterAllocation, PyReconciliation};

/// The outcome of `allocate`; the Python layer reads it through the `*_json` methods. It keeps
/// the totals, the cards' per-day counts and the orders; the per-order detail is computed on
/// first use from those (a national batch that only reads the quarters never pays for it).
#[pyclass(name = "NativeAllocation", module = "cie_pagamenti._native", frozen)]
pub(crate) struct PyAllocation {
    totals: AllocationTotals,
    cards: CardCounts,
    orders: OrderColumns,
    records: OnceLock<Allocation>,
    schedule: PriceSchedule,
}

impl PyAllocation {
    /// The per-order records: the allocation again, with its detail (the same input gives the
    /// same totals, so the records agree with what was already read).
    pub(crate) fn records(&self, py: Python<'_>) -> PyResult<&Allocation> {
        if let Some(records) = self.records.get() {
            return Ok(records);
        }
        let records = py
            .detach(|| {
                allocate_counted(&self.cards, &self.orders, &self.schedule)
                    .map(|table| table.into_allocation(self.orders.to_orders()))
            })
            .py_err()?;
        Ok(self.records.get_or_init(|| records))
    }
}

#[pymethods]
impl PyAllocation {
    #[getter]
    fn credit(&self) -> Decimal {
        amount_out(self.totals.credit)
    }

    #[getter]
    fn debit(&self) -> Decimal {
        amount_out(self.totals.debit)
    }

    #[getter]
    fn cards(&self) -> u64 {
        self.totals.cards
    }

    /// Per quarter: cards signed/paid/unpaid, amount, debit.
    fn quarters(&self) -> BTreeMap<PyQuarter, PyQuarterAllocation> {
        self.totals.quarters.iter().map(|(q, v)| (PyQuarter(*q), PyQuarterAllocation::from(v))).collect()
    }

    /// Orders in processing order (date, then number), with their portions.
    fn orders(&self, py: Python<'_>) -> PyResult<Vec<PyOrderAllocation>> {
        Ok(self.records(py)?.orders.iter().map(PyOrderAllocation::from).collect())
    }
}

/// Cards per part counted by one thread (2 MB of epochs).
const CARD_PART: usize = 1 << 18;

/// Counts the cards per day while `meanwhile` runs on this thread (holding the GIL: it builds
/// the order columns). With more than one core and more than two parts of cards, a helper
/// thread starts counting at once and this thread joins it, without the GIL, when `meanwhile`
/// is done; parts are claimed one at a time, so the two threads finish together. The counts
/// are the core's, part by part, merged by the core (the first refused card in input order
/// is reported, as by a single pass). A helper that cannot be started, or fails, leaves its
/// parts to this thread.
fn count_cards_while<T>(
    py: Python<'_>,
    cards: &[i64],
    meanwhile: impl FnOnce() -> PyResult<T>,
) -> PyResult<(CardCounts, T)> {
    let parts = cards.len().div_ceil(CARD_PART);
    let next = AtomicUsize::new(0);
    let claim = || {
        let mut counted = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(part) = cards.chunks(CARD_PART).nth(k) else {
                break counted;
            };
            counted.push((k, CardCounts::of_part(part, k * CARD_PART)));
        }
    };
    let helper_wanted = parts > 2 && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    let (value, mut counted) = std::thread::scope(|scope| {
        let helper = if helper_wanted { std::thread::Builder::new().spawn_scoped(scope, claim).ok() } else { None };
        let value = meanwhile();
        if value.is_err() {
            next.store(parts, Ordering::Relaxed);
        }
        let mut counted = py.detach(claim);
        match helper.map(std::thread::ScopedJoinHandle::join) {
            Some(Ok(theirs)) => counted.extend(theirs),
            // the helper's parts are lost: count them all again here
            Some(Err(_)) => counted = vec![(0, CardCounts::of(cards))],
            None => {}
        }
        (value, counted)
    });
    let value = value?;
    counted.sort_by_key(|(k, _)| *k);
    let parts: Vec<CardCounts> = counted.into_iter().map(|(_, c)| c).collect::<Result<_, _>>().py_err()?;
    Ok((CardCounts::merge(parts), value))
}

/// Allocates the orders (totals only; the detail on demand) without the GIL.
fn run(py: Python<'_>, cards: CardCounts, orders: OrderColumns, schedule: PriceSchedule) -> PyResult<PyAllocation> {
    py.detach(|| allocate_totals(&cards, &orders, &schedule)).py_err().map(|totals| PyAllocation {
        totals,
        cards,
        orders,
        records: OnceLock::new(),
        schedule,
    })
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
            period.extract().map_err(|_| coded(ErrorCode::PeriodIncomplete, "period must be a (from, to) pair"))?;
        declared_period(convert::opt_date(Some(&from))?, convert::opt_date(Some(&to))?).py_err()?
    };
    PaymentOrder::new(&number, date, amount, period).py_err()
}

/// Allocates orders to quarters. `cards` is an int64 epoch-seconds numpy array (read in place,
/// computed without the GIL) or any iterable of moments (`datetime`, `date`, ISO `str`, `int`).
/// `schedule`: a sequence of `Price` (default: the built-in €16,79).
#[pyfunction]
#[pyo3(signature = (cards, orders, schedule=None))]
pub(crate) fn allocate(
    py: Python<'_>,
    cards: &Bound<'_, PyAny>,
    orders: &Bound<'_, PyAny>,
    schedule: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyAllocation> {
    let schedule = crate::results::schedule(schedule)?;
    let build = || -> PyResult<OrderColumns> {
        let orders: Vec<PaymentOrder> = orders.try_iter()?.map(|o| order_from_py(&o?)).collect::<PyResult<_>>()?;
        Ok(orders.iter().collect())
    };
    if convert::is_ndarray(cards) {
        let array = convert::int64_array(cards, "cards")?;
        let slice = array.as_slice().map_err(|_| coded(ErrorCode::InputFormat, "the array must be contiguous"))?;
        let (counts, orders) = count_cards_while(py, slice, build)?;
        return run(py, counts, orders, schedule);
    }
    let orders = build()?;
    let epochs: Vec<i64> =
        cards.try_iter()?.map(|c| convert::moment(&c?).map(cie_pagamenti::Moment::epoch)).collect::<PyResult<_>>()?;
    let (counts, ()) = count_cards_while(py, &epochs, || Ok(()))?;
    run(py, counts, orders, schedule)
}

/// Allocates orders given as columns: `numbers` (a sequence of str or int; `joined`, when
/// given, the same numbers joined by newlines and encoded in UTF-8 (bytes, read in place), read
/// in one piece when it splits into exactly
/// as many numbers — no valid number has a newline inside), `dates`, `period_from`,
/// `period_to` (int64 views of `datetime64[D]`, NaT = no period) and `amount_cents` (int64).
/// The Python layer builds these from a DataFrame or a mapping of columns.
#[pyfunction]
#[pyo3(signature = (cards, numbers, dates, amount_cents, period_from=None, period_to=None, joined=None, schedule=None))]
#[allow(clippy::too_many_arguments)] // one argument per column of the Python layer
pub(crate) fn allocate_columns(
    py: Python<'_>,
    cards: &Bound<'_, PyAny>,
    numbers: &Bound<'_, PyAny>,
    dates: &Bound<'_, PyAny>,
    amount_cents: &Bound<'_, PyAny>,
    period_from: Option<&Bound<'_, PyAny>>,
    period_to: Option<&Bound<'_, PyAny>>,
    joined: Option<Bound<'_, PyBytes>>,
    schedule: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyAllocation> {
    let schedule = crate::results::schedule(schedule)?;
    let cards = convert::int64_array(cards, "cards")?;
    let dates = convert::int64_array(dates, "dates")?;
    let dates = dates.as_slice().map_err(|_| contiguous("dates"))?;
    let period_from = convert::optional_int64_array(period_from, "period_from")?;
    let period_to = convert::optional_int64_array(period_to, "period_to")?;
    let amount_cents = cents_array(amount_cents)?;
    let cents = amount_cents.as_slice().map_err(|_| contiguous("amount_cents"))?;
    let from = period_from.as_ref().map(|a| a.as_slice().map_err(|_| contiguous("period_from"))).transpose()?;
    let to = period_to.as_ref().map(|a| a.as_slice().map_err(|_| contiguous("period_to"))).transpose()?;
    let source = NumberColumn::read(numbers, joined)?;
    let numbers = source.numbers()?;
    columns(py, cards, numbers, dates, cents, from, to, schedule)
}

/// Builds the order columns row by row ([`order_columns`]) and allocates them without the
/// GIL.
#[allow(clippy::too_many_arguments)] // the columns of `allocate_columns`, passed on
fn columns(
    py: Python<'_>,
    cards: PyReadonlyArray1<'_, i64>,
    mut numbers: Numbers<'_>,
    dates: &[i64],
    cents: &[i64],
    from: Option<&[i64]>,
    to: Option<&[i64]>,
    schedule: PriceSchedule,
) -> PyResult<PyAllocation> {
    same_lengths(numbers.len(), &numbers, dates, cents, from, to)?;
    let build = || order_columns(&mut numbers, dates, cents, from, to);
    let cards = cards.as_slice().map_err(|_| contiguous("cards"))?;
    let (counts, orders) = count_cards_while(py, cards, build)?;
    run(py, counts, orders, schedule)
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

/// The Resoconto dei Trimestri, from an allocation or from per-quarter amounts.
#[pyfunction]
#[pyo3(signature = (now, allocation=None, amounts=None, cieonline=None, transmitted=None, first_quarter=None, last_quarter=None, schedule=None))]
#[allow(clippy::too_many_arguments)] // keyword arguments of the Python API
pub(crate) fn reconcile(
    now: &Bound<'_, PyAny>,
    allocation: Option<PyRef<'_, PyAllocation>>,
    amounts: Option<&Bound<'_, PyDict>>,
    cieonline: Option<&Bound<'_, PyDict>>,
    transmitted: Option<&Bound<'_, PyAny>>,
    first_quarter: Option<&Bound<'_, PyAny>>,
    last_quarter: Option<&Bound<'_, PyAny>>,
    schedule: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyReconciliation> {
    let now = convert::moment(now)?;
    let schedule = crate::results::schedule(schedule)?;
    let amounts: BTreeMap<Quarter, Amount> = match allocation {
        Some(a) => a.totals.entered.clone(),
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
    Ok(PyReconciliation::from(&core_reconcile(&amounts, &cieonline, &states, lifespan, now, &schedule)))
}

/// Allocation, Resoconto and settlement of a case given as plain data (the core's statement
/// input shape), as plain data.
#[pyfunction]
#[pyo3(signature = (case, schedule=None))]
pub(crate) fn statement<'py>(
    py: Python<'py>,
    case: &Bound<'py, PyAny>,
    schedule: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let input: cie_pagamenti::reconciliation::StatementInput =
        pythonize::depythonize(case).map_err(|e| coded(ErrorCode::InputFormat, &format!("statement case: {e}")))?;
    let result = cie_pagamenti::reconciliation::statement_case(&input, &crate::results::schedule(schedule)?)
        .map_err(|e| crate::errors::to_py(&e))?;
    crate::results::data(py, &result)
}

/// The quarterly report of a quarter from an allocation: (data, PDF bytes).
#[pyfunction]
#[pyo3(signature = (municipality, quarter, allocation, cieonline_cards, same_person, now))]
pub(crate) fn allocation_report<'py>(
    py: Python<'py>,
    municipality: &Bound<'_, PyAny>,
    quarter: &Bound<'_, PyAny>,
    allocation: PyRef<'_, PyAllocation>,
    cieonline_cards: Option<u64>,
    same_person: bool,
    now: &Bound<'_, PyAny>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyBytes>)> {
    let name = convert::text(municipality, ErrorCode::MunicipalityName)?;
    let report = QuarterlyReport::from_allocation(
        &name,
        convert::quarter(quarter)?,
        allocation.records(py)?,
        cieonline_cards,
        same_person,
        convert::moment(now)?,
        &allocation.schedule,
    );
    convert::report_and_pdf(py, &report)
}
