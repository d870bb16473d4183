// Finds credential-like environment values so they can be masked before any log line, error or
// summary could print them. configure-aws-credentials masks what it sets, but credentials can also
// arrive through a plain `env:` block.

const CREDENTIAL_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL/i;
// Names that only point at a credential (a file, a URL) rather than hold one.
const POINTER_NAME = /_(FILE|PATH|URL|DIR)$/i;
// Masking very short values (`1`, `true`) would star out ordinary words in every log line, and
// real credentials are never that short.
const MIN_SECRET_LENGTH = 8;
const ALWAYS_MASKED = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']);

/** Every credential-like value in `env`, plus each line of multi-line ones (the runner masks line by line). */
export function credentialValues(env: NodeJS.ProcessEnv): string[] {
  const secrets = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    const always = ALWAYS_MASKED.has(name);
    if (!always && !(CREDENTIAL_NAME.test(name) && !POINTER_NAME.test(name))) continue;
    if (always || value.trim().length >= MIN_SECRET_LENGTH) secrets.add(value);
    if (value.includes('\n')) {
      for (const line of value.split(/\r?\n/)) {
        if (line.trim().length >= MIN_SECRET_LENGTH) secrets.add(line.trim());
      }
    }
  }
  return [...secrets];
}
