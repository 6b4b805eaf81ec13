// Small DOM helpers. Every piece of text goes in through textContent (or an attribute), never as
// markup: message text, names and file names are untrusted.

import { errorDetail, errorMessage } from './errors.js';
import { currentLang, t } from './i18n.js';

/**
 * Creates an element: h('button', {class: 'x', onclick: fn, 'data-id': 1}, 'text', child, ...).
 * Strings become text nodes; null/undefined/false children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
        if (value === null || value === undefined || value === false) {
            continue;
        }
        if (name.startsWith('on') && typeof value === 'function') {
            el.addEventListener(name.slice(2), value);
        } else if (name === 'class') {
            el.className = value;
        } else if (name === 'text') {
            el.textContent = value;
        } else if (name in el && typeof value !== 'string') {
            el[name] = value; // properties such as disabled, checked, value
        } else {
            el.setAttribute(name, value === true ? '' : String(value));
        }
    }
    append(el, children);
    return el;
}

function append(el, children) {
    for (const child of children) {
        if (child === null || child === undefined || child === false) {
            continue;
        }
        if (Array.isArray(child)) {
            append(el, child);
        } else if (child instanceof Node) {
            el.appendChild(child);
        } else {
            el.appendChild(document.createTextNode(String(child)));
        }
    }
}

/** Replaces the children of `el`. */
export function setChildren(el, ...children) {
    el.replaceChildren();
    append(el, children);
    return el;
}

/** A time of the API (ms since the epoch) as the clock time today, else the date. */
export function shortTime(ms) {
    if (!ms) {
        return '';
    }
    const d = new Date(ms);
    const now = new Date();
    const locale = currentLang() === 'zh' ? 'zh-CN' : 'en-GB';
    const sameDay = d.toDateString() === now.toDateString();
    const opts = sameDay ? { hour: '2-digit', minute: '2-digit' }
        : d.getFullYear() === now.getFullYear() ? { month: 'numeric', day: 'numeric' }
            : { year: 'numeric', month: 'numeric', day: 'numeric' };
    return new Intl.DateTimeFormat(locale, opts).format(d);
}

export function clockTime(ms) {
    const locale = currentLang() === 'zh' ? 'zh-CN' : 'en-GB';
    const d = new Date(ms);
    const sameDay = d.toDateString() === new Date().toDateString();
    const opts = sameDay ? { hour: '2-digit', minute: '2-digit' }
        : { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' };
    return new Intl.DateTimeFormat(locale, opts).format(d);
}

export function fileSize(bytes) {
    if (bytes < 1024) {
        return `${bytes} ${t('unit.B')}`;
    }
    if (bytes < 1024 * 1024) {
        return `${(bytes / 1024).toFixed(1)} KB`;
    }
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * A fresh client_msg_id (API.md: 1-64 of [A-Za-z0-9_.:-]). crypto.getRandomValues works on plain
 * http too, unlike crypto.randomUUID, so a hospital can try the client on a LAN address.
 */
export function newClientMsgId() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return 'web-' + Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

/** What to tell the person about a failed call, in their language (errors.js). */
export function errorText(err) {
    return errorMessage(err);
}

/**
 * The server's own words for a failed call as a folded "details" line (closed, so that a Chinese
 * screen shows no English until asked), or null when there is nothing more to say.
 */
export function errorDetails(err) {
    const detail = errorDetail(err);
    return detail ? h('details', { class: 'err-details' }, h('summary', {}, t('err.details')),
        h('code', {}, detail)) : null;
}

/** The first visible character of a name, for the round avatar. */
export function initial(name) {
    const chars = Array.from((name || '?').trim());
    return chars.length ? chars[0].toUpperCase() : '?';
}
