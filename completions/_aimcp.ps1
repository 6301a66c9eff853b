
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'aimcp' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'aimcp'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'aimcp' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'MCP servers in `.mcp.json`: set up, add, list, test, discover, call')
            [CompletionResult]::new('tokens', 'tokens', [CompletionResultType]::ParameterValue, 'The usage ledger: record, import, summarise, budget and check token costs')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aimcp;mcp' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Interactive wizard: pick a server from the catalog, configure, install, test, discover')
            [CompletionResult]::new('catalog', 'catalog', [CompletionResultType]::ParameterValue, 'List the servers `aimcp mcp setup` knows')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a server to `.mcp.json` (stdio after `--`, or a URL for http/sse)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the servers in `.mcp.json`')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the servers in `.mcp.json`')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show everything about one server')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a server from `.mcp.json` and `.mcp.tools.json`')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a server from `.mcp.json` and `.mcp.tools.json`')
            [CompletionResult]::new('discover', 'discover', [CompletionResultType]::ParameterValue, 'Contact servers and write their tools, prompts and resources to `.mcp.tools.json`')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Check that servers start, answer the handshake, `ping` and `tools/list`')
            [CompletionResult]::new('call', 'call', [CompletionResultType]::ParameterValue, 'Call one tool of a server and print its result')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aimcp;mcp;setup' {
            [CompletionResult]::new('--variant', '--variant', [CompletionResultType]::ParameterName, 'How the entry runs, where it has several ways (e.g. github: remote | docker)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The server''s name in `.mcp.json` [default: the entry id]')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'A setting of the entry, as KEY=VALUE (repeatable)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'A setting of the entry, as KEY=VALUE (repeatable)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An HTTP header, as ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An HTTP header, as ''Name: value'' (repeatable)')
            [CompletionResult]::new('--arg', '--arg', [CompletionResultType]::ParameterName, 'An extra argument for the server''s command (repeatable)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Accept every default and confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Accept every default and confirmation')
            [CompletionResult]::new('--no-install', '--no-install', [CompletionResultType]::ParameterName, 'Do not fetch the package ahead of first use')
            [CompletionResult]::new('--no-pin', '--no-pin', [CompletionResultType]::ParameterName, 'Do not pin the resolved package version in the arguments')
            [CompletionResult]::new('--no-test', '--no-test', [CompletionResultType]::ParameterName, 'Do not test the server after writing it')
            [CompletionResult]::new('--no-discover', '--no-discover', [CompletionResultType]::ParameterName, 'Do not discover the server''s tools after writing it')
            [CompletionResult]::new('--no-store-secrets', '--no-store-secrets', [CompletionResultType]::ParameterName, 'Do not store secret values in the project''s `.env`')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;mcp;catalog' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;mcp;add' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'How to reach the server [default: stdio with a command, http with a URL]')
            [CompletionResult]::new('--transport', '--transport', [CompletionResultType]::ParameterName, 'How to reach the server [default: stdio with a command, http with a URL]')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'An environment variable for the server, as KEY=VALUE (repeatable); a value under a secret-looking key is written as `${KEY}`, never as the value')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'An environment variable for the server, as KEY=VALUE (repeatable); a value under a secret-looking key is written as `${KEY}`, never as the value')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An HTTP header, as ''Name: value'' (repeatable); a secret-looking literal value is written as a `${VAR}` reference')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An HTTP header, as ''Name: value'' (repeatable); a secret-looking literal value is written as a `${VAR}` reference')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--disabled', '--disabled', [CompletionResultType]::ParameterName, 'Add the server switched off')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Replace a server of the same name')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace a server of the same name')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;mcp;list' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;mcp;ls' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;mcp;get' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;mcp;remove' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;mcp;rm' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;mcp;discover' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each server''s start and for every request [default: `global_config.timeout`, else 30]')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Servers contacted at once [default: `global_config.max_concurrent`, else 4]')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Servers contacted at once [default: `global_config.max_concurrent`, else 4]')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Write nothing; exit 1 when any server''s tool surface differs from `.mcp.tools.json`')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;mcp;test' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each server''s start and for every request')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Test a server at this URL that is not in `.mcp.json`')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'With `--url`: an HTTP header, as ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'With `--url`: an HTTP header, as ''Name: value'' (repeatable)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--sse', '--sse', [CompletionResultType]::ParameterName, 'With `--url`: use the legacy HTTP+SSE transport')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;mcp;call' {
            [CompletionResult]::new('--args', '--args', [CompletionResultType]::ParameterName, 'The tool''s arguments, as a JSON object')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for the server''s start and for the call')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Call a server at this URL that is not in `.mcp.json`')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'With `--url`: an HTTP header, as ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'With `--url`: an HTTP header, as ''Name: value'' (repeatable)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--sse', '--sse', [CompletionResultType]::ParameterName, 'With `--url`: use the legacy HTTP+SSE transport')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;mcp;help' {
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Interactive wizard: pick a server from the catalog, configure, install, test, discover')
            [CompletionResult]::new('catalog', 'catalog', [CompletionResultType]::ParameterValue, 'List the servers `aimcp mcp setup` knows')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a server to `.mcp.json` (stdio after `--`, or a URL for http/sse)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the servers in `.mcp.json`')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show everything about one server')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a server from `.mcp.json` and `.mcp.tools.json`')
            [CompletionResult]::new('discover', 'discover', [CompletionResultType]::ParameterValue, 'Contact servers and write their tools, prompts and resources to `.mcp.tools.json`')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Check that servers start, answer the handshake, `ping` and `tools/list`')
            [CompletionResult]::new('call', 'call', [CompletionResultType]::ParameterValue, 'Call one tool of a server and print its result')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aimcp;mcp;help;setup' {
            break
        }
        'aimcp;mcp;help;catalog' {
            break
        }
        'aimcp;mcp;help;add' {
            break
        }
        'aimcp;mcp;help;list' {
            break
        }
        'aimcp;mcp;help;get' {
            break
        }
        'aimcp;mcp;help;remove' {
            break
        }
        'aimcp;mcp;help;discover' {
            break
        }
        'aimcp;mcp;help;test' {
            break
        }
        'aimcp;mcp;help;call' {
            break
        }
        'aimcp;mcp;help;help' {
            break
        }
        'aimcp;tokens' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('record', 'record', [CompletionResultType]::ParameterValue, 'Record one request''s usage, or many from JSON lines')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import the usage logs a coding agent already writes')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Usage and cost per day (or per provider, model, user, project, week, month)')
            [CompletionResult]::new('budget', 'budget', [CompletionResultType]::ParameterValue, 'Set, list, remove and check spending budgets')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Exit 1 when any budget is (or, with `--estimate`, would be) exceeded: a CI gate')
            [CompletionResult]::new('prices', 'prices', [CompletionResultType]::ParameterValue, 'Show the prices used, and where they come from')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print every recorded request in a window, as CSV or JSON lines')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aimcp;tokens;record' {
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'Read requests from a JSON-lines file (`-` for stdin), one object a line, fields as the flags in snake_case')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'The provider (anthropic, openai, google, mistral, deepseek, ollama ...)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'The model id')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'Input (prompt) tokens, not counting cache reads and writes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output tokens')
            [CompletionResult]::new('--cache-read', '--cache-read', [CompletionResultType]::ParameterName, 'Tokens read from the prompt cache')
            [CompletionResult]::new('--cache-write', '--cache-write', [CompletionResultType]::ParameterName, 'Tokens written to the prompt cache (5-minute lifetime)')
            [CompletionResult]::new('--cache-write-1h', '--cache-write-1h', [CompletionResultType]::ParameterName, 'Tokens written to the prompt cache with a 1-hour lifetime')
            [CompletionResult]::new('--reasoning', '--reasoning', [CompletionResultType]::ParameterName, 'Reasoning tokens (already counted in output)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Who made the request [default: $USER]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project. Without it, the request''s project is the name of the current folder (or of `--project-dir`) [default: the current folder''s name]')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organisation, for `org:NAME` budgets')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'A session id')
            [CompletionResult]::new('--request-id', '--request-id', [CompletionResultType]::ParameterName, 'The request id; recording the same id again updates the row')
            [CompletionResult]::new('--cost', '--cost', [CompletionResultType]::ParameterName, 'The cost in USD, when known; otherwise it is computed from the price table')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'When the request was made (RFC 3339) [default: now]')
            [CompletionResult]::new('--latency-ms', '--latency-ms', [CompletionResultType]::ParameterName, 'The request''s latency in milliseconds')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--failed', '--failed', [CompletionResultType]::ParameterName, 'The request failed')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;tokens;import' {
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Read logs from this folder instead of the agent''s default')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;tokens;summary' {
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'The last N days, today included')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From this date (YYYY-MM-DD or RFC 3339)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Up to this date, included')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'How to group rows')
            [CompletionResult]::new('--budget', '--budget', [CompletionResultType]::ParameterName, 'Check a one-off budget (USD) for the shown window')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'Time zone for days (IANA name) [default: the local zone]')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--csv', '--csv', [CompletionResultType]::ParameterName, 'CSV on stdout')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;tokens;budget' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a budget')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List budgets')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a budget')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Spent, limit and percent for each budget')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aimcp;tokens;budget;set' {
            [CompletionResult]::new('--daily', '--daily', [CompletionResultType]::ParameterName, 'A daily limit in USD')
            [CompletionResult]::new('--monthly', '--monthly', [CompletionResultType]::ParameterName, 'A monthly limit in USD')
            [CompletionResult]::new('--per-request', '--per-request', [CompletionResultType]::ParameterName, 'A limit for any single request, in USD')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'What the budget covers: global, user:NAME, project:NAME or org:NAME')
            [CompletionResult]::new('--thresholds', '--thresholds', [CompletionResultType]::ParameterName, 'The warning, critical and exceeded levels, in percent of the limit')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;tokens;budget;list' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;tokens;budget;remove' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;tokens;budget;status' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;tokens;budget;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a budget')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List budgets')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a budget')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Spent, limit and percent for each budget')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aimcp;tokens;budget;help;set' {
            break
        }
        'aimcp;tokens;budget;help;list' {
            break
        }
        'aimcp;tokens;budget;help;remove' {
            break
        }
        'aimcp;tokens;budget;help;status' {
            break
        }
        'aimcp;tokens;budget;help;help' {
            break
        }
        'aimcp;tokens;check' {
            [CompletionResult]::new('--estimate', '--estimate', [CompletionResultType]::ParameterName, 'Add this cost (USD) to what has been spent before checking')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Check only the budgets of this scope')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;tokens;prices' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;tokens;export' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From this date (YYYY-MM-DD or RFC 3339)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Up to this date, included')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--csv', '--csv', [CompletionResultType]::ParameterName, 'CSV with a header line')
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'One JSON object a line')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;tokens;help' {
            [CompletionResult]::new('record', 'record', [CompletionResultType]::ParameterValue, 'Record one request''s usage, or many from JSON lines')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import the usage logs a coding agent already writes')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Usage and cost per day (or per provider, model, user, project, week, month)')
            [CompletionResult]::new('budget', 'budget', [CompletionResultType]::ParameterValue, 'Set, list, remove and check spending budgets')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Exit 1 when any budget is (or, with `--estimate`, would be) exceeded: a CI gate')
            [CompletionResult]::new('prices', 'prices', [CompletionResultType]::ParameterValue, 'Show the prices used, and where they come from')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print every recorded request in a window, as CSV or JSON lines')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aimcp;tokens;help;record' {
            break
        }
        'aimcp;tokens;help;import' {
            break
        }
        'aimcp;tokens;help;summary' {
            break
        }
        'aimcp;tokens;help;budget' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a budget')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List budgets')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a budget')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Spent, limit and percent for each budget')
            break
        }
        'aimcp;tokens;help;budget;set' {
            break
        }
        'aimcp;tokens;help;budget;list' {
            break
        }
        'aimcp;tokens;help;budget;remove' {
            break
        }
        'aimcp;tokens;help;budget;status' {
            break
        }
        'aimcp;tokens;help;check' {
            break
        }
        'aimcp;tokens;help;prices' {
            break
        }
        'aimcp;tokens;help;export' {
            break
        }
        'aimcp;tokens;help;help' {
            break
        }
        'aimcp;completions' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;man' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'Act as if started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this `.mcp.json` instead of searching for one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (`NO_COLOR` is honoured too)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Extra prices in LiteLLM''s `model_prices_and_context_window.json` shape, over the built-in table')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The usage store [default: <data dir>/aimcp/usage.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: exactly one JSON document on stdout; no prompts, no progress')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a missing required value is an error naming the flag that supplies it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aimcp;help' {
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'MCP servers in `.mcp.json`: set up, add, list, test, discover, call')
            [CompletionResult]::new('tokens', 'tokens', [CompletionResultType]::ParameterValue, 'The usage ledger: record, import, summarise, budget and check token costs')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aimcp;help;mcp' {
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Interactive wizard: pick a server from the catalog, configure, install, test, discover')
            [CompletionResult]::new('catalog', 'catalog', [CompletionResultType]::ParameterValue, 'List the servers `aimcp mcp setup` knows')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a server to `.mcp.json` (stdio after `--`, or a URL for http/sse)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the servers in `.mcp.json`')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show everything about one server')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a server from `.mcp.json` and `.mcp.tools.json`')
            [CompletionResult]::new('discover', 'discover', [CompletionResultType]::ParameterValue, 'Contact servers and write their tools, prompts and resources to `.mcp.tools.json`')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Check that servers start, answer the handshake, `ping` and `tools/list`')
            [CompletionResult]::new('call', 'call', [CompletionResultType]::ParameterValue, 'Call one tool of a server and print its result')
            break
        }
        'aimcp;help;mcp;setup' {
            break
        }
        'aimcp;help;mcp;catalog' {
            break
        }
        'aimcp;help;mcp;add' {
            break
        }
        'aimcp;help;mcp;list' {
            break
        }
        'aimcp;help;mcp;get' {
            break
        }
        'aimcp;help;mcp;remove' {
            break
        }
        'aimcp;help;mcp;discover' {
            break
        }
        'aimcp;help;mcp;test' {
            break
        }
        'aimcp;help;mcp;call' {
            break
        }
        'aimcp;help;tokens' {
            [CompletionResult]::new('record', 'record', [CompletionResultType]::ParameterValue, 'Record one request''s usage, or many from JSON lines')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import the usage logs a coding agent already writes')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Usage and cost per day (or per provider, model, user, project, week, month)')
            [CompletionResult]::new('budget', 'budget', [CompletionResultType]::ParameterValue, 'Set, list, remove and check spending budgets')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Exit 1 when any budget is (or, with `--estimate`, would be) exceeded: a CI gate')
            [CompletionResult]::new('prices', 'prices', [CompletionResultType]::ParameterValue, 'Show the prices used, and where they come from')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print every recorded request in a window, as CSV or JSON lines')
            break
        }
        'aimcp;help;tokens;record' {
            break
        }
        'aimcp;help;tokens;import' {
            break
        }
        'aimcp;help;tokens;summary' {
            break
        }
        'aimcp;help;tokens;budget' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a budget')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List budgets')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a budget')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Spent, limit and percent for each budget')
            break
        }
        'aimcp;help;tokens;budget;set' {
            break
        }
        'aimcp;help;tokens;budget;list' {
            break
        }
        'aimcp;help;tokens;budget;remove' {
            break
        }
        'aimcp;help;tokens;budget;status' {
            break
        }
        'aimcp;help;tokens;check' {
            break
        }
        'aimcp;help;tokens;prices' {
            break
        }
        'aimcp;help;tokens;export' {
            break
        }
        'aimcp;help;completions' {
            break
        }
        'aimcp;help;man' {
            break
        }
        'aimcp;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
