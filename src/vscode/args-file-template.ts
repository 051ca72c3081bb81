// The text of a new args file; no `vscode` here, so that a unit test reads it back.
import { joinArgs } from '../core/argv-text';
import { mask, maskArgv } from '../core/secrets';

/**
 * A new args file: how it works in comments, the running server's args as the default profile
 * when they are known (masked values left out), and example profiles to uncomment.
 */
export function argsFileTemplate(current: readonly string[] | undefined): string {
  // A secret value is masked in what we know of the running server; a file must not hold `***`.
  const hasSecrets = maskArgv(current ?? []).some((word) => word.endsWith(mask));
  const defaults = current?.length && !hasSecrets ? joinArgs(current) : '# -d mydb --dev=xml,qweb';
  return [
    '# Odoo args for "Odoo: Restart with args", one profile per [name] header.',
    '# The args before the first header are the default profile. Words are split as a shell',
    '# splits them, quotes included, but nothing is expanded; a # starting a word begins a',
    '# comment, and a backslash at the end of a line continues it. The database connection',
    '# options of the container (--db_host, --db_password, -c, ...) are kept by themselves.',
    '',
    defaults,
    '',
    '# [update]',
    '# -d mydb -u my_module',
    '',
    '# [tests]',
    '# -d test_db --test-enable --test-tags /my_module --stop-after-init',
    '',
    '# [debug]',
    '# -d mydb --workers=0 --dev=all --log-level=debug',
    '',
  ].join('\n');
}
