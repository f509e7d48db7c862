//! SediCIE: the registry of municipal issuing sites, their contacts and roles (SPEC §8).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error::{CieError, ErrorCode, FieldValue, Lang};
use crate::identifiers::{
    validate_cap, validate_email, validate_fiscal_code, validate_iban, validate_phone, validate_vat_number,
};
use crate::users::{MunicipalityId, NewUser};

/// A site's data (step 1). Fields marked * in the portal are mandatory.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteData {
    /// Name*.
    pub name: String,
    /// Address*.
    pub address: String,
    /// Street number*.
    pub street_number: String,
    /// CAP*.
    pub cap: String,
    /// Fiscal code or VAT number of the paying entity.
    pub tax_code: Option<String>,
    /// IBAN.
    pub iban: Option<String>,
    /// Number of workstations* (≥ 1).
    pub workstations: u32,
    /// Number of operators* (≥ 1).
    pub operators: u32,
    /// Payment type*.
    pub payment_type: String,
    /// Connection type*.
    pub connection_type: String,
}

/// A contact ("referente") of a municipality.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Title.
    pub title: Option<String>,
    /// First name*.
    pub first_name: String,
    /// Last name*.
    pub last_name: String,
    /// E-mail*.
    pub email: String,
    /// Personal fiscal code* (the contact's identity).
    pub fiscal_code: String,
    /// Phone 1*.
    pub phone1: String,
    /// Phone 2.
    pub phone2: Option<String>,
    /// Organisation.
    pub organisation: Option<String>,
}

/// The six steps of a site's registration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteStep {
    /// Site data valid.
    Data,
    /// At least one contact associated.
    Contacts,
    /// At least one Security Officer.
    SecurityOfficer,
    /// The installation contact.
    InstallationContact,
    /// The issuance manager.
    IssuanceManager,
    /// Summary transmitted.
    Summary,
}

impl SiteStep {
    /// The step as the manual names it.
    pub fn label_it(self) -> &'static str {
        match self {
            SiteStep::Data => "Dati della sede",
            SiteStep::Contacts => "Referenti della sede",
            SiteStep::SecurityOfficer => "Security Officer",
            SiteStep::InstallationContact => "Referente per le installazioni",
            SiteStep::IssuanceManager => "Responsabile del servizio di emissione CIE",
            SiteStep::Summary => "Riepilogo",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            SiteStep::Data => "Site data",
            SiteStep::Contacts => "Site contacts",
            SiteStep::SecurityOfficer => "Security Officer",
            SiteStep::InstallationContact => "Installation contact",
            SiteStep::IssuanceManager => "CIE issuance manager",
            SiteStep::Summary => "Summary",
        }
    }
}

/// A site's status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SiteStatus {
    /// All six steps valid and transmitted.
    Complete,
    /// What is missing, in step order.
    Incomplete {
        /// The missing steps.
        missing: Vec<SiteStep>,
    },
}

impl SiteStatus {
    /// The manual's status label: `COMPLETA` or `INCOMPLETA`.
    pub fn label_it(&self) -> &'static str {
        match self {
            SiteStatus::Complete => "COMPLETA",
            SiteStatus::Incomplete { .. } => "INCOMPLETA",
        }
    }

    /// English label: `COMPLETE` or `INCOMPLETE`.
    pub fn label_en(&self) -> &'static str {
        match self {
            SiteStatus::Complete => "COMPLETE",
            SiteStatus::Incomplete { .. } => "INCOMPLETE",
        }
    }

    /// The status with its labels, as a host shows it.
    pub fn view(&self) -> SiteStatusView {
        let missing = match self {
            SiteStatus::Complete => Vec::new(),
            SiteStatus::Incomplete { missing } => missing.clone(),
        };
        SiteStatusView {
            status: if missing.is_empty() { "complete" } else { "incomplete" },
            label_it: self.label_it(),
            label_en: self.label_en(),
            missing_it: missing.iter().map(|s| s.label_it()).collect(),
            missing_en: missing.iter().map(|s| s.label_en()).collect(),
            missing,
        }
    }
}

/// A site's status with its labels ([`SiteStatus::view`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SiteStatusView {
    /// `complete` or `incomplete`.
    pub status: &'static str,
    /// `COMPLETA` or `INCOMPLETA`.
    pub label_it: &'static str,
    /// `COMPLETE` or `INCOMPLETE`.
    pub label_en: &'static str,
    /// The missing steps, in order.
    pub missing: Vec<SiteStep>,
    /// Their Italian labels.
    pub missing_it: Vec<&'static str>,
    /// Their English labels.
    pub missing_en: Vec<&'static str>,
}

/// An issuing site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    /// Identifier within the municipality.
    pub id: u32,
    /// Its data.
    pub data: SiteData,
    /// Associated contacts (fiscal codes).
    pub contacts: BTreeSet<String>,
    /// Security Officers.
    pub security_officers: BTreeSet<String>,
    /// Installation contact ("Referente per le installazioni").
    pub installation_contact: Option<String>,
    /// Issuance manager ("Responsabile del servizio di emissione CIE").
    pub issuance_manager: Option<String>,
    /// The summary was transmitted (reset by any later change).
    pub transmitted: bool,
}

/// What removing a site takes with it, for the host to confirm with the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SiteRemoval {
    /// The removed site.
    pub site: u32,
    /// Its name.
    pub name: String,
    /// The site leaves AgendaCIE: no new or existing appointments.
    pub leaves_agenda_cie: bool,
    /// Security Officers removed, with their credentials.
    pub security_officers_removed: Vec<String>,
    /// Installation contact removed (loses Monitora access).
    pub installation_contact_removed: Option<String>,
    /// Issuance manager removed.
    pub issuance_manager_removed: Option<String>,
}

impl SiteRemoval {
    /// The manual's warning for this removal, one line per consequence, the last saying it is
    /// irreversible: what the host shows before asking for confirmation.
    pub fn warning(&self, lang: Lang) -> Vec<String> {
        let list = |v: &[String]| v.join(", ");
        let mut lines = vec![format!(
            "{} «{}» {}",
            lang.pick("La rimozione della sede", "Removing the site"),
            self.name,
            lang.pick(
                "la elimina dal portale AgendaCIE: non sarà possibile prendere nuovi appuntamenti, né gestire quelli presenti.",
                "deletes it from AgendaCIE: no new appointments can be made, and existing ones cannot be managed."
            )
        )];
        if !self.security_officers_removed.is_empty() {
            lines.push(format!(
                "{}: {}.",
                lang.pick(
                    "Rimuove i Security Officer con le relative credenziali",
                    "It removes the Security Officers and their credentials"
                ),
                list(&self.security_officers_removed)
            ));
        }
        if let Some(c) = &self.installation_contact_removed {
            lines.push(format!(
                "{}: {c}.",
                lang.pick(
                    "Rimuove il Referente per le installazioni e ne disabilita l'accesso al portale della fornitura Monitora",
                    "It removes the installation contact and disables their access to the Monitora portal"
                )
            ));
        }
        if let Some(c) = &self.issuance_manager_removed {
            lines.push(format!(
                "{}: {c}.",
                lang.pick(
                    "Rimuove il Responsabile del servizio di emissione CIE",
                    "It removes the CIE issuance manager"
                )
            ));
        }
        lines.push(lang.pick("Tale operazione è irreversibile.", "This cannot be undone.").to_owned());
        lines
    }
}

/// Outcome of dissociating a contact from a site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Dissociation {
    /// No other site uses the contact: the host asks whether to delete the person's data
    /// ([`SiteRegistry::delete_contact`]) or keep them for later.
    pub orphaned: bool,
}

/// Why a SediCIE operation was refused.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum SitesError {
    /// The contact is already in the list (same fiscal code).
    #[error("contact already present")]
    ContactDuplicate,
    /// No such contact.
    #[error("contact not found")]
    ContactNotFound,
    /// The contact is still associated with a site.
    #[error("contact in use")]
    ContactInUse,
    /// No such site.
    #[error("site not found")]
    SiteNotFound,
    /// Mandatory fields missing or invalid (Italian field names).
    #[error("fields missing or invalid: {fields:?}")]
    Fields {
        /// The fields.
        fields: Vec<&'static str>,
    },
    /// A role for a contact not associated with the site.
    #[error("contact not associated with the site")]
    RoleNotAssociated,
    /// The contact is Security Officer in another municipality.
    #[error("security officer in another municipality")]
    SecurityOfficerElsewhere,
    /// An edit would change the contact's fiscal code (its identity).
    #[error("the fiscal code of a contact cannot be changed")]
    ContactFiscalCodeFixed,
    /// Transmitting a site with missing steps.
    #[error("site incomplete: {missing:?}")]
    Incomplete {
        /// The missing steps.
        missing: Vec<SiteStep>,
    },
}

impl CieError for SitesError {
    fn code(&self) -> ErrorCode {
        match self {
            SitesError::ContactDuplicate => ErrorCode::ContactDuplicate,
            SitesError::ContactNotFound => ErrorCode::ContactNotFound,
            SitesError::ContactInUse => ErrorCode::ContactInUse,
            SitesError::SiteNotFound => ErrorCode::SiteNotFound,
            SitesError::Fields { .. } => ErrorCode::SiteFieldRequired,
            SitesError::RoleNotAssociated => ErrorCode::RoleNotAssociated,
            SitesError::SecurityOfficerElsewhere => ErrorCode::SecurityOfficerElsewhere,
            SitesError::Incomplete { .. } => ErrorCode::SiteIncomplete,
            SitesError::ContactFiscalCodeFixed => ErrorCode::ContactFiscalCodeFixed,
        }
    }

    fn detail(&self, lang: Lang) -> Option<String> {
        match self {
            SitesError::Fields { fields } => Some(fields.join(", ")),
            SitesError::Incomplete { missing } => {
                Some(missing.iter().map(|s| lang.pick(s.label_it(), s.label_en())).collect::<Vec<_>>().join(", "))
            }
            _ => None,
        }
    }

    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        match self {
            SitesError::Fields { fields } => vec![("fields", FieldValue::Text(fields.join(",")))],
            _ => Vec::new(),
        }
    }
}

fn required(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty() && !t.chars().any(char::is_control)).then(|| t.to_owned())
}

fn optional<F: Fn(&str) -> Result<String, E>, E>(value: Option<&String>, check: F) -> Result<Option<String>, ()> {
    match value.map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => check(v).map(Some).map_err(|_| ()),
    }
}

impl SiteData {
    /// The normalised data, or every missing/invalid field (Italian names, in form order).
    pub fn validate(&self) -> Result<SiteData, SitesError> {
        let mut bad = Vec::new();
        let mut field = |ok: Option<String>, name: &'static str| {
            if ok.is_none() {
                bad.push(name);
            }
            ok.unwrap_or_default()
        };
        let name = field(required(&self.name), "Nome Sede");
        let address = field(required(&self.address), "Indirizzo");
        let street_number = field(required(&self.street_number), "Numero civico");
        let cap = field(validate_cap(&self.cap).ok(), "CAP");
        let tax_code =
            optional(self.tax_code.as_ref(), |v| validate_vat_number(v).or_else(|_| validate_fiscal_code(v)));
        let tax_code =
            field(tax_code.as_ref().ok().map(|t| t.clone().unwrap_or_default()), "Codice Fiscale/Partita IVA");
        let iban = optional(self.iban.as_ref(), validate_iban);
        let iban = field(iban.as_ref().ok().map(|t| t.clone().unwrap_or_default()), "Codice IBAN");
        let workstations = field((self.workstations >= 1).then(String::new), "Numero postazioni di emissione");
        let operators = field((self.operators >= 1).then(String::new), "Numero operatori");
        let payment_type = field(required(&self.payment_type), "Tipo di pagamento");
        let connection_type = field(required(&self.connection_type), "Tipo di collegamento");
        let _ = (workstations, operators);
        if !bad.is_empty() {
            return Err(SitesError::Fields { fields: bad });
        }
        Ok(SiteData {
            name,
            address,
            street_number,
            cap,
            tax_code: (!tax_code.is_empty()).then_some(tax_code),
            iban: (!iban.is_empty()).then_some(iban),
            workstations: self.workstations,
            operators: self.operators,
            payment_type,
            connection_type,
        })
    }
}

impl Contact {
    /// The normalised contact, or every missing/invalid field.
    pub fn validate(&self) -> Result<Contact, SitesError> {
        let mut bad = Vec::new();
        let mut field = |ok: Option<String>, name: &'static str| {
            if ok.is_none() {
                bad.push(name);
            }
            ok.unwrap_or_default()
        };
        let first_name = field(required(&self.first_name), "Nome");
        let last_name = field(required(&self.last_name), "Cognome");
        let email = field(validate_email(&self.email).ok(), "Email");
        let fiscal_code = field(validate_fiscal_code(&self.fiscal_code).ok(), "Codice Fiscale");
        let phone1 = field(validate_phone(&self.phone1).ok(), "Numero telefonico 1");
        let phone2 = optional(self.phone2.as_ref(), validate_phone);
        let phone2 = field(phone2.as_ref().ok().map(|t| t.clone().unwrap_or_default()), "Numero telefonico 2");
        if !bad.is_empty() {
            return Err(SitesError::Fields { fields: bad });
        }
        let trimmed = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        Ok(Contact {
            title: trimmed(&self.title),
            first_name,
            last_name,
            email,
            fiscal_code,
            phone1,
            phone2: (!phone2.is_empty()).then_some(phone2),
            organisation: trimmed(&self.organisation),
        })
    }

    /// The contact as a new portal user (issuance managers are the initial Managers).
    pub fn to_new_user(&self) -> NewUser {
        NewUser {
            fiscal_code: self.fiscal_code.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            email_confirmation: self.email.clone(),
        }
    }
}

/// A municipality's sites and contacts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MunicipalitySites {
    /// Contacts by fiscal code.
    pub contacts: BTreeMap<String, Contact>,
    /// Sites by id.
    pub sites: BTreeMap<u32, Site>,
    next_id: u32,
}

/// The SediCIE registry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteRegistry {
    municipalities: BTreeMap<MunicipalityId, MunicipalitySites>,
}

impl SiteRegistry {
    /// An empty registry.
    pub fn new() -> SiteRegistry {
        SiteRegistry::default()
    }

    /// A municipality's sites and contacts.
    pub fn municipality(&self, municipality: &str) -> Option<&MunicipalitySites> {
        self.municipalities.get(municipality)
    }

    fn site_mut(&mut self, municipality: &str, site: u32) -> Result<&mut Site, SitesError> {
        self.municipalities.get_mut(municipality).and_then(|m| m.sites.get_mut(&site)).ok_or(SitesError::SiteNotFound)
    }

    fn site(&self, municipality: &str, site: u32) -> Result<&Site, SitesError> {
        self.municipalities.get(municipality).and_then(|m| m.sites.get(&site)).ok_or(SitesError::SiteNotFound)
    }

    /// Adds a site (step 1); returns its id.
    pub fn add_site(&mut self, municipality: &str, data: &SiteData) -> Result<u32, SitesError> {
        let data = data.validate()?;
        let m = self.municipalities.entry(municipality.to_owned()).or_default();
        m.next_id += 1;
        let id = m.next_id;
        let site = Site {
            id,
            data,
            contacts: BTreeSet::new(),
            security_officers: BTreeSet::new(),
            installation_contact: None,
            issuance_manager: None,
            transmitted: false,
        };
        m.sites.insert(id, site);
        Ok(id)
    }

    /// Changes a site's data.
    pub fn update_site(&mut self, municipality: &str, site: u32, data: &SiteData) -> Result<(), SitesError> {
        let data = data.validate()?;
        let s = self.site_mut(municipality, site)?;
        s.data = data;
        s.transmitted = false;
        Ok(())
    }

    /// Adds a contact to the municipality's list; the same person twice is refused with the
    /// portal's message.
    pub fn add_contact(&mut self, municipality: &str, contact: &Contact) -> Result<(), SitesError> {
        let contact = contact.validate()?;
        let m = self.municipalities.entry(municipality.to_owned()).or_default();
        if m.contacts.contains_key(&contact.fiscal_code) {
            return Err(SitesError::ContactDuplicate);
        }
        m.contacts.insert(contact.fiscal_code.clone(), contact);
        Ok(())
    }

    /// Edits a contact's data ("MODIFICA"): every field but the fiscal code, which identifies
    /// the person. The sites showing the contact must transmit their summary again.
    pub fn edit_contact(&mut self, municipality: &str, fiscal_code: &str, contact: &Contact) -> Result<(), SitesError> {
        let m = self.municipalities.get_mut(municipality).ok_or(SitesError::ContactNotFound)?;
        let key = validate_fiscal_code(fiscal_code).unwrap_or_else(|_| fiscal_code.trim().to_owned());
        if !m.contacts.contains_key(&key) {
            return Err(SitesError::ContactNotFound);
        }
        let contact = contact.validate()?;
        if contact.fiscal_code != key {
            return Err(SitesError::ContactFiscalCodeFixed);
        }
        for s in m.sites.values_mut().filter(|s| s.contacts.contains(&key)) {
            s.transmitted = false;
        }
        m.contacts.insert(key, contact);
        Ok(())
    }

    /// Associates a contact with a site.
    pub fn associate(&mut self, municipality: &str, site: u32, fiscal_code: &str) -> Result<(), SitesError> {
        let known = self.municipalities.get(municipality).is_some_and(|m| m.contacts.contains_key(fiscal_code));
        self.site(municipality, site)?;
        if !known {
            return Err(SitesError::ContactNotFound);
        }
        let s = self.site_mut(municipality, site)?;
        s.contacts.insert(fiscal_code.to_owned());
        s.transmitted = false;
        Ok(())
    }

    /// Dissociates a contact from a site (dropping the roles held there).
    pub fn dissociate(&mut self, municipality: &str, site: u32, fiscal_code: &str) -> Result<Dissociation, SitesError> {
        if !self.site(municipality, site)?.contacts.contains(fiscal_code) {
            return Err(SitesError::RoleNotAssociated);
        }
        let s = self.site_mut(municipality, site)?;
        s.contacts.remove(fiscal_code);
        s.security_officers.remove(fiscal_code);
        if s.installation_contact.as_deref() == Some(fiscal_code) {
            s.installation_contact = None;
        }
        if s.issuance_manager.as_deref() == Some(fiscal_code) {
            s.issuance_manager = None;
        }
        s.transmitted = false;
        let orphaned = self
            .municipalities
            .get(municipality)
            .is_some_and(|m| !m.sites.values().any(|s| s.contacts.contains(fiscal_code)));
        Ok(Dissociation { orphaned })
    }

    /// Deletes a contact's data; refused while a site uses it.
    pub fn delete_contact(&mut self, municipality: &str, fiscal_code: &str) -> Result<(), SitesError> {
        let m = self.municipalities.get_mut(municipality).ok_or(SitesError::ContactNotFound)?;
        if !m.contacts.contains_key(fiscal_code) {
            return Err(SitesError::ContactNotFound);
        }
        if m.sites.values().any(|s| s.contacts.contains(fiscal_code)) {
            return Err(SitesError::ContactInUse);
        }
        m.contacts.remove(fiscal_code);
        Ok(())
    }

    fn require_associated(&self, municipality: &str, site: u32, fiscal_code: &str) -> Result<(), SitesError> {
        if self.site(municipality, site)?.contacts.contains(fiscal_code) {
            Ok(())
        } else {
            Err(SitesError::RoleNotAssociated)
        }
    }

    /// Makes an associated contact Security Officer of the site; refused when the person is
    /// Security Officer in another municipality.
    pub fn add_security_officer(&mut self, municipality: &str, site: u32, fiscal_code: &str) -> Result<(), SitesError> {
        self.require_associated(municipality, site, fiscal_code)?;
        let elsewhere = self
            .municipalities
            .iter()
            .filter(|(id, _)| id.as_str() != municipality)
            .any(|(_, m)| m.sites.values().any(|s| s.security_officers.contains(fiscal_code)));
        if elsewhere {
            return Err(SitesError::SecurityOfficerElsewhere);
        }
        let s = self.site_mut(municipality, site)?;
        s.security_officers.insert(fiscal_code.to_owned());
        s.transmitted = false;
        Ok(())
    }

    /// Sets the installation contact (exactly one per site; may serve several municipalities).
    pub fn set_installation_contact(
        &mut self,
        municipality: &str,
        site: u32,
        fiscal_code: &str,
    ) -> Result<(), SitesError> {
        self.require_associated(municipality, site, fiscal_code)?;
        let s = self.site_mut(municipality, site)?;
        s.installation_contact = Some(fiscal_code.to_owned());
        s.transmitted = false;
        Ok(())
    }

    /// Sets the issuance manager (exactly one per site).
    pub fn set_issuance_manager(&mut self, municipality: &str, site: u32, fiscal_code: &str) -> Result<(), SitesError> {
        self.require_associated(municipality, site, fiscal_code)?;
        let s = self.site_mut(municipality, site)?;
        s.issuance_manager = Some(fiscal_code.to_owned());
        s.transmitted = false;
        Ok(())
    }

    fn missing_before_summary(site: &Site) -> Vec<SiteStep> {
        site.missing_steps().into_iter().filter(|s| *s != SiteStep::Summary).collect()
    }

    /// The site's status with the list of what is missing.
    pub fn status(&self, municipality: &str, site: u32) -> Result<SiteStatus, SitesError> {
        Ok(self.site(municipality, site)?.status())
    }
}

impl Site {
    /// What is missing, in step order (the summary when not transmitted).
    pub fn missing_steps(&self) -> Vec<SiteStep> {
        let site = self;
        let mut missing = Vec::new();
        if site.data.validate().is_err() {
            missing.push(SiteStep::Data);
        }
        if site.contacts.is_empty() {
            missing.push(SiteStep::Contacts);
        }
        if site.security_officers.is_empty() {
            missing.push(SiteStep::SecurityOfficer);
        }
        if site.installation_contact.is_none() {
            missing.push(SiteStep::InstallationContact);
        }
        if site.issuance_manager.is_none() {
            missing.push(SiteStep::IssuanceManager);
        }
        if !site.transmitted {
            missing.push(SiteStep::Summary);
        }
        missing
    }

    /// `Complete`, or `Incomplete` with the missing steps.
    pub fn status(&self) -> SiteStatus {
        let missing = self.missing_steps();
        if missing.is_empty() {
            SiteStatus::Complete
        } else {
            SiteStatus::Incomplete { missing }
        }
    }
}

impl SiteRegistry {
    /// Transmits the summary (step 6): only when the first five steps are valid.
    pub fn transmit(&mut self, municipality: &str, site: u32) -> Result<(), SitesError> {
        let missing = Self::missing_before_summary(self.site(municipality, site)?);
        if !missing.is_empty() {
            return Err(SitesError::Incomplete { missing });
        }
        self.site_mut(municipality, site)?.transmitted = true;
        Ok(())
    }

    /// What removing a site would take with it, changing nothing: the host shows
    /// [`SiteRemoval::warning`] and asks for confirmation before [`SiteRegistry::remove_site`].
    pub fn removal_preview(&self, municipality: &str, site: u32) -> Result<SiteRemoval, SitesError> {
        let s = self.site(municipality, site)?;
        Ok(SiteRemoval {
            site,
            name: s.data.name.clone(),
            leaves_agenda_cie: true,
            security_officers_removed: s.security_officers.iter().cloned().collect(),
            installation_contact_removed: s.installation_contact.clone(),
            issuance_manager_removed: s.issuance_manager.clone(),
        })
    }

    /// Removes a site, irreversibly (after the user confirmed [`SiteRegistry::removal_preview`]),
    /// and returns the cascade that ran.
    pub fn remove_site(&mut self, municipality: &str, site: u32) -> Result<SiteRemoval, SitesError> {
        let removal = self.removal_preview(municipality, site)?;
        if let Some(m) = self.municipalities.get_mut(municipality) {
            m.sites.remove(&site);
        }
        Ok(removal)
    }

    /// The municipality's initial portal Managers: the issuance managers of its sites.
    pub fn initial_managers(&self, municipality: &str) -> Vec<&Contact> {
        let Some(m) = self.municipalities.get(municipality) else { return Vec::new() };
        let managers: BTreeSet<&String> = m.sites.values().filter_map(|s| s.issuance_manager.as_ref()).collect();
        managers.into_iter().filter_map(|fc| m.contacts.get(fc)).collect()
    }
}

#[cfg(test)]
mod tests;
