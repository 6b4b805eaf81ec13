// The composer under a conversation: the text field (Enter sends, Shift+Enter is a new line, an
// Enter that ends an IME composition is not a send), attach, quick replies (doctors), the voice
// recorder, and the line that says why it is closed when it is.

import { h, setChildren } from './dom.js';
import { t } from './i18n.js';
import { quickReplies } from './quickreplies.js';
import { voiceRecorder } from './recorder.js';
import { ACCEPT } from './upload.js';

const NARROW = window.matchMedia('(max-width: 520px)');
const MAX_HEIGHT = 160;

export class Composer {
    /** ctx: {role, myId, onText(text), onFile(file)} */
    constructor(ctx) {
        this.ctx = ctx;
        this.input = h('textarea', { id: 'composer-input', rows: 1, 'aria-label': t('chat.input'), enterkeyhint: 'send',
            onkeydown: e => {
                if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
                    e.preventDefault();
                    this.submit();
                }
            },
            oninput: () => this.autosize() });
        this.onNarrow = () => this.placeholder();
        NARROW.addEventListener('change', this.onNarrow);
        this.placeholder();
        this.reason = h('p', { class: 'composer-reason', id: 'composer-reason', role: 'status', hidden: true });
        this.sendButton = h('button', { type: 'submit', class: 'primary', id: 'send-button' }, t('chat.send'));
        this.fileInput = h('input', { type: 'file', id: 'file-input', accept: ACCEPT.join(','), multiple: true,
            class: 'visually-hidden', onchange: e => {
                [...e.target.files].forEach(file => ctx.onFile(file));
                e.target.value = '';
            } });
        this.attach = h('label', { class: 'attach', title: t('chat.attach'), 'aria-label': t('chat.attach') },
            this.fileInput, h('span', { 'aria-hidden': 'true' }, '+'));
        this.quick = ctx.role === 'doctor' ? quickReplies(ctx.myId, text => this.put(text), () => this.input.value) : null;
        this.recorder = voiceRecorder(file => ctx.onFile(file));
        this.form = h('form', { class: 'composer', id: 'composer', onsubmit: e => { e.preventDefault(); this.submit(); } },
            this.attach, this.quick ? this.quick.toggle : null, this.input, this.recorder.cancel, this.recorder.button,
            this.sendButton);
        /** What goes under the messages, in order. */
        this.parts = [this.quick ? this.quick.panel : null, this.reason, this.recorder.status, this.form];
    }

    destroy() {
        this.recorder.stop();
        NARROW.removeEventListener('change', this.onNarrow);
    }

    /** The keyboard hint does not fit a phone's composer: a short placeholder there. */
    placeholder() {
        this.input.placeholder = t(NARROW.matches ? 'chat.inputShort' : 'chat.input');
    }

    /** No scrollbar until the text is taller than the field may grow. */
    autosize() {
        this.input.style.height = '';
        if (this.input.value) {
            this.input.style.height = Math.min(this.input.scrollHeight + 2, MAX_HEIGHT) + 'px';
        }
        this.input.style.overflowY = this.input.scrollHeight > MAX_HEIGHT ? 'auto' : '';
    }

    submit() {
        const text = this.input.value.trim();
        if (!text || this.input.disabled) {
            return;
        }
        this.input.value = '';
        this.autosize();
        this.ctx.onText(text);
    }

    /** Puts `text` in the field (重新编辑, a quick reply) and the focus there. */
    put(text) {
        this.input.value = text;
        this.autosize();
        this.input.focus();
    }

    /** Closed with the reason (a sentence), or open (null). */
    block(reason) {
        this.reason.hidden = !reason;
        setChildren(this.reason, reason || '');
        for (const control of [this.input, this.sendButton, this.fileInput, this.recorder.button]) {
            control.disabled = !!reason;
        }
        this.attach.classList.toggle('disabled', !!reason);
    }
}
