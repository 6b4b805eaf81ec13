// The list of consultations (both roles): newest first, unread badges, last-message preview,
// the consultation's state (a doctor sees the ones waiting for acceptance first, badged);
// patients may remove one from their list (session_del: soft, per side).

import { cardKind } from './cards.js';
import { eventText } from './consultation.js';
import { avatar } from './directory.js';
import { h, setChildren, shortTime } from './dom.js';
import { t } from './i18n.js';
import { attachMenu } from './menu.js';

/** One line that stands for a message in the list. */
export function previewOf(msg, myRole) {
    if (!msg) {
        return '';
    }
    let text;
    switch (msg.msg_type) {
        case 'text': text = msg.text || ''; break;
        case 'image': text = t('preview.image'); break;
        case 'voice': text = t('preview.voice'); break;
        case 'video': text = t('preview.video'); break;
        case 'file': text = t('preview.file', { name: msg.resource ? msg.resource.file_name : '' }); break;
        case 'card': text = t('preview.card', { kind: cardKind(msg.card && msg.card.card_type), title: msg.card ? msg.card.title : '' }); break;
        case 'system': return eventText(msg.event, myRole);
        default: text = t('preview.recalled'); break; // recall, recalled
    }
    const mine = msg.sender_role === myRole && msg.msg_type !== 'recall' && msg.msg_type !== 'recalled';
    return (mine ? t('list.me') : '') + text.replace(/\s+/g, ' ');
}

/** The name of the other party of a session, as this user sees it. */
export function peerName(session, myRole) {
    if (myRole === 'patient') {
        return session.doctor ? session.doctor.name : '';
    }
    return session.patient_name || session.patient_id;
}

export class SessionsView {
    constructor(app) {
        this.app = app;
        this.el = h('div', { class: 'sessions', id: 'sessions' });
        this.off = app.store.onChange(() => this.render());
        this.render();
    }

    destroy() {
        this.off();
    }

    render() {
        const { store, me } = this.app;
        let list = store.list();
        if (me.role === 'doctor') {
            // waiting for acceptance first (their deadline runs), otherwise the server's order
            list = [...list.filter(waiting), ...list.filter(s => !waiting(s))];
        }
        const activeId = this.app.activeSessionId();
        let body;
        if (!store.loaded) {
            body = h('p', { class: 'muted pad' }, t('chat.loading'));
        } else if (list.length === 0) {
            body = h('p', { class: 'muted pad', id: 'sessions-empty' }, t(`list.empty.${me.role}`));
        } else {
            body = h('ul', { class: 'session-list' }, list.map(s => this.item(s, s.session_id === activeId)));
        }
        setChildren(this.el, body,
            store.nextCursor ? h('button', { type: 'button', class: 'more', id: 'sessions-more',
                onclick: () => store.loadMore().catch(err => this.app.showError(t('error.load'), err)) },
            t('list.more')) : null);
    }

    item(s, active) {
        const { me } = this.app;
        const name = peerName(s, me.role);
        const sub = me.role === 'patient' && s.doctor ? [s.doctor.title, s.doctor.dept].filter(Boolean).join(' · ') : '';
        const open = () => this.app.openSession(s.session_id);
        const c = s.consultation;
        const state = waiting(s) ? h('span', { class: 'badge waiting' }, t('consult.waitingBadge'))
            : c && c.status === 'active' ? h('span', { class: 'tag active' }, t('consult.activeTag')) : null;
        // the li is clicked with a mouse or a finger; for the keyboard and screen readers the name
        // is the button (a focusable li with buttons inside would nest interactive controls)
        const li = h('li', { class: 'session-item' + (active ? ' active' : ''), 'data-session-id': s.session_id,
            'data-consultation': c ? c.status : null, onclick: open },
        avatar(name, me.role === 'patient' && s.doctor ? s.doctor.avatar_url : null),
        h('div', { class: 'session-main' },
            h('div', { class: 'row' },
                h('button', { type: 'button', class: 'session-name session-open', 'aria-current': active ? 'true' : null,
                    onclick: e => { e.stopPropagation(); open(); } },
                name, sub ? h('span', { class: 'muted small' }, ' ' + sub) : null),
                state,
                h('span', { class: 'time muted small' }, shortTime(s.updated_at))),
            h('div', { class: 'row' },
                h('span', { class: 'preview muted' }, previewOf(s.last_msg, me.role)),
                s.unread_count > 0 ? h('span', { class: 'badge unread', 'aria-label': `${s.unread_count} unread` },
                    s.unread_count > 99 ? '99+' : String(s.unread_count)) : null),
            ));
        if (me.role === 'patient') {
            // 删除 is rare and final: in the row's menu (right-click, long press, context-menu key), with a question
            attachMenu(li, () => [{ id: 'delete', label: t('list.delete'), confirm: t('list.deleteQuestion'),
                run: () => this.remove(s.session_id) }]);
        }
        return li;
    }

    async remove(sessionId) {
        try {
            await this.app.api.chatPost('session_del', { session_id: sessionId });
            const s = this.app.store.get(sessionId);
            if (s && s.doctor) {
                rememberDeletion(this.app.me.id, s.doctor.doctor_id);
            }
            this.app.store.remove(sessionId);
            this.app.sessionDeleted(sessionId);
            this.app.showNotice(t('list.deleted'), 20_000);
        } catch (err) {
            this.render();
            this.app.showError(t('error.delete'), err);
        }
    }
}

const deletedKey = patientId => `medmsg.deletedWith.${patientId}`;

/** Doctors whose conversation this patient deleted in this browser (to explain the empty history). */
export function deletedWith(patientId) {
    try {
        const list = JSON.parse(localStorage.getItem(deletedKey(patientId)));
        return Array.isArray(list) ? list : [];
    } catch {
        return [];
    }
}

function rememberDeletion(patientId, doctorId) {
    const list = deletedWith(patientId).filter(id => id !== doctorId);
    localStorage.setItem(deletedKey(patientId), JSON.stringify([...list, doctorId].slice(-200)));
}

function waiting(s) {
    return !!(s.consultation && s.consultation.status === 'waiting');
}
