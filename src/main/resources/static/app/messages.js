// The drawn list of a conversation's messages: bubbles by type (text, picture, voice note, video,
// file, card) beside the sender's avatar, grouped by sender, with centred time separators
// (timeline.js); the consultation's system notices (centred), pending and failed sends, recalled
// notes (with 重新编辑 for one's own recalled text). Actions sit in a menu (menu.js); under a
// message there is only the read state of one's last message. Drawn by key, so that pictures and
// players already on screen stay as they are.

import { renderCard } from './cards.js';
import { eventText } from './consultation.js';
import { avatar } from './directory.js';
import { clockTime, errorDetails, fileSize, h, setChildren } from './dom.js';
import { addStrings, t } from './i18n.js';
import { attachMenu } from './menu.js';
import { separatorText, timeline } from './timeline.js';
import { voiceBubble } from './voice.js';

addStrings({
    zh: { 'chat.copy': '复制', 'chat.recallConfirm': '撤回这条消息？对方将看到“撤回了一条消息”。',
        'chat.viewImage': '查看图片 {name}' },
    en: { 'chat.copy': 'Copy', 'chat.recallConfirm': 'Recall this message? The other side will see that a message was recalled.',
        'chat.viewImage': 'View picture {name}' },
});

const RECALL_WINDOW_MS = 120_000;

export class MessageList {
    /**
     * ctx: {role, me: {name}, peerAvatar(): {name, url}, onRecall(message), onRetry(pending),
     * onDiscard(pending), onEdit(pending), onReedit(message), recalledText(msgId), onImage(message, opener),
     * onImageLoad()}
     */
    constructor(ctx) {
        this.ctx = ctx;
        this.el = h('ol', { class: 'msg-list', id: 'msg-list' });
        this.nodes = new Map(); // key -> {el, version, meta}
        this.view = { peer: '', peerReadSeq: 0, now: Date.now() };
    }

    /**
     * Draws `messages` (ascending seq, recall markers left out) and then `pending` sends. Only
     * an item whose content changed (a message recalled, a pending one sent) is rebuilt; the
     * meta line and the grouping are redrawn every time. view: {peer, peerReadSeq, now (the server's clock)}.
     */
    draw(messages, pending, view) {
        this.view = view;
        const lastIsMine = messages.length && messages[messages.length - 1].sender_role === this.ctx.role;
        const entries = [
            ...timeline(messages, this.ctx.role).map(e => (e.message ? { ...e, key: keyOf(e.message, this.ctx.role) } : e)),
            ...pending.map((p, i) => ({ key: 'c:' + p.cid, pending: p, grouped: i > 0 || lastIsMine })),
        ];
        const keep = new Set();
        entries.forEach((entry, index) => {
            keep.add(entry.key);
            const version = entry.message ? contentVersion(entry.message)
                : entry.pending ? `pending:${entry.pending.kind}` : `sep:${separatorText(entry.sep, view.now)}`;
            let node = this.nodes.get(entry.key);
            if (!node || node.version !== version) {
                const fresh = this.item(entry);
                if (node) {
                    node.el.replaceWith(fresh.el);
                }
                node = { ...fresh, version };
                this.nodes.set(entry.key, node);
            }
            if (!entry.sep) {
                this.fillMeta(node, entry);
                node.el.classList.toggle('grouped', !!entry.grouped);
            }
            if (this.el.children[index] !== node.el) {
                this.el.insertBefore(node.el, this.el.children[index] || null);
            }
        });
        for (const [key, node] of this.nodes) {
            if (!keep.has(key)) {
                node.el.remove();
                this.nodes.delete(key);
            }
        }
    }

    item(entry) {
        if (entry.sep) {
            const el = h('li', { class: 'time-sep' },
                h('time', { datetime: new Date(entry.sep).toISOString() }, separatorText(entry.sep, this.view.now)));
            return { el, meta: null };
        }
        if (entry.pending) {
            const p = entry.pending;
            const meta = h('div', { class: 'meta' });
            let content;
            if (p.kind === 'text') {
                content = h('div', { class: 'bubble text' }, p.text);
            } else {
                p.progressEl = h('progress', { class: 'upload-progress', max: 100, value: Math.round(p.progress * 100),
                    'aria-label': p.file.name });
                const name = () => h('div', { class: 'file-name' }, p.file.name);
                // a "picture" the browser cannot decode shows its name, never a broken-image icon
                const preview = p.preview ? h('img', { class: 'msg-image', src: p.preview, alt: p.file.name,
                    onerror: () => preview.replaceWith(name()) }) : null;
                content = h('div', { class: 'bubble file' }, preview || name(), p.progressEl);
            }
            const el = h('li', { class: 'msg mine pending', 'data-client-msg-id': p.cid }, this.avatarOf('mine'),
                h('div', { class: 'msg-body' }, content, meta));
            return { el, meta };
        }
        const m = entry.message;
        if (m.msg_type === 'recalled') {
            const mine = m.sender_role === this.ctx.role;
            const text = mine ? this.ctx.recalledText(m.msg_id) : null;
            const el = h('li', { class: 'msg recalled-note', 'data-msg-id': m.msg_id, 'data-seq': m.seq, 'data-type': 'recalled' },
                h('span', {}, mine ? t('chat.youRecalled') : t('chat.peerRecalled', { name: this.view.peer || '' })),
                text ? h('button', { type: 'button', class: 'link reedit', onclick: () => this.ctx.onReedit(m) }, t('chat.edit')) : null);
            return { el, meta: null };
        }
        const meta = h('div', { class: 'meta' });
        const side = sideOf(m, this.ctx.role);
        const content = this.content(m);
        const body = h('div', { class: 'msg-body' }, content, meta);
        const el = h('li', { class: this.classOf(m), 'data-msg-id': m.msg_id, 'data-seq': m.seq, 'data-type': m.msg_type,
            'data-client-msg-id': m.client_msg_id || null },
        side === 'system' ? null : this.avatarOf(side), body);
        return { el, meta };
    }

    avatarOf(side) {
        const who = side === 'mine' ? { name: this.ctx.me.name, url: null } : this.ctx.peerAvatar();
        return h('span', { class: 'msg-avatar', 'aria-hidden': 'true' }, avatar(who.name, who.url));
    }

    /** What the menu offers for `m` now: copy a text; recall my message inside the window. */
    actions(m) {
        const list = [];
        if (m.msg_type === 'text' && m.text) {
            list.push({ id: 'copy', label: t('chat.copy'), run: () => copy(m.text) });
        }
        if (m.sender_role === this.ctx.role && m.msg_type !== 'recalled' && m.msg_type !== 'system'
            && this.view.now - m.created_at < RECALL_WINDOW_MS) {
            list.push({ id: 'recall', label: t('chat.recall'), confirm: t('chat.recallConfirm'), run: () => this.ctx.onRecall(m) });
        }
        return list;
    }

    /** "msg mine", "msg theirs", "msg system", plus "notice" for a system message and "card" for a card. */
    classOf(m) {
        const kind = m.msg_type === 'system' ? ' notice' : m.msg_type === 'card' ? ' card' : '';
        return `msg ${sideOf(m, this.ctx.role)}${kind}`;
    }

    content(m) {
        const r = m.resource;
        if (m.msg_type === 'system') {
            return h('div', { class: 'notice-text', 'data-event': m.event ? m.event.type : null }, eventText(m.event, this.ctx.role));
        }
        if (m.msg_type === 'card') {
            return renderCard(m.card);
        }
        if (!r && m.msg_type !== 'text') {
            return h('div', { class: 'bubble text' }, m.text || t('chat.system'));
        }
        switch (m.msg_type) {
            case 'text':
                return h('div', { class: 'bubble text' }, m.text || '');
            case 'image': {
                const failed = () => h('span', { class: 'file-link muted small' }, `${r.file_name}: ${t('chat.imageFailed')}`);
                const img = h('img', { class: 'msg-image', src: r.url, alt: r.file_name, loading: 'lazy',
                    onload: () => this.ctx.onImageLoad(),
                    // not decodable, or the signed link expired: say so instead of a broken icon
                    onerror: () => img.replaceWith(failed()) });
                const open = h('button', { type: 'button', class: 'image-open', 'aria-label': t('chat.viewImage', { name: r.file_name }),
                    onclick: () => this.ctx.onImage(m, open) }, img);
                return h('div', { class: 'bubble media' }, open);
            }
            case 'voice':
                return voiceBubble(r);
            case 'video':
                return h('div', { class: 'bubble media' }, h('video', { controls: true, preload: 'metadata', playsinline: true,
                    src: r.url, class: 'msg-video' }));
            case 'file':
                return h('div', { class: 'bubble file' }, h('a', { class: 'file-link', href: r.url, target: '_blank',
                    rel: 'noopener noreferrer', download: r.file_name },
                h('span', { class: 'file-icon', 'aria-hidden': 'true' }, extension(r.file_name)),
                h('span', {}, h('span', { class: 'file-name' }, r.file_name), h('br'),
                    h('span', { class: 'muted small' }, `${fileSize(r.size)} · ${t('chat.download')}`))));
            default:
                return h('div', { class: 'bubble text' }, m.text || t('chat.system'));
        }
    }

    fillMeta(node, entry) {
        if (!node.meta) {
            return;
        }
        const parts = [];
        if (entry.pending) {
            const p = entry.pending;
            if (p.state === 'failed') {
                node.el.classList.add('failed');
                parts.push(h('span', { class: 'state failed', role: 'alert' }, p.error || t('chat.failed')));
                // Retry only where it can succeed (errors.js); a refused text can be edited instead
                if (p.canRetry) {
                    parts.push(h('button', { type: 'button', class: 'link retry', disabled: Date.now() < (p.retryAt || 0),
                        onclick: () => this.ctx.onRetry(p) }, t('chat.retry')));
                } else if (p.kind === 'text') {
                    parts.push(h('button', { type: 'button', class: 'link edit', onclick: () => this.ctx.onEdit(p) }, t('chat.edit')));
                }
                parts.push(h('button', { type: 'button', class: 'link discard', onclick: () => this.ctx.onDiscard(p) }, t('chat.discard')),
                    errorDetails(p.err));
            } else {
                node.el.classList.remove('failed');
                parts.push(h('span', { class: 'state sending' }, p.state === 'uploading'
                    ? t('chat.uploading', { pct: Math.round(p.progress * 100) }) : t('chat.sending') + '…'));
            }
            if (p.progressEl) {
                p.progressEl.hidden = p.state === 'failed';
            }
            node.el.dataset.state = p.state;
            setChildren(node.meta, parts);
            return;
        }
        const m = entry.message;
        // a pending bubble that became this message keeps its node: give it the message's marks
        node.el.className = this.classOf(m);
        Object.assign(node.el.dataset, { msgId: m.msg_id, seq: String(m.seq), type: m.msg_type });
        if (m.sender_role === this.ctx.role && entry.lastMine) {
            const read = m.seq <= this.view.peerReadSeq;
            parts.push(h('span', { class: 'receipt' + (read ? ' read' : '') }, read ? t('chat.read') : t('chat.unread')));
        }
        node.el.dataset.state = 'sent';
        setChildren(node.meta, parts);
        node.meta.hidden = parts.length === 0;
        const bubble = node.el.querySelector('.msg-body > :first-child');
        if (!node.menu && bubble && m.sender_role !== 'system') {
            // once per node (a sent text keeps the node of its pending bubble)
            node.menu = true;
            bubble.title = clockTime(m.created_at);
            if (m.msg_type === 'text') {
                bubble.tabIndex = 0; // focusable, so that the context-menu key opens its menu
            }
            attachMenu(bubble, () => this.actions(m));
        }
    }

    /** Upload progress of a pending file, without drawing the rest. */
    progress(item) {
        if (item.progressEl) {
            item.progressEl.value = Math.round(item.progress * 100);
        }
        const node = this.nodes.get('c:' + item.cid);
        if (node) {
            this.fillMeta(node, { pending: item });
        }
    }
}

function sideOf(m, role) {
    return m.sender_role === 'system' ? 'system' : m.sender_role === role ? 'mine' : 'theirs';
}

async function copy(text) {
    try {
        await navigator.clipboard.writeText(text);
    } catch {
        // no clipboard permission (plain http): select the text so that Ctrl+C copies it
        const area = h('textarea', { class: 'visually-hidden', 'aria-hidden': 'true' }, text);
        document.body.appendChild(area);
        area.select();
        document.execCommand('copy');
        area.remove();
    }
}

/** My messages are keyed by client_msg_id, so the pending bubble becomes the sent one in place. */
function keyOf(m, role) {
    return m.sender_role === role && m.client_msg_id ? 'c:' + m.client_msg_id : 'm:' + m.msg_id;
}

function contentVersion(m) {
    // a pending text and its sent message look the same: keep the node
    return m.msg_type === 'text' ? 'pending:text' : m.msg_type;
}

/** "PDF" for "report.pdf": the label on a file's icon. */
function extension(name) {
    const dot = (name || '').lastIndexOf('.');
    return dot > 0 ? name.slice(dot + 1, dot + 5).toUpperCase() : 'FILE';
}
