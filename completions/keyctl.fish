# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_keyctl_global_optspecs
    string join \n db= config= format= color= q/quiet actor= h/help V/version
end

function __fish_keyctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_keyctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_keyctl_using_subcommand
    set -l cmd (__fish_keyctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c keyctl -n "__fish_keyctl_needs_command" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_needs_command" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_needs_command" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_needs_command" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_needs_command" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_needs_command" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_needs_command" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "create" -d 'Create a key and print its secret once'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "list" -d 'List keys (never their secrets)'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "show" -d 'Show every field of one key'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "update" -d 'Change a key\'s name, description, expiry, limits or metadata'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "revoke" -d 'Revoke a key now (permanent)'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "rotate" -d 'Replace a key by a new one and print the new secret once'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "verify" -d 'Check a presented key (read from standard input)'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "usage" -d 'Show request statistics of a key, or totals per key'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "ingest" -d 'Import request records (JSON Lines) from a gateway log'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "audit" -d 'Show the audit trail, newest first'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "events" -d 'Key events and their delivery to webhooks and hooks'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "webhooks" -d 'Webhooks and hooks of the config'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "migrate" -d 'Copy every key, request, rollup, audit entry, limit counter and event to another store'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "scan" -d 'Find keyctl secrets in files, standard input or git\'s index'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "doctor" -d 'List the keys that are a risk (no expiry, full access, unused, old...)'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "scopes" -d 'List the scope catalog and the levels'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "roles" -d 'List, grant and revoke operators\' roles (owner only)'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "serve" -d 'Verify keys over HTTP for API gateways and services'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "completions" -d 'Print the completion script for a shell'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "man" -d 'Print the man page of keyctl or of one command'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand create" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand create" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand create" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand create" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand create" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand create" -l name -d 'Name of the key (1-100 characters; need not be unique)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand create" -l scope -d 'A scope to grant, RESOURCE:LEVEL with LEVEL read, write or admin (repeatable)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand create" -l env -d 'Environment of the key [default: live, or default_env from the config]' -r -f -a "live\t''
test\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand create" -l expires -d 'Expiry: YYYY-MM-DD (00:00 UTC), an RFC 3339 time, a duration (90d, 12h, 4w) or never' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand create" -l description -d 'Free text about the key (at most 1,000 characters)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand create" -l rate-limit -d 'Rate limit, N/WINDOW: 60/min, 2000/15min, 10/s' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand create" -l quota -d 'Quota of valid calls per calendar day or month (UTC): 1000/day, 50000/month' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand create" -l meta -d 'Metadata entry KEY=VALUE (repeatable)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand create" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand create" -l full-access -d 'Grant every scope (the `*` scope)'
complete -c keyctl -n "__fish_keyctl_using_subcommand create" -l no-deliver -d 'Do not send the change\'s event to webhooks and hooks now (`keyctl events deliver` will)'
complete -c keyctl -n "__fish_keyctl_using_subcommand create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand create" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand list" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand list" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand list" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand list" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand list" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand list" -l status -d 'Which keys by status [default: every key that is not revoked]' -r -f -a "active\t''
expired\t''
revoked\t''
all\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand list" -l env -d 'Only keys of this environment' -r -f -a "live\t''
test\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand list" -l scope -d 'Only keys whose scopes satisfy RESOURCE:LEVEL (or `*`)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand list" -l expiring-within -d 'Only keys that expire within this long (e.g. 14d)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand list" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand list" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand show" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand show" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand show" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand show" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand show" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand show" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand show" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand update" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand update" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand update" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand update" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand update" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand update" -l name -d 'New name (1-100 characters)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand update" -l description -d 'New description ("" removes it)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand update" -l expires -d 'New expiry: YYYY-MM-DD, an RFC 3339 time, a duration from now (90d), or never' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand update" -l rate-limit -d 'New rate limit, N/WINDOW (60/min), or none' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand update" -l quota -d 'New quota, N/day or N/month, or none' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand update" -l meta -d 'Set a metadata entry KEY=VALUE (repeatable)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand update" -l unset-meta -d 'Remove a metadata entry (repeatable)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand update" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand update" -l no-deliver -d 'Do not send the change\'s event to webhooks and hooks now (`keyctl events deliver` will)'
complete -c keyctl -n "__fish_keyctl_using_subcommand update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand update" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -l reason -d 'Why the key is revoked (kept with the key and in the audit trail)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -s y -l yes -d 'Do not ask for confirmation'
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -l no-deliver -d 'Do not send the change\'s event to webhooks and hooks now (`keyctl events deliver` will)'
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand rotate" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand rotate" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand rotate" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand rotate" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand rotate" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand rotate" -l grace -d 'Keep the old key valid this long (e.g. 24h, 7d; at most 30d) instead of revoking it now' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand rotate" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand rotate" -s y -l yes -d 'Do not ask for confirmation'
complete -c keyctl -n "__fish_keyctl_using_subcommand rotate" -l no-deliver -d 'Do not send the change\'s event to webhooks and hooks now (`keyctl events deliver` will)'
complete -c keyctl -n "__fish_keyctl_using_subcommand rotate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand rotate" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand verify" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand verify" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand verify" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand verify" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand verify" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand verify" -l scope -d 'A scope the key must grant, RESOURCE:LEVEL (repeatable)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand verify" -l env -d 'The environment the key must belong to' -r -f -a "live\t''
test\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand verify" -l method -d 'The request\'s HTTP method (recorded; with --path, derives the scope)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand verify" -l path -d 'The request\'s path (recorded; with --method, derives the scope)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand verify" -l ip -d 'The client\'s IP address (recorded)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand verify" -l user-agent -d 'The client\'s user agent (recorded)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand verify" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand verify" -l no-record -d 'Write nothing: no request, no usage, no limit consumed, no audit event'
complete -c keyctl -n "__fish_keyctl_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand verify" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand usage" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand usage" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand usage" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand usage" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand usage" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand usage" -l days -d 'The last N days, today included [default: 30]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand usage" -l since -d 'Start of the window: YYYY-MM-DD, RFC 3339, or a duration ago (7d)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand usage" -l until -d 'End of the window (exclusive) [default: now]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand usage" -l recent -d 'How many of the latest calls to list' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand usage" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand usage" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand usage" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand ingest" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand ingest" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand ingest" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand ingest" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand ingest" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand ingest" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand ingest" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand ingest" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l key -d 'Only entries about this key (id, displayed prefix or name)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l action -d 'Only this action (repeatable): key.created, key.updated, key.revoked, key.rotated, verify.failed, verify.forbidden, verify.limited, requests.ingested, command.refused, role.granted, role.revoked, request' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l by -d 'Only entries by this operator (for requests: who ran verify or ingest). Not --actor, which names who runs this command' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l since -d 'From this time: YYYY-MM-DD, RFC 3339, or a duration ago (7d)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l until -d 'Until this time (exclusive)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l status -d 'Only this HTTP status or class: 401, 4xx, 5xx' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l path -d 'Only requests whose path starts with this' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l limit -d 'At most this many entries' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -f -a "verify" -d 'Check the hash chain; exit 1 at the first broken entry'
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -f -a "head" -d 'Print the number of chained entries and the last hash'
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l head -d 'A head hash recorded earlier with `keyctl audit head`' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from head" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from head" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from head" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from head" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from head" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from head" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from head" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from head" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check the hash chain; exit 1 at the first broken entry'
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "head" -d 'Print the number of chained entries and the last hash'
complete -c keyctl -n "__fish_keyctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from list deliver scan replay help" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from list deliver scan replay help" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from list deliver scan replay help" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from list deliver scan replay help" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from list deliver scan replay help" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from list deliver scan replay help" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from list deliver scan replay help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from list deliver scan replay help" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from list deliver scan replay help" -f -a "list" -d 'List recorded events, newest first'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from list deliver scan replay help" -f -a "deliver" -d 'Send pending events to webhooks and hooks, with retries'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from list deliver scan replay help" -f -a "scan" -d 'Record api_key.expiring and api_key.expired events (for cron)'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from list deliver scan replay help" -f -a "replay" -d 'Send one event again'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from list deliver scan replay help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from list" -l type -d 'Only events of this type: api_key.created, api_key.updated, api_key.rotated, api_key.revoked, api_key.expiring, api_key.expired' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from list" -l limit -d 'At most this many events' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from list" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from list" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from list" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from list" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from list" -l pending -d 'Only events still to be delivered'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from list" -l dead -d 'Only events whose delivery gave up (see `events replay`)'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from deliver" -l limit -d 'At most this many attempts in this run' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from deliver" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from deliver" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from deliver" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from deliver" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from deliver" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from deliver" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from deliver" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from deliver" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from scan" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from scan" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from scan" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from scan" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from scan" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from scan" -l no-deliver -d 'Record the events but do not try to deliver them now'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from scan" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from scan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from scan" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from replay" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from replay" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from replay" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from replay" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from replay" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from replay" -l no-deliver -d 'Reset the event\'s deliveries but do not send it now'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from replay" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from replay" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "list" -d 'List recorded events, newest first'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "deliver" -d 'Send pending events to webhooks and hooks, with retries'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "scan" -d 'Record api_key.expiring and api_key.expired events (for cron)'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "replay" -d 'Send one event again'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and not __fish_seen_subcommand_from list test help" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and not __fish_seen_subcommand_from list test help" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and not __fish_seen_subcommand_from list test help" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and not __fish_seen_subcommand_from list test help" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and not __fish_seen_subcommand_from list test help" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and not __fish_seen_subcommand_from list test help" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and not __fish_seen_subcommand_from list test help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and not __fish_seen_subcommand_from list test help" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and not __fish_seen_subcommand_from list test help" -f -a "list" -d 'List the configured webhooks and hooks (never their secrets)'
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and not __fish_seen_subcommand_from list test help" -f -a "test" -d 'Send a signed webhook.test event to one webhook or hook'
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and not __fish_seen_subcommand_from list test help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and __fish_seen_subcommand_from test" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and __fish_seen_subcommand_from test" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and __fish_seen_subcommand_from test" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and __fish_seen_subcommand_from test" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and __fish_seen_subcommand_from test" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and __fish_seen_subcommand_from test" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the configured webhooks and hooks (never their secrets)'
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "test" -d 'Send a signed webhook.test event to one webhook or hook'
complete -c keyctl -n "__fish_keyctl_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand migrate" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand migrate" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand migrate" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand migrate" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand migrate" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand migrate" -l to -d 'The store to copy to: a postgres:// URL or a file path; it must hold no keyctl data' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand migrate" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand migrate" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand scan" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand scan" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand scan" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand scan" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand scan" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand scan" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand scan" -l staged -d 'Scan what `git commit` would commit now (git\'s index), for a pre-commit hook'
complete -c keyctl -n "__fish_keyctl_using_subcommand scan" -l hidden -d 'Also scan hidden files and folders'
complete -c keyctl -n "__fish_keyctl_using_subcommand scan" -l no-ignore -d 'Do not honour .gitignore, .ignore and git\'s exclude files'
complete -c keyctl -n "__fish_keyctl_using_subcommand scan" -l binary -d 'Also scan binary files met in a folder (files named as PATH always are)'
complete -c keyctl -n "__fish_keyctl_using_subcommand scan" -l revoke -d 'Revoke every active key found (owner role), with the reason `leaked: PATH:LINE`'
complete -c keyctl -n "__fish_keyctl_using_subcommand scan" -s y -l yes -d 'With --revoke: do not ask for confirmation'
complete -c keyctl -n "__fish_keyctl_using_subcommand scan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand scan" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand doctor" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand doctor" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand doctor" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand doctor" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand doctor" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand doctor" -l skip -d 'Leave out a check (repeatable)' -r -f -a "no-expiry\t''
full-access\t''
never-used\t''
idle\t''
expiring\t''
old\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand doctor" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand scopes" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand scopes" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand scopes" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand scopes" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand scopes" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand scopes" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand scopes" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand scopes" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and not __fish_seen_subcommand_from list grant revoke help" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and not __fish_seen_subcommand_from list grant revoke help" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and not __fish_seen_subcommand_from list grant revoke help" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and not __fish_seen_subcommand_from list grant revoke help" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and not __fish_seen_subcommand_from list grant revoke help" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and not __fish_seen_subcommand_from list grant revoke help" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and not __fish_seen_subcommand_from list grant revoke help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and not __fish_seen_subcommand_from list grant revoke help" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and not __fish_seen_subcommand_from list grant revoke help" -f -a "list" -d 'List every grant'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and not __fish_seen_subcommand_from list grant revoke help" -f -a "grant" -d 'Give an operator a role, replacing the one they had'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and not __fish_seen_subcommand_from list grant revoke help" -f -a "revoke" -d 'Take an operator\'s grant away'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and not __fish_seen_subcommand_from list grant revoke help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from list" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from list" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from list" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from list" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from grant" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from grant" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from grant" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from grant" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from grant" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from grant" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from grant" -s h -l help -d 'Print help'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from grant" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from revoke" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from revoke" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from revoke" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from revoke" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from revoke" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from revoke" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from help" -f -a "list" -d 'List every grant'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from help" -f -a "grant" -d 'Give an operator a role, replacing the one they had'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Take an operator\'s grant away'
complete -c keyctl -n "__fish_keyctl_using_subcommand roles; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand serve" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand serve" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand serve" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand serve" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand serve" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand serve" -l listen -d 'Address to listen on, HOST:PORT or unix:PATH (repeatable) [default: 127.0.0.1:7373]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand serve" -l log-format -d 'Access-log format [default: text]' -r -f -a "text\t''
json\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand serve" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand serve" -l no-record -d 'Verify without recording: no request, no usage, no limit consumed, no audit event'
complete -c keyctl -n "__fish_keyctl_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand serve" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand completions" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand completions" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand completions" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand completions" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand completions" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand completions" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand man" -l db -d 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand man" -l config -d 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand man" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand man" -l color -d 'When to colour the output (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand man" -l actor -d 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand man" -s q -l quiet -d 'Print only the essential value (the secret for create and rotate)'
complete -c keyctl -n "__fish_keyctl_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand man" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "create" -d 'Create a key and print its secret once'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "list" -d 'List keys (never their secrets)'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "show" -d 'Show every field of one key'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "update" -d 'Change a key\'s name, description, expiry, limits or metadata'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "revoke" -d 'Revoke a key now (permanent)'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "rotate" -d 'Replace a key by a new one and print the new secret once'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "verify" -d 'Check a presented key (read from standard input)'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "usage" -d 'Show request statistics of a key, or totals per key'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "ingest" -d 'Import request records (JSON Lines) from a gateway log'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "audit" -d 'Show the audit trail, newest first'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "events" -d 'Key events and their delivery to webhooks and hooks'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "webhooks" -d 'Webhooks and hooks of the config'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "migrate" -d 'Copy every key, request, rollup, audit entry, limit counter and event to another store'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "scan" -d 'Find keyctl secrets in files, standard input or git\'s index'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "doctor" -d 'List the keys that are a risk (no expiry, full access, unused, old...)'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "scopes" -d 'List the scope catalog and the levels'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "roles" -d 'List, grant and revoke operators\' roles (owner only)'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "serve" -d 'Verify keys over HTTP for API gateways and services'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "completions" -d 'Print the completion script for a shell'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "man" -d 'Print the man page of keyctl or of one command'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from create list show update revoke rotate verify usage ingest audit events webhooks migrate scan doctor scopes roles serve completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "verify" -d 'Check the hash chain; exit 1 at the first broken entry'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "head" -d 'Print the number of chained entries and the last hash'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from events" -f -a "list" -d 'List recorded events, newest first'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from events" -f -a "deliver" -d 'Send pending events to webhooks and hooks, with retries'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from events" -f -a "scan" -d 'Record api_key.expiring and api_key.expired events (for cron)'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from events" -f -a "replay" -d 'Send one event again'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from events" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from webhooks" -f -a "list" -d 'List the configured webhooks and hooks (never their secrets)'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from webhooks" -f -a "test" -d 'Send a signed webhook.test event to one webhook or hook'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from webhooks" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from roles" -f -a "list" -d 'List every grant'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from roles" -f -a "grant" -d 'Give an operator a role, replacing the one they had'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from roles" -f -a "revoke" -d 'Take an operator\'s grant away'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from roles" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
