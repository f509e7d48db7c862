//! The shared allocation and reconciliation vectors (`tests/vectors/statement.json`): each
//! case is a statement input (cards, orders, CIEonline counts, states, now) run through the
//! core's `statement_json`; each case's point is asserted here, and the file freezes the whole
//! outcome for the other runners (pytest, node, the C runner, Ruby), which must agree.
//! `UPDATE_VECTORS=1` rewrites the file.

use cie_pagamenti::reconciliation::statement_json;
use cie_pagamenti::CieError;
use serde_json::{json, Value};

struct Case {
    name: &'static str,
    input: Value,
    check: fn(&Result<Value, (String, Value)>),
}

fn ok(r: &Result<Value, (String, Value)>) -> &Value {
    r.as_ref().expect("the case computes")
}

fn quarters(v: &Value) -> Vec<&str> {
    v["reconciliation"]["quarters"].as_array().unwrap().iter().map(|r| r["quarter"].as_str().unwrap()).collect()
}

fn row<'a>(v: &'a Value, quarter: &str) -> &'a Value {
    v["reconciliation"]["quarters"].as_array().unwrap().iter().find(|r| r["quarter"] == quarter).unwrap()
}

fn cards(spec: &[(&str, usize)]) -> Vec<String> {
    // `n` cards on a day, at 10:00, 10:01, … Rome time.
    spec.iter().flat_map(|(day, n)| (0..*n).map(move |i| format!("{day}T10:{i:02}:00"))).collect()
}

#[allow(clippy::too_many_lines)] // a table of cases, one block each
fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "circular_10_april",
            // Circular 27/2021: an order dated 10 April paying cards of the last fortnight of
            // March belongs to Q1.
            input: json!({
                "now": "2024-05-10T12:00:00", "municipality": "Castelprova",
                "cards": cards(&[("2024-03-18", 3), ("2024-03-28", 2), ("2024-04-03", 1)]),
                "orders": [{"number": "12", "date": "2024-04-10", "amount": "83.95",
                            "period_from": "2024-03-16", "period_to": "2024-03-31"}],
                "cieonline": {"2024-Q1": 5},
                "first_quarter": "2024-Q1"
            }),
            check: |r| {
                let v = ok(r);
                let o = &v["allocation"]["orders"][0];
                assert_eq!(o["portions"][0]["quarter"], "2024-Q1");
                assert_eq!(o["portions"][0]["cards"], 5);
                assert_eq!(o["split"], false);
                assert_eq!(row(v, "2024-Q1")["cards_from_amount"], 5);
                assert_eq!(row(v, "2024-Q1")["mismatch"], Value::Null);
                // The April card is a debit of Q2, nobody's credit precedes it.
                assert_eq!(v["settlement"]["debits"][0]["quarter"], "2024-Q2");
                assert_eq!(v["settlement"]["offsets"], json!([]));
            },
        },
        Case {
            name: "future_cards_are_not_paid",
            // An order dated 10/03 cannot pay cards signed in April, nor a card of 2030.
            input: json!({
                "now": "2024-05-10T12:00:00",
                "cards": cards(&[("2024-03-05", 1), ("2024-04-02", 1), ("2030-06-01", 1)]),
                "orders": [{"number": "7", "date": "2024-03-10", "amount": "50.37"}],
                "first_quarter": "2024-Q1"
            }),
            check: |r| {
                let v = ok(r);
                let o = &v["allocation"]["orders"][0];
                assert_eq!(o["portions"].as_array().unwrap().len(), 1);
                assert_eq!(o["portions"][0]["cards"], 1);
                assert_eq!(o["credit"], "33.58");
                assert_eq!(quarters(v), vec!["2024-Q1"], "no 2030 row, no row for the unpaid April");
                let debits: Vec<&str> = v["settlement"]["debits"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d["quarter"].as_str().unwrap())
                    .collect();
                assert_eq!(debits, vec!["2024-Q2", "2030-Q2"]);
                // The credit of Q1 precedes both debits: two possible offsets, to be agreed.
                let offsets = v["settlement"]["offsets"].as_array().unwrap();
                assert_eq!(offsets.len(), 2);
                assert_eq!(offsets[0]["order"], "2024/7");
                assert_eq!(offsets[0]["amount"], "16.79");
                assert_eq!(offsets[0]["note_it"], "da concordare con il Supporto Tecnico");
                // Both ends counted: Q1 enters 2 cards worth (1 paid + its credit), unknown count.
                assert_eq!(row(v, "2024-Q1")["cieonline_cards"], Value::Null);
            },
        },
        Case {
            name: "pre_portal_portions_apart",
            // Cards of December 2019 paid by a January 2020 order: the 2019 part goes by e-mail.
            input: json!({
                "now": "2020-04-15T12:00:00", "municipality": "Castelprova",
                "cards": cards(&[("2019-12-20", 2), ("2020-01-05", 1)]),
                "orders": [{"number": "1", "date": "2020-01-15", "amount": "50.37"}],
                "cieonline": {"2020-Q1": 1}
            }),
            check: |r| {
                let v = ok(r);
                assert_eq!(quarters(v), vec!["2020-Q1"], "2019-Q4 is never a portal row");
                assert_eq!(v["reconciliation"]["pre_portal"][0]["quarter"], "2019-Q4");
                assert_eq!(v["settlement"]["pre_portal"][0]["cards"], 2);
                assert_eq!(v["pre_portal_mailbox"], "pagamenti.cie.al@interno.it");
                assert_eq!(v["allocation"]["orders"][0]["split"], true);
            },
        },
        Case {
            name: "year_two_numbering_and_split_across_new_year",
            // Orders 12 of 2021 and 12 of 2022 are two orders; the 2022 one pays December and
            // January cards (split across the new year).
            input: json!({
                "now": "2022-04-20T12:00:00",
                "cards": cards(&[("2021-12-10", 1), ("2021-12-28", 2), ("2022-01-10", 1)]),
                "orders": [
                    {"number": "12", "date": "2021-12-15", "amount": "16.79"},
                    {"number": "12", "date": "2022-01-20", "amount": "50.37"}
                ],
                "cieonline": {"2021-Q4": 3, "2022-Q1": 1},
                "states": {"2021-Q4": "transmitted"},
                "first_quarter": "2021-Q4"
            }),
            check: |r| {
                let v = ok(r);
                let orders = v["allocation"]["orders"].as_array().unwrap();
                assert_eq!(orders.len(), 2);
                assert_eq!(orders[1]["split"], true);
                assert_eq!(orders[1]["portions"][0]["quarter"], "2021-Q4");
                assert_eq!(orders[1]["portions"][1]["quarter"], "2022-Q1");
                assert_eq!(row(v, "2021-Q4")["cards_from_amount"], 3);
                assert_eq!(v["reconciliation"]["balance"], "equal");
                assert_eq!(v["settlement"]["needs_support"], json!([]), "no transmission day: assumed entered");
            },
        },
        Case {
            name: "portion_into_a_quarter_transmitted_before_the_order",
            // 2021-Q4 was transmitted on 10 January; an order of 20 January paying December
            // cards cannot be entered there without Support.
            input: json!({
                "now": "2022-04-20T12:00:00",
                "cards": cards(&[("2021-12-28", 2), ("2022-01-10", 1)]),
                "orders": [{"number": "3", "date": "2022-01-20", "amount": "50.37"}],
                "states": {"2021-Q4": "transmitted"},
                "transmitted_on": {"2021-Q4": "2022-01-10"},
                "first_quarter": "2021-Q4"
            }),
            check: |r| {
                let v = ok(r);
                let flagged = v["settlement"]["needs_support"].as_array().unwrap();
                assert_eq!(flagged.len(), 1);
                assert_eq!(flagged[0]["order"], "2022/3");
                assert_eq!(flagged[0]["quarter"], "2021-Q4");
                assert_eq!(v["reconciliation"]["balance_incomplete"], true, "2021-Q4 has no count");
            },
        },
        Case {
            name: "declared_period",
            // An order declaring 1–15 February pays only those cards, not the older January one.
            input: json!({
                "now": "2024-05-10T12:00:00",
                "cards": cards(&[("2024-01-20", 1), ("2024-02-03", 2), ("2024-02-20", 1)]),
                "orders": [{"number": "5", "date": "2024-02-16", "amount": "33.58",
                            "period_from": "2024-02-01", "period_to": "2024-02-15"}],
                "first_quarter": "2024-Q1"
            }),
            check: |r| {
                let v = ok(r);
                assert_eq!(v["allocation"]["orders"][0]["portions"][0]["cards"], 2);
                assert_eq!(v["allocation"]["quarters"]["2024-Q1"]["unpaid_cards"], 2);
                assert_eq!(v["settlement"]["debits"][0]["cards"], 2);
            },
        },
        Case {
            name: "unknown_counts_and_mismatch_before_transmission",
            // Without counts nothing is a zero quarter; a known count that differs in a quarter
            // not yet transmitted is a warning; the running quarter's count is provisional.
            input: json!({
                "now": "2024-08-10T12:00:00",
                "cards": cards(&[("2024-02-01", 3), ("2024-07-01", 1)]),
                "orders": [{"number": "1", "date": "2024-02-15", "amount": "50.37"},
                           {"number": "2", "date": "2024-07-15", "amount": "16.79"}],
                "cieonline": {"2024-Q1": 2, "2024-Q3": 1},
                "first_quarter": "2024-Q1"
            }),
            check: |r| {
                let v = ok(r);
                assert_eq!(row(v, "2024-Q1")["mismatch"], 1);
                assert_eq!(row(v, "2024-Q1")["discrepancy"], Value::Null);
                assert_eq!(row(v, "2024-Q2")["cieonline_cards"], Value::Null);
                assert_eq!(row(v, "2024-Q2")["zero_quarter"], false);
                assert_eq!(row(v, "2024-Q3")["cieonline_provisional"], true);
                assert_eq!(v["reconciliation"]["mismatches"], 1);
            },
        },
        Case {
            name: "balance_over_transmitted_quarters",
            // Scales over transmitted quarters with counts; the share of a quarter with a
            // discrepancy is suspended; a count of 0 in an ended empty quarter proposes a zero
            // quarter.
            input: json!({
                "now": "2024-11-15T12:00:00",
                "cards": cards(&[("2024-01-10", 2), ("2024-04-10", 3)]),
                "orders": [{"number": "1", "date": "2024-01-31", "amount": "33.58"},
                           {"number": "2", "date": "2024-04-30", "amount": "50.37"}],
                "cieonline": {"2024-Q1": 2, "2024-Q2": 4, "2024-Q3": 0},
                "states": {"2024-Q1": "transmitted", "2024-Q2": "transmitted"},
                "first_quarter": "2024-Q1"
            }),
            check: |r| {
                let v = ok(r);
                let rec = &v["reconciliation"];
                assert_eq!(rec["balance"], "under");
                assert_eq!(rec["balance_incomplete"], false);
                assert_eq!(rec["discrepancies"], 1);
                assert_eq!(rec["municipal_share"], "1.40");
                assert_eq!(rec["suspended_share"], "2.10");
                assert_eq!(row(v, "2024-Q3")["zero_quarter"], true);
                assert_eq!(rec["next_to_transmit"], "2024-Q3");
            },
        },
        Case {
            name: "half_period_is_incomplete",
            input: json!({
                "now": "2024-05-10T12:00:00",
                "orders": [{"number": "5", "date": "2024-02-16", "amount": "33.58", "period_from": "2024-02-01"}]
            }),
            check: |r| {
                let (code, fields) = r.as_ref().unwrap_err();
                assert_eq!(code, "PERIOD_INCOMPLETE");
                assert_eq!(fields["field"], "orders[0].period");
            },
        },
        Case {
            name: "amount_in_machine_text",
            input: json!({
                "now": "2024-05-10T12:00:00",
                "orders": [{"number": "5", "date": "2024-02-16", "amount": "33,58"}]
            }),
            check: |r| {
                let (code, fields) = r.as_ref().unwrap_err();
                assert_eq!(code, "AMOUNT_FORMAT");
                assert_eq!(fields["field"], "orders[0].amount");
            },
        },
    ]
}

fn outcome(input: &Value) -> Result<Value, (String, Value)> {
    statement_json(&input.to_string())
        .map(|text| serde_json::from_str(&text).unwrap())
        .map_err(|e| (e.code().as_str().to_owned(), serde_json::from_str(&e.fields_json()).unwrap()))
}

#[test]
fn each_case_shows_its_rule() {
    for case in cases() {
        let result = outcome(&case.input);
        eprintln!("case {}", case.name);
        (case.check)(&result);
    }
}

#[test]
fn shared_statement_file_is_in_sync() {
    let mut text = String::from("[\n");
    let all = cases();
    for (i, case) in all.iter().enumerate() {
        let mut v = json!({ "op": "statement", "case": case.name, "input": case.input });
        match outcome(&case.input) {
            Ok(expect) => v["expect"] = expect,
            Err((code, fields)) => {
                v["error"] = json!(code);
                v["fields"] = fields;
            }
        }
        text.push_str("  ");
        text.push_str(&serde_json::to_string(&v).unwrap());
        text.push_str(if i + 1 < all.len() { ",\n" } else { "\n" });
    }
    text.push_str("]\n");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/statement.json");
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    assert!(
        std::fs::read_to_string(&path).unwrap_or_default() == text,
        "statement.json is out of date: run UPDATE_VECTORS=1 cargo test -p cie-pagamenti-conformance --test statements"
    );
}
