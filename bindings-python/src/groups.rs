//! The national job from Python: columns with a group number per row (the Python layer turns
//! the `by` keys into numbers) in, one row per group and quarter and a summary per group out.
//! The groups are shared among threads here, the GIL released; every rule is the core's
//! `GroupedInput::reconcile`.

use cie_pagamenti::orders::{declared_period, PaymentOrder};
use cie_pagamenti::reconciliation::{GroupResult, GroupedInput, Lifespan, QuarterState};
use cie_pagamenti::{Amount, ErrorCode, PriceSchedule, Quarter};
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::convert::{self, amount_out};
use crate::engine::column_day;
use crate::errors::{coded, IntoPy};

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
type Tuples<'py> = (Bound<'py, PyDict>, Vec<Bound<'py, PyTuple>>);

/// Reconciles every group: see the Python `reconcile_groups`.
#[pyfunction]
#[pyo3(signature = (groups, card_group, card_epoch, order_group, numbers, dates, amount_cents, period_from, period_to, cie_group, cie_quarter, cie_cards, tr_group, tr_quarter, now, first_quarter=None, threads=0))]
#[allow(clippy::too_many_arguments)] // one argument per column of the Python layer
pub(crate) fn reconcile_groups_columns<'py>(
    py: Python<'py>,
    groups: usize,
    card_group: &Bound<'py, PyAny>,
    card_epoch: &Bound<'py, PyAny>,
    order_group: &Bound<'py, PyAny>,
    numbers: Vec<String>,
    dates: &Bound<'py, PyAny>,
    amount_cents: &Bound<'py, PyAny>,
    period_from: &Bound<'py, PyAny>,
    period_to: &Bound<'py, PyAny>,
    cie_group: &Bound<'py, PyAny>,
    cie_quarter: Vec<Bound<'py, PyAny>>,
    cie_cards: &Bound<'py, PyAny>,
    tr_group: &Bound<'py, PyAny>,
    tr_quarter: Vec<Bound<'py, PyAny>>,
    now: &Bound<'py, PyAny>,
    first_quarter: Option<&Bound<'py, PyAny>>,
    threads: usize,
) -> PyResult<Tuples<'py>> {
    let arrays = [
        ("card_epoch", card_epoch),
        ("order_group", order_group),
        ("dates", dates),
        ("amount_cents", amount_cents),
        ("period_from", period_from),
        ("period_to", period_to),
        ("cie_group", cie_group),
        ("cie_cards", cie_cards),
        ("tr_group", tr_group),
    ]
    .iter()
    .map(|(what, a)| convert::int64_array(a, what))
    .collect::<PyResult<Vec<_>>>()?;
    let s = |i: usize, what: &str| slice(&arrays[i], what);
    let ce = s(0, "card_epoch")?;
    let (og, od, oc, pf, pt) =
        (s(1, "order_group")?, s(2, "dates")?, s(3, "amount_cents")?, s(4, "period_from")?, s(5, "period_to")?);
    let (ng, nc, tg) = (s(6, "cie_group")?, s(7, "cie_cards")?, s(8, "tr_group")?);
    // The cards' groups: a uint32 array read in place (the core checks each is below `groups`).
    let not_u32 = || coded(ErrorCode::InputFormat, "card_group: a contiguous uint32 numpy array");
    if !convert::is_ndarray(card_group) {
        return Err(not_u32());
    }
    let card_group: numpy::PyReadonlyArray1<'py, u32> = card_group.extract().map_err(|_| not_u32())?;
    let cg = card_group.as_slice().map_err(|_| not_u32())?;
    if [od.len(), oc.len(), pf.len(), pt.len(), numbers.len()].iter().any(|&n| n != og.len()) {
        return Err(coded(ErrorCode::InputFormat, "order columns of different lengths"));
    }
    if ce.len() != cg.len() || cie_quarter.len() != ng.len() || nc.len() != ng.len() || tr_quarter.len() != tg.len() {
        return Err(coded(ErrorCode::InputFormat, "columns of different lengths"));
    }
    let now = convert::moment(now)?;
    let first = first_quarter.filter(|q| !q.is_none()).map(convert::quarter).transpose()?;
    let mut orders = Vec::with_capacity(og.len());
    for row in 0..og.len() {
        let group = group_of(og[row], groups, "order", row)?;
        let date = column_day(od[row], row)?
            .ok_or_else(|| coded(ErrorCode::DateFormat, &format!("order row {row}: no date")))?;
        let period = declared_period(column_day(pf[row], row)?, column_day(pt[row], row)?).py_err()?;
        let order = PaymentOrder::new(&numbers[row], date, Amount::from_cents(oc[row]), period).py_err()?;
        orders.push((group, order));
    }
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
    let results: Vec<GroupResult> = py
        .detach(|| {
            let input = GroupedInput::new(groups, cg, ce, orders, &cieonline, &transmitted)?;
            let schedule = PriceSchedule::builtin();
            let threads = if threads == 0 {
                std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
            } else {
                threads
            };
            let mut results = vec![GroupResult::default(); groups];
            let chunk = groups.div_ceil(threads.max(1)).max(1);
            // Groups are independent: each thread reconciles its share of them.
            std::thread::scope(|scope| {
                for (k, part) in results.chunks_mut(chunk).enumerate() {
                    let (input, schedule) = (&input, &schedule);
                    scope.spawn(move || input.reconcile_into(k * chunk, part, lifespan, now, schedule));
                }
            });
            Ok::<_, cie_pagamenti::reconciliation::GroupError>(results)
        })
        .py_err()?;
    tuples(py, &results)
}

/// Rows (group, quarter fields) and summaries as tuples.
fn tuples<'py>(py: Python<'py>, results: &[GroupResult]) -> PyResult<Tuples<'py>> {
    // The quarter rows as columns: numbers in numpy arrays (amounts in integer cents: exact),
    // optional values as lists with None.
    let n: usize = results.iter().map(|r| r.rows.len()).sum();
    let (mut group, mut quarter, mut amount, mut cards) =
        (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut exact, mut top_up, mut cieonline, mut discrepancy, mut mismatch, mut state, mut zero) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for r in results {
        for q in &r.rows {
            group.push(i64::from(r.summary.group));
            quarter.push(q.quarter.to_string());
            amount.push(q.amount.cents());
            cards.push(i64::try_from(q.cards_from_amount).unwrap_or(i64::MAX));
            exact.push(q.exact);
            top_up.push(q.top_up.map(Amount::cents));
            cieonline.push(q.cieonline_cards);
            discrepancy.push(q.discrepancy);
            mismatch.push(q.mismatch);
            state.push(q.state.map(QuarterState::as_str));
            zero.push(q.zero_quarter);
        }
    }
    let columns = PyDict::new(py);
    columns.set_item("group", PyArray1::from_vec(py, group))?;
    columns.set_item("quarter", quarter)?;
    columns.set_item("amount_cents", PyArray1::from_vec(py, amount))?;
    columns.set_item("cards_from_amount", PyArray1::from_vec(py, cards))?;
    columns.set_item("exact", PyArray1::from_vec(py, exact))?;
    columns.set_item("top_up_cents", top_up)?;
    columns.set_item("cieonline_cards", cieonline)?;
    columns.set_item("discrepancy", discrepancy)?;
    columns.set_item("mismatch", mismatch)?;
    columns.set_item("state", state)?;
    columns.set_item("zero_quarter", PyArray1::from_vec(py, zero))?;
    let mut summaries = Vec::with_capacity(results.len());
    for r in results {
        let g = r.summary.group;
        let s = &r.summary;
        let missing: Vec<String> = s.missing_quarters.iter().map(ToString::to_string).collect();
        summaries.push(PyTuple::new(
            py,
            [
                g.into_pyobject(py)?.into_any(),
                s.cards.into_pyobject(py)?.into_any(),
                s.orders.into_pyobject(py)?.into_any(),
                amount_out(s.credit).into_pyobject(py)?.into_any(),
                amount_out(s.debit).into_pyobject(py)?.into_any(),
                s.discrepancies.into_pyobject(py)?.into_any(),
                s.mismatches.into_pyobject(py)?.into_any(),
                missing.into_pyobject(py)?.into_any(),
                s.error.as_ref().map(|e| e.code.as_str()).into_pyobject(py)?.into_any(),
                s.error.as_ref().and_then(|e| e.row).into_pyobject(py)?.into_any(),
                s.error.as_ref().map(|e| e.message_en.clone()).into_pyobject(py)?.into_any(),
            ],
        )?);
    }
    Ok((columns, summaries))
}
