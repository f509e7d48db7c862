//! The quarter commands (§5 table and order rules).

use chrono::NaiveDate;

use super::{EnteredOrder, Portal, QuarterRecord, Transmission, Work, WorkflowError};
use crate::calendar::{CalendarError, Moment, Quarter};
use crate::money::Amount;
use crate::orders::{OrderError, PaymentOrder};
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
        let price = schedule.price_on(quarter.first_day()).unwrap_or(schedule.current());
        price.cards_for_amount(record.total())?;
        self.check_previous_transmitted(municipality, quarter)?;
        if !ended(quarter, now) {
            return Err(WorkflowError::QuarterNotEnded);
        }
        Ok(())
    }

    /// The same order number in another quarter of the municipality must carry the same date.
    fn check_split_date(
        &self,
        municipality: &str,
        quarter: Quarter,
        number: &str,
        date: NaiveDate,
    ) -> Result<(), WorkflowError> {
        let m = self.municipality_ref(municipality)?;
        let mismatch = m
            .quarters
            .iter()
            .filter(|(q, _)| **q != quarter)
            .flat_map(|(_, r)| r.orders())
            .any(|(n, _, o)| n == number && o.date != date);
        if mismatch {
            Err(OrderError::SplitDateMismatch { number: number.to_owned() }.into())
        } else {
            Ok(())
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
            };
            m.quarters.insert(quarter, record);
        }
        Ok(())
    }

    /// Common checks of order changes; returns the actor's fiscal code and the normalised order.
    #[allow(clippy::too_many_arguments)]
    fn check_order_change(
        &self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
        number: &str,
        date: NaiveDate,
        amount: Amount,
    ) -> Result<(String, PaymentOrder), WorkflowError> {
        let fc = self.require(actor, now, municipality, WORKERS)?.fiscal_code.clone();
        self.open_quarter(municipality, quarter)?;
        let order = PaymentOrder::new(number, date, amount, None)?;
        order.ensure_not_future(now.rome_date()?)?;
        self.check_split_date(municipality, quarter, &order.number, order.date)?;
        Ok((fc, order))
    }

    /// The owner of an existing order, which must be the actor.
    fn check_owner(&self, municipality: &str, quarter: Quarter, number: &str, fc: &str) -> Result<(), WorkflowError> {
        let record = self.quarter_ref(municipality, quarter)?;
        let (_, owner, _) =
            record.orders().find(|(n, _, _)| n.as_str() == number).ok_or(WorkflowError::OrderNotFound)?;
        if owner == fc {
            Ok(())
        } else {
            Err(WorkflowError::NotAuthorized)
        }
    }

    fn reopen_work<'a>(record: &'a mut QuarterRecord, fc: &str) -> &'a mut Work {
        record.state = QuarterState::InProgress;
        let work = record.works.entry(fc.to_owned()).or_default();
        work.completed = false;
        work
    }

    /// Adds an order (`editing` false: the number must be new in the quarter) or changes one
    /// (`editing` true: the actor must own it). Either way the actor's work reopens.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn put_order_cmd(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
        number: &str,
        date: NaiveDate,
        amount: Amount,
        editing: bool,
    ) -> Result<(), WorkflowError> {
        let (fc, order) = self.check_order_change(actor, now, municipality, quarter, number, date, amount)?;
        if editing {
            self.check_owner(municipality, quarter, &order.number, &fc)?;
        } else if self.quarter_ref(municipality, quarter)?.orders().any(|(n, _, _)| *n == order.number) {
            return Err(WorkflowError::OrderDuplicate);
        }
        if let Some(record) = self.quarter_mut(municipality, quarter) {
            let work = Self::reopen_work(record, &fc);
            work.orders.insert(order.number, EnteredOrder { date: order.date, amount: order.amount });
        }
        Ok(())
    }

    pub(super) fn delete_order_cmd(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        quarter: Quarter,
        number: &str,
    ) -> Result<(), WorkflowError> {
        let fc = self.require(actor, now, municipality, WORKERS)?.fiscal_code.clone();
        self.open_quarter(municipality, quarter)?;
        let number = number.trim();
        self.check_owner(municipality, quarter, number, &fc)?;
        if let Some(record) = self.quarter_mut(municipality, quarter) {
            Self::reopen_work(record, &fc).orders.remove(number);
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
        if self.municipality_ref(municipality)?.cieonline_cards(quarter) > 0 {
            return Err(WorkflowError::ZeroQuarterHasCards);
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
            });
            record.state = QuarterState::Transmitted;
            record.transmission = Some(Transmission { transmitted_at: now, by: fc, report: None, same_person: false });
        }
        Ok(())
    }

    pub(super) fn reopen_cmd(
        &mut self,
        actor: &Actor,
        municipality: &str,
        quarter: Quarter,
    ) -> Result<(), WorkflowError> {
        if *actor != Actor::Support {
            return Err(WorkflowError::NotAuthorized);
        }
        let m = self.municipality_ref(municipality)?;
        let record = m.quarters.get(&quarter).ok_or(WorkflowError::QuarterNotFound)?;
        // Only the latest transmitted quarter: transmitted quarters stay contiguous.
        let later_transmitted = quarter.next().is_some_and(|next| m.is_transmitted(next));
        if record.state != QuarterState::Transmitted || later_transmitted {
            return Err(WorkflowError::InvalidState);
        }
        if let Some(record) = self.quarter_mut(municipality, quarter) {
            record.state = QuarterState::Completing;
            record.transmission = None;
        }
        Ok(())
    }
}
