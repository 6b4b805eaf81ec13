// The drawn list of a conversation's messages: bubbles by type (text, picture, voice, video,
// file, card), the consultation's system notices (centred), pending and failed sends, recalled
// notes, and a meta line with time, read receipt and actions. Drawn by key, so that pictures and players already on screen stay as they are.

import { renderCard } from './cards.js';
import { eventText } from './consultation.js';
import { clockTime, errorDetails, fileSize, h, setChildren } from './dom.js';
import { t } from './i18n.js';

const RECALL_WINDOW_MS = 120_000;

export class MessageList {
    /** ctx: {role, onRecall(message), onRetry(pending), onDiscard(pending), onImageLoad()} */
    constructor(ctx) {
        this.ctx = ctx;
        this.el = h('ol', { class: 'msg-list', id: 'msg-list' });
        this.nodes = new Map(); // key -> {el, version, meta}
        this.view = { peer: '', peerReadSeq: 0, now: Date.now() };
    }

    /**
     * Draws `messages` (ascending seq, recall markers left out) and then `pending` sends. Only
     * an item whose content changed (a message recalled, a pending one sent) is rebuilt; the
     * meta line is redrawn every time. view: {peer, peerReadSeq, now (the server's clock)}.
     */
    draw(messages, pending, view) {
        this.view = view;
        const entries = [
            ...messages.map(m => ({ key: keyOf(m, this.ctx.role), message: m })),
            ...pending.map(p => ({ key: 'c:' + p.cid, pending: p })),
        ];
        const keep = new Set();
        entries.forEach((entry, index) => {
            keep.add(entry.key);
            const version = entry.message ? contentVersion(entry.message) : `pending:${entry.pending.kind}`;
            let node = this.nodes.get(entry.key);
            if (!node || node.version !== version) {
                const fresh = this.item(entry);
                if (node) {
                    node.el.replaceWith(fresh.el);
                }
                node = { ...fresh, version };
                this.nodes.set(entry.key, node);
            }
            this.fillMeta(node, entry);
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
        if (entry.pending) {
            const p = entry.pending;
            const meta = h('div', { class: 'meta' });
            let content;
            if (p.kind === 'text') {
                content = h('div', { class: 'bubble text' }, p.text);
            } else {
                p.progressEl = h('progress', { class: 'upload-progress', max: 100, value: Math.round(p.progress * 100) });
                const name = () => h('div', { class: 'file-name' }, p.file.name);
                // a "picture" the browser cannot decode shows its name, never a broken-image icon
                const preview = p.preview ? h('img', { class: 'msg-image', src: p.preview, alt: p.file.name,
                    onerror: () => preview.replaceWith(name()) }) : null;
                content = h('div', { class: 'bubble file' }, preview || name(), p.progressEl);
            }
            const el = h('li', { class: 'msg mine pending', 'data-client-msg-id': p.cid }, content, meta);
            return { el, meta };
        }
        const m = entry.message;
        if (m.msg_type === 'recalled') {
            const mine = m.sender_role === this.ctx.role;
            const el = h('li', { class: 'msg recalled-note', 'data-msg-id': m.msg_id, 'data-seq': m.seq, 'data-type': 'recalled' },
                h('span', {}, mine ? t('chat.youRecalled') : t('chat.peerRecalled', { name: this.view.peer || '' })));
            return { el, meta: null };
        }
        const meta = h('div', { class: 'meta' });
        const el = h('li', { class: this.classOf(m), 'data-msg-id': m.msg_id, 'data-seq': m.seq, 'data-type': m.msg_type,
            'data-client-msg-id': m.client_msg_id || null }, this.content(m), meta);
        return { el, meta };
    }

    /** "msg mine", "msg theirs", "msg system", plus "notice" for a system message and "card" for a card. */
    classOf(m) {
        const side = m.sender_role === 'system' ? 'system' : m.sender_role === this.ctx.role ? 'mine' : 'theirs';
        const kind = m.msg_type === 'system' ? ' notice' : m.msg_type === 'card' ? ' card' : '';
        return `msg ${side}${kind}`;
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
                const img = h('img', { class: 'msg-image', src: r.url, alt: r.file_name, loading: 'lazy',
                    onload: () => this.ctx.onImageLoad(),
                    // not decodable, or the signed link expired: offer the link instead
                    onerror: () => img.replaceWith(h('span', { class: 'file-link muted small' }, `${r.file_name}: ${t('chat.imageFailed')}`)) });
                return h('div', { class: 'bubble media' }, h('a', { href: r.url, target: '_blank', rel: 'noopener noreferrer' }, img));
            }
            case 'voice':
                return h('div', { class: 'bubble media' }, h('audio', { controls: true, preload: 'metadata', src: r.url }),
                    h('div', { class: 'muted small' }, `${r.file_name} · ${fileSize(r.size)}`));
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
        parts.push(h('time', { datetime: new Date(m.created_at).toISOString() }, clockTime(m.created_at)));
        if (m.sender_role === this.ctx.role) {
            const read = m.seq <= this.view.peerReadSeq;
            parts.push(h('span', { class: 'receipt' + (read ? ' read' : '') }, read ? t('chat.read') : t('chat.unread')));
            if (this.view.now - m.created_at < RECALL_WINDOW_MS) {
                parts.push(h('button', { type: 'button', class: 'link recall', onclick: () => this.ctx.onRecall(m) }, t('chat.recall')));
            }
        }
        node.el.dataset.state = 'sent';
        setChildren(node.meta, parts);
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
