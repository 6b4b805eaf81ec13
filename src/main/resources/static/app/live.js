// Live updates: the `events` stream (Server-Sent Events read through fetch, because only the
// Authorization header may carry the token), and long-polling of `new_session` with wait=25 when
// the stream cannot be opened (a proxy that buffers, a network that cuts long responses).
//
// What the app is told:
//   onMessage(sessionId, message)  a message was appended (also a `recall` message)
//   onSession(session)             a session's state changed (read pointers; in poll mode, anything)
//   onResync()                     reload the lists: the feed started fresh or the server said so
//   onMode(mode)                   'connecting' | 'sse' | 'poll' | 'offline'
//   onUnauthorized(err)            the token is no longer accepted

import { readEventStream } from './sse.js';

const SILENCE_LIMIT_MS = 45_000;     // the server writes at least every 15 s
// MedMsg sends the stream's headers together with its first event or keep-alive comment (at most
// 15 s after the request); events that happen meanwhile are sent at once. Until then: 'connecting'.
const OPEN_TIMEOUT_MS = 25_000;
// The stream falls back to polling only when the server answers but the stream cannot be opened
// (twice in a row); while polling, the stream is tried again every minute.
const SSE_FAILURES_BEFORE_POLL = 2;
const SSE_RETRY_WHILE_POLLING_MS = 60_000;
const POLL_WAIT_SECONDS = 25;
// While the server does not answer (a restart, a network cut): try again soon, and never wait more
// than a few seconds, so that the stream is back within seconds of the server answering again.
const BACKOFF_FIRST_MS = 250;
const BACKOFF_CAP_MS = 3000;

/** The wait before the n-th (1, 2, ...) attempt to reach a server that did not answer; a little jitter. */
export function backoff(n) {
    return Math.min(BACKOFF_CAP_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, n - 1)) + Math.floor(Math.random() * 250);
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

export class Live {
    /**
     * @param api        an Api of the signed-in user
     * @param handlers   see above
     * @param transport  'auto' (SSE, falling back to polling) or 'poll' (polling only)
     */
    constructor(api, handlers, transport = 'auto') {
        this.api = api;
        this.handlers = handlers;
        this.transport = transport;
        this.stopped = false;
        this.lastEventId = null;
        this.controller = null;
        this.mode = null;
    }

    start() {
        this.run();
    }

    stop() {
        this.stopped = true;
        this.controller?.abort();
    }

    setMode(mode) {
        if (mode !== this.mode) {
            this.mode = mode;
            this.handlers.onMode(mode);
        }
    }

    async run() {
        let unusable = 0; // the server answered, but the stream could not be opened
        let down = 0;     // attempts in a row that found no server
        while (!this.stopped) {
            if (this.transport === 'poll' || unusable >= SSE_FAILURES_BEFORE_POLL) {
                const why = await this.poll(this.transport === 'poll' ? Infinity : Date.now() + SSE_RETRY_WHILE_POLLING_MS);
                // after an outage the stream is tried first: the outage, not the stream, was the trouble
                unusable = why === 'down' ? 0 : SSE_FAILURES_BEFORE_POLL - 1;
                continue;
            }
            const result = await this.stream();
            if (this.stopped) {
                return;
            }
            if (result === 'ended') {
                down = 0;
                unusable = 0;
            } else if (result === 'down') {
                down++;
            } else {
                unusable++;
                down = 0;
            }
            this.setMode('offline');
            await sleep(result === 'ended' ? BACKOFF_FIRST_MS : result === 'down' ? backoff(down) : 1000);
        }
    }

    /**
     * One stream, read until it ends: 'ended' (it was open), 'down' (no answer, or the server is
     * not ready: 5xx), 'unusable' (an answer that is not an event stream, or none within
     * OPEN_TIMEOUT_MS: a buffering proxy).
     */
    async stream() {
        const controller = new AbortController();
        this.controller = controller;
        let silenceTimer = null;
        const resetSilence = limit => {
            clearTimeout(silenceTimer);
            silenceTimer = setTimeout(() => controller.abort(), limit);
        };
        if (this.mode !== 'sse') {
            this.setMode('connecting');
        }
        resetSilence(OPEN_TIMEOUT_MS);
        try {
            const headers = this.api.headers({ Accept: 'text/event-stream' });
            const resuming = this.lastEventId !== null;
            if (resuming) {
                headers['Last-Event-ID'] = this.lastEventId;
            }
            const response = await fetch(this.api.face + 'events', { headers, signal: controller.signal, cache: 'no-store' });
            if (response.status === 401) {
                this.stopped = true;
                this.handlers.onUnauthorized(await errorOf(response));
                return 'unusable';
            }
            if (response.status === 400 && resuming) {
                this.lastEventId = null; // an id this server does not know: start fresh
                return 'ended';
            }
            if (response.status >= 500 || response.status === 429) {
                return 'down'; // starting, or a dependency is down: the stream itself is fine
            }
            const type = response.headers.get('Content-Type') || '';
            if (!response.ok || !response.body || !type.startsWith('text/event-stream')) {
                return 'unusable';
            }
            this.setMode('sse');
            resetSilence(SILENCE_LIMIT_MS);
            if (!resuming) {
                // the stream starts "now": what changed before it is read from the lists
                this.handlers.onResync();
            }
            await readEventStream(response.body, event => this.dispatch(event), () => resetSilence(SILENCE_LIMIT_MS));
            return 'ended';
        } catch (e) {
            if (this.mode === 'sse') {
                return 'ended';
            }
            // our own abort is the open timeout (the server answered nothing in time); anything else
            // is fetch's TypeError: no connection
            return e && e.name === 'AbortError' && !this.stopped ? 'unusable' : 'down';
        } finally {
            clearTimeout(silenceTimer);
        }
    }

    dispatch(event) {
        if (event.id !== null) {
            this.lastEventId = event.id;
        }
        let data;
        try {
            data = JSON.parse(event.data);
        } catch {
            return;
        }
        if (event.type === 'message') {
            this.handlers.onMessage(data.session_id, data.message);
        } else if (event.type === 'session') {
            this.handlers.onSession(data);
        } else if (event.type === 'resync') {
            this.handlers.onResync();
        }
    }

    /**
     * Long-polls new_session until `until` ('timeup': the stream is tried again), stop(), or the
     * server stops answering ('down': the stream is tried as soon as it answers again).
     */
    async poll(until) {
        this.setMode('poll');
        let cursor = null;
        let failures = 0;
        while (!this.stopped && Date.now() < until) {
            const controller = new AbortController();
            this.controller = controller;
            try {
                if (cursor === null) {
                    // the position first, then the lists: nothing can fall between the two
                    cursor = (await this.api.chatGet('new_session', {}, { signal: controller.signal })).cursor;
                    this.handlers.onResync();
                    continue;
                }
                const page = await this.api.chatGet('new_session', { cursor, wait: POLL_WAIT_SECONDS },
                    { signal: controller.signal });
                cursor = page.cursor;
                page.list.forEach(session => this.handlers.onSession(session));
                if (failures > 0) {
                    failures = 0;
                    this.setMode('poll');
                }
            } catch (e) {
                if (this.stopped || e.status === 401) {
                    this.stopped = true;
                    return;
                }
                if (e.code === 40002) {
                    cursor = null; // a cursor this server did not issue: start again
                }
                failures++;
                this.setMode('offline');
                if (this.transport !== 'poll' && (e.status === 0 || e.status >= 500)) {
                    this.lastEventId = null;
                    return 'down';
                }
                await sleep(backoff(failures));
            }
        }
        this.lastEventId = null; // after polling, a stream starts fresh (and resyncs)
        return 'timeup';
    }
}

async function errorOf(response) {
    try {
        const envelope = await response.json();
        return { status: response.status, code: envelope.code, message: envelope.msg };
    } catch {
        return { status: response.status, message: `HTTP ${response.status}` };
    }
}
