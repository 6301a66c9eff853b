//! 2026-07-28's `subscriptions/listen`: a stateless client's long-lived stream of the list
//! changes it asked for, each tagged with the id of the request that opened it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};
use tokio::sync::mpsc;

use super::protocol::notification_message;

const META_SUBSCRIPTION: &str = "io.modelcontextprotocol/subscriptionId";

/// The notification types of `subscriptions/listen`, with the capability that offers each.
const KINDS: &[(&str, &str, &str)] = &[
    (
        "toolsListChanged",
        "notifications/tools/list_changed",
        "tools",
    ),
    (
        "promptsListChanged",
        "notifications/prompts/list_changed",
        "prompts",
    ),
    (
        "resourcesListChanged",
        "notifications/resources/list_changed",
        "resources",
    ),
];

/// What one subscription receives: the list changes asked for that the gateway announces
/// (`listChanged` in its capabilities). Resource updates are not offered (the ack says so by
/// leaving `resourceSubscriptions` out).
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    methods: Vec<(&'static str, &'static str)>,
}

impl Filter {
    pub(crate) fn new(params: &Value, capabilities: &Value) -> Filter {
        let asked = &params["notifications"];
        let methods = KINDS
            .iter()
            .filter(|(field, _, cap)| {
                asked[*field] == Value::Bool(true)
                    && capabilities[*cap]["listChanged"] == Value::Bool(true)
            })
            .map(|(field, method, _)| (*field, *method))
            .collect();
        Filter { methods }
    }

    fn wants(&self, method: &str) -> bool {
        self.methods.iter().any(|(_, m)| *m == method)
    }

    /// `notifications/subscriptions/acknowledged` for the subscription `id`.
    pub(crate) fn ack(&self, id: &Value) -> Value {
        let agreed: Map<String, Value> = self
            .methods
            .iter()
            .map(|(field, _)| (field.to_string(), Value::Bool(true)))
            .collect();
        notification_message(
            "notifications/subscriptions/acknowledged",
            json!({"_meta": {META_SUBSCRIPTION: id}, "notifications": agreed}),
        )
    }
}

struct Subscription {
    id: Value,
    filter: Filter,
    out: mpsc::Sender<Value>,
}

/// Every open subscription of one front.
#[derive(Default)]
pub(crate) struct Subscriptions {
    next: AtomicU64,
    open: Mutex<HashMap<u64, Subscription>>,
}

/// Ends its subscription when dropped.
pub(crate) struct Listening {
    subs: Arc<Subscriptions>,
    key: u64,
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.subs.open.lock().expect("lock").remove(&self.key);
    }
}

impl Subscriptions {
    /// Opens subscription `id`: its acknowledgement goes to `out` first, then what it asked for.
    pub(crate) fn listen(
        self: &Arc<Self>,
        id: Value,
        filter: Filter,
        out: mpsc::Sender<Value>,
    ) -> Option<Listening> {
        out.try_send(filter.ack(&id)).ok()?;
        let key = self.next.fetch_add(1, Ordering::Relaxed);
        self.open
            .lock()
            .expect("lock")
            .insert(key, Subscription { id, filter, out });
        Some(Listening {
            subs: self.clone(),
            key,
        })
    }

    /// A notification that belongs to no request: to every subscription that asked for it.
    pub(crate) fn notify(&self, method: &str, params: &Value) {
        for s in self.open.lock().expect("lock").values() {
            if s.filter.wants(method) {
                let mut params = match params {
                    Value::Object(_) => params.clone(),
                    _ => json!({}),
                };
                if !params["_meta"].is_object() {
                    params["_meta"] = json!({});
                }
                params["_meta"][META_SUBSCRIPTION] = s.id.clone();
                let _ = s.out.try_send(notification_message(method, params));
            }
        }
    }
}
