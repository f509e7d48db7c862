//! The commands, their events, the one-method-per-command surface, and the versioned event log.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Portal, WorkflowError};
use crate::calendar::{Moment, Quarter};
use crate::money::Amount;
use crate::report::{recognize_report, ReportRecord};
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
        manager: NewUser,
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
        user: NewUser,
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
    /// Owner of the work: change an order's date or amount (never its number).
    EditOrder {
        /// Municipality.
        municipality: MunicipalityId,
        /// Quarter.
        quarter: Quarter,
        /// Order number.
        number: String,
        /// New date.
        date: NaiveDate,
        /// New amount.
        amount: Amount,
    },
    /// Owner of the work: delete an order.
    DeleteOrder {
        /// Municipality.
        municipality: MunicipalityId,
        /// Quarter.
        quarter: Quarter,
        /// Order number.
        number: String,
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
    /// Manager: transmit a quarter with no orders ("senza mandati").
    TransmitZero {
        /// Municipality.
        municipality: MunicipalityId,
        /// Quarter.
        quarter: Quarter,
    },
    /// Support: reopen the latest transmitted quarter.
    Reopen {
        /// Municipality.
        municipality: MunicipalityId,
        /// Quarter.
        quarter: Quarter,
    },
}

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

/// Current version of the event-log format.
pub const EVENT_LOG_VERSION: u64 = 1;

#[derive(Serialize)]
struct LogOut<'a> {
    format: &'static str,
    version: u64,
    events: &'a [Event],
}

#[derive(Deserialize)]
struct LogVersion {
    version: u64,
}

#[derive(Deserialize)]
struct LogIn {
    version: u64,
    events: Vec<Event>,
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
                self.put_order_cmd(actor, now, municipality, *quarter, number, *date, *amount, false)
            }
            Command::EditOrder { municipality, quarter, number, date, amount } => {
                self.put_order_cmd(actor, now, municipality, *quarter, number, *date, *amount, true)
            }
            Command::DeleteOrder { municipality, quarter, number } => {
                self.delete_order_cmd(actor, now, municipality, *quarter, number)
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
            Command::TransmitZero { municipality, quarter } => {
                self.transmit_zero_cmd(actor, now, municipality, *quarter)
            }
            Command::Reopen { municipality, quarter } => self.reopen_cmd(actor, municipality, *quarter),
        }
    }

    /// The event log as versioned JSON.
    pub fn events_json(&self) -> String {
        let log = LogOut { format: "cie-pagamenti/events", version: EVENT_LOG_VERSION, events: &self.events };
        serde_json::to_string_pretty(&log).unwrap_or_default()
    }

    /// Rebuilds a portal from a versioned JSON event log, re-checking every event against the
    /// rules. A refused event is reported with its index.
    pub fn replay(json: &str) -> Result<Portal, WorkflowError> {
        // One parse in the usual case; the version alone is read only to explain a failure.
        let log = match serde_json::from_str::<LogIn>(json) {
            Ok(log) => log,
            Err(e) => {
                return Err(match serde_json::from_str::<LogVersion>(json) {
                    Ok(v) if v.version != EVENT_LOG_VERSION => WorkflowError::EventLogVersion { version: v.version },
                    _ => WorkflowError::EventLogFormat { reason: e.to_string() },
                })
            }
        };
        if log.version != EVENT_LOG_VERSION {
            return Err(WorkflowError::EventLogVersion { version: log.version });
        }
        Portal::replay_events(log.events)
    }

    /// Rebuilds a portal from events.
    pub fn replay_events(events: Vec<Event>) -> Result<Portal, WorkflowError> {
        let mut portal = Portal::new();
        for (index, event) in events.into_iter().enumerate() {
            if let Command::Transmit { report, .. } = &event.command {
                if !report.is_plausible() {
                    return Err(WorkflowError::EventRejected {
                        index,
                        cause: Box::new(crate::report::ReportError::Format.into()),
                    });
                }
            }
            portal
                .execute(&event.actor, event.at, event.command)
                .map_err(|cause| WorkflowError::EventRejected { index, cause: Box::new(cause) })?;
        }
        Ok(portal)
    }

    // ---- one method per command -------------------------------------------------------------

    /// Support registers a municipality with its first Manager.
    pub fn register_municipality(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        name: &str,
        first_quarter: Quarter,
        manager: NewUser,
    ) -> Result<(), WorkflowError> {
        let command = Command::RegisterMunicipality {
            municipality: municipality.to_owned(),
            name: name.to_owned(),
            first_quarter,
            manager,
        };
        self.execute(actor, now, command)
    }

    /// Support suppresses a municipality after its last quarter.
    pub fn suppress_municipality(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        last_quarter: Quarter,
    ) -> Result<(), WorkflowError> {
        self.execute(actor, now, Command::SuppressMunicipality { municipality: municipality.to_owned(), last_quarter })
    }

    /// Support records the CIEonline count of a quarter.
    pub fn set_cieonline(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
        cards: u64,
    ) -> Result<(), WorkflowError> {
        self.execute(actor, now, Command::SetCieonline { municipality: municipality.to_owned(), quarter, cards })
    }

    /// A Manager adds a user with a profile.
    pub fn add_user(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        user: NewUser,
        profile: Profile,
    ) -> Result<(), WorkflowError> {
        self.execute(actor, now, Command::AddUser { municipality: municipality.to_owned(), user, profile })
    }

    /// A Manager edits a user's personal data.
    #[allow(clippy::too_many_arguments)] // one argument per field of the portal's form
    pub fn edit_user(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        fiscal_code: &str,
        first_name: &str,
        last_name: &str,
        email: &str,
    ) -> Result<(), WorkflowError> {
        let command = Command::EditUser {
            municipality: municipality.to_owned(),
            fiscal_code: fiscal_code.to_owned(),
            first_name: first_name.to_owned(),
            last_name: last_name.to_owned(),
            email: email.to_owned(),
        };
        self.execute(actor, now, command)
    }

    /// A user edits their own personal data.
    pub fn edit_own_data(
        &mut self,
        actor: &Actor,
        now: Moment,
        first_name: &str,
        last_name: &str,
        email: &str,
    ) -> Result<(), WorkflowError> {
        let command = Command::EditOwnData {
            first_name: first_name.to_owned(),
            last_name: last_name.to_owned(),
            email: email.to_owned(),
        };
        self.execute(actor, now, command)
    }

    /// A Manager changes a user's profile.
    pub fn set_profile(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        fiscal_code: &str,
        profile: Profile,
    ) -> Result<(), WorkflowError> {
        let command =
            Command::SetProfile { municipality: municipality.to_owned(), fiscal_code: fiscal_code.to_owned(), profile };
        self.execute(actor, now, command)
    }

    /// A Manager removes a user from the municipality (profile `NoProfile`).
    pub fn remove_user(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        fiscal_code: &str,
    ) -> Result<(), WorkflowError> {
        self.set_profile(actor, now, municipality, fiscal_code, Profile::NoProfile)
    }

    /// A Manager (or Support) unlocks a user blocked for inactivity.
    pub fn unlock_user(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        fiscal_code: &str,
    ) -> Result<(), WorkflowError> {
        self.execute(
            actor,
            now,
            Command::UnlockUser { municipality: municipality.to_owned(), fiscal_code: fiscal_code.to_owned() },
        )
    }

    /// Support deletes a user.
    pub fn delete_user(&mut self, actor: &Actor, now: Moment, fiscal_code: &str) -> Result<(), WorkflowError> {
        self.execute(actor, now, Command::DeleteUser { fiscal_code: fiscal_code.to_owned() })
    }

    /// Creates a quarter.
    pub fn create_quarter(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
    ) -> Result<(), WorkflowError> {
        self.execute(actor, now, Command::CreateQuarter { municipality: municipality.to_owned(), quarter })
    }

    /// Adds an order to the actor's work.
    #[allow(clippy::too_many_arguments)] // one argument per field of the portal's form
    pub fn add_order(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
        number: &str,
        date: NaiveDate,
        amount: Amount,
    ) -> Result<(), WorkflowError> {
        let command = Command::AddOrder {
            municipality: municipality.to_owned(),
            quarter,
            number: number.to_owned(),
            date,
            amount,
        };
        self.execute(actor, now, command)
    }

    /// Changes an order's date and amount.
    #[allow(clippy::too_many_arguments)] // one argument per field of the portal's form
    pub fn edit_order(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
        number: &str,
        date: NaiveDate,
        amount: Amount,
    ) -> Result<(), WorkflowError> {
        let command = Command::EditOrder {
            municipality: municipality.to_owned(),
            quarter,
            number: number.to_owned(),
            date,
            amount,
        };
        self.execute(actor, now, command)
    }

    /// Deletes an order.
    pub fn delete_order(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
        number: &str,
    ) -> Result<(), WorkflowError> {
        self.execute(
            actor,
            now,
            Command::DeleteOrder { municipality: municipality.to_owned(), quarter, number: number.to_owned() },
        )
    }

    /// Completes the actor's work.
    pub fn complete_work(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
    ) -> Result<(), WorkflowError> {
        self.execute(actor, now, Command::CompleteWork { municipality: municipality.to_owned(), quarter })
    }

    /// A Manager takes over another user's open work.
    pub fn take_over(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
        from: &str,
    ) -> Result<(), WorkflowError> {
        self.execute(
            actor,
            now,
            Command::TakeOver { municipality: municipality.to_owned(), quarter, from: from.to_owned() },
        )
    }

    /// "Trasmetti → procedi".
    pub fn submit(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
    ) -> Result<(), WorkflowError> {
        self.execute(actor, now, Command::Submit { municipality: municipality.to_owned(), quarter })
    }

    /// "Sblocca trimestre".
    pub fn unlock_quarter(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
    ) -> Result<(), WorkflowError> {
        self.execute(actor, now, Command::UnlockQuarter { municipality: municipality.to_owned(), quarter })
    }

    /// Transmits with the signed report (its bytes are recognised, hashed and not kept).
    #[allow(clippy::too_many_arguments)] // the portal's transmission form
    pub fn transmit(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
        signed_report: &[u8],
        same_person: bool,
    ) -> Result<(), WorkflowError> {
        let report = recognize_report(signed_report)?;
        self.execute(
            actor,
            now,
            Command::Transmit { municipality: municipality.to_owned(), quarter, report, same_person },
        )
    }

    /// Transmits a quarter without orders.
    pub fn transmit_zero(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
    ) -> Result<(), WorkflowError> {
        self.execute(actor, now, Command::TransmitZero { municipality: municipality.to_owned(), quarter })
    }

    /// Support reopens a transmitted quarter.
    pub fn reopen(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
    ) -> Result<(), WorkflowError> {
        self.execute(actor, now, Command::Reopen { municipality: municipality.to_owned(), quarter })
    }
}
