//! Identifier validators: single values and list forms for columns.

use cie_pagamenti::identifiers::{self as id, IdentifierError};
use cie_pagamenti::ErrorCode;
use pyo3::prelude::*;

use crate::convert;
use crate::errors::IntoPy;

type Validator = fn(&str) -> Result<String, IdentifierError>;

fn one(ob: &Bound<'_, PyAny>, validator: Validator, code: ErrorCode) -> PyResult<String> {
    validator(&convert::text(ob, code)?).py_err()
}

fn many(values: Vec<Option<String>>, validator: Validator) -> Vec<Option<String>> {
    values.into_iter().map(|v| v.and_then(|v| validator(&v).ok())).collect()
}

macro_rules! validators {
    ($($validate:ident, $is_valid:ident, $many:ident, $core:path, $code:ident;)*) => {
        $(
            /// Validates and normalises; raises a coded error naming why.
            #[pyfunction]
            pub(crate) fn $validate(value: &Bound<'_, PyAny>) -> PyResult<String> {
                one(value, $core, ErrorCode::$code)
            }

            /// True when valid (never raises on a string).
            #[pyfunction]
            pub(crate) fn $is_valid(value: &Bound<'_, PyAny>) -> PyResult<bool> {
                Ok($core(&convert::text(value, ErrorCode::$code)?).is_ok())
            }

            /// A column: the normalised value, or `None` where invalid.
            #[pyfunction]
            pub(crate) fn $many(values: Vec<Option<String>>) -> Vec<Option<String>> {
                many(values, $core)
            }
        )*
        /// Registers the validators.
        pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
            m.add_function(wrap_pyfunction!(fiscal_code_matches_name, m)?)?;
            $(
                m.add_function(wrap_pyfunction!($validate, m)?)?;
                m.add_function(wrap_pyfunction!($is_valid, m)?)?;
                m.add_function(wrap_pyfunction!($many, m)?)?;
            )*
            Ok(())
        }
    };
}

validators! {
    validate_fiscal_code, is_valid_fiscal_code, validate_fiscal_codes, id::validate_fiscal_code, FiscalCodeLength;
    validate_vat_number, is_valid_vat_number, validate_vat_numbers, id::validate_vat_number, VatNumberFormat;
    validate_iban, is_valid_iban, validate_ibans, id::validate_iban, IbanFormat;
    validate_cap, is_valid_cap, validate_caps, id::validate_cap, CapFormat;
    validate_email, is_valid_email, validate_emails, id::validate_email, EmailFormat;
    validate_phone, is_valid_phone, validate_phones, id::validate_phone, PhoneFormat;
}

/// The *Aggiungi utente* name check (SPEC §7): the fiscal code's first six letters against the
/// surname and the first name; a mismatch is a warning, never a refusal. Returns `{"code",
/// "found_surname", "found_name", "expected_surname", "expected_name", "matches", "warning"}`;
/// `warning` is `None` or `{"code": "FISCAL_CODE_NAME_MISMATCH", "message_it", "message_en",
/// "fields"}`. An invalid fiscal code raises its own `FiscalCodeError`.
#[pyfunction]
pub(crate) fn fiscal_code_matches_name<'py>(
    py: Python<'py>,
    code: &Bound<'_, PyAny>,
    surname: &Bound<'_, PyAny>,
    name: &Bound<'_, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let document = id::fiscal_code_matches_name_document(
        &convert::text(code, ErrorCode::FiscalCodeLength)?,
        &convert::text(surname, ErrorCode::InputFormat)?,
        &convert::text(name, ErrorCode::InputFormat)?,
    )
    .py_err()?;
    crate::results::data(py, &document)
}
