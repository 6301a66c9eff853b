//! The command line, as clap types only. `../shared/CLI.md` is the contract this follows.
//! Nothing outside `lib.rs`/`settings.rs` sees these types: commands take plain settings.

#![allow(clippy::large_enum_variant)] // parsed once per run

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use clap_complete::ArgValueCandidates;

use crate::commands::completions::{catalog_ids, server_names};

/// MCP servers for a project, and what AI use costs.
///
/// `aimcp mcp ...` sets up, tests and discovers Model Context Protocol servers in `.mcp.json`
/// (the project file Claude Code reads). `aimcp tokens ...` keeps a local ledger of token usage
/// and cost, with budgets that can fail a CI job.
#[derive(Debug, Parser)]
#[command(
    name = "aimcp",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// The heading of the options every command takes, apart from the command's own (as uv does).
const GLOBAL: &str = "Global options";

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Act as if started in DIR
    #[arg(short = 'C', long = "project-dir", value_name = "DIR", global = true, help_heading = GLOBAL)]
    pub project_dir: Option<PathBuf>,

    /// Use this `.mcp.json` instead of searching for one
    #[arg(long, value_name = "FILE", global = true, help_heading = GLOBAL)]
    pub config: Option<PathBuf>,

    /// Machine output: exactly one JSON document on stdout; no prompts, no progress
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub json: bool,

    /// Print less on stderr
    #[arg(short, long, global = true, help_heading = GLOBAL, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more on stderr: `-v` the servers started and contacted, `-vv` also the JSON-RPC
    /// messages (`-vvv` whole)
    #[arg(short, long, global = true, help_heading = GLOBAL, action = ArgAction::Count)]
    pub verbose: u8,

    /// Never prompt; a missing required value is an error naming the flag that supplies it
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub no_input: bool,

    /// When to use colour (`NO_COLOR` is honoured too)
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN", global = true, help_heading = GLOBAL)]
    pub color: ColorArg,

    /// Extra prices in LiteLLM's `model_prices_and_context_window.json` shape, over the built-in table
    #[arg(long, value_name = "FILE", env = "AIMCP_PRICING", global = true, help_heading = GLOBAL)]
    pub pricing: Option<PathBuf>,

    /// The usage store [default: <data dir>/aimcp/usage.db]
    #[arg(long, value_name = "FILE", env = "AIMCP_DB", global = true, help_heading = GLOBAL)]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// MCP servers in `.mcp.json`: set up, add, list, test, discover, call
    #[command(subcommand)]
    Mcp(McpCommand),

    /// The usage ledger: record, import, summarise, budget and check token costs
    #[command(subcommand)]
    Tokens(TokensCommand),

    /// Run a command (e.g. `claude`) with the project's `.env` added to its environment
    ///
    /// So that `${VAR}` in `.mcp.json` resolves in any MCP client: Claude Code and others do not
    /// read `.env` themselves. Variables already exported win over `.env`. The command replaces
    /// aimcp (on Unix), so signals reach it and its exit status is aimcp's.
    #[command(
        after_help = "Examples:\n  aimcp run -- claude\n  aimcp run --gateway -- claude\n  aimcp run --env-file .env.local -- cursor ."
    )]
    Run(RunArgs),

    /// Print a shell completion script
    Completions(CompletionsArgs),

    /// Print the manual page (roff)
    Man,
}

// ---- mcp ------------------------------------------------------------------------------------

#[derive(Debug, Subcommand)]
pub enum McpCommand {
    /// Interactive wizard: pick a server from the catalog, configure, install, test, discover
    Setup(McpSetupArgs),

    /// List the servers `aimcp mcp setup` knows
    Catalog,

    /// Add a server to `.mcp.json` (stdio after `--`, or a URL for http/sse)
    #[command(
        after_help = "Examples:\n  aimcp mcp add time -- uvx mcp-server-time\n  \
        aimcp mcp add memory --env MEMORY_FILE_PATH=./memory.json -- npx -y @modelcontextprotocol/server-memory\n  \
        aimcp mcp add web --header 'Authorization: Bearer ${WEB_TOKEN}' https://example.com/mcp"
    )]
    Add(McpAddArgs),

    /// List the servers in `.mcp.json`
    #[command(visible_alias = "ls")]
    List,

    /// Show everything about one server
    Get(McpGetArgs),

    /// Remove a server from `.mcp.json` and `.mcp.tools.json`
    #[command(visible_alias = "rm")]
    Remove(McpRemoveArgs),

    /// Contact servers and write their tools, prompts and resources to `.mcp.tools.json`
    ///
    /// Each entry also records `token_footprint`: an estimate of how many tokens the server's tool
    /// definitions cost in a model's context (the JSON of the tool list counted with the
    /// `o200k_base` tokenizer; other models count somewhat differently).
    Discover(McpDiscoverArgs),

    /// Check that servers start, answer the handshake, `ping` and `tools/list`
    Test(McpTestArgs),

    /// Call one tool of a server and print its result
    Call(McpCallArgs),

    /// One MCP server in front of the project's servers (the gateway)
    ///
    /// Every enabled server of `.mcp.json` (or the named ones) is started in the background, each
    /// in its own process group, and its tools and prompts are offered as `SERVER__TOOL` and
    /// `SERVER__PROMPT` (resources keep their URIs), beside aimcp's own `aimcp__get_token_analytics`,
    /// `aimcp__budget_status` and `aimcp__tool_stats`. A server that dies is started again on its
    /// next use, with backoff; the others keep serving. Tools listed in a server's
    /// `disabledTools` in `.mcp.json` are hidden.
    ///
    /// Every `tools/call` is recorded in the usage store (`--db`): time, server, tool, client,
    /// latency, outcome, bytes in and out, and the estimated tokens of the result. A call's
    /// arguments and results are never stored (they can hold secrets). `--no-record` records
    /// nothing.
    #[command(
        after_help = "Examples:\n  aimcp mcp serve\n  aimcp mcp serve github memory --deny 'github__delete_*'\n  \
        aimcp mcp serve --http 127.0.0.1:8700\n  AIMCP_GATEWAY_TOKEN=... aimcp mcp serve --http 0.0.0.0:8700"
    )]
    Serve(McpServeArgs),
    /// Show the tool calls `aimcp mcp serve` passed on: calls, errors, latency, bytes, tokens
    ///
    /// Every `tools/call` through the gateway is a row in the usage store (`--db`): when, which
    /// server and tool, the client's name, the latency, how it ended (ok, tool error, protocol
    /// error, timeout), the bytes in and out and the estimated tokens of the result (o200k_base).
    /// A call's arguments and results are never stored. Latency percentiles are exact, from the
    /// rows, by nearest rank (p95: the smallest latency that at least 95% of calls did not pass).
    #[command(
        after_help = "Examples:\n  aimcp mcp stats\n  aimcp mcp stats --by tool --days 30\n  \
        aimcp mcp stats --by day --since 2026-03-01 --json"
    )]
    Stats(McpStatsArgs),

    /// Sign in to a remote server with OAuth 2.1 and keep its tokens
    ///
    /// Finds the server's authorization server (protected resource metadata, then the
    /// authorization server's metadata), registers aimcp (a Client ID Metadata Document, dynamic
    /// client registration, or the client given with `--client-id`), and opens a browser for the
    /// sign-in (`$BROWSER`, else the platform's opener); with `--no-browser`, without a terminal
    /// or with `CI=true` the URL is printed instead. The answer comes back to a listener on
    /// 127.0.0.1. Tokens are kept in the OS keychain where one answers, else in `<data
    /// dir>/aimcp/credentials.json` (mode 0600; `AIMCP_CREDENTIALS=file` forces the file), never
    /// in `.mcp.json`, and refreshed when they expire. `test`, `discover` and `call` use them, and
    /// sign in themselves when needed at a terminal.
    #[command(
        after_help = "Examples:\n  aimcp mcp login linear\n  aimcp mcp login github --scope repo --no-browser\n  \
        MY_SECRET=... aimcp mcp login internal --client-id aimcp-cli --client-secret-env MY_SECRET"
    )]
    Login(McpLoginArgs),

    /// Forget a server's OAuth tokens
    Logout(McpLogoutArgs),

    /// Switch a server, or some of its tools, back on in `.mcp.json`
    #[command(
        after_help = "Examples:\n  aimcp mcp enable github\n  aimcp mcp enable github --tool 'delete_*'"
    )]
    Enable(McpSwitchArgs),

    /// Switch a server, or some of its tools, off in `.mcp.json` without deleting it
    ///
    /// A server is switched off with `"enabled": false`; tools with its `disabledTools` list (the
    /// names as the server gives them; a glob is matched against the tools `aimcp mcp discover`
    /// recorded). Claude Code ignores both keys; `aimcp mcp serve` hides the tools, and
    /// `aimcp mcp sync` writes them into each client's own switch where it has one (Codex
    /// `enabled`/`disabled_tools`, Gemini CLI `excludeTools`).
    #[command(
        after_help = "Examples:\n  aimcp mcp disable memory\n  aimcp mcp disable github --tool 'delete_*' --tool merge_pull_request"
    )]
    Disable(McpSwitchArgs),

    /// Write each client's own MCP config from `.mcp.json`
    ///
    /// Cursor `.cursor/mcp.json`, VS Code `.vscode/mcp.json`, Codex `.codex/config.toml`, Gemini
    /// CLI `.gemini/settings.json` in the project; Windsurf and Claude Desktop in the user's home.
    /// Claude Code reads `.mcp.json` itself. Only the servers of `.mcp.json` are written: every
    /// other server, setting, comment and key of a client's file stays as it was. `${VAR}` becomes
    /// the client's own reference (`${env:VAR}`, Codex `env_vars` or `bearer_token_env_var`); a
    /// value a client cannot take from the environment is skipped with a warning, and a literal
    /// secret is never written.
    #[command(
        after_help = "Examples:\n  aimcp mcp sync\n  aimcp mcp sync --client cursor --client codex\n  \
        aimcp mcp sync --check              (in CI: exit 1 when a client's file has drifted)\n  \
        aimcp mcp sync --via-gateway        (one `aimcp mcp serve` entry in each client)"
    )]
    Sync(McpSyncArgs),

    /// Bring a client's servers into `.mcp.json` (literal secrets go to `.env`)
    ///
    /// Reads the client's project file, else its user file, shows what it will write, and asks
    /// (or `--yes`). `import` then `sync` gives back the same client file.
    #[command(
        after_help = "Examples:\n  aimcp mcp import --from cursor\n  aimcp mcp import --from codex --yes"
    )]
    Import(McpImportArgs),

    /// Check the tools a model reads for poisoning, and tracked client files for secrets
    ///
    /// Looks in each tool's description, title and schemas for instructions aimed at the model
    /// ("ignore previous instructions", "do not tell the user", files such as `~/.ssh` or
    /// `.env`, other servers' tools), for invisible or bidirectional Unicode, for a tool name that
    /// two servers offer, and for descriptions that changed since `.mcp.tools.json` pinned them
    /// (a rug pull: the old and the new text are shown). The client files git tracks
    /// (`.mcp.json`, `.cursor/mcp.json`, `.vscode/mcp.json`, `.codex/config.toml`,
    /// `.gemini/settings.json`) are checked for literal secrets. The rules run on this machine:
    /// no description is sent anywhere.
    ///
    /// Without `--offline`, each server is started (or reached) to list its tools as it serves
    /// them now, which are checked and compared with `.mcp.tools.json` (nothing is written).
    /// With `--offline`, no server is contacted: the tools in `.mcp.tools.json` are checked, and
    /// compared with the last commit of that file when git tracks it.
    ///
    /// Exit 1 when a finding is `high`.
    #[command(
        after_help = "Examples:\n  aimcp mcp scan\n  aimcp mcp scan github --offline\n  \
        aimcp mcp scan --offline --json     (in CI: exit 1 on a high finding)"
    )]
    Scan(McpScanArgs),
}

/// A client whose MCP config aimcp writes or reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClientArg {
    Claude,
    Cursor,
    Vscode,
    Codex,
    Gemini,
    Windsurf,
    ClaudeDesktop,
}

#[derive(Debug, Args)]
pub struct McpLoginArgs {
    /// The server's name
    #[arg(add = ArgValueCandidates::new(server_names))]
    pub name: String,

    /// A client registered with the authorization server beforehand
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,

    /// The environment variable that holds the client's secret (never the secret itself)
    #[arg(long, value_name = "VAR", requires = "client_id")]
    pub client_secret_env: Option<String>,

    /// A scope to ask for, besides the server's own (repeatable)
    #[arg(long, value_name = "SCOPE")]
    pub scope: Vec<String>,

    /// Print the sign-in URL instead of opening a browser
    #[arg(long)]
    pub no_browser: bool,
}

#[derive(Debug, Args)]
pub struct McpLogoutArgs {
    /// The server's name
    #[arg(add = ArgValueCandidates::new(server_names))]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct McpSwitchArgs {
    /// The server's name
    #[arg(add = ArgValueCandidates::new(server_names))]
    pub name: String,

    /// Only this tool of the server (repeatable; `*` and `?` match the discovered tools)
    #[arg(long = "tool", short = 't', value_name = "TOOL")]
    pub tool: Vec<String>,
}

#[derive(Debug, Args)]
pub struct McpSyncArgs {
    /// Only this client (repeatable) [default: every client whose project file exists, else claude]
    #[arg(long = "client", value_enum, value_name = "CLIENT")]
    pub client: Vec<ClientArg>,

    /// Write nothing; exit 1 naming each file that differs from what `.mcp.json` implies
    #[arg(long)]
    pub check: bool,

    /// Write the one `aimcp mcp serve` entry into each client instead of every server
    #[arg(long)]
    pub via_gateway: bool,
}

#[derive(Debug, Args)]
pub struct McpScanArgs {
    /// Servers to scan [default: every enabled server]
    #[arg(add = ArgValueCandidates::new(server_names))]
    pub names: Vec<String>,

    /// Contact no server: check only the tools `.mcp.tools.json` holds
    #[arg(long)]
    pub offline: bool,

    /// Seconds allowed for each server's start and for every request
    /// [default: `global_config.timeout`, else 30]
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
}

#[derive(Debug, Args)]
pub struct McpImportArgs {
    /// The client to read
    #[arg(long = "from", value_enum, value_name = "CLIENT")]
    pub from: ClientArg,

    /// Write without asking
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct McpSetupArgs {
    /// Catalog entry to set up (asked for at a terminal when left out)
    #[arg(add = ArgValueCandidates::new(catalog_ids))]
    pub entry: Option<String>,

    /// How the entry runs, where it has several ways (e.g. github: remote | docker)
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,

    /// The server's name in `.mcp.json` [default: the entry id]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// A setting of the entry, as KEY=VALUE (repeatable)
    #[arg(long = "env", short = 'e', value_name = "KEY=VALUE")]
    pub env: Vec<String>,

    /// An HTTP header, as 'Name: value' (repeatable)
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub header: Vec<String>,

    /// An extra argument for the server's command (repeatable)
    #[arg(long = "arg", value_name = "ARG", allow_hyphen_values = true)]
    pub arg: Vec<String>,

    /// Accept every default and confirmation
    #[arg(short, long)]
    pub yes: bool,

    /// Do not fetch the package ahead of first use
    #[arg(long)]
    pub no_install: bool,

    /// Do not pin the resolved package version in the arguments
    #[arg(long)]
    pub no_pin: bool,

    /// Do not test the server after writing it
    #[arg(long)]
    pub no_test: bool,

    /// Do not discover the server's tools after writing it
    #[arg(long)]
    pub no_discover: bool,

    /// Do not store secret values in the project's `.env`
    #[arg(long)]
    pub no_store_secrets: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TransportArg {
    Stdio,
    Http,
    Sse,
}

#[derive(Debug, Args)]
pub struct McpAddArgs {
    /// The server's name (letters, digits, `-`, `_`)
    pub name: String,

    /// How to reach the server [default: stdio with a command, http with a URL]
    #[arg(long, short = 't', value_enum)]
    pub transport: Option<TransportArg>,

    /// An environment variable for the server, as KEY=VALUE (repeatable); a value under a
    /// secret-looking key is written as `${KEY}` and stored in the project's `.env` (mode 0600,
    /// in `.gitignore`; asked at a terminal). To keep it out of every file, pass
    /// `KEY='${KEY}'` and export KEY
    #[arg(long = "env", short = 'e', value_name = "KEY=VALUE")]
    pub env: Vec<String>,

    /// An HTTP header, as 'Name: value' (repeatable); a secret-looking literal value is written as
    /// a `${VAR}` reference and stored in `.env` like `--env`
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub header: Vec<String>,

    /// Add the server switched off
    #[arg(long)]
    pub disabled: bool,

    /// Replace a server of the same name
    #[arg(long, short = 'f')]
    pub force: bool,

    /// The URL (http/sse), or after `--` the command and its arguments (stdio)
    #[arg(
        value_name = "COMMAND_OR_URL",
        trailing_var_arg = true,
        allow_hyphen_values = true,
        required = true
    )]
    pub target: Vec<String>,
}

#[derive(Debug, Args)]
pub struct McpGetArgs {
    /// The server's name
    #[arg(add = ArgValueCandidates::new(server_names))]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct McpRemoveArgs {
    /// The server's name
    #[arg(add = ArgValueCandidates::new(server_names))]
    pub name: String,

    /// Do not ask for confirmation
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct McpDiscoverArgs {
    /// Servers to discover [default: every enabled server]
    #[arg(add = ArgValueCandidates::new(server_names))]
    pub names: Vec<String>,

    /// Write nothing; exit 1 when any server's tool surface differs from `.mcp.tools.json`
    #[arg(long)]
    pub check: bool,

    /// Seconds allowed for each server's start and for every request
    /// [default: `global_config.timeout`, else 30]
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,

    /// Servers contacted at once [default: `global_config.max_concurrent`, else 4]
    #[arg(long, short = 'j', value_name = "N")]
    pub concurrency: Option<usize>,
}

#[derive(Debug, Args)]
pub struct McpTestArgs {
    /// Servers to test [default: every enabled server]
    #[arg(conflicts_with = "url", add = ArgValueCandidates::new(server_names))]
    pub names: Vec<String>,

    /// Seconds allowed for each server's start and for every request
    /// [default: `global_config.timeout`, else 30]
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,

    /// Test a server at this URL that is not in `.mcp.json`
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// With `--url`: use the legacy HTTP+SSE transport
    #[arg(long, requires = "url")]
    pub sse: bool,

    /// With `--url`: an HTTP header, as 'Name: value' (repeatable)
    #[arg(
        long = "header",
        short = 'H',
        value_name = "NAME: VALUE",
        requires = "url"
    )]
    pub header: Vec<String>,

    /// After `--`: a stdio server's command and arguments, not in `.mcp.json`
    #[arg(last = true, value_name = "COMMAND", conflicts_with_all = ["url", "names"])]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
pub struct McpCallArgs {
    /// SERVER TOOL, or only TOOL with `--url` or `-- COMMAND`
    #[arg(
        value_name = "SERVER TOOL",
        required = true,
        num_args = 1..=2,
        add = ArgValueCandidates::new(server_names)
    )]
    pub positional: Vec<String>,

    /// The tool's arguments, as a JSON object
    #[arg(long, value_name = "JSON", default_value = "{}")]
    pub args: String,

    /// Seconds allowed for the server's start and for the call
    /// [default: `global_config.timeout`, else 30]
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,

    /// Call a server at this URL that is not in `.mcp.json`
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// With `--url`: use the legacy HTTP+SSE transport
    #[arg(long, requires = "url")]
    pub sse: bool,

    /// With `--url`: an HTTP header, as 'Name: value' (repeatable)
    #[arg(
        long = "header",
        short = 'H',
        value_name = "NAME: VALUE",
        requires = "url"
    )]
    pub header: Vec<String>,

    /// After `--`: a stdio server's command and arguments, not in `.mcp.json`
    #[arg(last = true, value_name = "COMMAND", conflicts_with = "url")]
    pub command: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsByArg {
    Server,
    Tool,
    Day,
}

/// `--days N | --since DATE [--until DATE]` and `--tz ZONE`, for every command that reads a
/// window of the ledger.
#[derive(Debug, Args)]
pub struct WindowArgs {
    /// The last N days, today included [default: 7]
    #[arg(long, value_name = "N", conflicts_with = "since")]
    pub days: Option<u32>,

    /// From this date (YYYY-MM-DD or RFC 3339)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// Up to this date, included
    #[arg(long, value_name = "DATE", requires = "since")]
    pub until: Option<String>,

    /// Time zone for days: an IANA name or an offset such as `+05:30` [default: the local zone]
    #[arg(long, value_name = "ZONE", allow_hyphen_values = true)]
    pub tz: Option<String>,
}

#[derive(Debug, Args)]
pub struct McpStatsArgs {
    #[command(flatten)]
    pub window: WindowArgs,

    /// How to group rows (`tool`: SERVER__TOOL, as the gateway names tools)
    #[arg(long, value_enum, default_value_t = StatsByArg::Server)]
    pub by: StatsByArg,

    /// CSV on stdout
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
}

#[derive(Debug, Args)]
pub struct McpServeArgs {
    /// Servers to serve [default: every enabled server]
    #[arg(add = ArgValueCandidates::new(server_names))]
    pub names: Vec<String>,

    /// Serve Streamable HTTP at `http://ADDR/mcp` (with `GET /metrics` and `GET /health`)
    /// instead of stdio. A loopback address (`127.0.0.1:PORT`, `[::1]:PORT`, `localhost:PORT`)
    /// unless another is asked for, which then needs a bearer token in `AIMCP_GATEWAY_TOKEN`
    /// (checked on loopback too when set). Port 0 picks a free port, printed on stderr
    #[arg(long, value_name = "ADDR")]
    pub http: Option<String>,

    /// Show only the tools a pattern covers (repeatable): `SERVER`, `SERVER__TOOL`, or a glob
    /// such as `github__get_*`
    #[arg(long, value_name = "PATTERN")]
    pub allow: Vec<String>,

    /// Hide the tools a pattern covers (repeatable; wins over `--allow`)
    #[arg(long, value_name = "PATTERN")]
    pub deny: Vec<String>,

    /// Do not record tool calls in the usage store
    #[arg(long)]
    pub no_record: bool,
}

// ---- tokens ---------------------------------------------------------------------------------

#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// Record one request's usage, or many from JSON lines
    ///
    /// Each token count (and `--latency-ms`) of a request is at most 1,000,000,000,000, and its
    /// cost, given or computed, at most $1,000,000,000; a larger value is refused (exit 2,
    /// naming the field, and the line with `--jsonl`) and nothing is recorded. So is a write
    /// that would take the store's totals past 9,223,372,036,854,775,807 tokens or
    /// $9,223,372,036.85. Costs are kept exact to the nano-dollar.
    Record(TokensRecordArgs),

    /// Import the usage logs a coding agent already writes
    Import(TokensImportArgs),

    /// Usage and cost per day (or per provider, model, user, project, week, month)
    Summary(TokensSummaryArgs),

    /// Set, list, remove and check spending budgets
    #[command(subcommand)]
    Budget(TokensBudgetCommand),

    /// Exit 1 when any budget is (or, with `--estimate`, would be) exceeded: a CI gate
    Check(TokensCheckArgs),

    /// Show the prices used, and where they come from
    Prices(TokensPricesArgs),

    /// Print every recorded request in a window, as CSV or JSON lines
    Export(TokensExportArgs),

    /// Send this machine's requests to a shared ledger (another SQLite file or PostgreSQL)
    ///
    /// Incremental: the last row sent to each target is remembered in this machine's store,
    /// and only newer rows are sent. Idempotent: a row the target holds already (the same
    /// request id of the same source, or the same machine and row) adds nothing, so running it
    /// twice, from two machines that imported the same logs, or again after it was killed, adds
    /// nothing twice. Rows keep the machine that recorded them (`summary --by machine`).
    Sync(TokensSyncArgs),

    /// A report to share: trend, forecast, models, cache, anomalies and advice
    ///
    /// Trend against the previous window, a month-end forecast, model comparison, cache
    /// economics, anomalies and recommendations, as text, Markdown, HTML or JSON. In CI, `aimcp tokens report --format markdown >> "$GITHUB_STEP_SUMMARY"` puts it on the
    /// job's summary page. `--format html` writes one self-contained file with SVG charts.
    Report(TokensReportArgs),

    /// Claude's 5-hour usage windows, with the active one's burn rate and projection
    Blocks(TokensBlocksArgs),

    /// One line for Claude Code's `statusLine` hook (its JSON on stdin)
    ///
    /// Today's cost, the active 5-hour block and this session's cost. Imports what changed in Claude Code's logs first. It never fails inside Claude Code: on
    /// an error it prints `aimcp: ` and the error's first line, and exits 0.
    Statusline,
}

#[derive(Debug, Args)]
pub struct TokensRecordArgs {
    /// Read requests from a JSON-lines file (`-` for stdin), one object a line, fields as the flags
    /// in snake_case. The cost it reports is what the batch adds to the ledger: a line whose
    /// request id is already there replaces that row and adds the difference
    #[arg(long, value_name = "FILE", conflicts_with_all = ["provider", "model", "input", "output"])]
    pub jsonl: Option<String>,

    /// The provider (anthropic, openai, google, mistral, deepseek, ollama ...)
    #[arg(long, required_unless_present = "jsonl")]
    pub provider: Option<String>,

    /// The model id
    #[arg(long, required_unless_present = "jsonl")]
    pub model: Option<String>,

    /// Input (prompt) tokens, not counting cache reads and writes
    #[arg(long, value_name = "N", required_unless_present = "jsonl", value_parser = token_count, allow_hyphen_values = true)]
    pub input: Option<u64>,

    /// Output tokens
    #[arg(long, value_name = "N", required_unless_present = "jsonl", value_parser = token_count, allow_hyphen_values = true)]
    pub output: Option<u64>,

    /// Tokens read from the prompt cache
    #[arg(long, value_name = "N", value_parser = token_count, allow_hyphen_values = true)]
    pub cache_read: Option<u64>,

    /// Tokens written to the prompt cache (5-minute lifetime)
    #[arg(long, value_name = "N", value_parser = token_count, allow_hyphen_values = true)]
    pub cache_write: Option<u64>,

    /// Tokens written to the prompt cache with a 1-hour lifetime
    #[arg(long = "cache-write-1h", value_name = "N", value_parser = token_count, allow_hyphen_values = true)]
    pub cache_write_1h: Option<u64>,

    /// Reasoning tokens (already counted in output)
    #[arg(long, value_name = "N", value_parser = token_count, allow_hyphen_values = true)]
    pub reasoning: Option<u64>,

    /// Who made the request [default: $USER]
    #[arg(long)]
    pub user: Option<String>,

    /// The project. Without it, the request's project is the name of the current folder (or of
    /// `--project-dir`) [default: the current folder's name]
    #[arg(long)]
    pub project: Option<String>,

    /// The organisation, for `org:NAME` budgets
    #[arg(long)]
    pub org: Option<String>,

    /// A session id
    #[arg(long)]
    pub session: Option<String>,

    /// The request id; recording the same id again updates the row
    #[arg(long, value_name = "ID")]
    pub request_id: Option<String>,

    /// The cost in USD, when known; otherwise it is computed from the price table
    #[arg(long, value_name = "USD")]
    pub cost: Option<String>,

    /// When the request was made (RFC 3339) [default: now]
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,

    /// The request's latency in milliseconds
    #[arg(long, value_name = "N", value_parser = token_count, allow_hyphen_values = true)]
    pub latency_ms: Option<u64>,

    /// The request failed
    #[arg(long)]
    pub failed: bool,
}

/// A count of `tokens record` (tokens, or milliseconds): a whole number from 0 to
/// 1,000,000,000,000, echoed as typed when it is not.
fn token_count(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = t.strip_prefix('-')
        && (digits(rest) || rest.parse::<f64>().is_ok())
    {
        return Err("must be a non-negative number".into());
    }
    if !digits(t) {
        return Err("must be a non-negative whole number".into());
    }
    match t.parse::<u64>() {
        Ok(n) if n <= crate::usage::MAX_TOKENS => Ok(n),
        _ => Err("is over the ceiling of 1,000,000,000,000 a request".into()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportSourceArg {
    /// Claude Code's JSONL logs (~/.claude/projects, ~/.config/claude/projects, CLAUDE_CONFIG_DIR)
    ClaudeCode,
    /// Codex CLI's session logs (~/.codex/sessions, CODEX_HOME)
    Codex,
}

#[derive(Debug, Args)]
pub struct TokensImportArgs {
    /// Which agent's logs
    #[arg(value_enum)]
    pub source: ImportSourceArg,

    /// Read logs from this folder instead of the agent's default
    #[arg(long, value_name = "DIR")]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupByArg {
    Day,
    Week,
    Month,
    Provider,
    Model,
    User,
    Project,
    // the machine that recorded each request (`AIMCP_MACHINE` or `<data dir>/aimcp/machine-id`)
    Machine,
}

#[derive(Debug, Args)]
pub struct TokensSummaryArgs {
    #[command(flatten)]
    pub window: WindowArgs,

    /// How to group rows
    #[arg(long, value_enum, default_value_t = GroupByArg::Day)]
    pub by: GroupByArg,

    /// Check a one-off budget (USD) for the shown window
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    pub budget: Option<String>,

    /// CSV on stdout
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
}

#[derive(Debug, Subcommand)]
pub enum TokensBudgetCommand {
    /// Set a budget
    Set(TokensBudgetSetArgs),
    /// List budgets
    List,
    /// Remove a budget
    Remove(TokensBudgetRemoveArgs),
    /// Spent, limit and percent for each budget
    Status,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("limit").required(true).multiple(false)
    .args(["daily", "monthly", "per_request"])))]
pub struct TokensBudgetSetArgs {
    /// A daily limit in USD
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    pub daily: Option<String>,

    /// A monthly limit in USD
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    pub monthly: Option<String>,

    /// A limit for any single request, in USD
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    pub per_request: Option<String>,

    /// What the budget covers: global, user:NAME, project:NAME or org:NAME
    #[arg(long, default_value = "global")]
    pub scope: String,

    /// The warning, critical and exceeded levels, in percent of the limit
    #[arg(long, value_name = "PCT,PCT,PCT", default_value = "80,90,100")]
    pub thresholds: String,
}

#[derive(Debug, Args)]
pub struct TokensBudgetRemoveArgs {
    /// The budget's id (see `aimcp tokens budget list`)
    pub id: String,
}

#[derive(Debug, Args)]
pub struct TokensCheckArgs {
    /// Add this cost (USD) to what has been spent before checking
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    pub estimate: Option<String>,

    /// Check only the budgets of this scope
    #[arg(long)]
    pub scope: Option<String>,
}

#[derive(Debug, Args)]
pub struct TokensPricesArgs {
    /// Show one model's prices (aliases and dated ids resolve)
    pub model: Option<String>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("format").required(true).multiple(false)
    .args(["csv", "jsonl"])))]
pub struct TokensExportArgs {
    /// CSV with a header line
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,

    /// One JSON object a line
    #[arg(long, conflicts_with = "json")]
    pub jsonl: bool,

    /// From this date (YYYY-MM-DD or RFC 3339)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// Up to this date, included
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
}

#[derive(Debug, Args)]
pub struct TokensSyncArgs {
    /// The shared ledger: a SQLite file (a path, or `sqlite://PATH`) or a `postgres://` URL
    #[arg(long, value_name = "URL")]
    pub to: std::ffi::OsString,

    /// Only requests from this date on (YYYY-MM-DD or RFC 3339); older ones are skipped, and
    /// not sent later either
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportByArg {
    Provider,
    Model,
    User,
    Project,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormatArg {
    /// Tables and a sparkline
    Text,
    /// GitHub-flavoured Markdown (a job summary, a pull request)
    Markdown,
    /// One self-contained HTML file with SVG charts
    Html,
    /// Every number of the report
    Json,
}

#[derive(Debug, Args)]
pub struct TokensReportArgs {
    #[command(flatten)]
    pub window: WindowArgs,

    /// What the breakdown table groups by
    #[arg(long, value_enum, default_value_t = ReportByArg::Model)]
    pub by: ReportByArg,

    /// The format [default: from `--output`'s extension, else json with `--json`, else text]
    #[arg(long, value_enum)]
    pub format: Option<ReportFormatArg>,

    /// Write the report to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TokensBlocksArgs {
    /// The last N days, today included [default: 7]
    #[arg(long, value_name = "N")]
    pub days: Option<u32>,

    /// Only the active block (exit 1 when there is none)
    #[arg(long)]
    pub active: bool,
}

// ---- completions ----------------------------------------------------------------------------

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Read variables from FILE instead of the `.env` beside `.mcp.json`
    #[arg(long, value_name = "FILE")]
    pub env_file: Option<PathBuf>,

    /// Give Claude Code (`claude`) only aimcp's gateway (`aimcp mcp serve`) in front of the
    /// project's servers, instead of every server of `.mcp.json`: adds `--strict-mcp-config
    /// --mcp-config` with the one entry
    #[arg(long)]
    pub gateway: bool,

    /// After `--`: the command and its arguments
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
