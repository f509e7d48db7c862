//! Reading a causale as accounting exports write it (SPEC §1.6): tolerant of case, spacing,
//! apostrophes, `n.`/`n°`, dropped accents, and a period written with `-`, `–` or `al`.

use chrono::NaiveDate;
use serde::Serialize;

/// What a causale says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParsedCausale {
    /// The municipality named after "Comune di", as written (spaces collapsed).
    pub municipality: Option<String>,
    /// The card count after `n.`/`n°`.
    pub cards: Option<u64>,
    /// The period: the last two dates of the text, in order.
    pub period: Option<(NaiveDate, NaiveDate)>,
}

impl ParsedCausale {
    /// True when the text looks like a CIE causale: it names cards of identity ("carte
    /// d'identità", "CIE") or is the State's wording.
    pub fn is_cie(text: &str) -> bool {
        let t = fold(text);
        t.contains("carte d'identita") || t.contains("carta d'identita") || t.contains(" cie") || t.starts_with("cie")
    }
}

/// Lower case, accents dropped, typographic apostrophes made plain, spaces collapsed.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            'A'..='Z' => c.to_ascii_lowercase(),
            c if c.is_ascii() && !c.is_ascii_whitespace() => c,
            'à' | 'á' | 'À' | 'Á' => 'a',
            'è' | 'é' | 'È' | 'É' => 'e',
            'ì' | 'í' | 'Ì' | 'Í' => 'i',
            'ò' | 'ó' | 'Ò' | 'Ó' => 'o',
            'ù' | 'ú' | 'Ù' | 'Ú' => 'u',
            '’' | '‘' | '`' | '´' => '\'',
            '–' | '—' => '-',
            c if c.is_whitespace() => ' ',
            c => c.to_lowercase().next().unwrap_or(c),
        };
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out.trim().to_owned()
}

/// Every date `d/m/yyyy` (separators `/`, `.` or `-`, the same twice) in the text, in order.
#[allow(clippy::many_single_char_names)] // day, month, year runs of a small scanner
fn dates(text: &str) -> Vec<NaiveDate> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let run = |at: usize| b[at..].iter().take_while(|c| c.is_ascii_digit()).count();
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let d = run(i);
        let parsed = (|| {
            let sep = *b.get(i + d)?;
            if !(1..=2).contains(&d) || !matches!(sep, b'/' | b'.' | b'-') {
                return None;
            }
            let m_at = i + d + 1;
            let m = run(m_at);
            if !(1..=2).contains(&m) || b.get(m_at + m) != Some(&sep) {
                return None;
            }
            let y_at = m_at + m + 1;
            if run(y_at) != 4 {
                return None;
            }
            let n = |from: usize, len: usize| text[from..from + len].parse::<u32>().ok();
            let date = NaiveDate::from_ymd_opt(n(y_at, 4)? as i32, n(m_at, m)?, n(i, d)?)?;
            Some((date, y_at + 4))
        })();
        match parsed {
            Some((date, end)) => {
                out.push(date);
                i = end;
            }
            None => i += d,
        }
    }
    out
}

/// A mismatch between a causale and its order (§1.6): a warning, never blocking.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CausaleMismatch {
    /// The count or the period cannot be read from the text.
    #[error("causale incomplete")]
    Incomplete,
    /// count × price ≠ amount.
    #[error("count {cards} does not match the amount")]
    Count {
        /// The count of the causale.
        cards: u64,
        /// The amount the count makes at the price.
        expected: crate::money::Amount,
    },
    /// The period ends after the order date, or differs from the declared period.
    #[error("period does not match")]
    Period,
    /// Another municipality is named.
    #[error("another municipality")]
    Municipality {
        /// The name in the causale.
        named: String,
    },
}

impl crate::error::CieError for CausaleMismatch {
    fn code(&self) -> crate::error::ErrorCode {
        use crate::error::ErrorCode;
        match self {
            CausaleMismatch::Incomplete => ErrorCode::CausaleIncomplete,
            CausaleMismatch::Count { .. } => ErrorCode::CausaleCountMismatch,
            CausaleMismatch::Period => ErrorCode::CausalePeriodMismatch,
            CausaleMismatch::Municipality { .. } => ErrorCode::CausaleMunicipalityMismatch,
        }
    }

    fn detail(&self, lang: crate::error::Lang) -> Option<String> {
        match self {
            CausaleMismatch::Count { cards, expected } => {
                Some(format!("{} {cards}: € {}", lang.pick("carte", "cards"), expected.to_portal()))
            }
            CausaleMismatch::Municipality { named } => Some(named.clone()),
            _ => None,
        }
    }

    fn fields(&self) -> Vec<(&'static str, crate::error::FieldValue)> {
        use crate::error::FieldValue;
        match self {
            CausaleMismatch::Count { cards, expected } => vec![
                ("cards", FieldValue::Int(i64::try_from(*cards).unwrap_or(i64::MAX))),
                ("expected", FieldValue::Text(expected.to_string())),
            ],
            CausaleMismatch::Municipality { named } => vec![("municipality", FieldValue::Text(named.clone()))],
            _ => Vec::new(),
        }
    }
}

/// Compares a causale with its order (§1.6): count × price = amount (at the price of the
/// period's end), a period ending on or before the order date and equal to the declared one,
/// the expected municipality (compared ignoring case, accents and punctuation). Every mismatch.
pub fn check_causale(
    text: &str,
    order: &crate::orders::PaymentOrder,
    municipality: Option<&str>,
    schedule: &crate::pricing::PriceSchedule,
) -> Vec<CausaleMismatch> {
    check_parsed_causale(&parse_causale(text), order, municipality, schedule)
}

/// [`check_causale`] of a causale already read with [`parse_causale`] (a reader that needs the
/// period anyway reads the text once).
pub fn check_parsed_causale(
    parsed: &ParsedCausale,
    order: &crate::orders::PaymentOrder,
    municipality: Option<&str>,
    schedule: &crate::pricing::PriceSchedule,
) -> Vec<CausaleMismatch> {
    let mut out = Vec::new();
    let (Some(cards), Some((from, to))) = (parsed.cards, parsed.period) else {
        out.push(CausaleMismatch::Incomplete);
        return out;
    };
    if let Ok(price) = schedule.price_on(to) {
        let expected = price.amount_for_cards(cards).unwrap_or(crate::money::Amount::ZERO);
        if expected != order.amount {
            out.push(CausaleMismatch::Count { cards, expected });
        }
    }
    if crate::orders::period_ends_after_order(order.date, to) || order.period.is_some_and(|p| p != (from, to)) {
        out.push(CausaleMismatch::Period);
    }
    let plain = |s: &str| fold(s).chars().filter(char::is_ascii_alphanumeric).collect::<String>();
    if let (Some(named), Some(expected)) = (&parsed.municipality, municipality) {
        if plain(named) != plain(expected) {
            out.push(CausaleMismatch::Municipality { named: named.clone() });
        }
    }
    out
}

/// Reads a causale. Never fails: what cannot be found is `None`.
pub fn parse_causale(text: &str) -> ParsedCausale {
    let folded = fold(text);
    let municipality = folded.find("comune di ").and_then(|at| {
        let start = at + "comune di ".len();
        let rest = &folded[start..];
        let end =
            ["corrispettivo", " - ", ",", " per ", " n.", " n°", "("].iter().filter_map(|k| rest.find(k)).min()?;
        // The name as written in the original (same character positions after folding is not
        // guaranteed): rebuild it from the original text's words.
        let words = rest[..end].split_whitespace().count();
        let original: Vec<&str> = text.split_whitespace().collect();
        let first =
            original.windows(2).position(|w| w[0].eq_ignore_ascii_case("comune") && w[1].eq_ignore_ascii_case("di"))?
                + 2;
        let name = original.get(first..first + words)?.join(" ");
        (!name.is_empty()).then_some(name)
    });
    // Every marker starts with `n`: the positions of `n` once, then each marker in turn.
    let ns: Vec<usize> = folded.bytes().enumerate().filter(|&(_, b)| b == b'n').map(|(at, _)| at).collect();
    let cards = ["n. ", "n.", "n° ", "n°", "nr. ", "num. "].iter().find_map(|k| {
        ns.iter().filter(|&&at| folded[at..].starts_with(k)).find_map(|&at| {
            let rest = folded[at + k.len()..].trim_start();
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let after = rest[digits.len()..].trim_start();
            (!digits.is_empty() && (after.starts_with("cart") || after.starts_with("cie")))
                .then(|| digits.parse().ok())?
        })
    });
    let found = dates(&folded);
    let period = match found.as_slice() {
        [.., from, to] if from <= to => Some((*from, *to)),
        _ => None,
    };
    ParsedCausale { municipality, cards, period }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Fortnight;
    use crate::pricing::causale;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn reads_what_it_writes() {
        let text = causale("Duino Aurisina-Devin Nabrežina", Fortnight::parse("2024-03-2").unwrap(), 12).unwrap();
        let p = parse_causale(&text);
        assert_eq!(p.municipality.as_deref(), Some("Duino Aurisina-Devin Nabrežina"));
        assert_eq!(p.cards, Some(12));
        assert_eq!(p.period, Some((d(2024, 3, 16), d(2024, 3, 31))));
        assert!(ParsedCausale::is_cie(&text));
    }

    #[test]
    fn a_causale_is_checked_against_its_order() {
        let order = crate::orders::PaymentOrder::new(
            "12",
            d(2024, 4, 10),
            crate::money::Amount::from_cents(2 * 1679),
            Some((d(2024, 3, 16), d(2024, 3, 31))),
        )
        .unwrap();
        let schedule = crate::pricing::PriceSchedule::builtin();
        let good = causale("Forlì", Fortnight::parse("2024-03-2").unwrap(), 2).unwrap();
        assert_eq!(check_causale(&good, &order, Some("FORLI'"), &schedule), vec![]);
        let three = causale("Forlì", Fortnight::parse("2024-03-2").unwrap(), 3).unwrap();
        let codes =
            |v: Vec<CausaleMismatch>| v.iter().map(|m| crate::error::CieError::code(m).as_str()).collect::<Vec<_>>();
        assert_eq!(codes(check_causale(&three, &order, Some("Forlì"), &schedule)), vec!["CAUSALE_COUNT_MISMATCH"]);
        let april = causale("Cesena", Fortnight::parse("2024-04-1").unwrap(), 2).unwrap();
        assert_eq!(
            codes(check_causale(&april, &order, Some("Forlì"), &schedule)),
            vec!["CAUSALE_PERIOD_MISMATCH", "CAUSALE_MUNICIPALITY_MISMATCH"]
        );
        assert_eq!(codes(check_causale("Pagamento CIE", &order, None, &schedule)), vec!["CAUSALE_INCOMPLETE"]);
    }

    #[test]
    fn tolerant_of_exports() {
        let p = parse_causale("COMUNE DI SAN DONA' DI PIAVE CORRISPETTIVO PER IL RILASCIO DI N°7 CARTE D’IDENTITA ELETTRONICHE dal 1/3/2024 al 15/3/2024");
        assert_eq!(p.municipality.as_deref(), Some("SAN DONA' DI PIAVE"));
        assert_eq!(p.cards, Some(7));
        assert_eq!(p.period, Some((d(2024, 3, 1), d(2024, 3, 15))));
        let p = parse_causale("Rilascio CIE n. 3 carte (01.04.2024 – 15.04.2024)");
        assert_eq!((p.cards, p.period), (Some(3), Some((d(2024, 4, 1), d(2024, 4, 15)))));
        let p = parse_causale("Versamento di quota al Comune di Roma corrispettivo n. 1 carta");
        assert_eq!((p.municipality.as_deref(), p.cards), (Some("Roma"), Some(1)));
        let none = parse_causale("Fornitura cancelleria ufficio anagrafe");
        assert_eq!(none, ParsedCausale { municipality: None, cards: None, period: None });
        assert!(!ParsedCausale::is_cie("Fornitura cancelleria ufficio anagrafe"));
        // Reversed or single dates give no period.
        assert_eq!(parse_causale("n. 2 carte 15/03/2024-01/03/2024").period, None);
        assert_eq!(parse_causale("n. 2 carte del 15/03/2024").period, None);
    }
}
