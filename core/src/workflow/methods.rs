//! The public surface of the `Portal`: one method per command, each taking the acting user
//! and an explicit `now`; each builds its [`Command`] and executes it.

use chrono::NaiveDate;

use super::{Command, Portal, WorkflowError};
use crate::calendar::{Moment, Quarter};
use crate::money::Amount;
use crate::report::recognize_report;
use crate::users::{Actor, NewUser, Profile};

impl Portal {
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
            manager: Box::new(manager),
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
        self.execute(
            actor,
            now,
            Command::AddUser { municipality: municipality.to_owned(), user: Box::new(user), profile },
        )
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
