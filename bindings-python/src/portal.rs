//! The `Portal` aggregate: one method per command, each taking `actor` and `now`.

use cie_pagamenti::users::{Actor, NewUser, Profile};
use cie_pagamenti::workflow::Portal;
use cie_pagamenti::ErrorCode;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyType};
use serde_json::json;

use crate::convert::{self, moment, text};
use crate::errors::{coded, IntoPy};
use crate::results::data;

fn to_actor(ob: &Bound<'_, PyAny>) -> PyResult<Actor> {
    Ok(Actor::parse(&text(ob, ErrorCode::NotAuthorized)?))
}

fn to_profile(ob: &Bound<'_, PyAny>) -> PyResult<Profile> {
    Profile::parse(&text(ob, ErrorCode::InputFormat)?)
        .ok_or_else(|| coded(ErrorCode::InputFormat, "profile: 'no_profile', 'operator' or 'manager'"))
}

fn new_user(ob: &Bound<'_, PyAny>) -> PyResult<NewUser> {
    // A missing key is a coded error naming it, not a bare KeyError.
    let field = |name: &str| -> PyResult<String> {
        let value = ob
            .get_item(name)
            .map_err(|_| coded(ErrorCode::InputFormat, &format!("user: the key {name:?} is missing")))?;
        text(&value, ErrorCode::InputFormat)
    };
    Ok(NewUser {
        fiscal_code: field("fiscal_code")?,
        first_name: field("first_name")?,
        last_name: field("last_name")?,
        email: field("email")?,
        email_confirmation: field("email_confirmation")?,
    })
}

fn s(ob: &Bound<'_, PyAny>) -> PyResult<String> {
    text(ob, ErrorCode::InputFormat)
}

/// The portal: municipalities, users and quarters.
/// A new user's initial credentials, returned once by `Portal.add_user`; `repr` hides the password.
#[pyclass(name = "Credentials", module = "cie_pagamenti._native", frozen)]
pub(crate) struct PyCredentials {
    /// The user name (the fiscal code).
    #[pyo3(get)]
    username: String,
    /// The generated password: send it, never store it.
    #[pyo3(get)]
    password: String,
}

#[pymethods]
impl PyCredentials {
    fn __repr__(&self) -> String {
        format!("Credentials(username={:?}, password='***')", self.username)
    }
}

#[pyclass(name = "Portal", module = "cie_pagamenti._native", subclass)]
#[derive(Default)]
pub(crate) struct PyPortal(Portal);

#[pymethods]
impl PyPortal {
    #[new]
    fn new() -> Self {
        PyPortal::default()
    }

    /// Rebuilds a portal (of the calling class) from its JSON event log.
    #[classmethod]
    fn replay<'py>(cls: &Bound<'py, PyType>, events_json: &Bound<'_, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let portal = Portal::replay(&s(events_json)?).py_err()?;
        let instance = cls.call0()?;
        instance.extract::<PyRefMut<'_, PyPortal>>()?.0 = portal;
        Ok(instance)
    }

    /// The versioned JSON event log.
    fn events(&self) -> String {
        self.0.events_json()
    }

    /// Municipalities and users as plain data.
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        data(py, &json!({ "municipalities": self.0.municipalities(), "users": self.0.users() }))
    }

    /// Support registers a municipality with its first Manager and its first quarter (SPEC §6).
    fn register_municipality(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        municipality: &Bound<'_, PyAny>,
        name: &Bound<'_, PyAny>,
        first_quarter: &Bound<'_, PyAny>,
        manager: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.0
            .register_municipality(
                &to_actor(actor)?,
                moment(now)?,
                &s(municipality)?,
                &s(name)?,
                convert::quarter(first_quarter)?,
                new_user(manager)?,
            )
            .py_err()
    }

    /// Support suppresses a municipality (merged or dissolved): its data stay, nothing new is accepted.
    fn suppress_municipality(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        municipality: &Bound<'_, PyAny>,
        last_quarter: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.0
            .suppress_municipality(&to_actor(actor)?, moment(now)?, &s(municipality)?, convert::quarter(last_quarter)?)
            .py_err()
    }

    /// Records the CIEonline count of a quarter (the cards the Ministry saw signed).
    fn set_cieonline(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        municipality: &Bound<'_, PyAny>,
        quarter: &Bound<'_, PyAny>,
        cards: u64,
    ) -> PyResult<()> {
        self.0
            .set_cieonline(&to_actor(actor)?, moment(now)?, &s(municipality)?, convert::quarter(quarter)?, cards)
            .py_err()
    }

    /// Adds a user; returns the initial credentials of a new user (once), `None` for an existing one.
    fn add_user(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        municipality: &Bound<'_, PyAny>,
        user: &Bound<'_, PyAny>,
        profile: &Bound<'_, PyAny>,
    ) -> PyResult<Option<PyCredentials>> {
        let credentials = self
            .0
            .add_user(&to_actor(actor)?, moment(now)?, &s(municipality)?, new_user(user)?, to_profile(profile)?)
            .py_err()?;
        Ok(credentials.map(|c| PyCredentials { username: c.username, password: c.password.expose().to_owned() }))
    }

    /// Records a user's access (a login): activity for the inactivity lock.
    fn record_access(&mut self, actor: &Bound<'_, PyAny>, now: &Bound<'_, PyAny>) -> PyResult<()> {
        self.0.record_access(&to_actor(actor)?, moment(now)?).py_err()
    }

    /// How many events the portal holds (pass it to `execute_if`).
    #[getter]
    fn event_count(&self) -> usize {
        self.0.event_count()
    }

    /// Executes a command given as JSON (`{"add_order": {…}}`) computed on a state of
    /// `expected_events` events; `STALE_STATE` when the portal changed meanwhile.
    fn execute_if(
        &mut self,
        expected_events: usize,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        command_json: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let command = Portal::command_from_json(&s(command_json)?).py_err()?;
        self.0.execute_if(expected_events, &to_actor(actor)?, moment(now)?, command).py_err()
    }

    /// The state summary at `now`: quarters with their state and orders by identity
    /// (`"2024/12"`: financial year / number), CIEonline counts, users (blocked or not).
    fn summary<'py>(&self, py: Python<'py>, now: &Bound<'_, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        data(py, &self.0.summary(moment(now)?))
    }

    /// A Manager edits a user of the municipality (names, e-mail); the fiscal code is the identity.
    #[allow(clippy::too_many_arguments)]
    fn edit_user(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        municipality: &Bound<'_, PyAny>,
        fiscal_code: &Bound<'_, PyAny>,
        first_name: &Bound<'_, PyAny>,
        last_name: &Bound<'_, PyAny>,
        email: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.0
            .edit_user(
                &to_actor(actor)?,
                moment(now)?,
                &s(municipality)?,
                &s(fiscal_code)?,
                &s(first_name)?,
                &s(last_name)?,
                &s(email)?,
            )
            .py_err()
    }

    /// A user edits their own names and e-mail.
    fn edit_own_data(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        first_name: &Bound<'_, PyAny>,
        last_name: &Bound<'_, PyAny>,
        email: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.0.edit_own_data(&to_actor(actor)?, moment(now)?, &s(first_name)?, &s(last_name)?, &s(email)?).py_err()
    }

    /// A Manager sets a user's profile (`no_profile`, `operator`, `manager`); the last Manager stays.
    fn set_profile(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        municipality: &Bound<'_, PyAny>,
        fiscal_code: &Bound<'_, PyAny>,
        profile: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.0
            .set_profile(&to_actor(actor)?, moment(now)?, &s(municipality)?, &s(fiscal_code)?, to_profile(profile)?)
            .py_err()
    }

    /// A Manager removes a user from the municipality.
    fn remove_user(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        municipality: &Bound<'_, PyAny>,
        fiscal_code: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.0.remove_user(&to_actor(actor)?, moment(now)?, &s(municipality)?, &s(fiscal_code)?).py_err()
    }

    /// A Manager unlocks a user blocked by inactivity or failed logins.
    fn unlock_user(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        municipality: &Bound<'_, PyAny>,
        fiscal_code: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.0.unlock_user(&to_actor(actor)?, moment(now)?, &s(municipality)?, &s(fiscal_code)?).py_err()
    }

    /// Support deletes a user everywhere.
    fn delete_user(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        fiscal_code: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.0.delete_user(&to_actor(actor)?, moment(now)?, &s(fiscal_code)?).py_err()
    }

    /// Creates the next quarter to work on (`in lavorazione`); quarters follow each other.
    fn create_quarter(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        municipality: &Bound<'_, PyAny>,
        quarter: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.0.create_quarter(&to_actor(actor)?, moment(now)?, &s(municipality)?, convert::quarter(quarter)?).py_err()
    }

    /// Adds a payment order to a quarter in progress (SPEC §5): identity is (year, number).
    #[allow(clippy::too_many_arguments)]
    fn add_order(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        municipality: &Bound<'_, PyAny>,
        quarter: &Bound<'_, PyAny>,
        number: &Bound<'_, PyAny>,
        date: &Bound<'_, PyAny>,
        amount: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.0
            .add_order(
                &to_actor(actor)?,
                moment(now)?,
                &s(municipality)?,
                convert::quarter(quarter)?,
                &s(number)?,
                convert::date(date)?,
                convert::amount(amount)?,
            )
            .py_err()
    }

    /// Edits an order (an Operator their own, a Manager any); `year` tells orders with the same number apart.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (actor, now, municipality, quarter, number, date, amount, year=None))]
    fn edit_order(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        municipality: &Bound<'_, PyAny>,
        quarter: &Bound<'_, PyAny>,
        number: &Bound<'_, PyAny>,
        date: &Bound<'_, PyAny>,
        amount: &Bound<'_, PyAny>,
        year: Option<i32>,
    ) -> PyResult<()> {
        self.0
            .edit_order(
                &to_actor(actor)?,
                moment(now)?,
                &s(municipality)?,
                convert::quarter(quarter)?,
                &s(number)?,
                year,
                convert::date(date)?,
                convert::amount(amount)?,
            )
            .py_err()
    }

    /// Deletes an order of a quarter in progress; `year` as for `edit_order`.
    #[pyo3(signature = (actor, now, municipality, quarter, number, year=None))]
    fn delete_order(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        municipality: &Bound<'_, PyAny>,
        quarter: &Bound<'_, PyAny>,
        number: &Bound<'_, PyAny>,
        year: Option<i32>,
    ) -> PyResult<()> {
        let (actor, now, q) = (to_actor(actor)?, moment(now)?, convert::quarter(quarter)?);
        self.0.delete_order(&actor, now, &s(municipality)?, q, &s(number)?, year).py_err()
    }

    /// An Operator completes their work on a quarter (`in completamento`).
    fn complete_work(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        municipality: &Bound<'_, PyAny>,
        quarter: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.0.complete_work(&to_actor(actor)?, moment(now)?, &s(municipality)?, convert::quarter(quarter)?).py_err()
    }

    /// A Manager takes over an Operator's open work on a quarter.
    fn take_over(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        municipality: &Bound<'_, PyAny>,
        quarter: &Bound<'_, PyAny>,
        from_user: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.0
            .take_over(&to_actor(actor)?, moment(now)?, &s(municipality)?, convert::quarter(quarter)?, &s(from_user)?)
            .py_err()
    }

    /// A Manager submits the quarter for closing (`in chiusura`): amounts must be exact multiples.
    fn submit(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        municipality: &Bound<'_, PyAny>,
        quarter: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.0.submit(&to_actor(actor)?, moment(now)?, &s(municipality)?, convert::quarter(quarter)?).py_err()
    }

    /// A Manager sends a closing quarter back to work (`in lavorazione`).
    fn unlock_quarter(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        municipality: &Bound<'_, PyAny>,
        quarter: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.0.unlock_quarter(&to_actor(actor)?, moment(now)?, &s(municipality)?, convert::quarter(quarter)?).py_err()
    }

    /// A Manager transmits the quarter with the signed report (PDF or P7M, at most 2 MiB): `trasmesso`.
    #[allow(clippy::too_many_arguments)]
    fn transmit(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        municipality: &Bound<'_, PyAny>,
        quarter: &Bound<'_, PyAny>,
        signed_report: &[u8],
        same_person: bool,
    ) -> PyResult<()> {
        self.0
            .transmit(
                &to_actor(actor)?,
                moment(now)?,
                &s(municipality)?,
                convert::quarter(quarter)?,
                signed_report,
                same_person,
            )
            .py_err()
    }

    /// A Manager transmits a quarter with no cards and no orders (a zero quarter).
    fn transmit_zero(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        municipality: &Bound<'_, PyAny>,
        quarter: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.0.transmit_zero(&to_actor(actor)?, moment(now)?, &s(municipality)?, convert::quarter(quarter)?).py_err()
    }

    /// Support reopens a transmitted quarter, with the reason.
    fn reopen(
        &mut self,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        municipality: &Bound<'_, PyAny>,
        quarter: &Bound<'_, PyAny>,
        reason: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let (actor, now, q) = (to_actor(actor)?, moment(now)?, convert::quarter(quarter)?);
        self.0.reopen(&actor, now, &s(municipality)?, q, &s(reason)?).py_err()
    }

    /// The user a password reset is for; one error for any mismatch.
    fn password_reset_target(&self, fiscal_code: &Bound<'_, PyAny>, email: &Bound<'_, PyAny>) -> PyResult<String> {
        self.0.password_reset_target(&s(fiscal_code)?, &s(email)?).py_err().map(|u| u.fiscal_code.clone())
    }

    /// The state of a quarter (`in_progress`, …) or `None`.
    fn quarter_state(&self, municipality: &Bound<'_, PyAny>, quarter: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
        let q = self.0.quarter(&s(municipality)?, convert::quarter(quarter)?);
        Ok(q.map(|r| r.state.as_str().to_owned()))
    }

    /// The quarterly report: (JSON data, PDF bytes).
    fn quarterly_report<'py>(
        &self,
        py: Python<'py>,
        municipality: &Bound<'_, PyAny>,
        quarter: &Bound<'_, PyAny>,
        same_person: bool,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyBytes>)> {
        let report = self
            .0
            .quarterly_report(&s(municipality)?, convert::quarter(quarter)?, same_person, moment(now)?)
            .py_err()?;
        convert::report_and_pdf(py, &report)
    }
}
