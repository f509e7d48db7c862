use super::*;

fn now() -> Options {
    Options { now: Some(Moment::parse("2024-11-15T12:00:00").unwrap()), ..Options::default() }
}

fn codes<T>(i: &Imported<T>) -> Vec<(u64, &'static str)> {
    i.findings.iter().map(|f| (f.line, f.code.as_str())).collect()
}

/// Windows-1252 bytes of a text (the test's own encoder: every character here is in it).
fn cp1252(text: &str) -> Vec<u8> {
    let (bytes, _, bad) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!bad);
    bytes.into_owned()
}

#[test]
fn excel_on_italian_windows() {
    // Windows-1252, `;`, CRLF, Italian headers with spaces and signs, display amounts, d/m/yyyy.
    let text = "Numero Mandato;Data;Importo €;Beneficiario;Causale\r\n\
                12;1/2/2024;€ 302,22;Tesoreria dello Stato – capo X;Comune di Forlì corrispettivo per il rilascio di n. 18 carte d'identità elettroniche (16/01/2024-31/01/2024)\r\n\
                13;15-02-2024;1.124,93;Tesoreria;n. 67 carte (01/02/2024-15/02/2024)\r\n";
    let r = read_orders(&cp1252(text), &now()).unwrap();
    assert_eq!(r.source.encoding, Some("windows-1252"));
    assert_eq!(r.source.delimiter, Some(';'));
    // The second causale states 67 cards but no municipality; the amount is right: no warning.
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(r.rows.len(), 2);
    let with_town = read_orders(&cp1252(text), &Options { municipality: Some("Cesena".into()), ..now() }).unwrap();
    assert_eq!(codes(&with_town), vec![(2, "CAUSALE_MUNICIPALITY_MISMATCH")]);
    assert_eq!(with_town.findings[0].severity, Severity::Warning);
    assert_eq!(with_town.rows.len(), 2, "a warning does not leave the row out");
    let first = &r.rows[0];
    assert_eq!(first.line, 2);
    assert_eq!(first.value.order.amount, cie_pagamenti::Amount::from_cents(30222));
    assert_eq!(first.value.order.date, chrono::NaiveDate::from_ymd_opt(2024, 2, 1).unwrap());
    // The period comes from the causale when there are no period columns.
    assert_eq!(
        first.value.order.period,
        Some((
            chrono::NaiveDate::from_ymd_opt(2024, 1, 16).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2024, 1, 31).unwrap()
        ))
    );
    assert_eq!(r.rows[1].value.order.amount, cie_pagamenti::Amount::from_cents(112_493));
    assert_eq!(r.rows[1].line, 3, "CRLF lines counted right");
}

#[test]
fn header_variants_fold() {
    for header in ["N. mandato,Data mandato,Importo", "n° mandato,DATA,importo euro", "number,date,amount"] {
        let text = format!("{header}\n1,15/02/2024,16.79\n");
        let r = read_orders(text.as_bytes(), &now()).unwrap();
        assert_eq!(r.rows.len(), 1, "{header}");
    }
    let missing = read_orders(b"Numero;Data\n1;15/02/2024\n", &now()).unwrap_err();
    assert_eq!(missing.code(), ErrorCode::ColumnMissing);
    let message = missing.message(Lang::It);
    assert!(message.contains("amount: intestazioni accettate Importo, Importo €"), "{message}");
    let cards = read_cards("Data Firma;N° carta\n15/3/2024 10:22;CA1\n".as_bytes(), &now()).unwrap();
    assert_eq!(cards.rows[0].value.signed_at, Moment::parse("2024-03-15T10:22:00").unwrap());
    let counts = read_cieonline("Trimestre\tN° carte\n2024-Q1\t18\n".as_bytes(), &now()).unwrap();
    assert_eq!(counts.rows[0].value.cards, 18);
    assert_eq!(counts.source.delimiter, Some('\t'));
}

#[test]
fn utf16_and_bom() {
    let mut bytes = vec![0xFF, 0xFE];
    for u in "trimestre;carte\r\n2024-Q1;7\r\n".encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    let r = read_cieonline(&bytes, &now()).unwrap();
    assert_eq!(r.source.encoding, Some("UTF-16LE"));
    assert_eq!((r.rows[0].line, r.rows[0].value.cards), (2, 7));
    let r = read_cieonline("\u{feff}trimestre,carte\n2024-Q2,3\n".as_bytes(), &now()).unwrap();
    assert_eq!(r.source.encoding, Some("UTF-8"));
    assert_eq!(r.rows[0].value.cards, 3);
}

#[test]
fn every_bad_row_with_its_line_and_never_silent() {
    let text = "numero;data;importo\n\
                1;15/02/2024;16,79\n\
                1;15/02/2024;16,79\n\
                1;16/02/2024;33,58\n\
                2;31/02/2024;16,79\n\
                3;15/02/2024;1.234\n\
                4;15/02/2030;16,79\n\
                ;15/02/2024;16,79\n\
                5;15/02/2024;16.79\n\
                \n\
                6;15/02/2024;abc\n";
    let r = read_orders(text.as_bytes(), &now()).unwrap();
    assert_eq!(r.rows.iter().map(|x| x.line).collect::<Vec<_>>(), vec![2, 6]);
    assert_eq!(
        codes(&r),
        vec![
            (3, "ROW_DUPLICATE"),
            (4, "ORDER_IDENTITY_DUPLICATE"),
            (5, "DATE_INVALID"),
            (7, "ORDER_DATE_FUTURE"),
            (8, "ORDER_NUMBER_INVALID"),
            (9, "AMOUNT_COLUMN_MIXED"),
            (11, "AMOUNT_FORMAT"),
        ]
    );
    assert_eq!(r.findings[0].fields.get("first_line"), Some(&FieldValue::Int(2)));
    assert!(r.findings[0].message_it.contains("già alla riga 2"));
    // "1.234" in a display column is one thousand two hundred thirty-four.
    assert_eq!(r.rows[1].value.order.amount, cie_pagamenti::Amount::from_cents(123_400));
}

#[test]
fn duplicates_of_cards_and_counts_and_future_cards() {
    let cards = read_cards(
        b"card_id,signed_at\nA,2024-03-01T10:00:00\nA,2024-03-02T10:00:00\nB,2030-01-01T10:00:00\nC,not a date\n",
        &now(),
    )
    .unwrap();
    assert_eq!(cards.rows.len(), 1);
    assert_eq!(codes(&cards), vec![(3, "CARD_DUPLICATE"), (4, "CARD_DATE_FUTURE"), (5, "MOMENT_FORMAT")]);
    let counts =
        read_cieonline(b"trimestre;carte\n2024-Q1;10\n2024-Q1;12\n2024-Q5;1\n2024-Q2;1.000\n", &now()).unwrap();
    assert_eq!(counts.rows.len(), 1);
    assert_eq!(counts.rows[0].value.cards, 10, "the first count stands, the second is a finding");
    assert_eq!(codes(&counts), vec![(3, "CIEONLINE_DUPLICATE"), (4, "QUARTER_FORMAT"), (5, "COUNT_FORMAT")]);
}

#[test]
fn empty_and_unreadable() {
    assert_eq!(read_cards(b"", &now()).unwrap_err(), ImportError::Empty);
    assert_eq!(read_cards(b"\n\n", &now()).unwrap_err(), ImportError::Empty);
    let e = read_orders(b"PK\x03\x04garbage", &now()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::FileFormat);
}

#[test]
fn spreadsheets() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    for file in ["orders.xlsx", "orders.ods"] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let r = read_orders(&bytes, &now()).unwrap();
        assert_eq!(r.source.format, "spreadsheet", "{file}");
        assert_eq!(r.rows.len(), 3, "{file}: {:?}", r.findings);
        assert_eq!(r.rows[0].line, 2);
        assert_eq!(r.rows[0].value.order.date, chrono::NaiveDate::from_ymd_opt(2024, 2, 15).unwrap(), "{file}");
        assert_eq!(r.rows[0].value.order.amount, cie_pagamenti::Amount::from_cents(30222), "{file}");
        // A formula's cached value: =16.79*67.
        assert_eq!(r.rows[1].value.order.amount, cie_pagamenti::Amount::from_cents(112_493), "{file}");
        assert_eq!(codes(&r), vec![(5, "AMOUNT_PRECISION")], "{file}");
        let cards = read_cards(&bytes, &Options { sheet: Some("Carte".into()), ..now() }).unwrap();
        assert_eq!(cards.rows[0].value.signed_at, Moment::parse("2024-03-15T10:22:00").unwrap(), "{file}");
        let missing = read_cards(&bytes, &Options { sheet: Some("Nope".into()), ..now() }).unwrap_err();
        assert_eq!(missing.code(), ErrorCode::FileFormat);
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// A reader that hands out at most `step` bytes at a time.
    struct Trickle<R> {
        data: R,
        step: usize,
    }

    impl<R: std::io::Read> std::io::Read for Trickle<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.step);
            self.data.read(&mut buf[..n])
        }
    }

    impl<R: std::io::Seek> std::io::Seek for Trickle<R> {
        fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
            self.data.seek(to)
        }
    }

    fn display(cents: i64) -> String {
        // Italian display with thousands groups: 1.234,56
        let (int, dec) = (cents / 100, cents % 100);
        let digits = int.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push('.');
            }
            grouped.push(c);
        }
        format!("{grouped},{dec:02}")
    }

    proptest! {
        #[test]
        fn no_input_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let _ = read_orders(&bytes, &Options::default());
            let _ = read_cards(&bytes, &Options::default());
            let _ = read_cieonline(&bytes, &Options::default());
        }

        #[test]
        fn no_text_input_panics(text in "(?s)[0-9;,\\t\"\\r\\n./€a-zà -]{0,200}") {
            let with_header = format!("numero;data;importo;dal;al\n{text}");
            let _ = read_orders(with_header.as_bytes(), &Options::default());
            let _ = read_cards(format!("data_firma\n{text}").as_bytes(), &Options::default());
            let xml = format!("<flusso_ordinativi><esercizio>2024</esercizio><mandato>{text}</mandato></flusso_ordinativi>");
            let _ = read_orders(xml.as_bytes(), &Options::default());
            let _ = read_opi_cash_journal(xml.replace("mandato", "movimento_conto_evidenza").as_bytes());
        }

        /// The streamed tally and the rows of the same card file agree: the same findings, and
        /// counts per day equal to the rows read, whatever the rows (bad moments, future cards,
        /// repeated ids, quoted fields, CRLF, Windows-1252, blank lines) and however the reader
        /// hands out its bytes.
        #[test]
        fn tally_agrees_with_rows(
            rows in prop::collection::vec((0i64..500, 0u8..8, 0u32..40), 0..60),
            crlf in any::<bool>(),
            windows_1252 in any::<bool>(),
            trickle in 1usize..70,
        ) {
            let base = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = format!("Data firma;\"N° carta\"{end}");
            for (day, kind, id) in &rows {
                let date = base + chrono::Days::new(*day as u64);
                let moment = match kind {
                    0 => "31/02/2024 10:00".to_owned(),
                    1 => String::new(),
                    2 => format!("{} 10:22", date.format("%-d/%-m/%Y")),
                    3 => format!("\"{}\"", date.format("%Y-%m-%d 23:30:00")),
                    _ => format!("{}", date.format("%Y-%m-%dT02:30:00")),
                };
                let id = if *id < 5 { String::new() } else { format!("CA{id:03}Ù") };
                text += &[moment.as_str(), ";", &id, end].concat();
                if kind == &7 { text += end; }
            }
            let bytes = if windows_1252 { encoding_rs::WINDOWS_1252.encode(&text).0.into_owned() } else { text.into_bytes() };
            let options = Options { now: Some(Moment::parse("2024-12-01T00:00:00").unwrap()), ..Options::default() };
            let read = read_cards(&bytes, &options).unwrap();
            let tally = tally_cards(Trickle { data: std::io::Cursor::new(&bytes[..]), step: trickle }, &options).unwrap();
            prop_assert_eq!(&tally.findings, &read.findings);
            prop_assert_eq!(&tally.source, &read.source);
            let epochs: Vec<i64> = read.rows.iter().map(|r| r.value.signed_at.epoch()).collect();
            prop_assert_eq!(tally.counts, cie_pagamenti::allocation::CardCounts::of(&epochs).unwrap());
        }

        /// A CSV written in any supported dialect reads back to the same orders.
        #[test]
        fn every_dialect_reads_back(
            rows in prop::collection::vec((1u32..99_999, 0u32..3000, 1i64..99_999_999), 1..20),
            delimiter in prop::sample::select(vec![';', ',', '\t']),
            crlf in any::<bool>(),
            encoding in 0u8..3,
            italian in any::<bool>(),
        ) {
            let base = chrono::NaiveDate::from_ymd_opt(2016, 7, 4).unwrap();
            let mut text = String::from(if italian { "Numero mandato|Data|Importo €" } else { "number|date|amount" })
                .replace('|', &delimiter.to_string());
            let mut want = Vec::new();
            for (i, (number, day, cents)) in rows.iter().enumerate() {
                let date = base + chrono::Days::new(u64::from(*day));
                let number = format!("{number}-{i}");
                let amount = if italian { display(*cents) } else { format!("{}.{:02}", cents / 100, cents % 100) };
                // A comma-delimited file quotes the Italian amount, as Excel does.
                let amount = if delimiter == ',' && italian { format!("\"{amount}\"") } else { amount };
                let day_text = if italian { date.format("%-d/%-m/%Y").to_string() } else { date.format("%Y-%m-%d").to_string() };
                text.push_str(if crlf { "\r\n" } else { "\n" });
                text += &[number.as_str(), &day_text, &amount].join(&delimiter.to_string());
                want.push((number, date, *cents));
            }
            let bytes: Vec<u8> = match encoding {
                0 => text.clone().into_bytes(),
                1 => {
                    let mut b = vec![0xFF, 0xFE];
                    for u in text.encode_utf16() { b.extend(u.to_le_bytes()); }
                    b
                }
                _ => encoding_rs::WINDOWS_1252.encode(&text).0.into_owned(),
            };
            let r = read_orders(&bytes, &Options::default()).unwrap();
            prop_assert!(r.findings.is_empty(), "{:?}", r.findings);
            let got: Vec<_> = r.rows.iter().map(|x| (x.value.order.number.clone(), x.value.order.date, x.value.order.amount.cents())).collect();
            prop_assert_eq!(got, want);
            let lines: Vec<u64> = r.rows.iter().map(|x| x.line).collect();
            prop_assert_eq!(lines, (2..2 + rows.len() as u64).collect::<Vec<_>>());
        }
    }
}

#[test]
fn opi_orders_and_cash_journal_match_the_csv() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/opi");
    let read = |f: &str| std::fs::read(dir.join(f)).unwrap();
    let mut opi = read_orders(&read("ordinativi-2024.xml"), &now()).unwrap();
    assert_eq!(opi.source.format, "opi");
    // Streamed, in small reads, the same orders and findings.
    let streamed =
        read_opi_orders_from(std::io::BufReader::with_capacity(7, &read("ordinativi-2024.xml")[..]), &now()).unwrap();
    assert_eq!(streamed, opi);
    // Declared Latin-1: decoded whole, as from memory.
    let latin1 = encoding_rs::WINDOWS_1252
        .encode(&String::from_utf8(read("ordinativi-2024.xml")).unwrap().replacen("UTF-8", "ISO-8859-1", 1))
        .0
        .into_owned();
    assert!(String::from_utf8(read("ordinativi-2024.xml")).unwrap().contains("encoding=\"UTF-8\""));
    assert_eq!(read_opi_orders_from(&latin1[..], &now()).unwrap().rows, opi.rows);
    // The annulled order is gone with no finding; the others are read. Order 1818 pays € 0,50
    // more than its causale's 48 cards: a warning.
    assert_eq!(codes(&opi), vec![(333, "CAUSALE_COUNT_MISMATCH")]);
    assert!(opi.rows.iter().all(|r| r.value.order.number != "9001" && r.value.order.number != "2101"));
    assert!(opi.rows.iter().any(|r| r.value.order.number == "9002"));
    let journal = read_opi_cash_journal(&read("giornale-di-cassa-2024.xml")).unwrap();
    assert!(journal.findings.is_empty());
    apply_cash_journal(&mut opi, &journal);
    assert_eq!(
        opi.findings.iter().map(|f| (f.code.as_str(), f.severity)).collect::<Vec<_>>(),
        vec![("CAUSALE_COUNT_MISMATCH", Severity::Warning), ("ORDER_REVERSED", Severity::Warning)]
    );
    let csv = read_orders(&read("mandati-cie-2024.csv"), &now()).unwrap();
    let orders = |i: &Imported<OrderRow>| i.rows.iter().map(|r| r.value.order.clone()).collect::<Vec<_>>();
    assert_eq!(orders(&opi), orders(&csv), "the two-beneficiary order counts only the CIE share");
}

#[test]
fn opi_findings_and_malformed_xml() {
    let xml = r#"<?xml version="1.0"?><flusso_ordinativi><esercizio>2024</esercizio>
<mandato><tipo_operazione>INSERIMENTO</tipo_operazione><numero_mandato>7</numero_mandato><data_mandato>2024-02-30</data_mandato>
<informazioni_beneficiario><importo_beneficiario>16.79</importo_beneficiario><sepa_credit_transfer><iban>IT81 J010 0003 2453 4801 0374 600</iban></sepa_credit_transfer></informazioni_beneficiario></mandato>
<mandato><tipo_operazione>ANNULLO</tipo_operazione><numero_mandato>8</numero_mandato><data_mandato>2024-02-10</data_mandato></mandato>
<mandato><numero_mandato>9</numero_mandato><data_mandato>2024-02-10</data_mandato>
<informazioni_beneficiario><importo_beneficiario>16,79</importo_beneficiario><causale>n. 1 carte d'identit&#224; elettroniche</causale></informazioni_beneficiario></mandato>
</flusso_ordinativi>"#;
    let r = read_orders(xml.as_bytes(), &now()).unwrap();
    assert!(r.rows.is_empty());
    assert_eq!(codes(&r), vec![(2, "DATE_INVALID"), (4, "ORDER_NOT_FOUND"), (5, "AMOUNT_FORMAT")]);
    let broken = read_orders(b"<flusso_ordinativi><mandato></flusso_ordinativi>", &now()).unwrap_err();
    assert_eq!(broken.code(), ErrorCode::FileFormat);
}

#[test]
fn files_of_many_municipalities_keep_them_apart() {
    let orders = "Codice ISTAT;Numero;Data;Importo\n032001;12;15/02/2024;33,58\n058091;12;15/02/2024;16,79\n032001;12;15/02/2024;50,37\n";
    let r = read_orders(orders.as_bytes(), &now()).unwrap();
    assert_eq!(r.rows.len(), 2, "the same number in two municipalities is two orders");
    assert_eq!(codes(&r), vec![(4, "ORDER_IDENTITY_DUPLICATE")]);
    assert_eq!(r.rows[1].value.municipality.as_deref(), Some("058091"));
    let counts = "Comune;Trimestre;Carte\nA;2024-Q1;3\nB;2024-Q1;4\nA;2024-Q1;5\n";
    let c = read_cieonline(counts.as_bytes(), &now()).unwrap();
    assert_eq!(
        c.rows.iter().map(|r| (r.value.municipality.clone().unwrap(), r.value.cards)).collect::<Vec<_>>(),
        vec![("A".to_owned(), 3), ("B".to_owned(), 4)]
    );
    assert_eq!(codes(&c), vec![(4, "CIEONLINE_DUPLICATE")]);
    let cards = read_cards(b"Comune;Data firma\nA;2024-03-01 10:00:00\nB;2024-03-02 10:00:00\n", &now()).unwrap();
    assert_eq!(cards.rows[1].value.municipality.as_deref(), Some("B"));
}

/// Found by the `import` fuzz target: records ended by a lone CR shared a line number, so a row
/// read and a row refused had the same line. Kept as a regression vector.
#[test]
fn fuzz_vector_lone_cr_lines_are_distinct() {
    let bytes = include_bytes!("../tests/data/fuzz-crash-lone-cr.csv");
    let orders = read_orders(bytes, &Options::default()).unwrap();
    for f in orders.findings.iter().filter(|f| f.severity == Severity::Error) {
        assert!(orders.rows.iter().all(|r| r.line != f.line), "line {} both read and refused", f.line);
    }
}

/// The message of the `FILE_FORMAT` error that refuses `bytes` as orders.
#[cfg(feature = "parquet")]
fn orders_format_error(bytes: &[u8]) -> String {
    let e = read_orders(bytes, &Options::default()).unwrap_err();
    assert_eq!(cie_pagamenti::CieError::code(&e), cie_pagamenti::ErrorCode::FileFormat);
    e.to_string()
}

/// Found by the `import` fuzz target in CI: a Parquet file whose zstd page had one byte changed
/// made the `parquet` crate panic inside its decoder. Every reader must answer with an error or
/// rows, never a panic. Kept as a regression vector.
#[cfg(feature = "parquet")]
#[test]
fn fuzz_vector_corrupt_parquet_page_is_an_error_not_a_panic() {
    let bytes = include_bytes!("../tests/data/fuzz-crash-parquet-zstd.parquet");
    let options = Options::default();
    // The decoder's own error, not the panic caught: the embedded Arrow schema is not decoded.
    let e = orders_format_error(bytes);
    assert!(!e.contains("damaged"), "{e}");
    let cards = read_cards(bytes, &options);
    let tally = crate::tally_card_bytes(bytes, &options);
    assert_eq!(cards.is_ok(), tally.is_ok());
    let _ = read_cieonline(bytes, &options);
}

/// Found by the `import` fuzz target: a damaged Parquet page made the `parquet` crate's bit
/// reader panic (`range end index 20 out of range for slice of length 8`, in its
/// `bit_util.rs`). The reader contains the third-party panic: the file is refused with
/// `FILE_FORMAT`, as damaged, and no panic reaches the caller.
#[cfg(feature = "parquet")]
#[test]
fn fuzz_vector_parquet_decoder_panic_is_contained() {
    let bytes = include_bytes!("../tests/data/fuzz-crash-parquet-bitutil.parquet");
    let options = Options::default();
    let e = orders_format_error(bytes);
    assert!(e.contains("damaged"), "{e}");
    // The other kinds stop earlier, at their missing columns: refused too.
    assert!(read_cards(bytes, &options).is_err());
    assert!(crate::tally_card_bytes(bytes, &options).is_err());
    assert!(read_cieonline(bytes, &options).is_err());
}

/// `orders.xlsx` with its first sheet's XML replaced by `edit` applied to it.
fn orders_xlsx_with(edit: impl Fn(&str) -> String) -> Vec<u8> {
    use std::io::{Read, Write};
    let bytes = include_bytes!("../tests/data/orders.xlsx");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let name = part.name().unwrap().into_owned();
        let mut text = String::new();
        part.read_to_string(&mut text).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            text = edit(&text);
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Found by the `import` fuzz target: a damaged XLSX whose cell reference has nine letters
/// (`r="Ddsheetml/2006/main"…`) made calamine multiply past `u32` (a panic in debug and fuzz
/// builds, a wrapped position in release builds). The reference is checked against Excel's
/// limits first: the file is refused with `FILE_FORMAT`, by every reader. Kept as a regression
/// vector.
#[test]
fn fuzz_vector_xlsx_reference_overflow_is_refused() {
    let bytes = include_bytes!("../tests/data/fuzz-crash-xlsx-reference-overflow.xlsx");
    let options = Options::default();
    let e = orders_format_error(bytes);
    assert!(e.contains("beyond a spreadsheet's limits") && e.contains("Ddsheetml"), "{e}");
    for e in [
        read_cards(bytes, &options).map(|_| ()),
        read_cieonline(bytes, &options).map(|_| ()),
        crate::tally_card_bytes(bytes, &options).map(|_| ()),
    ] {
        assert_eq!(e.map_err(|e| cie_pagamenti::CieError::code(&e)), Err(ErrorCode::FileFormat));
    }
}

/// References calamine would overflow on (too many letters or digits), past Excel's last column
/// or row, or a dimension that ends before it starts: each file is refused, and names the
/// reference.
#[test]
fn xlsx_references_beyond_the_grid_are_refused() {
    for (from, to) in [
        (r#"<c r="A3">"#, r#"<c r="ABCDEFGHIJ3">"#),
        (r#"<c r="A3">"#, r#"<c r="A99999999999">"#),
        (r#"<c r="A3">"#, r#"<c r="XFE3">"#),
        (r#"<row r="4">"#, r#"<row r="1048577">"#),
        ("<sheetData>", r#"<dimension ref="D5:A1"/><sheetData>"#),
    ] {
        let bytes = orders_xlsx_with(|xml| xml.replacen(from, to, 1));
        let e = orders_format_error(&bytes);
        let quoted = to.split('"').nth(1).unwrap();
        assert!(e.contains(&format!("{quoted:?}")), "{to}: {e}");
    }
    // The file they were made from reads.
    let plain = orders_xlsx_with(str::to_owned);
    assert_eq!(read_orders(&plain, &Options::default()).unwrap().rows.len(), 3);
}

/// A cell at Excel's last position (`XFD1048576`) beside the data of `A1:D5`: calamine's dense
/// range would ask for 17 billion cells. The sheet is read from its cells: the same orders, and
/// the far cell's row has findings of its own line, like any other row without an order.
#[test]
fn xlsx_cell_at_the_last_position_reads_without_a_dense_grid() {
    let far = r#"<row r="1048576"><c r="XFD1048576"><v>7</v></c></row></sheetData>"#;
    let bytes = orders_xlsx_with(|xml| xml.replacen("</sheetData>", far, 1));
    let plain = read_orders(&orders_xlsx_with(str::to_owned), &Options::default()).unwrap();
    let r = read_orders(&bytes, &Options::default()).unwrap();
    assert_eq!(r.rows, plain.rows);
    let extra: Vec<_> = r.findings.iter().filter(|f| !plain.findings.contains(f)).map(|f| f.line).collect();
    assert!(!extra.is_empty() && extra.iter().all(|line| *line == 1_048_576), "{extra:?}");
}

/// Cells written out of order (row 3 before row 2, a row's cells backwards) are read by
/// position, as spreadsheet programs show them: the same orders, in the same order.
#[test]
fn xlsx_cells_out_of_order_read_by_position() {
    let plain = read_orders(&orders_xlsx_with(str::to_owned), &Options::default()).unwrap();
    let shuffled = orders_xlsx_with(|xml| {
        let start = xml.find(r#"<row r="2">"#).unwrap();
        let middle = xml.find(r#"<row r="3">"#).unwrap();
        let end = xml.find(r#"<row r="4">"#).unwrap();
        let row3 = &xml[middle..end];
        let (a, rest) = row3.split_at(row3.find(r#"<c r="B3""#).unwrap());
        let (row_open, a) = a.split_at(a.find("<c ").unwrap());
        let backwards = format!("{row_open}{}{a}</row>", rest.trim_end_matches("</row>"));
        format!("{}{backwards}{}{}", &xml[..start], &xml[start..middle], &xml[end..])
    });
    let r = read_orders(&shuffled, &Options::default()).unwrap();
    assert_eq!(r.rows, plain.rows);
    assert_eq!(r.findings, plain.findings);
}
