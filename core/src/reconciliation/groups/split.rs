//! A column's rows split by group: each group's range, the rows gathered by group first when
//! the groups do not come in runs.

use std::ops::Range;

use super::GroupError;

/// Where each run of equal values starts, when the values never descend (the groups come in
/// runs, as a partitioned file gives them); `None` at the first descent. One pass: a block of
/// values equal to the last one seen (nearly every block: runs are long) costs one vector fold;
/// only a block where the value changes is read value by value.
fn run_starts(values: &[u32]) -> Option<Vec<usize>> {
    /// Values per block.
    const BLOCK: usize = 64;
    let Some(&first) = values.first() else { return Some(Vec::new()) };
    let (mut starts, mut last) = (vec![0], first);
    for (b, block) in values.chunks(BLOCK).enumerate() {
        if block.iter().fold(0u32, |d, &x| d | (x ^ last)) == 0 {
            continue;
        }
        for (j, &x) in block.iter().enumerate() {
            if x != last {
                if x < last {
                    return None;
                }
                starts.push(b * BLOCK + j);
                last = x;
            }
        }
    }
    Some(starts)
}

/// Each run's range when the values come in runs of one group each, found from the runs' ends
/// alone: from each run's first row, rows 1, 2, 4, 8... further on are read until one holds
/// another value, and the run's end is searched between the last two read. About twenty reads
/// a run, not one per row: the rows between are not read, and are checked as the groups are
/// reconciled. `None` when a run's value is not above the one before it or not below `groups`
/// (the values are then not in runs, or are refused: [`split`] reads them all).
pub(super) fn runs_by_ends(values: &[u32], groups: usize) -> Option<Vec<Range<usize>>> {
    let mut ranges = vec![0..0; groups];
    let (mut start, mut before) = (0, None);
    while let Some(&value) = values.get(start) {
        if before.is_some_and(|b| value <= b) || value as usize >= groups {
            return None;
        }
        // `values[low]` is the value, `values[high]` is not (or is past the end).
        let (mut low, mut step) = (start, 1);
        let mut high = loop {
            match values.get(start + step) {
                Some(&v) if v == value => low = start + step,
                Some(_) => break start + step,
                None => break values.len(),
            }
            step *= 2;
        };
        while high - low > 1 {
            let middle = low + (high - low) / 2;
            if values[middle] == value {
                low = middle;
            } else {
                high = middle;
            }
        }
        ranges[value as usize] = start..high;
        (start, before) = (high, Some(value));
    }
    Some(ranges)
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
    let starts = run_starts(group);
    let top = match (&starts, group.last()) {
        (Some(_), Some(&last)) => last,
        _ => group.iter().copied().fold(0u32, u32::max),
    };
    if !group.is_empty() && top as usize >= groups {
        for (row, &g) in group.iter().enumerate() {
            check_group(what, row, g, groups)?;
        }
    }
    let mut ranges = vec![0..0; groups];
    if let Some(starts) = starts {
        // Runs of one group: each group's range is where its rows lie.
        let ends = starts.iter().skip(1).copied().chain([group.len()]);
        for (&start, end) in starts.iter().zip(ends) {
            ranges[group[start] as usize] = start..end;
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
        /// Values in runs get the ranges [`split`] gives them, found from the runs' ends; values
        /// not in runs get ranges that leave some value in a run of another (which the
        /// reconciliation finds), or none.
        #[test]
        fn runs_found_by_their_ends(
            mut values in prop::collection::vec(0u32..8, 0..300),
            sorted in any::<bool>(),
            groups in 1usize..10,
        ) {
            if sorted {
                values.sort_unstable();
            }
            let full = split("card", &values, groups, |row| row);
            let Some(ranges) = runs_by_ends(&values, groups) else {
                let ascending = values.windows(2).all(|w| w[0] <= w[1]);
                prop_assert!(!ascending || values.iter().any(|&v| v as usize >= groups));
                return Ok(());
            };
            // Every row is in the range of exactly one group, the ranges in order.
            let mut covered: Vec<Range<usize>> = ranges.iter().filter(|r| !r.is_empty()).cloned().collect();
            covered.sort_by_key(|r| r.start);
            let mut next = 0;
            for r in &covered {
                prop_assert_eq!(r.start, next);
                next = r.end;
            }
            prop_assert_eq!(next, values.len());
            let in_runs = ranges.iter().enumerate().all(|(g, r)| values[r.clone()].iter().all(|&v| v as usize == g));
            match full {
                Ok((runs, None)) => {
                    prop_assert!(in_runs);
                    prop_assert_eq!(runs, ranges);
                }
                _ => prop_assert!(!in_runs),
            }
        }

        /// The runs are found where a plain scan finds them, and a descent anywhere (across a
        /// block's edge or within one) is found.
        #[test]
        fn run_starts_are_where_the_value_changes(
            mut values in prop::collection::vec(0u32..6, 0..300),
            sorted in any::<bool>(),
        ) {
            if sorted {
                values.sort_unstable();
            }
            let ascending = values.windows(2).all(|w| w[0] <= w[1]);
            let plain: Vec<usize> = (0..values.len()).filter(|&i| i == 0 || values[i] != values[i - 1]).collect();
            prop_assert_eq!(run_starts(&values), ascending.then_some(plain));
        }
    }
}
