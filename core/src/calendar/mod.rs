//! Italian civil calendar (SPEC §2): quarters, portal dates `gg/mm/aaaa`, moments in
//! Europe/Rome, fortnights with their due dates, the pre-2020 mailboxes.

mod fortnight;
mod mailbox;
mod moment;
mod quarter;

pub use fortnight::{easter_sunday, is_holiday, is_working_day, Fortnight};
pub use mailbox::pre2020_mailbox;
pub(crate) use moment::year_of;
pub use moment::{
    date_of_day_number, day_number, quarter_of_epoch, rome_day_of_epoch, rome_midnight_of_day, DayNumber, Moment,
};
pub use quarter::Quarter;

use chrono::{Datelike, NaiveDate};
use thiserror::Error;

use crate::error::{CieError, ErrorCode, FieldValue, Lang};

/// Why a calendar value was refused.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum CalendarError {
    /// Not `gg/mm/aaaa` (or ISO `aaaa-mm-gg` where accepted).
    #[error("invalid date format")]
    DateFormat,
    /// Well formed but not a calendar day (31/02, 29/02 of a common year).
    #[error("date does not exist")]
    DateInvalid,
    /// Not an ISO 8601 moment.
    #[error("invalid moment")]
    MomentFormat,
    /// Not `2024-Q1`.
    #[error("invalid quarter format")]
    QuarterFormat,
    /// Outside the supported years (or before 2020-Q1 where a portal quarter is needed).
    #[error("quarter out of range: {year}")]
    QuarterOutOfRange {
        /// The offending year.
        year: i32,
    },
    /// Not `2024-03-1` / `2024-03-2`.
    #[error("invalid fortnight")]
    FortnightFormat,
    /// A municipality name without a letter to choose a mailbox by.
    #[error("invalid municipality name")]
    MunicipalityName,
}

impl CieError for CalendarError {
    fn code(&self) -> ErrorCode {
        match self {
            CalendarError::DateFormat => ErrorCode::DateFormat,
            CalendarError::DateInvalid => ErrorCode::DateInvalid,
            CalendarError::MomentFormat => ErrorCode::MomentFormat,
            CalendarError::QuarterFormat => ErrorCode::QuarterFormat,
            CalendarError::QuarterOutOfRange { .. } => ErrorCode::QuarterOutOfRange,
            CalendarError::FortnightFormat => ErrorCode::FortnightFormat,
            CalendarError::MunicipalityName => ErrorCode::MunicipalityName,
        }
    }

    fn detail(&self, lang: Lang) -> Option<String> {
        match self {
            CalendarError::QuarterOutOfRange { year } => Some(format!(
                "{} {year}; {}",
                lang.pick("anno", "year"),
                lang.pick("ammessi 2020-Q1 … 9999-Q4", "allowed 2020-Q1 … 9999-Q4")
            )),
            _ => None,
        }
    }

    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        match self {
            CalendarError::QuarterOutOfRange { year } => {
                vec![("year", FieldValue::Int(i64::from(*year)))]
            }
            _ => Vec::new(),
        }
    }
}

/// Parses the strict portal date `gg/mm/aaaa` (calendar-checked).
pub fn parse_date(text: &str) -> Result<NaiveDate, CalendarError> {
    let b = text.as_bytes();
    if b.len() != 10 || b[2] != b'/' || b[5] != b'/' {
        return Err(CalendarError::DateFormat);
    }
    let day = digits(&b[0..2]).ok_or(CalendarError::DateFormat)?;
    let month = digits(&b[3..5]).ok_or(CalendarError::DateFormat)?;
    let year = digits(&b[6..10]).ok_or(CalendarError::DateFormat)?;
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or(CalendarError::DateInvalid)
}

/// Parses ISO `aaaa-mm-gg` strictly (calendar-checked).
pub fn parse_iso_date(text: &str) -> Result<NaiveDate, CalendarError> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(CalendarError::DateFormat);
    }
    let year = digits(&b[0..4]).ok_or(CalendarError::DateFormat)?;
    let month = digits(&b[5..7]).ok_or(CalendarError::DateFormat)?;
    let day = digits(&b[8..10]).ok_or(CalendarError::DateFormat)?;
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or(CalendarError::DateInvalid)
}

/// Parses a date given either as `gg/mm/aaaa` or as ISO `aaaa-mm-gg`, trimming whitespace
/// (CLI and CSV input).
pub fn parse_any_date(text: &str) -> Result<NaiveDate, CalendarError> {
    let text = text.trim();
    if text.contains('/') {
        parse_date(text)
    } else {
        parse_iso_date(text)
    }
}

/// Reads a date as exported files write it (SPEC §2.3a): `d/m/yyyy` with one or two digits for
/// day and month and `/`, `-` or `.` as separator (day first, always), or ISO `yyyy-mm-dd`.
pub fn parse_exported_date(text: &str) -> Result<NaiveDate, CalendarError> {
    let text = text.trim();
    if text.len() == 10 && text.as_bytes()[4] == b'-' {
        return parse_iso_date(text);
    }
    let separator = text.chars().find(|c| matches!(c, '/' | '-' | '.')).ok_or(CalendarError::DateFormat)?;
    let mut parts = text.split(separator);
    let (Some(d), Some(m), Some(y), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(CalendarError::DateFormat);
    };
    let small = |p: &str| (1..=2).contains(&p.len()).then(|| digits(p.as_bytes())).flatten();
    let (Some(day), Some(month), Some(year)) =
        (small(d), small(m), (y.len() == 4).then(|| digits(y.as_bytes())).flatten())
    else {
        return Err(CalendarError::DateFormat);
    };
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or(CalendarError::DateInvalid)
}

/// Reads a signing moment as exported files write it (SPEC §2.3a): a moment [`Moment::parse`]
/// reads, or an exported date ([`parse_exported_date`]) followed by a Rome local time
/// `h:mm[:ss]` after a space or `T` (`15/3/2024 10:22`), or a bare exported date (midnight).
pub fn parse_exported_moment(text: &str) -> Result<Moment, CalendarError> {
    let text = text.trim();
    if let Ok(m) = Moment::parse(text) {
        return Ok(m);
    }
    let (date, time) = match text.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t.trim())),
        None => (text, None),
    };
    let date = parse_exported_date(date).map_err(|e| match e {
        CalendarError::DateInvalid => e,
        _ => CalendarError::MomentFormat,
    })?;
    let Some(time) = time else { return Ok(Moment::rome_midnight(date)) };
    let mut parts = time.split(':');
    let mut field = |max: u32, needed: bool| -> Result<u32, CalendarError> {
        match parts.next() {
            None if !needed => Ok(0),
            Some(p) if (1..=2).contains(&p.len()) => {
                digits(p.as_bytes()).filter(|v| *v <= max).ok_or(CalendarError::MomentFormat)
            }
            _ => Err(CalendarError::MomentFormat),
        }
    };
    let (h, m, s) = (field(23, true)?, field(59, true)?, field(59, false)?);
    if parts.next().is_some() {
        return Err(CalendarError::MomentFormat);
    }
    let naive = date.and_hms_opt(h, m, s).ok_or(CalendarError::MomentFormat)?;
    Ok(Moment::from_rome_local(naive))
}

/// A reader of many exported signing moments, giving what [`parse_exported_moment`] gives, fast
/// for the shape exports write most (`yyyy-mm-dd[T ]hh:mm:ss`, Rome local time): the day's
/// offset from UTC is computed once per day and remembered for the last 512 days seen (exports
/// in any order stay fast); the days daylight saving changes take the general path.
pub struct ExportedMoments {
    /// Direct-mapped by day number: (day, the day's offset, `None` on a day the clocks change).
    days: Box<[(DayNumber, Option<i64>); OFFSET_CACHE]>,
}

/// Days whose offset [`ExportedMoments`] remembers.
const OFFSET_CACHE: usize = 512;

impl Default for ExportedMoments {
    fn default() -> ExportedMoments {
        // `DayNumber::MIN` is no calendar day: every slot starts empty.
        ExportedMoments { days: Box::new([(DayNumber::MIN, None); OFFSET_CACHE]) }
    }
}

impl ExportedMoments {
    /// Reads one moment, as [`parse_exported_moment`] does.
    pub fn read(&mut self, text: &str) -> Result<Moment, CalendarError> {
        let b = text.trim().as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            b.get(r)?.iter().try_fold(0u32, |a, &c| c.is_ascii_digit().then(|| a * 10 + u32::from(c - b'0')))
        };
        let shape = b.len() == 19
            && b[4] == b'-'
            && b[7] == b'-'
            && matches!(b[10], b'T' | b' ')
            && b[13] == b':'
            && b[16] == b':';
        let parts = shape.then(|| {
            Some((digits(0..4)?, digits(5..7)?, digits(8..10)?, digits(11..13)?, digits(14..16)?, digits(17..19)?))
        });
        let Some(Some((y, mo, d, h, mi, se))) = parts else { return parse_exported_moment(text) };
        let Some(naive) = chrono::NaiveDate::from_ymd_opt(y as i32, mo, d).and_then(|date| date.and_hms_opt(h, mi, se))
        else {
            return parse_exported_moment(text);
        };
        let date = naive.date();
        let day = day_number(date);
        let slot = &mut self.days[day.rem_euclid(OFFSET_CACHE as DayNumber) as usize];
        let offset = match *slot {
            (cached, offset) if cached == day => offset,
            _ => {
                // The offset at the day's first and last minute: equal unless the clocks change.
                let at = |t: chrono::NaiveTime| {
                    let local = date.and_time(t);
                    local.and_utc().timestamp() - Moment::from_rome_local(local).epoch()
                };
                let (first, last) =
                    (at(chrono::NaiveTime::MIN), at(chrono::NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default()));
                let offset = (first == last).then_some(first);
                *slot = (day, offset);
                offset
            }
        };
        Ok(match offset {
            Some(offset) => Moment::from_epoch(naive.and_utc().timestamp() - offset),
            None => Moment::from_rome_local(naive),
        })
    }
}

/// Formats a date as the portal does: `gg/mm/aaaa`.
pub fn format_date(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), date.month(), date.year())
}

/// Reads ASCII digits as a number; `None` if any byte is not a digit.
pub(crate) fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |acc, &b| b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0')))
}

#[cfg(test)]
mod exported_tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn exported_dates_are_day_first() {
        for (text, want) in [
            ("1/2/2024", d(2024, 2, 1)),
            ("15-02-2024", d(2024, 2, 15)),
            ("15.2.2024", d(2024, 2, 15)),
            ("2024-02-15", d(2024, 2, 15)),
            (" 01/02/2024 ", d(2024, 2, 1)),
        ] {
            assert_eq!(parse_exported_date(text), Ok(want), "{text}");
        }
        assert_eq!(parse_exported_date("31/2/2024"), Err(CalendarError::DateInvalid));
        for bad in ["2/15", "1/2/24", "2024/02/15", "1/2/2024/1", "", "a/b/cccc", "001/2/2024"] {
            assert_eq!(parse_exported_date(bad), Err(CalendarError::DateFormat), "{bad}");
        }
    }

    #[test]
    fn the_fast_reader_agrees_across_daylight_saving() {
        let mut reader = ExportedMoments::default();
        for text in [
            "2024-03-30T02:30:00",
            "2024-03-31T01:59:59",
            "2024-03-31T02:30:00",
            "2024-03-31T03:00:00",
            "2024-10-27T02:30:00",
            "2024-10-27 03:00:00",
            "2024-10-28T10:00:00",
            "15/3/2024 10:22",
            "2024-02-30T10:00:00",
        ] {
            assert_eq!(reader.read(text), parse_exported_moment(text), "{text}");
        }
    }

    #[test]
    fn exported_moments_read_rome_time() {
        let m = parse_exported_moment("15/3/2024 10:22").unwrap();
        assert_eq!(m, Moment::parse("2024-03-15T10:22:00").unwrap());
        assert_eq!(parse_exported_moment("15-03-2024 9:05:07").unwrap(), Moment::parse("2024-03-15T09:05:07").unwrap());
        assert_eq!(parse_exported_moment("2024-03-31T23:30:00Z").unwrap().quarter().unwrap().to_string(), "2024-Q2");
        assert_eq!(parse_exported_moment("15/3/2024").unwrap(), Moment::parse("2024-03-15").unwrap());
        assert_eq!(parse_exported_moment("15/3/2024 25:00"), Err(CalendarError::MomentFormat));
        assert_eq!(parse_exported_moment("30/2/2024 10:00"), Err(CalendarError::DateInvalid));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn portal_dates() {
        assert_eq!(parse_date("29/02/2024"), Ok(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()));
        assert_eq!(parse_date("29/02/2023"), Err(CalendarError::DateInvalid));
        assert_eq!(parse_date("31/04/2024"), Err(CalendarError::DateInvalid));
        assert_eq!(parse_date("00/01/2024"), Err(CalendarError::DateInvalid));
        for bad in ["1/1/2024", "2024-01-01", "01-01-2024", "01/01/24", "", "aa/bb/cccc", "01/01/2024 "] {
            assert_eq!(parse_date(bad), Err(CalendarError::DateFormat), "{bad:?}");
        }
        assert_eq!(format_date(NaiveDate::from_ymd_opt(2024, 3, 5).unwrap()), "05/03/2024");
        assert_eq!(parse_any_date(" 2024-03-05 "), Ok(NaiveDate::from_ymd_opt(2024, 3, 5).unwrap()));
    }

    proptest! {
        #[test]
        fn date_parsers_never_panic(s in "\\PC{0,20}") {
            let _ = parse_date(&s);
            let _ = parse_any_date(&s);
        }

        #[test]
        fn format_then_parse(days in 0i64..3_000_000) {
            let d = NaiveDate::from_ymd_opt(1, 1, 1).unwrap() + chrono::Days::new(days as u64);
            if d.year() <= 9999 {
                prop_assert_eq!(parse_date(&format_date(d)), Ok(d));
            }
        }
    }
}
