//! `cie_pagamenti._native`: the pyo3 module under the pure-Python package `cie_pagamenti`.
//! A thin layer: every rule is computed by the core crate; this crate converts types and maps
//! errors (in `errors.rs`, exhaustively).

// pyo3 methods receive `&self` and owned extraction results by design.
#![allow(clippy::trivially_copy_pass_by_ref, clippy::needless_pass_by_value, clippy::unnecessary_wraps)]

mod arrow;
mod calendar;
mod convert;
mod engine;
mod errors;
mod groups;
mod identifiers;
mod import;
mod keys;
mod money;
mod order_columns;
mod orders;
mod password;
mod portal;
mod results;
mod sites;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<calendar::PyQuarter>()?;
    m.add_class::<calendar::PyFortnight>()?;
    m.add_class::<engine::PyAllocation>()?;
    m.add_class::<results::PyPrice>()?;
    m.add_class::<results::PyCitizenFee>()?;
    m.add_class::<results::PyPortion>()?;
    m.add_class::<results::PyOrderAllocation>()?;
    m.add_class::<results::PyQuarterAllocation>()?;
    m.add_class::<results::PyQuarterRow>()?;
    m.add_class::<results::PyPrePortalRow>()?;
    m.add_class::<results::PyReconciliation>()?;
    m.add_class::<portal::PyPortal>()?;
    m.add_class::<portal::PyCredentials>()?;
    m.add_class::<sites::PySiteRegistry>()?;
    m.add_function(wrap_pyfunction!(money::parse_amount, m)?)?;
    m.add_function(wrap_pyfunction!(arrow::arrow_columns, m)?)?;
    m.add_function(wrap_pyfunction!(keys::key_groups, m)?)?;
    m.add_function(wrap_pyfunction!(arrow::read_arrow_array, m)?)?;
    m.add_function(wrap_pyfunction!(arrow::arrow_table, m)?)?;
    m.add_function(wrap_pyfunction!(money::parse_amount_machine, m)?)?;
    m.add_function(wrap_pyfunction!(money::format_amount, m)?)?;
    m.add_function(wrap_pyfunction!(money::price_on, m)?)?;
    m.add_function(wrap_pyfunction!(money::cards_for_amount, m)?)?;
    m.add_function(wrap_pyfunction!(money::amount_for_cards, m)?)?;
    m.add_function(wrap_pyfunction!(money::citizen_fee, m)?)?;
    m.add_function(wrap_pyfunction!(money::causale, m)?)?;
    m.add_function(wrap_pyfunction!(money::apr_parse_flag, m)?)?;
    m.add_function(wrap_pyfunction!(money::apr_format_flag, m)?)?;
    m.add_function(wrap_pyfunction!(money::apr_connection_type, m)?)?;
    m.add_function(wrap_pyfunction!(calendar::quarter_of, m)?)?;
    m.add_function(wrap_pyfunction!(calendar::quarter_codes, m)?)?;
    m.add_function(wrap_pyfunction!(errors::coded_error, m)?)?;
    m.add_function(wrap_pyfunction!(calendar::parse_date, m)?)?;
    m.add_function(wrap_pyfunction!(calendar::pre2020_mailbox, m)?)?;
    identifiers::register(m)?;
    m.add_function(wrap_pyfunction!(password::check_password, m)?)?;
    m.add_function(wrap_pyfunction!(password::check_password_change, m)?)?;
    m.add_function(wrap_pyfunction!(password::password_rules, m)?)?;
    m.add_function(wrap_pyfunction!(password::generate_password, m)?)?;
    m.add_function(wrap_pyfunction!(engine::allocate, m)?)?;
    m.add_function(wrap_pyfunction!(engine::allocate_columns, m)?)?;
    m.add_function(wrap_pyfunction!(groups::reconcile_groups_columns, m)?)?;
    m.add_function(wrap_pyfunction!(engine::reconcile, m)?)?;
    m.add_function(wrap_pyfunction!(engine::statement, m)?)?;
    m.add_function(wrap_pyfunction!(orders::check_order, m)?)?;
    m.add_function(wrap_pyfunction!(import::read_export, m)?)?;
    m.add_function(wrap_pyfunction!(orders::check_order_form, m)?)?;
    m.add_function(wrap_pyfunction!(engine::allocation_report, m)?)?;
    Ok(())
}
