# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_aimcp_global_optspecs
    string join \n C/project-dir= config= json q/quiet v/verbose no-input color= pricing= db= h/help V/version
end

function __fish_aimcp_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_aimcp_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_aimcp_using_subcommand
    set -l cmd (__fish_aimcp_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c aimcp -n "__fish_aimcp_needs_command" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_needs_command" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_needs_command" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_needs_command" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_needs_command" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_needs_command" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_needs_command" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_needs_command" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_needs_command" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aimcp -n "__fish_aimcp_needs_command" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_needs_command" -f -a "mcp" -d 'MCP servers in `.mcp.json`: set up, add, list, test, discover, call'
complete -c aimcp -n "__fish_aimcp_needs_command" -f -a "tokens" -d 'The usage ledger: record, import, summarise, budget and check token costs'
complete -c aimcp -n "__fish_aimcp_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c aimcp -n "__fish_aimcp_needs_command" -f -a "man" -d 'Print the manual page (roff)'
complete -c aimcp -n "__fish_aimcp_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -s h -l help -d 'Print help'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -f -a "setup" -d 'Interactive wizard: pick a server from the catalog, configure, install, test, discover'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -f -a "catalog" -d 'List the servers `aimcp mcp setup` knows'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -f -a "add" -d 'Add a server to `.mcp.json` (stdio after `--`, or a URL for http/sse)'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -f -a "list" -d 'List the servers in `.mcp.json`'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -f -a "ls" -d 'List the servers in `.mcp.json`'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -f -a "get" -d 'Show everything about one server'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -f -a "remove" -d 'Remove a server from `.mcp.json` and `.mcp.tools.json`'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -f -a "rm" -d 'Remove a server from `.mcp.json` and `.mcp.tools.json`'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -f -a "discover" -d 'Contact servers and write their tools, prompts and resources to `.mcp.tools.json`'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -f -a "test" -d 'Check that servers start, answer the handshake, `ping` and `tools/list`'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -f -a "call" -d 'Call one tool of a server and print its result'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and not __fish_seen_subcommand_from setup catalog add list ls get remove rm discover test call help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -l variant -d 'How the entry runs, where it has several ways (e.g. github: remote | docker)' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -l name -d 'The server\'s name in `.mcp.json` [default: the entry id]' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -s e -l env -d 'A setting of the entry, as KEY=VALUE (repeatable)' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -s H -l header -d 'An HTTP header, as \'Name: value\' (repeatable)' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -l arg -d 'An extra argument for the server\'s command (repeatable)' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -s y -l yes -d 'Accept every default and confirmation'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -l no-install -d 'Do not fetch the package ahead of first use'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -l no-pin -d 'Do not pin the resolved package version in the arguments'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -l no-test -d 'Do not test the server after writing it'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -l no-discover -d 'Do not discover the server\'s tools after writing it'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -l no-store-secrets -d 'Do not store secret values in the project\'s `.env`'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -s h -l help -d 'Print help'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from setup" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from catalog" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from catalog" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from catalog" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from catalog" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from catalog" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from catalog" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from catalog" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from catalog" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from catalog" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from catalog" -s h -l help -d 'Print help'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from catalog" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from add" -s t -l transport -d 'How to reach the server [default: stdio with a command, http with a URL]' -r -f -a "stdio\t''
http\t''
sse\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from add" -s e -l env -d 'An environment variable for the server, as KEY=VALUE (repeatable); a value under a secret-looking key is written as `${KEY}`, never as the value' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from add" -s H -l header -d 'An HTTP header, as \'Name: value\' (repeatable); a secret-looking literal value is written as a `${VAR}` reference' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from add" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from add" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from add" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from add" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from add" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from add" -l disabled -d 'Add the server switched off'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from add" -s f -l force -d 'Replace a server of the same name'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from add" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from add" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from list" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from list" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from list" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from list" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from list" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from list" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from ls" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from ls" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from ls" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from ls" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from ls" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from ls" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from ls" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from get" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from get" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from get" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from get" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from get" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from get" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from get" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from get" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from remove" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from remove" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from remove" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from remove" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from remove" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from remove" -s y -l yes -d 'Do not ask for confirmation'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from remove" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from remove" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from rm" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from rm" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from rm" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from rm" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from rm" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from rm" -s y -l yes -d 'Do not ask for confirmation'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from rm" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from rm" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from discover" -l timeout -d 'Seconds allowed for each server\'s start and for every request [default: `global_config.timeout`, else 30]' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from discover" -s j -l concurrency -d 'Servers contacted at once [default: `global_config.max_concurrent`, else 4]' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from discover" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from discover" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from discover" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from discover" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from discover" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from discover" -l check -d 'Write nothing; exit 1 when any server\'s tool surface differs from `.mcp.tools.json`'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from discover" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from discover" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from discover" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from discover" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from discover" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from discover" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from test" -l timeout -d 'Seconds allowed for each server\'s start and for every request' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from test" -l url -d 'Test a server at this URL that is not in `.mcp.json`' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from test" -s H -l header -d 'With `--url`: an HTTP header, as \'Name: value\' (repeatable)' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from test" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from test" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from test" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from test" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from test" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from test" -l sse -d 'With `--url`: use the legacy HTTP+SSE transport'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from test" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from test" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from test" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from test" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from call" -l args -d 'The tool\'s arguments, as a JSON object' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from call" -l timeout -d 'Seconds allowed for the server\'s start and for the call' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from call" -l url -d 'Call a server at this URL that is not in `.mcp.json`' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from call" -s H -l header -d 'With `--url`: an HTTP header, as \'Name: value\' (repeatable)' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from call" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from call" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from call" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from call" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from call" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from call" -l sse -d 'With `--url`: use the legacy HTTP+SSE transport'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from call" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from call" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from call" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from call" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from call" -s h -l help -d 'Print help'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from call" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "setup" -d 'Interactive wizard: pick a server from the catalog, configure, install, test, discover'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "catalog" -d 'List the servers `aimcp mcp setup` knows'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a server to `.mcp.json` (stdio after `--`, or a URL for http/sse)'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the servers in `.mcp.json`'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "get" -d 'Show everything about one server'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a server from `.mcp.json` and `.mcp.tools.json`'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "discover" -d 'Contact servers and write their tools, prompts and resources to `.mcp.tools.json`'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "test" -d 'Check that servers start, answer the handshake, `ping` and `tools/list`'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "call" -d 'Call one tool of a server and print its result'
complete -c aimcp -n "__fish_aimcp_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and not __fish_seen_subcommand_from record import summary budget check prices export help" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and not __fish_seen_subcommand_from record import summary budget check prices export help" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and not __fish_seen_subcommand_from record import summary budget check prices export help" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and not __fish_seen_subcommand_from record import summary budget check prices export help" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and not __fish_seen_subcommand_from record import summary budget check prices export help" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and not __fish_seen_subcommand_from record import summary budget check prices export help" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and not __fish_seen_subcommand_from record import summary budget check prices export help" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and not __fish_seen_subcommand_from record import summary budget check prices export help" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and not __fish_seen_subcommand_from record import summary budget check prices export help" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and not __fish_seen_subcommand_from record import summary budget check prices export help" -s h -l help -d 'Print help'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and not __fish_seen_subcommand_from record import summary budget check prices export help" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and not __fish_seen_subcommand_from record import summary budget check prices export help" -f -a "record" -d 'Record one request\'s usage, or many from JSON lines'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and not __fish_seen_subcommand_from record import summary budget check prices export help" -f -a "import" -d 'Import the usage logs a coding agent already writes'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and not __fish_seen_subcommand_from record import summary budget check prices export help" -f -a "summary" -d 'Usage and cost per day (or per provider, model, user, project, week, month)'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and not __fish_seen_subcommand_from record import summary budget check prices export help" -f -a "budget" -d 'Set, list, remove and check spending budgets'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and not __fish_seen_subcommand_from record import summary budget check prices export help" -f -a "check" -d 'Exit 1 when any budget is (or, with `--estimate`, would be) exceeded: a CI gate'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and not __fish_seen_subcommand_from record import summary budget check prices export help" -f -a "prices" -d 'Show the prices used, and where they come from'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and not __fish_seen_subcommand_from record import summary budget check prices export help" -f -a "export" -d 'Print every recorded request in a window, as CSV or JSON lines'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and not __fish_seen_subcommand_from record import summary budget check prices export help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l jsonl -d 'Read requests from a JSON-lines file (`-` for stdin), one object a line, fields as the flags in snake_case' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l provider -d 'The provider (anthropic, openai, google, mistral, deepseek, ollama ...)' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l model -d 'The model id' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l input -d 'Input (prompt) tokens, not counting cache reads and writes' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l output -d 'Output tokens' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l cache-read -d 'Tokens read from the prompt cache' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l cache-write -d 'Tokens written to the prompt cache (5-minute lifetime)' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l cache-write-1h -d 'Tokens written to the prompt cache with a 1-hour lifetime' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l reasoning -d 'Reasoning tokens (already counted in output)' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l user -d 'Who made the request [default: $USER]' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l project -d 'The project. Without it, the request\'s project is the name of the current folder (or of `--project-dir`) [default: the current folder\'s name]' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l org -d 'The organisation, for `org:NAME` budgets' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l session -d 'A session id' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l request-id -d 'The request id; recording the same id again updates the row' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l cost -d 'The cost in USD, when known; otherwise it is computed from the price table' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l at -d 'When the request was made (RFC 3339) [default: now]' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l latency-ms -d 'The request\'s latency in milliseconds' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l failed -d 'The request failed'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from record" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from import" -l path -d 'Read logs from this folder instead of the agent\'s default' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from import" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from import" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from import" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from import" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from import" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from import" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from import" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from import" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from summary" -l days -d 'The last N days, today included' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from summary" -l since -d 'From this date (YYYY-MM-DD or RFC 3339)' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from summary" -l until -d 'Up to this date, included' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from summary" -l by -d 'How to group rows' -r -f -a "day\t''
week\t''
month\t''
provider\t''
model\t''
user\t''
project\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from summary" -l budget -d 'Check a one-off budget (USD) for the shown window' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from summary" -l tz -d 'Time zone for days (IANA name) [default: the local zone]' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from summary" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from summary" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from summary" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from summary" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from summary" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from summary" -l csv -d 'CSV on stdout'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from summary" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from summary" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from summary" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from summary" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from summary" -s h -l help -d 'Print help'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from summary" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from budget" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from budget" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from budget" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from budget" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from budget" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from budget" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from budget" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from budget" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from budget" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from budget" -s h -l help -d 'Print help'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from budget" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from budget" -f -a "set" -d 'Set a budget'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from budget" -f -a "list" -d 'List budgets'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from budget" -f -a "remove" -d 'Remove a budget'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from budget" -f -a "status" -d 'Spent, limit and percent for each budget'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from budget" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from check" -l estimate -d 'Add this cost (USD) to what has been spent before checking' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from check" -l scope -d 'Check only the budgets of this scope' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from check" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from check" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from check" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from check" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from check" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from check" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from check" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from prices" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from prices" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from prices" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from prices" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from prices" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from prices" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from prices" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from prices" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from prices" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from prices" -s h -l help -d 'Print help'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from prices" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from export" -l since -d 'From this date (YYYY-MM-DD or RFC 3339)' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from export" -l until -d 'Up to this date, included' -r
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from export" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from export" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from export" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from export" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from export" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from export" -l csv -d 'CSV with a header line'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from export" -l jsonl -d 'One JSON object a line'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from export" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from export" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from export" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from help" -f -a "record" -d 'Record one request\'s usage, or many from JSON lines'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from help" -f -a "import" -d 'Import the usage logs a coding agent already writes'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from help" -f -a "summary" -d 'Usage and cost per day (or per provider, model, user, project, week, month)'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from help" -f -a "budget" -d 'Set, list, remove and check spending budgets'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from help" -f -a "check" -d 'Exit 1 when any budget is (or, with `--estimate`, would be) exceeded: a CI gate'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from help" -f -a "prices" -d 'Show the prices used, and where they come from'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from help" -f -a "export" -d 'Print every recorded request in a window, as CSV or JSON lines'
complete -c aimcp -n "__fish_aimcp_using_subcommand tokens; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aimcp -n "__fish_aimcp_using_subcommand completions" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand completions" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand completions" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand completions" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand completions" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand completions" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand completions" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand completions" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand completions" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand completions" -s h -l help -d 'Print help'
complete -c aimcp -n "__fish_aimcp_using_subcommand completions" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand man" -s C -l project-dir -d 'Act as if started in DIR' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand man" -l config -d 'Use this `.mcp.json` instead of searching for one' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand man" -l color -d 'When to use colour (`NO_COLOR` is honoured too)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c aimcp -n "__fish_aimcp_using_subcommand man" -l pricing -d 'Extra prices in LiteLLM\'s `model_prices_and_context_window.json` shape, over the built-in table' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand man" -l db -d 'The usage store [default: <data dir>/aimcp/usage.db]' -r -F
complete -c aimcp -n "__fish_aimcp_using_subcommand man" -l json -d 'Machine output: exactly one JSON document on stdout; no prompts, no progress'
complete -c aimcp -n "__fish_aimcp_using_subcommand man" -s q -l quiet -d 'Print less on stderr'
complete -c aimcp -n "__fish_aimcp_using_subcommand man" -s v -l verbose -d 'Print more on stderr (repeat for more)'
complete -c aimcp -n "__fish_aimcp_using_subcommand man" -l no-input -d 'Never prompt; a missing required value is an error naming the flag that supplies it'
complete -c aimcp -n "__fish_aimcp_using_subcommand man" -s h -l help -d 'Print help'
complete -c aimcp -n "__fish_aimcp_using_subcommand man" -s V -l version -d 'Print version'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and not __fish_seen_subcommand_from mcp tokens completions man help" -f -a "mcp" -d 'MCP servers in `.mcp.json`: set up, add, list, test, discover, call'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and not __fish_seen_subcommand_from mcp tokens completions man help" -f -a "tokens" -d 'The usage ledger: record, import, summarise, budget and check token costs'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and not __fish_seen_subcommand_from mcp tokens completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and not __fish_seen_subcommand_from mcp tokens completions man help" -f -a "man" -d 'Print the manual page (roff)'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and not __fish_seen_subcommand_from mcp tokens completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and __fish_seen_subcommand_from mcp" -f -a "setup" -d 'Interactive wizard: pick a server from the catalog, configure, install, test, discover'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and __fish_seen_subcommand_from mcp" -f -a "catalog" -d 'List the servers `aimcp mcp setup` knows'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and __fish_seen_subcommand_from mcp" -f -a "add" -d 'Add a server to `.mcp.json` (stdio after `--`, or a URL for http/sse)'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and __fish_seen_subcommand_from mcp" -f -a "list" -d 'List the servers in `.mcp.json`'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and __fish_seen_subcommand_from mcp" -f -a "get" -d 'Show everything about one server'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and __fish_seen_subcommand_from mcp" -f -a "remove" -d 'Remove a server from `.mcp.json` and `.mcp.tools.json`'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and __fish_seen_subcommand_from mcp" -f -a "discover" -d 'Contact servers and write their tools, prompts and resources to `.mcp.tools.json`'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and __fish_seen_subcommand_from mcp" -f -a "test" -d 'Check that servers start, answer the handshake, `ping` and `tools/list`'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and __fish_seen_subcommand_from mcp" -f -a "call" -d 'Call one tool of a server and print its result'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and __fish_seen_subcommand_from tokens" -f -a "record" -d 'Record one request\'s usage, or many from JSON lines'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and __fish_seen_subcommand_from tokens" -f -a "import" -d 'Import the usage logs a coding agent already writes'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and __fish_seen_subcommand_from tokens" -f -a "summary" -d 'Usage and cost per day (or per provider, model, user, project, week, month)'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and __fish_seen_subcommand_from tokens" -f -a "budget" -d 'Set, list, remove and check spending budgets'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and __fish_seen_subcommand_from tokens" -f -a "check" -d 'Exit 1 when any budget is (or, with `--estimate`, would be) exceeded: a CI gate'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and __fish_seen_subcommand_from tokens" -f -a "prices" -d 'Show the prices used, and where they come from'
complete -c aimcp -n "__fish_aimcp_using_subcommand help; and __fish_seen_subcommand_from tokens" -f -a "export" -d 'Print every recorded request in a window, as CSV or JSON lines'
