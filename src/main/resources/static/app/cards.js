// Cards (msg_type "card", API.md §4): intake, summary, prescription, notice, and the hospital's
// own `x-` types, drawn the same way: a kind label, the title, the body, the fields as
// "label: value" lines and an optional link. Everything goes in as text; a link is drawn only when
// it is https (the server checks that too, but the client does not rely on it).

import { h } from './dom.js';
import { t } from './i18n.js';

const KNOWN = new Set(['intake', 'summary', 'prescription', 'notice']);

/** "问诊小结" for summary; the generic label for the hospital's own (x-) types. */
export function cardKind(type) {
    return t(KNOWN.has(type) ? `card.${type}` : 'card.other');
}

/** The URL if it is an absolute https one, else null. */
export function httpsUrl(url) {
    try {
        const u = new URL(url);
        return u.protocol === 'https:' ? u.href : null;
    } catch {
        return null;
    }
}

export function renderCard(card) {
    const c = card || {};
    const fields = Array.isArray(c.fields) ? c.fields : [];
    const url = c.link ? httpsUrl(c.link.url) : null;
    return h('div', { class: 'bubble card', 'data-card-type': c.card_type || '' },
        h('div', { class: 'card-kind' }, cardKind(c.card_type)),
        h('div', { class: 'card-title' }, c.title || ''),
        c.body ? h('div', { class: 'card-body' }, c.body) : null,
        fields.length ? h('dl', { class: 'card-fields' }, fields.map(f => h('div', { class: 'card-field' },
            h('dt', {}, f.label || ''), h('dd', {}, f.value || '')))) : null,
        url ? h('a', { class: 'card-link', href: url, target: '_blank', rel: 'noopener noreferrer' },
            c.link.text || url) : null);
}
