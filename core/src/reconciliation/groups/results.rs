//! What the national job gives back: each group's quarter rows and summary
//! ([`GroupResult`]), an error of one group ([`GroupFinding`]), and why grouped input cannot
//! be used at all ([`GroupError`]).

use serde::Serialize;

use crate::calendar::Quarter;
use crate::error::{CieError, ErrorCode, Lang};
use crate::money::Amount;
use crate::reconciliation::QuarterRow;

/// Why grouped input cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GroupError {
    /// Columns of different lengths.
    #[error("columns of different lengths: {0}")]
    Lengths(&'static str),
    /// A group number not below the number of groups.
    #[error("group {group} of {what} row {row} is not below the number of groups {groups}")]
    Group {
        /// Which input.
        what: &'static str,
        /// The row.
        row: usize,
        /// Its group number.
        group: u32,
        /// The number of groups.
        groups: usize,
    },
}

impl CieError for GroupError {
    fn code(&self) -> ErrorCode {
        ErrorCode::InputFormat
    }

    fn detail(&self, _lang: Lang) -> Option<String> {
        Some(self.to_string())
    }
}

/// A summary of one group.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GroupSummary {
    /// The group number.
    pub group: u32,
    /// Cards.
    pub cards: u64,
    /// Orders.
    pub orders: usize,
    /// Credit of its orders (paid beyond the cards signed up to their dates).
    pub credit: Amount,
    /// Value of its unpaid cards.
    pub debit: Amount,
    /// Quarters where the cards paid differ from CIEonline's count.
    pub discrepancies: usize,
    /// Of those, quarters not yet transmitted (to correct before transmitting).
    pub mismatches: usize,
    /// Ended quarters not transmitted.
    pub missing_quarters: Vec<Quarter>,
    /// The error that kept the group from being reconciled (a card outside the calendar, a
    /// price missing), with the input row; the group then has no quarter rows.
    pub error: Option<GroupFinding>,
}

/// An error of one group: its code, the row of the input concerned, and its messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupFinding {
    /// The stable code.
    pub code: ErrorCode,
    /// The row of the cards input, when a card is concerned.
    pub row: Option<usize>,
    /// Italian message.
    pub message_it: String,
    /// English message.
    pub message_en: String,
}

/// The reconciliation of one group: its quarter rows and its summary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GroupResult {
    /// One row per quarter (as [`crate::reconciliation::Reconciliation::quarters`]).
    pub rows: Vec<QuarterRow>,
    /// The summary.
    pub summary: GroupSummary,
}
