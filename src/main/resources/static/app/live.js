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
const SSE_FAILURES_BEFORE_POLL = 2;
const SSE_RETRY_WHILE_POLLING_MS = 5 * 60_000;
const POLL_WAIT_SECONDS = 25;

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
        let failures = 0;
        while (!this.stopped) {
            if (this.transport === 'poll' || failures >= SSE_FAILURES_BEFORE_POLL) {
                await this.poll(this.transport === 'poll' ? Infinity : Date.now() + SSE_RETRY_WHILE_POLLING_MS);
                failures = SSE_FAILURES_BEFORE_POLL - 1; // one more failed attempt and we poll again
                continue;
            }
            const opened = await this.stream();
            if (this.stopped) {
                return;
            }
            failures = opened ? 0 : failures + 1;
            this.setMode('offline');
            await sleep(opened ? 1000 : 2000 * failures);
        }
    }

    /** One stream, read until it ends; true if it opened. */
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
                return false;
            }
            if (response.status === 400 && resuming) {
                this.lastEventId = null; // an id this server does not know: start fresh
                return false;
            }
            const type = response.headers.get('Content-Type') || '';
            if (!response.ok || !response.body || !type.startsWith('text/event-stream')) {
                return false;
            }
            this.setMode('sse');
            resetSilence(SILENCE_LIMIT_MS);
            if (!resuming) {
                // the stream starts "now": what changed before it is read from the lists
                this.handlers.onResync();
            }
            await readEventStream(response.body, event => this.dispatch(event), () => resetSilence(SILENCE_LIMIT_MS));
            return true;
        } catch {
            return this.mode === 'sse';
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

    /** Long-polls new_session until `until` (then the stream is tried again) or stop(). */
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
                await sleep(Math.min(30_000, 1000 * 2 ** Math.min(failures, 5)));
            }
        }
        this.lastEventId = null; // after polling, a stream starts fresh (and resyncs)
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
