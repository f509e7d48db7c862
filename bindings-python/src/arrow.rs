//! Arrow input through the PyCapsule interface (pyo3-arrow): any object with
//! `__arrow_c_stream__` or `__arrow_c_array__` — pyarrow, polars, DuckDB relations, pandas ≥ 2.2 —
//! without pyarrow installed. The batch entry points read the columns they need as numpy arrays;
//! an `int64` or `timestamp[s]` column in one chunk without nulls is handed over without a copy
//! (the numpy array borrows the Arrow buffer and keeps it alive).

use ::arrow_array::cast::AsArray;
use ::arrow_array::types::{Date32Type, Date64Type, Int64Type, TimestampSecondType};
use ::arrow_array::{Array, ArrayRef};
use arrow_buffer::ScalarBuffer;
use arrow_schema::{DataType, TimeUnit};
use cie_pagamenti::ErrorCode;
use numpy::ndarray::ArrayView1;
use numpy::{PyArray1, PyArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use pyo3_arrow::input::{AnyArray, AnyRecordBatch};

use crate::errors::coded;

/// Keeps an Arrow buffer alive while a numpy array views it (held, never read).
#[pyclass(frozen)]
struct ArrowBuffer(#[allow(dead_code)] ScalarBuffer<i64>);

/// How a column is read: the unit the core wants.
#[derive(Clone, Copy)]
enum Kind {
    /// Epoch seconds (timestamps of any unit and zone, or integers).
    Seconds,
    /// Days since 1970-01-01 (dates, timestamps, ISO text).
    Days,
    /// Exact integers (floats are refused: money is never binary floating point).
    Int,
    /// Text (strings, dictionaries, integers written in decimal).
    Text,
    /// Group keys (text): `(codes, names)`, codes `uint32` numbering the names in order of
    /// first appearance, so that millions of keys never become Python strings.
    Key,
    /// Group keys as [`Kind::Key`], and the ends of their runs when each key's rows are one run
    /// (the codes then empty): `(codes, names, ends or None)`. The national job's cards.
    KeyRuns,
}

impl Kind {
    fn parse(name: &str) -> PyResult<Kind> {
        match name {
            "seconds" => Ok(Kind::Seconds),
            "days" => Ok(Kind::Days),
            "int" => Ok(Kind::Int),
            "text" => Ok(Kind::Text),
            "key" => Ok(Kind::Key),
            "key-runs" => Ok(Kind::KeyRuns),
            other => Err(coded(ErrorCode::InputFormat, &format!("unknown column kind {other:?}"))),
        }
    }
}

fn bad(column: &str, why: &str) -> PyErr {
    coded(ErrorCode::InputFormat, &format!("Arrow column {column:?}: {why}"))
}

fn arrow_error(column: &str, e: &arrow_schema::ArrowError) -> PyErr {
    bad(column, &e.to_string())
}

/// One column, its chunks joined (no copy for a single chunk).
fn joined(chunks: &[ArrayRef], column: &str, data_type: &DataType) -> PyResult<ArrayRef> {
    match chunks {
        [] => Ok(::arrow_array::new_empty_array(data_type)),
        [one] => Ok(one.clone()),
        many => {
            let refs: Vec<&dyn Array> = many.iter().map(AsRef::as_ref).collect();
            arrow_select::concat::concat(&refs).map_err(|e| arrow_error(column, &e))
        }
    }
}

fn int64_values(array: &ArrayRef, column: &str) -> PyResult<ScalarBuffer<i64>> {
    let cast = arrow_cast::cast(array, &DataType::Int64).map_err(|e| arrow_error(column, &e))?;
    Ok(cast.as_primitive::<Int64Type>().values().clone())
}

#[allow(unsafe_code)]
fn numpy_of(py: Python<'_>, values: ScalarBuffer<i64>) -> PyResult<Bound<'_, PyAny>> {
    let view = ArrayView1::from(&values[..]);
    // SAFETY: the view points into `values`, which the container below owns and keeps alive
    // for as long as the numpy array exists; Arrow buffers are immutable, and the array is
    // marked read-only.
    let array = unsafe { PyArray1::borrow_from_array(&view, Bound::new(py, ArrowBuffer(values.clone()))?.into_any()) };
    array.readwrite().make_nonwriteable();
    Ok(array.into_any())
}

fn per_second(unit: TimeUnit) -> i64 {
    match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    }
}

/// The chunks as one buffer over the same memory, which the chunks keep alive, when they are
/// consecutive parts of one buffer: each starts where the one before it ends, in the same
/// allocation (a table's column cut into record batches to match another column's chunks, as
/// Arrow's stream export does). No copy of the column (64 MB for 8 M cards); `None` otherwise.
#[allow(unsafe_code)]
fn joined_in_place(parts: &[ScalarBuffer<i64>]) -> Option<ScalarBuffer<i64>> {
    let first = parts.first()?.inner();
    let mut end = first.as_ptr() as usize + first.len();
    for part in &parts[1..] {
        let buffer = part.inner();
        if buffer.data_ptr() != first.data_ptr() || buffer.as_ptr() as usize != end {
            return None;
        }
        end += buffer.len();
    }
    let bytes = end - first.as_ptr() as usize;
    let start = std::ptr::NonNull::new(first.as_ptr().cast_mut())?;
    let owner: std::sync::Arc<dyn arrow_buffer::alloc::Allocation> = std::sync::Arc::new(parts.to_vec());
    // SAFETY: the chunks lie end to end (checked above) in one allocation (the same start of
    // their underlying storage: two live allocations cannot start at the same address), so the
    // `bytes` from the first chunk's start are the chunks' own, initialised, immutable values;
    // `owner` holds every chunk, and so keeps that storage alive as long as the new buffer.
    let buffer = unsafe { arrow_buffer::Buffer::from_custom_allocation(start, bytes, owner) };
    Some(ScalarBuffer::new(buffer, 0, bytes / std::mem::size_of::<i64>()))
}

/// The chunks' values copied into one buffer.
fn copied(parts: &[ScalarBuffer<i64>]) -> ScalarBuffer<i64> {
    let mut all = Vec::with_capacity(parts.iter().map(ScalarBuffer::len).sum());
    for part in parts {
        all.extend_from_slice(part);
    }
    all.into()
}

/// A chunk's missing values and floating point refused (for every kind but text).
fn check(array: &ArrayRef, column: &str, kind: Kind) -> PyResult<()> {
    if array.null_count() > 0 {
        let first = (0..array.len()).find(|&i| array.is_null(i)).unwrap_or(0);
        return Err(bad(column, &format!("{} missing values (the first at row {first})", array.null_count())));
    }
    if matches!(array.data_type(), DataType::Float16 | DataType::Float32 | DataType::Float64)
        && !matches!(kind, Kind::Text)
    {
        return Err(coded(
            ErrorCode::FloatNotAllowed,
            &format!("Arrow column {column:?} is floating point: give integers (epoch seconds, cents, counts)"),
        ));
    }
    Ok(())
}

/// One chunk of a column of an integer kind (seconds, days, int) as int64 values: the
/// chunk's own buffer when it already holds them.
fn int64_of(array: &ArrayRef, column: &str, kind: Kind) -> PyResult<ScalarBuffer<i64>> {
    check(array, column, kind)?;
    let data_type = array.data_type().clone();
    match (kind, &data_type) {
        (Kind::Seconds, DataType::Timestamp(TimeUnit::Second, _)) => {
            Ok(array.as_primitive::<TimestampSecondType>().values().clone())
        }
        (Kind::Seconds, DataType::Int64) => Ok(array.as_primitive::<Int64Type>().values().clone()),
        (Kind::Seconds, DataType::Timestamp(unit, _)) => {
            let n = per_second(*unit);
            Ok(int64_values(array, column)?.iter().map(|v| v.div_euclid(n)).collect::<Vec<i64>>().into())
        }
        (Kind::Seconds | Kind::Int, t) if t.is_integer() => int64_values(array, column),
        (Kind::Days, DataType::Date32) => {
            Ok(array.as_primitive::<Date32Type>().values().iter().map(|&d| i64::from(d)).collect::<Vec<i64>>().into())
        }
        (Kind::Days, DataType::Date64) => Ok(array
            .as_primitive::<Date64Type>()
            .values()
            .iter()
            .map(|&ms| ms.div_euclid(86_400_000))
            .collect::<Vec<i64>>()
            .into()),
        (Kind::Days, DataType::Timestamp(_, Some(zone))) => Err(coded(
            ErrorCode::DateFormat,
            &format!(
                "Arrow column {column:?}: moments with a time zone ({zone}) where dates are expected: give dates \
                 (date32), or timestamps without a zone"
            ),
        )),
        (Kind::Days, DataType::Timestamp(unit, None)) => {
            let n = per_second(*unit) * 86_400;
            Ok(int64_values(array, column)?.iter().map(|v| v.div_euclid(n)).collect::<Vec<i64>>().into())
        }
        (Kind::Days, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) => {
            // ISO dates as text: parsed by the core, each failure named with its row.
            let text = arrow_cast::cast(array, &DataType::Utf8).map_err(|e| arrow_error(column, &e))?;
            let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
            let mut values = Vec::with_capacity(text.len());
            for (row, value) in text.as_string::<i32>().iter().enumerate() {
                let day = cie_pagamenti::calendar::parse_any_date(value.unwrap_or_default())
                    .map_err(|e| bad(column, &format!("row {row}: {e}")))?;
                values.push((day - epoch).num_days());
            }
            Ok(values.into())
        }
        (_, t) => Err(bad(column, &format!("type {t} cannot be read here"))),
    }
}

/// A column given as chunks, read as `kind`: integer kinds as one int64 numpy array (a single
/// chunk's buffer shared, several chunks' values copied once into one buffer); keys numbered
/// across the chunks without joining them; text as a list of `str`.
fn read_chunks<'py>(
    py: Python<'py>,
    chunks: &[ArrayRef],
    column: &str,
    data_type: &DataType,
    kind: Kind,
    threads: usize,
) -> PyResult<Bound<'py, PyAny>> {
    match kind {
        Kind::Seconds | Kind::Days | Kind::Int => {
            let parts = chunks.iter().map(|c| int64_of(c, column, kind)).collect::<PyResult<Vec<_>>>()?;
            let values = match parts.as_slice() {
                [one] => one.clone(),
                many => joined_in_place(many).unwrap_or_else(|| copied(many)),
            };
            numpy_of(py, values)
        }
        Kind::Key | Kind::KeyRuns => {
            // Numbered on the text's bytes, by first appearance, chunk after chunk; files come
            // sorted or partitioned by municipality, and each run is read whole (see `keys`).
            let texts = chunks
                .iter()
                .map(|c| {
                    check(c, column, kind)?;
                    arrow_cast::cast(c, &DataType::Utf8).map_err(|e| arrow_error(column, &e))
                })
                .collect::<PyResult<Vec<_>>>()?;
            let parts: Vec<_> = texts.iter().map(AsArray::as_string::<i32>).collect();
            let bytes: Vec<(&[i32], &[u8])> = parts.iter().map(|t| (&t.offsets()[..], t.values().as_slice())).collect();
            let as_runs = matches!(kind, Kind::KeyRuns);
            let (codes, first, ends) = py.detach(|| crate::keys::number_text(&bytes, threads, as_runs));
            let names: Vec<&str> = first.iter().map(|&(chunk, row)| parts[chunk].value(row)).collect();
            let codes = PyArray1::from_vec(py, codes).into_any();
            let names = PyList::new(py, names)?;
            if !as_runs {
                return Ok((codes, names).into_pyobject(py)?.into_any());
            }
            let ends = ends.map(|e| crate::keys::ends_array(py, e));
            Ok((codes, names, ends).into_pyobject(py)?.into_any())
        }
        Kind::Text => {
            let array = joined(chunks, column, data_type)?;
            check(&array, column, kind)?;
            let text = arrow_cast::cast(&array, &DataType::Utf8).map_err(|e| arrow_error(column, &e))?;
            let strings: Vec<&str> = text.as_string::<i32>().iter().map(Option::unwrap_or_default).collect();
            Ok(PyList::new(py, strings)?.into_any())
        }
    }
}

fn read<'py>(py: Python<'py>, array: &ArrayRef, column: &str, kind: Kind) -> PyResult<Bound<'py, PyAny>> {
    read_chunks(py, std::slice::from_ref(array), column, array.data_type(), kind, 1)
}

/// The named columns of an Arrow table (`__arrow_c_stream__`/`__arrow_c_array__`) as numpy
/// `int64` arrays or lists of `str`, by kind (`seconds`, `days`, `int`, `text`). A column absent
/// from the table is absent from the result; nulls and floats are coded errors. A long key
/// column is numbered on `threads` threads (0: one per core).
#[pyfunction]
#[pyo3(signature = (data, columns, threads=0))]
pub(crate) fn arrow_columns(
    py: Python<'_>,
    data: AnyRecordBatch,
    columns: Vec<(String, String)>,
    threads: usize,
) -> PyResult<Bound<'_, PyDict>> {
    let threads = crate::convert::threads(threads);
    let table = data.into_table().map_err(|e| coded(ErrorCode::InputFormat, &format!("Arrow stream: {e}")))?;
    let (batches, schema) = table.into_inner();
    let out = PyDict::new(py);
    for (name, kind) in columns {
        let kind = Kind::parse(&kind)?;
        let Ok(index) = schema.index_of(&name) else { continue };
        let chunks: Vec<ArrayRef> = batches.iter().map(|b| b.column(index).clone()).collect();
        out.set_item(&name, read_chunks(py, &chunks, &name, schema.field(index).data_type(), kind, threads)?)?;
    }
    Ok(out)
}

/// One Arrow array or chunked array (`pa.array`, a polars Series, a table's column) read as
/// `kind` (see [`arrow_columns`]); a table or record batch (a struct array) gives its column
/// `field`.
#[pyfunction(name = "arrow_array")]
pub(crate) fn read_arrow_array<'py>(
    py: Python<'py>,
    data: AnyArray,
    kind: &str,
    field: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let kind = Kind::parse(kind)?;
    let chunked = data.into_chunked_array().map_err(|e| coded(ErrorCode::InputFormat, &format!("Arrow array: {e}")))?;
    let (chunks, own) = chunked.into_inner();
    let array = joined(&chunks, own.name(), own.data_type())?;
    match array.as_struct_opt() {
        Some(table) => {
            let column = table.column_by_name(field).ok_or_else(|| bad(field, "missing from the table"))?;
            read(py, column, field, kind)
        }
        None => read(py, &array, own.name(), kind),
    }
}

/// One output column for [`arrow_table`]: its values (a numpy array or a list, `None` for a
/// missing value) read as `int`, `bool`, `text` or `cents` (integer cents written as
/// `decimal128(18, 2)`, exact money).
fn column_out(name: &str, values: &Bound<'_, PyAny>, kind: &str) -> PyResult<ArrayRef> {
    use ::arrow_array::{BooleanArray, Decimal128Array, Int64Array, StringArray};
    let items: Vec<Bound<'_, PyAny>> = values.try_iter()?.collect::<PyResult<_>>()?;
    let wrong = |row: usize| bad(name, &format!("row {row}: not a {kind} value"));
    let array: ArrayRef = match kind {
        "int" | "cents" => {
            let mut out = Vec::with_capacity(items.len());
            for (row, item) in items.iter().enumerate() {
                out.push(if item.is_none() { None } else { Some(item.extract::<i64>().map_err(|_| wrong(row))?) });
            }
            if kind == "int" {
                std::sync::Arc::new(Int64Array::from(out))
            } else {
                let decimals = Decimal128Array::from(out.into_iter().map(|v| v.map(i128::from)).collect::<Vec<_>>())
                    .with_precision_and_scale(18, 2)
                    .map_err(|e| arrow_error(name, &e))?;
                std::sync::Arc::new(decimals)
            }
        }
        "bool" => {
            let mut out = Vec::with_capacity(items.len());
            for (row, item) in items.iter().enumerate() {
                out.push(if item.is_none() { None } else { Some(item.extract::<bool>().map_err(|_| wrong(row))?) });
            }
            std::sync::Arc::new(BooleanArray::from(out))
        }
        "text" => {
            let mut out = Vec::with_capacity(items.len());
            for item in &items {
                out.push(if item.is_none() { None } else { Some(item.str()?.to_string()) });
            }
            std::sync::Arc::new(StringArray::from(out))
        }
        other => return Err(coded(ErrorCode::InputFormat, &format!("unknown column kind {other:?}"))),
    };
    Ok(array)
}

/// Columns as an Arrow table (an object with `__arrow_c_stream__`, which pyarrow, polars and
/// DuckDB read without pyarrow being needed here): `[(name, values, kind)]`, see [`column_out`].
#[pyfunction]
pub(crate) fn arrow_table(columns: Vec<(String, Bound<'_, PyAny>, String)>) -> PyResult<pyo3_arrow::PyTable> {
    let mut fields = Vec::with_capacity(columns.len());
    let mut arrays = Vec::with_capacity(columns.len());
    for (name, values, kind) in &columns {
        let array = column_out(name, values, kind)?;
        fields.push(arrow_schema::Field::new(name, array.data_type().clone(), true));
        arrays.push(array);
    }
    let schema = std::sync::Arc::new(arrow_schema::Schema::new(fields));
    let batch = ::arrow_array::RecordBatch::try_new(schema.clone(), arrays).map_err(|e| arrow_error("table", &e))?;
    pyo3_arrow::PyTable::try_new(vec![batch], schema)
}
