// What one simulated user keeps between requests: name=value pairs from `Set-Cookie`, the latest value
// winning. Attributes (Expires, Max-Age, Path, Domain, Secure) are ignored: a client talks to one
// loopback origin for one short run, and what the sandbox cares about (the ALB's AWSALBTG binding)
// carries its expiry inside the value, which the load balancer checks itself.

export class CookieJar {
  private readonly values = new Map<string, string>();

  /** Takes the `set-cookie` header of a response as Node hands it over. */
  store(setCookie: string | string[] | undefined): void {
    for (const line of typeof setCookie === 'string' ? [setCookie] : (setCookie ?? [])) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      const name = eq < 0 ? '' : pair.slice(0, eq).trim();
      if (name !== '') this.values.set(name, pair.slice(eq + 1).trim());
    }
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /** The `Cookie` request header; undefined while the jar is empty. */
  header(): string | undefined {
    if (this.values.size === 0) return undefined;
    return [...this.values].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}
