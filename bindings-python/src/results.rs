//! Typed, frozen result objects built from the core's values: no JSON crosses into Python.
//! Each class is declared once, here (`result_class!`); the stub `_native.pyi` is checked
//! against this module by stubtest. `to_dict()` gives plain data: `Decimal`, `date`, `str`
//! (quarters as `2024-Q1`), `int`, `bool`, lists, tuples and dicts.

use chrono::NaiveDate;
use cie_pagamenti::allocation::{OrderAllocation, Portion, QuarterAllocation};
use cie_pagamenti::reconciliation::{Balance, PrePortalRow, QuarterRow, Reconciliation};
use cie_pagamenti::{ErrorCode, Price, PriceSchedule};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use pyo3::IntoPyObjectExt;
use rust_decimal::Decimal;

use crate::calendar::PyQuarter;
use crate::convert::{self, amount_out};
use crate::errors::{coded, IntoPy};

/// A value as plain Python data (what `to_dict()` holds).
pub(crate) trait Plain {
    fn plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
}

macro_rules! plain_as_is {
    ($($t:ty),*) => {$(
        impl Plain for $t {
            fn plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                self.clone().into_bound_py_any(py)
            }
        }
    )*};
}
plain_as_is!(Decimal, NaiveDate, u64, i64, usize, i32, bool, String);

impl Plain for PyQuarter {
    fn plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.0.to_string().into_pyobject(py)?.into_any())
    }
}

impl<T: Plain> Plain for Option<T> {
    fn plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(v) => v.plain(py),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

impl<T: Plain> Plain for Vec<T> {
    fn plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let items = self.iter().map(|v| v.plain(py)).collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, items)?.into_any())
    }
}

impl<A: Plain, B: Plain> Plain for (A, B) {
    fn plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyTuple::new(py, [self.0.plain(py)?, self.1.plain(py)?])?.into_any())
    }
}

/// A frozen result class: the struct, its Python name, a getter per field, `==`, `to_dict()`
/// and a `repr` listing the fields.
macro_rules! result_class {
    ($(#[$doc:meta])* $rust:ident as $py:literal new { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? } $(methods { $($methods:tt)* })?) => {
        result_class! {
            $(#[$doc])* $rust as $py { $($(#[$fdoc])* $field: $ty),* }
            methods {
                /// Built from its fields, in order (as the library builds it).
                #[new]
                #[allow(clippy::too_many_arguments)] // one argument per field
                fn new($($field: $ty),*) -> Self {
                    $rust { $($field),* }
                }

                $($($methods)*)?
            }
        }
    };
    ($(#[$doc:meta])* $rust:ident as $py:literal { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? } $(methods { $($methods:tt)* })?) => {
        $(#[$doc])*
        #[pyclass(name = $py, module = "cie_pagamenti", frozen, eq, get_all, from_py_object)]
        #[derive(Clone, PartialEq)]
        pub(crate) struct $rust {
            $($(#[$fdoc])* pub(crate) $field: $ty,)*
        }

        impl Plain for $rust {
            fn plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                let dict = PyDict::new(py);
                $(dict.set_item(stringify!($field), self.$field.plain(py)?)?;)*
                Ok(dict.into_any())
            }
        }

        #[pymethods]
        impl $rust {
            /// The result as plain data (Decimal, date, str, int, bool, lists, dicts), for JSON
            /// or a data frame.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                self.plain(py)
            }

            fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
                let me = slf.get();
                let fields: Vec<String> = vec![$(
                    format!("{}={}", stringify!($field), me.$field.clone().into_bound_py_any(slf.py())?.repr()?),
                )*];
                Ok(format!("{}({})", $py, fields.join(", ")))
            }

            $($($methods)*)?
        }
    };
}

result_class! {
    /// The price of a card from a date and its parts. Built by `price_on`, or by the caller for
    /// a schedule of their own (`schedule=[Price(...), ...]`).
    PyPrice as "Price" {
        /// Price per card paid to the State (€16,79).
        unit: Decimal,
        /// Net of VAT (€13,76).
        net: Decimal,
        /// VAT (€3,03).
        vat: Decimal,
        /// VAT rate as a fraction (0.22).
        vat_rate: Decimal,
        /// Part returned to the municipality (€0,70).
        municipal_share: Decimal,
        /// Part returned to the Ministry of the Interior (€1,15).
        ministry_share: Decimal,
        /// First day the price applies (cards are priced by their signing date).
        valid_from: NaiveDate,
    }
    methods {
    #[new]
    #[pyo3(signature = (*, valid_from, unit, net, vat, vat_rate, municipal_share, ministry_share))]
    fn new(
        valid_from: &Bound<'_, PyAny>,
        unit: &Bound<'_, PyAny>,
        net: &Bound<'_, PyAny>,
        vat: &Bound<'_, PyAny>,
        vat_rate: &Bound<'_, PyAny>,
        municipal_share: &Bound<'_, PyAny>,
        ministry_share: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let price = Price {
            valid_from: convert::date(valid_from)?,
            unit: convert::amount(unit)?,
            net: convert::amount(net)?,
            vat: convert::amount(vat)?,
            vat_rate_percent: rate_percent(vat_rate)?,
            municipal_share: convert::amount(municipal_share)?,
            ministry_share: convert::amount(ministry_share)?,
        };
        // One entry is checked as a schedule of one: parts adding up, a positive price.
        PriceSchedule::new(vec![price]).py_err()?;
        Ok(PyPrice::from(&price))
    }
    }
}

/// A VAT rate given as a fraction (`Decimal("0.22")`, `"0.22"`): a whole percentage.
fn rate_percent(ob: &Bound<'_, PyAny>) -> PyResult<u32> {
    percent_of(convert::amount(ob)?.to_decimal()).ok_or_else(|| {
        coded(ErrorCode::PriceNotDefined, "vat_rate: a whole percentage as a fraction, e.g. Decimal(\"0.22\")")
    })
}

/// The whole percentage of a fraction (0.22 → 22), up to 100.
fn percent_of(rate: Decimal) -> Option<u32> {
    use rust_decimal::prelude::ToPrimitive;
    let percent = rate * Decimal::ONE_HUNDRED;
    percent.fract().is_zero().then(|| percent.to_u32()).flatten().filter(|p| *p <= 100)
}

impl From<&Price> for PyPrice {
    fn from(p: &Price) -> Self {
        PyPrice {
            unit: amount_out(p.unit),
            net: amount_out(p.net),
            vat: amount_out(p.vat),
            vat_rate: Decimal::new(i64::from(p.vat_rate_percent), 2),
            municipal_share: amount_out(p.municipal_share),
            ministry_share: amount_out(p.ministry_share),
            valid_from: p.valid_from,
        }
    }
}

impl PyPrice {
    fn core(&self) -> PyResult<Price> {
        Ok(Price {
            valid_from: self.valid_from,
            unit: cie_pagamenti::Amount::from_decimal(self.unit).py_err()?,
            net: cie_pagamenti::Amount::from_decimal(self.net).py_err()?,
            vat: cie_pagamenti::Amount::from_decimal(self.vat).py_err()?,
            // infallible in practice: `vat_rate` was made from a whole percentage, and a frozen
            // object cannot change it; u32::MAX would fail the schedule's checks anyway.
            vat_rate_percent: percent_of(self.vat_rate).unwrap_or(u32::MAX),
            municipal_share: cie_pagamenti::Amount::from_decimal(self.municipal_share).py_err()?,
            ministry_share: cie_pagamenti::Amount::from_decimal(self.ministry_share).py_err()?,
        })
    }
}

/// The `schedule=` argument: `None` for the built-in schedule (€16,79 from 2016-07-04), or a
/// sequence of `Price` (sorted here; dates must differ).
pub(crate) fn schedule(ob: Option<&Bound<'_, PyAny>>) -> PyResult<PriceSchedule> {
    let Some(ob) = ob.filter(|o| !o.is_none()) else {
        return Ok(PriceSchedule::builtin());
    };
    let mut entries = Vec::new();
    for item in ob.try_iter().map_err(|_| coded(ErrorCode::PriceNotDefined, "schedule: a list of Price"))? {
        let item = item?;
        let price = item
            .cast::<PyPrice>()
            .map_err(|_| coded(ErrorCode::PriceNotDefined, "schedule: every entry is a cie_pagamenti.Price"))?;
        entries.push(price.get().core()?);
    }
    PriceSchedule::new(entries).py_err()
}

result_class! {
    /// What a citizen pays for a CIE.
    PyCitizenFee as "CitizenFee" new {
        /// The State's price per card (€16,79).
        state: Decimal,
        /// The municipal fixed fee (doubled for a duplicate).
        fixed_fee: Decimal,
        /// The secretarial fee.
        secretarial_fee: Decimal,
        /// The total.
        total: Decimal,
    }
}

result_class! {
    /// The part of an order imputed to one quarter.
    PyPortion as "Portion" new {
        /// The quarter of the cards paid.
        quarter: PyQuarter,
        /// Cards paid in that quarter.
        cards: u64,
        /// Their amount.
        amount: Decimal,
    }
}

impl From<&Portion> for PyPortion {
    fn from(p: &Portion) -> Self {
        PyPortion { quarter: PyQuarter(p.quarter), cards: p.cards, amount: amount_out(p.amount) }
    }
}

result_class! {
    /// How one order was allocated.
    PyOrderAllocation as "OrderAllocation" new {
        /// The order number.
        number: String,
        /// The order date.
        date: NaiveDate,
        /// The order amount.
        amount: Decimal,
        /// The declared period (from, to), if any.
        period: Option<(NaiveDate, NaiveDate)>,
        /// Its parts by quarter.
        portions: Vec<PyPortion>,
        /// True when the order pays cards of more than one quarter.
        split: bool,
        /// What the order paid beyond the cards it found.
        credit: Decimal,
    }
}

impl From<&OrderAllocation> for PyOrderAllocation {
    fn from(o: &OrderAllocation) -> Self {
        PyOrderAllocation {
            number: o.order.number.clone(),
            date: o.order.date,
            amount: amount_out(o.order.amount),
            period: o.order.period,
            portions: o.portions.iter().map(PyPortion::from).collect(),
            split: o.split,
            credit: amount_out(o.credit),
        }
    }
}

result_class! {
    /// Per-quarter outcome of an allocation.
    PyQuarterAllocation as "QuarterAllocation" new {
        /// Cards signed in the quarter.
        cards_signed: u64,
        /// Of those, cards paid.
        cards_paid: u64,
        /// The amount imputed to the quarter.
        amount: Decimal,
        /// Cards signed and not paid.
        unpaid_cards: u64,
        /// Their value.
        debit: Decimal,
    }
}

impl From<&QuarterAllocation> for PyQuarterAllocation {
    fn from(q: &QuarterAllocation) -> Self {
        PyQuarterAllocation {
            cards_signed: q.cards_signed,
            cards_paid: q.cards_paid,
            amount: amount_out(q.amount),
            unpaid_cards: q.unpaid_cards,
            debit: amount_out(q.debit),
        }
    }
}

result_class! {
    /// One row of the Resoconto dei Trimestri.
    PyQuarterRow as "QuarterRow" new {
        /// The quarter.
        quarter: PyQuarter,
        /// Amount imputed to it.
        amount: Decimal,
        /// Cards the amount pays.
        cards_from_amount: u64,
        /// True when the amount is an exact multiple of the price.
        exact: bool,
        /// What to add to reach the next whole card, when not exact.
        top_up: Option<Decimal>,
        /// The CIEonline count, if known.
        cieonline_cards: Option<u64>,
        /// True while the quarter is open (the count can still change).
        cieonline_provisional: bool,
        /// The quarter's state (`in_progress`, `completing`, `closing`, `transmitted`).
        state: Option<String>,
        /// Cards from amount minus CIEonline cards, when both are known and the quarter ended.
        discrepancy: Option<i64>,
        /// The difference while the quarter is still open.
        mismatch: Option<i64>,
        /// The municipal share of the quarter.
        municipal_share: Decimal,
        /// True when the share is suspended (quarter not in order).
        share_suspended: bool,
        /// True for an ended quarter with nothing to pay and no cards.
        zero_quarter: bool,
    }
}

impl From<&QuarterRow> for PyQuarterRow {
    fn from(r: &QuarterRow) -> Self {
        PyQuarterRow {
            quarter: PyQuarter(r.quarter),
            amount: amount_out(r.amount),
            cards_from_amount: r.cards_from_amount,
            exact: r.exact,
            top_up: r.top_up.map(amount_out),
            cieonline_cards: r.cieonline_cards,
            cieonline_provisional: r.cieonline_provisional,
            state: r.state.map(|s| s.as_str().to_owned()),
            discrepancy: r.discrepancy,
            mismatch: r.mismatch,
            municipal_share: amount_out(r.municipal_share),
            share_suspended: r.share_suspended,
            zero_quarter: r.zero_quarter,
        }
    }
}

result_class! {
    /// A quarter before the portal existed (before 2020): reported, never transmitted.
    PyPrePortalRow as "PrePortalRow" new {
        /// The quarter.
        quarter: PyQuarter,
        /// Amount imputed to it.
        amount: Decimal,
        /// Cards the amount pays.
        cards_from_amount: u64,
        /// The CIEonline count, if known.
        cieonline_cards: Option<u64>,
    }
}

impl From<&PrePortalRow> for PyPrePortalRow {
    fn from(r: &PrePortalRow) -> Self {
        PyPrePortalRow {
            quarter: PyQuarter(r.quarter),
            amount: amount_out(r.amount),
            cards_from_amount: r.cards_from_amount,
            cieonline_cards: r.cieonline_cards,
        }
    }
}

result_class! {
    /// The Resoconto dei Trimestri.
    PyReconciliation as "Reconciliation" new {
        /// One row per quarter of the portal.
        quarters: Vec<PyQuarterRow>,
        /// Quarters before the portal.
        pre_portal: Vec<PyPrePortalRow>,
        /// `over` (paid for more cards than CIEonline counts), `under` or `equal`, over the
        /// transmitted quarters; None when none has both figures.
        balance: Option<String>,
        /// True when a transmitted quarter has no CIEonline count.
        balance_incomplete: bool,
        /// Transmitted quarters lacking a CIEonline count.
        transmitted_without_count: Vec<PyQuarter>,
        /// Quarters whose open-quarter figures differ.
        mismatches: usize,
        /// Ended quarters with a discrepancy.
        discrepancies: usize,
        /// The municipal share due.
        municipal_share: Decimal,
        /// The share suspended.
        suspended_share: Decimal,
        /// Ended quarters not yet transmitted.
        missing_quarters: Vec<PyQuarter>,
        /// The next quarter to transmit, in order.
        next_to_transmit: Option<PyQuarter>,
        /// Cards from amount over the transmitted quarters.
        transmitted_cards_from_amount: u64,
        /// CIEonline cards over the transmitted quarters.
        transmitted_cieonline_cards: u64,
        /// Years whose four quarters are transmitted.
        complete_years: Vec<i32>,
    }
    methods {
    /// The rows as a pandas DataFrame indexed by quarter (needs the ``pandas`` extra).
    fn quarters_frame<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pd = crate::errors::optional(py, "pandas")?;
        let rows = self.quarters.plain(py)?;
        pd.getattr("DataFrame")?.call1((rows,))?.call_method1("set_index", ("quarter",))
    }
    }
}

impl From<&Reconciliation> for PyReconciliation {
    fn from(r: &Reconciliation) -> Self {
        let quarters = |qs: &[cie_pagamenti::Quarter]| qs.iter().copied().map(PyQuarter).collect();
        PyReconciliation {
            quarters: r.quarters.iter().map(PyQuarterRow::from).collect(),
            pre_portal: r.pre_portal.iter().map(PyPrePortalRow::from).collect(),
            balance: r.balance.map(|b| {
                match b {
                    Balance::Equal => "equal",
                    Balance::Over => "over",
                    Balance::Under => "under",
                }
                .to_owned()
            }),
            balance_incomplete: r.balance_incomplete,
            transmitted_without_count: quarters(&r.transmitted_without_count),
            mismatches: r.mismatches,
            discrepancies: r.discrepancies,
            municipal_share: amount_out(r.municipal_share),
            suspended_share: amount_out(r.suspended_share),
            missing_quarters: quarters(&r.missing_quarters),
            next_to_transmit: r.next_to_transmit.map(PyQuarter),
            transmitted_cards_from_amount: r.transmitted_cards_from_amount,
            transmitted_cieonline_cards: r.transmitted_cieonline_cards,
            complete_years: r.complete_years.clone(),
        }
    }
}

/// Any serde value as Python data (dicts, lists, str, int, bool, None), without JSON text:
/// through a `serde_json::Value` so that sequences are lists, as the shared vectors have them.
pub(crate) fn data<'py, T: serde::Serialize + ?Sized>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(value).map_err(|e| coded(ErrorCode::InputFormat, &e.to_string()))?;
    pythonize::pythonize(py, &value).map_err(|e| coded(ErrorCode::InputFormat, &e.to_string()))
}
