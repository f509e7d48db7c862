//! Authorization helpers and the user commands (§6.2–6.4).

use std::collections::BTreeMap;

use super::{Municipality, Portal, WorkflowError};
use crate::calendar::{CalendarError, Moment, Quarter};
use crate::reconciliation::Lifespan;
use crate::users::{personal_data, Actor, NewUser, Profile, User};

impl Portal {
    /// The acting user: known and not blocked. Support is not a user.
    pub(super) fn active_user(&self, actor: &Actor, now: Moment) -> Result<&User, WorkflowError> {
        match actor {
            Actor::Support => Err(WorkflowError::NotAuthorized),
            Actor::User(fc) => {
                let user = self.users.get(fc).ok_or(WorkflowError::NotAuthorized)?;
                if user.is_blocked(now) {
                    Err(WorkflowError::UserBlocked)
                } else {
                    Ok(user)
                }
            }
        }
    }

    pub(super) fn municipality_ref(&self, municipality: &str) -> Result<&Municipality, WorkflowError> {
        self.municipalities.get(municipality).ok_or(WorkflowError::MunicipalityNotFound)
    }

    /// The acting user with one of `allowed` profiles in the municipality.
    pub(super) fn require(
        &self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        allowed: &[Profile],
    ) -> Result<&User, WorkflowError> {
        let user = self.active_user(actor, now)?;
        self.municipality_ref(municipality)?;
        if allowed.contains(&user.profile(municipality)) {
            Ok(user)
        } else {
            Err(WorkflowError::NotAuthorized)
        }
    }

    /// User administration: a Manager of the municipality, or Support.
    fn require_admin(&self, actor: &Actor, now: Moment, municipality: &str) -> Result<(), WorkflowError> {
        match actor {
            Actor::Support => self.municipality_ref(municipality).map(|_| ()),
            Actor::User(_) => self.require(actor, now, municipality, &[Profile::Manager]).map(|_| ()),
        }
    }

    fn require_support(actor: &Actor) -> Result<(), WorkflowError> {
        match actor {
            Actor::Support => Ok(()),
            Actor::User(_) => Err(WorkflowError::NotAuthorized),
        }
    }

    /// Managers of a municipality (blocked ones included: they still hold the profile).
    pub(super) fn managers<'a>(&'a self, municipality: &'a str) -> impl Iterator<Item = &'a User> + 'a {
        self.users.values().filter(move |u| u.profile(municipality) == Profile::Manager)
    }

    fn set_user_profile(&mut self, fiscal_code: &str, municipality: &str, profile: Profile) {
        if let Some(user) = self.users.get_mut(fiscal_code) {
            if profile == Profile::NoProfile {
                user.profiles.remove(municipality);
            } else {
                user.profiles.insert(municipality.to_owned(), profile);
            }
        }
    }

    pub(super) fn register_municipality_cmd(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        name: &str,
        first_quarter: Quarter,
        manager: &NewUser,
    ) -> Result<(), WorkflowError> {
        Self::require_support(actor)?;
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        let id = municipality.trim();
        if name.is_empty() || id.is_empty() || id != municipality {
            return Err(CalendarError::MunicipalityName.into());
        }
        if self.municipalities.contains_key(id) {
            return Err(WorkflowError::MunicipalityExists);
        }
        first_quarter.ensure_portal()?;
        let new_manager = manager.validate(now)?;
        let fc = new_manager.fiscal_code.clone();
        self.users.entry(fc.clone()).or_insert(new_manager);
        self.set_user_profile(&fc, id, Profile::Manager);
        let record = Municipality {
            name,
            lifespan: Lifespan { first: first_quarter, last: None },
            cieonline: BTreeMap::new(),
            quarters: BTreeMap::new(),
        };
        self.municipalities.insert(id.to_owned(), record);
        Ok(())
    }

    pub(super) fn suppress_municipality_cmd(
        &mut self,
        actor: &Actor,
        municipality: &str,
        last: Quarter,
    ) -> Result<(), WorkflowError> {
        Self::require_support(actor)?;
        let m = self.municipality_ref(municipality)?;
        if last < m.lifespan.first {
            return Err(WorkflowError::QuarterBeforeFirst);
        }
        if let Some(m) = self.municipalities.get_mut(municipality) {
            m.lifespan.last = Some(last);
        }
        Ok(())
    }

    pub(super) fn set_cieonline_cmd(
        &mut self,
        actor: &Actor,
        municipality: &str,
        quarter: Quarter,
        cards: u64,
    ) -> Result<(), WorkflowError> {
        Self::require_support(actor)?;
        self.municipality_ref(municipality)?;
        quarter.ensure_portal()?;
        if let Some(m) = self.municipalities.get_mut(municipality) {
            m.cieonline.insert(quarter, cards);
        }
        Ok(())
    }

    pub(super) fn add_user_cmd(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        new_user: &NewUser,
        profile: Profile,
    ) -> Result<(), WorkflowError> {
        self.require_admin(actor, now, municipality)?;
        let user = new_user.validate(now)?;
        let fc = user.fiscal_code.clone();
        if let Some(existing) = self.users.get(&fc) {
            if existing.profile(municipality) != Profile::NoProfile {
                return Err(WorkflowError::UserDuplicate);
            }
        } else {
            self.users.insert(fc.clone(), user);
        }
        self.set_user_profile(&fc, municipality, profile);
        Ok(())
    }

    fn target_in(&self, actor: &Actor, municipality: &str, fiscal_code: &str) -> Result<&User, WorkflowError> {
        let user = self.users.get(fiscal_code).ok_or(WorkflowError::UserNotFound)?;
        if *actor != Actor::Support && user.profile(municipality) == Profile::NoProfile {
            return Err(WorkflowError::UserNotFound);
        }
        Ok(user)
    }

    #[allow(clippy::too_many_arguments)] // one argument per field of the form
    pub(super) fn edit_user_cmd(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        fiscal_code: &str,
        first: &str,
        last: &str,
        email: &str,
    ) -> Result<(), WorkflowError> {
        self.require_admin(actor, now, municipality)?;
        self.target_in(actor, municipality, fiscal_code)?;
        let (first, last, email) = personal_data(first, last, email)?;
        if let Some(u) = self.users.get_mut(fiscal_code) {
            (u.first_name, u.last_name, u.email) = (first, last, email);
        }
        Ok(())
    }

    pub(super) fn edit_own_data_cmd(
        &mut self,
        actor: &Actor,
        now: Moment,
        first: &str,
        last: &str,
        email: &str,
    ) -> Result<(), WorkflowError> {
        let fc = self.active_user(actor, now)?.fiscal_code.clone();
        let (first, last, email) = personal_data(first, last, email)?;
        if let Some(u) = self.users.get_mut(&fc) {
            (u.first_name, u.last_name, u.email) = (first, last, email);
        }
        Ok(())
    }

    pub(super) fn set_profile_cmd(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        fiscal_code: &str,
        profile: Profile,
    ) -> Result<(), WorkflowError> {
        self.require_admin(actor, now, municipality)?;
        let target = self.users.get(fiscal_code).ok_or(WorkflowError::UserNotFound)?;
        if target.profile(municipality) == Profile::Manager
            && profile != Profile::Manager
            && self.managers(municipality).count() == 1
        {
            return Err(WorkflowError::LastManager);
        }
        self.set_user_profile(fiscal_code, municipality, profile);
        Ok(())
    }

    pub(super) fn unlock_user_cmd(
        &mut self,
        actor: &Actor,
        now: Moment,
        municipality: &str,
        fiscal_code: &str,
    ) -> Result<(), WorkflowError> {
        self.municipality_ref(municipality)?;
        let target = self.target_in(actor, municipality, fiscal_code)?;
        if !target.is_blocked(now) {
            return Err(WorkflowError::InvalidState);
        }
        if *actor != Actor::Support {
            let another = self.managers(municipality).any(|m| m.fiscal_code != fiscal_code && !m.is_blocked(now));
            if !another {
                return Err(WorkflowError::SupportRequired);
            }
            self.require(actor, now, municipality, &[Profile::Manager])?;
        }
        if let Some(u) = self.users.get_mut(fiscal_code) {
            u.last_activity = now;
        }
        Ok(())
    }

    pub(super) fn delete_user_cmd(&mut self, actor: &Actor, fiscal_code: &str) -> Result<(), WorkflowError> {
        Self::require_support(actor)?;
        let user = self.users.get(fiscal_code).ok_or(WorkflowError::UserNotFound)?;
        let sole_manager = user.profiles.iter().any(|(m, p)| *p == Profile::Manager && self.managers(m).count() == 1);
        if sole_manager {
            return Err(WorkflowError::LastManager);
        }
        self.users.remove(fiscal_code);
        Ok(())
    }

    /// Password reset (§6.7): the user whose fiscal code and e-mail both match; any mismatch is
    /// one and the same error, with no hint which field was wrong.
    pub fn password_reset_target(&self, fiscal_code: &str, email: &str) -> Result<&User, WorkflowError> {
        let fc = crate::identifiers::validate_fiscal_code(fiscal_code).map_err(|_| WorkflowError::ResetNoMatch)?;
        let email = crate::identifiers::validate_email(email).map_err(|_| WorkflowError::ResetNoMatch)?;
        self.users.get(&fc).filter(|u| u.email.eq_ignore_ascii_case(&email)).ok_or(WorkflowError::ResetNoMatch)
    }
}
