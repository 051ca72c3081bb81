/** What every secret is shown as. */
export const mask = '***';

/**
 * Long flags whose value is secret: Odoo's `--db_password` and `--smtp-password` (also as
 * `--smtp_password`), their abbreviations down to `--db_pa` and `--smtp-pa`, and any flag
 * whose name speaks of a password, secret or token, so that addon and wrapper options are
 * covered too.
 */
function isSecretLongFlag(flag: string): boolean {
  const name = flag.slice(2).toLowerCase();
  return /pass|secret|token/.test(name) || /^(db|smtp)[-_]pa/.test(name);
}

/**
 * Odoo's only short flag with a secret value is `-w`. The only short bool is `-s`, so `-w` may
 * follow it in a cluster (`-sw secret`, `-swsecret`); any other letter before it takes the
 * rest of the token as its own value.
 */
const secretShort = /^-s*w/;

/** Where the secret values of an argv are: whole tokens, or the part of a token after an offset. */
function secretPlaces(argv: readonly string[]): Array<{ index: number; from: number }> {
  const places: Array<{ index: number; from: number }> = [];
  let index = 0;
  while (index < argv.length) {
    const token = argv[index];
    if (token === '--') {
      break;
    }
    if (token.startsWith('--')) {
      const equals = token.indexOf('=');
      const flag = equals >= 0 ? token.slice(0, equals) : token;
      if (isSecretLongFlag(flag)) {
        if (equals >= 0) {
          places.push({ index, from: equals + 1 });
        } else if (index + 1 < argv.length) {
          places.push({ index: index + 1, from: 0 });
          index++;
        }
      }
    } else {
      const short = secretShort.exec(token);
      if (short) {
        const from = short[0].length;
        if (from < token.length) {
          places.push({ index, from });
        } else if (index + 1 < argv.length) {
          places.push({ index: index + 1, from: 0 });
          index++;
        }
      }
    }
    index++;
  }
  return places;
}

/**
 * The argv with the values of secret options replaced by `***`: `-w x`, `-wx`, `-sw x`,
 * `--db_password x`, `--db_password=x`, `--smtp-password`, and any `--*password*`,
 * `--*secret*`, `--*token*` flag. Safe to log or show.
 */
export function maskArgv(argv: readonly string[]): string[] {
  const masked = [...argv];
  for (const { index, from } of secretPlaces(argv)) {
    masked[index] = masked[index].slice(0, from) + mask;
  }
  return masked;
}

/**
 * Whether an environment variable holds a secret: `PGPASSWORD`, `PASSWORD`, and any name
 * containing PASSWORD, PASSWD, SECRET, TOKEN, API_KEY, APIKEY, PRIVATE_KEY or CREDENTIAL, in
 * any case.
 */
export function isSecretEnvName(name: string): boolean {
  return /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_KEY|CREDENTIAL/i.test(name);
}

/** `scheme://user:password@host`: the password of a URL, wherever it appears. */
const urlPassword = /(:\/\/[^/:@\s]*:)([^@\s/]+)(@)/g;

function maskEnvValue(name: string, value: string): string {
  return isSecretEnvName(name) ? mask : value.replace(urlPassword, `$1${mask}$3`);
}

/**
 * The environment with secret values replaced by `***` (see `isSecretEnvName`), and passwords
 * inside URLs (`postgres://odoo:pw@db/odoo`) masked in any variable. Takes and returns either
 * form: a record, or `KEY=VALUE` strings (entries without `=` are kept).
 */
export function maskEnv(env: Readonly<Record<string, string>>): Record<string, string>;
export function maskEnv(env: readonly string[]): string[];
export function maskEnv(env: Readonly<Record<string, string>> | readonly string[]): Record<string, string> | string[] {
  if (isEntryList(env)) {
    return env.map((entry) => {
      const equals = entry.indexOf('=');
      return equals < 0 ? entry : `${entry.slice(0, equals + 1)}${maskEnvValue(entry.slice(0, equals), entry.slice(equals + 1))}`;
    });
  }
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, maskEnvValue(name, value)]));
}

/**
 * The raw secret values of an argv and an environment, longest first and without repeats, to
 * scrub them from free text such as logs and error output with `maskText`.
 */
export function secretValues(
  argv: readonly string[],
  env: Readonly<Record<string, string>> | readonly string[] = [],
): string[] {
  const values = secretPlaces(argv).map(({ index, from }) => argv[index].slice(from));
  const entries = isEntryList(env)
    ? env.flatMap((entry) => {
      const equals = entry.indexOf('=');
      return equals < 0 ? [] : [[entry.slice(0, equals), entry.slice(equals + 1)] as const];
    })
    : Object.entries(env);
  for (const [name, value] of entries) {
    if (isSecretEnvName(name)) {
      values.push(value);
    }
    for (const match of value.matchAll(urlPassword)) {
      values.push(match[2]);
    }
  }
  return [...new Set(values.filter((value) => value !== ''))].sort((a, b) => b.length - a.length);
}

/**
 * The text with every occurrence of each secret replaced by `***`. Secrets shorter than two
 * characters are left alone, since masking every `a` would garble the text and hide nothing.
 * Longer secrets go first, so one that contains another is masked whole.
 */
export function maskText(text: string, secrets: readonly string[]): string {
  const usable = [...new Set(secrets.filter((secret) => secret.length >= 2))].sort((a, b) => b.length - a.length);
  let result = text;
  for (const secret of usable) {
    result = result.split(secret).join(mask);
  }
  return result;
}

function isEntryList(env: Readonly<Record<string, string>> | readonly string[]): env is readonly string[] {
  return Array.isArray(env);
}
