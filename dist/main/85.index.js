export const id = 85;
export const ids = [85];
export const modules = {

/***/ 85:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Q: () => (/* binding */ HttpClient)
/* harmony export */ });
/* unused harmony export BearerCredentialHandler */
// Bundle-only stand-in for @actions/http-client (mapped in tsconfig.json's `paths`, which ncc honours).
// @actions/core imports it for getIDToken (OIDC), which this action never calls; the real module pulls
// in undici, some 900 KB that would otherwise be 60% of the bundle and parsed at every start.
// @actions/github (loaded only for `github-deployment`) builds an HttpClient when it is imported, to
// get a proxy agent and dispatcher for its fetch: here there are none, so its fetch goes direct.
const unavailable = () => {
    throw new Error('@actions/http-client is not bundled into this action (getIDToken is not used).');
};
class HttpClient {
    /** No proxy agent: requests go direct. */
    getAgent() {
        return undefined;
    }
    /** No proxy dispatcher: fetch uses its global one. */
    getAgentDispatcher() {
        return undefined;
    }
    getJson() {
        return unavailable();
    }
    request() {
        return unavailable();
    }
}
class BearerCredentialHandler {
    constructor() {
        unavailable();
    }
}


/***/ })

};
