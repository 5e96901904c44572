
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'keyctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'keyctl'
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
        'keyctl' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a key and print its secret once')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys (never their secrets)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show every field of one key')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change a key''s name, description, expiry, limits or metadata')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a key now (permanent)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace a key by a new one and print the new secret once')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a presented key (read from standard input)')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'Show request statistics of a key, or totals per key')
            [CompletionResult]::new('ingest', 'ingest', [CompletionResultType]::ParameterValue, 'Import request records (JSON Lines) from a gateway log')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Show the audit trail, newest first')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Key events and their delivery to webhooks and hooks')
            [CompletionResult]::new('webhooks', 'webhooks', [CompletionResultType]::ParameterValue, 'Webhooks and hooks of the config')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Copy every key, request, rollup, audit entry, limit counter and event to another store')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Find keyctl secrets in files, standard input or git''s index')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'List the keys that are a risk (no expiry, full access, unused, old...)')
            [CompletionResult]::new('scopes', 'scopes', [CompletionResultType]::ParameterValue, 'List the scope catalog and the levels')
            [CompletionResult]::new('roles', 'roles', [CompletionResultType]::ParameterValue, 'List, grant and revoke operators'' roles (owner only)')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Verify keys over HTTP for API gateways and services')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page of keyctl or of one command')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;create' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name of the key (1-100 characters; need not be unique)')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'A scope to grant, RESOURCE:LEVEL with LEVEL read, write or admin (repeatable)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment of the key [default: live, or default_env from the config]')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'Expiry: YYYY-MM-DD (00:00 UTC), an RFC 3339 time, a duration (90d, 12h, 4w) or never')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Free text about the key (at most 1,000 characters)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Rate limit, N/WINDOW: 60/min, 2000/15min, 10/s')
            [CompletionResult]::new('--quota', '--quota', [CompletionResultType]::ParameterName, 'Quota of valid calls per calendar day or month (UTC): 1000/day, 50000/month')
            [CompletionResult]::new('--meta', '--meta', [CompletionResultType]::ParameterName, 'Metadata entry KEY=VALUE (repeatable)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--full-access', '--full-access', [CompletionResultType]::ParameterName, 'Grant every scope (the `*` scope)')
            [CompletionResult]::new('--no-deliver', '--no-deliver', [CompletionResultType]::ParameterName, 'Do not send the change''s event to webhooks and hooks now (`keyctl events deliver` will)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;list' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Which keys by status [default: every key that is not revoked]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Only keys of this environment')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Only keys whose scopes satisfy RESOURCE:LEVEL (or `*`)')
            [CompletionResult]::new('--expiring-within', '--expiring-within', [CompletionResultType]::ParameterName, 'Only keys that expire within this long (e.g. 14d)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;update' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'New name (1-100 characters)')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'New description ("" removes it)')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'New expiry: YYYY-MM-DD, an RFC 3339 time, a duration from now (90d), or never')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'New rate limit, N/WINDOW (60/min), or none')
            [CompletionResult]::new('--quota', '--quota', [CompletionResultType]::ParameterName, 'New quota, N/day or N/month, or none')
            [CompletionResult]::new('--meta', '--meta', [CompletionResultType]::ParameterName, 'Set a metadata entry KEY=VALUE (repeatable)')
            [CompletionResult]::new('--unset-meta', '--unset-meta', [CompletionResultType]::ParameterName, 'Remove a metadata entry (repeatable)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--no-deliver', '--no-deliver', [CompletionResultType]::ParameterName, 'Do not send the change''s event to webhooks and hooks now (`keyctl events deliver` will)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;revoke' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why the key is revoked (kept with the key and in the audit trail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--no-deliver', '--no-deliver', [CompletionResultType]::ParameterName, 'Do not send the change''s event to webhooks and hooks now (`keyctl events deliver` will)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;rotate' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'Keep the old key valid this long (e.g. 24h, 7d; at most 30d) instead of revoking it now')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--no-deliver', '--no-deliver', [CompletionResultType]::ParameterName, 'Do not send the change''s event to webhooks and hooks now (`keyctl events deliver` will)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;verify' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'A scope the key must grant, RESOURCE:LEVEL (repeatable)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'The environment the key must belong to')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'The request''s HTTP method (recorded; with --path, derives the scope)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'The request''s path (recorded; with --method, derives the scope)')
            [CompletionResult]::new('--ip', '--ip', [CompletionResultType]::ParameterName, 'The client''s IP address (recorded)')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'The client''s user agent (recorded)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--no-record', '--no-record', [CompletionResultType]::ParameterName, 'Write nothing: no request, no usage, no limit consumed, no audit event')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;usage' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'The last N days, today included [default: 30]')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Start of the window: YYYY-MM-DD, RFC 3339, or a duration ago (7d)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'End of the window (exclusive) [default: now]')
            [CompletionResult]::new('--recent', '--recent', [CompletionResultType]::ParameterName, 'How many of the latest calls to list')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;ingest' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;audit' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Only entries about this key (id, displayed prefix or name)')
            [CompletionResult]::new('--action', '--action', [CompletionResultType]::ParameterName, 'Only this action (repeatable): key.created, key.updated, key.revoked, key.rotated, verify.failed, verify.forbidden, verify.limited, requests.ingested, command.refused, role.granted, role.revoked, request')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Only entries by this operator (for requests: who ran verify or ingest). Not --actor, which names who runs this command')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From this time: YYYY-MM-DD, RFC 3339, or a duration ago (7d)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Until this time (exclusive)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only this HTTP status or class: 401, 4xx, 5xx')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only requests whose path starts with this')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many entries')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the hash chain; exit 1 at the first broken entry')
            [CompletionResult]::new('head', 'head', [CompletionResultType]::ParameterValue, 'Print the number of chained entries and the last hash')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;audit;verify' {
            [CompletionResult]::new('--head', '--head', [CompletionResultType]::ParameterName, 'A head hash recorded earlier with `keyctl audit head`')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;audit;head' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;audit;help' {
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the hash chain; exit 1 at the first broken entry')
            [CompletionResult]::new('head', 'head', [CompletionResultType]::ParameterValue, 'Print the number of chained entries and the last hash')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;audit;help;verify' {
            break
        }
        'keyctl;audit;help;head' {
            break
        }
        'keyctl;audit;help;help' {
            break
        }
        'keyctl;events' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List recorded events, newest first')
            [CompletionResult]::new('deliver', 'deliver', [CompletionResultType]::ParameterValue, 'Send pending events to webhooks and hooks, with retries')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Record api_key.expiring and api_key.expired events (for cron)')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Send one event again')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;events;list' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only events of this type: api_key.created, api_key.updated, api_key.rotated, api_key.revoked, api_key.expiring, api_key.expired')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many events')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('--pending', '--pending', [CompletionResultType]::ParameterName, 'Only events still to be delivered')
            [CompletionResult]::new('--dead', '--dead', [CompletionResultType]::ParameterName, 'Only events whose delivery gave up (see `events replay`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;events;deliver' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many attempts in this run')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;events;scan' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('--no-deliver', '--no-deliver', [CompletionResultType]::ParameterName, 'Record the events but do not try to deliver them now')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;events;replay' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('--no-deliver', '--no-deliver', [CompletionResultType]::ParameterName, 'Reset the event''s deliveries but do not send it now')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;events;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List recorded events, newest first')
            [CompletionResult]::new('deliver', 'deliver', [CompletionResultType]::ParameterValue, 'Send pending events to webhooks and hooks, with retries')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Record api_key.expiring and api_key.expired events (for cron)')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Send one event again')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;events;help;list' {
            break
        }
        'keyctl;events;help;deliver' {
            break
        }
        'keyctl;events;help;scan' {
            break
        }
        'keyctl;events;help;replay' {
            break
        }
        'keyctl;events;help;help' {
            break
        }
        'keyctl;webhooks' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the configured webhooks and hooks (never their secrets)')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a signed webhook.test event to one webhook or hook')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;webhooks;list' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;webhooks;test' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;webhooks;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the configured webhooks and hooks (never their secrets)')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a signed webhook.test event to one webhook or hook')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;webhooks;help;list' {
            break
        }
        'keyctl;webhooks;help;test' {
            break
        }
        'keyctl;webhooks;help;help' {
            break
        }
        'keyctl;migrate' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The store to copy to: a postgres:// URL or a file path; it must hold no keyctl data')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;scan' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--staged', '--staged', [CompletionResultType]::ParameterName, 'Scan what `git commit` would commit now (git''s index), for a pre-commit hook')
            [CompletionResult]::new('--hidden', '--hidden', [CompletionResultType]::ParameterName, 'Also scan hidden files and folders')
            [CompletionResult]::new('--no-ignore', '--no-ignore', [CompletionResultType]::ParameterName, 'Do not honour .gitignore, .ignore and git''s exclude files')
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'Also scan binary files met in a folder (files named as PATH always are)')
            [CompletionResult]::new('--revoke', '--revoke', [CompletionResultType]::ParameterName, 'Revoke every active key found (owner role), with the reason `leaked: PATH:LINE`')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'With --revoke: do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'With --revoke: do not ask for confirmation')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;doctor' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('--skip', '--skip', [CompletionResultType]::ParameterName, 'Leave out a check (repeatable)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;scopes' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;roles' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every grant')
            [CompletionResult]::new('grant', 'grant', [CompletionResultType]::ParameterValue, 'Give an operator a role, replacing the one they had')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Take an operator''s grant away')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;roles;list' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;roles;grant' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;roles;revoke' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;roles;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every grant')
            [CompletionResult]::new('grant', 'grant', [CompletionResultType]::ParameterValue, 'Give an operator a role, replacing the one they had')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Take an operator''s grant away')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;roles;help;list' {
            break
        }
        'keyctl;roles;help;grant' {
            break
        }
        'keyctl;roles;help;revoke' {
            break
        }
        'keyctl;roles;help;help' {
            break
        }
        'keyctl;serve' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on, HOST:PORT or unix:PATH (repeatable) [default: 127.0.0.1:7373]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Access-log format [default: text]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--no-record', '--no-record', [CompletionResultType]::ParameterName, 'Verify without recording: no request, no usage, no limit consumed, no audit event')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;completions' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;man' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the database user, and no other name]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (the secret for create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a key and print its secret once')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys (never their secrets)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show every field of one key')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change a key''s name, description, expiry, limits or metadata')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a key now (permanent)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace a key by a new one and print the new secret once')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a presented key (read from standard input)')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'Show request statistics of a key, or totals per key')
            [CompletionResult]::new('ingest', 'ingest', [CompletionResultType]::ParameterValue, 'Import request records (JSON Lines) from a gateway log')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Show the audit trail, newest first')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Key events and their delivery to webhooks and hooks')
            [CompletionResult]::new('webhooks', 'webhooks', [CompletionResultType]::ParameterValue, 'Webhooks and hooks of the config')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Copy every key, request, rollup, audit entry, limit counter and event to another store')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Find keyctl secrets in files, standard input or git''s index')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'List the keys that are a risk (no expiry, full access, unused, old...)')
            [CompletionResult]::new('scopes', 'scopes', [CompletionResultType]::ParameterValue, 'List the scope catalog and the levels')
            [CompletionResult]::new('roles', 'roles', [CompletionResultType]::ParameterValue, 'List, grant and revoke operators'' roles (owner only)')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Verify keys over HTTP for API gateways and services')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page of keyctl or of one command')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;help;create' {
            break
        }
        'keyctl;help;list' {
            break
        }
        'keyctl;help;show' {
            break
        }
        'keyctl;help;update' {
            break
        }
        'keyctl;help;revoke' {
            break
        }
        'keyctl;help;rotate' {
            break
        }
        'keyctl;help;verify' {
            break
        }
        'keyctl;help;usage' {
            break
        }
        'keyctl;help;ingest' {
            break
        }
        'keyctl;help;audit' {
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the hash chain; exit 1 at the first broken entry')
            [CompletionResult]::new('head', 'head', [CompletionResultType]::ParameterValue, 'Print the number of chained entries and the last hash')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;help;audit;verify' {
            break
        }
        'keyctl;help;audit;head' {
            break
        }
        'keyctl;help;audit;help' {
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the hash chain; exit 1 at the first broken entry')
            [CompletionResult]::new('head', 'head', [CompletionResultType]::ParameterValue, 'Print the number of chained entries and the last hash')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;help;audit;help;verify' {
            break
        }
        'keyctl;help;audit;help;head' {
            break
        }
        'keyctl;help;audit;help;help' {
            break
        }
        'keyctl;help;events' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List recorded events, newest first')
            [CompletionResult]::new('deliver', 'deliver', [CompletionResultType]::ParameterValue, 'Send pending events to webhooks and hooks, with retries')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Record api_key.expiring and api_key.expired events (for cron)')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Send one event again')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;help;events;list' {
            break
        }
        'keyctl;help;events;deliver' {
            break
        }
        'keyctl;help;events;scan' {
            break
        }
        'keyctl;help;events;replay' {
            break
        }
        'keyctl;help;events;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List recorded events, newest first')
            [CompletionResult]::new('deliver', 'deliver', [CompletionResultType]::ParameterValue, 'Send pending events to webhooks and hooks, with retries')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Record api_key.expiring and api_key.expired events (for cron)')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Send one event again')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;help;events;help;list' {
            break
        }
        'keyctl;help;events;help;deliver' {
            break
        }
        'keyctl;help;events;help;scan' {
            break
        }
        'keyctl;help;events;help;replay' {
            break
        }
        'keyctl;help;events;help;help' {
            break
        }
        'keyctl;help;webhooks' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the configured webhooks and hooks (never their secrets)')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a signed webhook.test event to one webhook or hook')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;help;webhooks;list' {
            break
        }
        'keyctl;help;webhooks;test' {
            break
        }
        'keyctl;help;webhooks;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the configured webhooks and hooks (never their secrets)')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a signed webhook.test event to one webhook or hook')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;help;webhooks;help;list' {
            break
        }
        'keyctl;help;webhooks;help;test' {
            break
        }
        'keyctl;help;webhooks;help;help' {
            break
        }
        'keyctl;help;migrate' {
            break
        }
        'keyctl;help;scan' {
            break
        }
        'keyctl;help;doctor' {
            break
        }
        'keyctl;help;scopes' {
            break
        }
        'keyctl;help;roles' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every grant')
            [CompletionResult]::new('grant', 'grant', [CompletionResultType]::ParameterValue, 'Give an operator a role, replacing the one they had')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Take an operator''s grant away')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;help;roles;list' {
            break
        }
        'keyctl;help;roles;grant' {
            break
        }
        'keyctl;help;roles;revoke' {
            break
        }
        'keyctl;help;roles;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every grant')
            [CompletionResult]::new('grant', 'grant', [CompletionResultType]::ParameterValue, 'Give an operator a role, replacing the one they had')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Take an operator''s grant away')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;help;roles;help;list' {
            break
        }
        'keyctl;help;roles;help;grant' {
            break
        }
        'keyctl;help;roles;help;revoke' {
            break
        }
        'keyctl;help;roles;help;help' {
            break
        }
        'keyctl;help;serve' {
            break
        }
        'keyctl;help;completions' {
            break
        }
        'keyctl;help;man' {
            break
        }
        'keyctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
