//! Quarters, fortnights, dates and moments.

use chrono::NaiveDate;
use cie_pagamenti::calendar::{pre2020_mailbox as core_mailbox, quarter_of_epoch, Fortnight};
use cie_pagamenti::{ErrorCode, Quarter};
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::convert;
use crate::errors::{coded, IntoPy};

/// A calendar quarter (hashable, ordered); `str()` is `2024-Q1`.
#[pyclass(name = "Quarter", module = "cie_pagamenti._native", frozen, eq, ord, hash, from_py_object)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct PyQuarter(pub(crate) Quarter);

#[pymethods]
impl PyQuarter {
    #[new]
    fn new(year: i32, number: u32) -> PyResult<Self> {
        Quarter::new(year, number).py_err().map(PyQuarter)
    }

    /// Parses `2024-Q1` (case-insensitive `q`).
    #[staticmethod]
    fn parse(text: &Bound<'_, PyAny>) -> PyResult<Self> {
        Quarter::parse(&convert::text(text, ErrorCode::QuarterFormat)?).py_err().map(PyQuarter)
    }

    #[getter]
    fn year(&self) -> i32 {
        self.0.year()
    }

    #[getter]
    fn number(&self) -> u32 {
        self.0.number()
    }

    #[getter]
    fn first_day(&self) -> NaiveDate {
        self.0.first_day()
    }

    #[getter]
    fn last_day(&self) -> NaiveDate {
        self.0.last_day()
    }

    #[getter]
    fn label_it(&self) -> String {
        self.0.label_it()
    }

    fn next(&self) -> Option<Self> {
        self.0.next().map(PyQuarter)
    }

    /// The quarter itself, or `QuarterError` (`QUARTER_OUT_OF_RANGE`) before 2020-Q1.
    fn ensure_portal(&self) -> PyResult<Self> {
        self.0.ensure_portal().py_err().map(PyQuarter)
    }

    fn previous(&self) -> Option<Self> {
        self.0.previous().map(PyQuarter)
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self) -> String {
        format!("Quarter({}, {})", self.0.year(), self.0.number())
    }
}

/// Half of a month; `str()` is `2024-03-2`.
#[pyclass(name = "Fortnight", module = "cie_pagamenti._native", frozen, eq, ord, hash)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct PyFortnight(pub(crate) Fortnight);

#[pymethods]
impl PyFortnight {
    /// The fortnight containing a day.
    #[staticmethod]
    fn of(day: &Bound<'_, PyAny>) -> PyResult<Self> {
        Fortnight::of(convert::date(day)?).py_err().map(PyFortnight)
    }

    /// Parses `2024-03-2`.
    #[staticmethod]
    fn parse(text: &Bound<'_, PyAny>) -> PyResult<Self> {
        Fortnight::parse(&convert::text(text, ErrorCode::FortnightFormat)?).py_err().map(PyFortnight)
    }

    #[getter]
    fn first_day(&self) -> NaiveDate {
        self.0.first_day()
    }

    #[getter]
    fn last_day(&self) -> NaiveDate {
        self.0.last_day()
    }

    #[getter]
    fn due_date(&self) -> NaiveDate {
        self.0.due_date()
    }

    fn is_late(&self, paid_on: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.0.is_late(convert::date(paid_on)?))
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self) -> String {
        format!("Fortnight('{}')", self.0)
    }
}

pub(crate) fn fortnight(ob: &Bound<'_, PyAny>) -> PyResult<Fortnight> {
    if let Ok(f) = ob.extract::<PyRef<'_, PyFortnight>>() {
        return Ok(f.0);
    }
    if ob.is_instance_of::<PyString>() {
        return Fortnight::parse(&ob.extract::<String>()?).py_err();
    }
    Err(coded(ErrorCode::FortnightFormat, "expected Fortnight or str"))
}

/// The quarter of a moment in Europe/Rome civil time.
#[pyfunction]
pub(crate) fn quarter_of(moment: &Bound<'_, PyAny>) -> PyResult<PyQuarter> {
    convert::moment(moment)?.quarter().py_err().map(PyQuarter)
}

/// Quarters of an int64 epoch-seconds array, as codes `year * 10 + number` (e.g. 20241),
/// computed without the GIL; 0 marks a moment outside the calendar.
#[pyfunction]
pub(crate) fn quarter_codes<'py>(py: Python<'py>, epochs: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyArray1<i32>>> {
    let epochs = crate::convert::int64_array(epochs, "moments")?;
    let slice = epochs.as_slice().map_err(|_| coded(ErrorCode::InputFormat, "the array must be contiguous"))?;
    let codes: Vec<i32> = py.detach(|| {
        slice.iter().map(|&t| quarter_of_epoch(t).map_or(0, |q| q.year() * 10 + q.number() as i32)).collect()
    });
    Ok(PyArray1::from_vec(py, codes))
}

/// Strict portal date `gg/mm/aaaa`.
#[pyfunction]
pub(crate) fn parse_date(text: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
    cie_pagamenti::calendar::parse_date(&convert::text(text, ErrorCode::DateFormat)?).py_err()
}

/// Mailbox for reports before 2020.
#[pyfunction]
pub(crate) fn pre2020_mailbox(name: &Bound<'_, PyAny>) -> PyResult<&'static str> {
    core_mailbox(&convert::text(name, ErrorCode::MunicipalityName)?).py_err()
}
