//! SediCIE sites. Site data and contacts are keyword fields; results are plain data (dicts).

use cie_pagamenti::sites::{Contact, SiteData, SiteRegistry};
use cie_pagamenti::ErrorCode;
use pyo3::prelude::*;

use pyo3::types::PyDict;

use crate::convert::text;
use crate::errors::{coded, IntoPy};
use crate::results::data;

/// Keyword fields (a dict) as a core value; an unknown or missing field is `SITE_FIELD_REQUIRED`.
fn fields<T: serde::de::DeserializeOwned>(py: Python<'_>, ob: Option<&Bound<'_, PyDict>>) -> PyResult<T> {
    let dict = ob.cloned().unwrap_or_else(|| PyDict::new(py));
    pythonize::depythonize(dict.as_any()).map_err(|e| coded(ErrorCode::SiteFieldRequired, &e.to_string()))
}

fn s(ob: &Bound<'_, PyAny>) -> PyResult<String> {
    text(ob, ErrorCode::InputFormat)
}

/// A removal (preview or done) with the manual's warning in both languages.
fn removal<'py>(py: Python<'py>, r: &cie_pagamenti::sites::SiteRemoval) -> PyResult<Bound<'py, PyAny>> {
    let value = data(py, r)?;
    value.set_item("warning_it", r.warning(cie_pagamenti::Lang::It))?;
    value.set_item("warning_en", r.warning(cie_pagamenti::Lang::En))?;
    Ok(value)
}

/// The SediCIE registry.
#[pyclass(name = "SiteRegistry", module = "cie_pagamenti._native", subclass)]
#[derive(Default)]
pub(crate) struct PySiteRegistry(SiteRegistry);

#[pymethods]
impl PySiteRegistry {
    #[new]
    fn new() -> Self {
        PySiteRegistry::default()
    }

    /// Adds a site from its keyword fields; returns its id.
    #[pyo3(signature = (municipality, **data))]
    fn add_site(
        &mut self,
        py: Python<'_>,
        municipality: &Bound<'_, PyAny>,
        data: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<u32> {
        let data: SiteData = fields(py, data)?;
        self.0.add_site(&s(municipality)?, &data).py_err()
    }

    /// Changes a site's data (keyword fields).
    #[pyo3(signature = (municipality, site, **data))]
    fn update_site(
        &mut self,
        py: Python<'_>,
        municipality: &Bound<'_, PyAny>,
        site: u32,
        data: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let data: SiteData = fields(py, data)?;
        self.0.update_site(&s(municipality)?, site, &data).py_err()
    }

    /// Adds a contact (keyword fields); the same person twice raises `SiteError`
    /// (`CONTACT_DUPLICATE`).
    #[pyo3(signature = (municipality, **contact))]
    fn add_contact(
        &mut self,
        py: Python<'_>,
        municipality: &Bound<'_, PyAny>,
        contact: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let contact: Contact = fields(py, contact)?;
        self.0.add_contact(&s(municipality)?, &contact).py_err()
    }

    fn associate(
        &mut self,
        municipality: &Bound<'_, PyAny>,
        site: u32,
        fiscal_code: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.0.associate(&s(municipality)?, site, &s(fiscal_code)?).py_err()
    }

    /// Returns True when no other site uses the contact (ask: delete or keep their data).
    fn dissociate(
        &mut self,
        municipality: &Bound<'_, PyAny>,
        site: u32,
        fiscal_code: &Bound<'_, PyAny>,
    ) -> PyResult<bool> {
        self.0.dissociate(&s(municipality)?, site, &s(fiscal_code)?).py_err().map(|d| d.orphaned)
    }

    fn delete_contact(&mut self, municipality: &Bound<'_, PyAny>, fiscal_code: &Bound<'_, PyAny>) -> PyResult<()> {
        self.0.delete_contact(&s(municipality)?, &s(fiscal_code)?).py_err()
    }

    fn add_security_officer(
        &mut self,
        municipality: &Bound<'_, PyAny>,
        site: u32,
        fiscal_code: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.0.add_security_officer(&s(municipality)?, site, &s(fiscal_code)?).py_err()
    }

    fn set_installation_contact(
        &mut self,
        municipality: &Bound<'_, PyAny>,
        site: u32,
        fiscal_code: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.0.set_installation_contact(&s(municipality)?, site, &s(fiscal_code)?).py_err()
    }

    fn set_issuance_manager(
        &mut self,
        municipality: &Bound<'_, PyAny>,
        site: u32,
        fiscal_code: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.0.set_issuance_manager(&s(municipality)?, site, &s(fiscal_code)?).py_err()
    }

    /// `{"status": "complete" | "incomplete", "label_it": "COMPLETA" | "INCOMPLETA", "label_en",
    /// "missing": [step...], "missing_it": [label...], "missing_en"}`.
    fn status<'py>(&self, py: Python<'py>, municipality: &Bound<'_, PyAny>, site: u32) -> PyResult<Bound<'py, PyAny>> {
        data(py, &self.0.status(&s(municipality)?, site).py_err()?.view())
    }

    fn transmit(&mut self, municipality: &Bound<'_, PyAny>, site: u32) -> PyResult<()> {
        self.0.transmit(&s(municipality)?, site).py_err()
    }

    /// Edits the contact `fiscal_code` ("MODIFICA"): every field but the fiscal code. A
    /// `fiscal_code` among the fields must be the same (`CONTACT_FISCAL_CODE_FIXED` otherwise).
    /// The sites using the contact must transmit their summary again.
    #[pyo3(signature = (municipality, fiscal_code, /, **contact))]
    fn edit_contact(
        &mut self,
        py: Python<'_>,
        municipality: &Bound<'_, PyAny>,
        fiscal_code: &Bound<'_, PyAny>,
        contact: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let contact = contact.cloned().unwrap_or_else(|| PyDict::new(py));
        if !contact.contains("fiscal_code")? {
            contact.set_item("fiscal_code", fiscal_code)?;
        }
        let contact: Contact = fields(py, Some(&contact))?;
        self.0.edit_contact(&s(municipality)?, &s(fiscal_code)?, &contact).py_err()
    }

    /// What removing the site would take with it, changing nothing, with the manual's warning
    /// (`warning_it`/`warning_en` lines) to show before asking for confirmation.
    fn removal_preview<'py>(
        &self,
        py: Python<'py>,
        municipality: &Bound<'_, PyAny>,
        site: u32,
    ) -> PyResult<Bound<'py, PyAny>> {
        removal(py, &self.0.removal_preview(&s(municipality)?, site).py_err()?)
    }

    /// Removes a site irreversibly (after `removal_preview` was confirmed); returns what the
    /// removal took with it.
    fn remove_site<'py>(
        &mut self,
        py: Python<'py>,
        municipality: &Bound<'_, PyAny>,
        site: u32,
    ) -> PyResult<Bound<'py, PyAny>> {
        removal(py, &self.0.remove_site(&s(municipality)?, site).py_err()?)
    }

    /// The issuance managers of the municipality's sites: its initial portal Managers.
    fn initial_managers<'py>(&self, py: Python<'py>, municipality: &Bound<'_, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        data(py, &self.0.initial_managers(&s(municipality)?))
    }
}
