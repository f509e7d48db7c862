//! The columns of each kind of file and the header names accepted for them (SPEC §11): matched
//! after folding case, accents, spaces and punctuation.

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Payment orders.
    Orders,
    /// Cards (signing moments).
    Cards,
    /// CIEonline counts per quarter.
    Cieonline,
}

/// A column: its canonical name and the headers accepted for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// Canonical name (`number`, `signed_at`, …).
    pub name: &'static str,
    /// Headers accepted, as people write them (folded before comparing).
    pub accepted: &'static [&'static str],
    /// A row cannot be read without it.
    pub required: bool,
}

/// The municipality of a row, in files of many (the national job): optional everywhere.
const MUNICIPALITY: Column = Column {
    name: "municipality",
    accepted: &["Comune", "Codice ISTAT", "Codice comune", "ISTAT", "municipality"],
    required: false,
};

const ORDERS: [Column; 7] = [
    Column {
        name: "number",
        accepted: &[
            "Numero",
            "Numero mandato",
            "N. mandato",
            "N° mandato",
            "Mandato",
            "Numero ordinativo",
            "N. ordinativo",
            "number",
        ],
        required: true,
    },
    Column {
        name: "date",
        accepted: &["Data", "Data mandato", "Data emissione", "Data ordinativo", "Data pagamento", "date"],
        required: true,
    },
    Column {
        name: "amount",
        accepted: &["Importo", "Importo €", "Importo euro", "Importo mandato", "Importo pagato", "amount"],
        required: true,
    },
    Column { name: "period_from", accepted: &["Dal", "Periodo dal", "Carte dal", "period_from"], required: false },
    Column { name: "period_to", accepted: &["Al", "Periodo al", "Carte al", "period_to"], required: false },
    Column { name: "causale", accepted: &["Causale", "Descrizione", "Oggetto", "causale"], required: false },
    MUNICIPALITY,
];

const CARDS: [Column; 3] = [
    Column {
        name: "signed_at",
        accepted: &["Data firma", "Data e ora firma", "Data di firma", "Firmata il", "data_firma", "signed_at"],
        required: true,
    },
    Column {
        name: "card_id",
        accepted: &["Numero carta", "N. carta", "N° carta", "Carta", "Codice carta", "Id carta", "Id", "card_id"],
        required: false,
    },
    MUNICIPALITY,
];

const CIEONLINE: [Column; 3] = [
    Column { name: "quarter", accepted: &["Trimestre", "quarter"], required: true },
    Column {
        name: "cards",
        accepted: &["Carte", "N° carte", "N. carte", "Numero carte", "Carte emesse", "CIE emesse", "cards"],
        required: true,
    },
    MUNICIPALITY,
];

impl Kind {
    /// The columns, in the order the readers address them.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Kind::Orders => &ORDERS,
            Kind::Cards => &CARDS,
            Kind::Cieonline => &CIEONLINE,
        }
    }
}

/// A header folded for comparison: lower case, accents dropped, only letters and digits kept
/// (`N° carte` → `ncarte`, `Importo €` → `importo`, `Data Firma` → `datafirma`).
pub fn fold_header(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            let c = match c {
                'à' | 'á' | 'â' | 'ä' | 'À' | 'Á' | 'Â' | 'Ä' => 'a',
                'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
                'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
                'ò' | 'ó' | 'ô' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Ö' => 'o',
                'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
                c => c.to_ascii_lowercase(),
            };
            c.is_ascii_alphanumeric().then_some(c)
        })
        .collect()
}

/// For each column of the kind, the index of the header that names it.
pub(crate) fn map_headers(kind: Kind, headers: &[String]) -> Result<Vec<Option<usize>>, crate::ImportError> {
    let folded: Vec<String> = headers.iter().map(|h| fold_header(h)).collect();
    let mut missing = Vec::new();
    let indices = kind
        .columns()
        .iter()
        .map(|column| {
            let found =
                folded.iter().position(|h| !h.is_empty() && column.accepted.iter().any(|a| fold_header(a) == *h));
            if found.is_none() && column.required {
                missing.push((column.name, column.accepted.to_vec()));
            }
            found
        })
        .collect();
    if missing.is_empty() {
        Ok(indices)
    } else {
        Err(crate::ImportError::ColumnsMissing(missing))
    }
}
