// One conversation, for both roles: history with "load earlier" (msg_list, before_seq), live
// messages (from the app's feed; gaps filled with new_msg), sending text and files with
// pending/failed states and a retry that reuses the client_msg_id (the server then answers with
// the original message instead of appending a second one), recall, read receipts from
// peer_read_seq, and mark_read while the conversation is on screen. The consultation's bar and
// forms are in consultation.js; here the composer closes when the patient may not write.

import { Composer } from './composer.js';
import { ConsultationBar, composerBlock, learnManaged, newerConsultation, sendRefusal } from './consultation.js';
import { avatar } from './directory.js';
import { errorText, h, newClientMsgId, setChildren } from './dom.js';
import { retryAt, retryable } from './errors.js';
import { t } from './i18n.js';
import { showLightbox } from './lightbox.js';
import { MessageList } from './messages.js';
import { deletedWith, peerName } from './sessions.js';
import { mimeTypeOf, uploadFile } from './upload.js';

const PAGE = 20;

export class ChatView {
    /** Opens the conversation of `sessionId`, or (patients) the one with `doctorId`, new or not. */
    constructor(app, { sessionId = null, doctorId = null }) {
        this.app = app;
        this.role = app.me.role;
        this.sessionId = sessionId;
        this.doctorId = doctorId;
        this.msgs = new Map();       // seq -> Message (recall messages included, not drawn)
        this.seqOf = new Map();      // msg_id -> seq
        this.pending = [];           // messages being sent or failed: {cid, kind, text|file, state, ...}
        this.minSeq = Infinity;
        this.maxSeq = 0;
        this.readSeq = 0;
        this.peerReadSeq = 0;
        this.hasMore = false;
        this.loaded = false;
        this.missed = false;         // something arrived while the first page was loading
        this.fetching = null;
        this.fetchAgain = false;
        this.marking = false;
        this.markAgain = false;
        this.stick = true;           // keep the newest message in view
        this.known = null;           // the latest consultation seen here (system events, answers)
        this.roundsTimer = null;
        this.build();
        this.takeSession(this.session());
        this.load();
        this.timer = setInterval(() => this.renderMessages(), 5000); // recall buttons expire
    }

    destroy() {
        this.composer?.destroy();
        clearInterval(this.timer);
        clearTimeout(this.roundsTimer);
        this.pending.forEach(item => item.preview && URL.revokeObjectURL(item.preview));
    }

    /** The Session of this conversation, when the app's list has it. */
    session() {
        const { store } = this.app;
        if (this.sessionId) {
            return store.get(this.sessionId);
        }
        return this.doctorId ? store.byDoctor(this.doctorId) : null;
    }

    matches(sessionId) {
        if (this.sessionId) {
            return this.sessionId === sessionId;
        }
        const s = this.app.store.get(sessionId);
        return !!(s && this.doctorId && s.doctor && s.doctor.doctor_id === this.doctorId);
    }

    takeSession(s) {
        if (!s) {
            return;
        }
        if (!this.sessionId) {
            this.sessionId = s.session_id;
        }
        if (s.doctor && !this.doctorId) {
            this.doctorId = s.doctor.doctor_id;
        }
        this.readSeq = Math.max(this.readSeq, s.read_seq);
        this.peerReadSeq = Math.max(this.peerReadSeq, s.peer_read_seq);
    }

    // ---- layout ----------------------------------------------------------------------------

    build() {
        this.title = h('div', { class: 'chat-title', id: 'chat-title' });
        this.subtitle = h('div', { class: 'muted small', id: 'chat-sub' });
        this.intake = h('div', { class: 'chat-intake', id: 'chat-intake', hidden: true });
        this.avatarSlot = h('span', {});
        this.earlier = h('button', { type: 'button', class: 'link earlier', id: 'load-earlier', hidden: true,
            onclick: () => this.loadEarlier() }, t('chat.earlier'));
        this.intro = h('p', { class: 'chat-intro muted', id: 'chat-intro', hidden: true });
        this.deletedNote = h('p', { class: 'deleted-note', id: 'deleted-note', hidden: true }, t('chat.deletedBefore'));
        this.recalledTexts = this.recalledTexts || new Map(); // msg_id -> text I recalled here (重新编辑)
        this.messageList = new MessageList({
            role: this.role,
            me: this.app.me,
            peerAvatar: () => ({ name: this.peer || '?', url: this.role === 'patient' && this.doctor ? this.doctor.avatar_url : null }),
            recalledText: msgId => this.recalledTexts.get(msgId) || null,
            onReedit: m => this.putInComposer(this.recalledTexts.get(m.msg_id) || ''),
            onImage: (m, opener) => this.showImage(m, opener),
            onRecall: m => this.recall(m),
            onRetry: p => this.deliver(p),
            onDiscard: p => this.discard(p),
            onEdit: p => this.editAgain(p),
            onImageLoad: () => { if (this.stick) { this.scroller.scrollTop = this.scroller.scrollHeight; } },
        });
        this.list = this.messageList.el;
        this.scroller = h('div', { class: 'messages', id: 'messages', role: 'log', 'aria-live': 'polite',
            onscroll: () => { this.stick = this.nearBottom(); } }, this.earlier, this.deletedNote, this.intro, this.list);
        this.bar = new ConsultationBar({
            role: this.role,
            api: this.app.api,
            sessionId: () => this.sessionId,
            now: () => this.app.serverNow(),
            refresh: () => this.renderConsultation(),
            onConsultation: c => { this.noteConsultation(c); this.fetchNew(); },
            onMessage: answer => this.sentByForm(answer),
            showError: (prefix, err) => this.app.showError(prefix, err),
        });
        this.composer?.destroy();
        this.composer = new Composer({ role: this.role, myId: this.app.me.id, onText: text => this.submit(text),
            onFile: file => this.sendFile(file) });
        this.input = this.composer.input;
        this.el = h('section', { class: 'chat', id: 'chat' },
            h('header', { class: 'chat-head' },
                h('button', { type: 'button', class: 'back', id: 'chat-back', 'aria-label': t('chat.back'),
                    onclick: () => this.app.closeChat() }, '‹'),
                this.avatarSlot,
                h('div', { class: 'chat-who' }, this.title, this.subtitle, this.intake)),
            this.bar.el,
            this.scroller,
            this.bar.panel,
            this.composer.parts);
        this.renderHeader();
    }

    /** After a language switch: the same conversation, drawn again with the new labels. */
    relabel() {
        const draft = this.input.value;
        this.build();
        this.input.value = draft;
        this.renderMessages(true);
    }

    renderHeader() {
        const s = this.session();
        let name;
        let sub;
        let avatarUrl = null;
        if (this.role === 'patient') {
            const d = this.app.doctorInfo(this.doctorId) || (s && s.doctor) || { name: this.doctorId };
            name = d.name;
            sub = [d.title, d.dept, d.hospital].filter(Boolean).join(' · ');
            avatarUrl = d.avatar_url;
            this.doctor = d;
        } else {
            name = s ? peerName(s, 'doctor') : '';
            sub = s ? s.patient_id : '';
            this.renderIntake();
        }
        this.peer = name;
        this.title.textContent = name;
        this.subtitle.textContent = sub;
        setChildren(this.avatarSlot, avatar(name, avatarUrl));
    }

    /**
     * The doctor's header: the patient's intake card (主诉 and its fields) from the newest intake
     * card of the conversation, so that the patient's context stays in view while scrolling.
     */
    renderIntake() {
        const card = [...this.msgs.values()].filter(m => m.msg_type === 'card' && m.card && m.card.card_type === 'intake')
            .sort((a, b) => b.seq - a.seq).map(m => m.card)[0];
        this.intake.hidden = !card;
        if (!card) {
            return;
        }
        const fields = Array.isArray(card.fields) ? card.fields : [];
        setChildren(this.intake, h('span', { class: 'intake-title' }, card.title || ''),
            fields.map(f => h('span', { class: 'intake-field' }, h('span', { class: 'intake-label' }, f.label || ''), ' ', f.value || '')));
    }

    // ---- loading ---------------------------------------------------------------------------

    async load() {
        const { store } = this.app;
        if (!this.sessionId && store.loaded && !store.nextCursor && !store.byDoctor(this.doctorId)) {
            // every page of session_list is known and none is with this doctor: a new consultation
            this.loaded = true;
            this.renderMessages(true);
            return;
        }
        try {
            const query = this.sessionId ? { session_id: this.sessionId } : { doctor_id: this.doctorId };
            const page = await this.app.api.chatGet('msg_list', { ...query, limit: PAGE });
            this.sessionId = page.session_id;
            this.hasMore = page.has_more;
            this.add(page.list);
            if (!this.session()) {
                this.takeSession(await this.app.findSession(this.sessionId));
            }
        } catch (err) {
            if (!(err.status === 404 && !this.sessionId && this.role === 'patient')) {
                this.app.showError(t('error.load'), err);
            }
            // 404 for a doctor without a session with this patient: a new consultation
        }
        this.loaded = true;
        this.renderHeader();
        this.renderMessages(true);
        this.app.chatLoaded(this);
        if (this.missed) {
            this.fetchNew();
        }
        this.markRead();
    }

    async loadEarlier() {
        if (!this.hasMore || !this.sessionId) {
            return;
        }
        this.earlier.disabled = true;
        const height = this.scroller.scrollHeight;
        const top = this.scroller.scrollTop;
        try {
            const page = await this.app.api.chatGet('msg_list', { session_id: this.sessionId, before_seq: this.minSeq,
                limit: PAGE });
            this.hasMore = page.has_more;
            this.add(page.list);
            this.renderMessages();
            this.scroller.scrollTop = top + (this.scroller.scrollHeight - height); // keep what was in view
        } catch (err) {
            this.app.showError(t('error.load'), err);
        } finally {
            this.earlier.disabled = false;
        }
    }

    /** Everything after the newest known seq (new_msg), once at a time. */
    fetchNew() {
        if (!this.sessionId || !this.loaded) {
            this.missed = true;
            return Promise.resolve();
        }
        if (this.fetching) {
            this.fetchAgain = true;
            return this.fetching;
        }
        this.fetching = (async () => {
            try {
                do {
                    this.fetchAgain = false;
                    let page;
                    do {
                        page = await this.app.api.chatGet('new_msg', { session_id: this.sessionId, after_seq: this.maxSeq,
                            limit: 100 });
                        this.add(page.list);
                    } while (page.has_more && page.list.length > 0);
                } while (this.fetchAgain);
                this.renderMessages();
                this.markRead();
            } catch (err) {
                this.app.showError(t('error.load'), err);
            } finally {
                this.fetching = null;
            }
        })();
        return this.fetching;
    }

    // ---- what the feed reports -------------------------------------------------------------

    onMessage(message) {
        if (!this.sessionId) {
            this.sessionId = message.session_id;
        }
        if (!this.loaded || message.seq > this.maxSeq + 1) {
            this.fetchNew(); // a gap: read what lies between from the server
            return;
        }
        this.add([message]);
        this.renderMessages();
        this.markRead();
    }

    onSession(session) {
        this.takeSession(session);
        this.renderHeader();
        if (this.loaded && session.last_seq > this.maxSeq) {
            this.fetchNew();
        } else {
            this.renderMessages();
        }
    }

    add(messages) {
        for (const m of messages) {
            const known = this.msgs.get(m.seq);
            if (known && known.msg_type === 'recalled' && m.msg_type !== 'recalled') {
                continue; // an older copy of a message we already know was recalled
            }
            this.msgs.set(m.seq, m);
            this.seqOf.set(m.msg_id, m.seq);
            this.minSeq = Math.min(this.minSeq, m.seq);
            this.maxSeq = Math.max(this.maxSeq, m.seq);
            if (m.sender_role === this.role) {
                this.readSeq = Math.max(this.readSeq, m.seq); // sending moves one's own read pointer
                const i = this.pending.findIndex(p => p.cid === m.client_msg_id);
                if (i >= 0) {
                    const [done] = this.pending.splice(i, 1);
                    if (done.preview) {
                        URL.revokeObjectURL(done.preview);
                    }
                }
            }
            if (m.msg_type === 'recall') {
                this.markRecalled(m.recalled_msg_id);
            }
            if (m.event && m.event.consultation) {
                this.known = newerConsultation(this.known, m.event.consultation);
            }
            const c = this.consultation();
            if (!known && this.loaded && m.sender_role === 'patient' && c && m.consultation_id === c.consultation_id
                && c.rounds_limit !== null && c.rounds_limit !== undefined) {
                this.refreshConsultation();
            }
        }
    }

    markRecalled(msgId) {
        const seq = this.seqOf.get(msgId);
        const m = seq !== undefined ? this.msgs.get(seq) : null;
        if (m && m.msg_type !== 'recalled') {
            this.msgs.set(seq, { ...m, msg_type: 'recalled', text: null, resource: null });
        }
    }

    // ---- read receipts ---------------------------------------------------------------------

    /** mark_read up to the newest message, when there is something unread and the person can see it. */
    async markRead() {
        if (!this.sessionId || !this.loaded || this.maxSeq <= this.readSeq || !this.app.chatOnScreen(this)) {
            return;
        }
        if (this.marking) {
            this.markAgain = true;
            return;
        }
        this.marking = true;
        try {
            const answer = await this.app.api.chatPost('mark_read', { session_id: this.sessionId, seq: this.maxSeq });
            this.readSeq = Math.max(this.readSeq, answer.read_seq);
            this.app.store.markRead(answer.session_id, answer.read_seq, answer.unread_count);
        } catch (err) {
            this.app.showError(t('error.load'), err);
        } finally {
            this.marking = false;
        }
        if (this.markAgain) {
            this.markAgain = false;
            this.markRead();
        }
    }

    // ---- sending ---------------------------------------------------------------------------

    submit(text) {
        const item = { cid: newClientMsgId(), kind: 'text', text, state: 'sending', at: Date.now() };
        this.pending.push(item);
        this.stick = true;
        this.deliver(item);
    }

    sendFile(file) {
        const mime = mimeTypeOf(file);
        const item = { cid: newClientMsgId(), kind: 'file', file, mime, state: 'uploading', progress: 0, at: Date.now(),
            preview: mime.startsWith('image/') ? URL.createObjectURL(file) : null };
        this.pending.push(item);
        this.stick = true;
        this.deliver(item);
    }

    /** Sends (or re-sends) a pending item; the same client_msg_id every time. */
    async deliver(item) {
        item.error = null;
        item.state = item.kind === 'file' && !item.fileId ? 'uploading' : 'sending';
        this.renderMessages();
        const target = this.role === 'patient' ? { doctor_id: this.doctorId } : { session_id: this.sessionId };
        let step = 'error.send';
        try {
            let answer;
            if (item.kind === 'text') {
                answer = await this.app.api.chatPost('send_text_msg', { ...target, text: item.text, client_msg_id: item.cid });
            } else {
                if (!item.fileId) {
                    step = 'error.upload';
                    if (item.file.size === 0) {
                        throw new Error(t('error.emptyFile'));
                    }
                    const ready = await uploadFile(this.app.api, item.file, fraction => {
                        item.progress = fraction;
                        this.messageList.progress(item);
                    });
                    item.fileId = ready.file_id;
                    item.state = 'sending';
                    step = 'error.send';
                    this.renderMessages();
                }
                answer = await this.app.api.chatPost('send_res_msg', { ...target, file_id: item.fileId, client_msg_id: item.cid });
            }
            this.app.noteServerTime(answer.message.created_at);
            if (!this.sessionId) {
                this.sessionId = answer.session_id;
            }
            const gap = this.loaded && answer.message.seq > this.maxSeq + 1;
            this.add([answer.message]);
            this.app.ownMessage(answer.session_id, answer.message);
            if (gap) {
                this.fetchNew();
            }
        } catch (err) {
            item.state = 'failed';
            item.err = err;
            item.error = t(step) + (sendRefusal(err, this.role) || errorText(err));
            item.canRetry = retryable(err);
            item.retryAt = retryAt(err);
            if (item.retryAt > Date.now()) {
                // 429: Retry is offered once the server's Retry-After has passed
                setTimeout(() => this.renderMessages(), item.retryAt - Date.now() + 50);
            }
            if (err.code === 40905 && this.role === 'patient') {
                learnManaged();
            }
            if (err.code === 40902 && this.role === 'patient') {
                // paused meanwhile: close the composer, and the directory shows it too
                this.doctor = { ...(this.doctor || {}), accepting: false };
                this.app.doctorPaused(this.doctorId);
            }
            if (err.code >= 40905 && err.code <= 40907) {
                this.refreshConsultation(); // the state changed under us: show it, close the composer
            }
        }
        this.renderMessages();
    }

    /** A card the doctor sent from the form. */
    sentByForm(answer) {
        this.app.noteServerTime(answer.message.created_at);
        this.stick = true;
        const gap = this.loaded && answer.message.seq > this.maxSeq + 1;
        this.add([answer.message]);
        this.app.ownMessage(answer.session_id, answer.message);
        if (gap) {
            this.fetchNew();
        }
        this.renderMessages();
    }

    // ---- the consultation ------------------------------------------------------------------

    /** The session's current or latest consultation, as far as anything told us. */
    consultation() {
        const s = this.session();
        return newerConsultation(s ? s.consultation : null, this.known);
    }

    noteConsultation(c) {
        this.known = newerConsultation(this.known, c);
        if (this.sessionId) {
            this.app.store.setConsultation(this.sessionId, c);
        }
        this.renderConsultation();
    }

    /** The newest consultation from the server (rounds_used moves with every patient message). */
    refreshConsultation() {
        clearTimeout(this.roundsTimer);
        this.roundsTimer = setTimeout(async () => {
            if (!this.sessionId) {
                this.renderConsultation();
                return;
            }
            try {
                const page = await this.app.api.chatGet('consultation_list', { session_id: this.sessionId, limit: 1 });
                if (page.list.length) {
                    this.noteConsultation(page.list[0]);
                }
            } catch (err) {
                this.app.showError(t('error.load'), err);
            }
        }, 200);
    }

    /** The bar, and the composer open or closed with the reason. */
    renderConsultation() {
        const c = this.consultation();
        this.bar.render(c);
        const paused = this.role === 'patient' && !this.session() && this.doctor && this.doctor.accepting === false;
        const reason = this.loaded ? composerBlock(this.role, c) || (paused ? t('chat.notAccepting') : null) : null;
        this.composer.block(reason);
    }

    discard(item) {
        this.pending = this.pending.filter(p => p !== item);
        if (item.preview) {
            URL.revokeObjectURL(item.preview);
        }
        this.renderMessages();
    }

    /** A text that cannot be sent as it is (moderation, a conflict): back into the composer. */
    editAgain(item) {
        this.discard(item);
        this.putInComposer(item.text);
    }

    putInComposer(text) {
        this.composer.put(text);
    }

    /** The conversation's pictures in the lightbox, from the one tapped. */
    showImage(message, opener) {
        const images = [...this.msgs.values()].filter(m => m.msg_type === 'image' && m.resource)
            .sort((a, b) => a.seq - b.seq);
        const index = Math.max(0, images.findIndex(m => m.msg_id === message.msg_id));
        showLightbox(images.map(m => ({ url: m.resource.url, name: m.resource.file_name })), index, opener);
    }

    async recall(message) {
        if (message.msg_type === 'text' && message.text) {
            this.recalledTexts.set(message.msg_id, message.text);
        }
        try {
            const answer = await this.app.api.chatPost('recall', { session_id: this.sessionId, msg_id: message.msg_id });
            this.add([answer.message]);
            this.app.ownMessage(answer.session_id, answer.message);
            this.renderMessages();
        } catch (err) {
            this.app.showError(t('error.recall'), err);
        }
    }

    // ---- drawing ---------------------------------------------------------------------------

    nearBottom() {
        return this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 80;
    }

    /** Draws the messages (see MessageList), the "load earlier" button and the intro line. */
    renderMessages(scrollToEnd = false) {
        const stick = scrollToEnd || this.stick;
        this.renderConsultation();
        if (this.role === 'doctor') {
            this.renderIntake();
        }
        const messages = [...this.msgs.values()].filter(m => m.msg_type !== 'recall').sort((a, b) => a.seq - b.seq);
        this.messageList.draw(messages, this.pending, { peer: this.peer, peerReadSeq: this.peerReadSeq,
            now: this.app.serverNow() });
        this.earlier.hidden = !this.hasMore;
        // API.md: after session_del the patient sees only later messages, and the API offers no
        // way to show the earlier ones again; so the client says why they are missing: the first
        // visible message is not seq 1 and there is nothing earlier to load, or (before a new
        // message) this browser remembers the deletion
        const hiddenBefore = this.loaded && !this.hasMore && (messages.length ? messages[0].seq > 1
            : this.role === 'patient' && deletedWith(this.app.me.id).includes(this.doctorId));
        this.deletedNote.hidden = !(this.role === 'patient' && hiddenBefore);
        const empty = this.loaded && messages.length === 0 && this.pending.length === 0 && !this.hasMore;
        // (a paused doctor is said once, where the composer would be: renderConsultation)
        this.intro.hidden = !empty;
        if (empty) {
            this.intro.textContent = this.role === 'patient' ? t('chat.start', { name: this.peer }) : '';
        }
        if (stick) {
            this.scroller.scrollTop = this.scroller.scrollHeight;
            this.stick = true;
        }
    }
}
