//! Multi round-trip requests (2026-07-28, SEP-2322) for the gateway's stateless clients.
//!
//! A stateless client cannot be sent a request: the revision has none from server to client.
//! When an upstream asks for something during such a client's `tools/call`, `prompts/get` or
//! `resources/read` (an older upstream sends `sampling/createMessage`, `elicitation/create` or
//! `roots/list` and waits), the gateway keeps that call running, answers the client with an
//! `input_required` result naming what the upstream asked (`inputRequests`) and a
//! `requestState` of its own, and when the client retries the request with `inputResponses`
//! and that state, hands the answers to the waiting upstream and goes on waiting for the call's
//! result (or the next question). An upstream that speaks 2026-07-28 itself returns its own
//! `input_required`: that passes through unchanged (the router does not answer it for such a
//! client), and so does the retry, whose `requestState` is not one of the gateway's.
//!
//! The gateway's `requestState` is a random handle to a call it holds in memory: it cannot be
//! forged into another call's, it works once (each round gets a new one), and it expires.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Map, Value, json};
use tokio::sync::{mpsc, oneshot};

use super::protocol::{INTERNAL_ERROR, INVALID_PARAMS, MODERN_VERSION, failure};
use crate::gateway::service::{
    Answer, BoxFuture, ClientInfo, Clients, Peer, Service, capability_for,
};
use crate::mcp::METHOD_NOT_FOUND;

/// The requests that may answer `input_required` (SEP-2322).
const ROUND_METHODS: &[&str] = &["tools/call", "prompts/get", "resources/read"];

/// What starts every `requestState` the gateway issues.
const STATE_PREFIX: &str = "aimcp-gw.";

/// How long a held call waits for the client's retry before it is ended (a person may be
/// answering the question).
pub(crate) const ROUND_WAIT: Duration = Duration::from_secs(600);

/// Questions an upstream asks together (`Promise.all` of three) arrive a moment apart: after
/// the first, the gateway waits this long for more before it answers the client.
const GATHER: Duration = Duration::from_millis(30);

/// At most this many calls held for a retry at once (beyond: the new question is refused).
const MAX_HELD: usize = 1024;

/// A question from an upstream, waiting for the client's answer.
struct Ask {
    method: String,
    params: Value,
    reply: oneshot::Sender<Answer>,
}

/// A call that runs across rounds: the service's work, and the questions it asks.
struct Exchange {
    work: tokio::task::JoinHandle<Answer>,
    asks: mpsc::UnboundedReceiver<Ask>,
    peer: Arc<RoundPeer>,
    method: String,
    /// The tool or prompt name, or the resource URI: a retry must name the same.
    target: Option<String>,
    /// Keys given so far (each question's key is new within the call).
    asked: u64,
}

impl Drop for Exchange {
    fn drop(&mut self) {
        // A call whose client never came back (or cancelled) ends, and with it the upstream's.
        self.work.abort();
    }
}

/// A call held between rounds: the questions the client was shown, by key.
struct Held {
    exchange: Exchange,
    waiting: Vec<(String, Ask)>,
}

/// The service, with multi round-trip requests for stateless clients in front of it.
pub(crate) struct Rounds {
    inner: Arc<dyn Service>,
    held: Arc<Mutex<HashMap<String, Held>>>,
    wait: Duration,
}

impl Rounds {
    pub(crate) fn new(inner: Arc<dyn Service>) -> Rounds {
        Rounds::with_wait(inner, ROUND_WAIT)
    }

    pub(crate) fn with_wait(inner: Arc<dyn Service>, wait: Duration) -> Rounds {
        Rounds {
            inner,
            held: Arc::new(Mutex::new(HashMap::new())),
            wait,
        }
    }
}

/// The request's tool or prompt name, or resource URI.
fn target_of(method: &str, params: &Value) -> Option<String> {
    let key = if method == "resources/read" {
        "uri"
    } else {
        "name"
    };
    params.get(key).and_then(Value::as_str).map(str::to_string)
}

/// The way back to the client of a call that runs across rounds: notifications go to the
/// latest round's client connection, requests become questions of the exchange.
struct RoundPeer {
    client: ClientInfo,
    current: Mutex<Arc<dyn Peer>>,
    asks: mpsc::UnboundedSender<Ask>,
}

impl Peer for RoundPeer {
    fn client(&self) -> &ClientInfo {
        &self.client
    }

    fn notify(&self, method: &str, params: Value) {
        let current = self.current.lock().expect("lock").clone();
        current.notify(method, params);
    }

    fn request(&self, method: &str, params: Value) -> BoxFuture<'static, Answer> {
        let refuse = |code: i64, message: String| -> BoxFuture<'static, Answer> {
            Box::pin(std::future::ready(Err(failure(code, message))))
        };
        let Some(cap) = capability_for(method) else {
            return refuse(
                METHOD_NOT_FOUND,
                format!("`{method}` cannot be asked of an MCP {MODERN_VERSION} client"),
            );
        };
        if !self.client.can(cap) {
            return refuse(
                METHOD_NOT_FOUND,
                format!("`{method}`: the gateway's client did not declare the `{cap}` capability"),
            );
        }
        let (reply, answer) = oneshot::channel();
        let ask = Ask {
            method: method.to_string(),
            params,
            reply,
        };
        if self.asks.send(ask).is_err() {
            return refuse(
                INTERNAL_ERROR,
                "the client's request this belongs to has ended".to_string(),
            );
        }
        Box::pin(async move {
            answer.await.unwrap_or_else(|_| {
                Err(failure(
                    INTERNAL_ERROR,
                    "the gateway's client did not answer (it went away, or its retry did not come in time)",
                ))
            })
        })
    }
}

impl Rounds {
    /// A stateless client's round request: a new call, or the retry of a held one.
    async fn round(
        held: Arc<Mutex<HashMap<String, Held>>>,
        inner: Arc<dyn Service>,
        wait: Duration,
        peer: Arc<dyn Peer>,
        method: String,
        mut params: Value,
    ) -> Answer {
        let ours = params
            .get("requestState")
            .and_then(Value::as_str)
            .filter(|s| s.starts_with(STATE_PREFIX))
            .map(str::to_string);
        let Some(state) = ours else {
            // A first request (or the retry of an upstream's own `input_required`, whose state
            // is the upstream's): the call starts here, its params unchanged.
            let (tx, rx) = mpsc::unbounded_channel();
            let round_peer = Arc::new(RoundPeer {
                client: peer.client().clone(),
                current: Mutex::new(peer),
                asks: tx,
            });
            let target = target_of(&method, &params);
            let work = tokio::spawn(inner.request(round_peer.clone(), method.clone(), params));
            let exchange = Exchange {
                work,
                asks: rx,
                peer: round_peer,
                method,
                target,
                asked: 0,
            };
            return Rounds::drive(held, wait, exchange, Vec::new()).await;
        };
        let Some(Held {
            exchange,
            mut waiting,
        }) = held.lock().expect("lock").remove(&state)
        else {
            return Err(failure(
                INVALID_PARAMS,
                "`requestState` is not one the gateway gave, or its round has expired: send the \
                 request again without `requestState` and `inputResponses`",
            ));
        };
        if exchange.method != method || exchange.target != target_of(&method, &params) {
            let f = failure(
                INVALID_PARAMS,
                format!(
                    "`requestState` belongs to another request (`{}` of `{}`)",
                    exchange.method,
                    exchange.target.as_deref().unwrap_or("")
                ),
            );
            held.lock()
                .expect("lock")
                .insert(state, Held { exchange, waiting });
            return Err(f);
        }
        *exchange.peer.current.lock().expect("lock") = peer;
        let mut responses = match params.get_mut("inputResponses").map(Value::take) {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        };
        // Each answered question goes to its upstream; one left unanswered is asked again.
        let mut unanswered = Vec::new();
        for (key, ask) in waiting.drain(..) {
            match responses.remove(&key) {
                Some(answer) => {
                    let _ = ask.reply.send(Ok(answer));
                }
                None => unanswered.push((key, ask)),
            }
        }
        Rounds::drive(held, wait, exchange, unanswered).await
    }

    /// Waits for the call's result or its next questions; questions become an `input_required`
    /// result, and the call is held until the retry.
    async fn drive(
        held: Arc<Mutex<HashMap<String, Held>>>,
        wait: Duration,
        mut exchange: Exchange,
        mut waiting: Vec<(String, Ask)>,
    ) -> Answer {
        while waiting.is_empty() {
            let first = tokio::select! {
                biased;
                done = &mut exchange.work => return finished(done),
                ask = exchange.asks.recv() => ask,
            };
            let Some(first) = first else {
                return finished((&mut exchange.work).await);
            };
            waiting.push(exchange.key(first));
            let gather = tokio::time::sleep(GATHER);
            tokio::pin!(gather);
            loop {
                tokio::select! {
                    biased;
                    ask = exchange.asks.recv() => match ask {
                        Some(a) => waiting.push(exchange.key(a)),
                        None => break,
                    },
                    _ = &mut gather => break,
                }
            }
            // Questions whose upstream request was cancelled meanwhile are not shown.
            waiting.retain(|(_, a)| !a.reply.is_closed());
        }
        let mut requests = Map::new();
        for (key, ask) in &waiting {
            requests.insert(
                key.clone(),
                json!({"method": ask.method, "params": ask.params}),
            );
        }
        let state = format!("{STATE_PREFIX}{}", crate::random::token(24));
        {
            let mut map = held.lock().expect("lock");
            if map.len() >= MAX_HELD {
                return Err(failure(
                    INTERNAL_ERROR,
                    format!(
                        "the gateway already holds {MAX_HELD} requests waiting for their \
                         clients' input"
                    ),
                ));
            }
            map.insert(state.clone(), Held { exchange, waiting });
        }
        let expire = held.clone();
        let key = state.clone();
        tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            // Dropping it fails the waiting questions and ends the call.
            let gone = expire.lock().expect("lock").remove(&key);
            drop(gone);
        });
        Ok(json!({
            "resultType": "input_required",
            "inputRequests": requests,
            "requestState": state,
        }))
    }
}

impl Exchange {
    /// A question with its key (`elicitation-1`, `sampling-2`, `roots-3` ...).
    fn key(&mut self, ask: Ask) -> (String, Ask) {
        self.asked += 1;
        let kind = capability_for(&ask.method).unwrap_or("input");
        (format!("{kind}-{}", self.asked), ask)
    }
}

fn finished(done: Result<Answer, tokio::task::JoinError>) -> Answer {
    done.unwrap_or_else(|_| Err(failure(INTERNAL_ERROR, "the request's work ended early")))
}

impl Service for Rounds {
    fn server_info(&self) -> Value {
        self.inner.server_info()
    }
    fn capabilities(&self) -> Value {
        self.inner.capabilities()
    }
    fn instructions(&self) -> Option<String> {
        self.inner.instructions()
    }
    fn attach(&self, clients: Arc<dyn Clients>) {
        self.inner.attach(clients)
    }
    fn client_initialized(&self, client: &ClientInfo) {
        self.inner.client_initialized(client)
    }
    fn request(
        &self,
        peer: Arc<dyn Peer>,
        method: String,
        params: Value,
    ) -> BoxFuture<'static, Answer> {
        if peer.client().protocol_version != MODERN_VERSION
            || !ROUND_METHODS.contains(&method.as_str())
        {
            return self.inner.request(peer, method, params);
        }
        Box::pin(Rounds::round(
            self.held.clone(),
            self.inner.clone(),
            self.wait,
            peer,
            method,
            params,
        ))
    }
    fn notification(&self, peer: Arc<dyn Peer>, method: String, params: Value) {
        self.inner.notification(peer, method, params)
    }
    fn metrics(&self) -> String {
        self.inner.metrics()
    }
    fn health(&self) -> (u16, Value) {
        self.inner.health()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One tool, `ask`: asks the client `elicitation/create` and says what came back.
    struct Asker {
        seen: Arc<Mutex<Vec<String>>>,
    }

    impl Service for Asker {
        fn server_info(&self) -> Value {
            json!({})
        }
        fn capabilities(&self) -> Value {
            json!({})
        }
        fn instructions(&self) -> Option<String> {
            None
        }
        fn attach(&self, _: Arc<dyn Clients>) {}
        fn request(&self, peer: Arc<dyn Peer>, _: String, _: Value) -> BoxFuture<'static, Answer> {
            let seen = self.seen.clone();
            Box::pin(async move {
                let said = match peer
                    .request("elicitation/create", json!({"message": "?"}))
                    .await
                {
                    Ok(v) => v.to_string(),
                    Err(e) => format!("error: {}", e.message),
                };
                seen.lock().unwrap().push(said.clone());
                Ok(json!({"content": [{"type": "text", "text": said}]}))
            })
        }
        fn notification(&self, _: Arc<dyn Peer>, _: String, _: Value) {}
        fn metrics(&self) -> String {
            String::new()
        }
        fn health(&self) -> (u16, Value) {
            (200, json!({}))
        }
    }

    struct Client(ClientInfo);

    impl Peer for Client {
        fn client(&self) -> &ClientInfo {
            &self.0
        }
        fn notify(&self, _: &str, _: Value) {}
        fn request(&self, _: &str, _: Value) -> BoxFuture<'static, Answer> {
            unreachable!("a stateless client is never sent a request")
        }
    }

    fn client() -> Arc<dyn Peer> {
        Arc::new(Client(ClientInfo {
            capabilities: json!({"elicitation": {}}),
            protocol_version: MODERN_VERSION.into(),
            ..ClientInfo::default()
        }))
    }

    #[tokio::test]
    async fn a_held_call_ends_when_its_retry_does_not_come_in_time() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let rounds = Rounds::with_wait(
            Arc::new(Asker { seen: seen.clone() }),
            Duration::from_millis(100),
        );
        let params = json!({"name": "ask", "arguments": {}});
        let first = rounds
            .request(client(), "tools/call".into(), params.clone())
            .await
            .unwrap();
        assert_eq!(first["resultType"], "input_required");
        assert_eq!(rounds.held.lock().unwrap().len(), 1);
        tokio::time::sleep(Duration::from_millis(400)).await;
        // Expired: nothing held, the upstream's question failed, the late retry is refused.
        assert_eq!(rounds.held.lock().unwrap().len(), 0);
        let mut late = params.clone();
        late["requestState"] = first["requestState"].clone();
        late["inputResponses"] = json!({"elicitation-1": {"action": "accept"}});
        let e = rounds
            .request(client(), "tools/call".into(), late)
            .await
            .unwrap_err();
        assert_eq!(e.code, INVALID_PARAMS);
        // The call was ended with the question (aborted before it could say anything).
        assert!(
            seen.lock().unwrap().iter().all(|s| s.starts_with("error")),
            "{seen:?}"
        );
    }

    #[tokio::test]
    async fn an_answer_in_time_completes_the_call_and_older_clients_pass_straight_through() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let rounds = Rounds::new(Arc::new(Asker { seen: seen.clone() }));
        let params = json!({"name": "ask", "arguments": {}});
        let first = rounds
            .request(client(), "tools/call".into(), params.clone())
            .await
            .unwrap();
        let mut retry = params.clone();
        retry["requestState"] = first["requestState"].clone();
        retry["inputResponses"] = json!({"elicitation-1": {"action": "decline"}});
        let done = rounds
            .request(client(), "tools/call".into(), retry)
            .await
            .unwrap();
        assert_eq!(done["content"][0]["text"], r#"{"action":"decline"}"#);
        assert!(rounds.held.lock().unwrap().is_empty());
        // A 2025-11-25 client's request is the service's own (here: the peer is asked directly).
        struct Old(ClientInfo);
        impl Peer for Old {
            fn client(&self) -> &ClientInfo {
                &self.0
            }
            fn notify(&self, _: &str, _: Value) {}
            fn request(&self, _: &str, _: Value) -> BoxFuture<'static, Answer> {
                Box::pin(std::future::ready(Ok(json!({"action": "accept"}))))
            }
        }
        let old = Arc::new(Old(ClientInfo {
            protocol_version: "2025-11-25".into(),
            ..ClientInfo::default()
        }));
        let done = rounds
            .request(old, "tools/call".into(), params)
            .await
            .unwrap();
        assert_eq!(done["content"][0]["text"], r#"{"action":"accept"}"#);
    }
}
