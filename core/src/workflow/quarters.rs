//! The quarter commands (§5 table and order rules).

use chrono::NaiveDate;

use chrono::Datelike;

use super::{EnteredOrder, Portal, QuarterRecord, Reopening, Transmission, Work, WorkflowError};
use crate::calendar::{CalendarError, Moment, Quarter};
use crate::money::Amount;
use crate::orders::{normalize_number, OrderError, OrderId, PaymentOrder};
use crate::pricing::PriceSchedule;
use crate::reconciliation::QuarterState;
use crate::report::ReportRecord;
use crate::users::{Actor, Profile};

const WORKERS: &[Profile] = &[Profile::Operator, Profile::Manager];
const MANAGER: &[Profile] = &[Profile::Manager];

fn started(quarter: Quarter, now: Moment) -> bool {
    now >= Moment::rome_midnight(quarter.first_day())
}

fn ended(quarter: Quarter, now: Moment) -> bool {
    quarter.last_day().succ_opt().is_some_and(|next| now >= Moment::rome_midnight(next))
}

impl Portal {
    fn quarter_ref(&self, municipality: &str, quarter: Quarter) -> Result<&QuarterRecord, WorkflowError> {
        self.municipality_ref(municipality)?.quarters.get(&quarter).ok_or(WorkflowError::QuarterNotFound)
    }

    fn quarter_mut(&mut self, municipality: &str, quarter: Quarter) -> Option<&mut QuarterRecord> {
        self.municipalities.get_mut(municipality).and_then(|m| m.quarters.get_mut(&quarter))
    }

    /// A quarter whose orders may still change (`InProgress` or `Completing`).
    fn open_quarter(&self, municipality: &str, quarter: Quarter) -> Result<&QuarterRecord, WorkflowError> {
        let record = self.quarter_ref(municipality, quarter)?;
        if matches!(record.state, QuarterState::InProgress | QuarterState::Completing) {
            Ok(record)
        } else {
            Err(WorkflowError::InvalidState)
        }
    }

    /// Quarter inside the municipality's lifespan and the portal's range.
    fn check_lifespan(&self, municipality: &str, quarter: Quarter) -> Result<(), WorkflowError> {
        let m = self.municipality_ref(municipality)?;
        quarter.ensure_portal()?;
        if quarter < m.lifespan.first {
            return Err(WorkflowError::QuarterBeforeFirst);
        }
        if m.lifespan.last.is_some_and(|last| quarter > last) {
            return Err(CalendarError::QuarterOutOfRange { year: quarter.year() }.into());
        }
        Ok(())
    }

    fn check_previous_transmitted(&self, municipality: &str, quarter: Quarter) -> Result<(), WorkflowError> {
        let m = self.municipality_ref(municipality)?;
        match quarter.previous() {
            Some(previous) if quarter > m.lifespan.first && !m.is_transmitted(previous) => {
                Err(WorkflowError::PreviousNotTransmitted)
            }
            _ => Ok(()),
        }
    }

    /// The guards shared by submit and transmit.
    fn check_submittable(&self, municipality: &str, quarter: Quarter, now: Moment) -> Result<(), WorkflowError> {
        let record = self.quarter_ref(municipality, quarter)?;
        if record.order_count() == 0 {
            return Err(WorkflowError::NoOrders);
        }
        let schedule = PriceSchedule::builtin();
        let price = schedule.for_quarter(quarter);
        price.cards_for_amount(record.total())?;
        self.check_previous_transmitted(municipality, quarter)?;
        if !ended(quarter, now) {
            return Err(WorkflowError::QuarterNotEnded);
        }
        Ok(())
    }

    /// The same order identity (financial year + number) in another quarter of the municipality
    /// is a split order and must carry the same date; the same number in another year is
    /// another order (SPEC §3.2, §5).
    fn check_split_date(
        &self,
        municipality: &str,
        quarter: Quarter,
        id: &OrderId,
        date: NaiveDate,
    ) -> Result<(), WorkflowError> {
        let m = self.municipality_ref(municipality)?;
        let mismatch = m
            .quarters
            .iter()
            .filter(|(q, _)| **q != quarter)
            .flat_map(|(_, r)| r.orders())
            .any(|(n, _, o)| n == id && o.date != date);
        if mismatch {
            Err(OrderError::SplitDateMismatch { number: id.number.clone() }.into())
        } else {
            Ok(())
        }
    }

    /// The identity an edit or a deletion names: the year given, or (commands written without
    /// it: event logs of version 1, hosts that omit it) the only order of that number in the
    /// quarter.
    pub(super) fn resolve_order(
        &self,
        municipality: &str,
        quarter: Quarter,
        number: &str,
        year: Option<i32>,
    ) -> Result<OrderId, WorkflowError> {
        let number = normalize_number(number)?;
        if let Some(year) = year {
            return Ok(OrderId { year, number });
        }
        let record = self.quarter_ref(municipality, quarter)?;
        let mut found = record.orders().filter(|(id, _, _)| id.number == number).map(|(id, _, _)| id.year);
        match (found.next(), found.next()) {
            (Some(year), None) => Ok(OrderId { year, number }),
            (Some(_), Some(_)) => Err(WorkflowError::OrderAmbiguous),
            (None, _) => Err(WorkflowError::OrderNotFound),
        }
    }

    pub(super) fn create_quarter_cmd(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
    ) -> Result<(), WorkflowError> {
        self.require(actor, now, municipality, WORKERS)?;
        self.check_lifespan(municipality, quarter)?;
        if self.quarter_ref(municipality, quarter).is_ok() {
            return Err(WorkflowError::QuarterExists);
        }
        if !started(quarter, now) {
            return Err(WorkflowError::QuarterNotStarted);
        }
        if let Some(m) = self.municipalities.get_mut(municipality) {
            let record = QuarterRecord {
                state: QuarterState::InProgress,
                works: std::collections::BTreeMap::default(),
                transmission: None,
                reopenings: Vec::new(),
            };
            m.quarters.insert(quarter, record);
        }
        Ok(())
    }

    /// The guards of an edit or a deletion: the actor may work on the municipality, the quarter
    /// is open, and the order exists; its owner may change it, and a Manager any order of the
    /// quarter (seed 002 §3.4: corrections after "sblocca trimestre"). Returns the actor's
    /// fiscal code and the order's owner.
    fn check_may_change(
        &self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
        id: &OrderId,
    ) -> Result<(String, String), WorkflowError> {
        let user = self.require(actor, now, municipality, WORKERS)?;
        let record = self.open_quarter(municipality, quarter)?;
        let (_, owner, _) = record.orders().find(|(n, _, _)| *n == id).ok_or(WorkflowError::OrderNotFound)?;
        if *owner == user.fiscal_code || user.profile(municipality) == Profile::Manager {
            Ok((user.fiscal_code.clone(), owner.clone()))
        } else {
            Err(WorkflowError::NotAuthorized)
        }
    }

    /// The actor's work reopens (and with it the quarter). Orders taken from another user's
    /// work move into it; an emptied work of another user goes away.
    fn reopen_work<'a>(record: &'a mut QuarterRecord, fc: &str) -> &'a mut Work {
        record.state = QuarterState::InProgress;
        let work = record.works.entry(fc.to_owned()).or_default();
        work.completed = false;
        work
    }

    fn take_order(record: &mut QuarterRecord, owner: &str, id: &OrderId) -> Option<EnteredOrder> {
        let work = record.works.get_mut(owner)?;
        let order = work.orders.remove(id);
        if work.orders.is_empty() {
            record.works.remove(owner);
        }
        order
    }

    /// Adds an order: its identity (financial year + number) must be new in the quarter.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn add_order_cmd(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
        number: &str,
        date: NaiveDate,
        amount: Amount,
    ) -> Result<(), WorkflowError> {
        let fc = self.require(actor, now, municipality, WORKERS)?.fiscal_code.clone();
        self.open_quarter(municipality, quarter)?;
        let order = PaymentOrder::new(number, date, amount, None)?;
        order.ensure_not_future(now.rome_date()?)?;
        let id = order.identity();
        self.check_split_date(municipality, quarter, &id, order.date)?;
        if self.quarter_ref(municipality, quarter)?.orders().any(|(n, _, _)| *n == id) {
            return Err(WorkflowError::OrderDuplicate);
        }
        if let Some(record) = self.quarter_mut(municipality, quarter) {
            Self::reopen_work(record, &fc).orders.insert(id, EnteredOrder { date: order.date, amount: order.amount });
        }
        Ok(())
    }

    /// Changes an order's date (within its financial year) and amount. The owner, or a Manager
    /// for any order; either way the order ends in the actor's work, which reopens.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn edit_order_cmd(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
        id: &OrderId,
        date: NaiveDate,
        amount: Amount,
    ) -> Result<(), WorkflowError> {
        let (fc, owner) = self.check_may_change(actor, now, municipality, quarter, id)?;
        let order = PaymentOrder::new(&id.number, date, amount, None)?;
        order.ensure_not_future(now.rome_date()?)?;
        if order.date.year() != id.year {
            return Err(OrderError::YearChanged.into());
        }
        self.check_split_date(municipality, quarter, id, order.date)?;
        if let Some(record) = self.quarter_mut(municipality, quarter) {
            Self::take_order(record, &owner, id);
            Self::reopen_work(record, &fc)
                .orders
                .insert(id.clone(), EnteredOrder { date: order.date, amount: order.amount });
        }
        Ok(())
    }

    pub(super) fn delete_order_cmd(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
        id: &OrderId,
    ) -> Result<(), WorkflowError> {
        let (fc, owner) = self.check_may_change(actor, now, municipality, quarter, id)?;
        if let Some(record) = self.quarter_mut(municipality, quarter) {
            Self::take_order(record, &owner, id);
            Self::reopen_work(record, &fc);
        }
        Ok(())
    }

    pub(super) fn complete_work_cmd(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
    ) -> Result<(), WorkflowError> {
        let fc = self.require(actor, now, municipality, WORKERS)?.fiscal_code.clone();
        let record = self.quarter_ref(municipality, quarter)?;
        let work = record.works.get(&fc).ok_or(WorkflowError::WorkNotFound)?;
        if work.completed || record.state != QuarterState::InProgress {
            return Err(WorkflowError::InvalidState);
        }
        if let Some(record) = self.quarter_mut(municipality, quarter) {
            if let Some(work) = record.works.get_mut(&fc) {
                work.completed = true;
            }
            if record.works.values().all(|w| w.completed) {
                record.state = QuarterState::Completing;
            }
        }
        Ok(())
    }

    pub(super) fn take_over_cmd(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
        from: &str,
    ) -> Result<(), WorkflowError> {
        let fc = self.require(actor, now, municipality, MANAGER)?.fiscal_code.clone();
        let record = self.open_quarter(municipality, quarter)?;
        let work = record.works.get(from).ok_or(WorkflowError::WorkNotFound)?;
        if work.completed || from == fc {
            return Err(WorkflowError::InvalidState);
        }
        if let Some(record) = self.quarter_mut(municipality, quarter) {
            let taken = record.works.remove(from).unwrap_or_default();
            Self::reopen_work(record, &fc).orders.extend(taken.orders);
        }
        Ok(())
    }

    pub(super) fn submit_cmd(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
    ) -> Result<(), WorkflowError> {
        self.require(actor, now, municipality, MANAGER)?;
        let record = self.quarter_ref(municipality, quarter)?;
        match record.state {
            QuarterState::Completing => {}
            QuarterState::InProgress if record.works.values().any(|w| !w.completed) => {
                return Err(WorkflowError::WorkOpen)
            }
            QuarterState::InProgress => return Err(WorkflowError::NoOrders),
            QuarterState::Closing | QuarterState::Transmitted => return Err(WorkflowError::InvalidState),
        }
        self.check_submittable(municipality, quarter, now)?;
        if let Some(record) = self.quarter_mut(municipality, quarter) {
            record.state = QuarterState::Closing;
        }
        Ok(())
    }

    pub(super) fn unlock_quarter_cmd(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
    ) -> Result<(), WorkflowError> {
        self.require(actor, now, municipality, MANAGER)?;
        if self.quarter_ref(municipality, quarter)?.state != QuarterState::Closing {
            return Err(WorkflowError::InvalidState);
        }
        if let Some(record) = self.quarter_mut(municipality, quarter) {
            record.state = QuarterState::Completing;
        }
        Ok(())
    }

    pub(super) fn transmit_cmd(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
        report: Option<&ReportRecord>,
        same_person: bool,
    ) -> Result<(), WorkflowError> {
        let fc = self.require(actor, now, municipality, MANAGER)?.fiscal_code.clone();
        if self.quarter_ref(municipality, quarter)?.state != QuarterState::Closing {
            return Err(WorkflowError::InvalidState);
        }
        self.check_submittable(municipality, quarter, now)?;
        if let Some(record) = self.quarter_mut(municipality, quarter) {
            record.state = QuarterState::Transmitted;
            record.transmission =
                Some(Transmission { transmitted_at: now, by: fc, report: report.cloned(), same_person });
        }
        Ok(())
    }

    pub(super) fn transmit_zero_cmd(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
        unknown_count_v1: bool,
    ) -> Result<(), WorkflowError> {
        let fc = self.require(actor, now, municipality, MANAGER)?.fiscal_code.clone();
        self.check_lifespan(municipality, quarter)?;
        if let Ok(record) = self.quarter_ref(municipality, quarter) {
            if !matches!(record.state, QuarterState::InProgress | QuarterState::Completing) {
                return Err(WorkflowError::InvalidState);
            }
            if record.order_count() > 0 {
                return Err(WorkflowError::ZeroQuarterHasOrders);
            }
        }
        match self.municipality_ref(municipality)?.cieonline_count(quarter) {
            Some(0) => {}
            Some(_) => return Err(WorkflowError::ZeroQuarterHasCards),
            // Revision 1 took an unknown count as 0; its logs keep loading (SPEC §5.3).
            None if unknown_count_v1 && self.replaying => {}
            None => return Err(WorkflowError::CieonlineUnknown),
        }
        self.check_previous_transmitted(municipality, quarter)?;
        if !ended(quarter, now) {
            return Err(WorkflowError::QuarterNotEnded);
        }
        if let Some(m) = self.municipalities.get_mut(municipality) {
            let record = m.quarters.entry(quarter).or_insert_with(|| QuarterRecord {
                state: QuarterState::InProgress,
                works: std::collections::BTreeMap::default(),
                transmission: None,
                reopenings: Vec::new(),
            });
            record.state = QuarterState::Transmitted;
            record.transmission = Some(Transmission { transmitted_at: now, by: fc, report: None, same_person: false });
        }
        Ok(())
    }

    /// Support reopens any transmitted quarter, with a reason; later quarters stay transmitted.
    pub(super) fn reopen_cmd(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
        reason: &str,
    ) -> Result<(), WorkflowError> {
        if *actor != Actor::Support {
            return Err(WorkflowError::NotAuthorized);
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(WorkflowError::ReopenReasonRequired);
        }
        if self.quarter_ref(municipality, quarter)?.state != QuarterState::Transmitted {
            return Err(WorkflowError::InvalidState);
        }
        if let Some(record) = self.quarter_mut(municipality, quarter) {
            record.state = QuarterState::Completing;
            let transmission = record.transmission.take();
            record.reopenings.push(Reopening { at: now, reason: reason.to_owned(), transmission });
        }
        Ok(())
    }
}
