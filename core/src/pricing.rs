//! The price of a card and what follows from it (SPEC §1.3–1.6).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::calendar::{format_date, Fortnight};
use crate::error::{CieError, ErrorCode, FieldValue, Lang};
use crate::money::{Amount, AmountError};

/// One entry of a price schedule: valid from a date until the next entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Price {
    /// First day the price applies (cards are priced by their signing date).
    pub valid_from: NaiveDate,
    /// Price per card paid to the State (€16,79).
    pub unit: Amount,
    /// Net of VAT (€13,76).
    pub net: Amount,
    /// VAT (€3,03).
    pub vat: Amount,
    /// VAT rate in percent (22).
    pub vat_rate_percent: u32,
    /// Part returned to the municipality (€0,70).
    pub municipal_share: Amount,
    /// Part returned to the Ministry of the Interior (€1,15).
    pub ministry_share: Amount,
}

/// Prices over time, sorted by `valid_from`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceSchedule {
    entries: Vec<Price>,
}

/// Why a pricing computation was refused.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum PricingError {
    /// The amount itself is invalid.
    #[error(transparent)]
    Amount(#[from] AmountError),
    /// No price for the date (before the first entry).
    #[error("no price defined on {date}")]
    NotDefined {
        /// The date asked for.
        date: NaiveDate,
    },
    /// The amount does not pay a whole number of cards: blocks transmission.
    #[error("amount is not a multiple of the unit price; top up {top_up}")]
    NotMultiple {
        /// Whole cards the amount pays.
        cards_below: u64,
        /// What is left after those cards.
        remainder: Amount,
        /// What a further payment must add to reach one more card.
        top_up: Amount,
    },
    /// A card count whose amount exceeds the representable range.
    #[error("card count too large")]
    CardCountTooLarge,
    /// A schedule that is empty, unsorted or whose parts do not add up.
    #[error("invalid price schedule")]
    ScheduleInvalid,
    /// A causale needs a municipality name.
    #[error("invalid municipality name")]
    MunicipalityName,
}

impl CieError for PricingError {
    fn code(&self) -> ErrorCode {
        match self {
            PricingError::Amount(e) => e.code(),
            PricingError::NotDefined { .. } | PricingError::ScheduleInvalid => ErrorCode::PriceNotDefined,
            PricingError::NotMultiple { .. } => ErrorCode::AmountNotMultiple,
            PricingError::CardCountTooLarge => ErrorCode::CardCountTooLarge,
            PricingError::MunicipalityName => ErrorCode::MunicipalityName,
        }
    }

    fn detail(&self, lang: Lang) -> Option<String> {
        match self {
            PricingError::NotMultiple { cards_below, remainder, top_up } => Some(match lang {
                Lang::It => format!(
                    "{} e un resto di € {}: integrare con € {} per raggiungere {}",
                    cards_text(*cards_below, Lang::It),
                    remainder.to_portal(),
                    top_up.to_portal(),
                    cards_text(cards_below.saturating_add(1), Lang::It)
                ),
                Lang::En => format!(
                    "{} and € {remainder} left over: add € {top_up} to reach {}",
                    cards_text(*cards_below, Lang::En),
                    cards_text(cards_below.saturating_add(1), Lang::En)
                ),
            }),
            PricingError::NotDefined { date } => Some(format_date(*date)),
            PricingError::ScheduleInvalid => {
                Some(lang.pick("listino prezzi non valido", "invalid price schedule").to_owned())
            }
            _ => None,
        }
    }

    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        match self {
            PricingError::NotMultiple { cards_below, remainder, top_up } => vec![
                ("cards_below", FieldValue::Int(*cards_below as i64)),
                ("remainder", FieldValue::Text(remainder.to_string())),
                ("top_up", FieldValue::Text(top_up.to_string())),
            ],
            PricingError::NotDefined { date } => vec![("date", FieldValue::Text(date.to_string()))],
            _ => Vec::new(),
        }
    }
}

/// The built-in price: DM 25 May 2016, from 4 July 2016.
pub const BUILTIN_PRICE: Price = Price {
    // infallible: a constant, valid date.
    valid_from: match NaiveDate::from_ymd_opt(2016, 7, 4) {
        Some(d) => d,
        None => NaiveDate::MIN,
    },
    unit: Amount::from_cents(1679),
    net: Amount::from_cents(1376),
    vat: Amount::from_cents(303),
    vat_rate_percent: 22,
    municipal_share: Amount::from_cents(70),
    ministry_share: Amount::from_cents(115),
};

impl Default for PriceSchedule {
    fn default() -> Self {
        PriceSchedule { entries: vec![BUILTIN_PRICE] }
    }
}

impl PriceSchedule {
    /// The built-in schedule (one entry, €16,79 from 2016-07-04).
    pub fn builtin() -> PriceSchedule {
        PriceSchedule::default()
    }

    /// A caller's schedule: not empty, strictly increasing dates, `net + vat = unit`, shares
    /// within the unit price, unit price > 0.
    pub fn new(mut entries: Vec<Price>) -> Result<PriceSchedule, PricingError> {
        entries.sort_by_key(|p| p.valid_from);
        let dates_unique = entries.windows(2).all(|w| w[0].valid_from < w[1].valid_from);
        let parts_add_up = entries.iter().all(|p| {
            p.unit.cents() > 0
                && p.net.cents() >= 0
                && p.vat.cents() >= 0
                && p.net.saturating_add(p.vat) == p.unit
                && p.municipal_share.cents() >= 0
                && p.ministry_share.cents() >= 0
                && p.municipal_share.saturating_add(p.ministry_share) <= p.unit
        });
        if entries.is_empty() || !dates_unique || !parts_add_up {
            return Err(PricingError::ScheduleInvalid);
        }
        Ok(PriceSchedule { entries })
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> &[Price] {
        &self.entries
    }

    /// The price in force on a date.
    pub fn price_on(&self, date: NaiveDate) -> Result<&Price, PricingError> {
        let i = self.entries.partition_point(|p| p.valid_from <= date);
        i.checked_sub(1).and_then(|i| self.entries.get(i)).ok_or(PricingError::NotDefined { date })
    }

    /// The price in force on a date, and the date the next one takes over (none after the
    /// last): a caller walking through days in order looks the schedule up again only there.
    pub(crate) fn price_and_next_change(&self, date: NaiveDate) -> Result<(&Price, Option<NaiveDate>), PricingError> {
        let (price, next) = self.in_force(date);
        Ok((price.ok_or(PricingError::NotDefined { date })?, next))
    }

    /// The price in force on a date (none before the first) and the date the next one takes
    /// over: [`PriceSchedule::price_and_next_change`] for a caller that fails only later, if
    /// at all (a stretch of days that may turn out to have no card).
    pub(crate) fn in_force(&self, date: NaiveDate) -> (Option<&Price>, Option<NaiveDate>) {
        let i = self.entries.partition_point(|p| p.valid_from <= date);
        (i.checked_sub(1).and_then(|i| self.entries.get(i)), self.entries.get(i).map(|p| p.valid_from))
    }

    /// The latest price ("currently €16,79").
    pub fn current(&self) -> &Price {
        // infallible: the constructors guarantee at least one entry.
        self.entries.last().unwrap_or(&BUILTIN_PRICE)
    }

    /// The price that prices a quarter's cards as a whole (its total amount against cards from
    /// amount, §4): the one in force on its first day, else the current one.
    pub fn for_quarter(&self, quarter: crate::calendar::Quarter) -> &Price {
        self.price_on(quarter.first_day()).unwrap_or(self.current())
    }

    /// The price on a date, or the current one when no date is given.
    pub fn price_at(&self, on: Option<NaiveDate>) -> Result<&Price, PricingError> {
        on.map_or(Ok(self.current()), |d| self.price_on(d))
    }
}

impl Price {
    /// Cards paid by an amount, when exact (§1.4). A non-multiple is the blocking error
    /// carrying `cards_below`, `remainder` and `top_up`.
    pub fn cards_for_amount(&self, amount: Amount) -> Result<u64, PricingError> {
        if amount.cents() < 0 {
            return Err(AmountError::Negative.into());
        }
        let unit = self.unit.cents();
        if unit <= 0 {
            // A price built by hand outside a schedule (whose prices are positive).
            return Err(PricingError::ScheduleInvalid);
        }
        if amount.is_zero() {
            // Most quarters of a national reconciliation: no division.
            return Ok(0);
        }
        let cards_below = (amount.cents() / unit) as u64;
        let remainder = amount.cents() % unit;
        if remainder == 0 {
            Ok(cards_below)
        } else {
            Err(PricingError::NotMultiple {
                cards_below,
                remainder: Amount::from_cents(remainder),
                top_up: Amount::from_cents(unit - remainder),
            })
        }
    }

    /// The amount that pays `cards` cards.
    pub fn amount_for_cards(&self, cards: u64) -> Result<Amount, PricingError> {
        self.unit.checked_mul(cards).ok_or(PricingError::CardCountTooLarge)
    }
}

/// What a citizen pays at the counter (§1.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CitizenFee {
    /// The State's price per card (€16,79).
    pub state: Amount,
    /// The municipal "diritto fisso" (doubled for a duplicate).
    pub fixed_fee: Amount,
    /// The "diritti di segreteria".
    pub secretarial_fee: Amount,
    /// The total.
    pub total: Amount,
}

/// Default municipal "diritto fisso".
pub const DEFAULT_FIXED_FEE: Amount = Amount::from_cents(516);
/// Default "diritti di segreteria".
pub const DEFAULT_SECRETARIAL_FEE: Amount = Amount::from_cents(26);

impl Price {
    /// The citizen fee: €16,79 + fixed fee (doubled for a duplicate after loss or theft, also
    /// when the municipality sets its own) + secretarial fee. Defaults give €22,21 and €27,37.
    pub fn citizen_fee(
        &self,
        duplicate: bool,
        fixed_fee: Option<Amount>,
        secretarial_fee: Option<Amount>,
    ) -> Result<CitizenFee, PricingError> {
        let base_fixed = Amount::entered(fixed_fee.unwrap_or(DEFAULT_FIXED_FEE).cents())?;
        let secretarial_fee = Amount::entered(secretarial_fee.unwrap_or(DEFAULT_SECRETARIAL_FEE).cents())?;
        let fixed_fee = if duplicate { base_fixed.saturating_add(base_fixed) } else { base_fixed };
        let total = self.unit.saturating_add(fixed_fee).saturating_add(secretarial_fee);
        Ok(CitizenFee { state: self.unit, fixed_fee, secretarial_fee, total })
    }
}

/// IBAN of the State Treasury account for CIE payments (capo X, capitolo 3746).
pub const TREASURY_IBAN: &str = "IT81J0100003245348010374600";
/// Chapter of the State budget receiving the payments.
pub const TREASURY_CHAPTER: &str = "capo X, capitolo 3746";

mod causale_parse;
pub use causale_parse::{check_causale, check_parsed_causale, parse_causale, CausaleMismatch, ParsedCausale};

/// The payment description the State requires (§1.6):
/// `Comune di <NOME> corrispettivo per il rilascio di n. <N> carte d'identità elettroniche (<dal>-<al>)`.
pub fn causale(municipality: &str, fortnight: Fortnight, cards: u64) -> Result<String, PricingError> {
    let name = municipality.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().any(char::is_control) || name.chars().count() > 100 {
        return Err(PricingError::MunicipalityName);
    }
    Ok(format!(
        "Comune di {name} corrispettivo per il rilascio di n. {cards} carte d'identità elettroniche ({}-{})",
        format_date(fortnight.first_day()),
        format_date(fortnight.last_day())
    ))
}

/// A count of cards in words, with the right plural: `1 carta`, `2 carte`, `0 carte`
/// (`1 card`, `2 cards`).
pub fn cards_text(cards: u64, lang: Lang) -> String {
    match (lang, cards) {
        (Lang::It, 1) => "1 carta".to_owned(),
        (Lang::It, n) => format!("{n} carte"),
        (Lang::En, 1) => "1 card".to_owned(),
        (Lang::En, n) => format!("{n} cards"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p() -> Price {
        *PriceSchedule::builtin().current()
    }

    #[test]
    fn seed_examples() {
        assert_eq!(p().cards_for_amount(Amount::from_cents(3358)), Ok(2));
        let err = p().cards_for_amount(Amount::from_cents(3359)).unwrap_err();
        assert_eq!(
            err,
            PricingError::NotMultiple {
                cards_below: 2,
                remainder: Amount::from_cents(1),
                top_up: Amount::from_cents(1678)
            }
        );
        assert_eq!(err.code(), ErrorCode::AmountNotMultiple);
        assert!(err.message_it().contains("16,78"), "{}", err.message_it());
        assert_eq!(p().cards_for_amount(Amount::ZERO), Ok(0));
        // A price made by hand with no unit price: an error, not a division by zero.
        for unit in [0, -1679] {
            let free = Price { unit: Amount::from_cents(unit), ..p() };
            assert_eq!(free.cards_for_amount(Amount::from_cents(1679)), Err(PricingError::ScheduleInvalid));
            assert_eq!(free.cards_for_amount(Amount::ZERO), Err(PricingError::ScheduleInvalid));
        }
        assert_eq!(p().amount_for_cards(3), Ok(Amount::from_cents(5037)));
        assert_eq!(p().amount_for_cards(u64::MAX), Err(PricingError::CardCountTooLarge));
        assert_eq!(p().net.saturating_add(p().vat), p().unit);
    }

    #[test]
    fn schedule_lookup() {
        let s = PriceSchedule::builtin();
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert!(s.price_on(d(2016, 7, 3)).is_err());
        assert_eq!(s.price_on(d(2016, 7, 4)).unwrap().unit, Amount::from_cents(1679));
        let later = Price {
            valid_from: d(2027, 1, 1),
            unit: Amount::from_cents(2000),
            net: Amount::from_cents(1640),
            vat: Amount::from_cents(360),
            ..BUILTIN_PRICE
        };
        let s = PriceSchedule::new(vec![later, BUILTIN_PRICE]).unwrap();
        assert_eq!(s.price_on(d(2026, 12, 31)).unwrap().unit, Amount::from_cents(1679));
        assert_eq!(s.price_on(d(2027, 1, 1)).unwrap().unit, Amount::from_cents(2000));
        assert_eq!(s.current().unit, Amount::from_cents(2000));
        assert_eq!(PriceSchedule::new(vec![]), Err(PricingError::ScheduleInvalid));
        let broken = Price { net: Amount::from_cents(1), ..BUILTIN_PRICE };
        assert_eq!(PriceSchedule::new(vec![broken]), Err(PricingError::ScheduleInvalid));
    }

    #[test]
    fn citizen_fees() {
        assert_eq!(p().citizen_fee(false, None, None).unwrap().total, Amount::from_cents(2221));
        assert_eq!(p().citizen_fee(true, None, None).unwrap().total, Amount::from_cents(2737));
        let custom = p().citizen_fee(true, Some(Amount::from_cents(1000)), Some(Amount::ZERO)).unwrap();
        assert_eq!(custom.fixed_fee, Amount::from_cents(2000));
        assert_eq!(custom.total, Amount::from_cents(3679));
        assert!(p().citizen_fee(false, Some(Amount::from_cents(-1)), None).is_err());
    }

    #[test]
    fn causale_text() {
        let f = Fortnight::parse("2024-03-2").unwrap();
        assert_eq!(
            causale("  Roma ", f, 12).unwrap(),
            "Comune di Roma corrispettivo per il rilascio di n. 12 carte d'identità elettroniche (16/03/2024-31/03/2024)"
        );
        assert_eq!(causale(" ", f, 1), Err(PricingError::MunicipalityName));
    }

    proptest! {
        #[test]
        fn cards_round_trip(n in 0u64..100_000_000) {
            let amount = p().amount_for_cards(n).unwrap();
            prop_assert_eq!(p().cards_for_amount(amount), Ok(n));
        }

        #[test]
        fn top_up_regularises(cents in 0i64..99_999_999_999) {
            match p().cards_for_amount(Amount::from_cents(cents)) {
                Ok(n) => prop_assert_eq!(n as i64 * 1679, cents),
                Err(PricingError::NotMultiple { cards_below, remainder, top_up }) => {
                    prop_assert_eq!(cards_below as i64 * 1679 + remainder.cents(), cents);
                    prop_assert_eq!(p().cards_for_amount(Amount::from_cents(cents + top_up.cents())), Ok(cards_below + 1));
                }
                Err(e) => prop_assert!(false, "{e:?}"),
            }
        }
    }
}
