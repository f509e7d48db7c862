//! End-to-end tests of the `cie-pagamenti` binary: output, JSON and exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cie-pagamenti"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn cards_explains_the_top_up() {
    let ok = run(&["cards", "33,58"], None);
    assert_eq!(ok.status.code(), Some(0));
    assert!(stdout(&ok).contains("= 2 carte"), "{}", stdout(&ok));
    let bad = run(&["cards", "33,59"], None);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stdout(&bad).contains("integrare con € 16,78 per raggiungere 3 carte"), "{}", stdout(&bad));
    let en = run(&["--lang", "en", "--json", "cards", "33.59"], None);
    let v: serde_json::Value = serde_json::from_str(&stdout(&en)).unwrap();
    assert_eq!(v["error"]["code"], "AMOUNT_NOT_MULTIPLE");
    assert_eq!(v["error"]["top_up"], "16.78");
    assert_eq!(v["error"]["cards_below"], 2);
    let garbage = run(&["cards", "12,3"], None);
    assert_eq!(garbage.status.code(), Some(1));
    assert!(stderr(&garbage).starts_with("AMOUNT_FORMAT"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["cards"], None).status.code(), Some(2));
    assert_eq!(run(&["nonsense"], None).status.code(), Some(2));
    let missing = run(&["orders", "check", "no/such/file.csv"], None);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn price_fee_quarter_due_dates_causale_mailbox() {
    assert!(stdout(&run(&["price"], None)).contains("16,79"));
    let fee = run(&["--json", "fee", "--duplicate"], None);
    let v: serde_json::Value = serde_json::from_str(&stdout(&fee)).unwrap();
    assert_eq!(v["total"], "27.37");
    let q = run(&["--json", "quarter-of", "2024-03-31T23:30:00Z", "2024-03-31T21:59:59Z", "bad"], None);
    assert_eq!(q.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&q)).unwrap();
    assert_eq!(v[0]["quarter"], "2024-Q2");
    assert_eq!(v[1]["quarter"], "2024-Q1");
    assert_eq!(v[2]["error"]["code"], "MOMENT_FORMAT");
    let due = stdout(&run(&["due-dates", "2024"], None));
    assert!(due.contains("2024-03-2   16/03/2024  31/03/2024  29/03/2024"), "{due}");
    let causale = stdout(&run(&["causale", "--comune", "Roma", "--fortnight", "2024-03-2", "--cards", "12"], None));
    assert!(causale.contains("n. 12 carte d'identità elettroniche (16/03/2024-31/03/2024)"));
    assert!(causale.contains("201,48"));
    assert_eq!(stdout(&run(&["mailbox", "L'Aquila"], None)).trim(), "pagamenti.cie.al@interno.it");
}

#[test]
fn check_reads_stdin_and_prints_json_lines() {
    let o = run(&["--json", "check", "fiscal-code", "-"], Some("RSSMRAQRCMNFNLRG\nRSSMRA80A01F205Y\n"));
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(lines[0]["normalized"], "RSSMRAQRCMNFNLRG");
    assert_eq!(lines[1]["code"], "FISCAL_CODE_CHECKSUM");
    let ok = run(&["check", "iban", "IT81J0100003245348010374600", "vat-number"], None);
    assert_eq!(ok.status.code(), Some(1), "the second value is not an IBAN");
    let ok = run(&["check", "iban", "IT81J0100003245348010374600"], None);
    assert_eq!(ok.status.code(), Some(0));
}

#[test]
fn check_fiscal_code_against_names_warns_without_failing() {
    let o = run(&["check", "fiscal-code", "RSSMRA80A01H501U", "--cognome", "Bianchi", "--nome", "Luigi"], None);
    assert_eq!(o.status.code(), Some(0), "a mismatch is a warning (SPEC §7)");
    let text = stdout(&o);
    assert!(
        text.contains("FISCAL_CODE_NAME_MISMATCH") && text.contains("il cognome dà BNC, il codice ha RSS"),
        "{text}"
    );
    let o = run(&["--json", "check", "fiscal-code", "RSSMRA80A01H501U", "--surname", "Rossi", "--name", "Mario"], None);
    assert_eq!(stdout(&o).lines().count(), 1, "no warning when the names match");
}

#[test]
fn password_check_never_echoes() {
    let secret = "segreta-Sbagliata";
    let o = run(&["check", "password"], Some(secret));
    assert_eq!(o.status.code(), Some(1));
    assert!(!stdout(&o).contains(secret) && !stderr(&o).contains(secret));
    assert!(stdout(&o).contains("✗ La password deve contenere almeno un numero"));
    assert!(stdout(&o).contains("✓ La password deve contenere almeno una lettera maiuscola"));
    let good = run(&["check", "password"], Some("Corretta.2024\n"));
    assert_eq!(good.status.code(), Some(0));
    let generated = run(&["password", "generate"], None);
    assert_eq!(stdout(&generated).trim().chars().count(), 16);
}

#[test]
fn orders_check_on_the_example() {
    let o = run(&["orders", "check", "examples/orders.csv"], None);
    assert_eq!(o.status.code(), Some(1), "the example contains one non-multiple amount");
    let err = stderr(&o);
    assert!(err.contains("AMOUNT_NOT_MULTIPLE"), "{err}");
    assert!(err.contains("integrare con € 16,29"), "{err}");
    let json = run(&["--json", "orders", "check", "examples/orders.csv"], None);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(v["violations"], 1);
    assert_eq!(v["blocking"], true);
    let bad_row = v["rows"].as_array().unwrap().iter().find(|r| r["valid"] == false).unwrap();
    assert_eq!(bad_row["order"]["number"], "1818");
    assert_eq!(bad_row["errors"][0]["top_up"], "16.29");
}

#[test]
fn orders_check_reports_every_bad_row() {
    let dir = std::env::temp_dir().join(format!("cie-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("orders.csv");
    std::fs::write(
        &file,
        "\u{feff}number,date,amount\n1,15/01/2024,33.58\n,15/01/2024,16.79\n3,31/02/2024,16.79\n4,15/01/2024,-1\n1,16/01/2024,16.79\n",
    )
    .unwrap();
    let o = run(&["--json", "orders", "check", file.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let codes: Vec<String> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect::<Vec<_>>().join("+")
        })
        .collect();
    // The same order (year and number) on two rows with other data is a finding of the import.
    assert_eq!(codes, ["", "ORDER_NUMBER_INVALID", "DATE_INVALID", "AMOUNT_NEGATIVE", "ORDER_IDENTITY_DUPLICATE"]);
    assert_eq!(v["rows"][2]["line"], 4);
}

#[test]
fn reconcile_the_example_municipality() {
    let args = [
        "--json",
        "reconcile",
        "--comune",
        "Castelprova",
        "--cards",
        "examples/cards.csv",
        "--orders",
        "examples/orders.csv",
        "--cieonline",
        "examples/cieonline.csv",
        "--transmitted",
        "2020-Q1..2024-Q2",
        "--now",
        "2024-11-15T12:00:00",
    ];
    let o = run(&args, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let r = &v["reconciliation"];
    assert_eq!(r["balance"], "under");
    assert_eq!(r["discrepancies"], 3);
    assert_eq!(r["next_to_transmit"], "2024-Q3");
    assert_eq!(r["missing_quarters"], serde_json::json!(["2024-Q3"]));
    let rows = r["quarters"].as_array().unwrap();
    let row = |q: &str| rows.iter().find(|x| x["quarter"] == q).unwrap().clone();
    assert_eq!(row("2020-Q2")["cards_from_amount"], 0, "the zero quarter");
    assert_eq!(row("2024-Q3")["exact"], false);
    assert_eq!(row("2024-Q3")["top_up"], "16.29");
    assert_eq!(row("2021-Q4")["discrepancy"], 2);
    assert_eq!(row("2023-Q3")["discrepancy"], -3);
    let split: Vec<_> = v["allocation"]["orders"].as_array().unwrap().iter().filter(|o| o["split"] == true).collect();
    assert_eq!(split.len(), 1);
    assert_eq!(split[0]["number"], "301");
    // The circular's example: the order of 10 April 2022 pays March cards, so Q1.
    let april =
        v["allocation"]["orders"].as_array().unwrap().iter().find(|o| o["date"] == "2022-04-10").unwrap().clone();
    assert_eq!(april["portions"][0]["quarter"], "2022-Q1");
    let text = run(&args[1..], None);
    assert!(stdout(&text).contains("NON MULTIPLO: integrare € 16,29"));
    assert!(stdout(&text)
        .contains("mandato 2021/301 totale € 1511,10: 2021-Q2 € 789,13 (47 carte) + 2021-Q3 € 721,97 (43 carte)"));
}

#[test]
fn reconcile_without_cieonline_counts_shows_nd_and_proposes_no_zero_quarter() {
    let args = [
        "reconcile",
        "--comune",
        "Castelprova",
        "--cards",
        "examples/cards.csv",
        "--orders",
        "examples/orders.csv",
        "--now",
        "2024-11-15T12:00:00",
    ];
    let o = run(&args, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(!text.contains("trimestre a zero"), "an unknown count is not 0:\n{text}");
    assert!(text.contains("n.d."));
    assert!(text.contains("da concordare con il Supporto Tecnico"), "offsets listed:\n{text}");
    let mut json_args = vec!["--json"];
    json_args.extend(args);
    let v: serde_json::Value = serde_json::from_str(&stdout(&run(&json_args, None))).unwrap();
    let rows = v["reconciliation"]["quarters"].as_array().unwrap();
    assert!(rows.iter().all(|r| r["cieonline_cards"].is_null() && r["zero_quarter"] == false));
    // Every credited order is listed, by identity.
    let credited = v["allocation"]["orders"].as_array().unwrap().iter().filter(|o| o["credit"] != "0.00").count();
    let credits = v["settlement"]["credits"].as_array().unwrap();
    assert!(credited > 0);
    assert_eq!(credits.len(), credited);
    assert!(credits.iter().all(|c| c["order"].as_str().unwrap().contains('/')));
}

#[test]
fn reconcile_reports_bad_rows_with_their_line() {
    let dir = std::env::temp_dir().join(format!("cie-rec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cards = dir.join("cards.csv");
    std::fs::write(&cards, "signed_at\n2024-01-02T10:00:00\nieri\n").unwrap();
    let orders = dir.join("orders.csv");
    std::fs::write(&orders, "numero;data;importo\n1;15/01/2024;16,79\n").unwrap();
    let o = run(
        &["reconcile", "--comune", "X", "--cards", cards.to_str().unwrap(), "--orders", orders.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "an unreadable row is unreadable input");
    assert!(stderr(&o).contains("cards.csv:3 [signed_at]: MOMENT_FORMAT"), "{}", stderr(&o));
}

#[test]
fn report_writes_a_pdf_with_the_quarter() {
    let out = std::env::temp_dir().join(format!("cie-report-{}.pdf", std::process::id()));
    let o = run(
        &[
            "--json",
            "report",
            "--quarter",
            "2024-Q3",
            "--out",
            out.to_str().unwrap(),
            "--comune",
            "Castelprova",
            "--cards",
            "examples/cards.csv",
            "--orders",
            "examples/orders.csv",
            "--cieonline",
            "examples/cieonline.csv",
            "--now",
            "2024-11-15T12:00:00",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "2024-Q3 holds the non-multiple amount");
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["quarter"], "2024-Q3");
    assert_eq!(v["exact"], false);
    assert_eq!(v["signatories"].as_array().unwrap().len(), 2);
    let pdf = std::fs::read(&out).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}

#[test]
fn workflow_replay_prints_the_state() {
    let o = run(&["workflow", "replay", "examples/events.json"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Eventi applicati: 15"), "{text}");
    assert!(text.contains("2024-Q1    trasmesso"), "{text}");
    // The log written by release 1 (version 1) still loads.
    let o = run(&["workflow", "replay", "tests/logs/v1-castelprova-2024.json"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("Eventi applicati: 15"));
    let dir = std::env::temp_dir().join(format!("cie-ev-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("events.json");
    let log = std::fs::read_to_string("../examples/events.json")
        .or_else(|_| std::fs::read_to_string("examples/events.json"))
        .unwrap();
    std::fs::write(&bad, log.replacen("\"version\": 2", "\"version\": 9", 1)).unwrap();
    let o = run(&["workflow", "replay", bad.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2), "a log of an unknown version is unreadable input");
    assert!(stderr(&o).contains("EVENT_LOG_VERSION"), "{}", stderr(&o));
    std::fs::write(&bad, "").unwrap();
    assert_eq!(run(&["workflow", "replay", bad.to_str().unwrap()], None).status.code(), Some(2), "empty log");
}

fn temp(name: &str, bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("cie-office-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

/// Windows-1252 bytes (every character used here is in it).
fn cp1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '€' => 0x80,
            'à' => 0xE0,
            'è' => 0xE8,
            'ì' => 0xEC,
            '°' => 0xB0,
            c => u8::try_from(u32::from(c)).unwrap(),
        })
        .collect()
}

#[test]
fn a_finance_office_with_its_exports() {
    // Excel on Italian Windows: Windows-1252, `;`, CRLF, headers with spaces and signs,
    // Italian amounts with thousands, d/m/yyyy dates, an accent in a column nobody reads.
    let orders = temp(
        "mandati.csv",
        &cp1252("N. mandato;Data;Importo €;Beneficiario\r\n1;1/2/2024;€ 302,22;Tesoreria Forlì\r\n2;15-02-2024;1.124,93;Tesoreria\r\n"),
    );
    let cards = temp("carte.csv", &cp1252("Data Firma;N° carta\r\n15/1/2024 10:22;C1\r\n"));
    let counts = temp("cieonline.csv", &cp1252("Trimestre;N° carte\r\n2024-Q1;1\r\n"));
    let base = [
        "--comune",
        "Forlì",
        "--cards",
        &cards,
        "--orders",
        &orders,
        "--cieonline",
        &counts,
        "--now",
        "2024-11-15T12:00:00",
    ];
    let mut args = vec!["--json", "reconcile"];
    args.extend(base);
    let o = run(&args, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let amounts: Vec<&str> =
        v["allocation"]["orders"].as_array().unwrap().iter().map(|o| o["amount"].as_str().unwrap()).collect();
    assert_eq!(amounts, ["302.22", "1124.93"]);
    // `--year` reconciles one year.
    let mut year = args.clone();
    year.extend(["--year", "2024"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&run(&year, None))).unwrap();
    let quarters: Vec<&str> =
        v["reconciliation"]["quarters"].as_array().unwrap().iter().map(|r| r["quarter"].as_str().unwrap()).collect();
    assert_eq!(quarters, ["2024-Q1", "2024-Q2", "2024-Q3"]);
}

#[test]
fn nothing_silently_accepted() {
    let orders = temp(
        "dup-orders.csv",
        b"numero;data;importo\r\n1;15/01/2024;16,79\r\n1;15/01/2024;16,79\r\n2;15/01/2030;16,79\r\n",
    );
    let cards = temp(
        "dup-cards.csv",
        b"card_id,signed_at\nA,2024-01-02T10:00:00\nA,2024-01-03T10:00:00\nB,2031-01-01T10:00:00\n",
    );
    let counts = temp("dup-counts.csv", b"trimestre;carte\n2024-Q1;1\n2024-Q1;2\n");
    let o = run(
        &[
            "--json",
            "reconcile",
            "--comune",
            "X",
            "--cards",
            &cards,
            "--orders",
            &orders,
            "--cieonline",
            &counts,
            "--now",
            "2024-11-15T12:00:00",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let found: Vec<(String, u64, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
            (file, f["line"].as_u64().unwrap(), f["code"].as_str().unwrap().to_owned())
        })
        .collect();
    let want = [
        ("dup-cards.csv", 3, "CARD_DUPLICATE"),
        ("dup-cards.csv", 4, "CARD_DATE_FUTURE"),
        ("dup-orders.csv", 3, "ROW_DUPLICATE"),
        ("dup-orders.csv", 4, "ORDER_DATE_FUTURE"),
        ("dup-counts.csv", 3, "CIEONLINE_DUPLICATE"),
    ];
    assert_eq!(found, want.map(|(f, l, c)| (f.to_owned(), l, c.to_owned())));
    let o = run(&["reconcile", "--comune", " ", "--cards", &cards, "--orders", &orders], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--comune"));
}

#[test]
fn report_outside_the_portal_or_in_the_future_and_default_file() {
    let args = |q: &'static str| {
        vec![
            "report",
            "--quarter",
            q,
            "--comune",
            "Castelprova",
            "--cards",
            "examples/cards.csv",
            "--orders",
            "examples/orders.csv",
            "--now",
            "2024-11-15T12:00:00",
        ]
    };
    let o = run(&args("2019-Q4"), None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("prima del 2020"), "{}", stderr(&o));
    let o = run(&args("2030-Q1"), None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("non è ancora concluso"), "{}", stderr(&o));
    assert_eq!(run(&args("2024-Q9"), None).status.code(), Some(2), "a bad --quarter is a usage error");
    // No --out: a default file name; a non-multiple says why it cannot be transmitted.
    let o = run(&args("2024-Q3"), None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("NON TRASMISSIBILE") && stderr(&o).contains("€ 16,29"), "{}", stderr(&o));
    let path = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rapporto-castelprova-2024-Q3.pdf"));
    assert!(std::fs::read(path).unwrap().starts_with(b"%PDF-"));
    std::fs::remove_file(path).unwrap();
}

#[test]
fn italian_argument_errors_and_a_closed_pipe() {
    let o = run(&["reconcile", "--bogus"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("opzione sconosciuta: --bogus"), "{}", stderr(&o));
    let o = run(&["--lang", "en", "reconcile", "--bogus"], None);
    assert!(stderr(&o).starts_with("unknown option: --bogus"), "{}", stderr(&o));
    let o = run(&["reconcile", "--comune", "X", "--cards", "no/such.csv", "--orders", "examples/orders.csv"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such.csv: file non trovato"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("os error"));
    // `reconcile … | head -2`: the reader closes the pipe after two lines.
    let mut child = Command::new(env!("CARGO_BIN_EXE_cie-pagamenti"))
        .args([
            "reconcile",
            "--comune",
            "Castelprova",
            "--cards",
            "examples/cards.csv",
            "--orders",
            "examples/orders.csv",
        ])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn the_spreadsheet_export_reconciles_like_the_csv() {
    let args = |orders: &'static str| {
        vec![
            "--json",
            "reconcile",
            "--comune",
            "Castelprova",
            "--cards",
            "examples/cards.csv",
            "--orders",
            orders,
            "--cieonline",
            "examples/cieonline.csv",
            "--transmitted",
            "2020-Q1..2024-Q2",
            "--now",
            "2024-11-15T12:00:00",
        ]
    };
    let csv = run(&args("examples/orders.csv"), None);
    let xlsx = run(&args("examples/mandati.xlsx"), None);
    assert_eq!(xlsx.status.code(), Some(0), "{}", stderr(&xlsx));
    assert_eq!(stdout(&csv), stdout(&xlsx));
}

#[test]
fn the_treasury_opi_files_reconcile_like_the_csv() {
    let base = |orders: &'static str| {
        vec![
            "--json",
            "reconcile",
            "--comune",
            "Castelprova",
            "--cards",
            "examples/cards.csv",
            "--orders",
            orders,
            "--cieonline",
            "examples/cieonline.csv",
            "--year",
            "2024",
            "--now",
            "2024-11-15T12:00:00",
        ]
    };
    let mut opi = base("examples/opi/ordinativi-2024.xml");
    opi.extend(["--cash-journal", "examples/opi/giornale-di-cassa-2024.xml"]);
    let opi = run(&opi, None);
    assert_eq!(opi.status.code(), Some(0), "{}", stderr(&opi));
    let csv = run(&base("examples/opi/mandati-cie-2024.csv"), None);
    let (mut a, mut b): (serde_json::Value, serde_json::Value) =
        (serde_json::from_str(&stdout(&opi)).unwrap(), serde_json::from_str(&stdout(&csv)).unwrap());
    let codes: Vec<&str> = a["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        ["CAUSALE_COUNT_MISMATCH", "ORDER_REVERSED"],
        "the reversed order and order 1818's causale are said"
    );
    a["findings"] = serde_json::json!([]);
    b["findings"] = serde_json::json!([]);
    assert_eq!(a, b);
}

#[test]
fn a_report_is_a_draft_while_the_previous_quarter_is_not_transmitted() {
    let out = std::env::temp_dir().join(format!("cie-report-prev-{}.pdf", std::process::id()));
    let args = |transmitted: &'static str| {
        vec![
            "--json".to_owned(),
            "report".to_owned(),
            "--quarter".to_owned(),
            "2024-Q2".to_owned(),
            "--out".to_owned(),
            out.to_str().unwrap().to_owned(),
            "--comune".to_owned(),
            "Castelprova".to_owned(),
            "--cards".to_owned(),
            "examples/cards.csv".to_owned(),
            "--orders".to_owned(),
            "examples/orders.csv".to_owned(),
            "--cieonline".to_owned(),
            "examples/cieonline.csv".to_owned(),
            "--transmitted".to_owned(),
            transmitted.to_owned(),
            "--now".to_owned(),
            "2024-11-15T12:00:00".to_owned(),
        ]
    };
    let run_owned = |a: Vec<String>| run(&a.iter().map(String::as_str).collect::<Vec<_>>(), None);
    let o = run_owned(args("2020-Q1..2023-Q4"));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("trimestre precedente non è ancora trasmesso"), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["draft_reasons"][0]["reason"], "previous_not_transmitted");
    let mut named = args("2020-Q1..2024-Q1");
    named.extend([
        "--firmatario".to_owned(),
        "Maria Rossi".to_owned(),
        "--firmatario".to_owned(),
        "Luca Bianchi".to_owned(),
    ]);
    let o = run_owned(named);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["signatories"][0]["name"], "Maria Rossi");
    assert_eq!(v["signatories"][1]["name"], "Luca Bianchi");
    assert_eq!(v["draft_reasons"], serde_json::json!([]), "{}", stderr(&o));
    assert_eq!(o.status.code(), Some(0));
    let _ = std::fs::remove_file(&out);
}

/// The national job on card and order files, with the sample's CIEonline counts, as of
/// 2024-11-15.
fn national_sample(cards: &str, orders: &str, out: &std::path::Path) -> Output {
    let out = out.to_str().unwrap();
    let args = ["national", "--cards", cards, "--orders", orders, "--cieonline", "examples/national/cieonline.csv"];
    run(&[&args[..], &["--now", "2024-11-15T12:00:00", "--out", out]].concat(), None)
}

#[test]
fn national_reconciles_each_municipality_as_if_alone() {
    let out = std::env::temp_dir().join(format!("cie-national-{}.csv", std::process::id()));
    let o = national_sample("examples/national/carte.csv", "examples/national/mandati.csv", &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("2 Comuni riconciliati"), "{}", stdout(&o));
    let rows = std::fs::read_to_string(&out).unwrap();
    let mine: Vec<Vec<String>> = rows
        .lines()
        .skip(1)
        .map(|l| l.split(';').map(str::to_owned).collect::<Vec<_>>())
        .filter(|r| r[0] == "099001")
        .collect();
    // The same municipality alone, through `reconcile`.
    let alone = run(
        &[
            "--json",
            "reconcile",
            "--comune",
            "Castelprova",
            "--cards",
            "examples/cards.csv",
            "--orders",
            "examples/orders.csv",
            "--cieonline",
            "examples/cieonline.csv",
            "--now",
            "2024-11-15T12:00:00",
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&alone)).unwrap();
    let quarters = v["reconciliation"]["quarters"].as_array().unwrap();
    assert_eq!(mine.len(), quarters.len());
    for (row, q) in mine.iter().zip(quarters) {
        assert_eq!(row[1], q["quarter"].as_str().unwrap());
        assert_eq!(row[2], q["amount"].as_str().unwrap());
        assert_eq!(row[3], q["cards_from_amount"].to_string());
        assert_eq!(row[6], q["cieonline_cards"].as_u64().map_or(String::new(), |n| n.to_string()));
    }
    let summary = std::fs::read_to_string(
        out.with_file_name(format!("{}-riepilogo.csv", out.file_stem().unwrap().to_string_lossy())),
    )
    .unwrap();
    assert_eq!(summary.lines().count(), 3, "{summary}");
    // A file without the municipality column: every row a finding, exit 2.
    let o = run(
        &[
            "national",
            "--cards",
            "examples/cards.csv",
            "--orders",
            "examples/orders.csv",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Manca il Comune della riga"), "{}", stderr(&o));
    let _ = std::fs::remove_file(&out);
}

/// The national job does not depend on the order of the rows: cards of the municipalities
/// interleaved and the later code first, orders of the later code first, give the same files
/// (rows by code, each municipality reconciled alone).
#[test]
fn national_rows_in_any_order_give_the_same_files() {
    let dir = std::env::temp_dir().join(format!("cie-national-order-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let lines = |name: &str| -> (String, Vec<String>) {
        let path = format!("{}/../examples/national/{name}.csv", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines = text.lines().map(str::to_owned);
        (lines.next().unwrap(), lines.collect())
    };
    // Cards: the two municipalities alternating, 099002's first, each in reverse.
    let (header, cards) = lines("carte");
    let (mut first, mut second): (Vec<String>, Vec<String>) = cards.into_iter().partition(|l| l.starts_with("099002"));
    first.reverse();
    second.reverse();
    assert!(!first.is_empty() && !second.is_empty());
    let mut mixed = vec![header];
    let (mut a, mut b) = (first.into_iter(), second.into_iter());
    loop {
        match (a.next(), b.next()) {
            (None, None) => break,
            (x, y) => mixed.extend(x.into_iter().chain(y)),
        }
    }
    std::fs::write(dir.join("carte.csv"), mixed.join("\n") + "\n").unwrap();
    let (header, orders) = lines("mandati");
    let (later, earlier): (Vec<String>, Vec<String>) = orders.into_iter().partition(|l| l.starts_with("099002"));
    let orders = std::iter::once(header).chain(later).chain(earlier).collect::<Vec<_>>();
    std::fs::write(dir.join("mandati.csv"), orders.join("\n") + "\n").unwrap();
    let job = |cards: &str, orders: &str, out: &std::path::Path| {
        let o = national_sample(cards, orders, out);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    };
    job("examples/national/carte.csv", "examples/national/mandati.csv", &dir.join("as-given.csv"));
    let (cards, orders) = (dir.join("carte.csv"), dir.join("mandati.csv"));
    job(cards.to_str().unwrap(), orders.to_str().unwrap(), &dir.join("mixed.csv"));
    let given = csv_rows(&dir.join("as-given.csv"));
    assert!(given.iter().skip(1).any(|r| r[0] == "099001") && given.iter().skip(1).any(|r| r[0] == "099002"));
    assert_eq!(given, csv_rows(&dir.join("mixed.csv")));
    assert_eq!(csv_rows(&dir.join("as-given-riepilogo.csv")), csv_rows(&dir.join("mixed-riepilogo.csv")));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The rows of a `;` CSV written by the national job, header first.
fn csv_rows(path: &std::path::Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| l.split(';').map(str::to_owned).collect()).collect()
}

/// The columns of a Parquet file as text (decimals exact, nulls empty), header first.
fn parquet_rows(path: &std::path::Path) -> Vec<Vec<String>> {
    use arrow_array::RecordBatchReader;
    let file = std::fs::File::open(path).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap().build().unwrap();
    let mut out = vec![reader.schema().fields().iter().map(|f| f.name().clone()).collect::<Vec<_>>()];
    for batch in reader {
        let batch = batch.unwrap();
        let formatters: Vec<_> = batch
            .columns()
            .iter()
            .map(|c| {
                arrow_cast::display::ArrayFormatter::try_new(c.as_ref(), &arrow_cast::display::FormatOptions::default())
                    .unwrap()
            })
            .collect();
        for r in 0..batch.num_rows() {
            out.push(formatters.iter().map(|f| f.value(r).to_string()).collect());
        }
    }
    out
}

#[test]
fn reconcile_national_reads_and_writes_parquet_as_it_does_csv() {
    let dir = std::env::temp_dir().join(format!("cie-national-parquet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let job = |ext: &str, out: &str| {
        let files = |name: &str| format!("examples/national/{name}.{ext}");
        let o = run(
            &[
                "reconcile",
                "--national",
                "--cards",
                &files("carte"),
                "--orders",
                &files("mandati"),
                "--cieonline",
                &files("cieonline"),
                "--now",
                "2024-11-15T12:00:00",
                "--out",
                dir.join(out).to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(stdout(&o).contains("2 Comuni riconciliati"), "{}", stdout(&o));
    };
    // Typed Parquet inputs (timestamps with a zone, date32, decimal(18, 2); snappy and zstd)
    // give the rows the CSV inputs give, in either output format.
    job("csv", "from-csv.csv");
    job("parquet", "from-parquet.csv");
    job("parquet", "from-parquet.parquet");
    let from_csv = csv_rows(&dir.join("from-csv.csv"));
    assert!(from_csv.len() > 20, "{from_csv:?}");
    assert_eq!(from_csv, csv_rows(&dir.join("from-parquet.csv")));
    assert_eq!(from_csv, parquet_rows(&dir.join("from-parquet.parquet")));
    assert_eq!(
        csv_rows(&dir.join("from-csv-riepilogo.csv")),
        parquet_rows(&dir.join("from-parquet-riepilogo.parquet"))
    );
    // Amounts are exact decimals in the Parquet output.
    let file = std::fs::File::open(dir.join("from-parquet.parquet")).unwrap();
    let builder = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let amount = builder.schema().field_with_name("amount").unwrap().data_type().clone();
    assert_eq!(amount, arrow_schema::DataType::Decimal128(18, 2));
    // `national` is the same job.
    let o = run(
        &[
            "national",
            "--cards",
            "examples/national/carte.parquet",
            "--orders",
            "examples/national/mandati.parquet",
            "--cieonline",
            "examples/national/cieonline.parquet",
            "--now",
            "2024-11-15T12:00:00",
            "--out",
            dir.join("national.csv").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(from_csv, csv_rows(&dir.join("national.csv")));
    // Options of one municipality are refused with --national, not ignored.
    let o = run(&["reconcile", "--national", "--cards", "a", "--orders", "b", "--transmitted", "2020-Q1"], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn parquet_with_floating_point_amounts_is_refused_naming_the_column() {
    use std::sync::Arc;
    let dir = std::env::temp_dir().join(format!("cie-parquet-float-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("mandati.parquet");
    let batch = arrow_array::RecordBatch::try_from_iter([
        ("Codice ISTAT", Arc::new(arrow_array::StringArray::from(vec!["099001"])) as arrow_array::ArrayRef),
        ("Numero", Arc::new(arrow_array::StringArray::from(vec!["1"])) as _),
        ("Data", Arc::new(arrow_array::StringArray::from(vec!["2024-02-16"])) as _),
        ("Importo", Arc::new(arrow_array::Float64Array::from(vec![16.79])) as _),
    ])
    .unwrap();
    let mut w =
        parquet::arrow::ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let o = run(
        &[
            "reconcile",
            "--national",
            "--cards",
            "examples/national/carte.parquet",
            "--orders",
            path.to_str().unwrap(),
            "--now",
            "2024-11-15T12:00:00",
            "--out",
            dir.join("out.csv").to_str().unwrap(),
        ],
        None,
    );
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("\"Importo\"") && stderr(&o).contains("floating point"), "{}", stderr(&o));
    assert!(!dir.join("out.csv").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
