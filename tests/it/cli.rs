//! The command tree as a whole: help, unbuilt commands, generated files.

use crate::common::TestEnv;

/// The command list, and the global options under their own heading after the command's own.
#[test]
fn help_lists_every_command_and_groups_the_global_options() {
    let env = TestEnv::new();
    let run = env.run(&["--help"]);
    run.assert_code(0);
    insta::assert_snapshot!(run.stdout, @r"
        MCP servers for a project, and what AI use costs.

        `aimcp mcp ...` sets up, tests and discovers Model Context Protocol servers in `.mcp.json` (the
        project file Claude Code reads). `aimcp tokens ...` keeps a local ledger of token usage and cost,
        with budgets that can fail a CI job.

        Usage: aimcp [OPTIONS] <COMMAND>

        Commands:
          mcp          MCP servers in `.mcp.json`: set up, add, list, test, discover, call
          tokens       The usage ledger: record, import, summarise, budget and check token costs
          run          Run a command (e.g. `claude`) with the project's `.env` added to its environment
          completions  Print a shell completion script
          man          Print the manual page (roff)
          help         Print this message or the help of the given subcommand(s)

        Options:
          -h, --help
                  Print help (see a summary with '-h')

          -V, --version
                  Print version

        Global options:
          -C, --project-dir <DIR>
                  Act as if started in DIR

              --config <FILE>
                  Use this `.mcp.json` instead of searching for one

              --json
                  Machine output: exactly one JSON document on stdout; no prompts, no progress

          -q, --quiet
                  Print less on stderr

          -v, --verbose...
                  Print more on stderr: `-v` the servers started and contacted, `-vv` also the JSON-RPC
                  messages (`-vvv` whole)

              --no-input
                  Never prompt; a missing required value is an error naming the flag that supplies it

              --color <WHEN>
                  When to use colour (`NO_COLOR` is honoured too)
                  
                  [default: auto]
                  [possible values: auto, always, never]

              --pricing <FILE>
                  Extra prices in LiteLLM's `model_prices_and_context_window.json` shape, over the built-in
                  table
                  
                  [env: AIMCP_PRICING=]

              --db <FILE>
                  The usage store [default: <data dir>/aimcp/usage.db]
                  
                  [env: AIMCP_DB=]
        ");
    let run = env.run(&["mcp", "--help"]);
    run.assert_code(0);
    insta::assert_snapshot!(run.stdout, @r"
        MCP servers in `.mcp.json`: set up, add, list, test, discover, call

        Usage: aimcp mcp [OPTIONS] <COMMAND>

        Commands:
          setup     Interactive wizard: pick a server from the catalog, configure, install, test, discover
          catalog   List the servers `aimcp mcp setup` knows
          add       Add a server to `.mcp.json` (stdio after `--`, or a URL for http/sse)
          list      List the servers in `.mcp.json` [alias: ls]
          get       Show everything about one server
          remove    Remove a server from `.mcp.json` and `.mcp.tools.json` [alias: rm]
          discover  Contact servers and write their tools, prompts and resources to `.mcp.tools.json`
          test      Check that servers start, answer the handshake, `ping` and `tools/list`
          call      Call one tool of a server and print its result
          serve     One MCP server in front of the project's servers (the gateway)
          stats     Show the tool calls `aimcp mcp serve` passed on: calls, errors, latency, bytes, tokens
          login     Sign in to a remote server with OAuth 2.1 and keep its tokens
          logout    Forget a server's OAuth tokens
          enable    Switch a server, or some of its tools, back on in `.mcp.json`
          disable   Switch a server, or some of its tools, off in `.mcp.json` without deleting it
          sync      Write each client's own MCP config from `.mcp.json`
          import    Bring a client's servers into `.mcp.json` (literal secrets go to `.env`)
          help      Print this message or the help of the given subcommand(s)

        Options:
          -h, --help     Print help
          -V, --version  Print version

        Global options:
          -C, --project-dir <DIR>  Act as if started in DIR
              --config <FILE>      Use this `.mcp.json` instead of searching for one
              --json               Machine output: exactly one JSON document on stdout; no prompts, no
                                   progress
          -q, --quiet              Print less on stderr
          -v, --verbose...         Print more on stderr: `-v` the servers started and contacted, `-vv` also
                                   the JSON-RPC messages (`-vvv` whole)
              --no-input           Never prompt; a missing required value is an error naming the flag that
                                   supplies it
              --color <WHEN>       When to use colour (`NO_COLOR` is honoured too) [default: auto] [possible
                                   values: auto, always, never]
              --pricing <FILE>     Extra prices in LiteLLM's `model_prices_and_context_window.json` shape,
                                   over the built-in table [env: AIMCP_PRICING=]
              --db <FILE>          The usage store [default: <data dir>/aimcp/usage.db] [env: AIMCP_DB=]
        ");
    let run = env.run(&["tokens", "-h"]);
    run.assert_code(0);
    insta::assert_snapshot!(run.stdout, @r"
        The usage ledger: record, import, summarise, budget and check token costs

        Usage: aimcp tokens [OPTIONS] <COMMAND>

        Commands:
          record   Record one request's usage, or many from JSON lines
          import   Import the usage logs a coding agent already writes
          summary  Usage and cost per day (or per provider, model, user, project, week, month)
          budget   Set, list, remove and check spending budgets
          check    Exit 1 when any budget is (or, with `--estimate`, would be) exceeded: a CI gate
          prices   Show the prices used, and where they come from
          export   Print every recorded request in a window, as CSV or JSON lines
          help     Print this message or the help of the given subcommand(s)

        Options:
          -h, --help     Print help
          -V, --version  Print version

        Global options:
          -C, --project-dir <DIR>  Act as if started in DIR
              --config <FILE>      Use this `.mcp.json` instead of searching for one
              --json               Machine output: exactly one JSON document on stdout; no prompts, no
                                   progress
          -q, --quiet              Print less on stderr
          -v, --verbose...         Print more on stderr: `-v` the servers started and contacted, `-vv` also
                                   the JSON-RPC messages (`-vvv` whole)
              --no-input           Never prompt; a missing required value is an error naming the flag that
                                   supplies it
              --color <WHEN>       When to use colour (`NO_COLOR` is honoured too) [default: auto] [possible
                                   values: auto, always, never]
              --pricing <FILE>     Extra prices in LiteLLM's `model_prices_and_context_window.json` shape,
                                   over the built-in table [env: AIMCP_PRICING=]
              --db <FILE>          The usage store [default: <data dir>/aimcp/usage.db] [env: AIMCP_DB=]
        ");
}

/// Defaults are shown where a flag has one, even when the value is worked out at run time.
#[test]
fn help_shows_the_defaults() {
    let env = TestEnv::new();
    let run = env.run(&["tokens", "summary", "-h"]);
    run.assert_code(0);
    insta::assert_snapshot!(run.stdout, @r"
        Usage and cost per day (or per provider, model, user, project, week, month)

        Usage: aimcp tokens summary [OPTIONS]

        Options:
              --days <N>      The last N days, today included [default: 7]
              --since <DATE>  From this date (YYYY-MM-DD or RFC 3339)
              --until <DATE>  Up to this date, included
              --tz <ZONE>     Time zone for days: an IANA name or an offset such as `+05:30` [default: the
                              local zone]
              --by <BY>       How to group rows [default: day] [possible values: day, week, month, provider,
                              model, user, project]
              --budget <USD>  Check a one-off budget (USD) for the shown window
              --csv           CSV on stdout
          -h, --help          Print help
          -V, --version       Print version

        Global options:
          -C, --project-dir <DIR>  Act as if started in DIR
              --config <FILE>      Use this `.mcp.json` instead of searching for one
              --json               Machine output: exactly one JSON document on stdout; no prompts, no
                                   progress
          -q, --quiet              Print less on stderr
          -v, --verbose...         Print more on stderr: `-v` the servers started and contacted, `-vv` also
                                   the JSON-RPC messages (`-vvv` whole)
              --no-input           Never prompt; a missing required value is an error naming the flag that
                                   supplies it
              --color <WHEN>       When to use colour (`NO_COLOR` is honoured too) [default: auto] [possible
                                   values: auto, always, never]
              --pricing <FILE>     Extra prices in LiteLLM's `model_prices_and_context_window.json` shape,
                                   over the built-in table [env: AIMCP_PRICING=]
              --db <FILE>          The usage store [default: <data dir>/aimcp/usage.db] [env: AIMCP_DB=]
        ");
    for (args, flag, default) in [
        (
            &["mcp", "test", "-h"][..],
            "--timeout",
            "[default: `global_config.timeout`, else 30]",
        ),
        (
            &["mcp", "call", "-h"][..],
            "--timeout",
            "[default: `global_config.timeout`, else 30]",
        ),
        (
            &["mcp", "discover", "-h"][..],
            "--timeout",
            "[default: `global_config.timeout`, else 30]",
        ),
        (
            &["mcp", "discover", "-h"][..],
            "--concurrency",
            "[default: `global_config.max_concurrent`, else 4]",
        ),
    ] {
        let run = env.run(args);
        run.assert_code(0);
        // The flag's help line, with its continuation lines.
        let mut lines = run
            .stdout
            .lines()
            .skip_while(|l| !l.contains(&format!("{flag} <")));
        let mut text = lines.next().unwrap_or_default().to_string();
        for l in lines.take_while(|l| l.starts_with("      ") && !l.trim().starts_with('-')) {
            text.push(' ');
            text.push_str(l.trim());
        }
        assert!(
            text.contains(default),
            "{args:?} {flag}: {text}\n{}",
            run.stdout
        );
    }
}

#[test]
fn unknown_flags_are_usage_errors() {
    let env = TestEnv::new();
    env.run(&["mcp", "list", "--bogus"]).assert_code(2);
}

/// Every way a `--json` run can fail still leaves exactly one JSON document on stdout, and it is
/// `{"error":{"message","hints","code"}}` unless the command had already printed its own.
#[test]
fn every_failing_json_run_prints_one_document() {
    let env = TestEnv::new();
    env.write(
        ".mcp.json",
        r#"{"mcpServers": {"broken": {"command": "/nonexistent/server"}}}"#,
    );
    let cases: &[(&[&str], i32)] = &[
        // the command's own errors
        (&["mcp", "get", "nosuch", "--json"], 1),
        (&["--json", "mcp", "remove", "nosuch", "--yes"], 1),
        (&["mcp", "call", "nosuch", "tool", "--json"], 1),
        (&["tokens", "summary", "--tz", "Mars/Olympus", "--json"], 2),
        (&["--json", "-C", "no-such-dir", "mcp", "list"], 2),
        // clap's usage errors
        (&["mcp", "list", "--bogus", "--json"], 2),
        (&["--json", "tokens", "record", "--provider", "p"], 2),
        (&["--json", "mcp", "discover", "--timeout"], 2),
        (&["--json", "nosuch"], 2),
    ];
    for (args, code) in cases {
        let run = env.run(args);
        assert_eq!(run.code, *code, "{args:?}\n{}\n{}", run.stdout, run.stderr);
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: stdout is not one JSON document ({e}):\n{}",
                run.stdout
            )
        });
        let error = &doc["error"];
        assert_eq!(error["code"], *code, "{args:?}: {doc}");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "{args:?}: {doc}");
        assert!(!message.starts_with("error:"), "{args:?}: {doc}");
        assert!(error["hints"].is_array(), "{args:?}: {doc}");
        // The same error is still told to a human on stderr.
        assert!(run.stderr.contains("error: "), "{args:?}: {}", run.stderr);
    }

    let run = env.run(&["mcp", "get", "nosuch", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let message = doc["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("server `nosuch` not found in `") && message.ends_with(".mcp.json`"),
        "{doc}"
    );
    assert_eq!(doc["error"]["hints"][0], "configured servers: broken");

    // A command that printed its document and then says "no" prints nothing more.
    let run = env.run(&["mcp", "test", "--json", "--timeout", "5"]);
    run.assert_code(1);
    let doc = run.json();
    assert_eq!(doc["results"][0]["ok"], false, "{doc}");
    assert!(doc.get("error").is_none(), "{doc}");

    // So does a budget check that finds a budget exceeded.
    let db = env.path("usage.db");
    let db = db.to_str().unwrap();
    env.run(&["--db", db, "tokens", "budget", "set", "--daily", "1"])
        .assert_code(0);
    env.run(&[
        "--db",
        db,
        "tokens",
        "record",
        "--provider",
        "openai",
        "--model",
        "gpt-4o",
        "--input",
        "1",
        "--output",
        "1",
        "--cost",
        "5",
    ])
    .assert_code(0);
    let run = env.run(&["--db", db, "tokens", "check", "--json"]);
    run.assert_code(1);
    let doc = run.json();
    assert_eq!(doc["ok"], false, "{doc}");
    assert!(doc.get("error").is_none(), "{doc}");
}

/// Without `--json`, errors stay on stderr and stdout stays empty.
#[test]
fn errors_without_json_leave_stdout_empty() {
    let env = TestEnv::new();
    for args in [
        &["mcp", "get", "nosuch"][..],
        &["mcp", "list", "--bogus"][..],
    ] {
        let run = env.run(args);
        assert_ne!(run.code, 0);
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(
            run.stderr.starts_with("error: "),
            "{args:?}: {}",
            run.stderr
        );
    }
}

/// What the shell would offer at `aimcp WORDS<TAB>`, through the binary's own completion
/// (`COMPLETE=bash aimcp -- aimcp WORDS`, as clap_complete's dynamic completion documents).
fn complete(env: &TestEnv, words: &[&str]) -> Vec<String> {
    let mut cmd = env.cmd();
    cmd.env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", words.len().to_string())
        .env("_CLAP_COMPLETE_COMP_TYPE", "9")
        .env("_CLAP_COMPLETE_SPACE", "true")
        .env("_CLAP_IFS", "\n")
        .arg("--")
        .arg("aimcp")
        .args(words);
    let run = crate::common::Run::from(cmd.output().unwrap());
    run.assert_code(0);
    run.stdout.lines().map(str::to_string).collect()
}

#[test]
fn completion_offers_server_names_and_catalog_ids() {
    let env = TestEnv::new();
    env.write(
        ".mcp.json",
        r#"{"mcpServers": {"memory": {"command": "npx"}, "brave-search": {"command": "npx"},
            "web": {"type": "http", "url": "https://example.com/mcp"}}}"#,
    );
    // An empty word gets the flags too; the values come first.
    let values: Vec<String> = complete(&env, &["mcp", "get", ""])
        .into_iter()
        .filter(|c| !c.starts_with('-'))
        .collect();
    assert_eq!(values, ["brave-search", "memory", "web"]);
    assert_eq!(complete(&env, &["mcp", "remove", "m"]), ["memory"]);
    assert_eq!(complete(&env, &["mcp", "test", "w"]), ["web"]);
    assert_eq!(complete(&env, &["mcp", "discover", "b"]), ["brave-search"]);
    assert_eq!(complete(&env, &["mcp", "call", "me"]), ["memory"]);
    let ids = complete(&env, &["mcp", "setup", ""]);
    for id in ["github", "brave-search", "memory", "time", "everything"] {
        assert!(ids.iter().any(|i| i == id), "{id} not in {ids:?}");
    }
    assert_eq!(
        complete(&env, &["mcp", "setup", "seq"]),
        ["sequential-thinking"]
    );
    // Commands and flags still complete.
    assert_eq!(complete(&env, &["tok"]), ["tokens"]);
    assert!(complete(&env, &["tokens", "summary", "--d"]).contains(&"--days".to_string()));
}

/// The committed bash script, sourced in a real bash, completes server names from a subfolder
/// of the project (`.mcp.json` is found as the commands find it).
#[test]
fn the_bash_script_completes_server_names_in_bash() {
    let env = TestEnv::new();
    env.write(
        ".mcp.json",
        r#"{"mcpServers": {"memory": {"command": "npx"}, "time": {"command": "uvx"}}}"#,
    );
    std::fs::create_dir_all(env.path("sub")).unwrap();
    let script = crate::common::repo_root().join("completions/aimcp.bash");
    let bin_dir = std::path::Path::new(crate::common::bin()).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source '{}'; COMP_WORDS=(aimcp mcp get m); COMP_CWORD=3; COMP_TYPE=9; \
             _clap_complete_aimcp aimcp m get; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        ))
        .current_dir(env.path("sub"))
        .env("PATH", path)
        .env("HOME", &env.home)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout, "memory\n");
}

#[test]
fn completion_scripts_call_back_into_aimcp() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = env.run(&["completions", shell]);
        run.assert_code(0);
        assert!(run.stdout.contains("COMPLETE"), "{shell}:\n{}", run.stdout);
    }
}
