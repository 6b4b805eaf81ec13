// Pictures of a conversation full-screen, in the page (no new tab, so the page's CSP and the
// signed URLs stay as they are): Esc closes, ←/→ and a swipe move between the conversation's
// pictures, focus returns to the picture that opened it.

import { h, setChildren } from './dom.js';
import { addStrings, t } from './i18n.js';

addStrings({
    zh: { 'lightbox.title': '图片', 'lightbox.prev': '上一张', 'lightbox.next': '下一张', 'lightbox.close': '关闭' },
    en: { 'lightbox.title': 'Picture', 'lightbox.prev': 'Previous picture', 'lightbox.next': 'Next picture', 'lightbox.close': 'Close' },
});

let open = null;

/** Shows `images` ([{url, name}]) from index `start`; `opener` gets the focus back on close. */
export function showLightbox(images, start, opener) {
    close();
    let index = start;
    // not draggable: a native image drag would swallow the pointer events of a swipe
    const img = h('img', { class: 'lightbox-image', id: 'lightbox-image', alt: '', draggable: 'false' });
    const counter = h('span', { class: 'lightbox-count', id: 'lightbox-count' });
    const prev = h('button', { type: 'button', class: 'lightbox-nav prev', id: 'lightbox-prev', 'aria-label': t('lightbox.prev'),
        onclick: () => go(-1) }, '‹');
    const next = h('button', { type: 'button', class: 'lightbox-nav next', id: 'lightbox-next', 'aria-label': t('lightbox.next'),
        onclick: () => go(1) }, '›');
    const shut = h('button', { type: 'button', class: 'lightbox-close', id: 'lightbox-close', 'aria-label': t('lightbox.close'),
        onclick: () => close() }, '×');
    const el = h('div', { class: 'lightbox', id: 'lightbox', role: 'dialog', 'aria-modal': 'true',
        'aria-label': t('lightbox.title'), tabindex: '-1' }, img, prev, next, shut, counter);
    const show = () => {
        const item = images[index];
        img.src = item.url;
        img.alt = item.name || '';
        setChildren(counter, `${index + 1} / ${images.length}`);
        prev.hidden = index === 0;
        next.hidden = index === images.length - 1;
        el.dataset.index = String(index);
    };
    const go = step => {
        const to = index + step;
        if (to >= 0 && to < images.length) {
            index = to;
            show();
        }
    };
    const onKey = e => {
        if (e.key === 'Escape') {
            e.preventDefault();
            close();
        } else if (e.key === 'ArrowLeft') {
            go(-1);
        } else if (e.key === 'ArrowRight') {
            go(1);
        } else if (e.key === 'Tab') {
            // focus stays inside the dialog
            const buttons = [...el.querySelectorAll('button')].filter(b => !b.hidden);
            const i = buttons.indexOf(document.activeElement);
            e.preventDefault();
            buttons[(i + (e.shiftKey ? -1 : 1) + buttons.length) % buttons.length].focus();
        }
    };
    let startX = null;
    let swiped = false;
    el.addEventListener('pointerdown', e => { startX = e.clientX; swiped = false; });
    el.addEventListener('pointerup', e => {
        if (startX !== null && Math.abs(e.clientX - startX) > 50) {
            swiped = true;
            go(e.clientX < startX ? 1 : -1); // swipe left: the next picture
        }
        startX = null;
    });
    el.addEventListener('click', e => {
        // a tap on the dark backdrop closes; the click that ends a swipe does not
        if (e.target === el && !swiped) {
            close();
        }
        swiped = false;
    });
    document.addEventListener('keydown', onKey, true);
    document.body.appendChild(el);
    open = { el, onKey, opener };
    show();
    shut.focus();
}

export function close() {
    if (!open) {
        return;
    }
    const { el, onKey, opener } = open;
    open = null;
    document.removeEventListener('keydown', onKey, true);
    el.remove();
    if (opener && opener.isConnected) {
        opener.focus();
    }
}
