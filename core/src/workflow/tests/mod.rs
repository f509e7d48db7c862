//! Workflow tests: a full scenario, the authorization matrix, and long random command
//! sequences with invariants checked after every command.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::*;

mod field;
mod random;
use crate::error::{CieError, ErrorCode};
use crate::identifiers::check_letter;
use crate::users::{NewUser, Profile};

fn fc(first15: &str) -> String {
    format!("{first15}{}", char::from(check_letter(first15.as_bytes())))
}

fn new_user(fiscal_code: &str, name: &str) -> NewUser {
    let email = format!("{}@comune.example.it", name.to_lowercase());
    NewUser {
        fiscal_code: fiscal_code.to_owned(),
        first_name: name.to_owned(),
        last_name: "Rossi".to_owned(),
        email: email.clone(),
        email_confirmation: email,
    }
}

fn t(s: &str) -> Moment {
    Moment::parse(s).unwrap()
}

fn q(s: &str) -> Quarter {
    Quarter::parse(s).unwrap()
}

fn d(s: &str) -> NaiveDate {
    crate::calendar::parse_any_date(s).unwrap()
}

fn c(cents: i64) -> Amount {
    Amount::from_cents(cents)
}

fn code<T: std::fmt::Debug>(r: Result<T, WorkflowError>) -> &'static str {
    match r {
        Ok(_) => "OK",
        Err(e) => e.code().as_str(),
    }
}

const PDF: &[u8] = b"%PDF-1.7 signed report";

struct Cast {
    m1: String,
    mb: String,
    o1: String,
    n1: String,
    x: String,
}

impl Cast {
    fn new() -> Cast {
        Cast {
            m1: fc("RSSMRA80A01H501"),
            mb: fc("VRDGPP70C15F205"),
            o1: fc("NREPLA90D12L219"),
            n1: fc("GLLFNC75E20A662"),
            x: fc("BRNLCU60H10D612"),
        }
    }
}

fn user(s: &str) -> Actor {
    Actor::User(s.to_owned())
}

/// Municipality A (from 2024-Q1): managers M1 and MB (blocked by 2024-07), operator O1, N1
/// without profile; municipality B with manager X. Q1 2024 created, O1's order 1 and M1's
/// order 2 (16,79 each), works open.
fn fixture() -> (Portal, Cast) {
    let cast = Cast::new();
    let mut p = Portal::new();
    let s = Actor::Support;
    let t0 = t("2023-06-01T09:00:00");
    p.register_municipality(&s, t0, "A", "Castelprova", q("2024-Q1"), new_user(&cast.m1, "Mario")).unwrap();
    p.register_municipality(&s, t0, "B", "Borgo", q("2020-Q1"), new_user(&cast.x, "Luca")).unwrap();
    p.add_user(&user(&cast.m1), t0, "A", new_user(&cast.mb, "Giuseppe"), Profile::Manager).unwrap();
    let t1 = t("2024-01-20T09:00:00");
    p.add_user(&user(&cast.m1), t1, "A", new_user(&cast.o1, "Paola"), Profile::Operator).unwrap();
    p.add_user(&user(&cast.m1), t1, "A", new_user(&cast.n1, "Franco"), Profile::NoProfile).unwrap();
    p.create_quarter(&user(&cast.o1), t1, "A", q("2024-Q1")).unwrap();
    p.add_order(&user(&cast.o1), t1, "A", q("2024-Q1"), "1", d("2024-01-15"), c(1679)).unwrap();
    p.add_order(&user(&cast.m1), t1, "A", q("2024-Q1"), "2", d("2024-01-16"), c(1679)).unwrap();
    p.edit_own_data(&user(&cast.x), t1, "Luca", "Bruni", "luca@borgo.example.it").unwrap();
    p.edit_own_data(&user(&cast.n1), t1, "Franco", "Galli", "franco@comune.example.it").unwrap();
    (p, cast)
}

const NOW: &str = "2024-07-05T10:00:00";

fn ready(p: &mut Portal, cast: &Cast) {
    let now = t(NOW);
    p.complete_work(&user(&cast.o1), now, "A", q("2024-Q1")).unwrap();
    p.complete_work(&user(&cast.m1), now, "A", q("2024-Q1")).unwrap();
}

fn closing(p: &mut Portal, cast: &Cast) {
    ready(p, cast);
    p.submit(&user(&cast.m1), t(NOW), "A", q("2024-Q1")).unwrap();
}

fn transmitted(p: &mut Portal, cast: &Cast) {
    closing(p, cast);
    p.transmit(&user(&cast.m1), t(NOW), "A", q("2024-Q1"), PDF, true).unwrap();
    // CIEonline counted no card in Q2: a zero quarter is possible.
    p.set_cieonline(&Actor::Support, t(NOW), "A", q("2024-Q2"), 0).unwrap();
}

#[test]
fn scenario_to_transmission_and_replay() {
    let (mut p, cast) = fixture();
    let (m1, o1) = (user(&cast.m1), user(&cast.o1));
    let early = t("2024-03-15T10:00:00");
    assert_eq!(code(p.create_quarter(&o1, early, "A", q("2024-Q2"))), "QUARTER_NOT_STARTED");
    assert_eq!(code(p.create_quarter(&o1, early, "A", q("2024-Q1"))), "QUARTER_EXISTS");
    assert_eq!(code(p.create_quarter(&o1, early, "A", q("2023-Q4"))), "QUARTER_BEFORE_FIRST");
    assert_eq!(code(p.add_order(&o1, early, "A", q("2024-Q1"), "2", d("2024-01-16"), c(1679))), "ORDER_DUPLICATE");
    assert_eq!(code(p.add_order(&o1, early, "A", q("2024-Q1"), "3", d("2024-03-16"), c(1679))), "ORDER_DATE_FUTURE");
    assert_eq!(code(p.add_order(&o1, early, "A", q("2024-Q1"), " ", d("2024-03-01"), c(1679))), "ORDER_NUMBER_INVALID");
    assert_eq!(code(p.add_order(&o1, early, "A", q("2024-Q1"), "3", d("2024-03-01"), c(0))), "AMOUNT_ZERO");
    assert_eq!(code(p.submit(&m1, early, "A", q("2024-Q1"))), "WORK_OPEN");
    p.complete_work(&o1, early, "A", q("2024-Q1")).unwrap();
    assert_eq!(p.quarter("A", q("2024-Q1")).unwrap().state, QuarterState::InProgress);
    p.complete_work(&m1, early, "A", q("2024-Q1")).unwrap();
    assert_eq!(p.quarter("A", q("2024-Q1")).unwrap().state, QuarterState::Completing);
    assert_eq!(code(p.submit(&m1, early, "A", q("2024-Q1"))), "QUARTER_NOT_ENDED");
    // Midnight of 1 April in Rome is 22:00 UTC on 31 March.
    assert_eq!(code(p.submit(&m1, t("2024-03-31T21:59:59Z"), "A", q("2024-Q1"))), "QUARTER_NOT_ENDED");
    let after = t("2024-03-31T22:00:00Z");
    p.submit(&m1, after, "A", q("2024-Q1")).unwrap();
    assert_eq!(p.quarter("A", q("2024-Q1")).unwrap().state, QuarterState::Closing);
    assert_eq!(code(p.add_order(&o1, after, "A", q("2024-Q1"), "3", d("2024-03-01"), c(1679))), "INVALID_STATE");
    p.unlock_quarter(&m1, after, "A", q("2024-Q1")).unwrap();
    // A non-multiple blocks, with the top-up.
    p.add_order(&m1, after, "A", q("2024-Q1"), "3", d("2024-03-01"), c(100)).unwrap();
    p.complete_work(&m1, after, "A", q("2024-Q1")).unwrap();
    let err = p.submit(&m1, after, "A", q("2024-Q1")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::AmountNotMultiple);
    assert!(err.fields().iter().any(|(k, v)| *k == "top_up" && *v == crate::FieldValue::Text("15.79".into())));
    p.edit_order(&m1, after, "A", q("2024-Q1"), "3", None, d("2024-03-01"), c(1679)).unwrap();
    assert_eq!(
        code(p.edit_order(&o1, after, "A", q("2024-Q1"), "3", None, d("2024-03-01"), c(1679))),
        "NOT_AUTHORIZED"
    );
    p.complete_work(&m1, after, "A", q("2024-Q1")).unwrap();
    p.submit(&m1, after, "A", q("2024-Q1")).unwrap();
    assert_eq!(code(p.transmit(&m1, after, "A", q("2024-Q1"), b"", true)), "REPORT_EMPTY");
    assert_eq!(code(p.transmit(&m1, after, "A", q("2024-Q1"), b"not a report", true)), "REPORT_FORMAT");
    assert_eq!(code(p.transmit(&o1, after, "A", q("2024-Q1"), PDF, true)), "NOT_AUTHORIZED");
    p.transmit(&m1, after, "A", q("2024-Q1"), PDF, false).unwrap();
    let tx = p.quarter("A", q("2024-Q1")).unwrap().transmission.clone().unwrap();
    assert_eq!(tx.transmitted_at, after);
    assert_eq!(tx.report.unwrap().sha256.len(), 64);
    assert_eq!(code(p.reopen(&m1, after, "A", q("2024-Q1"), "correzione richiesta dal Comune")), "NOT_AUTHORIZED");
    // A split order keeps its date across quarters.
    let july = t("2024-07-02T09:00:00");
    p.create_quarter(&o1, july, "A", q("2024-Q2")).unwrap();
    assert_eq!(code(p.add_order(&o1, july, "A", q("2024-Q2"), "3", d("2024-03-02"), c(1679))), "SPLIT_DATE_MISMATCH");
    p.add_order(&o1, july, "A", q("2024-Q2"), "3", d("2024-03-01"), c(1679)).unwrap();
    // Zero quarter: not while orders exist, not with CIEonline cards.
    assert_eq!(code(p.transmit_zero(&m1, july, "A", q("2024-Q2"))), "ZERO_QUARTER_HAS_ORDERS");
    p.set_cieonline(&Actor::Support, july, "A", q("2024-Q3"), 4).unwrap();
    let october = t("2024-10-02T09:00:00");
    assert_eq!(code(p.transmit_zero(&m1, october, "A", q("2024-Q3"))), "ZERO_QUARTER_HAS_CARDS");
    p.delete_order(&o1, july, "A", q("2024-Q2"), "3", None).unwrap();
    // An unknown count is not 0 (revision 2): no zero quarter until CIEonline says 0.
    assert_eq!(code(p.transmit_zero(&m1, july, "A", q("2024-Q2"))), "CIEONLINE_UNKNOWN");
    p.set_cieonline(&Actor::Support, july, "A", q("2024-Q2"), 0).unwrap();
    p.transmit_zero(&m1, july, "A", q("2024-Q2")).unwrap();
    assert_eq!(code(p.transmit_zero(&m1, october, "A", q("2024-Q4"))), "CIEONLINE_UNKNOWN");
    p.set_cieonline(&Actor::Support, october, "A", q("2024-Q4"), 0).unwrap();
    assert_eq!(code(p.transmit_zero(&m1, october, "A", q("2024-Q4"))), "PREVIOUS_NOT_TRANSMITTED");
    p.reopen(&Actor::Support, october, "A", q("2024-Q2"), "correzione richiesta dal Comune").unwrap();
    assert_eq!(p.quarter("A", q("2024-Q2")).unwrap().state, QuarterState::Completing);
    // Replay reproduces the state exactly; the log survives a JSON round trip.
    let json = p.events_json();
    let replayed = Portal::replay(&json).unwrap();
    assert_eq!(replayed, p);
    assert_eq!(replayed.events_json(), json);
}

#[test]
fn event_log_errors() {
    let (p, _) = fixture();
    let json = p.events_json();
    let v3 = json.replacen("\"version\": 2", "\"version\": 3", 1);
    assert_eq!(code(Portal::replay(&v3)), "EVENT_LOG_VERSION");
    assert_eq!(code(Portal::replay("{")), "EVENT_LOG_FORMAT");
    // Move the creation of the quarter after its first order: event 6 is then refused.
    let mut events = p.events().to_vec();
    let create = events.remove(5);
    events.insert(6, create);
    let err = Portal::replay_events(events.clone()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::EventRejected);
    assert!(matches!(err, WorkflowError::EventRejected { index: 5, .. }), "{err:?}");
    assert!(err.message_it().contains("QUARTER_NOT_FOUND"));
    // The same refusal from the JSON log, found while it is parsed.
    let json = serde_json::json!({"format": "cie-pagamenti/events", "version": 1, "events": events}).to_string();
    let err = Portal::replay(&json).unwrap_err();
    assert!(matches!(err, WorkflowError::EventRejected { index: 5, .. }), "{err:?}");
}

#[test]
fn event_log_shapes() {
    let (p, _) = fixture();
    let events = serde_json::to_value(p.events()).unwrap();
    let replay = |log: serde_json::Value| Portal::replay(&log.to_string());
    // Any key order: events before the version wait for it.
    assert_eq!(replay(serde_json::json!({"events": events, "version": 2, "format": "x"})).unwrap(), p);
    assert_eq!(code(replay(serde_json::json!({"events": events, "version": 3}))), "EVENT_LOG_VERSION");
    // A wrong version is reported before any event is read, even an unreadable one.
    assert_eq!(code(replay(serde_json::json!({"version": 7, "events": [{"bad": 1}]}))), "EVENT_LOG_VERSION");
    assert_eq!(code(replay(serde_json::json!({"version": 1}))), "EVENT_LOG_FORMAT");
    assert_eq!(code(replay(serde_json::json!({"events": []}))), "EVENT_LOG_FORMAT");
    assert_eq!(code(replay(serde_json::json!({"version": 1, "events": [{"bad": 1}]}))), "EVENT_LOG_FORMAT");
    assert_eq!(code(replay(serde_json::json!([1, []]))), "EVENT_LOG_FORMAT");
    assert_eq!(replay(serde_json::json!({"version": 1, "events": []})).unwrap(), Portal::new());
    // The log as written: one event per line, each line an event.
    let json = p.events_json();
    let lines: Vec<&str> = json.lines().collect();
    assert_eq!(lines.len(), p.events().len() + 6);
    for (line, event) in lines[4..lines.len() - 2].iter().zip(p.events()) {
        let parsed: Event = serde_json::from_str(line.trim().trim_end_matches(',')).unwrap();
        assert_eq!(&parsed, event);
    }
    let empty = Portal::new().events_json();
    assert_eq!(Portal::replay(&empty).unwrap(), Portal::new());
    assert_eq!(serde_json::from_str::<serde_json::Value>(&empty).unwrap()["events"], serde_json::json!([]));
    let twice = format!("{{\"version\": 1, \"events\": [], \"events\": {events}}}");
    assert_eq!(code(Portal::replay(&twice)), "EVENT_LOG_FORMAT");
    assert_eq!(code(Portal::replay(&format!("{{\"version\": 1, \"events\": {events}}} trailing"))), "EVENT_LOG_FORMAT");
}

#[test]
fn users_and_inactivity() {
    let (mut p, cast) = fixture();
    let now = t(NOW);
    let (m1, mb, o1) = (user(&cast.m1), user(&cast.mb), user(&cast.o1));
    assert!(p.user(&cast.mb).unwrap().is_blocked(now));
    assert_eq!(code(p.edit_own_data(&mb, now, "G", "V", "g@v.it")), "USER_BLOCKED");
    assert_eq!(code(p.unlock_user(&o1, now, "A", &cast.mb)), "NOT_AUTHORIZED");
    p.unlock_user(&m1, now, "A", &cast.mb).unwrap();
    assert!(!p.user(&cast.mb).unwrap().is_blocked(now));
    assert_eq!(code(p.unlock_user(&m1, now, "A", &cast.mb)), "INVALID_STATE");
    // The last Manager cannot be demoted or removed.
    p.remove_user(&m1, now, "A", &cast.mb).unwrap();
    assert_eq!(code(p.remove_user(&m1, now, "A", &cast.m1)), "LAST_MANAGER");
    assert_eq!(code(p.set_profile(&m1, now, "A", &cast.m1, Profile::Operator)), "LAST_MANAGER");
    assert_eq!(code(p.delete_user(&Actor::Support, now, &cast.m1)), "LAST_MANAGER");
    // The sole Manager blocked: only Support can unlock.
    let later = t("2025-08-01T10:00:00");
    assert!(p.user(&cast.m1).unwrap().is_blocked(later));
    assert_eq!(code(p.unlock_user(&m1, later, "A", &cast.m1)), "SUPPORT_REQUIRED");
    assert_eq!(code(p.unlock_user(&o1, later, "A", &cast.m1)), "SUPPORT_REQUIRED");
    p.unlock_user(&Actor::Support, later, "A", &cast.m1).unwrap();
    // Adding: e-mail twice, fiscal code valid, names required, no duplicates.
    let mut u = new_user(&fc("PLLMRC88T20F839"), "Marco");
    u.email_confirmation = "altro@comune.example.it".into();
    assert_eq!(code(p.add_user(&m1, later, "A", u.clone(), Profile::Operator)), "EMAIL_CONFIRMATION_MISMATCH");
    u.email_confirmation = u.email.to_uppercase();
    u.fiscal_code = "PLLMRC88T20F839A".into();
    assert!(code(p.add_user(&m1, later, "A", u.clone(), Profile::Operator)).starts_with("FISCAL_CODE_"));
    u.fiscal_code = fc("PLLMRC88T20F839");
    u.first_name = "  ".into();
    assert_eq!(code(p.add_user(&m1, later, "A", u.clone(), Profile::Operator)), "USER_NAME_REQUIRED");
    u.first_name = "Marco".into();
    p.add_user(&m1, later, "A", u.clone(), Profile::Operator).unwrap();
    assert_eq!(code(p.add_user(&m1, later, "A", u.clone(), Profile::Operator)), "USER_DUPLICATE");
    // The current Manager may create a new Manager directly.
    p.set_profile(&m1, later, "A", &u.fiscal_code, Profile::Manager).unwrap();
    // Password reset: one and the same error for any mismatch.
    assert_eq!(p.password_reset_target(&u.fiscal_code, &u.email).unwrap().first_name, "Marco");
    assert_eq!(code(p.password_reset_target(&u.fiscal_code, "x@y.it")), "RESET_NO_MATCH");
    assert_eq!(code(p.password_reset_target(&cast.o1, &u.email)), "RESET_NO_MATCH");
    assert_eq!(code(p.password_reset_target("garbage", "garbage")), "RESET_NO_MATCH");
}

/// Every command × {NoProfile, Operator, Manager, blocked Manager, Manager of another
/// municipality, Support}.
#[test]
#[allow(clippy::too_many_lines)] // one row per command
fn authorization_matrix() {
    type Setup = fn(&mut Portal, &Cast);
    type Run = fn(&mut Portal, &Cast, &Actor) -> Result<(), WorkflowError>;
    fn none(_: &mut Portal, _: &Cast) {}
    let now = t(NOW);
    let rows: Vec<(&str, Setup, Run, [&str; 6])> = vec![
        // name, setup, command, expected for [NoProfile, Operator, Manager, blocked Manager, other Manager, Support]
        (
            "create_quarter",
            none,
            |p, _, a| p.create_quarter(a, t(NOW), "A", q("2024-Q2")),
            ["NOT_AUTHORIZED", "OK", "OK", "USER_BLOCKED", "NOT_AUTHORIZED", "NOT_AUTHORIZED"],
        ),
        (
            "add_order",
            none,
            |p, _, a| p.add_order(a, t(NOW), "A", q("2024-Q1"), "9", d("2024-03-01"), c(1679)),
            ["NOT_AUTHORIZED", "OK", "OK", "USER_BLOCKED", "NOT_AUTHORIZED", "NOT_AUTHORIZED"],
        ),
        (
            "edit_order (M1's)",
            none,
            |p, _, a| p.edit_order(a, t(NOW), "A", q("2024-Q1"), "2", None, d("2024-01-16"), c(3358)),
            ["NOT_AUTHORIZED", "NOT_AUTHORIZED", "OK", "USER_BLOCKED", "NOT_AUTHORIZED", "NOT_AUTHORIZED"],
        ),
        (
            "delete_order (O1's)",
            none,
            |p, _, a| p.delete_order(a, t(NOW), "A", q("2024-Q1"), "1", None),
            // A Manager may delete any order of the quarter (revision 2).
            ["NOT_AUTHORIZED", "OK", "OK", "USER_BLOCKED", "NOT_AUTHORIZED", "NOT_AUTHORIZED"],
        ),
        (
            "complete_work",
            none,
            |p, _, a| p.complete_work(a, t(NOW), "A", q("2024-Q1")),
            ["NOT_AUTHORIZED", "OK", "OK", "USER_BLOCKED", "NOT_AUTHORIZED", "NOT_AUTHORIZED"],
        ),
        (
            "take_over",
            none,
            |p, c, a| p.take_over(a, t(NOW), "A", q("2024-Q1"), &c.o1),
            ["NOT_AUTHORIZED", "NOT_AUTHORIZED", "OK", "USER_BLOCKED", "NOT_AUTHORIZED", "NOT_AUTHORIZED"],
        ),
        (
            "submit",
            ready,
            |p, _, a| p.submit(a, t(NOW), "A", q("2024-Q1")),
            ["NOT_AUTHORIZED", "NOT_AUTHORIZED", "OK", "USER_BLOCKED", "NOT_AUTHORIZED", "NOT_AUTHORIZED"],
        ),
        (
            "unlock_quarter",
            closing,
            |p, _, a| p.unlock_quarter(a, t(NOW), "A", q("2024-Q1")),
            ["NOT_AUTHORIZED", "NOT_AUTHORIZED", "OK", "USER_BLOCKED", "NOT_AUTHORIZED", "NOT_AUTHORIZED"],
        ),
        (
            "transmit",
            closing,
            |p, _, a| p.transmit(a, t(NOW), "A", q("2024-Q1"), PDF, true),
            ["NOT_AUTHORIZED", "NOT_AUTHORIZED", "OK", "USER_BLOCKED", "NOT_AUTHORIZED", "NOT_AUTHORIZED"],
        ),
        (
            "transmit_zero",
            transmitted,
            |p, _, a| p.transmit_zero(a, t(NOW), "A", q("2024-Q2")),
            ["NOT_AUTHORIZED", "NOT_AUTHORIZED", "OK", "USER_BLOCKED", "NOT_AUTHORIZED", "NOT_AUTHORIZED"],
        ),
        (
            "reopen",
            transmitted,
            |p, _, a| p.reopen(a, t(NOW), "A", q("2024-Q1"), "correzione richiesta dal Comune"),
            ["NOT_AUTHORIZED", "NOT_AUTHORIZED", "NOT_AUTHORIZED", "NOT_AUTHORIZED", "NOT_AUTHORIZED", "OK"],
        ),
        (
            "add_user",
            none,
            |p, _, a| {
                p.add_user(a, t(NOW), "A", new_user(&fc("PLLMRC88T20F839"), "Marco"), Profile::Operator).map(|_| ())
            },
            ["NOT_AUTHORIZED", "NOT_AUTHORIZED", "OK", "USER_BLOCKED", "NOT_AUTHORIZED", "OK"],
        ),
        (
            "edit_user",
            none,
            |p, c, a| p.edit_user(a, t(NOW), "A", &c.o1, "Paola", "Neri", "p@c.it"),
            ["NOT_AUTHORIZED", "NOT_AUTHORIZED", "OK", "USER_BLOCKED", "NOT_AUTHORIZED", "OK"],
        ),
        (
            "set_profile",
            none,
            |p, c, a| p.set_profile(a, t(NOW), "A", &c.o1, Profile::Manager),
            ["NOT_AUTHORIZED", "NOT_AUTHORIZED", "OK", "USER_BLOCKED", "NOT_AUTHORIZED", "OK"],
        ),
        (
            "unlock_user (MB)",
            none,
            |p, c, a| p.unlock_user(a, t(NOW), "A", &c.mb),
            ["NOT_AUTHORIZED", "NOT_AUTHORIZED", "OK", "USER_BLOCKED", "NOT_AUTHORIZED", "OK"],
        ),
        (
            "edit_own_data",
            none,
            |p, _, a| p.edit_own_data(a, t(NOW), "Nome", "Cognome", "n@c.it"),
            ["OK", "OK", "OK", "USER_BLOCKED", "OK", "NOT_AUTHORIZED"],
        ),
        (
            "delete_user",
            none,
            |p, c, a| p.delete_user(a, t(NOW), &c.o1),
            ["NOT_AUTHORIZED", "NOT_AUTHORIZED", "NOT_AUTHORIZED", "NOT_AUTHORIZED", "NOT_AUTHORIZED", "OK"],
        ),
        (
            "set_cieonline",
            none,
            |p, _, a| p.set_cieonline(a, t(NOW), "A", q("2024-Q1"), 2),
            ["NOT_AUTHORIZED", "NOT_AUTHORIZED", "NOT_AUTHORIZED", "NOT_AUTHORIZED", "NOT_AUTHORIZED", "OK"],
        ),
        (
            "suppress_municipality",
            none,
            |p, _, a| p.suppress_municipality(a, t(NOW), "A", q("2024-Q4")),
            ["NOT_AUTHORIZED", "NOT_AUTHORIZED", "NOT_AUTHORIZED", "NOT_AUTHORIZED", "NOT_AUTHORIZED", "OK"],
        ),
        (
            "register_municipality",
            none,
            |p, _, a| {
                p.register_municipality(
                    a,
                    t(NOW),
                    "C",
                    "Terzo",
                    q("2024-Q1"),
                    new_user(&fc("PLLMRC88T20F839"), "Marco"),
                )
            },
            ["NOT_AUTHORIZED", "NOT_AUTHORIZED", "NOT_AUTHORIZED", "NOT_AUTHORIZED", "NOT_AUTHORIZED", "OK"],
        ),
    ];
    let mut failures = Vec::new();
    for (name, setup, run, expected) in rows {
        let (base, cast) = fixture();
        let actors = [user(&cast.n1), user(&cast.o1), user(&cast.m1), user(&cast.mb), user(&cast.x), Actor::Support];
        for (actor, want) in actors.iter().zip(expected) {
            let mut p = base.clone();
            setup(&mut p, &cast);
            let before = p.clone();
            let got = code(run(&mut p, &cast, actor));
            if got != want {
                failures.push(format!("{name} by {actor:?}: want {want}, got {got}"));
            }
            if got != "OK" && p != before {
                failures.push(format!("{name} by {actor:?}: refused but changed the state"));
            }
        }
    }
    let _ = now;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn cieonline_counts_feed_zero_quarters() {
    let (mut p, cast) = fixture();
    let counts: BTreeMap<Quarter, u64> = p.municipality("A").unwrap().cieonline.clone();
    assert!(counts.is_empty());
    transmitted(&mut p, &cast);
    assert_eq!(code(p.transmit_zero(&user(&cast.m1), t(NOW), "A", q("2024-Q3"))), "CIEONLINE_UNKNOWN");
    p.transmit_zero(&user(&cast.m1), t(NOW), "A", q("2024-Q2")).unwrap();
    assert!(p.municipality("A").unwrap().is_transmitted(q("2024-Q2")));
}

/// The button table (`allowed_actions`) agrees with what the Portal accepts: an allowed action
/// is never refused for authorization or state; a disallowed one always is.
#[test]
fn allowed_actions_agree_with_the_portal() {
    use super::actions::{allowed_actions, Action, Role};
    type Setup = fn(&mut Portal, &Cast);
    fn none(_: &mut Portal, _: &Cast) {}
    let states: [(Option<QuarterState>, Quarter, Setup); 5] = [
        (None, q("2024-Q2"), transmitted),
        (Some(QuarterState::InProgress), q("2024-Q1"), none),
        (Some(QuarterState::Completing), q("2024-Q1"), ready),
        (Some(QuarterState::Closing), q("2024-Q1"), closing),
        (Some(QuarterState::Transmitted), q("2024-Q1"), transmitted),
    ];
    let all = [
        Action::CreateQuarter,
        Action::AddOrder,
        Action::EditOrder,
        Action::DeleteOrder,
        Action::CompleteWork,
        Action::TakeOver,
        Action::Submit,
        Action::UnlockQuarter,
        Action::Transmit,
        Action::TransmitZero,
        Action::Reopen,
    ];
    let refusal = [
        "NOT_AUTHORIZED",
        "INVALID_STATE",
        "QUARTER_EXISTS",
        "QUARTER_NOT_FOUND",
        "WORK_OPEN",
        "WORK_NOT_FOUND",
        "NO_ORDERS",
    ];
    let mut failures = Vec::new();
    for (state, quarter, setup) in states {
        let (base, cast) = fixture();
        let roles = [
            (Role::Profile(Profile::Operator), user(&cast.o1), "1"),
            (Role::Profile(Profile::Manager), user(&cast.m1), "2"),
            (Role::Profile(Profile::NoProfile), user(&cast.n1), "1"),
            (Role::Support, Actor::Support, "1"),
        ];
        for (role, actor, own) in &roles {
            let allowed = allowed_actions(*role, state);
            for action in all {
                let mut p = base.clone();
                setup(&mut p, &cast);
                let now = t(NOW);
                let from = if *own == "2" { cast.o1.clone() } else { cast.m1.clone() };
                let result = match action {
                    Action::CreateQuarter => p.create_quarter(actor, now, "A", quarter),
                    Action::AddOrder => p.add_order(actor, now, "A", quarter, "77", d("2024-03-01"), c(1679)),
                    Action::EditOrder => p.edit_order(actor, now, "A", quarter, own, None, d("2024-01-16"), c(1679)),
                    Action::DeleteOrder => p.delete_order(actor, now, "A", quarter, own, None),
                    Action::CompleteWork => p.complete_work(actor, now, "A", quarter),
                    Action::TakeOver => p.take_over(actor, now, "A", quarter, &from),
                    Action::Submit => p.submit(actor, now, "A", quarter),
                    Action::UnlockQuarter => p.unlock_quarter(actor, now, "A", quarter),
                    Action::Transmit => p.transmit(actor, now, "A", quarter, PDF, true),
                    Action::TransmitZero => {
                        let _ = p.set_cieonline(&Actor::Support, now, "A", quarter, 0);
                        p.transmit_zero(actor, now, "A", quarter)
                    }
                    Action::Reopen => p.reopen(actor, now, "A", quarter, "verifica"),
                };
                let got = code(result);
                let refused = refusal.contains(&got);
                if allowed.contains(&action) == refused {
                    failures.push(format!(
                        "{state:?} {role:?} {action:?}: table says {}, portal says {got}",
                        allowed.contains(&action)
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
