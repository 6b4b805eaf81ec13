// A message's actions in a small menu, opened by right-click, a long press (touch), or the
// keyboard's context-menu key on a focused message: copy; recall (with a confirmation) for one's
// own message inside the recall window. One menu at a time; Esc or a click elsewhere closes it.

import { h, setChildren } from './dom.js';
import { t } from './i18n.js';

const LONG_PRESS_MS = 500;
let current = null;

/** Makes `target` open the menu of `actions()` ([{id, label, run, confirm?}]) when asked. */
export function attachMenu(target, actions) {
    target.addEventListener('contextmenu', e => {
        const list = actions();
        if (!list.length) {
            return;
        }
        e.preventDefault();
        const box = target.getBoundingClientRect();
        const x = e.clientX || box.left + box.width / 2;
        const y = e.clientY || box.bottom;
        openMenu(list, x, y, target);
    });
    let timer = null;
    target.addEventListener('pointerdown', e => {
        if (e.pointerType !== 'touch') {
            return;
        }
        const { clientX, clientY } = e;
        timer = setTimeout(() => {
            const list = actions();
            if (list.length) {
                openMenu(list, clientX, clientY, target);
            }
        }, LONG_PRESS_MS);
    });
    const cancel = () => clearTimeout(timer);
    target.addEventListener('pointerup', cancel);
    target.addEventListener('pointermove', cancel);
    target.addEventListener('pointercancel', cancel);
}

function openMenu(actions, x, y, opener) {
    closeMenu();
    const el = h('div', { class: 'msg-menu', id: 'msg-menu', role: 'menu' });
    const items = () => setChildren(el, actions.map(a => h('button', { type: 'button', role: 'menuitem',
        class: `menu-item menu-${a.id}`, onclick: () => choose(a) }, a.label)));
    const choose = a => {
        if (a.confirm) {
            // the second step in the same place: what it does, and a way out
            setChildren(el, h('p', { class: 'menu-question', id: 'menu-question' }, a.confirm),
                h('div', { class: 'menu-buttons' },
                    h('button', { type: 'button', class: 'menu-item menu-cancel', onclick: () => closeMenu() }, t('list.cancel')),
                    h('button', { type: 'button', class: `menu-item danger menu-confirm-${a.id}`,
                        onclick: () => { closeMenu(); a.run(); } }, a.label)));
            el.querySelector('.menu-cancel').focus();
            return;
        }
        closeMenu();
        a.run();
    };
    items();
    const away = e => {
        if (!el.contains(e.target)) {
            closeMenu();
        }
    };
    const onKey = e => {
        if (e.key === 'Escape') {
            closeMenu();
        }
    };
    document.body.appendChild(el);
    // inside the window, next to where it was asked for
    const w = el.offsetWidth;
    const hgt = el.offsetHeight;
    el.style.left = `${Math.max(4, Math.min(x, window.innerWidth - w - 4))}px`;
    el.style.top = `${Math.max(4, Math.min(y, window.innerHeight - hgt - 4))}px`;
    setTimeout(() => document.addEventListener('pointerdown', away, true));
    document.addEventListener('keydown', onKey, true);
    current = { el, away, onKey, opener };
    el.querySelector('button').focus();
}

export function closeMenu() {
    if (!current) {
        return;
    }
    const { el, away, onKey, opener } = current;
    current = null;
    document.removeEventListener('pointerdown', away, true);
    document.removeEventListener('keydown', onKey, true);
    el.remove();
    if (opener && opener.isConnected && document.activeElement === document.body) {
        opener.focus();
    }
}
