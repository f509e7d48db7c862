//! Name consistency of a personal fiscal code (SPEC §7): its first six letters derive from the
//! surname and the first name. A mismatch is a warning (a typing error in *Aggiungi utente*),
//! never a refusal: omocodia, corrections by the Agenzia delle Entrate and foreign names make
//! an exact rule unsafe to enforce.

use serde::Serialize;

use super::{validate_fiscal_code, IdentifierError};
use crate::error::{CieError, ErrorCode, FieldValue, Lang};

/// The three letters a surname or a first name gives, or `None` when it has no letter.
fn triplet(text: &str, first_name: bool) -> Option<String> {
    let letters: Vec<u8> = text.chars().filter_map(fold_letter).collect();
    if letters.is_empty() {
        return None;
    }
    let (consonants, vowels): (Vec<u8>, Vec<u8>) = letters.iter().partition(|c| !b"AEIOU".contains(c));
    let picked: Vec<u8> = if first_name && consonants.len() >= 4 {
        vec![consonants[0], consonants[2], consonants[3]]
    } else {
        consonants.into_iter().chain(vowels).chain(*b"XXX").take(3).collect()
    };
    Some(picked.into_iter().map(char::from).collect())
}

/// Latin letters with diacritics and the plain letter the fiscal code writes for them.
const FOLDS: [(&str, u8); 16] = [
    ("àáâãäåāăąÀÁÂÃÄÅĀĂĄ", b'A'),
    ("çćĉċčÇĆĈĊČ", b'C'),
    ("ďđĎĐ", b'D'),
    ("èéêëēĕėęěÈÉÊËĒĔĖĘĚ", b'E'),
    ("ĝğġģĜĞĠĢ", b'G'),
    ("ìíîïĩīĭįıÌÍÎÏĨĪĬĮİ", b'I'),
    ("ķĶ", b'K'),
    ("ĺļľŀłĹĻĽĿŁ", b'L'),
    ("ñńņňÑŃŅŇ", b'N'),
    ("òóôõöøōŏőÒÓÔÕÖØŌŎŐ", b'O'),
    ("ŕŗřŔŖŘ", b'R'),
    ("śŝşšßŚŜŞŠ", b'S'),
    ("ţťŧŢŤŦ", b'T'),
    ("ùúûüũūŭůűųÙÚÛÜŨŪŬŮŰŲ", b'U'),
    ("ýÿÝŸ", b'Y'),
    ("źżžŹŻŽ", b'Z'),
];

/// A letter as the fiscal code writes it (upper case, without diacritics); `None` for spaces,
/// apostrophes, hyphens and anything that is not a Latin letter.
fn fold_letter(c: char) -> Option<u8> {
    if c.is_ascii_alphabetic() {
        return Some(c.to_ascii_uppercase() as u8);
    }
    FOLDS.iter().find(|(set, _)| set.contains(c)).map(|&(_, letter)| letter)
}

/// The outcome of [`fiscal_code_matches_name`]: what the surname and the name give against
/// what the code carries. A part with no letters yet is not judged (`None`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NameConsistency {
    /// The normalised fiscal code.
    pub code: String,
    /// The code's letters 1–3 and 4–6.
    pub found_surname: String,
    /// See `found_surname`.
    pub found_name: String,
    /// The three letters the surname gives, when it has letters.
    pub expected_surname: Option<String>,
    /// The three letters the first name gives, when it has letters.
    pub expected_name: Option<String>,
    /// True when surname and name both have letters and both agree with the code.
    pub matches: bool,
}

impl NameConsistency {
    /// The warning to show, when a typed part disagrees with the code.
    pub fn warning(&self) -> Option<NameMismatch> {
        let differs = |expected: &Option<String>, found: &str| expected.as_deref().is_some_and(|e| e != found);
        let surname = differs(&self.expected_surname, &self.found_surname);
        let name = differs(&self.expected_name, &self.found_name);
        (surname || name).then(|| NameMismatch { consistency: self.clone(), surname, name })
    }
}

/// The warning `FISCAL_CODE_NAME_MISMATCH`: which part disagrees and the letters on each side.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the fiscal code does not match the surname or the name")]
pub struct NameMismatch {
    /// The comparison the warning is about.
    pub consistency: NameConsistency,
    /// The surname disagrees.
    pub surname: bool,
    /// The first name disagrees.
    pub name: bool,
}

impl CieError for NameMismatch {
    fn code(&self) -> ErrorCode {
        ErrorCode::FiscalCodeNameMismatch
    }

    fn detail(&self, lang: Lang) -> Option<String> {
        let c = &self.consistency;
        let mut parts = Vec::new();
        if self.surname {
            let expected = c.expected_surname.as_deref().unwrap_or_default();
            parts.push(match lang {
                Lang::It => format!("il cognome dà {expected}, il codice ha {}", c.found_surname),
                Lang::En => format!("the surname gives {expected}, the code has {}", c.found_surname),
            });
        }
        if self.name {
            let expected = c.expected_name.as_deref().unwrap_or_default();
            parts.push(match lang {
                Lang::It => format!("il nome dà {expected}, il codice ha {}", c.found_name),
                Lang::En => format!("the name gives {expected}, the code has {}", c.found_name),
            });
        }
        Some(parts.join("; "))
    }

    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        let c = &self.consistency;
        let mut fields = vec![
            ("found_surname", FieldValue::Text(c.found_surname.clone())),
            ("found_name", FieldValue::Text(c.found_name.clone())),
        ];
        if let Some(e) = &c.expected_surname {
            fields.push(("expected_surname", FieldValue::Text(e.clone())));
        }
        if let Some(e) = &c.expected_name {
            fields.push(("expected_name", FieldValue::Text(e.clone())));
        }
        fields
    }
}

/// Compares a personal fiscal code with a surname and a first name (SPEC §7). The code must be
/// valid (its error otherwise); the comparison itself never refuses: see
/// [`NameConsistency::warning`].
pub fn fiscal_code_matches_name(code: &str, surname: &str, name: &str) -> Result<NameConsistency, IdentifierError> {
    let code = validate_fiscal_code(code)?;
    let expected_surname = triplet(surname, false);
    let expected_name = triplet(name, true);
    let found_surname = code[..3].to_owned();
    let found_name = code[3..6].to_owned();
    let matches = expected_surname.as_deref() == Some(found_surname.as_str())
        && expected_name.as_deref() == Some(found_name.as_str());
    Ok(NameConsistency { code, found_surname, found_name, expected_surname, expected_name, matches })
}

/// The warning of a [`NameCheckDocument`]: its code, both messages and its fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NameWarningDocument {
    /// `FISCAL_CODE_NAME_MISMATCH`.
    pub code: &'static str,
    /// Italian message.
    pub message_it: String,
    /// English message.
    pub message_en: String,
    /// The expected and found letters.
    pub fields: std::collections::BTreeMap<&'static str, FieldValue>,
}

/// [`fiscal_code_matches_name`] with its warning, as the bindings hand it to their hosts: the
/// fields of [`NameConsistency`] and `warning` (`None` or the warning's code, messages and
/// fields).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NameCheckDocument {
    /// The comparison.
    #[serde(flatten)]
    pub check: NameConsistency,
    /// The warning, when the letters differ.
    pub warning: Option<NameWarningDocument>,
}

/// The name check with its warning as one document (see [`NameCheckDocument`]).
pub fn fiscal_code_matches_name_document(
    code: &str,
    surname: &str,
    name: &str,
) -> Result<NameCheckDocument, IdentifierError> {
    let check = fiscal_code_matches_name(code, surname, name)?;
    let warning = check.warning().map(|w| NameWarningDocument {
        code: w.code().as_str(),
        message_it: w.message(Lang::It),
        message_en: w.message(Lang::En),
        fields: w.fields().into_iter().collect(),
    });
    Ok(NameCheckDocument { check, warning })
}

/// [`fiscal_code_matches_name_document`] as JSON text, for the text-based bindings (C):
/// `warning` is `null` or `{code, message_it, message_en, fields}`.
pub fn fiscal_code_matches_name_json(code: &str, surname: &str, name: &str) -> Result<String, IdentifierError> {
    let document = fiscal_code_matches_name_document(code, surname, name)?;
    // infallible: plain strings, booleans and a map of strings.
    Ok(serde_json::to_string(&document).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn letters(surname: &str, name: &str) -> String {
        format!("{}{}", triplet(surname, false).unwrap(), triplet(name, true).unwrap())
    }

    #[test]
    fn the_agenzia_rules() {
        assert_eq!(letters("Rossi", "Mario"), "RSSMRA");
        assert_eq!(letters("Bianchi", "Luigi"), "BNCLGU");
        // Four or more consonants in the name: the 1st, 3rd and 4th.
        assert_eq!(letters("Verdi", "Gianfranco"), "VRDGFR");
        assert_eq!(letters("Verdi", "Francesca"), "VRDFNC");
        // Few consonants: then vowels, then X.
        assert_eq!(letters("Fo", "Ida"), "FOXDIA");
        assert_eq!(letters("Re", "Al"), "REXLAX");
        // Apostrophes, spaces, accents and Latin Extended-A letters.
        assert_eq!(letters("D'Annunzio", "Gabriele"), "DNNGRL");
        assert_eq!(letters("De Niccolò", "Nicolò"), "DNCNCL");
        assert_eq!(letters("Nabrežina", "Čedomir"), "NBRCMR");
        assert_eq!(triplet(" '-", false), None);
    }

    #[test]
    fn a_typo_is_a_warning_with_both_sides() {
        let ok = fiscal_code_matches_name("rssmra80a01h501u", "Rossi", "Mario").unwrap();
        assert!(ok.matches);
        assert_eq!(ok.warning(), None);
        let bad = fiscal_code_matches_name("RSSMRA80A01H501U", "Bianchi", "Luigi").unwrap();
        assert!(!bad.matches);
        let w = bad.warning().unwrap();
        assert_eq!(w.code(), ErrorCode::FiscalCodeNameMismatch);
        assert!((w.surname, w.name) == (true, true));
        assert!(w.message(Lang::It).contains("il cognome dà BNC, il codice ha RSS"), "{}", w.message(Lang::It));
        assert!(w.message(Lang::En).contains("the name gives LGU, the code has MRA"));
        // Only the name wrong; nothing typed yet is not judged.
        let half = fiscal_code_matches_name("RSSMRA80A01H501U", "Rossi", "Marco").unwrap();
        assert_eq!(half.warning().map(|w| (w.surname, w.name)), Some((false, true)));
        let empty = fiscal_code_matches_name("RSSMRA80A01H501U", "", "  ").unwrap();
        assert!(!empty.matches);
        assert_eq!(empty.warning(), None);
        // An omocode keeps its letters.
        let check = match super::super::validate_fiscal_code("RSSMRA80A01H50MA") {
            Err(IdentifierError::FiscalCodeChecksum { expected }) => expected,
            other => panic!("{other:?}"),
        };
        let omocode = format!("RSSMRA80A01H50M{check}");
        assert!(fiscal_code_matches_name(&omocode, "Rossi", "Mario").is_ok_and(|c| c.matches));
        // An invalid code is its own error.
        assert!(fiscal_code_matches_name("RSSMRA80A01H501X", "Rossi", "Mario").is_err());
    }

    #[test]
    fn the_json_form_carries_the_warning() {
        let json = fiscal_code_matches_name_json("RSSMRA80A01H501U", "Rossi", "Marco").unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["matches"], false);
        assert_eq!(v["expected_name"], "MRC");
        assert_eq!(v["warning"]["code"], "FISCAL_CODE_NAME_MISMATCH");
        assert_eq!(v["warning"]["fields"]["found_name"], "MRA");
        let ok: serde_json::Value =
            serde_json::from_str(&fiscal_code_matches_name_json("RSSMRA80A01H501U", "Rossi", "Mario").unwrap())
                .unwrap();
        assert_eq!(ok["warning"], serde_json::Value::Null);
    }

    proptest! {
        /// Whatever the text, three letters from A–Z, and case or accents never change them.
        #[test]
        fn three_plain_letters(s in "[a-zA-ZàèéìòùÀÈÉÌÒÙçčšžČŠŽ' -]{0,30}", any in "\\PC{0,30}") {
            if let Some(t) = triplet(&s, true) {
                prop_assert_eq!(t.len(), 3);
                prop_assert!(t.bytes().all(|b| b.is_ascii_uppercase()));
                prop_assert_eq!(Some(t), triplet(&s.to_lowercase(), true));
            }
            if let Some(t) = triplet(&any, false) {
                prop_assert!(t.len() == 3 && t.bytes().all(|b| b.is_ascii_uppercase()));
            }
        }
    }
}
