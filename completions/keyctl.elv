
use builtin;
use str;

set edit:completion:arg-completer[keyctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'keyctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'keyctl'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create a key and print its secret once'
            cand list 'List keys (never their secrets)'
            cand show 'Show every field of one key'
            cand update 'Change a key''s name, description, expiry, limits or metadata'
            cand revoke 'Revoke a key now (permanent)'
            cand rotate 'Replace a key by a new one and print the new secret once'
            cand verify 'Check a presented key (read from standard input)'
            cand usage 'Show request statistics of a key, or totals per key'
            cand ingest 'Import request records (JSON Lines) from a gateway log'
            cand audit 'Show the audit trail, newest first'
            cand events 'Key events and their delivery to webhooks and hooks'
            cand webhooks 'Webhooks and hooks of the config'
            cand migrate 'Copy every key, request, rollup, audit entry, limit counter and event to another store'
            cand scan 'Find keyctl secrets in files, standard input or git''s index'
            cand doctor 'List the keys that are a risk (no expiry, full access, unused, old...)'
            cand scopes 'List the scope catalog and the levels'
            cand roles 'List, grant and revoke operators'' roles (owner only)'
            cand serve 'Verify keys over HTTP for API gateways and services'
            cand completions 'Print the completion script for a shell'
            cand man 'Print the man page of keyctl or of one command'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;create'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand --name 'Name of the key (1-100 characters; need not be unique)'
            cand --scope 'A scope to grant, RESOURCE:LEVEL with LEVEL read, write or admin (repeatable)'
            cand --env 'Environment of the key [default: live, or default_env from the config]'
            cand --expires 'Expiry: YYYY-MM-DD (00:00 UTC), an RFC 3339 time, a duration (90d, 12h, 4w) or never'
            cand --description 'Free text about the key (at most 1,000 characters)'
            cand --rate-limit 'Rate limit, N/WINDOW: 60/min, 2000/15min, 10/s'
            cand --quota 'Quota of valid calls per calendar day or month (UTC): 1000/day, 50000/month'
            cand --meta 'Metadata entry KEY=VALUE (repeatable)'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand --full-access 'Grant every scope (the `*` scope)'
            cand --no-deliver 'Do not send the change''s event to webhooks and hooks now (`keyctl events deliver` will)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;list'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand --status 'Which keys by status [default: every key that is not revoked]'
            cand --env 'Only keys of this environment'
            cand --scope 'Only keys whose scopes satisfy RESOURCE:LEVEL (or `*`)'
            cand --expiring-within 'Only keys that expire within this long (e.g. 14d)'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;show'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;update'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand --name 'New name (1-100 characters)'
            cand --description 'New description ("" removes it)'
            cand --expires 'New expiry: YYYY-MM-DD, an RFC 3339 time, a duration from now (90d), or never'
            cand --rate-limit 'New rate limit, N/WINDOW (60/min), or none'
            cand --quota 'New quota, N/day or N/month, or none'
            cand --meta 'Set a metadata entry KEY=VALUE (repeatable)'
            cand --unset-meta 'Remove a metadata entry (repeatable)'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand --no-deliver 'Do not send the change''s event to webhooks and hooks now (`keyctl events deliver` will)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;revoke'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand --reason 'Why the key is revoked (kept with the key and in the audit trail)'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --no-deliver 'Do not send the change''s event to webhooks and hooks now (`keyctl events deliver` will)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;rotate'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand --grace 'Keep the old key valid this long (e.g. 24h, 7d; at most 30d) instead of revoking it now'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --no-deliver 'Do not send the change''s event to webhooks and hooks now (`keyctl events deliver` will)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;verify'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand --scope 'A scope the key must grant, RESOURCE:LEVEL (repeatable)'
            cand --env 'The environment the key must belong to'
            cand --method 'The request''s HTTP method (recorded; with --path, derives the scope)'
            cand --path 'The request''s path (recorded; with --method, derives the scope)'
            cand --ip 'The client''s IP address (recorded)'
            cand --user-agent 'The client''s user agent (recorded)'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand --no-record 'Write nothing: no request, no usage, no limit consumed, no audit event'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;usage'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand --days 'The last N days, today included [default: 30]'
            cand --since 'Start of the window: YYYY-MM-DD, RFC 3339, or a duration ago (7d)'
            cand --until 'End of the window (exclusive) [default: now]'
            cand --recent 'How many of the latest calls to list'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;ingest'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;audit'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand --key 'Only entries about this key (id, displayed prefix or name)'
            cand --action 'Only this action (repeatable): key.created, key.updated, key.revoked, key.rotated, verify.failed, verify.forbidden, verify.limited, requests.ingested, command.refused, role.granted, role.revoked, request'
            cand --by 'Only entries by this operator (for requests: who ran verify or ingest). Not --actor, which names who runs this command'
            cand --since 'From this time: YYYY-MM-DD, RFC 3339, or a duration ago (7d)'
            cand --until 'Until this time (exclusive)'
            cand --status 'Only this HTTP status or class: 401, 4xx, 5xx'
            cand --path 'Only requests whose path starts with this'
            cand --limit 'At most this many entries'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand verify 'Check the hash chain; exit 1 at the first broken entry'
            cand head 'Print the number of chained entries and the last hash'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;audit;verify'= {
            cand --head 'A head hash recorded earlier with `keyctl audit head`'
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;audit;head'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;audit;help'= {
            cand verify 'Check the hash chain; exit 1 at the first broken entry'
            cand head 'Print the number of chained entries and the last hash'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;audit;help;verify'= {
        }
        &'keyctl;audit;help;head'= {
        }
        &'keyctl;audit;help;help'= {
        }
        &'keyctl;events'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List recorded events, newest first'
            cand deliver 'Send pending events to webhooks and hooks, with retries'
            cand scan 'Record api_key.expiring and api_key.expired events (for cron)'
            cand replay 'Send one event again'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;events;list'= {
            cand --type 'Only events of this type: api_key.created, api_key.updated, api_key.rotated, api_key.revoked, api_key.expiring, api_key.expired'
            cand --limit 'At most this many events'
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand --pending 'Only events still to be delivered'
            cand --dead 'Only events whose delivery gave up (see `events replay`)'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;events;deliver'= {
            cand --limit 'At most this many attempts in this run'
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;events;scan'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand --no-deliver 'Record the events but do not try to deliver them now'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;events;replay'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand --no-deliver 'Reset the event''s deliveries but do not send it now'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;events;help'= {
            cand list 'List recorded events, newest first'
            cand deliver 'Send pending events to webhooks and hooks, with retries'
            cand scan 'Record api_key.expiring and api_key.expired events (for cron)'
            cand replay 'Send one event again'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;events;help;list'= {
        }
        &'keyctl;events;help;deliver'= {
        }
        &'keyctl;events;help;scan'= {
        }
        &'keyctl;events;help;replay'= {
        }
        &'keyctl;events;help;help'= {
        }
        &'keyctl;webhooks'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List the configured webhooks and hooks (never their secrets)'
            cand test 'Send a signed webhook.test event to one webhook or hook'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;webhooks;list'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;webhooks;test'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;webhooks;help'= {
            cand list 'List the configured webhooks and hooks (never their secrets)'
            cand test 'Send a signed webhook.test event to one webhook or hook'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;webhooks;help;list'= {
        }
        &'keyctl;webhooks;help;test'= {
        }
        &'keyctl;webhooks;help;help'= {
        }
        &'keyctl;migrate'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand --to 'The store to copy to: a postgres:// URL or a file path; it must hold no keyctl data'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;scan'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand --staged 'Scan what `git commit` would commit now (git''s index), for a pre-commit hook'
            cand --hidden 'Also scan hidden files and folders'
            cand --no-ignore 'Do not honour .gitignore, .ignore and git''s exclude files'
            cand --binary 'Also scan binary files met in a folder (files named as PATH always are)'
            cand --revoke 'Revoke every active key found (owner role), with the reason `leaked: PATH:LINE`'
            cand -y 'With --revoke: do not ask for confirmation'
            cand --yes 'With --revoke: do not ask for confirmation'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;doctor'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand --skip 'Leave out a check (repeatable)'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;scopes'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;roles'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List every grant'
            cand grant 'Give an operator a role, replacing the one they had'
            cand revoke 'Take an operator''s grant away'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;roles;list'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;roles;grant'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;roles;revoke'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;roles;help'= {
            cand list 'List every grant'
            cand grant 'Give an operator a role, replacing the one they had'
            cand revoke 'Take an operator''s grant away'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;roles;help;list'= {
        }
        &'keyctl;roles;help;grant'= {
        }
        &'keyctl;roles;help;revoke'= {
        }
        &'keyctl;roles;help;help'= {
        }
        &'keyctl;serve'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand --listen 'Address to listen on, HOST:PORT or unix:PATH (repeatable) [default: 127.0.0.1:7373]'
            cand --log-format 'Access-log format [default: text]'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand --no-record 'Verify without recording: no request, no usage, no limit consumed, no audit event'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;completions'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;man'= {
            cand --db 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]'
            cand --config 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]'
            cand --format 'Output format'
            cand --color 'When to colour the output (NO_COLOR is honoured)'
            cand --actor 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]'
            cand -q 'Print only the essential value (the secret for create and rotate)'
            cand --quiet 'Print only the essential value (the secret for create and rotate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;help'= {
            cand create 'Create a key and print its secret once'
            cand list 'List keys (never their secrets)'
            cand show 'Show every field of one key'
            cand update 'Change a key''s name, description, expiry, limits or metadata'
            cand revoke 'Revoke a key now (permanent)'
            cand rotate 'Replace a key by a new one and print the new secret once'
            cand verify 'Check a presented key (read from standard input)'
            cand usage 'Show request statistics of a key, or totals per key'
            cand ingest 'Import request records (JSON Lines) from a gateway log'
            cand audit 'Show the audit trail, newest first'
            cand events 'Key events and their delivery to webhooks and hooks'
            cand webhooks 'Webhooks and hooks of the config'
            cand migrate 'Copy every key, request, rollup, audit entry, limit counter and event to another store'
            cand scan 'Find keyctl secrets in files, standard input or git''s index'
            cand doctor 'List the keys that are a risk (no expiry, full access, unused, old...)'
            cand scopes 'List the scope catalog and the levels'
            cand roles 'List, grant and revoke operators'' roles (owner only)'
            cand serve 'Verify keys over HTTP for API gateways and services'
            cand completions 'Print the completion script for a shell'
            cand man 'Print the man page of keyctl or of one command'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;help;create'= {
        }
        &'keyctl;help;list'= {
        }
        &'keyctl;help;show'= {
        }
        &'keyctl;help;update'= {
        }
        &'keyctl;help;revoke'= {
        }
        &'keyctl;help;rotate'= {
        }
        &'keyctl;help;verify'= {
        }
        &'keyctl;help;usage'= {
        }
        &'keyctl;help;ingest'= {
        }
        &'keyctl;help;audit'= {
            cand verify 'Check the hash chain; exit 1 at the first broken entry'
            cand head 'Print the number of chained entries and the last hash'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;help;audit;verify'= {
        }
        &'keyctl;help;audit;head'= {
        }
        &'keyctl;help;audit;help'= {
            cand verify 'Check the hash chain; exit 1 at the first broken entry'
            cand head 'Print the number of chained entries and the last hash'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;help;audit;help;verify'= {
        }
        &'keyctl;help;audit;help;head'= {
        }
        &'keyctl;help;audit;help;help'= {
        }
        &'keyctl;help;events'= {
            cand list 'List recorded events, newest first'
            cand deliver 'Send pending events to webhooks and hooks, with retries'
            cand scan 'Record api_key.expiring and api_key.expired events (for cron)'
            cand replay 'Send one event again'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;help;events;list'= {
        }
        &'keyctl;help;events;deliver'= {
        }
        &'keyctl;help;events;scan'= {
        }
        &'keyctl;help;events;replay'= {
        }
        &'keyctl;help;events;help'= {
            cand list 'List recorded events, newest first'
            cand deliver 'Send pending events to webhooks and hooks, with retries'
            cand scan 'Record api_key.expiring and api_key.expired events (for cron)'
            cand replay 'Send one event again'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;help;events;help;list'= {
        }
        &'keyctl;help;events;help;deliver'= {
        }
        &'keyctl;help;events;help;scan'= {
        }
        &'keyctl;help;events;help;replay'= {
        }
        &'keyctl;help;events;help;help'= {
        }
        &'keyctl;help;webhooks'= {
            cand list 'List the configured webhooks and hooks (never their secrets)'
            cand test 'Send a signed webhook.test event to one webhook or hook'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;help;webhooks;list'= {
        }
        &'keyctl;help;webhooks;test'= {
        }
        &'keyctl;help;webhooks;help'= {
            cand list 'List the configured webhooks and hooks (never their secrets)'
            cand test 'Send a signed webhook.test event to one webhook or hook'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;help;webhooks;help;list'= {
        }
        &'keyctl;help;webhooks;help;test'= {
        }
        &'keyctl;help;webhooks;help;help'= {
        }
        &'keyctl;help;migrate'= {
        }
        &'keyctl;help;scan'= {
        }
        &'keyctl;help;doctor'= {
        }
        &'keyctl;help;scopes'= {
        }
        &'keyctl;help;roles'= {
            cand list 'List every grant'
            cand grant 'Give an operator a role, replacing the one they had'
            cand revoke 'Take an operator''s grant away'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;help;roles;list'= {
        }
        &'keyctl;help;roles;grant'= {
        }
        &'keyctl;help;roles;revoke'= {
        }
        &'keyctl;help;roles;help'= {
            cand list 'List every grant'
            cand grant 'Give an operator a role, replacing the one they had'
            cand revoke 'Take an operator''s grant away'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;help;roles;help;list'= {
        }
        &'keyctl;help;roles;help;grant'= {
        }
        &'keyctl;help;roles;help;revoke'= {
        }
        &'keyctl;help;roles;help;help'= {
        }
        &'keyctl;help;serve'= {
        }
        &'keyctl;help;completions'= {
        }
        &'keyctl;help;man'= {
        }
        &'keyctl;help;help'= {
        }
    ]
    $completions[$command]
}
