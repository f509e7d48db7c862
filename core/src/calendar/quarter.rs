//! Calendar quarters (SPEC §2.2).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::CalendarError;

/// A calendar quarter of the Italian civil year. Ordered by time; text form `2024-Q1`.
///
/// The type covers years 1900–9999 (cards and orders may be older than the portal); the
/// portal itself starts at [`Quarter::PORTAL_FIRST`] (2020-Q1), see [`Quarter::ensure_portal`].
///
/// Kept as its dense index from 1900-Q1 in two bytes (ordered as the quarters are): a row of
/// a reconciliation is one quarter and some counts, and a national job writes 158 000 of them.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter(u16);

/// First year a [`Quarter`] may have.
pub(crate) const MIN_YEAR: i32 = 1900;
/// Last year a [`Quarter`] may have.
pub(crate) const MAX_YEAR: i32 = 9999;
/// The index of 9999-Q4, the last quarter.
const LAST_INDEX: usize = ((MAX_YEAR - MIN_YEAR) * 4 + 3) as usize;

impl Quarter {
    /// The first quarter the portal covers.
    pub const PORTAL_FIRST: Quarter = Quarter(((2020 - MIN_YEAR) * 4) as u16);

    /// A quarter; `number` is 1..=4 and `year` 1900..=9999.
    pub fn new(year: i32, number: u32) -> Result<Quarter, CalendarError> {
        if !(1..=4).contains(&number) {
            return Err(CalendarError::QuarterFormat);
        }
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(CalendarError::QuarterOutOfRange { year });
        }
        Ok(Quarter(((year - MIN_YEAR) * 4) as u16 + (number - 1) as u16))
    }

    /// The quarter containing a civil date.
    pub fn of_date(date: NaiveDate) -> Result<Quarter, CalendarError> {
        Quarter::new(date.year(), date.month0() / 3 + 1)
    }

    /// Parses `2024-Q1` (the `q` may be lower-case).
    pub fn parse(text: &str) -> Result<Quarter, CalendarError> {
        let b = text.trim().as_bytes();
        if b.len() != 7 || b[4] != b'-' || !(b[5] == b'Q' || b[5] == b'q') {
            return Err(CalendarError::QuarterFormat);
        }
        let year = super::digits(&b[0..4]).ok_or(CalendarError::QuarterFormat)?;
        let number = super::digits(&b[6..7]).ok_or(CalendarError::QuarterFormat)?;
        Quarter::new(year as i32, number)
    }

    /// Refuses quarters before 2020-Q1, which the portal does not cover (§2.5).
    pub fn ensure_portal(self) -> Result<Quarter, CalendarError> {
        if self < Quarter::PORTAL_FIRST {
            Err(CalendarError::QuarterOutOfRange { year: self.year() })
        } else {
            Ok(self)
        }
    }

    /// The year.
    pub fn year(self) -> i32 {
        MIN_YEAR + i32::from(self.0 / 4)
    }

    /// The number, 1..=4.
    pub fn number(self) -> u32 {
        u32::from(self.0 % 4) + 1
    }

    /// First day of the quarter.
    pub fn first_day(self) -> NaiveDate {
        ymd(self.year(), self.number() * 3 - 2, 1)
    }

    /// Last day of the quarter.
    pub fn last_day(self) -> NaiveDate {
        match self.number() {
            1 => ymd(self.year(), 3, 31),
            2 => ymd(self.year(), 6, 30),
            3 => ymd(self.year(), 9, 30),
            _ => ymd(self.year(), 12, 31),
        }
    }

    /// True if the civil date falls in the quarter.
    pub fn contains(self, date: NaiveDate) -> bool {
        self.first_day() <= date && date <= self.last_day()
    }

    /// The following quarter, `None` after 9999-Q4.
    pub fn next(self) -> Option<Quarter> {
        Quarter::from_index(self.index() + 1)
    }

    /// The preceding quarter, `None` before 1900-Q1.
    pub fn previous(self) -> Option<Quarter> {
        Quarter::from_index(self.index().checked_sub(1)?)
    }

    /// Italian label as on the portal: `1° trimestre 2024`.
    pub fn label_it(self) -> String {
        format!("{}° trimestre {}", self.number(), self.year())
    }

    /// English label: `Q1 2024`.
    pub fn label_en(self) -> String {
        format!("Q{} {}", self.number(), self.year())
    }

    /// Dense index from 1900-Q1 (used by tables).
    pub(crate) fn index(self) -> usize {
        usize::from(self.0)
    }

    /// Inverse of [`Quarter::index`].
    pub(crate) fn from_index(index: usize) -> Option<Quarter> {
        (index <= LAST_INDEX).then_some(Quarter(index as u16))
    }

    /// Parses a set of quarters: a comma-separated list of quarters and ranges
    /// (`2020-Q1..2024-Q2,2024-Q4`). An empty text is the empty set.
    pub fn parse_set(text: &str) -> Result<std::collections::BTreeSet<Quarter>, CalendarError> {
        let mut set = std::collections::BTreeSet::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.split_once("..") {
                Some((a, b)) => {
                    let (a, b) = (Quarter::parse(a)?, Quarter::parse(b)?);
                    if b < a {
                        return Err(CalendarError::QuarterFormat);
                    }
                    set.extend(a.through(b));
                }
                None => {
                    set.insert(Quarter::parse(part)?);
                }
            }
        }
        Ok(set)
    }

    /// The quarters from `self` to `last`, both included.
    pub fn through(self, last: Quarter) -> impl Iterator<Item = Quarter> {
        let (a, b) = (self.index(), last.index());
        // A mapped range knows its length: collecting the quarters allocates once (a national
        // job collects some for every municipality).
        // Built directly: every index from one quarter's to another's is a quarter's, in 1900..=9999.
        (a..=b).map(|i| Quarter(i as u16))
    }
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    // infallible: callers pass a year in 1900..=9999 and a valid month/day.
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-Q{}", self.year(), self.number())
    }
}

/// As the year and number it was declared with before it was kept as an index.
impl fmt::Debug for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Quarter").field("year", &self.year()).field("number", &self.number()).finish()
    }
}

impl FromStr for Quarter {
    type Err = CalendarError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Quarter::parse(s)
    }
}

impl Serialize for Quarter {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quarter {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::text_de::parse_text(deserializer, "a quarter such as 2024-Q1", Quarter::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quarter_basics() {
        let q = Quarter::parse("2024-q1").unwrap();
        assert_eq!(q.to_string(), "2024-Q1");
        assert_eq!(q.label_it(), "1° trimestre 2024");
        assert_eq!(q.first_day(), NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
        assert_eq!(q.last_day(), NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
        assert_eq!(q.previous().unwrap().to_string(), "2023-Q4");
        assert_eq!(q.next().unwrap().to_string(), "2024-Q2");
        assert!(Quarter::parse("2019-Q4").unwrap().ensure_portal().is_err());
        assert_eq!(Quarter::parse("2024-Q5"), Err(CalendarError::QuarterFormat));
        assert_eq!(Quarter::parse("10000-Q1"), Err(CalendarError::QuarterFormat));
        assert_eq!(Quarter::parse("1899-Q4"), Err(CalendarError::QuarterOutOfRange { year: 1899 }));
        assert_eq!(Quarter::new(9999, 4).unwrap().next(), None);
        assert!(Quarter::new(2024, 4).unwrap() > Quarter::new(2024, 3).unwrap());
        assert_eq!(Quarter::new(2023, 3).unwrap().through(Quarter::new(2024, 2).unwrap()).count(), 4);
        assert_eq!(Quarter::parse_set("2020-Q1..2020-Q4, 2021-Q2").unwrap().len(), 5);
        assert_eq!(Quarter::parse_set("").unwrap().len(), 0);
        assert!(Quarter::parse_set("2021-Q2..2020-Q1").is_err());
        assert!(Quarter::parse_set("2021-Q2..").is_err());
        assert_eq!(Quarter::new(1900, 1).unwrap().previous(), None);
        assert_eq!(Quarter::new(2020, 1).unwrap(), Quarter::PORTAL_FIRST);
        assert_eq!(std::mem::size_of::<Quarter>(), 2);
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,12}") {
            let _ = Quarter::parse(&s);
        }

        /// Kept as an index, a quarter still gives the year and number it was made of, and
        /// orders as they do.
        #[test]
        fn year_number_and_order_as_made(a in (1900i32..=9999, 1u32..=4), b in (1900i32..=9999, 1u32..=4)) {
            let (qa, qb) = (Quarter::new(a.0, a.1).unwrap(), Quarter::new(b.0, b.1).unwrap());
            prop_assert_eq!((qa.year(), qa.number()), a);
            prop_assert_eq!(qa.cmp(&qb), a.cmp(&b));
            prop_assert_eq!(qa == qb, a == b);
            prop_assert_eq!(format!("{qa:?}"), format!("Quarter {{ year: {}, number: {} }}", a.0, a.1));
        }

        #[test]
        fn display_parse_and_index_round_trip(year in 1900i32..=9999, n in 1u32..=4) {
            let q = Quarter::new(year, n).unwrap();
            prop_assert_eq!(Quarter::parse(&q.to_string()), Ok(q));
            prop_assert_eq!(Quarter::from_index(q.index()), Some(q));
            prop_assert_eq!(Quarter::of_date(q.first_day()), Ok(q));
            prop_assert_eq!(Quarter::of_date(q.last_day()), Ok(q));
            if let Some(next) = q.next() {
                prop_assert_eq!(next.previous(), Some(q));
                prop_assert_eq!(next.first_day().pred_opt(), Some(q.last_day()));
            }
        }

        /// The quarters from one to another: each the next of the one before, from the first to
        /// the last, none when the last is before the first; their number known ahead.
        #[test]
        fn through_walks_every_quarter_between(a in 0usize..32_400, b in 0usize..32_400) {
            let (first, last) = (Quarter::from_index(a).unwrap(), Quarter::from_index(b).unwrap());
            let walk = first.through(last);
            let expected = (b + 1).saturating_sub(a);
            prop_assert_eq!(walk.size_hint(), (expected, Some(expected)));
            let quarters: Vec<Quarter> = walk.collect();
            prop_assert_eq!(quarters.len(), expected);
            if expected > 0 {
                prop_assert_eq!(quarters.first(), Some(&first));
                prop_assert_eq!(quarters.last(), Some(&last));
            }
            for pair in quarters.windows(2) {
                prop_assert_eq!(pair[0].next(), Some(pair[1]));
            }
        }
    }
}
