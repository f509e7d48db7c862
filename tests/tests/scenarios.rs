//! The multi-year workflow scenarios of the shared vectors (`tests/vectors/workflow.json` and
//! the event logs in `tests/vectors/logs/`), built here through the core API. Each scenario's
//! point is asserted below; the files freeze the outcome for the other runners (pytest, node,
//! the C runner, Ruby), which must agree. `UPDATE_VECTORS=1` rewrites the files.

use cie_pagamenti::calendar::parse_any_date;
use cie_pagamenti::users::{Actor, NewUser, Profile};
use cie_pagamenti::workflow::{Portal, QuarterRecord};
use cie_pagamenti::{Amount, Moment, Quarter};
use serde_json::{json, Value};

const M: &str = "032006";
const MANAGER: &str = "RSSMRA80A01H501U";
const OPERATOR: &str = "NREPLA90D52L219L";

fn t(s: &str) -> Moment {
    Moment::parse(s).unwrap()
}
fn q(s: &str) -> Quarter {
    Quarter::parse(s).unwrap()
}
fn c(cents: i64) -> Amount {
    Amount::from_cents(cents)
}
fn d(s: &str) -> chrono::NaiveDate {
    parse_any_date(s).unwrap()
}
fn person(fc: &str, first: &str) -> NewUser {
    let email = format!("{}@comune.duino-aurisina.ts.it", first.to_lowercase());
    NewUser {
        fiscal_code: fc.into(),
        first_name: first.into(),
        last_name: "Rossi".into(),
        email: email.clone(),
        email_confirmation: email,
    }
}
fn mgr() -> Actor {
    Actor::User(MANAGER.into())
}
fn op() -> Actor {
    Actor::User(OPERATOR.into())
}

/// The municipality (from 2021-Q1), its Manager and an Operator.
fn start() -> Portal {
    let mut p = Portal::new();
    let t0 = t("2020-12-01T09:00:00");
    p.register_municipality(
        &Actor::Support,
        t0,
        M,
        "Duino Aurisina-Devin Nabrežina",
        q("2021-Q1"),
        person(MANAGER, "Mario"),
    )
    .unwrap();
    p.add_user(&mgr(), t0, M, person(OPERATOR, "Paola"), Profile::Operator).unwrap();
    p
}

/// Two years of numbering: order 12 of 2021 and order 12 of 2022, two orders 40 in 2021-Q4.
fn year_two() -> Portal {
    let mut p = start();
    let jan21 = t("2021-01-25T09:00:00");
    p.create_quarter(&op(), jan21, M, q("2021-Q1")).unwrap();
    p.add_order(&op(), jan21, M, q("2021-Q1"), "12", d("2021-01-20"), c(1679)).unwrap();
    p.record_access(&op(), t("2021-10-01T09:00:00")).unwrap();
    p.record_access(&mgr(), t("2021-10-01T09:05:00")).unwrap();
    let jan22 = t("2022-01-25T09:00:00");
    p.create_quarter(&op(), jan22, M, q("2022-Q1")).unwrap();
    p.add_order(&op(), jan22, M, q("2022-Q1"), "12", d("2022-01-20"), c(3358)).unwrap();
    p.create_quarter(&op(), jan22, M, q("2021-Q4")).unwrap();
    p.add_order(&op(), jan22, M, q("2021-Q4"), "40", d("2021-12-10"), c(1679)).unwrap();
    p.add_order(&op(), jan22, M, q("2021-Q4"), "40", d("2022-01-20"), c(1679)).unwrap();
    p.edit_order(&op(), jan22, M, q("2021-Q4"), "40", Some(2022), d("2022-01-20"), c(3358)).unwrap();
    p
}

/// 2021–2023 zero quarters (CIEonline counted 0), then an Operator's wrong amount in 2024-Q1,
/// corrected by the Manager after "sblocca trimestre", transmitted.
fn manager_corrects() -> Portal {
    let mut p = start();
    let mut now = t("2021-04-01T09:00:00");
    for quarter in q("2021-Q1").through(q("2023-Q4")) {
        p.set_cieonline(&Actor::Support, now, M, quarter, 0).unwrap();
        now = Moment::rome_midnight(quarter.next().unwrap().first_day() + chrono::Days::new(1));
        p.record_access(&op(), now).unwrap();
        p.transmit_zero(&mgr(), now, M, quarter).unwrap();
    }
    let april = t("2024-04-03T09:00:00");
    p.create_quarter(&op(), april, M, q("2024-Q1")).unwrap();
    p.add_order(&op(), april, M, q("2024-Q1"), "7", d("2024-03-29"), c(5000)).unwrap();
    p.add_order(&op(), april, M, q("2024-Q1"), "8", d("2024-03-30"), c(1679)).unwrap();
    p.complete_work(&op(), april, M, q("2024-Q1")).unwrap();
    // Submit needs an exact multiple: 66,79 is not. The Manager fixes the Operator's order.
    p.edit_order(&mgr(), april, M, q("2024-Q1"), "7", Some(2024), d("2024-03-29"), c(5037)).unwrap();
    p.complete_work(&mgr(), april, M, q("2024-Q1")).unwrap();
    p.submit(&mgr(), april, M, q("2024-Q1")).unwrap();
    p.unlock_quarter(&mgr(), april, M, q("2024-Q1")).unwrap();
    p.delete_order(&mgr(), april, M, q("2024-Q1"), "8", None).unwrap();
    p.complete_work(&mgr(), april, M, q("2024-Q1")).unwrap();
    p.submit(&mgr(), april, M, q("2024-Q1")).unwrap();
    p.transmit(&mgr(), april, M, q("2024-Q1"), b"%PDF-1.7 rapporto 2024-Q1 firmato", true).unwrap();
    p
}

/// Support reopens 2024-Q1 after 2024-Q2 was transmitted; Q2 stays transmitted.
fn support_reopens() -> Portal {
    let mut p = manager_corrects();
    let july = t("2024-07-02T09:00:00");
    p.set_cieonline(&Actor::Support, july, M, q("2024-Q2"), 0).unwrap();
    p.transmit_zero(&mgr(), july, M, q("2024-Q2")).unwrap();
    p.reopen(&Actor::Support, t("2024-07-10T09:00:00"), M, q("2024-Q1"), "importo del mandato 7 da rettificare")
        .unwrap();
    p
}

/// The log of a portal with one more raw event (a refusal the replay must report).
fn with_event(p: &Portal, at: &str, actor: &Value, command: &Value) -> String {
    let mut log: Value = serde_json::from_str(&p.events_json()).unwrap();
    log["events"].as_array_mut().unwrap().push(json!({ "at": at, "actor": actor, "command": command }));
    serde_json::to_string_pretty(&log).unwrap()
}

fn user(fc: &str) -> Value {
    json!({ "user": fc })
}

struct Scenario {
    file: &'static str,
    log: String,
    now: &'static str,
}

fn scenarios() -> Vec<Scenario> {
    let lock_base = {
        let mut p = start();
        for when in ["2021-10-01T09:00:00", "2022-09-01T09:00:00", "2023-08-01T09:00:00"] {
            p.record_access(&op(), t(when)).unwrap();
            p.record_access(&mgr(), t(when)).unwrap();
        }
        // The Operator was last active at 30/03/2024 02:30 winter time: its anniversary falls
        // in the 2025 spring gap; at 10/2024 02:30 summer time in the autumn fold.
        p.record_access(&op(), t("2024-03-30T02:30:00+01:00")).unwrap();
        p.record_access(&mgr(), t("2024-06-01T09:00:00")).unwrap();
        p.record_access(&mgr(), t("2024-10-26T02:30:00+02:00")).unwrap();
        p
    };
    let access = json!({ "record_access": {} });
    vec![
        Scenario { file: "year-two-numbering.json", log: year_two().events_json(), now: "2022-02-01T09:00:00+01:00" },
        Scenario {
            file: "manager-corrects-after-unlock.json",
            log: manager_corrects().events_json(),
            now: "2024-04-04T09:00:00+02:00",
        },
        Scenario {
            file: "support-reopens-older-quarter.json",
            log: support_reopens().events_json(),
            now: "2024-07-10T10:00:00+02:00",
        },
        Scenario {
            file: "zero-quarter-unknown-count.json",
            log: with_event(
                &start(),
                "2021-04-02T09:00:00+02:00",
                &user(MANAGER),
                &json!({"transmit_zero": {"municipality": M, "quarter": "2021-Q1"}}),
            ),
            now: "2021-04-02T09:00:00+02:00",
        },
        Scenario {
            file: "operator-cannot-reopen.json",
            log: with_event(
                &manager_corrects(),
                "2024-04-04T09:00:00+02:00",
                &user(OPERATOR),
                &json!({"reopen": {"municipality": M, "quarter": "2024-Q1", "reason": "errore"}}),
            ),
            now: "2024-04-04T09:00:00+02:00",
        },
        Scenario {
            file: "reopen-without-reason.json",
            log: with_event(
                &manager_corrects(),
                "2024-04-04T09:00:00+02:00",
                &json!("support"),
                &json!({"reopen": {"municipality": M, "quarter": "2024-Q1", "reason": " "}}),
            ),
            now: "2024-04-04T09:00:00+02:00",
        },
        Scenario {
            file: "dst-lock-before-gap.json",
            log: with_event(&lock_base, "2025-03-30T01:59:59+01:00", &user(OPERATOR), &access),
            now: "2025-03-30T01:59:59+01:00",
        },
        Scenario {
            file: "dst-lock-spring-gap.json",
            log: with_event(&lock_base, "2025-03-30T03:00:00+02:00", &user(OPERATOR), &access),
            now: "2025-03-30T03:00:00+02:00",
        },
        Scenario {
            file: "dst-lock-autumn-fold.json",
            log: with_event(&lock_base, "2025-10-26T02:30:00+02:00", &user(MANAGER), &access),
            now: "2025-10-26T02:30:00+02:00",
        },
        Scenario {
            file: "v1-castelprova-2024.json",
            log: include_str!("../logs/v1-castelprova-2024.json").to_owned(),
            now: "2024-04-12T09:00:00+02:00",
        },
    ]
}

fn outcome(log: &str, now: &str) -> Value {
    match Portal::replay(log) {
        Ok(p) => json!({ "expect": p.summary(t(now)) }),
        Err(e) => {
            use cie_pagamenti::CieError;
            let fields: Value = serde_json::from_str(&e.fields_json()).unwrap();
            json!({ "error": e.code().as_str(), "fields": fields })
        }
    }
}

fn state(p: &Portal, quarter: &str) -> &'static str {
    p.quarter(M, q(quarter)).map_or("-", |r: &QuarterRecord| r.state.as_str())
}

#[test]
fn each_scenario_shows_its_rule() {
    let p = year_two();
    let ids = |quarter: &str| -> Vec<String> {
        p.quarter(M, q(quarter)).unwrap().orders().map(|(id, _, _)| id.to_string()).collect()
    };
    assert_eq!(ids("2021-Q1"), ["2021/12"]);
    assert_eq!(ids("2022-Q1"), ["2022/12"]);
    assert_eq!(ids("2021-Q4"), ["2021/40", "2022/40"]);
    let p = manager_corrects();
    assert_eq!(state(&p, "2024-Q1"), "transmitted");
    assert_eq!(p.quarter(M, q("2024-Q1")).unwrap().total(), c(5037));
    let p = support_reopens();
    assert_eq!((state(&p, "2024-Q1"), state(&p, "2024-Q2")), ("completing", "transmitted"));
    let find = |file: &str| scenarios().into_iter().find(|s| s.file == file).unwrap();
    let refused = |file: &str| {
        let s = find(file);
        outcome(&s.log, s.now)
    };
    assert_eq!(refused("zero-quarter-unknown-count.json")["fields"]["cause"], "CIEONLINE_UNKNOWN");
    assert_eq!(refused("operator-cannot-reopen.json")["fields"]["cause"], "NOT_AUTHORIZED");
    assert_eq!(refused("reopen-without-reason.json")["fields"]["cause"], "REOPEN_REASON_REQUIRED");
    assert_eq!(refused("dst-lock-spring-gap.json")["fields"]["cause"], "USER_BLOCKED");
    assert_eq!(refused("dst-lock-autumn-fold.json")["fields"]["cause"], "USER_BLOCKED");
    assert!(refused("dst-lock-before-gap.json").get("expect").is_some());
    assert_eq!(
        refused("v1-castelprova-2024.json")["expect"]["municipalities"]["099999"]["quarters"]["2024-Q1"]["state"],
        "transmitted"
    );
}

#[test]
fn shared_scenario_files_are_in_sync() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors");
    let mut vectors = Vec::new();
    let update = std::env::var_os("UPDATE_VECTORS").is_some();
    for s in scenarios() {
        let path = dir.join("logs").join(s.file);
        if update {
            std::fs::write(&path, &s.log).unwrap();
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == s.log,
            "{} is out of date: run UPDATE_VECTORS=1 cargo test -p cie-pagamenti-conformance --test scenarios",
            s.file
        );
        let mut v = json!({ "op": "workflow_scenario", "input": { "log": s.file, "now": s.now } });
        if let (Value::Object(v), Value::Object(o)) = (&mut v, outcome(&s.log, s.now)) {
            v.extend(o);
        }
        vectors.push(v);
    }
    let mut text = String::from("[\n");
    for (i, v) in vectors.iter().enumerate() {
        text.push_str("  ");
        text.push_str(&serde_json::to_string(v).unwrap());
        text.push_str(if i + 1 < vectors.len() { ",\n" } else { "\n" });
    }
    text.push_str("]\n");
    let path = dir.join("workflow.json");
    if update {
        std::fs::write(&path, &text).unwrap();
    }
    assert!(
        std::fs::read_to_string(&path).unwrap_or_default() == text,
        "workflow.json is out of date: run UPDATE_VECTORS=1 cargo test -p cie-pagamenti-conformance --test scenarios"
    );
}
