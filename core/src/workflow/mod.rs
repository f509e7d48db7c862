//! The `Portal` aggregate: municipalities, users and quarters, with one method per command of
//! SPEC §5 and §6.3–6.4. Every command takes the acting user and an explicit `now`; a refused
//! command changes nothing and returns an error with a stable code; an accepted one appends an
//! event. State is the fold of events: [`Portal::replay`] rebuilds it.

mod actions;
mod commands;
mod error;
mod methods;
mod quarters;
mod summary;
mod users;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use actions::{allowed_actions, Action, Role};
pub use commands::{Command, Event, EVENT_LOG_VERSION, V1_REOPEN_REASON};
pub use error::WorkflowError;
pub use methods::Credentials;

use crate::calendar::{Moment, Quarter};
use crate::money::Amount;
use crate::orders::OrderId;
use crate::reconciliation::{Lifespan, QuarterState};
use crate::report::ReportRecord;
use crate::users::{Actor, MunicipalityId, User};

/// An order as entered in a quarter (its identity, financial year + number, is the key of the
/// work's map).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnteredOrder {
    /// The order's date.
    pub date: NaiveDate,
    /// The amount entered for this quarter (the quarter's part of a split order).
    pub amount: Amount,
}

/// One user's batch of orders inside a quarter ("lavorazione").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Work {
    /// True once the owner declared it complete.
    pub completed: bool,
    /// Orders by identity (financial year + number).
    pub orders: BTreeMap<OrderId, EnteredOrder>,
}

/// The record of a transmission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transmission {
    /// When it was transmitted.
    pub transmitted_at: Moment,
    /// The Manager who transmitted.
    pub by: String,
    /// The signed report (none for a zero quarter).
    pub report: Option<ReportRecord>,
    /// Whether the CIE service manager and the finance officer are the same person.
    pub same_person: bool,
}

/// Support reopened a transmitted quarter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reopening {
    /// When.
    pub at: Moment,
    /// Why (required).
    pub reason: String,
    /// The transmission it undid.
    pub transmission: Option<Transmission>,
}

/// A quarter of a municipality on the portal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarterRecord {
    /// The state.
    pub state: QuarterState,
    /// Works by owner (fiscal code).
    pub works: BTreeMap<String, Work>,
    /// Set when transmitted.
    pub transmission: Option<Transmission>,
    /// Each reopening by Support, oldest first.
    #[serde(default)]
    pub reopenings: Vec<Reopening>,
}

impl QuarterRecord {
    /// Every order of the quarter: (identity, owner, order).
    pub fn orders(&self) -> impl Iterator<Item = (&OrderId, &String, &EnteredOrder)> {
        self.works.iter().flat_map(|(owner, w)| w.orders.iter().map(move |(n, o)| (n, owner, o)))
    }

    /// Sum of the amounts entered.
    pub fn total(&self) -> Amount {
        self.orders().fold(Amount::ZERO, |t, (_, _, o)| t.saturating_add(o.amount))
    }

    /// Number of orders.
    pub fn order_count(&self) -> usize {
        self.works.values().map(|w| w.orders.len()).sum()
    }
}

/// A municipality on the portal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Municipality {
    /// Name ("Comune di …").
    pub name: String,
    /// First (and, when suppressed, last) quarter.
    pub lifespan: Lifespan,
    /// CIEonline counts by quarter (absent = unknown, never 0: SPEC §4).
    pub cieonline: BTreeMap<Quarter, u64>,
    /// Quarters created.
    pub quarters: BTreeMap<Quarter, QuarterRecord>,
}

impl Municipality {
    /// CIEonline cards of a quarter, when known.
    pub fn cieonline_count(&self, quarter: Quarter) -> Option<u64> {
        self.cieonline.get(&quarter).copied()
    }

    /// True when the quarter is transmitted.
    pub fn is_transmitted(&self, quarter: Quarter) -> bool {
        self.quarters.get(&quarter).is_some_and(|q| q.state == QuarterState::Transmitted)
    }
}

/// The portal: the aggregate every workflow command goes through.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Portal {
    municipalities: BTreeMap<MunicipalityId, Municipality>,
    users: BTreeMap<String, User>,
    events: Vec<Event>,
    /// True while an event log is replayed (rules of earlier revisions for migrated events).
    #[serde(skip)]
    replaying: bool,
}

impl Portal {
    /// An empty portal.
    pub fn new() -> Portal {
        Portal::default()
    }

    /// A municipality.
    pub fn municipality(&self, id: &str) -> Option<&Municipality> {
        self.municipalities.get(id)
    }

    /// All municipalities.
    pub fn municipalities(&self) -> &BTreeMap<MunicipalityId, Municipality> {
        &self.municipalities
    }

    /// A user by fiscal code.
    pub fn user(&self, fiscal_code: &str) -> Option<&User> {
        self.users.get(fiscal_code)
    }

    /// All users.
    pub fn users(&self) -> &BTreeMap<String, User> {
        &self.users
    }

    /// A quarter of a municipality.
    pub fn quarter(&self, municipality: &str, quarter: Quarter) -> Option<&QuarterRecord> {
        self.municipalities.get(municipality).and_then(|m| m.quarters.get(&quarter))
    }

    /// The accepted events, oldest first.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// How many events the portal holds: a host with several users reads it with the state it
    /// shows and passes it back to [`Portal::execute_if`] (optimistic concurrency, §5.3).
    pub fn event_count(&self) -> usize {
        self.events.len()
    }

    /// The quarterly report of a quarter as entered on the portal: every order of every work,
    /// split orders marked with their total over all quarters.
    pub fn quarterly_report(
        &self,
        municipality: &str,
        quarter: Quarter,
        same_person: bool,
        now: Moment,
    ) -> Result<crate::report::QuarterlyReport, WorkflowError> {
        let m = self.municipalities.get(municipality).ok_or(WorkflowError::MunicipalityNotFound)?;
        let record = m.quarters.get(&quarter).ok_or(WorkflowError::QuarterNotFound)?;
        let orders = record
            .orders()
            .map(|(number, _, o)| {
                let elsewhere: Vec<(Quarter, Amount)> = m
                    .quarters
                    .iter()
                    .filter(|(q, _)| **q != quarter)
                    .flat_map(|(q, r)| r.orders().filter(|(n, _, _)| *n == number).map(move |(_, _, e)| (*q, e.amount)))
                    .collect();
                let total = elsewhere.iter().fold(o.amount, |t, (_, a)| t.saturating_add(*a));
                crate::report::ReportOrder {
                    number: number.number.clone(),
                    date: o.date,
                    amount: o.amount,
                    split: !elsewhere.is_empty(),
                    total,
                    period: None,
                    other_parts: elsewhere,
                }
            })
            .collect();
        let mut report = crate::report::QuarterlyReport::new(
            &m.name,
            quarter,
            orders,
            m.cieonline_count(quarter),
            same_person,
            now,
            &crate::pricing::PriceSchedule::builtin(),
        );
        report.municipality_code = Some(municipality.to_owned());
        report.check_previous(m.lifespan.first, |p| m.is_transmitted(p));
        Ok(report)
    }

    /// Executes a command: checks it, applies it, records the event. A refused command
    /// changes nothing.
    pub fn execute(&mut self, actor: &Actor, now: Moment, command: Command) -> Result<(), WorkflowError> {
        let command = self.complete_command(command)?;
        self.dispatch(actor, now, &command)?;
        if let Actor::User(fc) = actor {
            if let Some(u) = self.users.get_mut(fc) {
                u.last_activity = u.last_activity.max(now);
            }
        }
        self.events.push(Event { at: now, actor: actor.clone(), command });
        Ok(())
    }

    /// Executes a command computed on a state of `expected_events` events: refused with
    /// `STALE_STATE` when another command was accepted in the meantime (§5.3).
    pub fn execute_if(
        &mut self,
        expected_events: usize,
        actor: &Actor,
        now: Moment,
        command: Command,
    ) -> Result<(), WorkflowError> {
        if expected_events != self.events.len() {
            return Err(WorkflowError::StaleState { expected: expected_events, actual: self.events.len() });
        }
        self.execute(actor, now, command)
    }

    /// Fills what a command may leave implicit, so that the event recorded is complete: the
    /// financial year of the order an edit or deletion names.
    fn complete_command(&self, command: Command) -> Result<Command, WorkflowError> {
        Ok(match command {
            Command::EditOrder { municipality, quarter, number, year: None, date, amount } => {
                let year = Some(self.resolve_order(&municipality, quarter, &number, None)?.year);
                Command::EditOrder { municipality, quarter, number, year, date, amount }
            }
            Command::DeleteOrder { municipality, quarter, number, year: None } => {
                let year = Some(self.resolve_order(&municipality, quarter, &number, None)?.year);
                Command::DeleteOrder { municipality, quarter, number, year }
            }
            other => other,
        })
    }
}
#[cfg(test)]
mod tests;
