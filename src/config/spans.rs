//! Byte spans of every value and member of a JSON text, and the splices that edit one member
//! while every other byte of the file stays as it was.
//!
//! The scanner runs only over text that `serde_json` has already accepted, so it checks little;
//! it still returns `None` rather than panicking if it meets something it does not expect.
//! Written by hand (about 150 lines) rather than taken from a crate: `jsonc-parser`'s CST would
//! do, but it accepts comments and trailing commas that `.mcp.json` must refuse, and aimcp needs
//! only three splices (replace a value, add a member after the last, remove a member).

use serde_json::Value;

/// One JSON value: `text[start..end]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Object(Vec<Member>),
    Array(Vec<Node>),
    Scalar,
}

/// `"key": value` inside an object; `key_start..key_end` covers the quoted key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub key: String,
    pub key_start: usize,
    pub key_end: usize,
    pub value: Node,
}

impl Node {
    pub fn members(&self) -> &[Member] {
        match &self.kind {
            Kind::Object(m) => m,
            _ => &[],
        }
    }

    /// The member `key` (the first, if a key repeats).
    pub fn member(&self, key: &str) -> Option<&Member> {
        self.members().iter().find(|m| m.key == key)
    }

    /// The member at the end of a chain of keys.
    pub fn member_at(&self, keys: &[&str]) -> Option<&Member> {
        let (first, rest) = keys.split_first()?;
        let m = self.member(first)?;
        if rest.is_empty() {
            Some(m)
        } else {
            m.value.member_at(rest)
        }
    }

    /// The value at the end of a chain of keys (the node itself for none).
    pub fn value_at(&self, keys: &[&str]) -> Option<&Node> {
        if keys.is_empty() {
            return Some(self);
        }
        self.member_at(keys).map(|m| &m.value)
    }
}

/// Scans a JSON text that serde_json has accepted.
pub fn scan(text: &str) -> Option<Node> {
    let mut s = Scanner {
        b: text.as_bytes(),
        text,
        pos: 0,
    };
    s.ws();
    let node = s.value(0)?;
    s.ws();
    (s.pos == s.b.len()).then_some(node)
}

struct Scanner<'a> {
    b: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while matches!(self.b.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.b.get(self.pos) == Some(&c)).then(|| self.pos += 1)
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        if depth > 512 {
            return None;
        }
        let start = self.pos;
        let kind = match *self.b.get(self.pos)? {
            b'{' => {
                self.pos += 1;
                let mut members = Vec::new();
                self.ws();
                if self.eat(b'}').is_none() {
                    loop {
                        self.ws();
                        let key_start = self.pos;
                        self.string()?;
                        let key_end = self.pos;
                        let raw = &self.text[key_start + 1..key_end - 1];
                        let key: String = if raw.contains('\\') {
                            serde_json::from_str(&self.text[key_start..key_end]).ok()?
                        } else {
                            raw.to_string()
                        };
                        self.ws();
                        self.eat(b':')?;
                        self.ws();
                        let value = self.value(depth + 1)?;
                        members.push(Member {
                            key,
                            key_start,
                            key_end,
                            value,
                        });
                        self.ws();
                        if self.eat(b',').is_none() {
                            self.eat(b'}')?;
                            break;
                        }
                    }
                }
                Kind::Object(members)
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat(b']').is_none() {
                    loop {
                        self.ws();
                        items.push(self.value(depth + 1)?);
                        self.ws();
                        if self.eat(b',').is_none() {
                            self.eat(b']')?;
                            break;
                        }
                    }
                }
                Kind::Array(items)
            }
            b'"' => {
                self.string()?;
                Kind::Scalar
            }
            _ => {
                while let Some(c) = self.b.get(self.pos) {
                    if matches!(c, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.pos += 1;
                }
                if self.pos == start {
                    return None;
                }
                Kind::Scalar
            }
        };
        Some(Node {
            start,
            end: self.pos,
            kind,
        })
    }

    fn string(&mut self) -> Option<()> {
        self.eat(b'"')?;
        loop {
            match *self.b.get(self.pos)? {
                b'"' => {
                    self.pos += 1;
                    return Some(());
                }
                b'\\' => self.pos += 2,
                _ => self.pos += 1,
            }
        }
    }
}

/// The 1-based line of a byte offset.
pub fn line_at(text: &str, pos: usize) -> usize {
    text.as_bytes()[..pos.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The leading spaces and tabs of the line that holds `pos`.
pub fn line_indent(text: &str, pos: usize) -> &str {
    let start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let rest = &text[start..];
    let len = rest
        .bytes()
        .take_while(|b| *b == b' ' || *b == b'\t')
        .count();
    &rest[..len]
}

/// The first `//` or `/*` outside a string, as a byte offset.
pub fn find_comment(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < b.len() {
        match (in_string, b[i]) {
            (true, b'\\') => i += 1,
            (true, b'"') | (false, b'"') => in_string = !in_string,
            (false, b'/') if matches!(b.get(i + 1), Some(b'/' | b'*')) => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// How a file writes its JSON, so that what aimcp adds looks like what is there.
#[derive(Debug, Clone)]
pub struct Style {
    /// `\n` or `\r\n`.
    pub newline: &'static str,
    /// One level of indentation.
    pub unit: String,
}

impl Style {
    pub fn of(text: &str) -> Style {
        Style {
            newline: if text.contains("\r\n") { "\r\n" } else { "\n" },
            unit: detect_indent(text),
        }
    }
}

/// The indentation unit of a JSON text: the leading whitespace of its first indented line.
pub fn detect_indent(text: &str) -> String {
    text.lines()
        .skip(1)
        .find_map(|line| {
            let ws: String = line
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            (!ws.is_empty() && ws.len() < line.trim_end_matches('\r').len()).then_some(ws)
        })
        .unwrap_or_else(|| "  ".to_string())
}

/// A value on one line: `{"a": 1, "b": [2, 3]}` (`colon` is `": "` or `":"`).
pub fn render_inline(v: &Value, colon: &str) -> String {
    let comma = if colon.ends_with(' ') { ", " } else { "," };
    match v {
        Value::Object(m) if !m.is_empty() => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}{colon}{}",
                        Value::String(k.clone()),
                        render_inline(v, colon)
                    )
                })
                .collect();
            format!("{{{}}}", items.join(comma))
        }
        Value::Array(a) if !a.is_empty() => {
            let items: Vec<String> = a.iter().map(|v| render_inline(v, colon)).collect();
            format!("[{}]", items.join(comma))
        }
        other => other.to_string(),
    }
}

/// A value over several lines, its inner lines indented from `base`.
pub fn render_pretty(v: &Value, unit: &str, base: &str, newline: &str) -> String {
    use serde::Serialize;
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(unit.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    v.serialize(&mut ser)
        .expect("serialising a JSON value cannot fail");
    let text = String::from_utf8(buf).expect("serde_json writes UTF-8");
    // A JSON string never holds a raw newline, so every one is a line break.
    text.replace('\n', &format!("{newline}{base}"))
}

/// One splice: replace `text[start..end]` with `with`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splice {
    pub start: usize,
    pub end: usize,
    pub with: String,
}

impl Splice {
    pub fn apply(&self, text: &str) -> String {
        format!("{}{}{}", &text[..self.start], self.with, &text[self.end..])
    }
}

fn colon_of(text: &str, m: &Member) -> String {
    text[m.key_end..m.value.start].to_string()
}

/// Renders `v` for a place whose neighbours are written `inline` or over several lines.
fn render_for(v: &Value, inline: bool, colon: &str, style: &Style, base: &str) -> String {
    if inline {
        render_inline(v, colon.trim_start())
    } else {
        render_pretty(v, &style.unit, base, style.newline)
    }
}

/// Whether containers among an object's values are written on one line: the last container's
/// way, else the object's own.
fn values_inline(text: &str, object: &Node) -> bool {
    let own = !text[object.start..object.end].contains('\n');
    object
        .members()
        .iter()
        .rev()
        .find(|m| !matches!(m.value.kind, Kind::Scalar))
        .map_or(own, |m| !text[m.value.start..m.value.end].contains('\n'))
}

/// Replaces a member's value, written like the value it replaces.
pub fn replace_value(text: &str, member: &Member, v: &Value, style: &Style) -> Splice {
    let old = &text[member.value.start..member.value.end];
    let inline = !old.contains('\n');
    let base = line_indent(text, member.key_start);
    Splice {
        start: member.value.start,
        end: member.value.end,
        with: render_for(v, inline, &colon_of(text, member), style, base),
    }
}

/// Adds `"key": v` after the last member of `object`, with the separator, indentation and
/// colon its members use.
pub fn insert_member(text: &str, object: &Node, key: &str, v: &Value, style: &Style) -> Splice {
    let key_json = Value::String(key.to_string()).to_string();
    let members = object.members();
    let open_indent = line_indent(text, object.start);
    let Some(last) = members.last() else {
        // An empty object: over several lines unless it sits on one line with what precedes it.
        let inline = object.start != 0 && !text[..object.start].contains('\n');
        let interior = object.start + 1..object.end - 1;
        let with = if inline {
            format!("{key_json}: {}", render_inline(v, ": "))
        } else {
            let member_indent = format!("{open_indent}{}", style.unit);
            format!(
                "{nl}{member_indent}{key_json}: {}{nl}{open_indent}",
                render_pretty(v, &style.unit, &member_indent, style.newline),
                nl = style.newline,
            )
        };
        return Splice {
            start: interior.start,
            end: interior.end,
            with,
        };
    };
    let colon = colon_of(text, last);
    let separator = match members.len() {
        1 => {
            let before = &text[object.start + 1..last.key_start];
            match before.rfind('\n') {
                Some(_) => format!(",{}{}", style.newline, line_indent(text, last.key_start)),
                None if before.is_empty() => ",".to_string(),
                None => format!(",{before}"),
            }
        }
        n => {
            let prev = &members[n - 2];
            text[prev.value.end..last.key_start].to_string()
        }
    };
    let member_indent = separator.rfind('\n').map_or_else(
        || line_indent(text, last.key_start),
        |i| &separator[i + 1..],
    );
    let inline = values_inline(text, object);
    let value = render_for(v, inline, &colon, style, member_indent);
    Splice {
        start: last.value.end,
        end: last.value.end,
        with: format!("{separator}{key_json}{colon}{value}"),
    }
}

/// Removes member `index` of `object` with the separator on one side of it, so that removing
/// what [`insert_member`] added gives back the text as it was.
pub fn remove_member(object: &Node, index: usize) -> Splice {
    let members = object.members();
    let m = &members[index];
    if members.len() == 1 {
        return Splice {
            start: object.start + 1,
            end: object.end - 1,
            with: String::new(),
        };
    }
    if index == 0 {
        Splice {
            start: m.key_start,
            end: members[1].key_start,
            with: String::new(),
        }
    } else {
        Splice {
            start: members[index - 1].value.end,
            end: m.value.end,
            with: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn add(text: &str, path: &[&str], key: &str, v: Value) -> String {
        let root = scan(text).unwrap();
        let obj = root.value_at(path).unwrap();
        insert_member(text, obj, key, &v, &Style::of(text)).apply(text)
    }

    fn remove(text: &str, path: &[&str], key: &str) -> String {
        let root = scan(text).unwrap();
        let obj = root.value_at(path).unwrap();
        let i = obj.members().iter().position(|m| m.key == key).unwrap();
        remove_member(obj, i).apply(text)
    }

    #[test]
    fn scans_spans_of_members_and_values() {
        let text = r#" {"a" : [1, {"b": "x\"y"}], "c": null} "#;
        let root = scan(text).unwrap();
        assert_eq!(&text[root.start..root.end], text.trim());
        let a = root.member("a").unwrap();
        assert_eq!(&text[a.key_start..a.key_end], "\"a\"");
        assert_eq!(&text[a.value.start..a.value.end], r#"[1, {"b": "x\"y"}]"#);
        let c = root.member("c").unwrap();
        assert_eq!(&text[c.value.start..c.value.end], "null");
        let escaped = scan(r#"{"\u0061": 1}"#).unwrap();
        assert_eq!(escaped.members()[0].key, "a");
        assert!(scan("{\"a\": 1} x").is_none());
        assert!(scan("{\"a\": ").is_none());
    }

    #[test]
    fn inserting_matches_the_neighbours() {
        // Several lines, CRLF, tabs.
        let text = "{\r\n\t\"a\": 1,\r\n\t\"b\": 2\r\n}";
        assert_eq!(
            add(text, &[], "c", json!({"x": [1]})),
            "{\r\n\t\"a\": 1,\r\n\t\"b\": 2,\r\n\t\"c\": {\r\n\t\t\"x\": [\r\n\t\t\t1\r\n\t\t]\r\n\t}\r\n}"
        );
        // One line, compact.
        assert_eq!(
            add(r#"{"a":{"k":1}}"#, &[], "b", json!({"k": [2]})),
            r#"{"a":{"k":1},"b":{"k":[2]}}"#
        );
        // Inline containers in a file of several lines stay inline.
        let text = "{\n  \"a\": {\"k\": 1}\n}";
        assert_eq!(
            add(text, &[], "b", json!({"k": 2})),
            "{\n  \"a\": {\"k\": 1},\n  \"b\": {\"k\": 2}\n}"
        );
        // An empty object on its own line opens up; one on a single-line file stays inline.
        assert_eq!(
            add("{\n  \"s\": {}\n}", &["s"], "a", json!(1)),
            "{\n  \"s\": {\n    \"a\": 1\n  }\n}"
        );
        assert_eq!(
            add(r#"{"s": {}}"#, &["s"], "a", json!(1)),
            r#"{"s": {"a": 1}}"#
        );
        assert_eq!(add("{}", &[], "a", json!(1)), "{\n  \"a\": 1\n}");
    }

    #[test]
    fn removing_undoes_inserting_first_middle_last_and_only() {
        for text in [
            "{\n  \"a\": 1,\n  \"b\": [2],\n  \"c\": {\"d\": 3}\n}\n",
            "{\"a\":1,\"b\":2}",
            "{ \"a\" : 1 }",
            "{}",
            "{\n\t\"s\": {}\n}",
        ] {
            let added = add(text, &[], "new", json!({"k": ["v"]}));
            assert_eq!(remove(&added, &[], "new"), text, "{added}");
        }
        let text = "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3\n}";
        assert_eq!(remove(text, &[], "a"), "{\n  \"b\": 2,\n  \"c\": 3\n}");
        assert_eq!(remove(text, &[], "b"), "{\n  \"a\": 1,\n  \"c\": 3\n}");
        assert_eq!(remove(text, &[], "c"), "{\n  \"a\": 1,\n  \"b\": 2\n}");
        assert_eq!(remove("{\"only\": 1}", &[], "only"), "{}");
    }

    #[test]
    fn replacing_keeps_the_value_on_one_line_or_several() {
        let text = "{\n  \"a\": [1, 2],\n  \"b\": [\n    1\n  ]\n}";
        let root = scan(text).unwrap();
        let style = Style::of(text);
        let a = replace_value(text, root.member("a").unwrap(), &json!(["x", "y"]), &style);
        assert_eq!(
            a.apply(text),
            "{\n  \"a\": [\"x\", \"y\"],\n  \"b\": [\n    1\n  ]\n}"
        );
        let b = replace_value(text, root.member("b").unwrap(), &json!(["x"]), &style);
        assert_eq!(
            b.apply(text),
            "{\n  \"a\": [1, 2],\n  \"b\": [\n    \"x\"\n  ]\n}"
        );
    }

    #[test]
    fn comments_are_found_outside_strings_only() {
        assert_eq!(find_comment(r#"{"url": "http://x"}"#), None);
        assert_eq!(find_comment("{\"a\\\"//\": 1 // c\n}"), Some(12));
        assert_eq!(find_comment("{/* c */}"), Some(1));
    }
}
