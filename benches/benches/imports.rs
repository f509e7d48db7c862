//! The import layer on exports of national size, side by side with what a Rust user would write
//! without it: the `csv` crate reading the same file with `chrono` parsing the moments (no
//! encoding detection, no header folding, no findings). Throughput in bytes.
use std::fmt::Write;
use std::hint::black_box;

use cie_pagamenti_import::{read_cards, read_orders, tally_card_bytes, Options};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// `rows` card rows `data_firma;numero_carta` with Rome-local moments over 2024.
fn cards_csv(rows: usize) -> Vec<u8> {
    let mut text = String::with_capacity(rows * 36);
    text.push_str("Data firma;Numero carta\n");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..rows {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let second = x % (366 * 86_400);
        let (day, rest) = (second / 86_400, second % 86_400);
        let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(day);
        let _ = writeln!(
            text,
            "{}T{:02}:{:02}:{:02};CA{i:08}",
            date.format("%Y-%m-%d"),
            rest / 3600,
            rest / 60 % 60,
            rest % 60
        );
    }
    text.into_bytes()
}

/// An XLSX of `rows` card rows: a date-time cell (an Excel serial with a date-time format) and
/// a card number (a shared string, as Excel writes text), deflated as Excel does.
fn cards_xlsx(rows: usize) -> Vec<u8> {
    use std::io::Write;
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:B"#,
    );
    let _ = write!(
        sheet,
        r#"{}"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>"#,
        rows + 1
    );
    let mut strings = String::from("<si><t>Data firma</t></si><si><t>Numero carta</t></si>");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..rows {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        // 2024-01-01 is serial 45292; a second is 1/86 400 of a day.
        let second = u32::try_from(x % (366 * 86_400)).unwrap_or(0);
        let serial = 45_292.0 + f64::from(second) / 86_400.0;
        let r = i + 2;
        let _ = write!(
            sheet,
            r#"<row r="{r}"><c r="A{r}" s="1"><v>{serial}</v></c><c r="B{r}" t="s"><v>{}</v></c></row>"#,
            i + 2
        );
        let _ = write!(strings, "<si><t>CA{i:08}</t></si>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#.to_owned()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Carte" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.to_owned()),
        ("xl/styles.xml", r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy hh:mm:ss"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>"#.to_owned()),
        ("xl/sharedStrings.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{0}" uniqueCount="{0}">{strings}</sst>"#, rows + 2)),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// An OPI flusso_ordinativi of `orders` CIE orders (one beneficiary each).
fn opi(orders: usize) -> Vec<u8> {
    let mut text = String::from("<?xml version=\"1.0\"?>\n<flusso_ordinativi><esercizio>2024</esercizio>\n");
    for i in 0..orders {
        let day = 1 + i % 28;
        let _ = writeln!(
            text,
            "<mandato><tipo_operazione>INSERIMENTO</tipo_operazione><numero_mandato>{i}</numero_mandato>\
             <data_mandato>2024-03-{day:02}</data_mandato><importo_mandato>33.58</importo_mandato>\
             <informazioni_beneficiario><progressivo_beneficiario>1</progressivo_beneficiario>\
             <importo_beneficiario>33.58</importo_beneficiario><sepa_credit_transfer><iban>IT81J0100003245348010374600</iban>\
             </sepa_credit_transfer><causale>Comune di Castelprova corrispettivo per il rilascio di n. 2 carte d'identità \
             elettroniche (01/03/2024-{day:02}/03/2024)</causale></informazioni_beneficiario></mandato>"
        );
    }
    text.push_str("</flusso_ordinativi>\n");
    text.into_bytes()
}

fn imports(c: &mut Criterion) {
    let cards = cards_csv(2_000_000);
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(cards.len() as u64));
    group.bench_function("read_cards 2 M rows (CSV)", |b| {
        b.iter(|| black_box(read_cards(black_box(&cards), &Options::default()).unwrap().rows.len()));
    });
    group.bench_function("tally_cards 2 M rows (CSV, streamed into per-day counts)", |b| {
        b.iter(|| black_box(tally_card_bytes(black_box(&cards), &Options::default()).unwrap().counts.cards()));
    });
    group.bench_function("csv crate + chrono, same file (baseline)", |b| {
        b.iter(|| {
            let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(black_box(&cards[..]));
            let mut n = 0usize;
            for record in reader.records() {
                let record = record.unwrap();
                let t = chrono::NaiveDateTime::parse_from_str(&record[0], "%Y-%m-%dT%H:%M:%S").unwrap();
                n += usize::from(t.and_utc().timestamp() > 0);
            }
            black_box(n)
        });
    });
    let xlsx = cards_xlsx(100_000);
    group.throughput(Throughput::Bytes(xlsx.len() as u64));
    group.bench_function("read_cards 100 k rows (XLSX)", |b| {
        b.iter(|| black_box(read_cards(black_box(&xlsx), &Options::default()).unwrap().rows.len()));
    });
    group.bench_function("calamine alone, same file (baseline: its dense range, no checks)", |b| {
        use calamine::{open_workbook_auto_from_rs, Data, DataType, Reader};
        b.iter(|| {
            let mut book = open_workbook_auto_from_rs(std::io::Cursor::new(black_box(&xlsx[..]))).unwrap();
            let range = book.worksheet_range("Carte").unwrap();
            let mut n = 0usize;
            for row in range.rows().skip(1) {
                let t = row[0].as_datetime().map(|t| t.and_utc().timestamp());
                n += usize::from(t.is_some() && matches!(&row[1], Data::String(s) if !s.is_empty()));
            }
            black_box(n)
        });
    });
    let flow = opi(100_000);
    group.throughput(Throughput::Bytes(flow.len() as u64));
    group.bench_function("read_orders OPI 100 k orders", |b| {
        b.iter(|| black_box(read_orders(black_box(&flow), &Options::default()).unwrap().rows.len()));
    });
    group.finish();
}

criterion_group!(benches, imports);
criterion_main!(benches);
