//! Users, profiles and the inactivity lock (SPEC §6.1–6.4, §6.7).

use std::collections::BTreeMap;

use chrono::offset::LocalResult;
use chrono::{Months, TimeZone, Timelike};
use chrono_tz::Europe::Rome;
use serde::{Deserialize, Serialize};

use crate::calendar::Moment;
use crate::identifiers::{validate_email, validate_fiscal_code};
use crate::workflow::WorkflowError;

/// A municipality's identifier on the portal (ISTAT code or a host id).
pub type MunicipalityId = String;

/// A user's profile in one municipality.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// "Nessun profilo": sees no accounting of the municipality.
    #[default]
    NoProfile,
    /// "Operatore".
    Operator,
    /// "Responsabile".
    Manager,
}

impl Profile {
    /// The stable name used by the bindings and the event log: `no_profile`, `operator`,
    /// `manager`.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::NoProfile => "no_profile",
            Profile::Operator => "operator",
            Profile::Manager => "manager",
        }
    }

    /// Reads a profile by its stable name or its Italian label (case-insensitive).
    pub fn parse(text: &str) -> Option<Profile> {
        [Profile::NoProfile, Profile::Operator, Profile::Manager]
            .into_iter()
            .find(|p| text.eq_ignore_ascii_case(p.as_str()) || text.eq_ignore_ascii_case(p.label_it()))
    }

    /// The portal's Italian label.
    pub fn label_it(self) -> &'static str {
        match self {
            Profile::NoProfile => "Nessun profilo",
            Profile::Operator => "Operatore",
            Profile::Manager => "Responsabile",
        }
    }
}

/// Who issues a command: a portal user (by fiscal code) or the ministry's help desk.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// A user of the portal, by fiscal code.
    User(String),
    /// Supporto Tecnico (CNSD): may do what the portal forbids municipalities.
    Support,
}

impl Actor {
    /// `support` (case-insensitive) is Support; any other text is a user's fiscal code.
    pub fn parse(text: &str) -> Actor {
        if text.eq_ignore_ascii_case("support") {
            Actor::Support
        } else {
            Actor::User(text.to_owned())
        }
    }
}

/// A portal user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Personal fiscal code (immutable).
    pub fiscal_code: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// E-mail.
    pub email: String,
    /// Profile per municipality (absent = no profile).
    pub profiles: BTreeMap<MunicipalityId, Profile>,
    /// Last accepted command of the user (or unlock).
    pub last_activity: Moment,
}

/// The data entered to create a user (the e-mail is entered twice).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    /// Personal fiscal code.
    pub fiscal_code: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// E-mail.
    pub email: String,
    /// The e-mail again.
    pub email_confirmation: String,
}

/// Checked personal data: names trimmed and non-empty, e-mail valid.
pub(crate) fn personal_data(first: &str, last: &str, email: &str) -> Result<(String, String, String), WorkflowError> {
    let (first, last) = (first.trim(), last.trim());
    let bad = |s: &str| s.is_empty() || s.chars().count() > 100 || s.chars().any(char::is_control);
    if bad(first) || bad(last) {
        return Err(WorkflowError::UserNameRequired);
    }
    let email = validate_email(email)?;
    Ok((first.to_owned(), last.to_owned(), email))
}

/// True when an e-mail and its confirmation are the same address (both valid, compared after
/// normalisation, case-insensitively).
pub fn emails_match(email: &str, confirmation: &str) -> bool {
    match (validate_email(email), validate_email(confirmation)) {
        (Ok(a), Ok(b)) => a.eq_ignore_ascii_case(&b),
        _ => false,
    }
}

impl NewUser {
    /// Validates the entered data into a user with no profile yet.
    pub(crate) fn validate(&self, now: Moment) -> Result<User, WorkflowError> {
        let fiscal_code = validate_fiscal_code(&self.fiscal_code)?;
        let (first_name, last_name, email) = personal_data(&self.first_name, &self.last_name, &self.email)?;
        if !emails_match(&self.email, &self.email_confirmation) {
            return Err(WorkflowError::EmailConfirmationMismatch);
        }
        Ok(User { fiscal_code, first_name, last_name, email, profiles: BTreeMap::new(), last_activity: now })
    }
}

impl User {
    /// The profile in a municipality.
    pub fn profile(&self, municipality: &str) -> Profile {
        self.profiles.get(municipality).copied().unwrap_or_default()
    }

    /// Blocked for inactivity: `now` ≥ last activity + 12 calendar months (Rome civil time).
    pub fn is_blocked(&self, now: Moment) -> bool {
        // Twelve calendar months are at least 365 days less the hour a DST change may take:
        // within 364 days nothing needs the time zone (this check runs on every command).
        if now.epoch() < self.last_activity.epoch().saturating_add(364 * 86_400) {
            return false;
        }
        now.epoch() >= inactivity_limit(self.last_activity)
    }
}

/// The first instant at which a user last active at `last` is blocked: the same Rome wall-clock
/// time twelve calendar months later (a 29 February or a 31st becomes the month's last day).
/// When that local time does not exist (the spring DST gap) the end of the gap counts — the next
/// existing instant; when it occurs twice (the autumn fold) the earlier one. Never skipped: a
/// moment outside chrono's range gives the plain 365 days.
pub fn inactivity_limit(last: Moment) -> i64 {
    let fallback = last.epoch().saturating_add(365 * 86_400);
    let Some(local) = last.to_rome().and_then(|t| t.naive_local().checked_add_months(Months::new(12))) else {
        return fallback;
    };
    match Rome.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.timestamp(),
        LocalResult::None => {
            // The gap ends on a whole hour in Rome (02:00 → 03:00): the first minute after `local`
            // that exists is the instant the clocks jumped.
            let start = local.with_second(0).unwrap_or(local);
            (1..=180)
                .filter_map(|m| start.checked_add_signed(chrono::Duration::minutes(m)))
                .find_map(|t| Rome.from_local_datetime(&t).earliest())
                .map_or(fallback, |t| t.timestamp())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn user(last_activity: Moment) -> User {
        User {
            fiscal_code: "RSSMRA80A01H501U".into(),
            first_name: "Mario".into(),
            last_name: "Rossi".into(),
            email: "m@c.it".into(),
            profiles: BTreeMap::new(),
            last_activity,
        }
    }

    /// The rule without the 364-day shortcut.
    fn blocked_by_the_calendar(last: Moment, now: Moment) -> bool {
        now.epoch() >= inactivity_limit(last)
    }

    #[test]
    fn twelve_calendar_months() {
        let last = Moment::parse("2024-02-29T10:00:00").unwrap();
        let u = user(last);
        assert!(!u.is_blocked(Moment::parse("2025-02-28T09:59:59").unwrap()));
        assert!(u.is_blocked(Moment::parse("2025-02-28T10:00:00").unwrap()));
        // Across the DST change: 2023-03-26 02:30 summer time, a year later in winter time.
        let u = user(Moment::parse("2023-10-29T02:30:00+01:00").unwrap());
        assert!(!u.is_blocked(Moment::parse("2024-10-29T02:29:59+01:00").unwrap()));
        assert!(u.is_blocked(Moment::parse("2024-10-29T02:30:00+01:00").unwrap()));
    }

    fn at(text: &str) -> Moment {
        Moment::parse(text).unwrap()
    }

    #[test]
    fn the_lock_is_never_skipped_across_dst() {
        // Issue 15: anniversary in the 2025 spring gap (30/03/2025 02:30 does not exist):
        // the next existing instant, 03:00 CEST, counts.
        let u = user(at("2024-03-30T02:30:00+01:00"));
        assert!(!u.is_blocked(at("2025-03-30T01:59:59+01:00")));
        assert!(u.is_blocked(at("2025-03-30T03:00:00+02:00")));
        assert!(u.is_blocked(at("2025-04-30T12:00:00+02:00")));
        // Anniversary in the autumn repeated hour (26/10/2025 02:30 happens twice): the earlier.
        let u = user(at("2024-10-26T02:30:00+02:00"));
        assert!(!u.is_blocked(at("2025-10-26T02:29:59+02:00")));
        assert!(u.is_blocked(at("2025-10-26T02:30:00+02:00")));
        // Last active in the repeated hour itself (both instants), and in the gap's neighbours.
        for last in ["2024-10-27T02:30:00+02:00", "2024-10-27T02:30:00+01:00"] {
            let u = user(at(last));
            assert!(u.is_blocked(at("2025-10-27T02:30:00+01:00")), "{last}");
            assert!(!u.is_blocked(at("2025-10-27T02:29:00+01:00")), "{last}");
        }
        let u = user(at("2024-03-31T01:59:00+01:00"));
        assert!(u.is_blocked(at("2025-03-31T01:59:00+02:00")));
        let u = user(at("2024-03-31T03:00:00+02:00"));
        assert!(!u.is_blocked(at("2025-03-31T02:59:00+02:00")));
        assert!(u.is_blocked(at("2025-03-31T03:00:00+02:00")));
    }

    #[test]
    fn every_month_end_at_every_hour_of_the_changes() {
        // Every month-end day (and the 29 February) of 2020–2030, at the hours that straddle
        // both DST changes: blocked by 366 days and an hour at the latest, never before 365
        // days less an hour, and never when the wall clock has not reached the anniversary.
        for year in 2020..=2030 {
            for month in 1..=12u32 {
                let last_day =
                    (28..=31).rev().find(|d| chrono::NaiveDate::from_ymd_opt(year, month, *d).is_some()).unwrap();
                for day in [last_day, 25, 26, 27, 28, 29, 30, 31] {
                    let Some(date) = chrono::NaiveDate::from_ymd_opt(year, month, day) else { continue };
                    for (h, m) in [(1, 59), (2, 0), (2, 30), (2, 59), (3, 0), (3, 30)] {
                        let last = Moment::from_rome_local(date.and_hms_opt(h, m, 0).unwrap());
                        let limit = inactivity_limit(last);
                        let span = limit - last.epoch();
                        assert!(
                            (365 * 86_400 - 3_600..=366 * 86_400 + 3_600).contains(&span),
                            "{date} {h}:{m} → {span}"
                        );
                        assert!(user(last).is_blocked(Moment::from_epoch(limit)));
                        assert!(!user(last).is_blocked(Moment::from_epoch(limit - 1)));
                    }
                }
            }
        }
    }

    proptest! {
        #[test]
        fn blocked_within_a_year_and_a_day(last in 946_684_800i64..4_102_444_800) {
            let last = Moment::from_epoch(last);
            prop_assert!(user(last).is_blocked(Moment::from_epoch(last.epoch() + 366 * 86_400 + 3_600)));
            prop_assert!(!user(last).is_blocked(Moment::from_epoch(last.epoch() + 365 * 86_400 - 3_601)));
        }

        #[test]
        fn the_shortcut_agrees_with_the_calendar(
            last in 946_684_800i64..4_102_444_800,
            gap in prop_oneof![0i64..400 * 86_400, 363 * 86_400i64..367 * 86_400],
        ) {
            let (last, now) = (Moment::from_epoch(last), Moment::from_epoch(last + gap));
            prop_assert_eq!(user(last).is_blocked(now), blocked_by_the_calendar(last, now));
        }
    }
}
