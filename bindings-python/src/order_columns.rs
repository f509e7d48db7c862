//! Payment orders given as columns by the Python layer (numbers in one of four forms, dates as
//! `datetime64[D]` days, amounts in integer cents) read into the core's `OrderColumns`, each
//! order checked by the core and each refusal reported with its row; a long column on threads.

use cie_pagamenti::orders::{declared_period, joined_column, JoinedNumbers, OrderColumns};
use cie_pagamenti::{Amount, CieError, ErrorCode};
use numpy::{PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyInt, PyString};

use crate::convert;
use crate::errors::coded;

/// A day of a numpy `datetime64[D]` column viewed as int64 (days since 1970-01-01; NaT = i64::MIN).
pub(crate) fn column_day(days: i64, row: usize) -> PyResult<Option<chrono::NaiveDate>> {
    if days == i64::MIN {
        return Ok(None);
    }
    i32::try_from(days)
        .ok()
        .and_then(cie_pagamenti::calendar::date_of_day_number)
        .map(Some)
        .ok_or_else(|| coded(ErrorCode::DateInvalid, &format!("row {row}: day out of range")))
}

/// [`column_day`] remembering the days read, in 64 slots by the day's last bits: dates come
/// sorted or nearly, or (a national file, municipality after municipality) cycle through the
/// year's few dozen order dates, so nearly every row finds its day without a date computed.
/// A missing day (NaT) is not remembered.
pub(crate) struct DayMemo([(i64, Option<chrono::NaiveDate>); 64]);

impl Default for DayMemo {
    fn default() -> DayMemo {
        // i64::MIN is NaT, never looked up: an empty slot.
        DayMemo([(i64::MIN, None); 64])
    }
}

impl DayMemo {
    pub(crate) fn day(&mut self, days: i64, row: usize) -> PyResult<Option<chrono::NaiveDate>> {
        if days == i64::MIN {
            return Ok(None);
        }
        let slot = &mut self.0[(days & 63) as usize];
        if slot.0 == days {
            return Ok(slot.1);
        }
        let date = column_day(days, row)?;
        *slot = (days, date);
        Ok(date)
    }
}

/// The error of a numpy column that is not contiguous in memory (it is read in place).
pub(crate) fn contiguous(what: &str) -> PyErr {
    coded(ErrorCode::InputFormat, &format!("{what}: the array must be contiguous"))
}

/// An order number of a column: a `str`, or an `int` written in decimal.
fn order_number(item: &Bound<'_, PyAny>, row: usize) -> PyResult<String> {
    if item.is_instance_of::<PyString>() || (item.is_instance_of::<PyInt>() && !item.is_instance_of::<PyBool>()) {
        if let Ok(text) = item.str().and_then(|t| t.extract::<String>()) {
            return Ok(text);
        }
    }
    Err(coded(ErrorCode::OrderNumberInvalid, &format!("row {row}: the order number must be a str or an int")))
}

/// A column of amounts in integer cents (an int64 array); floats are `FLOAT_NOT_ALLOWED`.
pub(crate) fn cents_array<'py>(amount_cents: &Bound<'py, PyAny>) -> PyResult<PyReadonlyArray1<'py, i64>> {
    convert::whole_int64_array(
        amount_cents,
        "amount_cents",
        "amount_cents: integer cents, never floating point",
        "amount_cents: an int64 array of cents",
    )
}

/// The order numbers of a column, in one of the forms the Python layer passes.
pub(crate) enum Numbers<'a> {
    /// Joined by newlines (the count of pieces checked beforehand).
    Joined(JoinedNumbers<'a>, usize),
    /// Read one by one.
    Items(&'a [String]),
    /// An integer column, each written in decimal.
    Integers(&'a [i64]),
    /// A numpy text column's code points.
    Points(PointNumbers<'a>),
}

/// The numbers of a numpy text column (`<U`): `width` code points per number, padded with
/// zeros (as numpy pads them); each decoded into one reused buffer.
pub(crate) struct PointNumbers<'a> {
    points: &'a [u32],
    width: usize,
    text: String,
}

impl PointNumbers<'_> {
    /// Number `row`'s text, its padding dropped (a zero inside it is kept, as numpy keeps it);
    /// a code point that is no character (a lone surrogate) is refused with its row.
    fn get(&mut self, row: usize) -> PyResult<&str> {
        let cell = self.points.get(row * self.width..(row + 1) * self.width).unwrap_or_default();
        let used = cell.iter().rposition(|&p| p != 0).map_or(0, |last| last + 1);
        self.text.clear();
        for &point in &cell[..used] {
            let ch = char::from_u32(point).ok_or_else(|| {
                coded(ErrorCode::OrderNumberInvalid, &format!("row {row}: the order number is not text"))
            })?;
            self.text.push(ch);
        }
        Ok(&self.text)
    }
}

impl<'a> Numbers<'a> {
    /// The same column for another thread to read rows of it at random (a number's text
    /// decoded in a buffer of its own); `None` for numbers joined in one text, read in order.
    fn part(&self) -> Option<Numbers<'a>> {
        match self {
            Numbers::Joined(..) => None,
            Numbers::Items(items) => Some(Numbers::Items(items)),
            Numbers::Integers(integers) => Some(Numbers::Integers(integers)),
            Numbers::Points(p) => {
                Some(Numbers::Points(PointNumbers { points: p.points, width: p.width, text: String::new() }))
            }
        }
    }

    /// Number of orders in the column.
    pub(crate) fn len(&self) -> usize {
        match self {
            Numbers::Joined(_, count) => *count,
            Numbers::Items(items) => items.len(),
            Numbers::Integers(integers) => integers.len(),
            Numbers::Points(p) => p.points.len().checked_div(p.width).unwrap_or(0),
        }
    }
}

/// Where a column of order numbers is read from: one UTF-8 text of the numbers joined by
/// newlines (read in place, when it splits into exactly as many numbers: no valid number has a
/// newline inside), an int64 array, or the items one by one (each refused with its row).
pub(crate) enum NumberColumn<'py> {
    Joined(Bound<'py, PyBytes>, usize),
    Items(Vec<String>),
    Integers(PyReadonlyArray1<'py, i64>),
    /// A numpy text column viewed as its code points: one row per number.
    Points(PyReadonlyArray2<'py, u32>),
}

impl<'py> NumberColumn<'py> {
    pub(crate) fn read(numbers: &Bound<'py, PyAny>, joined: Option<Bound<'py, PyBytes>>) -> PyResult<Self> {
        if convert::is_ndarray(numbers) {
            if let Ok(points) = numbers.extract::<PyReadonlyArray2<'py, u32>>() {
                return Ok(NumberColumn::Points(points));
            }
        }
        if let Ok(integers) = convert::int64_array(numbers, "numbers") {
            return Ok(NumberColumn::Integers(integers));
        }
        let not_a_column = || coded(ErrorCode::InputFormat, "numbers: a sequence of order numbers");
        let count = numbers.len().map_err(|_| not_a_column())?;
        if let Some(bytes) = joined {
            let fits = std::str::from_utf8(bytes.as_bytes()).ok().and_then(|t| joined_column(t, count)).is_some();
            if fits {
                return Ok(NumberColumn::Joined(bytes, count));
            }
        }
        let items = numbers
            .try_iter()
            .map_err(|_| not_a_column())?
            .enumerate()
            .map(|(row, item)| order_number(&item?, row))
            .collect::<PyResult<_>>()?;
        Ok(NumberColumn::Items(items))
    }

    pub(crate) fn numbers(&self) -> PyResult<Numbers<'_>> {
        Ok(match self {
            NumberColumn::Joined(bytes, count) => {
                let pieces = std::str::from_utf8(bytes.as_bytes()).ok().and_then(|t| joined_column(t, *count));
                Numbers::Joined(pieces.ok_or_else(|| coded(ErrorCode::InputFormat, "numbers: joined text"))?, *count)
            }
            NumberColumn::Items(items) => Numbers::Items(items),
            NumberColumn::Integers(integers) => {
                Numbers::Integers(integers.as_slice().map_err(|_| contiguous("numbers"))?)
            }
            NumberColumn::Points(points) => Numbers::Points(PointNumbers {
                points: points.as_slice().map_err(|_| contiguous("numbers"))?,
                width: points.shape()[1],
                text: String::new(),
            }),
        })
    }
}

/// The order columns built row by row from the Python layer's columns (`cents` and the periods
/// as long as `dates`): the checks of `PaymentOrder::new`, each refusal with its row.
pub(crate) fn order_columns(
    numbers: &mut Numbers<'_>,
    dates: &[i64],
    cents: &[i64],
    from: Option<&[i64]>,
    to: Option<&[i64]>,
) -> PyResult<OrderColumns> {
    order_rows(numbers, 0..dates.len().min(cents.len()), dates, cents, from, to)
}

/// [`order_columns`] of the rows `rows` (within every column).
fn order_rows(
    numbers: &mut Numbers<'_>,
    rows: std::ops::Range<usize>,
    dates: &[i64],
    cents: &[i64],
    from: Option<&[i64]>,
    to: Option<&[i64]>,
) -> PyResult<OrderColumns> {
    let mut orders = OrderColumns::with_capacity(rows.len());
    let (mut date_memo, mut from_memo, mut to_memo) = (DayMemo::default(), DayMemo::default(), DayMemo::default());
    let day = |memo: &mut DayMemo, column: Option<&[i64]>, row: usize| match column.and_then(|c| c.get(row)) {
        Some(&days) => memo.day(days, row),
        None => Ok(None),
    };
    for row in rows {
        let date = day(&mut date_memo, Some(dates), row)?
            .ok_or_else(|| coded(ErrorCode::DateFormat, &format!("row {row}: the order date is missing")))?;
        let start = day(&mut from_memo, from, row)?;
        let end = day(&mut to_memo, to, row)?;
        let period = declared_period(start, end).map_err(|e| coded(e.code(), &format!("row {row}: {e}")))?;
        let amount = Amount::from_cents(cents.get(row).copied().unwrap_or_default());
        match numbers {
            Numbers::Joined(pieces, _) => orders.push(pieces.next().unwrap_or_default(), date, amount, period),
            Numbers::Items(items) => orders.push(items.get(row).map_or("", String::as_str), date, amount, period),
            Numbers::Integers(integers) => {
                orders.push_integer(integers.get(row).copied().unwrap_or_default(), date, amount, period)
            }
            Numbers::Points(points) => orders.push(points.get(row)?, date, amount, period),
        }
        .map_err(|e| coded(e.code(), &format!("row {row}")))?;
    }
    Ok(orders)
}

/// The order columns all `n` rows long (the numbers, dates, cents and either period end), or
/// `INPUT_FORMAT`.
pub(crate) fn same_lengths(
    n: usize,
    numbers: &Numbers<'_>,
    dates: &[i64],
    cents: &[i64],
    from: Option<&[i64]>,
    to: Option<&[i64]>,
) -> PyResult<()> {
    let lengths =
        [numbers.len(), dates.len(), cents.len()].into_iter().chain(from.map(<[i64]>::len)).chain(to.map(<[i64]>::len));
    if lengths.into_iter().any(|len| len != n) {
        return Err(coded(ErrorCode::InputFormat, "order columns of different lengths"));
    }
    Ok(())
}

/// Orders from which [`order_columns_on_threads`] builds its columns on several threads.
const PARALLEL_ORDERS: usize = 1 << 16;

/// [`order_columns`] of a long column on `threads` threads, each building the columns of its
/// own rows (the GIL released meanwhile), the parts then put end to end; the first refused
/// row's error, as on one thread. Numbers joined in one text are read in order, on this thread.
pub(crate) fn order_columns_on_threads(
    py: Python<'_>,
    numbers: &mut Numbers<'_>,
    dates: &[i64],
    cents: &[i64],
    from: Option<&[i64]>,
    to: Option<&[i64]>,
    threads: usize,
) -> PyResult<OrderColumns> {
    let n = dates.len().min(cents.len());
    let parts = if n >= PARALLEL_ORDERS { threads.max(1) } else { 1 };
    if parts == 1 || numbers.part().is_none() {
        return order_columns(numbers, dates, cents, from, to);
    }
    let shared: &Numbers<'_> = numbers;
    let built = py.detach(|| {
        convert::on_threads(convert::equal_parts(n, parts), |rows| match shared.part() {
            Some(mut own) => order_rows(&mut own, rows, dates, cents, from, to),
            None => Ok(OrderColumns::default()),
        })
    });
    Ok(OrderColumns::concat(built.into_iter().collect::<PyResult<Vec<_>>>()?))
}
