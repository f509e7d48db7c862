//! Which quarter commands a profile may issue in a quarter state — the §5 table, for user
//! interfaces that enable or disable buttons. The guards that depend on data (dates, amounts,
//! the previous quarter, who owns a work) are still checked by the [`super::Portal`].

use serde::Serialize;

use crate::reconciliation::QuarterState;
use crate::users::Profile;

/// A quarter command, as a button of the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Create the quarter.
    CreateQuarter,
    /// Add an order to one's work.
    AddOrder,
    /// Edit an order of one's work.
    EditOrder,
    /// Delete an order of one's work.
    DeleteOrder,
    /// Declare one's work complete.
    CompleteWork,
    /// Take over another user's open work.
    TakeOver,
    /// "Trasmetti → procedi".
    Submit,
    /// "Sblocca trimestre".
    UnlockQuarter,
    /// Transmit with the signed report.
    Transmit,
    /// Transmit a quarter without orders.
    TransmitZero,
    /// Reopen a transmitted quarter.
    Reopen,
}

/// Who asks: a municipal profile, or the ministry's Support.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A portal user with this profile in the municipality.
    Profile(Profile),
    /// Supporto Tecnico.
    Support,
}

impl Role {
    /// A profile's stable name (`operator`, `manager`, `no_profile`) or `support`.
    pub fn parse(text: &str) -> Option<Role> {
        if text.eq_ignore_ascii_case("support") {
            Some(Role::Support)
        } else {
            Profile::parse(text).map(Role::Profile)
        }
    }
}

/// The actions a role may take on a quarter in `state` (`None`: not created yet).
pub fn allowed_actions(role: Role, state: Option<QuarterState>) -> Vec<Action> {
    use Action as A;
    match (role, state) {
        (Role::Support, Some(QuarterState::Transmitted)) => vec![A::Reopen],
        (Role::Support | Role::Profile(Profile::NoProfile), _) => Vec::new(),
        (Role::Profile(profile), state) => {
            let manager = profile == Profile::Manager;
            let mut actions = match state {
                None => vec![A::CreateQuarter],
                Some(QuarterState::InProgress) => vec![A::AddOrder, A::EditOrder, A::DeleteOrder, A::CompleteWork],
                Some(QuarterState::Completing) => vec![A::AddOrder, A::EditOrder, A::DeleteOrder],
                Some(QuarterState::Closing | QuarterState::Transmitted) => Vec::new(),
            };
            if manager {
                actions.extend(match state {
                    None => vec![A::TransmitZero],
                    Some(QuarterState::InProgress) => vec![A::TakeOver, A::TransmitZero],
                    Some(QuarterState::Completing) => vec![A::Submit, A::TransmitZero],
                    Some(QuarterState::Closing) => vec![A::UnlockQuarter, A::Transmit],
                    Some(QuarterState::Transmitted) => Vec::new(),
                });
            }
            actions
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_5_table() {
        use Action as A;
        let op = Role::Profile(Profile::Operator);
        let mgr = Role::Profile(Profile::Manager);
        assert_eq!(allowed_actions(op, None), vec![A::CreateQuarter]);
        assert_eq!(allowed_actions(mgr, None), vec![A::CreateQuarter, A::TransmitZero]);
        assert!(allowed_actions(op, Some(QuarterState::Completing))
            .iter()
            .all(|a| !matches!(a, A::Submit | A::Transmit)));
        assert!(allowed_actions(mgr, Some(QuarterState::Completing)).contains(&A::Submit));
        assert_eq!(allowed_actions(mgr, Some(QuarterState::Closing)), vec![A::UnlockQuarter, A::Transmit]);
        assert!(allowed_actions(op, Some(QuarterState::Closing)).is_empty());
        assert!(allowed_actions(mgr, Some(QuarterState::Transmitted)).is_empty());
        assert_eq!(allowed_actions(Role::Support, Some(QuarterState::Transmitted)), vec![A::Reopen]);
        assert!(allowed_actions(Role::Support, Some(QuarterState::InProgress)).is_empty());
        assert!(allowed_actions(Role::Profile(Profile::NoProfile), None).is_empty());
        assert_eq!(Role::parse("Manager"), Some(mgr));
        assert_eq!(Role::parse("responsabile"), Some(mgr));
        assert_eq!(Role::parse("support"), Some(Role::Support));
        assert_eq!(Role::parse("admin"), None);
    }
}
