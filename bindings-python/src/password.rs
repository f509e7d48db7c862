//! The password policy, the change check and the generator.

use cie_pagamenti::password::{self as pw, PasswordRule};
use cie_pagamenti::ErrorCode;
use pyo3::prelude::*;

use crate::convert;
use crate::errors::IntoPy;

fn codes(rules: &[PasswordRule]) -> Vec<&'static str> {
    rules.iter().map(|r| r.code().as_str()).collect()
}

/// Unmet rule codes, in checklist order; `[]` = valid. The password never appears in errors.
#[pyfunction]
pub(crate) fn check_password(password: &Bound<'_, PyAny>) -> PyResult<Vec<&'static str>> {
    Ok(codes(&pw::check_password(&convert::text(password, ErrorCode::PasswordTooShort)?)))
}

/// The policy and change check together.
#[pyfunction]
pub(crate) fn check_password_change(
    current: &Bound<'_, PyAny>,
    new: &Bound<'_, PyAny>,
    confirmation: &Bound<'_, PyAny>,
) -> PyResult<Vec<&'static str>> {
    let t = |o| convert::text(o, ErrorCode::PasswordTooShort);
    Ok(codes(&pw::check_password_change(&t(current)?, &t(new)?, &t(confirmation)?)))
}

/// `[(code, message_it, message_en)]` for a checklist.
#[pyfunction]
pub(crate) fn password_rules() -> Vec<(&'static str, &'static str, &'static str)> {
    PasswordRule::POLICY.iter().map(|r| (r.code().as_str(), r.code().message_it(), r.code().message_en())).collect()
}

/// A password from the OS CSPRNG that satisfies the policy.
#[pyfunction]
#[pyo3(signature = (length=16))]
pub(crate) fn generate_password(length: usize) -> PyResult<String> {
    pw::generate_password(length).py_err().map(|p| p.expose().to_owned())
}
