//! Fortnights and their payment due dates on Italian working days (SPEC §2.4).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::CalendarError;

/// Half of a month: days 1–15 (`half` 1) or 16–last (`half` 2). Text form `2024-03-2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fortnight {
    year: i32,
    month: u32,
    half: u32,
}

impl Fortnight {
    /// A fortnight; `month` 1..=12, `half` 1 or 2, year 1900..=9999.
    pub fn new(year: i32, month: u32, half: u32) -> Result<Fortnight, CalendarError> {
        if !(1..=12).contains(&month) || !(1..=2).contains(&half) {
            return Err(CalendarError::FortnightFormat);
        }
        if !(1900..=9999).contains(&year) {
            return Err(CalendarError::QuarterOutOfRange { year });
        }
        Ok(Fortnight { year, month, half })
    }

    /// The fortnight containing a date.
    pub fn of(date: NaiveDate) -> Result<Fortnight, CalendarError> {
        Fortnight::new(date.year(), date.month(), if date.day() <= 15 { 1 } else { 2 })
    }

    /// Parses `2024-03-2`.
    pub fn parse(text: &str) -> Result<Fortnight, CalendarError> {
        let b = text.trim().as_bytes();
        if b.len() != 9 || b[4] != b'-' || b[7] != b'-' {
            return Err(CalendarError::FortnightFormat);
        }
        let year = super::digits(&b[0..4]).ok_or(CalendarError::FortnightFormat)?;
        let month = super::digits(&b[5..7]).ok_or(CalendarError::FortnightFormat)?;
        let half = super::digits(&b[8..9]).ok_or(CalendarError::FortnightFormat)?;
        Fortnight::new(year as i32, month, half)
    }

    /// Year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// Month, 1..=12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// 1 (days 1–15) or 2 (16–end).
    pub fn half(self) -> u32 {
        self.half
    }

    /// First day (1st or 16th).
    pub fn first_day(self) -> NaiveDate {
        date(self.year, self.month, if self.half == 1 { 1 } else { 16 })
    }

    /// Last day (15th or the month's last).
    pub fn last_day(self) -> NaiveDate {
        if self.half == 1 {
            date(self.year, self.month, 15)
        } else {
            last_of_month(self.year, self.month)
        }
    }

    /// When the payment for this fortnight is due: the 15th (moved to the next working day
    /// when it is not one) for the first half; the last working day of the month for the
    /// second (DM 25 May 2016, art. 2).
    pub fn due_date(self) -> NaiveDate {
        if self.half == 1 {
            let mut d = date(self.year, self.month, 15);
            while !is_working_day(d) {
                d = d + Days::new(1);
            }
            d
        } else {
            let mut d = last_of_month(self.year, self.month);
            while !is_working_day(d) {
                d = d - Days::new(1);
            }
            d
        }
    }

    /// True if a payment made on `paid_on` is late (a warning, never an error).
    pub fn is_late(self, paid_on: NaiveDate) -> bool {
        paid_on > self.due_date()
    }

    /// The following fortnight.
    pub fn next(self) -> Option<Fortnight> {
        match (self.half, self.month) {
            (1, _) => Some(Fortnight { half: 2, ..self }),
            (_, 12) => Fortnight::new(self.year + 1, 1, 1).ok(),
            _ => Some(Fortnight { month: self.month + 1, half: 1, ..self }),
        }
    }

    /// The 24 fortnights of a year.
    pub fn of_year(year: i32) -> Result<Vec<Fortnight>, CalendarError> {
        (1..=12).flat_map(|m| [(m, 1), (m, 2)]).map(|(m, h)| Fortnight::new(year, m, h)).collect()
    }
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    // infallible: years are range-checked by the constructors, months and days are valid.
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

fn last_of_month(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    date(y, m, 1).pred_opt().unwrap_or(NaiveDate::MIN)
}

/// Easter Sunday of a Gregorian year (anonymous Gregorian algorithm, Meeus/Jones/Butcher).
#[allow(clippy::many_single_char_names)] // the algorithm's published names
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    date(year, month as u32, day as u32)
}

/// Italian national holidays: 1 Jan, 6 Jan, Easter Monday, 25 Apr, 1 May, 2 Jun, 15 Aug,
/// 1 Nov, 8 Dec, 25 Dec, 26 Dec.
pub fn is_holiday(day: NaiveDate) -> bool {
    let fixed =
        matches!((day.month(), day.day()), (1, 1 | 6) | (4, 25) | (5 | 11, 1) | (6, 2) | (8, 15) | (12, 8 | 25 | 26));
    fixed || easter_sunday(day.year()).succ_opt() == Some(day)
}

/// Monday to Friday, not a national holiday.
pub fn is_working_day(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !is_holiday(day)
}

impl fmt::Display for Fortnight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{}", self.year, self.month, self.half)
    }
}

impl FromStr for Fortnight {
    type Err = CalendarError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Fortnight::parse(s)
    }
}

impl Serialize for Fortnight {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Fortnight {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::text_de::parse_text(deserializer, "a fortnight", Fortnight::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn easter() {
        assert_eq!(easter_sunday(2024), d("2024-03-31"));
        assert_eq!(easter_sunday(2025), d("2025-04-20"));
        assert_eq!(easter_sunday(2019), d("2019-04-21"));
        assert_eq!(easter_sunday(2038), d("2038-04-25"));
        assert!(is_holiday(d("2024-04-01")));
        assert!(is_holiday(d("2025-04-21")));
        assert!(!is_holiday(d("2025-04-22")));
    }

    #[test]
    fn due_dates_2024() {
        // 15 Jan 2024 Monday: due that day. 31 Mar 2024 Sunday, 30 Mar Saturday, 29 Friday.
        assert_eq!(Fortnight::parse("2024-01-1").unwrap().due_date(), d("2024-01-15"));
        assert_eq!(Fortnight::parse("2024-03-2").unwrap().due_date(), d("2024-03-29"));
        // 15 Jun 2024 Saturday → Monday 17.
        assert_eq!(Fortnight::parse("2024-06-1").unwrap().due_date(), d("2024-06-17"));
        // 15 Aug 2024 Thursday, holiday → Friday 16.
        assert_eq!(Fortnight::parse("2024-08-1").unwrap().due_date(), d("2024-08-16"));
        // 31 Dec 2024 Tuesday.
        assert_eq!(Fortnight::parse("2024-12-2").unwrap().due_date(), d("2024-12-31"));
        // 2025: 15 Apr Tuesday; 30 Apr Wednesday.
        assert_eq!(Fortnight::parse("2025-04-2").unwrap().due_date(), d("2025-04-30"));
        // 2027: Easter Monday is 29 March... the month's last working day is Wed 31 March.
        assert_eq!(Fortnight::parse("2027-03-2").unwrap().due_date(), d("2027-03-31"));
        // 2026: 15 Nov is a Sunday → 16.
        assert_eq!(Fortnight::parse("2026-11-1").unwrap().due_date(), d("2026-11-16"));
        assert!(Fortnight::parse("2024-03-2").unwrap().is_late(d("2024-04-10")));
        assert_eq!(Fortnight::of(d("2024-03-16")).unwrap().to_string(), "2024-03-2");
        assert_eq!(Fortnight::of(d("2024-02-29")).unwrap().last_day(), d("2024-02-29"));
        assert_eq!(Fortnight::of_year(2024).unwrap().len(), 24);
        assert!(Fortnight::parse("2024-13-1").is_err());
        assert!(Fortnight::parse("2024-03-3").is_err());
    }

    proptest! {
        #[test]
        fn due_dates_are_working_days_near_the_fortnight(days in 0u64..60_000) {
            let day = d("1950-01-01") + Days::new(days);
            let f = Fortnight::of(day).unwrap();
            let due = f.due_date();
            prop_assert!(is_working_day(due));
            prop_assert!(f.contains_or_follows(due));
            prop_assert!(f.first_day() <= day && day <= f.last_day());
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,12}") {
            let _ = Fortnight::parse(&s);
        }
    }

    impl Fortnight {
        fn contains_or_follows(self, due: NaiveDate) -> bool {
            due >= self.first_day() && (due - self.last_day()).num_days() <= 7
        }
    }
}
