// The public HTTP API of MedMsg (API.md), and nothing else. Every JSON answer is the envelope
// {code, msg, data, request_id}: code 0 gives `data`, anything else becomes an ApiError that
// carries the code (what errors.js words for people), the server's `msg` (for a details line) and
// Retry-After.
//
// Paths are relative (no leading slash) so that the client also works when MedMsg is served
// under a context path.

export class ApiError extends Error {
    /** status 0 means the server could not be reached at all; retryAfter in seconds, or null. */
    constructor(status, code, msg, requestId, retryAfter = null) {
        super(msg || `HTTP ${status}`);
        this.name = 'ApiError';
        this.status = status;
        this.code = code;
        this.requestId = requestId;
        this.retryAfter = retryAfter;
        this.at = Date.now();
    }
}

/** Retry-After in seconds (MedMsg sends seconds; an HTTP date is read too), or null. */
export function retryAfterOf(value) {
    if (!value) {
        return null;
    }
    const seconds = /^\d+$/.test(value.trim()) ? Number(value) : Math.ceil((Date.parse(value) - Date.now()) / 1000);
    return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 3600) : null;
}

export const DIRECTORY = 'pati_service/manager_service/doctor_list';

export class Api {
    /**
     * @param token  a JWT, sent only in the Authorization header (never in a URL)
     * @param role   'patient' or 'doctor': which face of /msg_service/msg/ to call
     * @param onUnauthorized called on any 401, e.g. when the token expired
     */
    constructor(token, role, onUnauthorized = () => {}) {
        this.token = token;
        this.role = role;
        this.face = `msg_service/msg/${role}/`;
        this.onUnauthorized = onUnauthorized;
    }

    headers(extra = {}) {
        const headers = { Accept: 'application/json', ...extra };
        if (this.token) {
            headers.Authorization = `Bearer ${this.token}`;
        }
        return headers;
    }

    async call(method, path, { query, body, signal } = {}) {
        let url = path;
        if (query) {
            const params = new URLSearchParams();
            for (const [key, value] of Object.entries(query)) {
                if (value !== undefined && value !== null && value !== '') {
                    params.set(key, String(value));
                }
            }
            const qs = params.toString();
            if (qs) {
                url += `?${qs}`;
            }
        }
        const init = { method, headers: this.headers(), signal, cache: 'no-store' };
        if (body !== undefined) {
            init.headers['Content-Type'] = 'application/json';
            init.body = JSON.stringify(body);
        }
        let response;
        try {
            response = await fetch(url, init);
        } catch (e) {
            if (e.name === 'AbortError') {
                throw e;
            }
            throw new ApiError(0, 0, null, null);
        }
        let envelope = null;
        try {
            envelope = await response.json();
        } catch (e) {
            if (e.name === 'AbortError') {
                throw e;
            }
            // not JSON: a proxy's error page, for example
        }
        if (envelope && typeof envelope.code === 'number') {
            if (envelope.code === 0) {
                return envelope.data;
            }
            const err = new ApiError(response.status, envelope.code, envelope.msg, envelope.request_id,
                retryAfterOf(response.headers.get('Retry-After')));
            if (response.status === 401) {
                this.onUnauthorized(err);
            }
            throw err;
        }
        throw new ApiError(response.status, 0, `HTTP ${response.status} ${response.statusText}`.trim(), null,
            retryAfterOf(response.headers.get('Retry-After')));
    }

    get(path, query, options = {}) {
        return this.call('GET', path, { ...options, query });
    }

    post(path, body) {
        return this.call('POST', path, { body });
    }

    /** GET or POST on this role's chat face, e.g. chat('session_list'). */
    chatGet(name, query, options) {
        return this.get(this.face + name, query, options);
    }

    chatPost(name, body) {
        return this.post(this.face + name, body);
    }

    doctors(query) {
        return this.get(DIRECTORY, query);
    }
}

/** POST /demo/token (demo mode only): a token for anyone, so that MedMsg can be tried at once. */
export async function demoToken(role, userId, name) {
    return new Api(null, role).post('demo/token', { role, user_id: userId, name });
}

/**
 * Whether this server is in demo mode: its OpenAPI document (GET /v3/api-docs, public) lists
 * /demo/token only then. null when the document cannot be read (then both ways are offered).
 */
export async function demoAvailable() {
    try {
        const response = await fetch('v3/api-docs', { headers: { Accept: 'application/json' } });
        if (!response.ok) {
            return null;
        }
        const doc = await response.json();
        return Object.keys(doc.paths || {}).some(path => path.endsWith('/demo/token'));
    } catch {
        return null;
    }
}

/** The claims of a JWT, read without verifying it (the server verifies); null when unreadable. */
export function readClaims(token) {
    const parts = (token || '').trim().split('.');
    if (parts.length !== 3) {
        return null;
    }
    try {
        const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
        const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
        const bytes = Uint8Array.from(atob(padded), c => c.charCodeAt(0));
        return JSON.parse(new TextDecoder().decode(bytes));
    } catch {
        return null;
    }
}
