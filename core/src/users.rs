//! Users, profiles and the inactivity lock (SPEC §6.1–6.4, §6.7).

use std::collections::BTreeMap;

use chrono::Months;
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
        let limit = self
            .last_activity
            .to_rome()
            .and_then(|t| t.checked_add_months(Months::new(12)))
            .map_or(i64::MAX, |t| t.timestamp());
        now.epoch() >= limit
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
        let limit =
            last.to_rome().and_then(|t| t.checked_add_months(Months::new(12))).map_or(i64::MAX, |t| t.timestamp());
        now.epoch() >= limit
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

    proptest! {
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
