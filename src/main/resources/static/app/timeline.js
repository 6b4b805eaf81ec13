// How a conversation reads at a glance, as in the messaging apps patients know: a centred time
// separator where five minutes or more passed (and before the first message), messages of one
// sender in a row grouped under one avatar, and the read state only under one's last message.

import { addStrings, currentLang, t } from './i18n.js';

addStrings({ zh: { 'time.yesterday': '昨天' }, en: { 'time.yesterday': 'Yesterday' } });

export const GAP_MS = 5 * 60_000;

/** "21:03" today, "昨天 21:03" / "Yesterday 21:03", else the date and the time. */
export function separatorText(ms, now = Date.now()) {
    const d = new Date(ms);
    const today = new Date(now);
    const locale = currentLang() === 'zh' ? 'zh-CN' : 'en-GB';
    const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(d);
    const startOfToday = new Date(today.getFullYear(), today.getMonth(), today.getDate()).getTime();
    if (ms >= startOfToday) {
        return time;
    }
    if (ms >= startOfToday - 86_400_000) {
        return `${t('time.yesterday')} ${time}`;
    }
    const opts = d.getFullYear() === today.getFullYear() ? { month: 'long', day: 'numeric' }
        : { year: 'numeric', month: 'long', day: 'numeric' };
    return `${new Intl.DateTimeFormat(locale, opts).format(d)} ${time}`;
}

/**
 * The list to draw, in order: {sep: ms} before a message that comes GAP_MS or more after the one
 * before it (and before the first), else the message with `grouped` (same sender as the message
 * drawn just before, no separator between) and `lastMine` (my newest message).
 */
export function timeline(messages, role) {
    const out = [];
    let prev = null;
    let lastMine = null;
    for (const m of messages) {
        if (m.sender_role === role && m.msg_type !== 'recalled') {
            lastMine = m.seq;
        }
    }
    for (const m of messages) {
        const sep = !prev || m.created_at - prev.created_at >= GAP_MS;
        if (sep) {
            out.push({ sep: m.created_at, key: `sep:${m.seq}` });
        }
        const bubble = m.msg_type !== 'system' && m.msg_type !== 'recalled';
        const grouped = !sep && bubble && prev && prev.sender_role === m.sender_role
            && prev.msg_type !== 'system' && prev.msg_type !== 'recalled';
        out.push({ message: m, grouped, lastMine: m.seq === lastMine });
        prev = m;
    }
    return out;
}
