//! SediCIE sites. Site data and contacts cross as JSON objects (dicts in the Python layer).

use cie_pagamenti::sites::{Contact, SiteData, SiteRegistry};
use cie_pagamenti::ErrorCode;
use pyo3::prelude::*;

use crate::convert::{self, text};
use crate::errors::{coded, IntoPy};

fn from_json<T: serde::de::DeserializeOwned>(ob: &Bound<'_, PyAny>) -> PyResult<T> {
    serde_json::from_str(&text(ob, ErrorCode::SiteFieldRequired)?)
        .map_err(|e| coded(ErrorCode::SiteFieldRequired, &e.to_string()))
}

fn s(ob: &Bound<'_, PyAny>) -> PyResult<String> {
    text(ob, ErrorCode::InputFormat)
}

/// A removal (preview or done) with the manual's warning in both languages.
fn removal_json(r: &cie_pagamenti::sites::SiteRemoval) -> String {
    let mut v = serde_json::to_value(r).unwrap_or_default();
    v["warning_it"] = serde_json::json!(r.warning(cie_pagamenti::Lang::It));
    v["warning_en"] = serde_json::json!(r.warning(cie_pagamenti::Lang::En));
    v.to_string()
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

    fn add_site(&mut self, municipality: &Bound<'_, PyAny>, data_json: &Bound<'_, PyAny>) -> PyResult<u32> {
        let data: SiteData = from_json(data_json)?;
        self.0.add_site(&s(municipality)?, &data).py_err()
    }

    fn update_site(
        &mut self,
        municipality: &Bound<'_, PyAny>,
        site: u32,
        data_json: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let data: SiteData = from_json(data_json)?;
        self.0.update_site(&s(municipality)?, site, &data).py_err()
    }

    fn add_contact(&mut self, municipality: &Bound<'_, PyAny>, contact_json: &Bound<'_, PyAny>) -> PyResult<()> {
        let contact: Contact = from_json(contact_json)?;
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

    fn status_json(&self, municipality: &Bound<'_, PyAny>, site: u32) -> PyResult<String> {
        self.0.status(&s(municipality)?, site).py_err().map(|st| convert::json(&st.view()))
    }

    fn transmit(&mut self, municipality: &Bound<'_, PyAny>, site: u32) -> PyResult<()> {
        self.0.transmit(&s(municipality)?, site).py_err()
    }

    fn edit_contact(
        &mut self,
        municipality: &Bound<'_, PyAny>,
        fiscal_code: &Bound<'_, PyAny>,
        contact_json: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let contact: Contact = from_json(contact_json)?;
        self.0.edit_contact(&s(municipality)?, &s(fiscal_code)?, &contact).py_err()
    }

    fn removal_preview_json(&self, municipality: &Bound<'_, PyAny>, site: u32) -> PyResult<String> {
        self.0.removal_preview(&s(municipality)?, site).py_err().map(|r| removal_json(&r))
    }

    fn remove_site_json(&mut self, municipality: &Bound<'_, PyAny>, site: u32) -> PyResult<String> {
        self.0.remove_site(&s(municipality)?, site).py_err().map(|r| removal_json(&r))
    }

    fn initial_managers_json(&self, municipality: &Bound<'_, PyAny>) -> PyResult<String> {
        Ok(convert::json(&self.0.initial_managers(&s(municipality)?)))
    }
}
