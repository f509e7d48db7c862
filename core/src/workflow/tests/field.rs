//! A municipality's real multi-year operation (issue 15): each test reproduces an observation
//! that failed under revision 1 of the rules.

use super::*;
use crate::password::RandomSource;

const M: &str = "032006";

/// Municipality from 2021-Q1 with Manager M1 and Operator O1.
fn two_years() -> (Portal, Actor, Actor) {
    let cast = Cast::new();
    let mut p = Portal::new();
    let t0 = t("2020-12-01T09:00:00");
    p.register_municipality(&Actor::Support, t0, M, "Duino Aurisina", q("2021-Q1"), new_user(&cast.m1, "Mario"))
        .unwrap();
    p.add_user(&user(&cast.m1), t0, M, new_user(&cast.o1, "Paola"), Profile::Operator).unwrap();
    (p, user(&cast.m1), user(&cast.o1))
}

#[test]
fn year_two_numbering_restarts() {
    let (mut p, m1, o1) = two_years();
    let jan21 = t("2021-01-25T09:00:00");
    p.create_quarter(&o1, jan21, M, q("2021-Q1")).unwrap();
    p.add_order(&o1, jan21, M, q("2021-Q1"), "12", d("2021-01-20"), c(1679)).unwrap();
    p.record_access(&o1, t("2021-09-01T09:00:00")).unwrap();
    let jan22 = t("2022-01-25T09:00:00");
    p.create_quarter(&o1, jan22, M, q("2022-Q1")).unwrap();
    // Refused with SPLIT_DATE_MISMATCH under revision 1: order 12 of 2022 is another order.
    p.add_order(&o1, jan22, M, q("2022-Q1"), "12", d("2022-01-20"), c(1679)).unwrap();
    // In one quarter (2021-Q4: December cards paid in January) two orders 40 live side by side.
    p.create_quarter(&o1, jan22, M, q("2021-Q4")).unwrap();
    p.add_order(&o1, jan22, M, q("2021-Q4"), "40", d("2021-12-10"), c(1679)).unwrap();
    p.add_order(&o1, jan22, M, q("2021-Q4"), "40", d("2022-01-20"), c(3358)).unwrap();
    assert_eq!(code(p.add_order(&o1, jan22, M, q("2021-Q4"), "40", d("2022-01-20"), c(1679))), "ORDER_DUPLICATE");
    // Order 12 of 2022 split between 2021-Q4 and 2022-Q1: the same identity keeps one date;
    // the same number with another date in 2021 is a data error.
    p.add_order(&o1, jan22, M, q("2021-Q4"), "12", d("2022-01-20"), c(1679)).unwrap();
    assert_eq!(code(p.add_order(&o1, jan22, M, q("2021-Q4"), "12", d("2021-12-10"), c(1679))), "SPLIT_DATE_MISMATCH");
    assert_eq!(
        code(p.edit_order(&o1, jan22, M, q("2022-Q1"), "12", Some(2022), d("2022-01-21"), c(1679))),
        "SPLIT_DATE_MISMATCH"
    );
    // Naming the order: the year is needed when the number is ambiguous in the quarter.
    assert_eq!(code(p.delete_order(&o1, jan22, M, q("2021-Q4"), "40", None)), "ORDER_AMBIGUOUS");
    assert_eq!(
        code(p.edit_order(&o1, jan22, M, q("2021-Q4"), "40", Some(2021), d("2022-01-05"), c(1679))),
        "ORDER_YEAR_CHANGED"
    );
    p.edit_order(&o1, jan22, M, q("2021-Q4"), "40", Some(2021), d("2021-12-11"), c(1679)).unwrap();
    p.delete_order(&o1, jan22, M, q("2021-Q4"), "40", Some(2022)).unwrap();
    let ids: Vec<String> = p.quarter(M, q("2021-Q4")).unwrap().orders().map(|(id, _, _)| id.to_string()).collect();
    assert_eq!(ids, ["2021/40", "2022/12"]);
    // A deletion without the year, now unambiguous, is recorded with it.
    p.delete_order(&o1, jan22, M, q("2021-Q4"), "40", None).unwrap();
    let last = serde_json::to_string(&p.events().last().unwrap().command).unwrap();
    assert!(last.contains("\"year\":2021"), "{last}");
    assert_eq!(Portal::replay(&p.events_json()).unwrap(), p);
    let _ = m1;
}

/// Through Q1 2024 to Closing with an Operator's wrong amount in a completed work.
fn operator_left_a_wrong_amount() -> (Portal, Actor, Actor) {
    let (mut p, m1, o1) = two_years();
    let s = Actor::Support;
    let mut now = t("2021-04-02T09:00:00");
    // 2021-Q1 … 2023-Q4 are zero quarters (CIEonline counted 0).
    for quarter in q("2021-Q1").through(q("2023-Q4")) {
        p.set_cieonline(&s, now, M, quarter, 0).unwrap();
        now = Moment::rome_midnight(quarter.next().unwrap().last_day());
        p.record_access(&m1, now).unwrap();
        p.record_access(&o1, now).unwrap();
        p.transmit_zero(&m1, now, M, quarter).unwrap();
    }
    let april = t("2024-04-03T09:00:00");
    p.record_access(&o1, april).unwrap();
    p.create_quarter(&o1, april, M, q("2024-Q1")).unwrap();
    p.add_order(&o1, april, M, q("2024-Q1"), "7", d("2024-03-29"), c(1600)).unwrap();
    p.complete_work(&o1, april, M, q("2024-Q1")).unwrap();
    (p, m1, o1)
}

#[test]
fn a_manager_corrects_an_operators_completed_order() {
    let (mut p, m1, o1) = operator_left_a_wrong_amount();
    let april = t("2024-04-03T10:00:00");
    assert_eq!(p.quarter(M, q("2024-Q1")).unwrap().state, QuarterState::Completing);
    assert_eq!(code(p.submit(&m1, april, M, q("2024-Q1"))), "AMOUNT_NOT_MULTIPLE");
    // Revision 1: NOT_AUTHORIZED. The order moves into the Manager's work, which reopens.
    p.edit_order(&m1, april, M, q("2024-Q1"), "7", Some(2024), d("2024-03-29"), c(1679)).unwrap();
    let record = p.quarter(M, q("2024-Q1")).unwrap();
    assert_eq!(record.state, QuarterState::InProgress);
    let Actor::User(m1_fc) = &m1 else { unreachable!() };
    let Actor::User(o1_fc) = &o1 else { unreachable!() };
    assert!(!record.works.contains_key(o1_fc), "the Operator's emptied work goes away");
    assert_eq!(record.works[m1_fc].orders.len(), 1);
    assert_eq!(code(p.edit_order(&o1, april, M, q("2024-Q1"), "7", None, d("2024-03-29"), c(1679))), "NOT_AUTHORIZED");
    p.complete_work(&m1, april, M, q("2024-Q1")).unwrap();
    p.submit(&m1, april, M, q("2024-Q1")).unwrap();
    // After "sblocca trimestre" too, and deletion.
    p.unlock_quarter(&m1, april, M, q("2024-Q1")).unwrap();
    p.add_order(&o1, april, M, q("2024-Q1"), "8", d("2024-03-30"), c(1679)).unwrap();
    p.complete_work(&o1, april, M, q("2024-Q1")).unwrap();
    p.delete_order(&m1, april, M, q("2024-Q1"), "8", None).unwrap();
    assert_eq!(p.quarter(M, q("2024-Q1")).unwrap().order_count(), 1);
    assert_eq!(Portal::replay(&p.events_json()).unwrap(), p);
}

#[test]
fn support_reopens_an_older_quarter() {
    let (mut p, m1, _) = operator_left_a_wrong_amount();
    let july = t("2024-07-02T09:00:00");
    p.edit_order(&m1, july, M, q("2024-Q1"), "7", None, d("2024-03-29"), c(1679)).unwrap();
    p.complete_work(&m1, july, M, q("2024-Q1")).unwrap();
    p.submit(&m1, july, M, q("2024-Q1")).unwrap();
    p.transmit(&m1, july, M, q("2024-Q1"), PDF, true).unwrap();
    p.set_cieonline(&Actor::Support, july, M, q("2024-Q2"), 0).unwrap();
    p.transmit_zero(&m1, july, M, q("2024-Q2")).unwrap();
    // Revision 1 reopened only the latest transmitted quarter.
    assert_eq!(code(p.reopen(&Actor::Support, july, M, q("2024-Q1"), "  ")), "REOPEN_REASON_REQUIRED");
    p.reopen(&Actor::Support, july, M, q("2024-Q1"), "importo errato segnalato dal Comune").unwrap();
    let q1 = p.quarter(M, q("2024-Q1")).unwrap();
    assert_eq!(q1.state, QuarterState::Completing);
    assert_eq!(q1.reopenings.len(), 1);
    assert!(q1.reopenings[0].transmission.is_some());
    assert_eq!(p.quarter(M, q("2024-Q2")).unwrap().state, QuarterState::Transmitted, "later quarters untouched");
    // It is transmitted again with a new signed report.
    p.submit(&m1, july, M, q("2024-Q1")).unwrap();
    p.transmit(&m1, july, M, q("2024-Q1"), b"%PDF-1.7 nuovo rapporto", true).unwrap();
    assert_eq!(Portal::replay(&p.events_json()).unwrap(), p);
}

struct Fixed(u8);

impl RandomSource for Fixed {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), crate::password::PasswordError> {
        for b in buf.iter_mut() {
            self.0 = self.0.wrapping_mul(31).wrapping_add(7);
            *b = self.0;
        }
        Ok(())
    }
}

#[test]
fn adding_a_user_returns_credentials_once() {
    let (mut p, m1, _) = two_years();
    let now = t("2021-02-01T09:00:00");
    let fiscal_code = fc("PLLMRC88T20F839");
    let credentials = p
        .add_user_with(&mut Fixed(3), &m1, now, M, new_user(&fiscal_code, "Marco"), Profile::Operator)
        .unwrap()
        .expect("a new user gets credentials");
    assert_eq!(credentials.username, fiscal_code);
    let password = credentials.password.expose().to_owned();
    assert!(crate::password::check_password(&password).is_empty());
    assert!(!format!("{credentials:?}").contains(&password));
    assert!(!p.events_json().contains(&password));
    assert!(!format!("{p:?}").contains(&password));
    // An existing user given a profile in another municipality keeps their credentials.
    p.register_municipality(&Actor::Support, now, "B", "Borgo", q("2021-Q1"), new_user(&fc("BRNLCU60H10D612"), "Luca"))
        .unwrap();
    let again = p.add_user(&Actor::Support, now, "B", new_user(&fiscal_code, "Marco"), Profile::Operator).unwrap();
    assert!(again.is_none());
}

#[test]
fn an_access_counts_as_activity() {
    let (mut p, m1, o1) = two_years();
    // O1 logs in every few months without changing anything: never blocked.
    for when in ["2021-06-01T09:00:00", "2022-05-01T09:00:00", "2023-04-01T09:00:00"] {
        p.record_access(&o1, t(when)).unwrap();
    }
    assert_eq!(code(p.create_quarter(&o1, t("2024-03-01T09:00:00"), M, q("2021-Q1"))), "OK");
    // A blocked user's access is refused.
    assert_eq!(code(p.record_access(&m1, t("2024-03-01T09:00:00"))), "USER_BLOCKED");
    assert_eq!(code(p.record_access(&Actor::Support, t("2024-03-01T09:00:00"))), "NOT_AUTHORIZED");
}

#[test]
fn optimistic_concurrency_refuses_a_stale_command() {
    let (mut p, _, o1) = two_years();
    let seen = p.event_count();
    let now = t("2021-02-01T09:00:00");
    p.execute_if(seen, &o1, now, Command::CreateQuarter { municipality: M.into(), quarter: q("2021-Q1") }).unwrap();
    let err = p.execute_if(seen, &o1, now, Command::CompleteWork { municipality: M.into(), quarter: q("2021-Q1") });
    assert_eq!(code(err.clone()), "STALE_STATE");
    assert!(err.unwrap_err().fields().contains(&("actual", crate::FieldValue::Int(3))));
}

#[test]
fn version_1_logs_are_migrated() {
    let (p, _, o1) = two_years();
    let Actor::User(o1_fc) = o1 else { unreachable!() };
    // A version-1 log: an edit and a deletion without the year, a zero quarter transmitted with
    // no count known, a reopening without a reason.
    let mut events: Vec<serde_json::Value> =
        serde_json::from_str::<serde_json::Value>(&p.events_json()).unwrap()["events"].as_array().unwrap().clone();
    let user = serde_json::json!({ "user": o1_fc });
    let m1 = serde_json::json!({ "user": fc("RSSMRA80A01H501") });
    let more = serde_json::json!([
        {"at": "2021-01-25T09:00:00+01:00", "actor": user, "command": {"create_quarter": {"municipality": M, "quarter": "2021-Q1"}}},
        {"at": "2021-01-25T09:00:00+01:00", "actor": user, "command": {"add_order": {"municipality": M, "quarter": "2021-Q1", "number": "3", "date": "2021-01-20", "amount": "16.79"}}},
        {"at": "2021-01-25T09:00:00+01:00", "actor": user, "command": {"edit_order": {"municipality": M, "quarter": "2021-Q1", "number": "3", "date": "2021-01-21", "amount": "16.79"}}},
        {"at": "2021-01-25T09:00:00+01:00", "actor": user, "command": {"delete_order": {"municipality": M, "quarter": "2021-Q1", "number": "3"}}},
        {"at": "2021-04-02T09:00:00+02:00", "actor": m1, "command": {"transmit_zero": {"municipality": M, "quarter": "2021-Q1"}}},
        {"at": "2021-04-03T09:00:00+02:00", "actor": "support", "command": {"reopen": {"municipality": M, "quarter": "2021-Q1"}}},
    ]);
    events.extend(more.as_array().unwrap().iter().cloned());
    let v1 = serde_json::json!({"format": "cie-pagamenti/events", "version": 1, "events": events}).to_string();
    let portal = Portal::replay(&v1).unwrap();
    let record = portal.quarter(M, q("2021-Q1")).unwrap();
    assert_eq!(record.state, QuarterState::Completing);
    assert_eq!(record.reopenings[0].reason, V1_REOPEN_REASON);
    // Written back as version 2, with the years, the reason and the zero-quarter mark; it loads.
    let v2 = portal.events_json();
    assert!(v2.contains("\"version\": 2") && v2.contains("\"year\":2021") && v2.contains("\"unknown_count_v1\":true"));
    assert_eq!(Portal::replay(&v2).unwrap(), portal);
    // The same log as version 2 is refused: revision 2's rules apply to new logs.
    let as_v2 = v1.replacen("\"version\":1", "\"version\":2", 1);
    let err = Portal::replay(&as_v2).unwrap_err();
    assert!(err.message_it().contains("CIEONLINE_UNKNOWN"), "{err:?}");
    // A new command cannot claim the mark.
    let mut live = p.clone();
    let command = Command::TransmitZero { municipality: M.into(), quarter: q("2021-Q1"), unknown_count_v1: true };
    assert_eq!(
        code(live.execute(&Actor::User(fc("RSSMRA80A01H501")), t("2021-04-02T09:00:00"), command)),
        "CIEONLINE_UNKNOWN"
    );
}
