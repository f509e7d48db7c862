//! Moments and their quarter in Europe/Rome civil time (SPEC §2.1).
//!
//! A moment is stored as UTC epoch seconds. Text with an offset is converted; naive text is
//! Rome local time. The quarter of a moment is found by comparing against a precomputed table
//! of the UTC instants at which each Rome quarter begins, so a batch of millions of moments
//! costs a comparison each, not a time-zone conversion each.

use std::fmt;
use std::sync::OnceLock;

use chrono::offset::LocalResult;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Rome;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::quarter::{MAX_YEAR, MIN_YEAR};
use super::{CalendarError, Quarter};

/// An instant, as UTC epoch seconds (sub-second precision is dropped).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Moment(i64);

impl Moment {
    /// A moment from epoch seconds.
    pub const fn from_epoch(seconds: i64) -> Moment {
        Moment(seconds)
    }

    /// Epoch seconds.
    pub const fn epoch(self) -> i64 {
        self.0
    }

    /// An aware date-time, converted.
    pub fn from_aware<Tz: TimeZone>(dt: &DateTime<Tz>) -> Moment {
        Moment(dt.timestamp())
    }

    /// A naive date-time read as Rome local time. In the autumn hour that occurs twice the
    /// earlier instant is taken; a time inside the spring gap is moved forward by the gap.
    /// Either way the Rome civil date — what decides a quarter — is the one written.
    pub fn from_rome_local(naive: NaiveDateTime) -> Moment {
        match Rome.from_local_datetime(&naive) {
            LocalResult::Single(dt) | LocalResult::Ambiguous(dt, _) => Moment(dt.timestamp()),
            LocalResult::None => {
                let shifted = naive + chrono::Duration::hours(1);
                match Rome.from_local_datetime(&shifted) {
                    LocalResult::Single(dt) | LocalResult::Ambiguous(dt, _) => Moment(dt.timestamp()),
                    // Only reachable for non-existent hours two hours long, which Rome never had.
                    LocalResult::None => Moment(naive.and_utc().timestamp() - 3600),
                }
            }
        }
    }

    /// Midnight (start) of a Rome civil date.
    pub fn rome_midnight(date: NaiveDate) -> Moment {
        Moment::from_rome_local(date.and_time(chrono::NaiveTime::MIN))
    }

    /// Parses an ISO 8601 / RFC 3339 moment with an offset (`2024-03-31T23:30:00Z`,
    /// `…+02:00`), or a naive one read as Rome local time: `2024-03-31T23:30[:00[.fff]]`,
    /// with `T` or a space, `31/03/2024 23:30[:00]`, or a bare date (midnight).
    pub fn parse(text: &str) -> Result<Moment, CalendarError> {
        let text = text.trim();
        if text.is_empty() || text.len() > 64 {
            return Err(CalendarError::MomentFormat);
        }
        if let Some(moment) = Moment::parse_canonical(text) {
            return Ok(moment);
        }
        if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
            return Ok(Moment::from_aware(&dt));
        }
        for format in [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%d %H:%M",
            "%d/%m/%Y %H:%M:%S",
            "%d/%m/%Y %H:%M",
        ] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
                return Ok(Moment::from_rome_local(naive));
            }
        }
        match super::parse_any_date(text) {
            Ok(date) => Ok(Moment::rome_midnight(date)),
            Err(CalendarError::DateInvalid) => Err(CalendarError::DateInvalid),
            Err(_) => Err(CalendarError::MomentFormat),
        }
    }

    /// The shape the library writes (`2024-04-01T01:30:00+02:00`, or `…Z`), read without the
    /// general parser: event logs hold a million of them. `None` for any other shape, which
    /// the general parser then reads (with the same result for this shape).
    pub(crate) fn parse_canonical(text: &str) -> Option<Moment> {
        let b = text.as_bytes();
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            b.get(range)?.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
        };
        let offset = match (b.len(), b.get(19)) {
            (20, Some(b'Z')) => 0,
            (25, Some(&sign @ (b'+' | b'-'))) if b.get(22) == Some(&b':') => {
                let (hours, minutes) = (number(20..22)?, number(23..25)?);
                if hours > 23 || minutes > 59 {
                    return None;
                }
                let seconds = i64::from(hours * 3600 + minutes * 60);
                if sign == b'-' {
                    -seconds
                } else {
                    seconds
                }
            }
            _ => return None,
        };
        let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
        if separators.iter().any(|&(i, c)| b.get(i) != Some(&c)) {
            return None;
        }
        let year = i32::try_from(number(0..4)?).ok()?;
        let date = NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)?;
        let time = chrono::NaiveTime::from_hms_opt(number(11..13)?, number(14..16)?, number(17..19)?)?;
        Some(Moment(date.and_time(time).and_utc().timestamp() - offset))
    }

    /// The date-time in Rome.
    pub fn to_rome(self) -> Option<DateTime<chrono_tz::Tz>> {
        DateTime::<Utc>::from_timestamp(self.0, 0).map(|dt| dt.with_timezone(&Rome))
    }

    /// The Rome civil date of the moment.
    pub fn rome_date(self) -> Result<NaiveDate, CalendarError> {
        self.to_rome().map(|dt| dt.date_naive()).ok_or(CalendarError::MomentFormat)
    }

    /// The quarter of the moment in Rome civil time.
    pub fn quarter(self) -> Result<Quarter, CalendarError> {
        quarter_of_epoch(self.0)
    }
}

impl fmt::Display for Moment {
    /// RFC 3339 in Rome's offset, e.g. `2024-04-01T01:30:00+02:00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_rome() {
            Some(dt) => f.write_str(&dt.to_rfc3339()),
            None => write!(f, "@{}", self.0),
        }
    }
}

impl Serialize for Moment {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Moment {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::text_de::parse_text(deserializer, "a moment", Moment::parse)
    }
}

/// Table of the UTC instants at which Rome quarters start, 1900-Q1 to 2200-Q1 (inclusive, as
/// the end sentinel of 2199-Q4).
struct QuarterStarts(Vec<i64>);

/// Last year covered by the fast table (later years go through the time-zone database).
const TABLE_LAST_YEAR: i32 = 2199;
/// Average quarter length in seconds (Gregorian year / 4).
const AVG_QUARTER_SECONDS: i64 = 7_889_238;

fn table() -> &'static QuarterStarts {
    static TABLE: OnceLock<QuarterStarts> = OnceLock::new();
    TABLE.get_or_init(|| {
        let quarters = (TABLE_LAST_YEAR - MIN_YEAR + 1) as usize * 4;
        let starts = (0..=quarters)
            .map(|i| {
                let year = MIN_YEAR + (i / 4) as i32;
                let month = (i % 4) as u32 * 3 + 1;
                NaiveDate::from_ymd_opt(year, month, 1).map_or(i64::MAX, |d| Moment::rome_midnight(d).epoch())
            })
            .collect();
        QuarterStarts(starts)
    })
}

/// The quarter of a moment given as epoch seconds, in Rome civil time. For years 1900–2199 this
/// is a table lookup; beyond it the time-zone database is asked.
#[inline]
pub fn quarter_of_epoch(seconds: i64) -> Result<Quarter, CalendarError> {
    let starts = &table().0;
    let last = starts.len() - 1;
    if seconds >= starts[0] && seconds < starts[last] {
        let mut i = (((seconds - starts[0]) / AVG_QUARTER_SECONDS) as usize).min(last - 1);
        while seconds < starts[i] {
            i -= 1;
        }
        while seconds >= starts[i + 1] {
            i += 1;
        }
        return Quarter::from_index(i).ok_or(CalendarError::QuarterOutOfRange { year: MAX_YEAR });
    }
    let date = Moment(seconds).rome_date()?;
    Quarter::of_date(date)
}

/// Rome civil days as numbers: days since 1970-01-01 (negative before).
pub type DayNumber = i32;

/// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
const UNIX_EPOCH_CE_DAYS: i32 = 719_163;

/// Day number of a civil date.
pub fn day_number(date: NaiveDate) -> DayNumber {
    date.num_days_from_ce() - UNIX_EPOCH_CE_DAYS
}

/// Civil date of a day number (`None` outside chrono's range).
pub fn date_of_day_number(day: DayNumber) -> Option<NaiveDate> {
    day.checked_add(UNIX_EPOCH_CE_DAYS).and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// UTC instants of every Rome midnight from 1900-01-01 to 2200-01-01, built once.
struct Midnights {
    first_day: DayNumber,
    starts: Vec<i64>,
}

fn midnights() -> &'static Midnights {
    static TABLE: OnceLock<Midnights> = OnceLock::new();
    TABLE.get_or_init(|| {
        let first = NaiveDate::from_ymd_opt(MIN_YEAR, 1, 1).unwrap_or(NaiveDate::MIN);
        let last = NaiveDate::from_ymd_opt(TABLE_LAST_YEAR + 1, 1, 1).unwrap_or(NaiveDate::MIN);
        let starts = first.iter_days().take_while(|d| *d <= last).map(|d| Moment::rome_midnight(d).epoch()).collect();
        Midnights { first_day: day_number(first), starts }
    })
}

/// The Rome civil day of a moment, as a day number. Years 1900–2199 are a table lookup;
/// others ask the time-zone database.
#[inline]
pub fn rome_day_of_epoch(seconds: i64) -> Result<DayNumber, CalendarError> {
    let table = midnights();
    let starts = &table.starts;
    let last = starts.len() - 1;
    if seconds >= starts[0] && seconds < starts[last] {
        let mut i = (((seconds - starts[0]) / 86_400) as usize).min(last - 1);
        while seconds < starts[i] {
            i -= 1;
        }
        while seconds >= starts[i + 1] {
            i += 1;
        }
        return Ok(table.first_day + i as DayNumber);
    }
    Moment(seconds).rome_date().map(day_number)
}

/// The first and the last moment of the Rome civil year of moment `t`; `None` outside the
/// calendar.
pub(crate) fn year_of(t: i64) -> Option<(i64, i64)> {
    let year = date_of_day_number(rome_day_of_epoch(t).ok()?)?.year();
    let first = day_number(NaiveDate::from_ymd_opt(year, 1, 1)?);
    let next = day_number(NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?);
    Some((rome_midnight_of_day(first), rome_midnight_of_day(next).checked_sub(1)?))
}

/// The UTC instant of the Rome midnight that starts a day.
pub fn rome_midnight_of_day(day: DayNumber) -> i64 {
    let table = midnights();
    match usize::try_from(i64::from(day) - i64::from(table.first_day)).ok().and_then(|i| table.starts.get(i)) {
        Some(&t) => t,
        None => date_of_day_number(day).map_or(i64::MAX, |d| Moment::rome_midnight(d).epoch()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Offset};
    use proptest::prelude::*;

    #[test]
    fn the_year_of_a_moment_is_romes() {
        let at = |s: &str| Moment::parse(s).unwrap().epoch();
        let year_2024 = Some((at("2024-01-01T00:00:00+01:00"), at("2024-12-31T23:59:59+01:00")));
        assert_eq!(year_of(at("2024-01-01T00:00:00+01:00")), year_2024);
        assert_eq!(year_of(at("2024-07-14T12:00:00+02:00")), year_2024);
        // 22:59:59 UTC on 31 December is still 2024 in Rome; 23:00:00 is 2025.
        assert_eq!(year_of(at("2024-12-31T22:59:59Z")), year_2024);
        assert_eq!(year_of(at("2024-12-31T23:00:00Z")).map(|y| y.0), Some(at("2025-01-01T00:00:00+01:00")));
        assert_eq!(year_of(i64::MAX), None);
    }

    fn q(s: &str) -> Quarter {
        Quarter::parse(s).unwrap()
    }

    #[test]
    fn seed_examples() {
        assert_eq!(Moment::parse("2024-03-31T23:30:00Z").unwrap().quarter(), Ok(q("2024-Q2")));
        assert_eq!(Moment::parse("2024-03-31T21:59:59Z").unwrap().quarter(), Ok(q("2024-Q1")));
        assert_eq!(Moment::parse("2024-03-31T22:00:00Z").unwrap().quarter(), Ok(q("2024-Q2")));
        // Winter: Rome is UTC+1.
        assert_eq!(Moment::parse("2023-12-31T22:59:59Z").unwrap().quarter(), Ok(q("2023-Q4")));
        assert_eq!(Moment::parse("2023-12-31T23:00:00Z").unwrap().quarter(), Ok(q("2024-Q1")));
        // Naive = Rome local.
        assert_eq!(Moment::parse("2024-03-31T23:30:00").unwrap().quarter(), Ok(q("2024-Q1")));
        assert_eq!(Moment::parse("01/04/2024 00:00").unwrap().quarter(), Ok(q("2024-Q2")));
        assert_eq!(Moment::parse("2024-04-01").unwrap().quarter(), Ok(q("2024-Q2")));
        assert_eq!(Moment::parse("2024-04-01T01:30:00+02:00").unwrap(), Moment::parse("2024-03-31T23:30:00Z").unwrap());
        assert_eq!(Moment::parse("2024-02-30"), Err(CalendarError::DateInvalid));
        assert_eq!(Moment::parse("ieri"), Err(CalendarError::MomentFormat));
        assert_eq!(Moment::parse("2024-03-31T23:30:00Z").unwrap().to_string(), "2024-04-01T01:30:00+02:00");
    }

    #[test]
    fn dst_gap_and_fold_keep_the_written_date() {
        // 2024-03-31 02:30 does not exist in Rome; 2024-10-27 02:30 exists twice.
        let gap = Moment::parse("2024-03-31T02:30:00").unwrap();
        assert_eq!(gap.rome_date().unwrap(), NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
        let fold = Moment::parse("2024-10-27T02:30:00").unwrap();
        assert_eq!(fold, Moment::parse("2024-10-27T00:30:00Z").unwrap());
    }

    /// Every DST transition 2016–2040, ±1 s around it and around the Rome midnights of the
    /// quarter boundaries, checked against the time-zone database.
    #[test]
    fn table_agrees_with_tz_database_at_every_transition() {
        let mut probes = Vec::new();
        for year in 2016..=2040 {
            for month in 1..=12 {
                for day in [1, 2] {
                    let d = NaiveDate::from_ymd_opt(year, month, day).unwrap();
                    probes.push(Moment::rome_midnight(d).epoch());
                }
            }
            // Find the UTC instants where Rome's offset changes, hour by hour.
            let start =
                NaiveDate::from_ymd_opt(year, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
            let offset = |t: i64| {
                DateTime::<Utc>::from_timestamp(t, 0).unwrap().with_timezone(&Rome).offset().fix().local_minus_utc()
            };
            let mut transitions = 0;
            let mut t = start;
            while t < start + 366 * 86_400 {
                if offset(t) != offset(t + 3600) {
                    probes.push(t + 3600);
                    transitions += 1;
                }
                t += 3600;
            }
            assert_eq!(transitions, 2, "year {year}");
        }
        for p in probes {
            for t in [p - 1, p, p + 1] {
                let date = DateTime::<Utc>::from_timestamp(t, 0).unwrap().with_timezone(&Rome).date_naive();
                assert_eq!(quarter_of_epoch(t), Quarter::of_date(date), "t={t}");
            }
        }
    }

    #[test]
    fn rome_days() {
        let t = Moment::parse("2024-03-31T23:30:00Z").unwrap().epoch();
        let d = rome_day_of_epoch(t).unwrap();
        assert_eq!(date_of_day_number(d), NaiveDate::from_ymd_opt(2024, 4, 1));
        assert_eq!(rome_midnight_of_day(d), Moment::parse("2024-04-01T00:00:00+02:00").unwrap().epoch());
        assert!(rome_midnight_of_day(d) <= t && t < rome_midnight_of_day(d + 1));
        let far = NaiveDate::from_ymd_opt(2500, 7, 1).unwrap().and_hms_opt(12, 0, 0).unwrap().and_utc().timestamp();
        assert_eq!(date_of_day_number(rome_day_of_epoch(far).unwrap()), NaiveDate::from_ymd_opt(2500, 7, 1));
    }

    #[test]
    fn outside_the_table_falls_back() {
        let t = NaiveDate::from_ymd_opt(2500, 7, 1).unwrap().and_hms_opt(12, 0, 0).unwrap().and_utc().timestamp();
        assert_eq!(quarter_of_epoch(t), Ok(q("2500-Q3")));
        assert!(quarter_of_epoch(i64::MIN).is_err());
        assert!(quarter_of_epoch(i64::MAX).is_err());
        let before = NaiveDate::from_ymd_opt(1899, 12, 1).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
        assert_eq!(quarter_of_epoch(before), Err(CalendarError::QuarterOutOfRange { year: 1899 }));
    }

    #[test]
    fn canonical_shortcut_edges() {
        for text in [
            "2024-04-01T01:30:00+02:00",
            "2024-04-01T01:30:00-00:00",
            "2024-02-29T23:59:59+23:59",
            "2024-02-29T23:59:59-23:59",
            "2024-04-01T00:00:00Z",
            "2023-02-29T10:00:00Z",
            "2024-04-01T24:00:00Z",
            "2024-04-01T10:00:60Z",
            "2024-04-01T10:00:00+24:00",
            "2024-04-01t10:00:00z",
        ] {
            let general = DateTime::parse_from_rfc3339(text).ok().map(|dt| Moment::from_aware(&dt));
            if let Some(m) = Moment::parse_canonical(text) {
                assert_eq!(Some(m), general, "{text}");
            }
            assert_eq!(Moment::parse(text).ok(), general.or_else(|| Moment::parse(text).ok()), "{text}");
        }
        assert_eq!(Moment::parse_canonical("2024-04-01T01:30:00+02:00"), Some(Moment(1_711_927_800)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The canonical shortcut reads exactly what the RFC 3339 parser reads, and declines
        /// only what that parser would also refuse or what has another shape.
        #[test]
        fn canonical_shortcut_agrees_with_rfc3339(
            text in "[0-9]{4}-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-6][0-9]:[0-6][0-9]([+-][0-2][0-9]:[0-6][0-9]|Z)",
        ) {
            let general = DateTime::parse_from_rfc3339(&text).ok().map(|dt| Moment::from_aware(&dt));
            match Moment::parse_canonical(&text) {
                Some(m) => prop_assert_eq!(Some(m), general),
                // Declined: a leap second (`:60`), which the general parser reads.
                None => prop_assert!(general.is_none() || &text[17..19] == "60", "{}", text),
            }
            prop_assert_eq!(Moment::parse(&text).ok(), general);
        }

        #[test]
        fn canonical_shortcut_on_any_text(text in "\\PC{0,30}|[0-9T:Z+ -]{18,26}") {
            if let Some(m) = Moment::parse_canonical(&text) {
                let general = DateTime::parse_from_rfc3339(&text).ok().map(|dt| Moment::from_aware(&dt));
                prop_assert_eq!(Some(m), general);
            }
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,80}") {
            let _ = Moment::parse(&s);
        }

        #[test]
        fn day_table_agrees_with_tz(t in -2_208_988_800i64..7_258_118_400) {
            let date = Moment(t).rome_date().unwrap();
            prop_assert_eq!(rome_day_of_epoch(t).map(date_of_day_number), Ok(Some(date)));
        }

        #[test]
        fn every_moment_is_in_the_quarter_of_its_rome_date(t in -2_208_988_800i64..253_402_300_799) {
            let date = Moment(t).rome_date().unwrap();
            let quarter = quarter_of_epoch(t);
            if date.year() >= 1900 {
                let quarter = quarter.unwrap();
                prop_assert!(quarter.first_day() <= date && date <= quarter.last_day());
            }
        }
    }
}
