
use builtin;
use str;

set edit:completion:arg-completer[aimcp] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'aimcp'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'aimcp'= {
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand mcp 'MCP servers in `.mcp.json`: set up, add, list, test, discover, call'
            cand tokens 'The usage ledger: record, import, summarise, budget and check token costs'
            cand completions 'Print a shell completion script'
            cand man 'Print the manual page (roff)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aimcp;mcp'= {
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand setup 'Interactive wizard: pick a server from the catalog, configure, install, test, discover'
            cand catalog 'List the servers `aimcp mcp setup` knows'
            cand add 'Add a server to `.mcp.json` (stdio after `--`, or a URL for http/sse)'
            cand list 'List the servers in `.mcp.json`'
            cand ls 'List the servers in `.mcp.json`'
            cand get 'Show everything about one server'
            cand remove 'Remove a server from `.mcp.json` and `.mcp.tools.json`'
            cand rm 'Remove a server from `.mcp.json` and `.mcp.tools.json`'
            cand discover 'Contact servers and write their tools, prompts and resources to `.mcp.tools.json`'
            cand test 'Check that servers start, answer the handshake, `ping` and `tools/list`'
            cand call 'Call one tool of a server and print its result'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aimcp;mcp;setup'= {
            cand --variant 'How the entry runs, where it has several ways (e.g. github: remote | docker)'
            cand --name 'The server''s name in `.mcp.json` [default: the entry id]'
            cand -e 'A setting of the entry, as KEY=VALUE (repeatable)'
            cand --env 'A setting of the entry, as KEY=VALUE (repeatable)'
            cand -H 'An HTTP header, as ''Name: value'' (repeatable)'
            cand --header 'An HTTP header, as ''Name: value'' (repeatable)'
            cand --arg 'An extra argument for the server''s command (repeatable)'
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand -y 'Accept every default and confirmation'
            cand --yes 'Accept every default and confirmation'
            cand --no-install 'Do not fetch the package ahead of first use'
            cand --no-pin 'Do not pin the resolved package version in the arguments'
            cand --no-test 'Do not test the server after writing it'
            cand --no-discover 'Do not discover the server''s tools after writing it'
            cand --no-store-secrets 'Do not store secret values in the project''s `.env`'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;mcp;catalog'= {
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;mcp;add'= {
            cand -t 'How to reach the server [default: stdio with a command, http with a URL]'
            cand --transport 'How to reach the server [default: stdio with a command, http with a URL]'
            cand -e 'An environment variable for the server, as KEY=VALUE (repeatable); a value under a secret-looking key is written as `${KEY}`, never as the value'
            cand --env 'An environment variable for the server, as KEY=VALUE (repeatable); a value under a secret-looking key is written as `${KEY}`, never as the value'
            cand -H 'An HTTP header, as ''Name: value'' (repeatable); a secret-looking literal value is written as a `${VAR}` reference'
            cand --header 'An HTTP header, as ''Name: value'' (repeatable); a secret-looking literal value is written as a `${VAR}` reference'
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --disabled 'Add the server switched off'
            cand -f 'Replace a server of the same name'
            cand --force 'Replace a server of the same name'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;mcp;list'= {
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;mcp;ls'= {
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;mcp;get'= {
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;mcp;remove'= {
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;mcp;rm'= {
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;mcp;discover'= {
            cand --timeout 'Seconds allowed for each server''s start and for every request [default: `global_config.timeout`, else 30]'
            cand -j 'Servers contacted at once [default: `global_config.max_concurrent`, else 4]'
            cand --concurrency 'Servers contacted at once [default: `global_config.max_concurrent`, else 4]'
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --check 'Write nothing; exit 1 when any server''s tool surface differs from `.mcp.tools.json`'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;mcp;test'= {
            cand --timeout 'Seconds allowed for each server''s start and for every request'
            cand --url 'Test a server at this URL that is not in `.mcp.json`'
            cand -H 'With `--url`: an HTTP header, as ''Name: value'' (repeatable)'
            cand --header 'With `--url`: an HTTP header, as ''Name: value'' (repeatable)'
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --sse 'With `--url`: use the legacy HTTP+SSE transport'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;mcp;call'= {
            cand --args 'The tool''s arguments, as a JSON object'
            cand --timeout 'Seconds allowed for the server''s start and for the call'
            cand --url 'Call a server at this URL that is not in `.mcp.json`'
            cand -H 'With `--url`: an HTTP header, as ''Name: value'' (repeatable)'
            cand --header 'With `--url`: an HTTP header, as ''Name: value'' (repeatable)'
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --sse 'With `--url`: use the legacy HTTP+SSE transport'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;mcp;help'= {
            cand setup 'Interactive wizard: pick a server from the catalog, configure, install, test, discover'
            cand catalog 'List the servers `aimcp mcp setup` knows'
            cand add 'Add a server to `.mcp.json` (stdio after `--`, or a URL for http/sse)'
            cand list 'List the servers in `.mcp.json`'
            cand get 'Show everything about one server'
            cand remove 'Remove a server from `.mcp.json` and `.mcp.tools.json`'
            cand discover 'Contact servers and write their tools, prompts and resources to `.mcp.tools.json`'
            cand test 'Check that servers start, answer the handshake, `ping` and `tools/list`'
            cand call 'Call one tool of a server and print its result'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aimcp;mcp;help;setup'= {
        }
        &'aimcp;mcp;help;catalog'= {
        }
        &'aimcp;mcp;help;add'= {
        }
        &'aimcp;mcp;help;list'= {
        }
        &'aimcp;mcp;help;get'= {
        }
        &'aimcp;mcp;help;remove'= {
        }
        &'aimcp;mcp;help;discover'= {
        }
        &'aimcp;mcp;help;test'= {
        }
        &'aimcp;mcp;help;call'= {
        }
        &'aimcp;mcp;help;help'= {
        }
        &'aimcp;tokens'= {
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand record 'Record one request''s usage, or many from JSON lines'
            cand import 'Import the usage logs a coding agent already writes'
            cand summary 'Usage and cost per day (or per provider, model, user, project, week, month)'
            cand budget 'Set, list, remove and check spending budgets'
            cand check 'Exit 1 when any budget is (or, with `--estimate`, would be) exceeded: a CI gate'
            cand prices 'Show the prices used, and where they come from'
            cand export 'Print every recorded request in a window, as CSV or JSON lines'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aimcp;tokens;record'= {
            cand --jsonl 'Read requests from a JSON-lines file (`-` for stdin), one object a line, fields as the flags in snake_case'
            cand --provider 'The provider (anthropic, openai, google, mistral, deepseek, ollama ...)'
            cand --model 'The model id'
            cand --input 'Input (prompt) tokens, not counting cache reads and writes'
            cand --output 'Output tokens'
            cand --cache-read 'Tokens read from the prompt cache'
            cand --cache-write 'Tokens written to the prompt cache (5-minute lifetime)'
            cand --cache-write-1h 'Tokens written to the prompt cache with a 1-hour lifetime'
            cand --reasoning 'Reasoning tokens (already counted in output)'
            cand --user 'Who made the request [default: $USER]'
            cand --project 'The project. Without it, the request''s project is the name of the current folder (or of `--project-dir`) [default: the current folder''s name]'
            cand --org 'The organisation, for `org:NAME` budgets'
            cand --session 'A session id'
            cand --request-id 'The request id; recording the same id again updates the row'
            cand --cost 'The cost in USD, when known; otherwise it is computed from the price table'
            cand --at 'When the request was made (RFC 3339) [default: now]'
            cand --latency-ms 'The request''s latency in milliseconds'
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --failed 'The request failed'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;tokens;import'= {
            cand --path 'Read logs from this folder instead of the agent''s default'
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;tokens;summary'= {
            cand --days 'The last N days, today included'
            cand --since 'From this date (YYYY-MM-DD or RFC 3339)'
            cand --until 'Up to this date, included'
            cand --by 'How to group rows'
            cand --budget 'Check a one-off budget (USD) for the shown window'
            cand --tz 'Time zone for days (IANA name) [default: the local zone]'
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --csv 'CSV on stdout'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;tokens;budget'= {
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand set 'Set a budget'
            cand list 'List budgets'
            cand remove 'Remove a budget'
            cand status 'Spent, limit and percent for each budget'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aimcp;tokens;budget;set'= {
            cand --daily 'A daily limit in USD'
            cand --monthly 'A monthly limit in USD'
            cand --per-request 'A limit for any single request, in USD'
            cand --scope 'What the budget covers: global, user:NAME, project:NAME or org:NAME'
            cand --thresholds 'The warning, critical and exceeded levels, in percent of the limit'
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;tokens;budget;list'= {
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;tokens;budget;remove'= {
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;tokens;budget;status'= {
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;tokens;budget;help'= {
            cand set 'Set a budget'
            cand list 'List budgets'
            cand remove 'Remove a budget'
            cand status 'Spent, limit and percent for each budget'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aimcp;tokens;budget;help;set'= {
        }
        &'aimcp;tokens;budget;help;list'= {
        }
        &'aimcp;tokens;budget;help;remove'= {
        }
        &'aimcp;tokens;budget;help;status'= {
        }
        &'aimcp;tokens;budget;help;help'= {
        }
        &'aimcp;tokens;check'= {
            cand --estimate 'Add this cost (USD) to what has been spent before checking'
            cand --scope 'Check only the budgets of this scope'
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;tokens;prices'= {
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;tokens;export'= {
            cand --since 'From this date (YYYY-MM-DD or RFC 3339)'
            cand --until 'Up to this date, included'
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --csv 'CSV with a header line'
            cand --jsonl 'One JSON object a line'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;tokens;help'= {
            cand record 'Record one request''s usage, or many from JSON lines'
            cand import 'Import the usage logs a coding agent already writes'
            cand summary 'Usage and cost per day (or per provider, model, user, project, week, month)'
            cand budget 'Set, list, remove and check spending budgets'
            cand check 'Exit 1 when any budget is (or, with `--estimate`, would be) exceeded: a CI gate'
            cand prices 'Show the prices used, and where they come from'
            cand export 'Print every recorded request in a window, as CSV or JSON lines'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aimcp;tokens;help;record'= {
        }
        &'aimcp;tokens;help;import'= {
        }
        &'aimcp;tokens;help;summary'= {
        }
        &'aimcp;tokens;help;budget'= {
            cand set 'Set a budget'
            cand list 'List budgets'
            cand remove 'Remove a budget'
            cand status 'Spent, limit and percent for each budget'
        }
        &'aimcp;tokens;help;budget;set'= {
        }
        &'aimcp;tokens;help;budget;list'= {
        }
        &'aimcp;tokens;help;budget;remove'= {
        }
        &'aimcp;tokens;help;budget;status'= {
        }
        &'aimcp;tokens;help;check'= {
        }
        &'aimcp;tokens;help;prices'= {
        }
        &'aimcp;tokens;help;export'= {
        }
        &'aimcp;tokens;help;help'= {
        }
        &'aimcp;completions'= {
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;man'= {
            cand -C 'Act as if started in DIR'
            cand --project-dir 'Act as if started in DIR'
            cand --config 'Use this `.mcp.json` instead of searching for one'
            cand --color 'When to use colour (`NO_COLOR` is honoured too)'
            cand --pricing 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table'
            cand --db 'The usage store [default: <data dir>/aimcp/usage.db]'
            cand --json 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
            cand -q 'Print less on stderr'
            cand --quiet 'Print less on stderr'
            cand -v 'Print more on stderr (repeat for more)'
            cand --verbose 'Print more on stderr (repeat for more)'
            cand --no-input 'Never prompt; a missing required value is an error naming the flag that supplies it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aimcp;help'= {
            cand mcp 'MCP servers in `.mcp.json`: set up, add, list, test, discover, call'
            cand tokens 'The usage ledger: record, import, summarise, budget and check token costs'
            cand completions 'Print a shell completion script'
            cand man 'Print the manual page (roff)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aimcp;help;mcp'= {
            cand setup 'Interactive wizard: pick a server from the catalog, configure, install, test, discover'
            cand catalog 'List the servers `aimcp mcp setup` knows'
            cand add 'Add a server to `.mcp.json` (stdio after `--`, or a URL for http/sse)'
            cand list 'List the servers in `.mcp.json`'
            cand get 'Show everything about one server'
            cand remove 'Remove a server from `.mcp.json` and `.mcp.tools.json`'
            cand discover 'Contact servers and write their tools, prompts and resources to `.mcp.tools.json`'
            cand test 'Check that servers start, answer the handshake, `ping` and `tools/list`'
            cand call 'Call one tool of a server and print its result'
        }
        &'aimcp;help;mcp;setup'= {
        }
        &'aimcp;help;mcp;catalog'= {
        }
        &'aimcp;help;mcp;add'= {
        }
        &'aimcp;help;mcp;list'= {
        }
        &'aimcp;help;mcp;get'= {
        }
        &'aimcp;help;mcp;remove'= {
        }
        &'aimcp;help;mcp;discover'= {
        }
        &'aimcp;help;mcp;test'= {
        }
        &'aimcp;help;mcp;call'= {
        }
        &'aimcp;help;tokens'= {
            cand record 'Record one request''s usage, or many from JSON lines'
            cand import 'Import the usage logs a coding agent already writes'
            cand summary 'Usage and cost per day (or per provider, model, user, project, week, month)'
            cand budget 'Set, list, remove and check spending budgets'
            cand check 'Exit 1 when any budget is (or, with `--estimate`, would be) exceeded: a CI gate'
            cand prices 'Show the prices used, and where they come from'
            cand export 'Print every recorded request in a window, as CSV or JSON lines'
        }
        &'aimcp;help;tokens;record'= {
        }
        &'aimcp;help;tokens;import'= {
        }
        &'aimcp;help;tokens;summary'= {
        }
        &'aimcp;help;tokens;budget'= {
            cand set 'Set a budget'
            cand list 'List budgets'
            cand remove 'Remove a budget'
            cand status 'Spent, limit and percent for each budget'
        }
        &'aimcp;help;tokens;budget;set'= {
        }
        &'aimcp;help;tokens;budget;list'= {
        }
        &'aimcp;help;tokens;budget;remove'= {
        }
        &'aimcp;help;tokens;budget;status'= {
        }
        &'aimcp;help;tokens;check'= {
        }
        &'aimcp;help;tokens;prices'= {
        }
        &'aimcp;help;tokens;export'= {
        }
        &'aimcp;help;completions'= {
        }
        &'aimcp;help;man'= {
        }
        &'aimcp;help;help'= {
        }
    ]
    $completions[$command]
}
