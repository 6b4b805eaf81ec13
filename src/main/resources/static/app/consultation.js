// Consultations (问诊, API.md §4) in a conversation: the status bar under the conversation's
// header (waiting / active with time and rounds left / over), the doctor's accept, close-with-
// summary and send-a-card forms, the patient's cancel, the words of the system notices, and why
// the patient's composer is closed.

import { errorDetails, errorText, h, newClientMsgId, setChildren } from './dom.js';
import { t } from './i18n.js';

const RANK = { waiting: 0, active: 1, closed: 2, cancelled: 2, expired: 2 };
const MANAGED_KEY = 'medmsg.consultations.managed';

export function isOpen(c) {
    return !!c && (c.status === 'waiting' || c.status === 'active');
}

/**
 * The later of two states of a session's consultation: a newer consultation, or the same one
 * further along (status, then rounds). Sessions, events and answers arrive in any order.
 */
export function newerConsultation(a, b) {
    if (!a || !b) {
        return a || b || null;
    }
    if (a.consultation_id !== b.consultation_id) {
        return b.opened_at > a.opened_at ? b : a;
    }
    if (RANK[a.status] !== RANK[b.status]) {
        return RANK[b.status] > RANK[a.status] ? b : a;
    }
    return (b.rounds_used || 0) >= (a.rounds_used || 0) ? b : a;
}

/**
 * The API does not tell the client the server's mode. Managed mode is known from a 40905 answer
 * to this tab, or assumed when the latest consultation was sold by the hospital (it has an
 * order_no): another one then needs another order.
 */
export function learnManaged() {
    sessionStorage.setItem(MANAGED_KEY, '1');
}

function managed(c) {
    return sessionStorage.getItem(MANAGED_KEY) === '1' || !!(c && c.order_no);
}

export function roundsUsedUp(c) {
    return isOpen(c) && c.rounds_limit !== null && c.rounds_limit !== undefined && c.rounds_used >= c.rounds_limit;
}

/** Why this user may not write now, or null. Only patients are held back. */
export function composerBlock(role, c) {
    if (role !== 'patient') {
        return null;
    }
    if (roundsUsedUp(c)) {
        return t('consult.block.rounds', { n: c.rounds_limit });
    }
    if (!isOpen(c) && managed(c)) {
        return t(c ? `consult.block.${c.status}` : 'consult.block.none');
    }
    return null;
}

/** A readable sentence for the consultation refusals of a send, or null for other errors. */
export function sendRefusal(err, role) {
    switch (err && err.code) {
        case 40905: return t(`consult.err.none.${role}`);
        case 40906: return t('consult.err.rounds');
        case 40907: return t(`consult.err.state.${role}`);
        default: return null;
    }
}

/** The words of a system message (msg_type "system"): the client renders its own. */
export function eventText(event, role) {
    const c = (event && event.consultation) || {};
    switch (event && event.type) {
        case 'consultation.opened': {
            const kind = c.kind && c.kind !== 'text' ? c.kind : t('consult.kind');
            const rounds = c.rounds_limit ? t('consult.ev.rounds', { n: c.rounds_limit }) : '';
            return t('consult.ev.opened', { kind }) + rounds;
        }
        case 'consultation.accepted': return t('consult.ev.accepted');
        case 'consultation.closed': return t(`consult.ev.closed.${c.close_reason || 'doctor'}`);
        case 'consultation.cancelled': return t(role === 'patient' ? 'consult.ev.cancelledMine' : 'consult.ev.cancelled');
        case 'consultation.expired': return t('consult.ev.expired');
        default: return t('chat.system');
    }
}

/** "3 小时 20 分" / "3 h 20 min"; under a minute "不到 1 分钟". */
export function duration(ms) {
    const minutes = Math.floor(Math.max(0, ms) / 60_000);
    if (minutes < 1) {
        return t('time.lessThanMinute');
    }
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const parts = [];
    if (days) {
        parts.push(t('time.d', { n: days }));
    }
    if (hours) {
        parts.push(t('time.h', { n: hours }));
    }
    if (!days && minutes % 60) {
        parts.push(t('time.min', { n: minutes % 60 }));
    }
    return parts.join(' ');
}

/**
 * The bar under the conversation's header, and the doctor's forms (`panel`, placed above the
 * composer). ctx: {role, api, sessionId(), now(), onConsultation(c), onMessage(answer), showError(prefix, err)}.
 * Only what changed is redrawn, so a form being filled in keeps its text while the clock ticks.
 */
export class ConsultationBar {
    constructor(ctx) {
        this.ctx = ctx;
        this.status = h('span', { class: 'consult-status', id: 'consult-status' });
        this.detail = h('span', { class: 'consult-detail muted small', id: 'consult-detail' });
        this.actions = h('div', { class: 'consult-actions' });
        this.el = h('div', { class: 'consult-bar', id: 'consult-bar', hidden: true },
            h('div', { class: 'consult-state' }, this.status, this.detail), this.actions);
        this.panel = h('div', { class: 'consult-panel', id: 'consult-panel', hidden: true });
        this.form = null;        // 'close' | 'card' | null
        this.confirming = false; // the patient's cancel asks once more
        this.busy = false;
        this.actionsKey = '';
    }

    render(c) {
        this.el.hidden = !c;
        if (!c) {
            this.showForm(null);
            return;
        }
        this.el.dataset.status = c.status;
        const kind = c.kind && c.kind !== 'text' ? `${c.kind} · ` : '';
        this.status.textContent = kind + t(`consult.status.${c.status}`);
        this.detail.textContent = this.details(c);
        const key = [c.consultation_id, c.status, this.confirming, this.busy].join('|');
        if (key !== this.actionsKey) {
            this.actionsKey = key;
            setChildren(this.actions, this.buttons(c));
        }
        if (this.form === 'close' && c.status !== 'active') {
            this.showForm(null);
        }
    }

    details(c) {
        const now = this.ctx.now();
        if (c.status === 'waiting') {
            return t(`consult.acceptWithin.${this.ctx.role}`, { time: duration(c.accept_deadline - now) });
        }
        if (c.status === 'active') {
            const parts = [];
            if (c.end_deadline) {
                parts.push(t('consult.timeLeft', { time: duration(c.end_deadline - now) }));
            }
            if (c.rounds_limit !== null && c.rounds_limit !== undefined) {
                parts.push(t('consult.roundsLeft', { n: Math.max(0, c.rounds_limit - c.rounds_used), limit: c.rounds_limit }));
            }
            return parts.join(' · ');
        }
        return c.status === 'closed' ? t(`consult.reason.${c.close_reason || 'doctor'}`) : '';
    }

    buttons(c) {
        const button = (id, label, onclick, cls = '') => h('button', { type: 'button', id, class: `small-btn ${cls}`,
            disabled: this.busy, onclick }, label);
        if (this.ctx.role === 'doctor') {
            if (c.status === 'waiting') {
                return [button('consult-accept', t('consult.accept'), () => this.call('consultation/accept', {}), 'primary')];
            }
            const out = [];
            if (c.status === 'active' || c.status === 'closed') {
                out.push(button('consult-card', t('consult.sendCard'), () => this.showForm('card')));
            }
            if (c.status === 'active') {
                out.push(button('consult-close', t('consult.close'), () => this.showForm('close'), 'primary'));
            }
            return out;
        }
        if (c.status !== 'waiting') {
            return [];
        }
        if (!this.confirming) {
            return [button('consult-cancel', t('consult.cancel'), () => { this.confirming = true; this.rerender(); })];
        }
        return [button('consult-cancel-confirm', t('consult.cancelConfirm'), () => {
            this.confirming = false;
            this.call('consultation/cancel', {});
        }, 'danger'), button('consult-cancel-back', t('consult.keep'), () => { this.confirming = false; this.rerender(); })];
    }

    rerender() {
        this.actionsKey = '';
        this.ctx.refresh();
    }

    /** accept, close or cancel; the answer is the consultation after the change. */
    async call(name, extra) {
        this.busy = true;
        this.rerender();
        try {
            const answer = await this.ctx.api.chatPost(name, { session_id: this.ctx.sessionId(), ...extra });
            this.showForm(null);
            this.ctx.onConsultation(answer.consultation);
        } catch (err) {
            this.ctx.showError(t('consult.failed'), err);
        } finally {
            this.busy = false;
            this.rerender();
        }
    }

    showForm(which) {
        this.form = which;
        this.panel.hidden = !which;
        if (!which) {
            this.panel.replaceChildren();
            return;
        }
        const close = which === 'close';
        const title = h('input', { id: `${which}-title`, maxlength: 100, required: true,
            value: close ? t('consult.summaryTitle') : '' });
        const body = h('textarea', { id: `${which}-body`, rows: 3, maxlength: 2000, required: !close });
        const type = close ? null : h('select', { id: 'card-type' },
            h('option', { value: 'notice' }, t('card.notice')), h('option', { value: 'prescription' }, t('card.prescription')));
        const error = h('div', { class: 'error', id: `${which}-error`, role: 'alert', hidden: true });
        const submit = async e => {
            e.preventDefault();
            const card = { card_type: close ? 'summary' : type.value, title: title.value.trim() };
            if (body.value.trim()) {
                card.body = body.value.trim();
            }
            error.hidden = true;
            try {
                if (close) {
                    await this.call('consultation/close', { summary: card });
                } else {
                    const answer = await this.ctx.api.chatPost('send_card_msg', { session_id: this.ctx.sessionId(), card,
                        client_msg_id: newClientMsgId() });
                    this.showForm(null);
                    this.ctx.onMessage(answer);
                }
            } catch (err) {
                setChildren(error, sendRefusal(err, 'doctor') || errorText(err), errorDetails(err));
                error.hidden = false;
            }
        };
        setChildren(this.panel, h('form', { class: 'consult-form', id: `${which}-form`, onsubmit: submit },
            h('div', { class: 'form-head' }, h('strong', {}, t(close ? 'consult.closeTitle' : 'consult.cardTitle')),
                close ? h('span', { class: 'muted small' }, t('consult.closeHint')) : null),
            type ? h('label', {}, t('card.type'), type) : null,
            h('label', {}, t('card.title'), title),
            h('label', {}, t(close ? 'card.summaryBody' : 'card.body'), body),
            error,
            h('div', { class: 'form-buttons' },
                h('button', { type: 'button', id: `${which}-cancel`, onclick: () => this.showForm(null) }, t('list.cancel')),
                h('button', { type: 'submit', class: 'primary', id: `${which}-submit` },
                    t(close ? 'consult.closeSubmit' : 'consult.cardSubmit')))));
        title.focus();
    }
}
