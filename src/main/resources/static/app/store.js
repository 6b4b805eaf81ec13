// The signed-in user's consultations (Session objects of API.md), kept in the order of
// session_list: newest updated_at first, ties by session_id descending. Fed by session_list pages,
// `session` events / new_session answers (whole sessions) and `message` events (a new last
// message). Every update is idempotent: the same change reported twice changes nothing.
// A session's `consultation` also moves with the system messages (their event carries it) and
// the answers of accept/close/cancel; the latest state wins (newerConsultation).

import { newerConsultation } from './consultation.js';

export class SessionStore {
    constructor(api) {
        this.api = api;
        this.byId = new Map();
        this.nextCursor = null;
        this.loaded = false;
        this.listeners = new Set();
        this.reloading = null;
        this.reloadAgain = false;
    }

    onChange(fn) {
        this.listeners.add(fn);
        return () => this.listeners.delete(fn);
    }

    changed() {
        this.listeners.forEach(fn => fn());
    }

    list() {
        return [...this.byId.values()].sort((a, b) => b.updated_at - a.updated_at
            || (a.session_id < b.session_id ? 1 : a.session_id > b.session_id ? -1 : 0));
    }

    get(sessionId) {
        return this.byId.get(sessionId) || null;
    }

    byDoctor(doctorId) {
        for (const s of this.byId.values()) {
            if (s.doctor && s.doctor.doctor_id === doctorId) {
                return s;
            }
        }
        return null;
    }

    totalUnread() {
        let n = 0;
        for (const s of this.byId.values()) {
            n += s.unread_count || 0;
        }
        return n;
    }

    /**
     * Loads the first page again, replacing what is known. A call while one is in flight makes
     * it read once more when it is done (its answer may predate the change that asked).
     */
    reload() {
        if (this.reloading) {
            this.reloadAgain = true;
            return this.reloading;
        }
        this.reloading = (async () => {
            try {
                do {
                    this.reloadAgain = false;
                    const page = await this.api.chatGet('session_list', { limit: 20 });
                    this.byId.clear();
                    page.list.forEach(s => this.byId.set(s.session_id, s));
                    this.nextCursor = page.next_cursor;
                    this.loaded = true;
                    this.changed();
                } while (this.reloadAgain);
            } finally {
                this.reloading = null;
            }
        })();
        return this.reloading;
    }

    async loadMore() {
        if (!this.nextCursor) {
            return;
        }
        const page = await this.api.chatGet('session_list', { cursor: this.nextCursor, limit: 20 });
        page.list.forEach(s => this.byId.set(s.session_id, s));
        this.nextCursor = page.next_cursor;
        this.changed();
    }

    /** A whole Session from the server; an older state than the one known is ignored. */
    upsert(session) {
        const known = this.byId.get(session.session_id);
        if (known && (known.last_seq > session.last_seq
            || (known.last_seq === session.last_seq && known.read_seq > session.read_seq))) {
            // keep the newer counters, but take the peer's read pointer if it moved
            known.peer_read_seq = Math.max(known.peer_read_seq, session.peer_read_seq);
        } else {
            this.byId.set(session.session_id, session);
        }
        this.changed();
    }

    /**
     * A message event. Returns false when the session is not in the list (new, or beyond the
     * loaded pages, or deleted by this user and now visible again): the caller reloads.
     */
    applyMessage(sessionId, message, myRole) {
        const s = this.byId.get(sessionId);
        if (!s) {
            return false;
        }
        const c = s.consultation;
        if (message.event && message.event.consultation) {
            s.consultation = newerConsultation(c, message.event.consultation);
        } else if (message.consultation_id && (!c || c.consultation_id !== message.consultation_id
            || (c.status === 'waiting' && message.sender_role === 'doctor'))) {
            // open mode: the patient's message opened it, the doctor's reply accepted it, silently
            this.refreshConsultation(sessionId);
        }
        if (message.seq > s.last_seq) {
            s.last_seq = message.seq;
            s.last_msg = message;
            s.updated_at = Math.max(s.updated_at, message.created_at);
            if (message.sender_role === myRole) {
                s.read_seq = message.seq; // sending moves one's own read pointer
                s.unread_count = 0;
            } else if (message.seq > s.read_seq) {
                s.unread_count += 1; // as the server counts: every later message not sent by this side
            }
        } else if (s.last_msg && message.msg_type === 'recall' && s.last_msg.msg_id === message.recalled_msg_id) {
            s.last_msg = { ...s.last_msg, msg_type: 'recalled', text: null, resource: null };
        }
        this.changed();
        return true;
    }

    /** A consultation from an answer (accept, close, cancel, consultation_list). */
    setConsultation(sessionId, consultation) {
        const s = this.byId.get(sessionId);
        if (s && consultation) {
            s.consultation = newerConsultation(s.consultation, consultation);
            this.changed();
        }
    }

    async refreshConsultation(sessionId) {
        try {
            const page = await this.api.chatGet('consultation_list', { session_id: sessionId, limit: 1 });
            this.setConsultation(sessionId, page.list[0]);
        } catch {
            // the next reload of the list brings it
        }
    }

    /** After mark_read answered. */
    markRead(sessionId, readSeq, unreadCount) {
        const s = this.byId.get(sessionId);
        if (s && readSeq >= s.read_seq) {
            s.read_seq = readSeq;
            s.unread_count = unreadCount;
            this.changed();
        }
    }

    remove(sessionId) {
        this.byId.delete(sessionId);
        this.changed();
    }
}
