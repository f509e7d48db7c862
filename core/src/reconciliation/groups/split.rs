//! A column's rows split by group: each group's range, the rows gathered by group first when
//! the groups do not come in runs.

use std::ops::Range;

use super::GroupError;

/// The end of the run of equal values starting at `start` in sorted `values`: doubling steps
/// until past the run, then a binary search within the last step.
fn run_end(values: &[u32], start: usize) -> usize {
    let g = values[start];
    let (mut low, mut step) = (start + 1, 1usize);
    while low + step <= values.len() && values[low + step - 1] == g {
        low += step;
        step *= 2;
    }
    let high = (low + step).min(values.len());
    low + values[low..high].partition_point(|&x| x <= g)
}

pub(super) fn check_group(what: &'static str, row: usize, group: u32, groups: usize) -> Result<usize, GroupError> {
    let g = group as usize;
    if g < groups {
        Ok(g)
    } else {
        Err(GroupError::Group { what, row, group, groups })
    }
}

/// Each group's range of rows once a column's rows are taken group by group, and `value` of each
/// row in that order when the rows must be gathered (`None`: the groups come in runs, and each
/// group's range is where its rows lie). Every group is checked to be below `groups`.
#[allow(clippy::type_complexity)]
pub(super) fn split<T: Copy + Default>(
    what: &'static str,
    group: &[u32],
    groups: usize,
    value: impl Fn(usize) -> T,
) -> Result<(Vec<Range<usize>>, Option<Vec<T>>), GroupError> {
    // Whether the groups come in runs (a descent anywhere means they do not), then the highest
    // group number (the last one when they do): simple folds the compiler turns into vector
    // code.
    let in_runs = group.iter().zip(group.iter().skip(1)).fold(0u32, |d, (a, b)| d | u32::from(b < a)) == 0;
    let top = match group.last() {
        Some(&last) if in_runs => last,
        _ => group.iter().copied().fold(0u32, u32::max),
    };
    if !group.is_empty() && top as usize >= groups {
        for (row, &g) in group.iter().enumerate() {
            check_group(what, row, g, groups)?;
        }
    }
    let mut ranges = vec![0..0; groups];
    if in_runs {
        // Runs of one group: the end of each found by galloping from its start (probes near
        // the run, not across the whole column).
        let mut start = 0;
        while start < group.len() {
            let end = run_end(group, start);
            ranges[group[start] as usize] = start..end;
            start = end;
        }
        return Ok((ranges, None));
    }
    // A counting sort: each group's rows in input order.
    let mut starts = vec![0usize; groups + 1];
    for &g in group {
        starts[g as usize + 1] += 1;
    }
    for g in 0..groups {
        starts[g + 1] += starts[g];
    }
    let mut next = starts.clone();
    let mut gathered = vec![T::default(); group.len()];
    for (row, &g) in group.iter().enumerate() {
        let at = &mut next[g as usize];
        gathered[*at] = value(row);
        *at += 1;
    }
    for (g, range) in ranges.iter_mut().enumerate() {
        *range = starts[g]..starts[g + 1];
    }
    Ok((ranges, Some(gathered)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The galloping search ends every run where a linear scan does.
        #[test]
        fn run_end_is_the_end_of_the_run(mut values in prop::collection::vec(0u32..6, 1..300), at in any::<prop::sample::Index>()) {
            values.sort_unstable();
            let start = at.index(values.len());
            let linear = start + values[start..].iter().take_while(|&&v| v == values[start]).count();
            prop_assert_eq!(run_end(&values, start), linear);
        }
    }
}
