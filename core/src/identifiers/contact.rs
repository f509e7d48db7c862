//! CAP, e-mail and phone (SPEC §7).

use super::IdentifierError;

/// Exactly five digits (surrounding whitespace trimmed).
pub fn validate_cap(text: &str) -> Result<String, IdentifierError> {
    let cap = text.trim();
    if cap.len() == 5 && cap.bytes().all(|b| b.is_ascii_digit()) {
        Ok(cap.to_owned())
    } else {
        Err(IdentifierError::Cap)
    }
}

/// A pragmatic RFC 5321 check: one `@`, a non-empty local part, a domain with a dot and no
/// empty label, no whitespace or control characters, at most 254 characters. The domain is
/// returned in lower case.
pub fn validate_email(text: &str) -> Result<String, IdentifierError> {
    let email = text.trim();
    if email.is_empty() || email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(IdentifierError::Email);
    }
    let (local, domain) = email.split_once('@').ok_or(IdentifierError::Email)?;
    let domain_ok = !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
    if local.is_empty() || local.len() > 64 || !domain_ok {
        return Err(IdentifierError::Email);
    }
    Ok(format!("{local}@{}", domain.to_lowercase()))
}

/// Optional `+39`, then 6–13 digits; spaces allowed. Returned without spaces.
pub fn validate_phone(text: &str) -> Result<String, IdentifierError> {
    let compact: String = text.chars().filter(|&c| c != ' ').collect();
    let (prefix, digits) = match compact.strip_prefix("+39") {
        Some(rest) => ("+39", rest),
        None => ("", compact.as_str()),
    };
    if (6..=13).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(format!("{prefix}{digits}"))
    } else {
        Err(IdentifierError::Phone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn caps_emails_phones() {
        assert_eq!(validate_cap("00184"), Ok("00184".to_owned()));
        assert!(validate_cap("0018").is_err());
        assert!(validate_cap("0018a").is_err());
        assert!(validate_cap("001845").is_err());
        assert_eq!(validate_email("Mario.Rossi@Comune.Roma.IT"), Ok("Mario.Rossi@comune.roma.it".to_owned()));
        for bad in ["", "a@b", "@b.it", "a@@b.it", "a b@c.it", "a@b..it", "a@.b.it", "a@b.it.", "a@-b.it"] {
            assert_eq!(validate_email(bad), Err(IdentifierError::Email), "{bad:?}");
        }
        assert!(validate_email(&format!("{}@b.it", "a".repeat(65))).is_err());
        assert_eq!(validate_phone("+39 06 1234 5678"), Ok("+390612345678".to_owned()));
        assert_eq!(validate_phone("333 1234567"), Ok("3331234567".to_owned()));
        assert!(validate_phone("12345").is_err());
        assert!(validate_phone("+44 20 1234 5678").is_err());
        assert!(validate_phone("12345678901234").is_err());
        assert!(validate_phone("06-1234567").is_err());
    }

    proptest! {
        #[test]
        fn never_panic(s in "\\PC{0,300}") {
            let _ = validate_cap(&s);
            let _ = validate_email(&s);
            let _ = validate_phone(&s);
        }
    }
}
