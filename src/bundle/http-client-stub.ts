// Bundle-only stand-in for @actions/http-client (mapped in tsconfig.json's `paths`, which ncc honours).
// @actions/core imports it for getIDToken (OIDC), which this action never calls; the real module pulls
// in undici, some 900 KB that would otherwise be 60% of the bundle and parsed at every start.
const unavailable = (): never => {
  throw new Error('@actions/http-client is not bundled into this action (getIDToken is not used).');
};

export class HttpClient {
  constructor() {
    unavailable();
  }
}

export class BearerCredentialHandler {
  constructor() {
    unavailable();
  }
}
