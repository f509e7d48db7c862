//! The `Portal` aggregate: municipalities, users and quarters, with one method per command of
//! SPEC §5 and §6.3–6.4. Every command takes the acting user and an explicit `now`; a refused
//! command changes nothing and returns an error with a stable code; an accepted one appends an
//! event. State is the fold of events: [`Portal::replay`] rebuilds it.

mod actions;
mod commands;
mod error;
mod methods;
mod quarters;
mod users;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use actions::{allowed_actions, Action, Role};
pub use commands::{Command, Event, EVENT_LOG_VERSION};
pub use error::WorkflowError;

use crate::calendar::{Moment, Quarter};
use crate::money::Amount;
use crate::reconciliation::{Lifespan, QuarterState};
use crate::report::ReportRecord;
use crate::users::{Actor, MunicipalityId, User};

/// An order as entered in a quarter (its number is the key of the work's map).
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
    /// Orders by number.
    pub orders: BTreeMap<String, EnteredOrder>,
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

/// A quarter of a municipality on the portal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarterRecord {
    /// The state.
    pub state: QuarterState,
    /// Works by owner (fiscal code).
    pub works: BTreeMap<String, Work>,
    /// Set when transmitted.
    pub transmission: Option<Transmission>,
}

impl QuarterRecord {
    /// Every order of the quarter: (number, owner, order).
    pub fn orders(&self) -> impl Iterator<Item = (&String, &String, &EnteredOrder)> {
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
    /// CIEonline counts by quarter (absent = 0).
    pub cieonline: BTreeMap<Quarter, u64>,
    /// Quarters created.
    pub quarters: BTreeMap<Quarter, QuarterRecord>,
}

impl Municipality {
    /// CIEonline cards of a quarter.
    pub fn cieonline_cards(&self, quarter: Quarter) -> u64 {
        self.cieonline.get(&quarter).copied().unwrap_or(0)
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
                let elsewhere: Vec<Amount> = m
                    .quarters
                    .iter()
                    .filter(|(q, _)| **q != quarter)
                    .flat_map(|(_, r)| r.orders().filter(|(n, _, _)| *n == number).map(|(_, _, e)| e.amount))
                    .collect();
                let total = elsewhere.iter().fold(o.amount, |t, a| t.saturating_add(*a));
                crate::report::ReportOrder {
                    number: number.clone(),
                    date: o.date,
                    amount: o.amount,
                    split: !elsewhere.is_empty(),
                    total,
                }
            })
            .collect();
        Ok(crate::report::QuarterlyReport::new(
            &m.name,
            quarter,
            orders,
            m.cieonline_cards(quarter),
            same_person,
            now,
            &crate::pricing::PriceSchedule::builtin(),
        ))
    }

    /// Executes a command: checks it, applies it, records the event. A refused command
    /// changes nothing.
    pub fn execute(&mut self, actor: &Actor, now: Moment, command: Command) -> Result<(), WorkflowError> {
        self.dispatch(actor, now, &command)?;
        if let Actor::User(fc) = actor {
            if let Some(u) = self.users.get_mut(fc) {
                u.last_activity = u.last_activity.max(now);
            }
        }
        self.events.push(Event { at: now, actor: actor.clone(), command });
        Ok(())
    }
}
#[cfg(test)]
mod tests;
