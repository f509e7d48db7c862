//! Group keys numbered for the national job, on their bytes: numpy fixed-width columns
//! (`<U`/`S` text, integers) and Arrow text columns. Equal bytes, one group; groups numbered
//! by first appearance. Keys of a file partitioned by municipality come in runs: each run is
//! found with a few probes and checked whole by comparing its bytes with themselves shifted by
//! one key (equal exactly when every key equals the next), instead of one lookup per row.

use std::collections::HashMap;

use cie_pagamenti::ErrorCode;
use numpy::PyArray1;
use pyo3::prelude::*;

use crate::convert;
use crate::errors::coded;

/// The end of the run of rows equal to row `start`, among `rows`: `same(i)` tells whether row
/// `i` equals row `start`, `whole(start, end)` whether all of `start..end` do. The candidate
/// end is found by doubling steps and a binary search (as for sorted keys), then checked whole;
/// a failed check (keys not sorted) ends the run at the first row that differs. A run need not
/// be maximal: the next one finds the same group by its key.
fn run_end(rows: usize, start: usize, same: impl Fn(usize) -> bool, whole: impl Fn(usize, usize) -> bool) -> usize {
    let (mut low, mut step) = (start + 1, 1usize);
    while low + step <= rows && same(low + step - 1) {
        low += step;
        step *= 2;
    }
    // Rows before `low` are probably equal; the first different one is below `high`.
    let mut high = (low + step).min(rows);
    while low < high {
        let middle = low + (high - low) / 2;
        if same(middle) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    if whole(start, low) {
        return low;
    }
    (start + 1..rows).find(|&i| !same(i)).unwrap_or(rows)
}

/// The runs of rows `from..to` of a column: `run(start, to)` is the end of the run starting
/// at `start`, at most `to`.
fn runs(from: usize, to: usize, run: &(dyn Fn(usize, usize) -> usize + Sync)) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = from;
    while start < to {
        let end = run(start, to);
        out.push((start, end));
        start = end;
    }
    out
}

/// Each column's group numbers, each group's first (column, row), and the ends of the first
/// column's runs when they stand for its numbers.
type Numbered = (Vec<Vec<u32>>, Vec<(usize, usize)>, Option<Vec<usize>>);

/// Numbers the rows of key columns by first appearance, column after column: `key(c, i)` is
/// row `i`'s key in column `c`, `runs[c]` the runs of column `c` in order (rows of one key).
/// Returns each column's numbers (with `joined`, all the columns' in one list, column after
/// column) and each group's first (column, row). With `first_as_runs`, when the first column
/// (with `joined`, the one column the chunks make) holds each group in one run (a file
/// partitioned by the key), its numbers are not written: the ends of its groups' runs are
/// returned instead (group `g`'s rows end at `ends[g]`).
fn number<'k>(
    rows: &[usize],
    key: impl Fn(usize, usize) -> &'k [u8],
    runs: &[Vec<(usize, usize)>],
    joined: bool,
    first_as_runs: bool,
) -> Numbered {
    // One entry per run at most: sized for them once (each growth hashes every key again), up
    // to a bound (keys not in runs make about one run per row, of few distinct keys).
    let runs_given: usize = runs.iter().map(Vec::len).sum();
    let mut index: HashMap<&[u8], u32> = HashMap::with_capacity(runs_given.min(1 << 16));
    let mut first = Vec::new();
    // The column asked for as runs: the first (with `joined`, every chunk of the one column).
    let as_runs = |c: usize| first_as_runs && (joined || c == 0);
    // One list per column, or one for all of them (`joined`: the chunks of one column).
    let mut out: Vec<Vec<u32>> = if joined {
        vec![Vec::with_capacity(if as_runs(0) { 0 } else { rows.iter().sum() })]
    } else {
        // A column's room taken only if its numbers are written.
        rows.iter().enumerate().map(|(c, &n)| Vec::with_capacity(if as_runs(c) { 0 } else { n })).collect()
    };
    // The runs of the column asked for as runs: each one's group and end (from its first row).
    let mut groups_of_runs = Vec::new();
    let mut offset = 0;
    for (c, &column_rows) in rows.iter().enumerate() {
        let Some(numbers) = out.get_mut(if joined { 0 } else { c }) else { continue };
        let base = numbers.len();
        for &(start, end) in runs.get(c).map_or(&[][..], Vec::as_slice) {
            let next = first.len() as u32;
            let group = *index.entry(key(c, start)).or_insert_with(|| {
                first.push((c, start));
                next
            });
            if as_runs(c) {
                groups_of_runs.push((group, offset + end));
            } else {
                numbers.resize(base + end, group);
            }
        }
        offset += column_rows;
    }
    if !first_as_runs {
        return (out, first, None);
    }
    // Numbered by first appearance, the groups of the runs never go back exactly when each
    // group's rows are one run (a run cut where a thread's part or a chunk ends continues with
    // the same group).
    if groups_of_runs.windows(2).all(|w| w[0].0 <= w[1].0) {
        let mut ends = Vec::new();
        for &(group, end) in &groups_of_runs {
            ends.truncate(group as usize);
            ends.push(end);
        }
        return (out, first, Some(ends));
    }
    if let Some(numbers) = out.get_mut(0) {
        numbers.reserve(if joined { rows.iter().sum() } else { rows[0] });
        for &(group, end) in &groups_of_runs {
            numbers.resize(end, group);
        }
    }
    (out, first, None)
}

/// Rows of a column from which its runs are found on several threads.
const PARALLEL_ROWS: usize = 1 << 20;

/// The runs of a column of `n` rows (`run(start, to)`: the end of the run at `start`, at most
/// `to`), found on `threads` threads when the column is long, each in its own part of the
/// rows.
fn runs_on_threads(n: usize, threads: usize, run: &(dyn Fn(usize, usize) -> usize + Sync)) -> Vec<(usize, usize)> {
    let parts = if n >= PARALLEL_ROWS { threads.max(1) } else { 1 };
    if parts == 1 {
        return runs(0, n, run);
    }
    crate::convert::on_threads(crate::convert::equal_parts(n, parts), |rows| runs(rows.start, rows.end, run)).concat()
}

/// Group numbers of columns whose keys are `width` bytes each. The runs of a long column are
/// found on `threads` threads, each in its own part of the rows (a run cut at a part's end
/// continues as the next part's first run, of the same group).
pub(crate) fn number_fixed(width: usize, columns: &[&[u8]], threads: usize, first_as_runs: bool) -> Numbered {
    let rows: Vec<usize> = columns.iter().map(|c| c.len() / width).collect();
    let key = |c: usize, i: usize| &columns[c][i * width..(i + 1) * width];
    let run = |c: usize, start: usize, to: usize| {
        let bytes = columns[c];
        let first = key(c, start);
        let same = |i: usize| key(c, i) == first;
        let whole = |s: usize, e: usize| bytes[s * width..(e - 1) * width] == bytes[(s + 1) * width..e * width];
        run_end(to, start, same, whole)
    };
    let column_runs: Vec<Vec<(usize, usize)>> =
        (0..columns.len()).map(|c| runs_on_threads(rows[c], threads, &|start, to| run(c, start, to))).collect();
    number(&rows, key, &column_runs, false, first_as_runs)
}

/// One text column's group numbers, each group's first (chunk, row), and the ends of its runs
/// when they stand for its numbers.
type NumberedText = (Vec<u32>, Vec<(usize, usize)>, Option<Vec<usize>>);

/// Group numbers of one text column given in chunks, each as Arrow's offsets (one more than
/// its rows) and values: the numbers of all the rows, and each group's first (chunk, row). A
/// long chunk's runs are found on `threads` threads. With `as_runs`, a column whose groups come
/// one run each gives the ends of the runs (across the chunks) instead of the numbers.
pub(crate) fn number_text(chunks: &[(&[i32], &[u8])], threads: usize, as_runs: bool) -> NumberedText {
    let rows: Vec<usize> = chunks.iter().map(|(offsets, _)| offsets.len().saturating_sub(1)).collect();
    let at = |c: usize, i: usize| chunks[c].0[i].max(0) as usize;
    let key = |c: usize, i: usize| chunks[c].1.get(at(c, i)..at(c, i + 1)).unwrap_or_default();
    let run = |c: usize, start: usize, to: usize| {
        let (offsets, values) = chunks[c];
        let first = key(c, start);
        let len = first.len();
        let same = |i: usize| key(c, i) == first;
        // Every key of the run as long as the first, and the run's bytes equal to themselves
        // shifted by one key.
        let whole = |s: usize, e: usize| {
            let lengths =
                offsets[s..=e].windows(2).fold(0i64, |d, w| d | (i64::from(w[1]) - i64::from(w[0]) - len as i64));
            lengths == 0 && values.get(at(c, s) + len..at(c, e)) == values.get(at(c, s)..at(c, e).saturating_sub(len))
        };
        run_end(to, start, same, whole)
    };
    let chunk_runs: Vec<Vec<(usize, usize)>> =
        (0..chunks.len()).map(|c| runs_on_threads(rows[c], threads, &|start, to| run(c, start, to))).collect();
    let (numbers, first, ends) = number(&rows, key, &chunk_runs, true, as_runs);
    (numbers.into_iter().next().unwrap_or_default(), first, ends)
}

/// Each key column's group numbers, each group's first column and row (two arrays: no Python
/// tuple per group, which would each count towards a garbage collection), and the ends of the
/// first column's runs when asked for and its groups come one run each (its numbers then
/// empty).
type KeyGroups<'py> = (
    Vec<Bound<'py, PyArray1<u32>>>,
    Bound<'py, PyArray1<u64>>,
    Bound<'py, PyArray1<u64>>,
    Option<Bound<'py, PyArray1<u64>>>,
);

/// Group numbers for the `by` columns of the national job's tables, given as numpy arrays of
/// one fixed-width type viewed as bytes (`width` bytes per key: text of `<U`/`S` dtypes,
/// integers): for each column its numbers (`uint32`), and for each group the column and the
/// row of its first appearance (`uint64` arrays). A long column is read on `threads` threads.
/// With `first_as_runs`, a first column (the cards) whose groups come one run each (a file
/// partitioned by municipality) gives the ends of its runs instead of a number per row.
#[pyfunction]
#[pyo3(signature = (width, columns, threads, first_as_runs = false))]
pub(crate) fn key_groups<'py>(
    py: Python<'py>,
    width: usize,
    columns: Vec<Bound<'py, PyAny>>,
    threads: usize,
    first_as_runs: bool,
) -> PyResult<KeyGroups<'py>> {
    let not_bytes = || coded(ErrorCode::InputFormat, "keys: contiguous uint8 arrays of whole keys");
    let arrays = columns
        .iter()
        .map(|c| {
            if !convert::is_ndarray(c) {
                return Err(not_bytes());
            }
            c.extract::<numpy::PyReadonlyArray1<'py, u8>>().map_err(|_| not_bytes())
        })
        .collect::<PyResult<Vec<_>>>()?;
    let slices = arrays.iter().map(|a| a.as_slice().map_err(|_| not_bytes())).collect::<PyResult<Vec<_>>>()?;
    if width == 0 || slices.iter().any(|s| s.len() % width != 0) {
        return Err(not_bytes());
    }
    let threads = crate::convert::threads(threads);
    let (numbers, first, ends) = py.detach(|| number_fixed(width, &slices, threads, first_as_runs));
    let (first_column, first_row): (Vec<u64>, Vec<u64>) = first.into_iter().map(|(c, r)| (c as u64, r as u64)).unzip();
    Ok((
        numbers.into_iter().map(|n| PyArray1::from_vec(py, n)).collect(),
        PyArray1::from_vec(py, first_column),
        PyArray1::from_vec(py, first_row),
        ends.map(|e| ends_array(py, e)),
    ))
}

/// The ends of a column's runs as a `uint64` array.
pub(crate) fn ends_array(py: Python<'_>, ends: Vec<usize>) -> Bound<'_, PyArray1<u64>> {
    PyArray1::from_vec(py, ends.into_iter().map(|end| end as u64).collect())
}
