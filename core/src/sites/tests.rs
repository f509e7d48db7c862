use super::*;
use crate::identifiers::check_letter;

fn fc(first15: &str) -> String {
    format!("{first15}{}", char::from(check_letter(first15.as_bytes())))
}

fn data() -> SiteData {
    SiteData {
        name: "Ufficio anagrafe centrale".into(),
        address: "Piazza del Municipio".into(),
        street_number: "1".into(),
        cap: "00184".into(),
        tax_code: Some("00743110157".into()),
        iban: Some("IT81 J010 0003 2453 4801 0374 600".into()),
        workstations: 2,
        operators: 3,
        payment_type: "PagoPA".into(),
        connection_type: "http".into(),
    }
}

fn contact(code: &str, name: &str) -> Contact {
    Contact {
        title: Some("Dott.".into()),
        first_name: name.into(),
        last_name: "Bianchi".into(),
        email: format!("{}@comune.it", name.to_lowercase()),
        fiscal_code: code.into(),
        phone1: "+39 06 1234567".into(),
        phone2: None,
        organisation: None,
    }
}

#[test]
fn a_site_from_data_to_complete() {
    let (a, b) = (fc("BNCGNN70A01H501"), fc("BNCLRA75B41H501"));
    let mut r = SiteRegistry::new();
    let id = r.add_site("058091", &data()).unwrap();
    assert_eq!(r.municipality("058091").unwrap().sites[&id].data.iban.as_deref(), Some("IT81J0100003245348010374600"));
    assert_eq!(
        r.status("058091", id).unwrap(),
        SiteStatus::Incomplete {
            missing: vec![
                SiteStep::Contacts,
                SiteStep::SecurityOfficer,
                SiteStep::InstallationContact,
                SiteStep::IssuanceManager,
                SiteStep::Summary
            ]
        }
    );
    r.add_contact("058091", &contact(&a, "Giovanni")).unwrap();
    let dup = r.add_contact("058091", &contact(&a.to_lowercase(), "Gianni")).unwrap_err();
    assert_eq!(dup, SitesError::ContactDuplicate);
    assert_eq!(dup.message_it(), "La persona che si sta inserendo è già presente nell'elenco dei referenti");
    r.add_contact("058091", &contact(&b, "Laura")).unwrap();
    assert_eq!(r.add_security_officer("058091", id, &a), Err(SitesError::RoleNotAssociated));
    r.associate("058091", id, &a).unwrap();
    r.associate("058091", id, &b).unwrap();
    r.add_security_officer("058091", id, &a).unwrap();
    r.set_installation_contact("058091", id, &b).unwrap();
    assert_eq!(r.transmit("058091", id), Err(SitesError::Incomplete { missing: vec![SiteStep::IssuanceManager] }));
    r.set_issuance_manager("058091", id, &b).unwrap();
    r.transmit("058091", id).unwrap();
    assert_eq!(r.status("058091", id).unwrap(), SiteStatus::Complete);
    // Any change needs a new transmission.
    r.update_site("058091", id, &SiteData { operators: 4, ..data() }).unwrap();
    assert_eq!(r.status("058091", id).unwrap(), SiteStatus::Incomplete { missing: vec![SiteStep::Summary] });
    // The issuance managers are the initial portal Managers.
    let managers = r.initial_managers("058091");
    assert_eq!(managers.len(), 1);
    assert_eq!(managers[0].to_new_user().fiscal_code, b);
}

#[test]
fn security_officer_in_one_municipality_only() {
    let a = fc("BNCGNN70A01H501");
    let mut r = SiteRegistry::new();
    let s1 = r.add_site("A", &data()).unwrap();
    let s2 = r.add_site("A", &data()).unwrap();
    let s3 = r.add_site("B", &data()).unwrap();
    r.add_contact("A", &contact(&a, "Giovanni")).unwrap();
    r.add_contact("B", &contact(&a, "Giovanni")).unwrap();
    for (m, s) in [("A", s1), ("A", s2), ("B", s3)] {
        r.associate(m, s, &a).unwrap();
    }
    r.add_security_officer("A", s1, &a).unwrap();
    r.add_security_officer("A", s2, &a).unwrap();
    assert_eq!(r.add_security_officer("B", s3, &a), Err(SitesError::SecurityOfficerElsewhere));
    // The installation contact may serve several municipalities.
    r.set_installation_contact("A", s1, &a).unwrap();
    r.set_installation_contact("B", s3, &a).unwrap();
}

#[test]
fn dissociation_and_removal_cascade() {
    let (a, b) = (fc("BNCGNN70A01H501"), fc("BNCLRA75B41H501"));
    let mut r = SiteRegistry::new();
    let s1 = r.add_site("A", &data()).unwrap();
    let s2 = r.add_site("A", &data()).unwrap();
    r.add_contact("A", &contact(&a, "Giovanni")).unwrap();
    r.add_contact("A", &contact(&b, "Laura")).unwrap();
    r.associate("A", s1, &a).unwrap();
    r.associate("A", s2, &a).unwrap();
    r.associate("A", s1, &b).unwrap();
    r.add_security_officer("A", s1, &a).unwrap();
    r.set_installation_contact("A", s1, &b).unwrap();
    r.set_issuance_manager("A", s1, &b).unwrap();
    assert_eq!(r.dissociate("A", s2, &a), Ok(Dissociation { orphaned: false }));
    assert_eq!(r.delete_contact("A", &a), Err(SitesError::ContactInUse));
    let removal = r.remove_site("A", s1).unwrap();
    assert!(removal.leaves_agenda_cie);
    assert_eq!(removal.security_officers_removed, vec![a.clone()]);
    assert_eq!(removal.installation_contact_removed, Some(b.clone()));
    assert_eq!(removal.issuance_manager_removed, Some(b.clone()));
    assert_eq!(r.status("A", s1), Err(SitesError::SiteNotFound));
    // Now neither person is on a site: deleting their data is allowed.
    r.delete_contact("A", &a).unwrap();
    assert_eq!(r.delete_contact("A", &a), Err(SitesError::ContactNotFound));
    let s3 = r.add_site("A", &data()).unwrap();
    r.associate("A", s3, &b).unwrap();
    assert_eq!(r.dissociate("A", s3, &b), Ok(Dissociation { orphaned: true }));
}

#[test]
fn every_missing_field_is_listed() {
    let bad = SiteData { name: " ".into(), cap: "123".into(), iban: Some("IT00".into()), workstations: 0, ..data() };
    assert_eq!(
        bad.validate(),
        Err(SitesError::Fields { fields: vec!["Nome Sede", "CAP", "Codice IBAN", "Numero postazioni di emissione"] })
    );
    let c = Contact { email: "nope".into(), fiscal_code: "X".into(), phone1: String::new(), ..contact("", "Mario") };
    assert_eq!(
        c.validate(),
        Err(SitesError::Fields { fields: vec!["Email", "Codice Fiscale", "Numero telefonico 1"] })
    );
    // A numeric fiscal code of an entity, or a personal one, are both accepted as tax code.
    assert!(SiteData { tax_code: Some(fc("BNCGNN70A01H501")), ..data() }.validate().is_ok());
    assert!(SiteData { tax_code: Some("00743110158".into()), ..data() }.validate().is_err());
    assert!(SiteData { tax_code: None, iban: None, ..data() }.validate().is_ok());
}

#[test]
fn field_labels_are_the_manuals() {
    let bad = SiteData {
        name: " ".into(),
        cap: "123".into(),
        iban: Some("IT00".into()),
        workstations: 0,
        connection_type: String::new(),
        ..data()
    };
    assert_eq!(
        bad.validate(),
        Err(SitesError::Fields {
            fields: vec!["Nome Sede", "CAP", "Codice IBAN", "Numero postazioni di emissione", "Tipo di collegamento"]
        })
    );
    let c = Contact { email: "nope".into(), phone1: String::new(), ..contact(&fc("BNCGNN70A01H501"), "Mario") };
    assert_eq!(c.validate(), Err(SitesError::Fields { fields: vec!["Email", "Numero telefonico 1"] }));
    assert_eq!(SiteStatus::Complete.label_it(), "COMPLETA");
    let incomplete = SiteStatus::Incomplete { missing: vec![SiteStep::SecurityOfficer] };
    assert_eq!(incomplete.label_it(), "INCOMPLETA");
    assert_eq!(SiteStep::IssuanceManager.label_it(), "Responsabile del servizio di emissione CIE");
    let e = SitesError::Incomplete { missing: vec![SiteStep::SecurityOfficer, SiteStep::Summary] };
    assert!(e.message(Lang::It).contains("Security Officer, Riepilogo"), "{}", e.message(Lang::It));
    assert!(e.message(Lang::En).contains("Security Officer, Summary"), "{}", e.message(Lang::En));
}

#[test]
fn a_contact_is_edited_in_every_field_but_the_fiscal_code() {
    let a = fc("BNCGNN70A01H501");
    let mut r = SiteRegistry::new();
    let s1 = r.add_site("A", &data()).unwrap();
    r.add_contact("A", &contact(&a, "Giovanni")).unwrap();
    r.associate("A", s1, &a).unwrap();
    r.add_security_officer("A", s1, &a).unwrap();
    r.set_installation_contact("A", s1, &a).unwrap();
    r.set_issuance_manager("A", s1, &a).unwrap();
    r.transmit("A", s1).unwrap();
    let edited = Contact {
        email: "g.bianchi@comune.example.it".into(),
        phone1: "+39 040 123456".into(),
        title: Some("Dott.".into()),
        ..contact(&a, "Giovanni Maria")
    };
    r.edit_contact("A", &a, &edited).unwrap();
    let stored = &r.municipality("A").unwrap().contacts[&a];
    assert_eq!(stored.first_name, "Giovanni Maria");
    assert_eq!(stored.email, "g.bianchi@comune.example.it");
    assert_eq!(stored.title.as_deref(), Some("Dott."));
    // The site's summary shows the contact: it must be transmitted again.
    assert_eq!(r.status("A", s1).unwrap(), SiteStatus::Incomplete { missing: vec![SiteStep::Summary] });
    // The fiscal code is the identity: it cannot be changed by an edit.
    let other = Contact { ..contact(&fc("BNCLRA75B41H501"), "Laura") };
    assert_eq!(r.edit_contact("A", &a, &other), Err(SitesError::ContactFiscalCodeFixed));
    assert_eq!(r.edit_contact("A", &fc("BNCLRA75B41H501"), &other), Err(SitesError::ContactNotFound));
    let invalid = Contact { email: "nope".into(), ..contact(&a, "Giovanni") };
    assert_eq!(r.edit_contact("A", &a, &invalid), Err(SitesError::Fields { fields: vec!["Email"] }));
}

#[test]
fn removal_is_previewed_before_it_runs() {
    let a = fc("BNCGNN70A01H501");
    let mut r = SiteRegistry::new();
    let s1 = r.add_site("A", &data()).unwrap();
    r.add_contact("A", &contact(&a, "Giovanni")).unwrap();
    r.associate("A", s1, &a).unwrap();
    r.add_security_officer("A", s1, &a).unwrap();
    let before = r.clone();
    let preview = r.removal_preview("A", s1).unwrap();
    assert_eq!(r, before, "a preview changes nothing");
    assert_eq!(preview.security_officers_removed, vec![a.clone()]);
    let lines = preview.warning(Lang::It);
    assert!(lines[0].contains("AgendaCIE"));
    assert!(lines.iter().any(|l| l.contains("Security Officer")));
    assert!(lines.last().unwrap().contains("irreversibile"));
    assert_eq!(r.remove_site("A", s1).unwrap(), preview, "the removal does what the preview said");
    assert_eq!(r.removal_preview("A", s1), Err(SitesError::SiteNotFound));
}
