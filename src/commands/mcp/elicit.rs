//! A server's request for input (`elicitation/create`, a server request before 2026-07-28 and an
//! `inputRequests` entry since) answered by the user: at a terminal each field of the requested
//! schema is asked through the [`Prompter`] with the schema's default; a URL-mode request shows
//! the URL and asks whether the user is done there; without a terminal the request is declined,
//! and stderr says so.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};

use crate::mcp::{BoxFuture, Handler, RpcFailure};
use crate::printer::Printer;
use crate::prompt::{InquirePrompter, Prompter};

/// Ctrl-C at one of the questions: the command stops (exit 130), where Esc only answers
/// `cancel` to the server.
#[derive(Clone, Default)]
pub(crate) struct Interruption(Arc<(AtomicBool, tokio::sync::Notify)>);

impl Interruption {
    fn raise(&self) {
        self.0.0.store(true, Ordering::SeqCst);
        self.0.1.notify_one();
    }

    pub(crate) fn raised(&self) -> bool {
        self.0.0.load(Ordering::SeqCst)
    }

    /// Until Ctrl-C is pressed at a question.
    pub(crate) async fn wait(&self) {
        if !self.raised() {
            self.0.1.notified().await;
        }
    }
}

/// What the server may send besides answers, for `mcp call`.
pub(crate) struct Elicitor {
    printer: Printer,
    server: String,
    /// `None`: no terminal (or `--no-input`), every request is declined.
    prompter: Option<Arc<Mutex<Box<dyn Prompter + Send>>>>,
    /// The spinner, hidden while a question is asked.
    spinner: Option<indicatif::ProgressBar>,
    /// Without a terminal, accept a form whose every required field has a default, with the
    /// defaults (`AIMCP_ELICIT_DEFAULTS=1`: what pressing Enter at each question would give).
    defaults_without_terminal: bool,
    interruption: Interruption,
}

/// The client capability this handler stands for (`initialize` / `_meta`).
pub(crate) fn capabilities() -> Value {
    json!({"elicitation": {"form": {}, "url": {}}})
}

impl Elicitor {
    pub(crate) fn new(printer: &Printer, server: &str, interactive: bool) -> Elicitor {
        let prompter: Option<Box<dyn Prompter + Send>> =
            interactive.then(|| Box::new(InquirePrompter) as Box<dyn Prompter + Send>);
        Elicitor::with_prompter(printer, server, prompter)
    }

    pub(crate) fn with_prompter(
        printer: &Printer,
        server: &str,
        prompter: Option<Box<dyn Prompter + Send>>,
    ) -> Elicitor {
        Elicitor {
            printer: printer.clone(),
            server: server.to_string(),
            prompter: prompter.map(|p| Arc::new(Mutex::new(p))),
            spinner: None,
            defaults_without_terminal: false,
            interruption: Interruption::default(),
        }
    }

    /// Raised by Ctrl-C at a question.
    pub(crate) fn interruption(&self) -> Interruption {
        self.interruption.clone()
    }

    pub(crate) fn with_defaults_without_terminal(mut self, on: bool) -> Elicitor {
        self.defaults_without_terminal = on;
        self
    }

    pub(crate) fn with_spinner(mut self, spinner: indicatif::ProgressBar) -> Elicitor {
        self.spinner = Some(spinner);
        self
    }
}

impl Handler for Elicitor {
    fn request(
        &self,
        method: &str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, RpcFailure>> {
        if method != "elicitation/create" {
            let method = method.to_string();
            return Box::pin(async move {
                Err(RpcFailure {
                    code: crate::mcp::METHOD_NOT_FOUND,
                    message: format!("`{method}` is not supported by aimcp"),
                    data: None,
                })
            });
        }
        let printer = self.printer.clone();
        let server = self.server.clone();
        let prompter = self.prompter.clone();
        let spinner = self.spinner.clone();
        let defaults = self.defaults_without_terminal;
        let interruption = self.interruption.clone();
        Box::pin(async move {
            let message = shown(params.get("message").and_then(Value::as_str).unwrap_or(""));
            let Some(prompter) = prompter else {
                if defaults && let Some(content) = defaults_of(&params) {
                    printer.info(format!(
                        "answered server `{server}`'s request for input (\"{message}\") with \
                         its defaults (`AIMCP_ELICIT_DEFAULTS`)"
                    ));
                    return Ok(json!({"action": "accept", "content": content}));
                }
                printer.warn(format!(
                    "declined server `{server}`'s request for input (\"{message}\"): \
                     no terminal to ask at"
                ));
                return Ok(json!({"action": "decline"}));
            };
            let asked = tokio::task::spawn_blocking(move || {
                let mut p = prompter.lock().unwrap_or_else(|e| e.into_inner());
                let mut ask = || answer(&mut **p, &printer, &server, &params);
                match &spinner {
                    Some(s) => s.suspend(ask),
                    None => ask(),
                }
            })
            .await;
            match asked {
                Ok(Ok(answer)) => Ok(answer),
                // Ctrl-C: the server hears `cancel`, and the command stops (exit 130).
                Ok(Err(e)) if crate::error::is_interrupted(&e) => {
                    interruption.raise();
                    Ok(json!({"action": "cancel"}))
                }
                // Esc at a question: the user dismissed it.
                _ => Ok(json!({"action": "cancel"})),
            }
        })
    }
}

/// A server's text as the terminal may show it: control characters (escape sequences that
/// could rewrite the screen or disguise a link) written out.
fn shown(text: &str) -> String {
    crate::scan::escape_controls(text)
}

/// A form's defaults, when every required field has one (none for a URL request).
fn defaults_of(params: &Value) -> Option<Map<String, Value>> {
    if params.get("mode").and_then(Value::as_str) == Some("url") {
        return None;
    }
    let schema = params.get("requestedSchema")?;
    let mut content = Map::new();
    if let Some(Value::Object(props)) = schema.get("properties") {
        for (name, prop) in props {
            if let Some(d) = prop.get("default") {
                content.insert(name.clone(), d.clone());
            }
        }
    }
    let required = schema.get("required").and_then(Value::as_array);
    let complete = required
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .all(|r| content.contains_key(r));
    complete.then_some(content)
}

/// The user's answer to one elicitation.
pub(crate) fn answer(
    p: &mut dyn Prompter,
    printer: &Printer,
    server: &str,
    params: &Value,
) -> anyhow::Result<Value> {
    let message = shown(params.get("message").and_then(Value::as_str).unwrap_or(""));
    if params.get("mode").and_then(Value::as_str) == Some("url") {
        let url = shown(params.get("url").and_then(Value::as_str).unwrap_or(""));
        printer.notice(format!(
            "server `{server}` asks you to open {url}\n  {message}"
        ));
        let done = p.confirm("Done there (yes) or decline (no)?", true)?;
        return Ok(json!({"action": if done { "accept" } else { "decline" }}));
    }
    printer.notice(format!("server `{server}` asks: {message}"));
    if !p.confirm("Answer it?", true)? {
        return Ok(json!({"action": "decline"}));
    }
    let schema = params
        .get("requestedSchema")
        .cloned()
        .unwrap_or(Value::Null);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut content = Map::new();
    if let Some(Value::Object(props)) = schema.get("properties") {
        for (name, prop) in props {
            let title = shown(prop.get("title").and_then(Value::as_str).unwrap_or(name));
            let label = match prop.get("description").and_then(Value::as_str) {
                Some(d) => format!("{title} ({})", shown(d)),
                None => title,
            };
            if let Some(v) = field(p, &label, prop, required.contains(&name.as_str()))? {
                content.insert(name.clone(), v);
            }
        }
    }
    Ok(json!({"action": "accept", "content": content}))
}

/// One field: a yes/no, a choice of its `enum`/`oneOf`, or a line of text checked against its
/// type; Enter keeps the default. `None`: left empty (optional fields only).
fn field(
    p: &mut dyn Prompter,
    label: &str,
    prop: &Value,
    required: bool,
) -> anyhow::Result<Option<Value>> {
    let kind = prop.get("type").and_then(Value::as_str).unwrap_or("string");
    let default = prop.get("default");
    if kind == "boolean" {
        let d = default.and_then(Value::as_bool).unwrap_or(false);
        return Ok(Some(Value::Bool(p.confirm(label, d)?)));
    }
    let choices: Vec<(String, String)> = if let Some(Value::Array(e)) = prop.get("enum") {
        e.iter()
            .filter_map(Value::as_str)
            .map(|v| (v.to_string(), v.to_string()))
            .collect()
    } else if let Some(Value::Array(o)) = prop.get("oneOf") {
        o.iter()
            .filter_map(|c| {
                let v = c.get("const")?.as_str()?;
                let t = c.get("title").and_then(Value::as_str).unwrap_or(v);
                Some((v.to_string(), shown(t)))
            })
            .collect()
    } else {
        Vec::new()
    };
    if !choices.is_empty() {
        let shown: Vec<String> = choices.iter().map(|(_, t)| t.clone()).collect();
        let start = default
            .and_then(Value::as_str)
            .and_then(|d| choices.iter().position(|(v, _)| v == d))
            .unwrap_or(0);
        let i = p.select(label, &shown, start)?;
        return Ok(Some(Value::String(choices[i].0.clone())));
    }
    let default_text = default.map(|d| match d {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    let check = |text: &str| -> Result<(), String> {
        if text.is_empty() {
            return if required {
                Err("an answer is required".into())
            } else {
                Ok(())
            };
        }
        match kind {
            "integer" if text.parse::<i64>().is_err() => Err("a whole number".into()),
            "number" if text.parse::<f64>().is_err() => Err("a number".into()),
            _ => Ok(()),
        }
    };
    let text = p.text(label, default_text.as_deref(), None, &check)?;
    if text.is_empty() {
        return Ok(None);
    }
    Ok(Some(match kind {
        "integer" => json!(text.parse::<i64>().unwrap_or_default()),
        "number" => json!(text.parse::<f64>().unwrap_or_default()),
        _ => Value::String(text),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::{Answer, ScriptedPrompter};

    fn printer() -> Printer {
        Printer::for_tests()
    }

    #[test]
    fn a_form_is_asked_field_by_field_with_the_schemas_defaults() {
        let params = json!({"mode": "form", "message": "Who?", "requestedSchema": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "title": "Name", "default": "octocat"},
                "age": {"type": "integer"},
                "admin": {"type": "boolean", "default": true},
                "color": {"type": "string", "enum": ["red", "green"], "default": "green"},
            },
            "required": ["name"],
        }});
        // serde_json keeps keys sorted: admin, age, color, name.
        let mut p = ScriptedPrompter::new([
            Answer::Yes,
            Answer::Enter,
            Answer::Type("42".into()),
            Answer::Enter,
            Answer::Enter,
        ]);
        let got = answer(&mut p, &printer(), "s", &params).unwrap();
        assert_eq!(
            got,
            json!({"action": "accept", "content":
                {"admin": true, "age": 42, "color": "green", "name": "octocat"}})
        );
    }

    #[test]
    fn defaults_answer_only_a_form_whose_required_fields_have_them() {
        let form = |required: Value| {
            json!({"requestedSchema": {"type": "object", "required": required, "properties": {
                "a": {"type": "string", "default": "x"}, "b": {"type": "integer"}}}})
        };
        assert_eq!(
            defaults_of(&form(json!(["a"]))),
            json!({"a": "x"}).as_object().cloned()
        );
        assert_eq!(defaults_of(&form(json!(["a", "b"]))), None);
        assert_eq!(
            defaults_of(&json!({"mode": "url", "url": "https://x"})),
            None
        );
    }

    #[test]
    fn a_servers_text_reaches_the_terminal_with_its_controls_written_out() {
        let mut p = ScriptedPrompter::new([Answer::Yes, Answer::Type("x".into())]);
        let params = json!({"message": "Hi\u{1b}[2K", "requestedSchema": {"type": "object",
            "properties": {"n": {"type": "string", "title": "Na\u{1b}]8;;https://evil\u{7}me"}}}});
        answer(&mut p, &printer(), "s", &params).unwrap();
        assert!(
            p.asked
                .iter()
                .all(|q| !q.contains('\u{1b}') && !q.contains('\u{7}')),
            "{:?}",
            p.asked
        );
        assert!(p.asked.iter().any(|q| q.contains("Na")), "{:?}", p.asked);
    }

    #[test]
    fn esc_at_a_question_answers_cancel_and_ctrl_c_also_stops_the_command() {
        let params = json!({"message": "Who?", "requestedSchema": {"type": "object",
            "properties": {"n": {"type": "string"}}}});
        for (key, stops) in [(Answer::Cancel, false), (Answer::Interrupt, true)] {
            let p = ScriptedPrompter::new([Answer::Yes, key]);
            let e = Elicitor::with_prompter(&printer(), "s", Some(Box::new(p)));
            let stop = e.interruption();
            let got = crate::mcp::block_on(e.request("elicitation/create", params.clone()));
            assert_eq!(got.unwrap(), json!({"action": "cancel"}));
            assert_eq!(stop.raised(), stops);
        }
    }

    #[test]
    fn a_url_request_or_a_no_is_declined() {
        let mut p = ScriptedPrompter::new([Answer::No]);
        let params = json!({"mode": "url", "url": "https://example.com/x", "message": "Pay"});
        assert_eq!(
            answer(&mut p, &printer(), "s", &params).unwrap(),
            json!({"action": "decline"})
        );
        let mut p = ScriptedPrompter::new([Answer::No]);
        let params = json!({"message": "Who?", "requestedSchema": {"type": "object"}});
        assert_eq!(
            answer(&mut p, &printer(), "s", &params).unwrap(),
            json!({"action": "decline"})
        );
    }
}
