//! Where cards and payments before 2020 are reported: one of three mailboxes chosen by the
//! municipality's initial (SPEC §2.5).

use super::CalendarError;

/// Base letters of U+00C0..=U+017F (Latin-1 Supplement letters and Latin Extended-A), in code
/// point order; `_` where the character is not a letter with a Latin base (×, ÷). Italian
/// municipality names — including the bilingual ones (German, French, Slovene, Ladin) — use
/// only these. A table instead of Unicode decomposition keeps the WASM build within budget
/// (the full normalisation tables cost 64 KB gzipped).
const LATIN_BASE: &str = concat!(
    "AAAAAAACEEEEIIII", // C0–CF
    "DNOOOOO_OUUUUYTs", // D0–DF
    "aaaaaaaceeeeiiii", // E0–EF
    "dnooooo_ouuuuyty", // F0–FF
    "AaAaAaCcCcCcCcDd", // 100–10F
    "DdEeEeEeEeEeGgGg", // 110–11F
    "GgGgHhHhIiIiIiIi", // 120–12F
    "IiJjJjKkkLlLlLlL", // 130–13F
    "lLlNnNnNnnNnOoOo", // 140–14F
    "OoOoRrRrRrSsSsSs", // 150–15F
    "SsTtTtTtUuUuUuUu", // 160–16F
    "UuUuWwYyYZzZzZzs", // 170–17F
);

/// The ASCII base letter of a character, if it has one.
fn base_letter(c: char) -> Option<char> {
    if c.is_ascii_alphabetic() {
        return Some(c);
    }
    let index = (c as u32).checked_sub(0xC0)?;
    LATIN_BASE.as_bytes().get(index as usize).map(|&b| char::from(b)).filter(char::is_ascii_alphabetic)
}

/// The mailbox for pre-2020 reports of a municipality: A–L, M–O, P–Z by the first letter of
/// its name, accents stripped, leading apostrophes and spaces ignored.
pub fn pre2020_mailbox(municipality: &str) -> Result<&'static str, CalendarError> {
    let first = municipality
        .chars()
        .find(|c| !(c.is_whitespace() || matches!(c, '\'' | '’' | '`' | '‘')))
        .and_then(base_letter)
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
        assert_eq!(pre2020_mailbox("Šempeter"), Ok("pagamenti.cie.pz@interno.it"));
        assert_eq!(pre2020_mailbox("Zungri"), Ok("pagamenti.cie.pz@interno.it"));
        assert_eq!(pre2020_mailbox(" ' "), Err(CalendarError::MunicipalityName));
        assert_eq!(pre2020_mailbox("123"), Err(CalendarError::MunicipalityName));
        assert_eq!(pre2020_mailbox("×"), Err(CalendarError::MunicipalityName));
    }

    #[test]
    fn table_agrees_with_the_letters_names() {
        assert_eq!(LATIN_BASE.len(), 0x180 - 0xC0);
        for (c, base) in
            [('À', 'A'), ('ç', 'c'), ('Ñ', 'N'), ('ß', 's'), ('ÿ', 'y'), ('Č', 'C'), ('ž', 'z'), ('Ł', 'L'), ('ő', 'o')]
        {
            assert_eq!(base_letter(c), Some(base), "{c}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,30}") {
            let _ = pre2020_mailbox(&s);
        }
    }
}
