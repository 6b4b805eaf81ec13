// A doctor's quick replies (常用语): phrases put into the composer with one tap, kept in this
// browser per doctor (localStorage), a few sensible ones to start with; the doctor adds what is
// in the composer, or removes one.

import { h, setChildren } from './dom.js';
import { addStrings, currentLang, t } from './i18n.js';

addStrings({
    zh: { 'quick.toggle': '常用语', 'quick.add': '把输入框中的内容存为常用语', 'quick.remove': '删除常用语：{text}',
        'quick.empty': '还没有常用语。', 'quick.use': '使用常用语：{text}' },
    en: { 'quick.toggle': 'Quick replies', 'quick.add': 'Save what is in the composer as a quick reply',
        'quick.remove': 'Remove quick reply: {text}', 'quick.empty': 'No quick replies yet.', 'quick.use': 'Use quick reply: {text}' },
});

const DEFAULTS = {
    zh: ['您好，我是您的接诊医生，请详细描述一下您的症状和持续时间。', '请问有没有药物过敏史？', '方便的话请上传相关的检查报告或照片。',
        '建议尽快到医院线下就诊。', '如症状加重，请及时到急诊就医。'],
    en: ['Hello, I am your doctor. Please describe your symptoms and how long you have had them.',
        'Do you have any drug allergies?', 'If you can, please upload your test reports or photos.',
        'Please see a doctor in person soon.', 'If it gets worse, please go to the emergency department.'],
};

const keyOf = doctorId => `medmsg.quickReplies.${doctorId}`;

export function loadQuickReplies(doctorId) {
    try {
        const saved = JSON.parse(localStorage.getItem(keyOf(doctorId)));
        if (Array.isArray(saved)) {
            return saved.filter(x => typeof x === 'string');
        }
    } catch {
        // unreadable: start again from the defaults
    }
    return [...DEFAULTS[currentLang()]];
}

function save(doctorId, list) {
    localStorage.setItem(keyOf(doctorId), JSON.stringify(list));
}

/** The toggle button and its panel; `insert(text)` puts a phrase into the composer, `draft()` reads it. */
export function quickReplies(doctorId, insert, draft) {
    const panel = h('div', { class: 'quick-panel', id: 'quick-panel', hidden: true });
    const toggle = h('button', { type: 'button', class: 'quick-toggle', id: 'quick-toggle', 'aria-expanded': 'false',
        'aria-controls': 'quick-panel', onclick: () => {
            panel.hidden = !panel.hidden;
            toggle.setAttribute('aria-expanded', String(!panel.hidden));
            render();
        } }, t('quick.toggle'));
    const render = () => {
        const list = loadQuickReplies(doctorId);
        setChildren(panel,
            list.length ? h('ul', { class: 'quick-list' }, list.map((text, i) => h('li', {},
                h('button', { type: 'button', class: 'quick-use', 'aria-label': t('quick.use', { text }),
                    onclick: () => { insert(text); panel.hidden = true; toggle.setAttribute('aria-expanded', 'false'); } }, text),
                h('button', { type: 'button', class: 'link quick-remove', 'aria-label': t('quick.remove', { text }),
                    onclick: () => { save(doctorId, list.filter((_, j) => j !== i)); render(); } }, '×'))))
                : h('p', { class: 'muted small' }, t('quick.empty')),
            h('button', { type: 'button', class: 'link quick-add', id: 'quick-add', onclick: () => {
                const text = draft().trim();
                if (text && !list.includes(text)) {
                    save(doctorId, [...list, text]);
                }
                render();
            } }, '+ ' + t('quick.add')));
    };
    return { toggle, panel };
}
