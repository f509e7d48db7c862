//! The commands, their events, the one-method-per-command surface, and the versioned event log.

use chrono::NaiveDate;
use std::fmt;

use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use super::{Portal, WorkflowError};
use crate::calendar::{Moment, Quarter};
use crate::money::Amount;
use crate::report::ReportRecord;
use crate::users::{Actor, MunicipalityId, NewUser, Profile};

/// Every command of the portal. Serialised as the payload of an event, externally tagged
/// (`{"add_order": {…}}`), which JSON readers parse without buffering.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// Support: a municipality joins the portal with its first Manager (initial deployment).
    RegisterMunicipality {
        /// Identifier (ISTAT code).
        municipality: MunicipalityId,
        /// Name.
        name: String,
        /// First quarter to report (2020-Q1 or later).
        first_quarter: Quarter,
        /// Its first Manager.
        manager: Box<NewUser>,
    },
    /// Support: a suppressed municipality reports up to its last quarter.
    SuppressMunicipality {
        /// Municipality.
        municipality: MunicipalityId,
        /// Last quarter.
        last_quarter: Quarter,
    },
    /// Support (the CIEonline platform): the cards it counted in a quarter.
    SetCieonline {
        /// Municipality.
        municipality: MunicipalityId,
        /// Quarter.
        quarter: Quarter,
        /// Cards counted.
        cards: u64,
    },
    /// Manager: add a user (or give an existing user a profile here).
    AddUser {
        /// Municipality.
        municipality: MunicipalityId,
        /// The user's data.
        user: Box<NewUser>,
        /// The profile.
        profile: Profile,
    },
    /// Manager: edit a user's personal data (never the fiscal code).
    EditUser {
        /// Municipality.
        municipality: MunicipalityId,
        /// The user.
        fiscal_code: String,
        /// First name.
        first_name: String,
        /// Last name.
        last_name: String,
        /// E-mail.
        email: String,
    },
    /// A user edits their own personal data.
    EditOwnData {
        /// First name.
        first_name: String,
        /// Last name.
        last_name: String,
        /// E-mail.
        email: String,
    },
    /// Manager: change a user's profile (`no_profile` removes them from the municipality).
    SetProfile {
        /// Municipality.
        municipality: MunicipalityId,
        /// The user.
        fiscal_code: String,
        /// The new profile.
        profile: Profile,
    },
    /// Manager (or Support): unlock a user blocked for inactivity.
    UnlockUser {
        /// Municipality.
        municipality: MunicipalityId,
        /// The user.
        fiscal_code: String,
    },
    /// Support: delete a user (e.g. to re-create one with a wrong fiscal code).
    DeleteUser {
        /// The user.
        fiscal_code: String,
    },
    /// Operator or Manager: create a quarter.
    CreateQuarter {
        /// Municipality.
        municipality: MunicipalityId,
        /// Quarter.
        quarter: Quarter,
    },
    /// Owner of the work: add an order.
    AddOrder {
        /// Municipality.
        municipality: MunicipalityId,
        /// Quarter.
        quarter: Quarter,
        /// Order number.
        number: String,
        /// Order date.
        date: NaiveDate,
        /// Amount for this quarter.
        amount: Amount,
    },
    /// Owner of the work, or a Manager for any order of the quarter: change an order's date
    /// (within its financial year) or amount (never its number).
    EditOrder {
        /// Municipality.
        municipality: MunicipalityId,
        /// Quarter.
        quarter: Quarter,
        /// Order number.
        number: String,
        /// Financial year of the order (its identity with the number). Omitted: the only order
        /// of that number in the quarter; recorded events always carry it (log version 2).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        year: Option<i32>,
        /// New date.
        date: NaiveDate,
        /// New amount.
        amount: Amount,
    },
    /// Owner of the work, or a Manager for any order of the quarter: delete an order.
    DeleteOrder {
        /// Municipality.
        municipality: MunicipalityId,
        /// Quarter.
        quarter: Quarter,
        /// Order number.
        number: String,
        /// Financial year of the order, as for [`Command::EditOrder`].
        #[serde(default, skip_serializing_if = "Option::is_none")]
        year: Option<i32>,
    },
    /// Owner: declare their work complete.
    CompleteWork {
        /// Municipality.
        municipality: MunicipalityId,
        /// Quarter.
        quarter: Quarter,
    },
    /// Manager: take over another user's open work ("prendi in carico").
    TakeOver {
        /// Municipality.
        municipality: MunicipalityId,
        /// Quarter.
        quarter: Quarter,
        /// The work's owner.
        from: String,
    },
    /// Manager: "trasmetti → procedi".
    Submit {
        /// Municipality.
        municipality: MunicipalityId,
        /// Quarter.
        quarter: Quarter,
    },
    /// Manager: "sblocca trimestre".
    UnlockQuarter {
        /// Municipality.
        municipality: MunicipalityId,
        /// Quarter.
        quarter: Quarter,
    },
    /// Manager: transmit with the signed report.
    Transmit {
        /// Municipality.
        municipality: MunicipalityId,
        /// Quarter.
        quarter: Quarter,
        /// The recognised signed report.
        report: ReportRecord,
        /// The CIE service manager is also the finance officer.
        same_person: bool,
    },
    /// Manager: transmit a quarter with no orders ("senza mandati"); needs a known CIEonline
    /// count of 0.
    TransmitZero {
        /// Municipality.
        municipality: MunicipalityId,
        /// Quarter.
        quarter: Quarter,
        /// Set only by the migration of a version-1 log whose zero quarter was transmitted
        /// with no CIEonline count known (revision 1 took it as 0). Accepted in a replayed log,
        /// refused in a new command.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        unknown_count_v1: bool,
    },
    /// Support: reopen any transmitted quarter, with a reason; later quarters stay transmitted.
    Reopen {
        /// Municipality.
        municipality: MunicipalityId,
        /// Quarter.
        quarter: Quarter,
        /// Why (required; a version-1 log's reopening gets [`V1_REOPEN_REASON`]).
        #[serde(default)]
        reason: String,
    },
    /// A user accessed the portal (a login recorded by the host): activity for the inactivity
    /// lock (§6.4); refused for a blocked user.
    RecordAccess {},
}

/// The reason given to a reopening migrated from a version-1 log (which recorded none).
pub const V1_REOPEN_REASON: &str = "motivo non registrato (registro eventi versione 1)";

/// An accepted command: who, when, what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// When it was accepted.
    pub at: Moment,
    /// Who issued it.
    pub actor: Actor,
    /// What.
    pub command: Command,
}

/// Current version of the event-log format. Version 2 (revision 2 of the rules): edits and
/// deletions name the order's financial year, reopenings carry a reason. Version-1 logs load
/// and are migrated event by event ([`Portal::replay`]).
pub const EVENT_LOG_VERSION: u64 = 2;

/// The versions [`Portal::replay`] reads.
fn readable(version: u64) -> bool {
    version == 1 || version == EVENT_LOG_VERSION
}

#[derive(Deserialize)]
struct LogVersion {
    version: u64,
}

/// The keys of a log; others (`format`) are ignored.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum LogKey {
    Version,
    Events,
    #[serde(other)]
    Other,
}

/// Replays a log while it is parsed: each event is applied as soon as it is read, so that a
/// million-event log never becomes a vector of a million events. A refusal is kept in
/// `failure` (the parse is then aborted with a placeholder error).
struct Replay<'a> {
    portal: &'a mut Portal,
    failure: &'a mut Option<WorkflowError>,
}

impl Replay<'_> {
    fn fail<E: serde::de::Error>(self, failure: WorkflowError) -> E {
        *self.failure = Some(failure);
        E::custom("replay stopped")
    }
}

impl<'de> DeserializeSeed<'de> for Replay<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Replay<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an event log")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut version = None;
        let mut events_seen = false;
        // Events before the version (not how this library writes logs) wait for it.
        let mut pending: Option<Vec<Event>> = None;
        while let Some(key) = map.next_key::<LogKey>()? {
            match key {
                LogKey::Version if version.is_some() => return Err(A::Error::duplicate_field("version")),
                LogKey::Version => {
                    let v: u64 = map.next_value()?;
                    if !readable(v) {
                        return Err(self.fail(WorkflowError::EventLogVersion { version: v }));
                    }
                    version = Some(v);
                }
                LogKey::Events if events_seen => return Err(A::Error::duplicate_field("events")),
                LogKey::Events if version.is_some() => {
                    events_seen = true;
                    let v1 = version == Some(1);
                    map.next_value_seed(ReplayEvents { portal: &mut *self.portal, failure: &mut *self.failure, v1 })?;
                }
                LogKey::Events => {
                    events_seen = true;
                    pending = Some(map.next_value()?);
                }
                LogKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let Some(version) = version else {
            return Err(A::Error::missing_field("version"));
        };
        let Some(events) = pending else {
            return if events_seen { Ok(()) } else { Err(A::Error::missing_field("events")) };
        };
        for (index, event) in events.into_iter().enumerate() {
            if let Err(failure) = self.portal.replay_one(index, event, version == 1) {
                return Err(self.fail(failure));
            }
        }
        Ok(())
    }
}

/// The `events` array of a log, replayed element by element.
struct ReplayEvents<'a> {
    portal: &'a mut Portal,
    failure: &'a mut Option<WorkflowError>,
    v1: bool,
}

impl<'de> DeserializeSeed<'de> for ReplayEvents<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ReplayEvents<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(event) = seq.next_element::<Event>()? {
            if let Err(failure) = self.portal.replay_one(index, event, self.v1) {
                *self.failure = Some(failure);
                return Err(A::Error::custom("replay stopped"));
            }
            index += 1;
        }
        Ok(())
    }
}

impl Portal {
    pub(super) fn dispatch(&mut self, actor: &Actor, now: Moment, command: &Command) -> Result<(), WorkflowError> {
        match command {
            Command::RegisterMunicipality { municipality, name, first_quarter, manager } => {
                self.register_municipality_cmd(actor, now, municipality, name, *first_quarter, manager)
            }
            Command::SuppressMunicipality { municipality, last_quarter } => {
                self.suppress_municipality_cmd(actor, municipality, *last_quarter)
            }
            Command::SetCieonline { municipality, quarter, cards } => {
                self.set_cieonline_cmd(actor, municipality, *quarter, *cards)
            }
            Command::AddUser { municipality, user, profile } => {
                self.add_user_cmd(actor, now, municipality, user, *profile)
            }
            Command::EditUser { municipality, fiscal_code, first_name, last_name, email } => {
                self.edit_user_cmd(actor, now, municipality, fiscal_code, first_name, last_name, email)
            }
            Command::EditOwnData { first_name, last_name, email } => {
                self.edit_own_data_cmd(actor, now, first_name, last_name, email)
            }
            Command::SetProfile { municipality, fiscal_code, profile } => {
                self.set_profile_cmd(actor, now, municipality, fiscal_code, *profile)
            }
            Command::UnlockUser { municipality, fiscal_code } => {
                self.unlock_user_cmd(actor, now, municipality, fiscal_code)
            }
            Command::DeleteUser { fiscal_code } => self.delete_user_cmd(actor, fiscal_code),
            Command::CreateQuarter { municipality, quarter } => {
                self.create_quarter_cmd(actor, now, municipality, *quarter)
            }
            Command::AddOrder { municipality, quarter, number, date, amount } => {
                self.add_order_cmd(actor, now, municipality, *quarter, number, *date, *amount)
            }
            Command::EditOrder { municipality, quarter, number, year, date, amount } => {
                let id = self.resolve_order(municipality, *quarter, number, *year)?;
                self.edit_order_cmd(actor, now, municipality, *quarter, &id, *date, *amount)
            }
            Command::DeleteOrder { municipality, quarter, number, year } => {
                let id = self.resolve_order(municipality, *quarter, number, *year)?;
                self.delete_order_cmd(actor, now, municipality, *quarter, &id)
            }
            Command::CompleteWork { municipality, quarter } => {
                self.complete_work_cmd(actor, now, municipality, *quarter)
            }
            Command::TakeOver { municipality, quarter, from } => {
                self.take_over_cmd(actor, now, municipality, *quarter, from)
            }
            Command::Submit { municipality, quarter } => self.submit_cmd(actor, now, municipality, *quarter),
            Command::UnlockQuarter { municipality, quarter } => {
                self.unlock_quarter_cmd(actor, now, municipality, *quarter)
            }
            Command::Transmit { municipality, quarter, report, same_person } => {
                self.transmit_cmd(actor, now, municipality, *quarter, Some(report), *same_person)
            }
            Command::TransmitZero { municipality, quarter, unknown_count_v1 } => {
                self.transmit_zero_cmd(actor, now, municipality, *quarter, *unknown_count_v1)
            }
            Command::Reopen { municipality, quarter, reason } => {
                self.reopen_cmd(actor, now, municipality, *quarter, reason)
            }
            Command::RecordAccess {} => self.active_user(actor, now).map(|_| ()),
        }
    }

    /// A command from its JSON form (`{"add_order": {…}}`), as hosts without the Rust types send it.
    pub fn command_from_json(json: &str) -> Result<Command, WorkflowError> {
        serde_json::from_str(json).map_err(|e| WorkflowError::EventLogFormat { reason: e.to_string() })
    }

    /// The event log as versioned JSON.
    pub fn events_json(&self) -> String {
        // One event per line: readable, and a longer log differs from a shorter one by the
        // lines appended; compact lines are about 40 % smaller and quicker to read back.
        let mut out = format!(
            "{{\n  \"format\": \"cie-pagamenti/events\",\n  \"version\": {EVENT_LOG_VERSION},\n  \"events\": ["
        )
        .into_bytes();
        for (i, event) in self.events.iter().enumerate() {
            out.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
            // Serialising an event cannot fail: every field is plain data with string keys.
            let _ = serde_json::to_writer(&mut out, event);
        }
        out.extend_from_slice(if self.events.is_empty() { b"]\n}\n" } else { b"\n  ]\n}\n" });
        String::from_utf8(out).unwrap_or_default()
    }

    /// Rebuilds a portal from a versioned JSON event log, re-checking every event against the
    /// rules. A refused event is reported with its index.
    pub fn replay(json: &str) -> Result<Portal, WorkflowError> {
        // One parse, events applied as they are read; the version alone is read again only to
        // explain a format failure.
        let mut portal = Portal::new();
        let mut failure = None;
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let parsed = Replay { portal: &mut portal, failure: &mut failure }
            .deserialize(&mut deserializer)
            .and_then(|()| deserializer.end());
        match (parsed, failure) {
            (_, Some(failure)) => Err(failure),
            (Ok(()), None) => Ok(portal),
            (Err(e), None) => Err(match serde_json::from_str::<LogVersion>(json) {
                Ok(v) if !readable(v.version) => WorkflowError::EventLogVersion { version: v.version },
                _ => WorkflowError::EventLogFormat { reason: e.to_string() },
            }),
        }
    }

    /// Rebuilds a portal from events (of the current version).
    pub fn replay_events(events: Vec<Event>) -> Result<Portal, WorkflowError> {
        let mut portal = Portal::new();
        for (index, event) in events.into_iter().enumerate() {
            portal.replay_one(index, event, false)?;
        }
        Ok(portal)
    }

    /// Brings an event of a version-1 log to version 2 against the state it applies to: a
    /// reopening gets a reason, and a zero quarter transmitted with no count known (accepted by
    /// revision 1) the mark that lets it replay. An edit or deletion without a year needs nothing
    /// here: [`Portal::execute`] records it with the year of the one order of its number in the
    /// quarter (version 1 allowed one), as for any command that omits it.
    fn migrate_v1(&self, mut event: Event) -> Event {
        match &mut event.command {
            Command::Reopen { reason, .. } if reason.trim().is_empty() => V1_REOPEN_REASON.clone_into(reason),
            Command::TransmitZero { municipality, quarter, unknown_count_v1 } => {
                *unknown_count_v1 =
                    self.municipality(municipality).is_some_and(|m| m.cieonline_count(*quarter).is_none());
            }
            _ => {}
        }
        event
    }

    /// Applies the event at `index` of a log being replayed.
    fn replay_one(&mut self, index: usize, event: Event, v1: bool) -> Result<(), WorkflowError> {
        let event = if v1 { self.migrate_v1(event) } else { event };
        if let Command::Transmit { report, .. } = &event.command {
            if !report.is_plausible() {
                return Err(WorkflowError::EventRejected {
                    index,
                    cause: Box::new(crate::report::ReportError::Format.into()),
                });
            }
        }
        self.replaying = true;
        let outcome = self.execute(&event.actor, event.at, event.command);
        self.replaying = false;
        outcome.map_err(|cause| WorkflowError::EventRejected { index, cause: Box::new(cause) })
    }
}
