//! The national job from Python: columns with a group number per row (the Python layer turns
//! the `by` keys into numbers) in, one row per group and quarter and a summary per group out.
//! The groups are shared among threads here, the GIL released; every rule is the core's
//! `GroupedInput::reconcile`.

use cie_pagamenti::orders::{declared_period, PaymentOrder};
use cie_pagamenti::reconciliation::{GroupResult, GroupedInput, Lifespan};
use cie_pagamenti::{Amount, ErrorCode, PriceSchedule, Quarter};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

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

fn quarter_code(code: i64, row: usize) -> PyResult<Quarter> {
    let (year, number) = (code.div_euclid(10), code.rem_euclid(10));
    i32::try_from(year)
        .ok()
        .and_then(|y| Quarter::new(y, u32::try_from(number).ok()?).ok())
        .ok_or_else(|| coded(ErrorCode::QuarterFormat, &format!("row {row}: quarter code {code}")))
}

/// The rows and the summaries handed to Python.
type Tuples<'py> = (Vec<Bound<'py, PyTuple>>, Vec<Bound<'py, PyTuple>>);

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
    cie_quarter: &Bound<'py, PyAny>,
    cie_cards: &Bound<'py, PyAny>,
    tr_group: &Bound<'py, PyAny>,
    tr_quarter: &Bound<'py, PyAny>,
    now: &Bound<'py, PyAny>,
    first_quarter: Option<&Bound<'py, PyAny>>,
    threads: usize,
) -> PyResult<Tuples<'py>> {
    let arrays = [
        ("card_group", card_group),
        ("card_epoch", card_epoch),
        ("order_group", order_group),
        ("dates", dates),
        ("amount_cents", amount_cents),
        ("period_from", period_from),
        ("period_to", period_to),
        ("cie_group", cie_group),
        ("cie_quarter", cie_quarter),
        ("cie_cards", cie_cards),
        ("tr_group", tr_group),
        ("tr_quarter", tr_quarter),
    ]
    .iter()
    .map(|(what, a)| convert::int64_array(a, what))
    .collect::<PyResult<Vec<_>>>()?;
    let s = |i: usize, what: &str| slice(&arrays[i], what);
    let (cg, ce) = (s(0, "card_group")?, s(1, "card_epoch")?);
    let (og, od, oc, pf, pt) =
        (s(2, "order_group")?, s(3, "dates")?, s(4, "amount_cents")?, s(5, "period_from")?, s(6, "period_to")?);
    let (ng, nq, nc, tg, tq) =
        (s(7, "cie_group")?, s(8, "cie_quarter")?, s(9, "cie_cards")?, s(10, "tr_group")?, s(11, "tr_quarter")?);
    if [od.len(), oc.len(), pf.len(), pt.len(), numbers.len()].iter().any(|&n| n != og.len()) {
        return Err(coded(ErrorCode::InputFormat, "order columns of different lengths"));
    }
    if ce.len() != cg.len() || nq.len() != ng.len() || nc.len() != ng.len() || tq.len() != tg.len() {
        return Err(coded(ErrorCode::InputFormat, "columns of different lengths"));
    }
    let now = convert::moment(now)?;
    let first = first_quarter.filter(|q| !q.is_none()).map(convert::quarter).transpose()?;
    let card_group: Vec<u32> =
        cg.iter().enumerate().map(|(row, &g)| group_of(g, groups, "card", row)).collect::<PyResult<_>>()?;
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
            Ok((group_of(ng[row], groups, "cieonline", row)?, quarter_code(nq[row], row)?, cards))
        })
        .collect::<PyResult<Vec<_>>>()?;
    let transmitted = (0..tg.len())
        .map(|row| Ok((group_of(tg[row], groups, "transmitted", row)?, quarter_code(tq[row], row)?)))
        .collect::<PyResult<Vec<_>>>()?;
    let lifespan = Lifespan { first: first.unwrap_or(Quarter::PORTAL_FIRST), last: None };
    let results: Vec<GroupResult> = py
        .detach(|| {
            let input = GroupedInput::new(groups, &card_group, ce, orders, &cieonline, &transmitted)?;
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
                    scope.spawn(move || {
                        for (i, slot) in part.iter_mut().enumerate() {
                            *slot = input.reconcile(k * chunk + i, lifespan, now, schedule);
                        }
                    });
                }
            });
            Ok::<_, cie_pagamenti::reconciliation::GroupError>(results)
        })
        .py_err()?;
    tuples(py, &results)
}

/// Rows (group, quarter fields) and summaries as tuples.
fn tuples<'py>(py: Python<'py>, results: &[GroupResult]) -> PyResult<Tuples<'py>> {
    let mut rows = Vec::new();
    let mut summaries = Vec::with_capacity(results.len());
    for r in results {
        let g = r.summary.group;
        for q in &r.rows {
            rows.push(PyTuple::new(
                py,
                [
                    g.into_pyobject(py)?.into_any(),
                    q.quarter.to_string().into_pyobject(py)?.into_any(),
                    amount_out(q.amount).into_pyobject(py)?.into_any(),
                    q.cards_from_amount.into_pyobject(py)?.into_any(),
                    pyo3::types::PyBool::new(py, q.exact).to_owned().into_any(),
                    q.top_up.map(amount_out).into_pyobject(py)?.into_any(),
                    q.cieonline_cards.into_pyobject(py)?.into_any(),
                    q.discrepancy.into_pyobject(py)?.into_any(),
                    q.mismatch.into_pyobject(py)?.into_any(),
                    q.state.map(|s| format!("{s:?}").to_lowercase()).into_pyobject(py)?.into_any(),
                    pyo3::types::PyBool::new(py, q.zero_quarter).to_owned().into_any(),
                ],
            )?);
        }
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
    Ok((rows, summaries))
}
