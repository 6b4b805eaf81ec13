// A Server-Sent Events reader for a fetch() response body.
//
// The browser's EventSource cannot send an Authorization header, and MedMsg refuses tokens in a
// URL, so the stream is fetched like any other call and parsed here, following the WHATWG
// "event stream interpretation": lines end in CRLF, LF or CR; `:` starts a comment; a blank line
// dispatches the event; `data` lines are joined with LF; `id` sets the last event id.

/**
 * Reads `body` (a ReadableStream of bytes) until it ends, calling `onEvent({type, data, id})` for
 * each event and `onBytes()` whenever anything arrives (comments included: the server's
 * keep-alive comments show that the connection is alive).
 */
export async function readEventStream(body, onEvent, onBytes = () => {}) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = new EventStreamParser(onEvent);
    try {
        for (;;) {
            const { value, done } = await reader.read();
            if (done) {
                return;
            }
            onBytes();
            parser.push(value);
        }
    } finally {
        reader.releaseLock();
    }
}

export class EventStreamParser {
    constructor(onEvent) {
        this.onEvent = onEvent;
        this.buffer = '';
        this.type = '';
        this.data = [];
        this.lastEventId = null;
        this.idSeen = false;
    }

    push(text) {
        this.buffer += text;
        let start = 0;
        for (let i = 0; i < this.buffer.length; i++) {
            const c = this.buffer[i];
            if (c !== '\n' && c !== '\r') {
                continue;
            }
            if (c === '\r' && i === this.buffer.length - 1) {
                break; // a CR at the end of a chunk may be the first half of CRLF
            }
            this.line(this.buffer.slice(start, i));
            if (c === '\r' && this.buffer[i + 1] === '\n') {
                i++;
            }
            start = i + 1;
        }
        this.buffer = this.buffer.slice(start);
    }

    line(line) {
        if (line === '') {
            this.dispatch();
            return;
        }
        if (line.startsWith(':')) {
            return; // comment (keep-alive)
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) {
            value = value.slice(1);
        }
        switch (field) {
            case 'event':
                this.type = value;
                break;
            case 'data':
                this.data.push(value);
                break;
            case 'id':
                if (!value.includes('\0')) {
                    this.lastEventId = value;
                    this.idSeen = true;
                }
                break;
            default:
                break; // `retry` and unknown fields: the caller has its own reconnect policy
        }
    }

    dispatch() {
        const event = { type: this.type || 'message', data: this.data.join('\n'), id: this.lastEventId };
        const hasData = this.data.length > 0;
        this.type = '';
        this.data = [];
        if (hasData) {
            this.onEvent(event);
        }
    }
}
