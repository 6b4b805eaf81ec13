// MedMsg web client: the app shell. Sign-in, then a two-pane layout (list | conversation) that
// becomes one pane at a time on a phone. The only state in the URL is which conversation is open
// (#/chat/<session_id> or #/chat/doctor/<doctor_id>): never the token.

import { Api } from './api.js';
import { ChatView } from './chat.js';
import { DirectoryView, doctorDetail } from './directory.js';
import { errorDetails, errorText, h, setChildren } from './dom.js';
import { currentLang, onLangChange, setLang, t } from './i18n.js';
import { Live } from './live.js';
import { SessionsView } from './sessions.js';
import { showSignIn } from './signin.js';
import { SessionStore } from './store.js';

const AUTH_KEY = 'medmsg.auth';

function savedAuth() {
    try {
        const auth = JSON.parse(sessionStorage.getItem(AUTH_KEY));
        if (auth && auth.token && (!auth.expiresAt || auth.expiresAt > Date.now())) {
            return auth;
        }
    } catch {
        // nothing usable saved
    }
    sessionStorage.removeItem(AUTH_KEY);
    return null;
}

class App {
    constructor(root, auth) {
        this.root = root;
        this.auth = auth;
        this.me = { role: auth.role, id: auth.id, name: auth.name };
        this.api = new Api(auth.token, auth.role, () => this.expired());
        this.store = new SessionStore(this.api);
        this.doctors = new Map();
        this.tab = auth.role === 'patient' ? 'doctors' : 'sessions';
        this.chat = null;
        this.skew = 0;
        this.listeners = new AbortController();
        this.bannerTimer = null;

        this.build();
        this.store.onChange(() => {
            this.renderUnread();
            this.chat?.renderConsultation(); // a consultation may have moved
        });
        this.offLang = onLangChange(() => this.relabel());
        window.addEventListener('hashchange', () => this.route(), { signal: this.listeners.signal });
        document.addEventListener('visibilitychange', () => this.chat && this.chat.markRead(),
            { signal: this.listeners.signal });

        const transport = new URLSearchParams(location.search).get('transport') === 'poll' ? 'poll' : 'auto';
        this.live = new Live(this.api, {
            onMessage: (sessionId, message) => this.onMessage(sessionId, message),
            onSession: session => this.onSession(session),
            onResync: () => this.resync(),
            onMode: mode => this.renderMode(mode),
            onUnauthorized: () => this.expired(),
        }, transport);
        this.store.reload().catch(err => this.showError(t('error.load'), err));
        this.live.start();
        this.route();
    }

    // ---- layout ----------------------------------------------------------------------------

    build() {
        const roleLabel = t(`role.${this.me.role}`);
        this.modeEl = h('span', { class: 'live', id: 'live-state', 'data-mode': this.mode || 'connecting' },
            t(`live.${this.mode || 'connecting'}`));
        this.bannerText = h('span', { class: 'banner-text', id: 'banner-text' });
        this.bannerDetails = h('span', { class: 'banner-details' });
        this.banner = h('div', { class: 'banner', id: 'banner', hidden: true, role: 'alert' }, this.bannerText,
            this.bannerDetails,
            h('button', { type: 'button', class: 'link', id: 'banner-close', 'aria-label': t('dismiss'),
                onclick: () => { this.banner.hidden = true; } }, '×'));
        this.listBody = h('div', { class: 'pane-body', id: 'list-body' });
        this.chatPane = h('section', { class: 'pane chat-pane', id: 'chat-pane' });
        this.unreadBadge = h('span', { class: 'badge', id: 'unread-total', hidden: true });
        let tabs;
        if (this.me.role === 'patient') {
            const tab = (name, id, label, extra) => h('button', { type: 'button', role: 'tab', id,
                class: 'tab' + (this.tab === name ? ' on' : ''), 'aria-selected': String(this.tab === name),
                onclick: () => this.showTab(name) }, label, extra);
            tabs = h('nav', { class: 'tabs', role: 'tablist' },
                tab('doctors', 'tab-doctors', t('tab.doctors')),
                tab('sessions', 'tab-sessions', t('tab.sessions'), this.unreadBadge));
        } else {
            tabs = h('nav', { class: 'tabs' }, h('span', { class: 'tab on', id: 'tab-sessions' }, t('tab.doctorSessions'),
                this.unreadBadge));
        }
        setChildren(this.root, h('div', { class: `app role-${this.me.role}` },
            h('header', { class: 'topbar' },
                h('img', { src: 'app/icon.svg', alt: '', class: 'logo', width: 28, height: 28 }),
                h('span', { class: 'brand' }, 'MedMsg'),
                this.modeEl,
                h('span', { class: 'spacer' }),
                h('span', { class: 'who', id: 'who', title: this.me.id }, `${this.me.name} · ${roleLabel}`),
                h('button', { type: 'button', class: 'link', id: 'lang-switch',
                    onclick: () => setLang(currentLang() === 'zh' ? 'en' : 'zh') }, t('lang.switch')),
                h('button', { type: 'button', class: 'link', id: 'sign-out', onclick: () => this.signOut() },
                    t('topbar.signout'))),
            this.banner,
            h('main', { class: 'layout' },
                h('section', { class: 'pane list-pane' }, tabs, this.listBody),
                this.chatPane)));
        this.showTab(this.tab);
        this.mountChat();
        this.renderUnread();
    }

    /** After a language switch: every view drawn again with the new labels, state kept. */
    relabel() {
        this.directory?.render();
        this.sessionsView?.render();
        this.chat?.relabel();
        this.build();
    }

    showTab(name) {
        this.tab = name;
        for (const el of this.root.querySelectorAll('.tabs .tab[role=tab]')) {
            const on = el.id === `tab-${name}`;
            el.classList.toggle('on', on);
            el.setAttribute('aria-selected', String(on));
        }
        let view;
        if (name === 'doctors') {
            this.directory = this.directory || new DirectoryView(this);
            view = this.directory;
        } else {
            this.sessionsView = this.sessionsView || new SessionsView(this);
            view = this.sessionsView;
        }
        setChildren(this.listBody, view.el);
        if (!this.chat && this.chatPane) {
            this.mountChat();
        }
    }

    mountChat() {
        // a doctor's profile beside the directory only: the consultations tab keeps its own empty pane
        const picked = this.me.role === 'patient' && this.tab === 'doctors' && this.selectedDoctor
            ? this.doctorInfo(this.selectedDoctor) : null;
        if (this.chat) {
            setChildren(this.chatPane, this.chat.el);
        } else if (picked) {
            setChildren(this.chatPane, doctorDetail(this, picked));
        } else {
            setChildren(this.chatPane, h('div', { class: 'chat-empty muted', id: 'chat-empty' },
                h('img', { src: 'app/icon.svg', alt: '', width: 56, height: 56 }),
                h('p', {}, t(`chat.placeholder.${this.me.role}`))));
        }
        document.body.classList.toggle('chat-open', !!this.chat);
    }

    renderMode(mode) {
        this.mode = mode;
        this.modeEl.dataset.mode = mode;
        this.modeEl.textContent = t(`live.${mode}`);
    }

    renderUnread() {
        const n = this.store.totalUnread();
        this.unreadBadge.hidden = n === 0;
        this.unreadBadge.textContent = n > 99 ? '99+' : String(n);
        document.title = (n > 0 ? `(${n}) ` : '') + t('app.name');
    }

    showError(prefix, err) {
        this.flash(prefix + errorText(err), 'error', 12_000, errorDetails(err));
    }

    showNotice(text, ms = 5000) {
        this.flash(text, 'notice', ms);
    }

    flash(text, kind, ms, details = null) {
        this.bannerText.textContent = text;
        setChildren(this.bannerDetails, details);
        this.banner.dataset.kind = kind;
        this.banner.hidden = false;
        clearTimeout(this.bannerTimer);
        this.bannerTimer = setTimeout(() => { this.banner.hidden = true; }, ms);
    }

    // ---- navigation ------------------------------------------------------------------------

    route() {
        const match = location.hash.match(/^#\/chat\/(?:(doctor)\/)?([^/]+)$/);
        if (!match) {
            this.setChat(null);
            return;
        }
        const id = decodeURIComponent(match[2]);
        const want = match[1] ? { doctorId: id } : { sessionId: id };
        if (this.me.role !== 'patient' && want.doctorId) {
            this.setChat(null);
            return;
        }
        const c = this.chat;
        const same = c && (want.sessionId ? c.sessionId === want.sessionId : c.doctorId === want.doctorId);
        if (!same) {
            this.setChat(new ChatView(this, want));
        }
    }

    setChat(chat) {
        if (this.chat) {
            this.chat.destroy();
        }
        this.chat = chat;
        this.mountChat();
        this.sessionsView?.render();
    }

    openSession(sessionId) {
        location.hash = `#/chat/${encodeURIComponent(sessionId)}`;
    }

    openDoctor(doctor) {
        this.rememberDoctor(doctor);
        const s = this.store.byDoctor(doctor.doctor_id);
        location.hash = s ? `#/chat/${encodeURIComponent(s.session_id)}` : `#/chat/doctor/${encodeURIComponent(doctor.doctor_id)}`;
    }

    closeChat() {
        location.hash = '#/';
    }

    sessionDeleted(sessionId) {
        if (this.chat && this.chat.matches(sessionId)) {
            this.closeChat();
        }
    }

    // ---- what views ask of the app ---------------------------------------------------------

    /** A doctor tapped in the directory: their profile beside it (desktop; a phone shows the list). */
    selectDoctor(d) {
        this.rememberDoctor(d);
        this.selectedDoctor = d.doctor_id;
        this.directory?.renderResults();
        if (!this.chat) {
            this.mountChat();
        }
    }

    /** The server said 40902: this doctor takes no new consultations now. */
    doctorPaused(doctorId) {
        const d = this.doctorInfo(doctorId);
        if (d) {
            this.rememberDoctor({ ...d, accepting: false });
        }
        this.directory?.renderResults();
    }

    rememberDoctor(d) {
        this.doctors.set(d.doctor_id, d);
    }

    doctorInfo(doctorId) {
        return this.doctors.get(doctorId) || null;
    }

    activeSessionId() {
        return this.chat ? this.chat.sessionId : null;
    }

    chatOnScreen(chat) {
        return this.chat === chat && document.visibilityState === 'visible';
    }

    chatLoaded() {
        this.sessionsView?.render();
    }

    /** A session by id: from the list, else from further pages of session_list. */
    async findSession(sessionId) {
        const known = this.store.get(sessionId);
        if (known) {
            return known;
        }
        let cursor = null;
        for (let i = 0; i < 5; i++) {
            const page = await this.api.chatGet('session_list', { cursor, limit: 100 });
            const found = page.list.find(s => s.session_id === sessionId);
            if (found || !page.next_cursor) {
                return found || null;
            }
            cursor = page.next_cursor;
        }
        return null;
    }

    /** The server's clock, estimated from the times of our own messages (for the recall window). */
    noteServerTime(ms) {
        this.skew = ms - Date.now();
    }

    serverNow() {
        return Date.now() + this.skew;
    }

    ownMessage(sessionId, message) {
        if (!this.store.applyMessage(sessionId, message, this.me.role)) {
            this.store.reload().catch(err => this.showError(t('error.load'), err));
        }
    }

    // ---- the live feed ---------------------------------------------------------------------

    onMessage(sessionId, message) {
        if (!this.store.applyMessage(sessionId, message, this.me.role)) {
            this.store.reload().catch(err => this.showError(t('error.load'), err)); // a new consultation
        }
        if (this.chat && this.chat.matches(sessionId)) {
            this.chat.onMessage(message);
        }
    }

    onSession(session) {
        this.store.upsert(session);
        if (this.chat && this.chat.matches(session.session_id)) {
            this.chat.onSession(session);
        }
    }

    /** Reload the list, and catch the open conversation up (new messages, read pointers). */
    resync() {
        this.store.reload().then(() => {
            const session = this.chat && this.chat.session();
            if (session) {
                this.chat.onSession(session);
            } else if (this.chat) {
                this.chat.fetchNew();
            }
        }).catch(err => this.showError(t('error.load'), err));
    }

    // ---- leaving ---------------------------------------------------------------------------

    stop() {
        this.live.stop();
        this.listeners.abort();
        this.offLang();
        this.chat?.destroy();
        this.sessionsView?.destroy();
        clearTimeout(this.bannerTimer);
        sessionStorage.removeItem(AUTH_KEY);
        history.replaceState(null, '', location.pathname + location.search);
        document.body.classList.remove('chat-open');
        document.title = t('app.name');
    }

    signOut(notice = null) {
        if (this.stopped) {
            return;
        }
        this.stopped = true;
        this.stop();
        signIn(notice);
    }

    expired() {
        this.signOut(t('signin.expired'));
    }
}

const root = document.getElementById('app');

function start(auth) {
    sessionStorage.setItem(AUTH_KEY, JSON.stringify(auth));
    new App(root, auth); // eslint-disable-line no-new
}

function signIn(notice = null) {
    showSignIn(root, start, notice);
}

const auth = savedAuth();
if (auth) {
    start(auth);
} else {
    signIn();
}
