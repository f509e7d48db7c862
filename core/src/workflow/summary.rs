//! A compact, stable view of a portal's state: what the shared workflow scenario vectors
//! (`tests/vectors/workflow.json`) compare in every binding, and what a host shows in a
//! dashboard. Keys are sorted; amounts in machine format; dates ISO.

use serde_json::{json, Map, Value};

use super::Portal;
use crate::calendar::Moment;

impl Portal {
    /// The state summary at `now` (which decides who is blocked for inactivity).
    pub fn summary(&self, now: Moment) -> Value {
        let municipalities: Map<String, Value> = self
            .municipalities
            .iter()
            .map(|(id, m)| {
                let quarters: Map<String, Value> = m
                    .quarters
                    .iter()
                    .map(|(q, r)| {
                        let orders: Map<String, Value> = r
                            .orders()
                            .map(|(order, owner, o)| {
                                (order.to_string(), json!({ "owner": owner, "date": o.date, "amount": o.amount }))
                            })
                            .collect();
                        let quarter = json!({
                            "state": r.state.as_str(),
                            "orders": orders,
                            "total": r.total(),
                            "open_works": r.works.iter().filter(|(_, w)| !w.completed).map(|(o, _)| o).collect::<Vec<_>>(),
                            "transmitted_by": r.transmission.as_ref().map(|t| &t.by),
                            "reopenings": r.reopenings.iter().map(|x| &x.reason).collect::<Vec<_>>(),
                        });
                        (q.to_string(), quarter)
                    })
                    .collect();
                let cieonline: Map<String, Value> = m.cieonline.iter().map(|(q, n)| (q.to_string(), json!(n))).collect();
                (id.clone(), json!({ "name": m.name, "quarters": quarters, "cieonline": cieonline }))
            })
            .collect();
        let users: Map<String, Value> = self
            .users
            .iter()
            .map(|(fc, u)| (fc.clone(), json!({ "blocked": u.is_blocked(now), "profiles": u.profiles })))
            .collect();
        json!({ "event_count": self.events.len(), "municipalities": municipalities, "users": users })
    }
}
