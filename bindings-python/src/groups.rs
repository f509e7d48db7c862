//! The national job from Python: columns with a group number per row (the Python layer turns
//! the `by` keys into numbers) in, one row per group and quarter and a summary per group out.
//! The groups are shared among threads here, the GIL released; every rule is the core's
//! `GroupedInput::reconcile`.

use cie_pagamenti::reconciliation::{GroupResult, GroupSummary, GroupedInput, Lifespan, QuarterState};
use cie_pagamenti::{Amount, ErrorCode, PriceSchedule, Quarter};
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};

use crate::convert;
use crate::errors::{coded, IntoPy};
use crate::order_columns::{cents_array, order_columns_on_threads, same_lengths, NumberColumn};

fn slice<'a>(a: &'a numpy::PyReadonlyArray1<'_, i64>, what: &str) -> PyResult<&'a [i64]> {
    a.as_slice().map_err(|_| coded(ErrorCode::InputFormat, &format!("{what}: a contiguous int64 array")))
}

fn group_of(value: i64, groups: usize, what: &str, row: usize) -> PyResult<u32> {
    u32::try_from(value)
        .ok()
        .filter(|g| (*g as usize) < groups)
        .ok_or_else(|| coded(ErrorCode::InputFormat, &format!("{what} row {row}: group {value} out of range")))
}

/// The rows and the summaries handed to Python.
type Tuples<'py> = (Bound<'py, PyDict>, Bound<'py, PyDict>);

/// Reconciles every group: see the Python `reconcile_groups`.
#[pyfunction]
#[pyo3(signature = (groups, card_group, card_epoch, order_group, numbers, joined, dates, amount_cents, period_from, period_to, cie_group, cie_quarter, cie_cards, tr_group, tr_quarter, now, first_quarter=None, threads=0, card_ends=None))]
#[allow(clippy::too_many_arguments)] // one argument per column of the Python layer
pub(crate) fn reconcile_groups_columns<'py>(
    py: Python<'py>,
    groups: usize,
    card_group: &Bound<'py, PyAny>,
    card_epoch: &Bound<'py, PyAny>,
    order_group: &Bound<'py, PyAny>,
    numbers: &Bound<'py, PyAny>,
    joined: Option<Bound<'py, PyBytes>>,
    dates: &Bound<'py, PyAny>,
    amount_cents: &Bound<'py, PyAny>,
    period_from: Option<&Bound<'py, PyAny>>,
    period_to: Option<&Bound<'py, PyAny>>,
    cie_group: &Bound<'py, PyAny>,
    cie_quarter: Vec<Bound<'py, PyAny>>,
    cie_cards: &Bound<'py, PyAny>,
    tr_group: &Bound<'py, PyAny>,
    tr_quarter: Vec<Bound<'py, PyAny>>,
    now: &Bound<'py, PyAny>,
    first_quarter: Option<&Bound<'py, PyAny>>,
    threads: usize,
    card_ends: Option<&Bound<'py, PyAny>>,
) -> PyResult<Tuples<'py>> {
    let arrays = [
        ("card_epoch", card_epoch),
        ("order_group", order_group),
        ("dates", dates),
        ("cie_group", cie_group),
        ("tr_group", tr_group),
    ]
    .iter()
    .map(|(what, a)| convert::int64_array(a, what))
    .collect::<PyResult<Vec<_>>>()?;
    let s = |i: usize, what: &str| slice(&arrays[i], what);
    let (ce, og, od) = (s(0, "card_epoch")?, s(1, "order_group")?, s(2, "dates")?);
    let (ng, tg) = (s(3, "cie_group")?, s(4, "tr_group")?);
    let counts = convert::whole_int64_array(
        cie_cards,
        "cie_cards",
        "cieonline cards: floating point (leave a quarter of unknown count out): give whole numbers",
        "cie_cards: an int64 numpy array",
    )?;
    let nc = slice(&counts, "cie_cards")?;
    let cents = cents_array(amount_cents)?;
    let oc = slice(&cents, "amount_cents")?;
    let from = convert::optional_int64_array(period_from, "period_from")?;
    let to = convert::optional_int64_array(period_to, "period_to")?;
    let pf = from.as_ref().map(|a| slice(a, "period_from")).transpose()?;
    let pt = to.as_ref().map(|a| slice(a, "period_to")).transpose()?;
    // The cards' groups: a uint32 array read in place (the core checks each is below `groups`).
    let not_u32 = || coded(ErrorCode::InputFormat, "card_group: a contiguous uint32 numpy array");
    if !convert::is_ndarray(card_group) {
        return Err(not_u32());
    }
    let card_group: numpy::PyReadonlyArray1<'py, u32> = card_group.extract().map_err(|_| not_u32())?;
    let cg = card_group.as_slice().map_err(|_| not_u32())?;
    // Or the cards in one run per group, given by where each run ends (`card_group` empty).
    let not_ends =
        || coded(ErrorCode::InputFormat, "card_ends: a contiguous uint64 numpy array, card_group then empty");
    let ends = match card_ends {
        Some(a) if convert::is_ndarray(a) && cg.is_empty() => {
            let a: numpy::PyReadonlyArray1<'py, u64> = a.extract().map_err(|_| not_ends())?;
            let ends = a.as_slice().map_err(|_| not_ends())?;
            Some(ends.iter().map(|&e| usize::try_from(e).map_err(|_| not_ends())).collect::<PyResult<Vec<_>>>()?)
        }
        Some(_) => return Err(not_ends()),
        None => None,
    };
    let source = NumberColumn::read(numbers, joined)?;
    let mut numbers = source.numbers()?;
    same_lengths(og.len(), &numbers, od, oc, pf, pt)?;
    if (ends.is_none() && ce.len() != cg.len())
        || cie_quarter.len() != ng.len()
        || nc.len() != ng.len()
        || tr_quarter.len() != tg.len()
    {
        return Err(coded(ErrorCode::InputFormat, "columns of different lengths"));
    }
    let now = convert::moment(now)?;
    let first = first_quarter.filter(|q| !q.is_none()).map(convert::quarter).transpose()?;
    let order_group =
        og.iter().enumerate().map(|(row, &g)| group_of(g, groups, "order", row)).collect::<PyResult<Vec<_>>>()?;
    let orders = order_columns_on_threads(py, &mut numbers, od, oc, pf, pt, convert::threads(threads))?;
    let cieonline = (0..ng.len())
        .map(|row| {
            let cards =
                u64::try_from(nc[row]).map_err(|_| coded(ErrorCode::CountFormat, &format!("cieonline row {row}")))?;
            Ok((group_of(ng[row], groups, "cieonline", row)?, convert::quarter(&cie_quarter[row])?, cards))
        })
        .collect::<PyResult<Vec<_>>>()?;
    let transmitted = (0..tg.len())
        .map(|row| Ok((group_of(tg[row], groups, "transmitted", row)?, convert::quarter(&tr_quarter[row])?)))
        .collect::<PyResult<Vec<_>>>()?;
    let lifespan = Lifespan { first: first.unwrap_or(Quarter::PORTAL_FIRST), last: None };
    let parts: Vec<RowColumns> = py
        .detach(|| {
            let input = match &ends {
                Some(ends) => {
                    GroupedInput::with_card_runs(groups, ends, ce, &order_group, orders, &cieonline, &transmitted)?
                }
                None => {
                    GroupedInput::with_order_columns(groups, cg, ce, &order_group, orders, &cieonline, &transmitted)?
                }
            };
            // The group column read through before the threads share the groups.
            input.check()?;
            let schedule = PriceSchedule::builtin();
            // Groups are independent: each thread reconciles its share of them (shares of
            // about equal work: municipalities' sizes are skewed), and turns each group's
            // result into its columns as it comes: the rows are read on the threads, and a
            // group's rows are dropped at once (their memory reused by the next group's).
            let share = |range: std::ops::Range<usize>| {
                let mut columns = RowColumns { groups: range.len(), ..RowColumns::default() };
                input.reconcile_each(range, lifespan, now, &schedule, |_, result| columns.add(result));
                columns
            };
            let parts = convert::on_threads(input.share_ranges(convert::threads(threads)), share);
            Ok::<_, cie_pagamenti::reconciliation::GroupError>(parts)
        })
        .py_err()?;
    tuples(py, &parts)
}

/// One thread's groups as columns: each group's quarter rows field by field, and its summary.
#[derive(Default)]
struct RowColumns {
    /// The groups to come: the columns get room for as many rows as the first group's each.
    groups: usize,
    group: Vec<i64>,
    quarter: Vec<Quarter>,
    amount: Vec<i64>,
    cards: Vec<i64>,
    exact: Vec<bool>,
    top_up: Vec<Option<i64>>,
    cieonline: Vec<Option<u64>>,
    discrepancy: Vec<Option<i64>>,
    mismatch: Vec<Option<i64>>,
    state: Vec<Option<QuarterState>>,
    zero: Vec<bool>,
    summaries: Vec<GroupSummary>,
}

impl RowColumns {
    fn add(&mut self, result: GroupResult) {
        if self.summaries.is_empty() {
            // Groups have about as many quarter rows each (one per quarter of the portal); an
            // odd first group (cards over decades) does not make the others' room.
            let rows = result.rows.len().min(64).saturating_mul(self.groups);
            self.group.reserve(rows);
            self.quarter.reserve(rows);
            self.amount.reserve(rows);
            self.cards.reserve(rows);
            self.exact.reserve(rows);
            self.top_up.reserve(rows);
            self.cieonline.reserve(rows);
            self.discrepancy.reserve(rows);
            self.mismatch.reserve(rows);
            self.state.reserve(rows);
            self.zero.reserve(rows);
            self.summaries.reserve(self.groups);
        }
        for q in &result.rows {
            self.group.push(i64::from(result.summary.group));
            self.quarter.push(q.quarter);
            self.amount.push(q.amount.cents());
            self.cards.push(i64::try_from(q.cards_from_amount).unwrap_or(i64::MAX));
            self.exact.push(q.exact);
            self.top_up.push(q.top_up.map(Amount::cents));
            self.cieonline.push(q.cieonline_cards);
            self.discrepancy.push(q.discrepancy);
            self.mismatch.push(q.mismatch);
            self.state.push(q.state);
            self.zero.push(q.zero_quarter);
        }
        self.summaries.push(result.summary);
    }
}

/// A column of every thread's part, the parts end to end.
fn joined<T: Clone>(parts: &[RowColumns], column: impl Fn(&RowColumns) -> &Vec<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(parts.iter().map(|p| column(p).len()).sum());
    for part in parts {
        out.extend_from_slice(column(part));
    }
    out
}

/// `None` `rows` times, as a list made in one step by the list itself.
fn nones(py: Python<'_>, rows: usize) -> PyResult<Bound<'_, PyAny>> {
    Ok(PyList::new(py, [py.None()])?.as_sequence().repeat(rows)?.into_any())
}

/// The rows of an optional column when no part has a value in it (most of them in a national
/// job: no CIEonline count, no state, no top-up); `None` when one has.
fn rows_without_value<T>(parts: &[RowColumns], column: impl Fn(&RowColumns) -> &Vec<Option<T>>) -> Option<usize> {
    parts.iter().all(|p| column(p).iter().all(Option::is_none)).then(|| parts.iter().map(|p| column(p).len()).sum())
}

/// An optional column as a list, `None` where missing; one without any value made by
/// [`nones`] rather than value by value.
fn optional_list<'py, T>(
    py: Python<'py>,
    parts: &[RowColumns],
    column: impl Fn(&RowColumns) -> &Vec<Option<T>>,
) -> PyResult<Bound<'py, PyAny>>
where
    T: Clone + IntoPyObject<'py>,
{
    match rows_without_value(parts, &column) {
        Some(rows) => nones(py, rows),
        None => Ok(joined(parts, column).into_pyobject(py)?.into_any()),
    }
}

/// Python strings of the few distinct quarters and states, each made once and shared by the
/// rows (a national job's 158 k rows name some twenty quarters). Rows come by quarter within
/// each group: the quarter looked up last, or the one after it, is nearly always the one.
struct Shared<'py> {
    py: Python<'py>,
    quarters: Vec<(Quarter, Bound<'py, PyString>)>,
    last: usize,
    states: Vec<(QuarterState, Bound<'py, PyString>)>,
}

impl<'py> Shared<'py> {
    fn quarter(&mut self, quarter: Quarter) -> Bound<'py, PyString> {
        let near =
            [self.last, self.last + 1].into_iter().find(|&i| self.quarters.get(i).is_some_and(|(q, _)| *q == quarter));
        let found = near.or_else(|| self.quarters.iter().position(|(q, _)| *q == quarter));
        let at = found.unwrap_or_else(|| {
            self.quarters.push((quarter, PyString::new(self.py, &quarter.to_string())));
            self.quarters.len() - 1
        });
        self.last = at;
        self.quarters[at].1.clone()
    }

    fn state(&mut self, state: Option<QuarterState>) -> Option<Bound<'py, PyString>> {
        let state = state?;
        if let Some((_, s)) = self.states.iter().find(|(k, _)| *k == state) {
            return Some(s.clone());
        }
        let s = PyString::new(self.py, state.as_str());
        self.states.push((state, s.clone()));
        Some(s)
    }
}

/// Python's cyclic garbage collector paused while the result columns are built, and restored as
/// it was when dropped (also on an error). Building them makes thousands of small lists, each
/// of which counts towards the next collection, and every collection would walk the big row
/// columns already made (lists of 158 k values) to find cycles that none of them has. On
/// resuming, the objects made meanwhile are moved to the oldest generation (`gc.freeze()` then
/// `gc.unfreeze()`), so that the next young collection does not walk the columns either;
/// skipped when the caller keeps objects frozen (`gc.freeze()` before forking), which an
/// `unfreeze` would release.
struct GcPause<'py> {
    gc: Option<Bound<'py, PyAny>>,
}

impl<'py> GcPause<'py> {
    fn new(py: Python<'py>) -> GcPause<'py> {
        let gc = py.import("gc").ok().map(Bound::into_any);
        let enabled =
            gc.as_ref().and_then(|gc| gc.call_method0("isenabled").ok()).and_then(|e| e.extract::<bool>().ok());
        match (gc, enabled) {
            (Some(gc), Some(true)) if gc.call_method0("disable").is_ok() => GcPause { gc: Some(gc) },
            _ => GcPause { gc: None },
        }
    }
}

impl Drop for GcPause<'_> {
    fn drop(&mut self) {
        let Some(gc) = &self.gc else {
            return;
        };
        let frozen = gc.call_method0("get_freeze_count").ok().and_then(|n| n.extract::<usize>().ok());
        if frozen == Some(0) && gc.call_method0("freeze").is_ok() {
            // Nothing to report from a drop: these calls do not fail.
            let _ = gc.call_method0("unfreeze");
        }
        let _ = gc.call_method0("enable");
    }
}

/// The quarter rows and the summaries as columns: numbers in numpy arrays (amounts in integer
/// cents: exact), optional values and text as lists (None where missing).
fn tuples<'py>(py: Python<'py>, parts: &[RowColumns]) -> PyResult<Tuples<'py>> {
    let _paused = GcPause::new(py);
    let mut shared = Shared { py, quarters: Vec::new(), last: 0, states: Vec::new() };
    let quarter: Vec<_> = parts.iter().flat_map(|p| &p.quarter).map(|q| shared.quarter(*q)).collect();
    let state = match rows_without_value(parts, |p| &p.state) {
        Some(rows) => nones(py, rows)?,
        None => parts
            .iter()
            .flat_map(|p| &p.state)
            .map(|s| shared.state(*s))
            .collect::<Vec<_>>()
            .into_pyobject(py)?
            .into_any(),
    };
    let columns = PyDict::new(py);
    columns.set_item("group", PyArray1::from_vec(py, joined(parts, |p| &p.group)))?;
    columns.set_item("quarter", PyList::new(py, quarter)?)?;
    columns.set_item("amount_cents", PyArray1::from_vec(py, joined(parts, |p| &p.amount)))?;
    columns.set_item("cards_from_amount", PyArray1::from_vec(py, joined(parts, |p| &p.cards)))?;
    columns.set_item("exact", PyArray1::from_vec(py, joined(parts, |p| &p.exact)))?;
    columns.set_item("top_up_cents", optional_list(py, parts, |p| &p.top_up)?)?;
    columns.set_item("cieonline_cards", optional_list(py, parts, |p| &p.cieonline)?)?;
    columns.set_item("discrepancy", optional_list(py, parts, |p| &p.discrepancy)?)?;
    columns.set_item("mismatch", optional_list(py, parts, |p| &p.mismatch)?)?;
    columns.set_item("state", state)?;
    columns.set_item("zero_quarter", PyArray1::from_vec(py, joined(parts, |p| &p.zero)))?;
    let summaries = PyDict::new(py);
    let s = || parts.iter().flat_map(|p| &p.summaries);
    let int = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    summaries.set_item("group", PyArray1::from_vec(py, s().map(|s| i64::from(s.group)).collect()))?;
    summaries.set_item("cards", PyArray1::from_vec(py, s().map(|s| int(s.cards)).collect()))?;
    summaries.set_item("orders", PyArray1::from_vec(py, s().map(|s| int(s.orders as u64)).collect()))?;
    summaries.set_item("credit_cents", PyArray1::from_vec(py, s().map(|s| s.credit.cents()).collect()))?;
    summaries.set_item("debit_cents", PyArray1::from_vec(py, s().map(|s| s.debit.cents()).collect()))?;
    summaries.set_item("discrepancies", PyArray1::from_vec(py, s().map(|s| int(s.discrepancies as u64)).collect()))?;
    summaries.set_item("mismatches", PyArray1::from_vec(py, s().map(|s| int(s.mismatches as u64)).collect()))?;
    // Municipalities mostly miss the same quarters: a list equal to the previous one is copied
    // from it (one copy in C), not built again quarter by quarter.
    let mut missing: Vec<Bound<'py, PyList>> = Vec::with_capacity(parts.iter().map(|p| p.summaries.len()).sum());
    let mut previous: Option<&[Quarter]> = None;
    for summary in s() {
        let list = match (previous, missing.last()) {
            (Some(p), Some(last)) if p == summary.missing_quarters.as_slice() => last.get_slice(0, p.len()),
            _ => PyList::new(py, summary.missing_quarters.iter().map(|q| shared.quarter(*q)))?,
        };
        missing.push(list);
        previous = Some(&summary.missing_quarters);
    }
    summaries.set_item("missing_quarters", missing)?;
    summaries.set_item("error_code", s().map(|s| s.error.as_ref().map(|e| e.code.as_str())).collect::<Vec<_>>())?;
    summaries.set_item("error_row", s().map(|s| s.error.as_ref().and_then(|e| e.row)).collect::<Vec<_>>())?;
    summaries.set_item("error", s().map(|s| s.error.as_ref().map(|e| e.message_en.clone())).collect::<Vec<_>>())?;
    Ok((columns, summaries))
}
