//! Stable error codes and their Italian and English messages — the one catalogue (SPEC §10).
//!
//! Every module has its own `thiserror` enum; each variant maps to one [`ErrorCode`]. The code
//! string (`AMOUNT_NOT_MULTIPLE`, …) is public API and identical in every binding. The
//! catalogue below is the single place where the messages live.

use std::fmt;

use serde::Serialize;

/// Language of a user-facing message. Italian is the portal's language and the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Italiano (default).
    #[default]
    It,
    /// English.
    En,
}

impl Lang {
    /// Parses `it` / `en` (case-insensitive).
    pub fn parse(text: &str) -> Option<Lang> {
        match text.trim().to_ascii_lowercase().as_str() {
            "it" | "ita" | "italiano" => Some(Lang::It),
            "en" | "eng" | "english" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the Italian or the English text.
    pub fn pick<'a>(self, it: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::It => it,
            Lang::En => en,
        }
    }
}

macro_rules! error_codes {
    ($( $variant:ident = $code:literal, $it:literal, $en:literal; )*) => {
        /// Every stable error code of the library.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub enum ErrorCode {
            $(
                #[doc = $en]
                #[serde(rename = $code)]
                $variant,
            )*
        }

        impl ErrorCode {
            /// All codes, in catalogue order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The stable SCREAMING_SNAKE_CASE code.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// The catalogue message in Italian.
            pub fn message_it(self) -> &'static str {
                match self { $(ErrorCode::$variant => $it,)* }
            }

            /// The catalogue message in English.
            pub fn message_en(self) -> &'static str {
                match self { $(ErrorCode::$variant => $en,)* }
            }

            /// Looks a code up by its stable text.
            pub fn from_code(code: &str) -> Option<ErrorCode> {
                match code { $($code => Some(ErrorCode::$variant),)* _ => None }
            }
        }
    };
}

error_codes! {
    // money and pricing (§1)
    AmountFormat = "AMOUNT_FORMAT", "Importo non valido: usare cifre senza separatore delle migliaia e due decimali separati dalla virgola (es. 1234,56)", "Invalid amount: use digits without thousands separator and two decimals after a comma (e.g. 1234,56)";
    AmountPrecision = "AMOUNT_PRECISION", "L'importo ha più di due cifre decimali", "The amount has more than two decimal digits";
    AmountNegative = "AMOUNT_NEGATIVE", "L'importo non può essere negativo", "The amount cannot be negative";
    AmountZero = "AMOUNT_ZERO", "L'importo deve essere maggiore di zero", "The amount must be greater than zero";
    AmountTooLarge = "AMOUNT_TOO_LARGE", "L'importo supera il massimo consentito (999999999,99)", "The amount exceeds the maximum allowed (999999999.99)";
    AmountNotMultiple = "AMOUNT_NOT_MULTIPLE", "L'importo non è un multiplo esatto del corrispettivo per carta", "The amount is not an exact multiple of the price per card";
    FloatNotAllowed = "FLOAT_NOT_ALLOWED", "Gli importi non possono essere numeri in virgola mobile: usare un decimale esatto o una stringa", "Amounts cannot be floating-point numbers: use an exact decimal or a string";
    PriceNotDefined = "PRICE_NOT_DEFINED", "Nessun corrispettivo definito per la data indicata", "No price is defined for the given date";
    CardCountTooLarge = "CARD_COUNT_TOO_LARGE", "Numero di carte troppo grande", "Card count too large";
    // calendar (§2)
    DateFormat = "DATE_FORMAT", "Data non valida: usare il formato gg/mm/aaaa", "Invalid date: use the format dd/mm/yyyy";
    DateInvalid = "DATE_INVALID", "La data indicata non esiste nel calendario", "The given date does not exist in the calendar";
    MomentFormat = "MOMENT_FORMAT", "Data e ora non valide: usare il formato ISO 8601 (es. 2024-03-31T23:30:00Z)", "Invalid date and time: use ISO 8601 (e.g. 2024-03-31T23:30:00Z)";
    QuarterFormat = "QUARTER_FORMAT", "Trimestre non valido: usare il formato 2024-Q1", "Invalid quarter: use the format 2024-Q1";
    QuarterOutOfRange = "QUARTER_OUT_OF_RANGE", "Trimestre fuori dall'intervallo gestito", "Quarter outside the supported range";
    FortnightFormat = "FORTNIGHT_FORMAT", "Quindicina non valida: usare il formato 2024-03-1 o 2024-03-2", "Invalid fortnight: use the format 2024-03-1 or 2024-03-2";
    MunicipalityName = "MUNICIPALITY_NAME", "Nome del Comune non valido", "Invalid municipality name";
    // identifiers (§7)
    FiscalCodeLength = "FISCAL_CODE_LENGTH", "Il codice fiscale deve essere di 16 caratteri", "The fiscal code must be 16 characters long";
    FiscalCodeCharacter = "FISCAL_CODE_CHARACTER", "Carattere non ammesso nel codice fiscale", "Character not allowed in the fiscal code";
    FiscalCodeChecksum = "FISCAL_CODE_CHECKSUM", "Il carattere di controllo del codice fiscale non è corretto", "The fiscal code check character is wrong";
    FiscalCodeDate = "FISCAL_CODE_DATE", "La data di nascita nel codice fiscale non esiste", "The birth date in the fiscal code does not exist";
    VatNumberFormat = "VAT_NUMBER_FORMAT", "La partita IVA deve essere di 11 cifre", "The VAT number must be 11 digits";
    VatNumberChecksum = "VAT_NUMBER_CHECKSUM", "La cifra di controllo della partita IVA non è corretta", "The VAT number check digit is wrong";
    IbanFormat = "IBAN_FORMAT", "IBAN non valido: 27 caratteri, IT, due cifre di controllo, CIN, ABI, CAB e conto", "Invalid IBAN: 27 characters, IT, two check digits, CIN, ABI, CAB and account";
    IbanCountry = "IBAN_COUNTRY", "L'IBAN deve essere italiano (IT)", "The IBAN must be Italian (IT)";
    IbanChecksum = "IBAN_CHECKSUM", "Le cifre di controllo dell'IBAN non sono corrette", "The IBAN check digits are wrong";
    IbanCin = "IBAN_CIN", "Il CIN dell'IBAN non è corretto", "The IBAN CIN letter is wrong";
    CapFormat = "CAP_FORMAT", "Il CAP deve essere di 5 cifre", "The postcode (CAP) must be 5 digits";
    EmailFormat = "EMAIL_FORMAT", "Indirizzo e-mail non valido", "Invalid e-mail address";
    PhoneFormat = "PHONE_FORMAT", "Numero di telefono non valido: +39 facoltativo, poi da 6 a 13 cifre", "Invalid phone number: optional +39, then 6 to 13 digits";
    // password (§6.5)
    PasswordTooShort = "PASSWORD_TOO_SHORT", "La password deve contenere un minimo di 10 caratteri", "The password must be at least 10 characters long";
    PasswordNoUppercase = "PASSWORD_NO_UPPERCASE", "La password deve contenere almeno una lettera maiuscola", "The password must contain at least one uppercase letter";
    PasswordNoLowercase = "PASSWORD_NO_LOWERCASE", "La password deve contenere almeno una lettera minuscola", "The password must contain at least one lowercase letter";
    PasswordNoDigit = "PASSWORD_NO_DIGIT", "La password deve contenere almeno un numero", "The password must contain at least one digit";
    PasswordNoSymbol = "PASSWORD_NO_SYMBOL", "La password deve contenere uno dei seguenti caratteri: - (meno) oppure _ (underscore) oppure . (punto)", "The password must contain one of the following characters: - (minus) or _ (underscore) or . (dot)";
    PasswordForbiddenCharacter = "PASSWORD_FORBIDDEN_CHARACTER", "La password non può contenere spazi o caratteri di controllo", "The password cannot contain whitespace or control characters";
    PasswordTooLong = "PASSWORD_TOO_LONG", "La password può contenere al massimo 128 caratteri", "The password can be at most 128 characters long";
    PasswordConfirmationMismatch = "PASSWORD_CONFIRMATION_MISMATCH", "La conferma non coincide con la nuova password", "The confirmation does not match the new password";
    PasswordUnchanged = "PASSWORD_UNCHANGED", "La nuova password deve essere diversa da quella attuale", "The new password must differ from the current one";
    PasswordGeneration = "PASSWORD_GENERATION", "Impossibile generare la password: generatore casuale del sistema non disponibile", "Cannot generate the password: the system random generator is unavailable";
    // users and authorization (§6)
    NotAuthorized = "NOT_AUTHORIZED", "Operazione non consentita al profilo dell'utente", "Operation not allowed for the user's profile";
    UserBlocked = "USER_BLOCKED", "Utente bloccato per inattività", "User blocked for inactivity";
    UserNotFound = "USER_NOT_FOUND", "Utente non trovato", "User not found";
    UserDuplicate = "USER_DUPLICATE", "Esiste già un utente con questo codice fiscale", "A user with this fiscal code already exists";
    UserNameRequired = "USER_NAME_REQUIRED", "Nome e cognome sono obbligatori", "First and last name are required";
    EmailConfirmationMismatch = "EMAIL_CONFIRMATION_MISMATCH", "Le due e-mail inserite non coincidono", "The two e-mail addresses do not match";
    LastManager = "LAST_MANAGER", "Il Comune deve avere almeno un Responsabile", "The municipality must keep at least one Manager";
    SupportRequired = "SUPPORT_REQUIRED", "L'utente è l'unico Responsabile del Comune: contattare il Supporto Tecnico", "The user is the municipality's only Manager: contact Support";
    ResetNoMatch = "RESET_NO_MATCH", "Codice fiscale ed e-mail non corrispondono a nessun utente", "Fiscal code and e-mail do not match any user";
    MunicipalityNotFound = "MUNICIPALITY_NOT_FOUND", "Comune non trovato", "Municipality not found";
    MunicipalityExists = "MUNICIPALITY_EXISTS", "Comune già presente", "Municipality already exists";
    // quarters and workflow (§5)
    QuarterExists = "QUARTER_EXISTS", "Il trimestre è già stato creato", "The quarter already exists";
    QuarterNotFound = "QUARTER_NOT_FOUND", "Trimestre non trovato", "Quarter not found";
    QuarterNotStarted = "QUARTER_NOT_STARTED", "Il trimestre non è ancora iniziato", "The quarter has not started yet";
    QuarterBeforeFirst = "QUARTER_BEFORE_FIRST", "Il trimestre precede il primo trimestre del Comune", "The quarter precedes the municipality's first quarter";
    QuarterNotEnded = "QUARTER_NOT_ENDED", "Il trimestre non è ancora terminato", "The quarter has not ended yet";
    PreviousNotTransmitted = "PREVIOUS_NOT_TRANSMITTED", "Il trimestre precedente non è stato trasmesso", "The previous quarter has not been transmitted";
    InvalidState = "INVALID_STATE", "Operazione non consentita nello stato attuale del trimestre", "Operation not allowed in the quarter's current state";
    WorkOpen = "WORK_OPEN", "Ci sono lavorazioni ancora aperte", "Some works are still open";
    WorkNotFound = "WORK_NOT_FOUND", "Lavorazione non trovata", "Work not found";
    NoOrders = "NO_ORDERS", "Il trimestre non contiene mandati", "The quarter contains no payment orders";
    OrderDuplicate = "ORDER_DUPLICATE", "Esiste già un mandato con questo numero nel trimestre", "A payment order with this number already exists in the quarter";
    OrderNotFound = "ORDER_NOT_FOUND", "Mandato non trovato", "Payment order not found";
    OrderNumberInvalid = "ORDER_NUMBER_INVALID", "Il numero del mandato è obbligatorio", "The payment order number is required";
    OrderDateFuture = "ORDER_DATE_FUTURE", "La data del mandato non può essere futura", "The payment order date cannot be in the future";
    SplitDateMismatch = "SPLIT_DATE_MISMATCH", "Un mandato ripartito su più trimestri deve avere la stessa data", "A payment order split over several quarters must keep the same date";
    ZeroQuarterHasCards = "ZERO_QUARTER_HAS_CARDS", "Trimestre a zero non consentito: CIEonline riporta carte emesse", "Zero quarter not allowed: CIEonline reports issued cards";
    ZeroQuarterHasOrders = "ZERO_QUARTER_HAS_ORDERS", "Trimestre a zero non consentito: sono presenti mandati", "Zero quarter not allowed: payment orders are present";
    PeriodInvalid = "PERIOD_INVALID", "Il periodo dichiarato termina prima di iniziare", "The declared period ends before it starts";
    ReportEmpty = "REPORT_EMPTY", "Il rapporto firmato è vuoto", "The signed report is empty";
    ReportTooLarge = "REPORT_TOO_LARGE", "Il rapporto firmato supera i 2 MB", "The signed report exceeds 2 MiB";
    ReportFormat = "REPORT_FORMAT", "Il rapporto deve essere un file PDF o P7M firmato", "The report must be a signed PDF or P7M file";
    ReportRender = "REPORT_RENDER", "Impossibile generare il PDF del rapporto", "Cannot render the report PDF";
    // sites (§8)
    ContactDuplicate = "CONTACT_DUPLICATE", "La persona che si sta inserendo è già presente nell'elenco dei referenti", "The person being added is already in the list of contacts";
    ContactNotFound = "CONTACT_NOT_FOUND", "Referente non trovato", "Contact not found";
    ContactInUse = "CONTACT_IN_USE", "Il referente è associato a una o più sedi", "The contact is associated with one or more sites";
    SiteNotFound = "SITE_NOT_FOUND", "Sede non trovata", "Site not found";
    SiteFieldRequired = "SITE_FIELD_REQUIRED", "Campo obbligatorio mancante o non valido", "Mandatory field missing or invalid";
    RoleNotAssociated = "ROLE_NOT_ASSOCIATED", "Il referente non è associato alla sede", "The contact is not associated with the site";
    SiteIncomplete = "SITE_INCOMPLETE", "La sede non è completa: mancano dei passi", "The site is not complete: some steps are missing";
    SecurityOfficerElsewhere = "SECURITY_OFFICER_ELSEWHERE", "Il referente è già Security Officer in un altro Comune", "The contact is already Security Officer in another municipality";
    // registry interface (§9)
    AprValue = "APR_VALUE", "Valore non ammesso per l'interfaccia APR", "Value not allowed for the APR interface";
    // event log (§5.3)
    EventLogVersion = "EVENT_LOG_VERSION", "Versione del registro eventi non supportata", "Unsupported event log version";
    EventLogFormat = "EVENT_LOG_FORMAT", "Registro eventi non leggibile", "Unreadable event log";
    EventRejected = "EVENT_REJECTED", "Evento rifiutato dalle regole", "Event rejected by the rules";
    // input files (CLI and batch readers)
    InputFormat = "INPUT_FORMAT", "File di input non valido", "Invalid input file";
    // revision 2 (appended: C status values follow catalogue order)
    PeriodIncomplete = "PERIOD_INCOMPLETE", "Il periodo dichiarato deve avere entrambe le date (dal e al) oppure nessuna", "The declared period needs both dates (from and to) or neither";
    PeriodAfterOrder = "PERIOD_AFTER_ORDER", "Il periodo dichiarato termina dopo la data del mandato", "The declared period ends after the payment order's date";
    OrderYearChanged = "ORDER_YEAR_CHANGED", "Il mandato non può cambiare esercizio: eliminarlo e reinserirlo", "A payment order cannot change financial year: delete it and enter it again";
    OrderAmbiguous = "ORDER_AMBIGUOUS", "Nel trimestre ci sono più mandati con questo numero: indicare l'esercizio", "Several payment orders in the quarter have this number: give the financial year";
    CieonlineUnknown = "CIEONLINE_UNKNOWN", "Il conteggio CIEonline del trimestre non è disponibile", "The quarter's CIEonline count is not known";
    ReopenReasonRequired = "REOPEN_REASON_REQUIRED", "Indicare il motivo della riapertura del trimestre", "Give the reason for reopening the quarter";
    PaymentLate = "PAYMENT_LATE", "Pagamento effettuato dopo la scadenza della quindicina", "Payment made after the fortnight's due date";
    StaleState = "STALE_STATE", "I dati sono stati modificati nel frattempo: ricaricare e riprovare", "The data changed in the meantime: reload and try again";
    ContactFiscalCodeFixed = "CONTACT_FISCAL_CODE_FIXED", "Il codice fiscale di un referente non è modificabile", "A contact's fiscal code cannot be changed";
    AmountAmbiguous = "AMOUNT_AMBIGUOUS", "Importo ambiguo: con il punto e tre cifre può indicare le migliaia o i decimali; la colonna non chiarisce quale", "Ambiguous amount: a dot and three digits may be thousands or decimals, and the column does not tell which";
    AmountColumnMixed = "AMOUNT_COLUMN_MIXED", "Importo scritto in modo diverso dagli altri della colonna (virgola o punto per i decimali)", "Amount written differently from the rest of its column (comma or dot for decimals)";
    ColumnMissing = "COLUMN_MISSING", "Colonna obbligatoria mancante", "Required column missing";
    FileEmpty = "FILE_EMPTY", "Il file non contiene un'intestazione e righe di dati", "The file has no header and data rows";
    FileFormat = "FILE_FORMAT", "Formato del file non riconosciuto o foglio non leggibile", "File format not recognised or sheet not readable";
    RowDuplicate = "ROW_DUPLICATE", "Riga ripetuta: è identica a una riga precedente e non viene conteggiata di nuovo", "Repeated row: identical to an earlier row, not counted again";
    OrderIdentityDuplicate = "ORDER_IDENTITY_DUPLICATE", "Lo stesso mandato (esercizio e numero) compare in più righe con dati diversi", "The same payment order (year and number) is on several rows with different data";
    CardDuplicate = "CARD_DUPLICATE", "La stessa carta compare in più righe", "The same card is on several rows";
    CieonlineDuplicate = "CIEONLINE_DUPLICATE", "Il conteggio CIEonline di questo trimestre compare in più righe", "This quarter's CIEonline count is on several rows";
    CardDateFuture = "CARD_DATE_FUTURE", "La data di firma della carta è successiva alla data di riferimento", "The card's signing date is after the reference date";
    CountFormat = "COUNT_FORMAT", "Numero di carte non valido: servono solo cifre", "Invalid card count: digits only";
    CausaleCountMismatch = "CAUSALE_COUNT_MISMATCH", "Il numero di carte della causale non corrisponde all'importo", "The causale's card count does not match the amount";
    CausalePeriodMismatch = "CAUSALE_PERIOD_MISMATCH", "Il periodo della causale non corrisponde al mandato (deve terminare entro la data del mandato e coincidere con il periodo dichiarato)", "The causale's period does not match the order (it must end by the order date and equal the declared period)";
    CausaleMunicipalityMismatch = "CAUSALE_MUNICIPALITY_MISMATCH", "La causale indica un altro Comune", "The causale names another municipality";
    CausaleIncomplete = "CAUSALE_INCOMPLETE", "La causale non indica il numero di carte e il periodo richiesti", "The causale does not state the required card count and period";
    OrderReversed = "ORDER_REVERSED", "Mandato stornato dal tesoriere: non ha pagato nulla", "Payment order reversed by the treasurer: it paid nothing";
    FileRead = "FILE_READ", "Lettura del file interrotta da un errore del sistema", "Reading the file was interrupted by a system error";
    FiscalCodeNameMismatch = "FISCAL_CODE_NAME_MISMATCH", "Cognome o nome non corrispondono al codice fiscale: controllare che non ci siano errori di battitura", "The surname or the name does not match the fiscal code: check for typing errors";
}

impl ErrorCode {
    /// The catalogue message in the given language.
    pub fn message(self, lang: Lang) -> &'static str {
        lang.pick(self.message_it(), self.message_en())
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A structured field of an error (e.g. `top_up` of `AMOUNT_NOT_MULTIPLE`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum FieldValue {
    /// A count or a position.
    Int(i64),
    /// A text (an amount is given in machine format `1234.56`).
    Text(String),
}

/// What every error of the library offers: a stable code, messages in both languages and the
/// structured fields. Bindings map errors through this trait only.
pub trait CieError: std::error::Error {
    /// The stable code.
    fn code(&self) -> ErrorCode;

    /// Details specific to this error (position, expected character, …) in the language, if any.
    fn detail(&self, _lang: Lang) -> Option<String> {
        None
    }

    /// The structured fields, by name.
    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        Vec::new()
    }

    /// The structured fields as a JSON object (`{"length":15}`; `{}` when there are none), keys
    /// in order: the form every text-based binding hands to its host.
    fn fields_json(&self) -> String {
        let map: std::collections::BTreeMap<&str, FieldValue> = self.fields().into_iter().collect();
        serde_json::to_string(&map).unwrap_or_else(|_| "{}".to_owned())
    }

    /// The full user-facing message: catalogue text plus details.
    fn message(&self, lang: Lang) -> String {
        let base = self.code().message(lang);
        match self.detail(lang) {
            Some(d) => format!("{base} ({d})"),
            None => base.to_owned(),
        }
    }

    /// Italian message (the default language of the portal).
    fn message_it(&self) -> String {
        self.message(Lang::It)
    }

    /// English message.
    fn message_en(&self) -> String {
        self.message(Lang::En)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_screaming_snake_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(s.chars().all(|c| c.is_ascii_uppercase() || c == '_'), "{s}");
            assert_eq!(ErrorCode::from_code(s), Some(*code));
            assert!(!code.message_it().is_empty() && !code.message_en().is_empty());
            assert_ne!(code.message_it(), code.message_en(), "{s} lacks a translation");
        }
    }

    #[test]
    fn api_md_codes_are_all_present() {
        let required = "AMOUNT_FORMAT AMOUNT_PRECISION AMOUNT_NEGATIVE AMOUNT_ZERO AMOUNT_TOO_LARGE \
            AMOUNT_NOT_MULTIPLE FLOAT_NOT_ALLOWED DATE_FORMAT DATE_INVALID MOMENT_FORMAT \
            QUARTER_FORMAT QUARTER_OUT_OF_RANGE FISCAL_CODE_LENGTH FISCAL_CODE_CHARACTER \
            FISCAL_CODE_CHECKSUM FISCAL_CODE_DATE VAT_NUMBER_FORMAT VAT_NUMBER_CHECKSUM \
            IBAN_FORMAT IBAN_COUNTRY IBAN_CHECKSUM IBAN_CIN CAP_FORMAT EMAIL_FORMAT \
            PHONE_FORMAT PASSWORD_TOO_SHORT PASSWORD_NO_UPPERCASE PASSWORD_NO_LOWERCASE \
            PASSWORD_NO_DIGIT PASSWORD_NO_SYMBOL PASSWORD_FORBIDDEN_CHARACTER \
            PASSWORD_TOO_LONG PASSWORD_CONFIRMATION_MISMATCH PASSWORD_UNCHANGED \
            NOT_AUTHORIZED USER_BLOCKED USER_NOT_FOUND USER_DUPLICATE \
            EMAIL_CONFIRMATION_MISMATCH LAST_MANAGER SUPPORT_REQUIRED RESET_NO_MATCH \
            QUARTER_EXISTS QUARTER_NOT_FOUND QUARTER_NOT_STARTED QUARTER_BEFORE_FIRST \
            QUARTER_NOT_ENDED PREVIOUS_NOT_TRANSMITTED INVALID_STATE WORK_OPEN NO_ORDERS \
            ORDER_DUPLICATE ORDER_NOT_FOUND ORDER_NUMBER_INVALID ORDER_DATE_FUTURE \
            SPLIT_DATE_MISMATCH ZERO_QUARTER_HAS_CARDS ZERO_QUARTER_HAS_ORDERS \
            REPORT_EMPTY REPORT_TOO_LARGE REPORT_FORMAT CONTACT_DUPLICATE \
            SITE_FIELD_REQUIRED ROLE_NOT_ASSOCIATED SECURITY_OFFICER_ELSEWHERE \
            EVENT_LOG_VERSION EVENT_REJECTED";
        for code in required.split_whitespace() {
            assert!(ErrorCode::from_code(code).is_some(), "missing {code}");
        }
    }
}
