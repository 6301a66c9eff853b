//! The gateway's names: `SERVER__TOOL` (and `SERVER__PROMPT`), routed by an index and never by
//! splitting a name (a server or a tool may itself contain `__`); the `--allow`/`--deny`
//! patterns and the tools a server's entry in `.mcp.json` switches off (`disabledTools`); the
//! paging of merged lists with an opaque cursor; the matching of resource templates.
//!
//! Nothing here prints: a clash of names is returned as a [`Clash`] for the command to say once.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

/// Between the server's name and the tool's (or prompt's) name.
pub const SEPARATOR: &str = "__";

/// `server__name`.
pub fn join(server: &str, name: &str) -> String {
    format!("{server}{SEPARATOR}{name}")
}

/// Where an exposed name goes: the upstream server and the name it gave the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub server: String,
    pub name: String,
}

/// Two items whose `SERVER__NAME` is the same (server `a__b` with tool `c`, and server `a` with
/// tool `b__c`): the first in `.mcp.json`'s order keeps the name, the later one gets `given`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    pub server: String,
    pub name: String,
    /// `SERVER__NAME`, which an earlier item holds.
    pub wanted: String,
    /// What this item is called instead: `SERVER__NAME_2` (or `_3` ...).
    pub given: String,
}

/// The index of one merged list: exposed name -> route, and back.
#[derive(Debug, Clone, Default)]
pub struct Names {
    routes: HashMap<String, Route>,
    exposed: HashMap<(String, String), String>,
    clashes: Vec<Clash>,
}

impl Names {
    /// Names every `(server, name)` in the order given (servers in `.mcp.json`'s order, each
    /// server's items in its own order), so that the same lists always give the same names.
    pub fn build<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>) -> Names {
        let mut names = Names::default();
        for (server, name) in items {
            let key = (server.to_string(), name.to_string());
            if names.exposed.contains_key(&key) {
                continue; // a server that lists an item twice: one name, the first
            }
            let wanted = join(server, name);
            let mut given = wanted.clone();
            let mut n = 2;
            while names.routes.contains_key(&given) {
                given = format!("{wanted}_{n}");
                n += 1;
            }
            if given != wanted {
                names.clashes.push(Clash {
                    server: server.to_string(),
                    name: name.to_string(),
                    wanted,
                    given: given.clone(),
                });
            }
            names.routes.insert(
                given.clone(),
                Route {
                    server: server.to_string(),
                    name: name.to_string(),
                },
            );
            names.exposed.insert(key, given);
        }
        names
    }

    /// The upstream of an exposed name.
    pub fn route(&self, exposed: &str) -> Option<&Route> {
        self.routes.get(exposed)
    }

    /// The exposed name of a server's item.
    pub fn exposed(&self, server: &str, name: &str) -> Option<&str> {
        self.exposed
            .get(&(server.to_string(), name.to_string()))
            .map(String::as_str)
    }

    pub fn clashes(&self) -> &[Clash] {
        &self.clashes
    }

    pub fn len(&self) -> usize {
        self.routes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }
}

/// One `--allow` or `--deny` pattern: `SERVER` (every tool of that server), `SERVER__TOOL`, or a
/// glob of either with `*` (any run of characters, `_` included) and `?` (one character).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    text: String,
}

impl Pattern {
    /// Checks a pattern's text; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<Pattern, String> {
        if text.is_empty() {
            return Err("a pattern cannot be empty".into());
        }
        if let Some(c) = text
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '*' | '?')))
        {
            let shown = if c.is_whitespace() {
                "a space".to_string()
            } else {
                format!("`{c}`")
            };
            return Err(format!(
                "{shown} cannot be in a pattern (names are letters, digits, `-`, `_` and `.`; \
                 `*` and `?` are wildcards)"
            ));
        }
        Ok(Pattern {
            text: text.to_string(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// A pattern without `__` and without wildcards: one server, by its name.
    pub fn server_name(&self) -> Option<&str> {
        (!self.text.contains(SEPARATOR) && !self.text.contains(['*', '?'])).then_some(&self.text)
    }

    /// Whether the pattern covers `tool` of `server`: a pattern without `__` is matched against
    /// the server's name, one with `__` against `SERVER__TOOL`.
    pub fn matches(&self, server: &str, tool: &str) -> bool {
        if self.text.contains(SEPARATOR) {
            glob(&self.text, &join(server, tool))
        } else {
            glob(&self.text, server)
        }
    }
}

/// `*` and `?` globbing, on characters.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // The classic two-pointer match with backtracking to the last `*`.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Which tools the gateway shows: `--allow` (when any is given, only what one of them covers),
/// `--deny` (wins over allow), and each server's `disabledTools` from `.mcp.json`.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    allow: Vec<Pattern>,
    deny: Vec<Pattern>,
    disabled: HashMap<String, HashSet<String>>,
}

impl Filter {
    pub fn new(allow: Vec<Pattern>, deny: Vec<Pattern>) -> Filter {
        Filter {
            allow,
            deny,
            disabled: HashMap::new(),
        }
    }

    /// The tools `server`'s entry switches off (their names as the server gives them).
    pub fn disable(&mut self, server: &str, tools: impl IntoIterator<Item = String>) {
        self.disabled
            .entry(server.to_string())
            .or_default()
            .extend(tools);
    }

    /// Whether `tool` of `server` is listed and may be called.
    pub fn shows(&self, server: &str, tool: &str) -> bool {
        // `disabledTools` holds names and, as `aimcp mcp disable --tool` takes them, globs.
        if self.disabled.get(server).is_some_and(|d| {
            d.contains(tool) || d.iter().any(|p| p.contains(['*', '?']) && glob(p, tool))
        }) {
            return false;
        }
        if self.deny.iter().any(|p| p.matches(server, tool)) {
            return false;
        }
        self.allow.is_empty() || self.allow.iter().any(|p| p.matches(server, tool))
    }

    /// The `--allow` patterns that cover none of `tools` (`(server, tool)` pairs): each means that
    /// it lets nothing through, which the command says once.
    pub fn unused_allows<'a>(
        &self,
        tools: impl IntoIterator<Item = (&'a str, &'a str)> + Clone,
    ) -> Vec<&Pattern> {
        self.allow
            .iter()
            .filter(|p| !tools.clone().into_iter().any(|(s, t)| p.matches(s, t)))
            .collect()
    }

    pub fn allows(&self) -> &[Pattern] {
        &self.allow
    }

    pub fn denies(&self) -> &[Pattern] {
        &self.deny
    }
}

/// One page of a merged list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub items: Vec<Value>,
    pub next_cursor: Option<String>,
}

/// Why a cursor was refused (JSON-RPC -32602, invalid params).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorError {
    /// Not a cursor this gateway wrote.
    Invalid,
    /// Written for an earlier version of the list (it changed since): list again from the start.
    Stale,
}

impl CursorError {
    pub fn message(&self) -> &'static str {
        match self {
            CursorError::Invalid => "invalid cursor",
            CursorError::Stale => {
                "invalid cursor: the list changed since it was written; list again from the start"
            }
        }
    }
}

/// The cursor of the page that starts at `offset` of version `generation` of a list: opaque to
/// clients (hex), and checked when it comes back.
pub fn encode_cursor(generation: u64, offset: usize) -> String {
    let plain = format!("aimcp1:{generation}:{offset}");
    plain.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The `(generation, offset)` of a cursor from [`encode_cursor`].
pub fn decode_cursor(cursor: &str) -> Option<(u64, usize)> {
    if !cursor.len().is_multiple_of(2) || cursor.len() > 128 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..cursor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(cursor.get(i..i + 2)?, 16).ok())
        .collect();
    let text = String::from_utf8(bytes?).ok()?;
    let rest = text.strip_prefix("aimcp1:")?;
    let (generation, offset) = rest.split_once(':')?;
    Some((generation.parse().ok()?, offset.parse().ok()?))
}

/// The page of `items` (version `generation` of the list) that `cursor` asks for, at most
/// `size` items.
pub fn page(
    items: &[Value],
    generation: u64,
    cursor: Option<&str>,
    size: usize,
) -> Result<Page, CursorError> {
    let size = size.max(1);
    let offset = match cursor {
        None => 0,
        Some(c) => {
            let (g, offset) = decode_cursor(c).ok_or(CursorError::Invalid)?;
            if g != generation {
                return Err(CursorError::Stale);
            }
            if offset == 0 || offset > items.len() {
                return Err(CursorError::Invalid);
            }
            offset
        }
    };
    let end = (offset + size).min(items.len());
    Ok(Page {
        items: items[offset..end].to_vec(),
        next_cursor: (end < items.len()).then(|| encode_cursor(generation, end)),
    })
}

/// Whether `uri` is one of the URIs of an RFC 6570 `uriTemplate` (its `{...}` expressions stand
/// for any text; a `{+var}`, `{#var}` or `{/var}` one may hold `/` too, a plain one may not).
pub fn template_matches(template: &str, uri: &str) -> bool {
    // Literal pieces and, between them, expressions; matched left to right with backtracking.
    #[derive(Debug)]
    enum Piece<'a> {
        Lit(&'a str),
        Var { slash: bool },
    }
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            pieces.push(Piece::Lit(&rest[..open]));
        }
        let Some(close) = rest[open..].find('}') else {
            return false;
        };
        let expr = &rest[open + 1..open + close];
        pieces.push(Piece::Var {
            slash: expr.starts_with(['+', '#', '/']),
        });
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Lit(rest));
    }
    fn go(pieces: &[Piece], uri: &str) -> bool {
        match pieces.split_first() {
            None => uri.is_empty(),
            Some((Piece::Lit(l), rest)) => uri.strip_prefix(l).is_some_and(|u| go(rest, u)),
            Some((Piece::Var { slash }, rest)) => {
                let mut ends: Vec<usize> = uri.char_indices().map(|(i, _)| i).collect();
                ends.push(uri.len());
                for end in ends {
                    let value = &uri[..end];
                    if !slash && value.contains('/') {
                        break;
                    }
                    if go(rest, &uri[end..]) {
                        return true;
                    }
                }
                false
            }
        }
    }
    go(&pieces, uri)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_route_by_the_index_even_when_servers_and_tools_contain_the_separator() {
        let names = Names::build([("a__b", "c"), ("a", "b__c"), ("a", "x"), ("gh", "get__me")]);
        assert_eq!(
            names.route("a__b__c"),
            Some(&Route {
                server: "a__b".into(),
                name: "c".into()
            })
        );
        // The later one of the clash gets a suffix; it still routes to its own server.
        assert_eq!(
            names.route("a__b__c_2"),
            Some(&Route {
                server: "a".into(),
                name: "b__c".into()
            })
        );
        assert_eq!(names.exposed("a", "b__c"), Some("a__b__c_2"));
        assert_eq!(names.route("gh__get__me").unwrap().name, "get__me");
        assert_eq!(names.route("a__x").unwrap().server, "a");
        assert_eq!(names.route("b__c"), None);
        assert_eq!(
            names.clashes(),
            [Clash {
                server: "a".into(),
                name: "b__c".into(),
                wanted: "a__b__c".into(),
                given: "a__b__c_2".into(),
            }]
        );
        assert_eq!(names.len(), 4);
    }

    #[test]
    fn a_clash_is_resolved_the_same_way_every_time_and_skips_taken_suffixes() {
        let items = [("a", "b__c"), ("a__b", "c_2"), ("a__b", "c")];
        let one = Names::build(items);
        let two = Names::build(items);
        // `a__b__c_2` is a real tool's name, so the clash gets `_3`.
        assert_eq!(one.exposed("a__b", "c"), Some("a__b__c_3"));
        assert_eq!(one.exposed("a__b", "c"), two.exposed("a__b", "c"));
        assert_eq!(one.exposed("a", "b__c"), Some("a__b__c"));
    }

    #[test]
    fn a_tool_listed_twice_gets_one_name() {
        let names = Names::build([("s", "t"), ("s", "t")]);
        assert_eq!(names.len(), 1);
        assert!(names.clashes().is_empty());
    }

    #[test]
    fn globs_match_whole_names() {
        assert!(glob("github__get_*", "github__get_issue"));
        assert!(glob("github__get_*", "github__get_"));
        assert!(!glob("github__get_*", "github__list_issues"));
        assert!(glob("*__delete_*", "gitlab__delete_branch"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "ac"));
        assert!(glob("*", ""));
        assert!(!glob("abc", "abcd"));
        assert!(glob("*b*b*", "abxxbc"));
        assert!(!glob("*b*b*", "abc"));
    }

    #[test]
    fn patterns_without_the_separator_name_servers_with_it_tools() {
        let p = |s| Pattern::parse(s).unwrap();
        assert!(p("github").matches("github", "anything"));
        assert!(!p("github").matches("github2", "anything"));
        assert!(p("git*").matches("github", "x"));
        assert_eq!(p("github").server_name(), Some("github"));
        assert_eq!(p("git*").server_name(), None);
        assert_eq!(p("github__get_me").server_name(), None);
        assert!(p("github__get_*").matches("github", "get_me"));
        assert!(!p("github__get_*").matches("github", "list"));
        // A tool whose name holds `__`: the pattern sees `SERVER__TOOL` whole.
        assert!(p("a__b__*").matches("a", "b__c"));
        assert!(p("a__b__*").matches("a__b", "c"));
        assert!(Pattern::parse("").is_err());
        assert_eq!(
            Pattern::parse("git hub").unwrap_err(),
            "a space cannot be in a pattern (names are letters, digits, `-`, `_` and `.`; `*` and `?` are wildcards)"
        );
    }

    #[test]
    fn deny_wins_over_allow_and_disabled_tools_are_hidden() {
        let p = |s| Pattern::parse(s).unwrap();
        let mut f = Filter::new(vec![p("github"), p("time__*")], vec![p("github__delete_*")]);
        f.disable("time", ["convert_time".to_string()]);
        assert!(f.shows("github", "get_me"));
        assert!(!f.shows("github", "delete_repo"));
        assert!(f.shows("time", "get_current_time"));
        assert!(!f.shows("time", "convert_time"));
        assert!(!f.shows("memory", "read_graph"));

        let mut f = Filter::default();
        assert!(f.shows("memory", "read_graph"));
        f.disable("memory", ["read_graph".to_string()]);
        assert!(!f.shows("memory", "read_graph"));
        assert!(f.shows("memory", "create_entities"));
        assert!(f.shows("other", "read_graph"));

        // A glob in `disabledTools`, as `mcp disable --tool 'delete_*'` writes it.
        f.disable("github", ["delete_*".to_string(), "merge_?r".to_string()]);
        assert!(!f.shows("github", "delete_repo"));
        assert!(!f.shows("github", "merge_pr"));
        assert!(f.shows("github", "get_me"));
        assert!(f.shows("other", "delete_repo"));
    }

    #[test]
    fn an_allow_that_matches_nothing_is_reported() {
        let p = |s| Pattern::parse(s).unwrap();
        let f = Filter::new(vec![p("github"), p("time__get_*"), p("nope__*")], vec![]);
        let tools = [("time", "get_current_time"), ("memory", "read_graph")];
        let unused: Vec<&str> = f
            .unused_allows(tools.iter().copied())
            .iter()
            .map(|p| p.as_str())
            .collect();
        assert_eq!(unused, ["github", "nope__*"]);
    }

    #[test]
    fn pages_follow_each_other_and_cover_the_list_once() {
        let items: Vec<Value> = (0..7).map(|i| json!({"name": format!("t{i}")})).collect();
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let p = page(&items, 3, cursor.as_deref(), 3).unwrap();
            assert!(p.items.len() <= 3);
            seen.extend(p.items);
            match p.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        assert_eq!(seen, items);
        // One page when it fits, with no cursor.
        let p = page(&items, 3, None, 100).unwrap();
        assert_eq!(p.items.len(), 7);
        assert_eq!(p.next_cursor, None);
        // An empty list is one empty page.
        assert_eq!(
            page(&[], 0, None, 10).unwrap(),
            Page {
                items: vec![],
                next_cursor: None
            }
        );
    }

    #[test]
    fn cursors_are_opaque_and_checked() {
        let items: Vec<Value> = (0..5).map(|i| json!(i)).collect();
        let c = encode_cursor(9, 2);
        assert!(c.chars().all(|c| c.is_ascii_hexdigit()), "{c}");
        assert_eq!(decode_cursor(&c), Some((9, 2)));
        assert_eq!(page(&items, 10, Some(&c), 2), Err(CursorError::Stale));
        assert_eq!(page(&items, 9, Some("zz"), 2), Err(CursorError::Invalid));
        assert_eq!(
            page(&items, 9, Some(&encode_cursor(9, 99)), 2),
            Err(CursorError::Invalid)
        );
        assert_eq!(
            page(&items, 9, Some(&encode_cursor(9, 0)), 2),
            Err(CursorError::Invalid)
        );
        assert_eq!(decode_cursor("abc"), None);
        assert_eq!(decode_cursor(""), None);
    }

    #[test]
    fn resource_templates_match_their_uris() {
        assert!(template_matches(
            "test://static/resource/{id}",
            "test://static/resource/12"
        ));
        assert!(!template_matches(
            "test://static/resource/{id}",
            "test://static/resource/12/x"
        ));
        assert!(template_matches("file:///{+path}", "file:///a/b/c.txt"));
        assert!(template_matches(
            "repo://{owner}/{repo}/readme",
            "repo://me/aimcp/readme"
        ));
        assert!(!template_matches(
            "repo://{owner}/{repo}/readme",
            "repo://me/aimcp/license"
        ));
        assert!(!template_matches("a://{x", "a://y"));
        assert!(template_matches("plain://uri", "plain://uri"));
        assert!(!template_matches("plain://uri", "plain://uri2"));
    }
}
