//! Where cards and payments before 2020 are reported: one of three mailboxes chosen by the
//! municipality's initial (SPEC §2.5).

use unicode_normalization::UnicodeNormalization;

use super::CalendarError;

/// The mailbox for pre-2020 reports of a municipality: A–L, M–O, P–Z by the first letter of
/// its name, accents stripped, leading apostrophes and spaces ignored.
pub fn pre2020_mailbox(municipality: &str) -> Result<&'static str, CalendarError> {
    let first = municipality
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .find(|c| !(c.is_whitespace() || matches!(c, '\'' | '’' | '`' | '‘')))
        .ok_or(CalendarError::MunicipalityName)?;
    match first.to_ascii_uppercase() {
        'A'..='L' => Ok("pagamenti.cie.al@interno.it"),
        'M'..='O' => Ok("pagamenti.cie.mo@interno.it"),
        'P'..='Z' => Ok("pagamenti.cie.pz@interno.it"),
        _ => Err(CalendarError::MunicipalityName),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn mailboxes() {
        assert_eq!(pre2020_mailbox("Agrigento"), Ok("pagamenti.cie.al@interno.it"));
        assert_eq!(pre2020_mailbox("L'Aquila"), Ok("pagamenti.cie.al@interno.it"));
        assert_eq!(pre2020_mailbox("milano"), Ok("pagamenti.cie.mo@interno.it"));
        assert_eq!(pre2020_mailbox("  'Ovindoli"), Ok("pagamenti.cie.mo@interno.it"));
        assert_eq!(pre2020_mailbox("Éupilio"), Ok("pagamenti.cie.al@interno.it"));
        assert_eq!(pre2020_mailbox("Òlbia"), Ok("pagamenti.cie.mo@interno.it"));
        assert_eq!(pre2020_mailbox("Zungri"), Ok("pagamenti.cie.pz@interno.it"));
        assert_eq!(pre2020_mailbox(" ' "), Err(CalendarError::MunicipalityName));
        assert_eq!(pre2020_mailbox("123"), Err(CalendarError::MunicipalityName));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,30}") {
            let _ = pre2020_mailbox(&s);
        }
    }
}
