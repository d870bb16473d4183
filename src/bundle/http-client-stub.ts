// Bundle-only stand-in for @actions/http-client (mapped in tsconfig.json's `paths`, which ncc honours).
// @actions/core imports it for getIDToken (OIDC), which this action never calls; the real module pulls
// in undici, some 900 KB that would otherwise be 60% of the bundle and parsed at every start.
// @actions/github (loaded only for `github-deployment`) builds an HttpClient when it is imported, to
// get a proxy agent and dispatcher for its fetch: here there are none, so its fetch goes direct.
const unavailable = (): never => {
  throw new Error('@actions/http-client is not bundled into this action (getIDToken is not used).');
};

export class HttpClient {
  /** No proxy agent: requests go direct. */
  getAgent(): undefined {
    return undefined;
  }

  /** No proxy dispatcher: fetch uses its global one. */
  getAgentDispatcher(): undefined {
    return undefined;
  }

  getJson(): never {
    return unavailable();
  }

  request(): never {
    return unavailable();
  }
}

export class BearerCredentialHandler {
  constructor() {
    unavailable();
  }
}
