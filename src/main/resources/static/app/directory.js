// The doctor directory (patients): search, department filter, paging, and "consult".

import { errorDetails, errorText, h, initial, setChildren } from './dom.js';
import { addStrings, t } from './i18n.js';
import { initials, looksLikeInitials } from './pinyin.js';

addStrings({
    zh: { 'dir.consultWho': '咨询 {name}医生', 'dir.notAcceptingWho': '{name}医生暂停接诊', 'dir.continue': '继续咨询', 'dir.continueWho': '继续咨询 {name}医生',
        'dir.pick': '选择一位医生查看介绍，或直接点“咨询”。' },
    en: { 'dir.consultWho': 'Consult Dr {name}', 'dir.notAcceptingWho': 'Dr {name} is not accepting consultations',
        'dir.continue': 'Continue', 'dir.continueWho': 'Continue with Dr {name}', 'dir.pick': 'Choose a doctor to see their profile, or press Consult.' },
});

const PAGE_SIZE = 10;

export function avatar(name, url) {
    if (url && /^https?:\/\//i.test(url)) {
        return h('img', { class: 'avatar', src: url, alt: '', referrerpolicy: 'no-referrer' });
    }
    return h('span', { class: 'avatar', 'aria-hidden': 'true' }, initial(name));
}

/**
 * 咨询, named for the doctor ("咨询 王建国医生") so that screen readers tell the buttons apart;
 * disabled and labelled 暂停接诊 for a doctor who takes no new consultations, unless the patient
 * already has a conversation with them (an open consultation goes on).
 */
export function consultButton(app, d, extraClass = '') {
    const ongoing = !!app.store.byDoctor(d.doctor_id);
    const closed = d.accepting === false && !ongoing;
    return h('button', { type: 'button', class: `primary consult ${extraClass}`.trim(), 'data-doctor-id': d.doctor_id,
        disabled: closed,
        'aria-label': t(closed ? 'dir.notAcceptingWho' : ongoing ? 'dir.continueWho' : 'dir.consultWho', { name: d.name }),
        onclick: () => app.openDoctor(d) }, t(closed ? 'dir.notAccepting' : ongoing ? 'dir.continue' : 'dir.consult'));
}

/** A doctor in full, for the right-hand pane of a desktop while no conversation is open. */
export function doctorDetail(app, d) {
    return h('article', { class: 'doctor-detail', id: 'doctor-detail', 'data-doctor-id': d.doctor_id },
        h('div', { class: 'detail-head' }, avatar(d.name, d.avatar_url),
            h('div', {}, h('h2', {}, d.name, ' ', h('span', { class: 'muted detail-title' }, d.title || '')),
                h('div', { class: 'muted' }, [d.dept, d.hospital].filter(Boolean).join(' · ')))),
        d.accepting === false ? h('p', { class: 'detail-off', id: 'detail-off' }, t('chat.notAccepting')) : null,
        d.intro ? h('p', { class: 'detail-intro' }, d.intro) : null,
        consultButton(app, d, 'detail-consult'));
}

export class DirectoryView {
    constructor(app) {
        this.app = app;
        this.el = h('div', { class: 'directory', id: 'directory' });
        this.keyword = '';
        this.dept = '';
        this.page = 1;
        this.result = null;
        this.error = null;
        this.depts = null;
        this.request = 0;
        this.debounce = null;
        this.render();
        this.loadDepartments();
        this.search();
    }

    /** Departments for the filter: the distinct `dept` of the whole directory (a few pages of 100). */
    async loadDepartments() {
        try {
            const depts = new Set();
            const all = [];
            for (let page = 1; page <= 10; page++) {
                const answer = await this.app.api.doctors({ page, page_size: 100 });
                all.push(...answer.list);
                answer.list.forEach(d => d.dept && depts.add(d.dept));
                answer.list.forEach(d => this.app.rememberDoctor(d));
                if (page * 100 >= answer.total || answer.list.length === 0) {
                    break;
                }
            }
            this.depts = [...depts].sort((a, b) => a.localeCompare(b, 'zh-CN'));
            this.allDoctors = all;
            this.render();
        } catch (err) {
            this.app.showError(t('error.load'), err);
        }
    }

    /**
     * Pinyin initials ("wjg" for 王建国) are matched here against the directory read for the
     * department filter: the API's keyword is a substring of the Chinese fields.
     */
    localInitials() {
        const keyword = this.keyword.trim().toLowerCase();
        if (!looksLikeInitials(keyword) || !this.allDoctors) {
            return null;
        }
        const found = this.allDoctors.filter(d => (!this.dept || d.dept === this.dept)
            && (initials(d.name).startsWith(keyword) || initials(d.dept).startsWith(keyword)));
        return { list: found.slice((this.page - 1) * PAGE_SIZE, this.page * PAGE_SIZE), total: found.length };
    }

    async search() {
        const mine = ++this.request;
        const local = this.localInitials();
        if (local && local.total > 0) {
            this.result = local;
            this.error = null;
            this.renderResults();
            return;
        }
        try {
            const answer = await this.app.api.doctors({ keyword: this.keyword.trim(), dept: this.dept, page: this.page,
                page_size: PAGE_SIZE });
            if (mine !== this.request) {
                return; // an answer to an older query
            }
            answer.list.forEach(d => this.app.rememberDoctor(d));
            this.result = answer;
            this.error = null;
        } catch (err) {
            if (mine !== this.request) {
                return;
            }
            this.error = err;
        }
        this.renderResults();
    }

    render() {
        const input = h('input', { type: 'search', id: 'dir-search', value: this.keyword, placeholder: t('dir.search'),
            'aria-label': t('dir.search'), enterkeyhint: 'search',
            oninput: e => {
                this.keyword = e.target.value;
                clearTimeout(this.debounce);
                this.debounce = setTimeout(() => { this.page = 1; this.search(); }, 350);
            } });
        const select = h('select', { id: 'dept-filter', 'aria-label': t('dir.allDepts'),
            onchange: e => { this.dept = e.target.value; this.page = 1; this.search(); } },
        h('option', { value: '' }, t('dir.allDepts')),
        (this.depts || (this.dept ? [this.dept] : [])).map(d => h('option', { value: d, selected: d === this.dept }, d)));
        this.results = h('div', { class: 'results', id: 'dir-results', 'aria-live': 'polite' });
        setChildren(this.el,
            h('form', { class: 'dir-controls', role: 'search', onsubmit: e => {
                e.preventDefault();
                clearTimeout(this.debounce);
                this.keyword = input.value;
                this.page = 1;
                this.search();
            } }, input, h('button', { type: 'submit', id: 'dir-search-button' }, t('dir.searchButton')), select),
            this.results);
        this.renderResults();
    }

    renderResults() {
        if (!this.results) {
            return;
        }
        if (this.error) {
            setChildren(this.results, h('div', { class: 'error', role: 'alert' }, t('error.load') + errorText(this.error),
                errorDetails(this.error)));
            return;
        }
        if (!this.result) {
            setChildren(this.results, h('p', { class: 'muted pad' }, t('chat.loading')));
            return;
        }
        const { list, total } = this.result;
        const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
        const go = page => () => { this.page = page; this.search(); };
        setChildren(this.results,
            list.length === 0 ? h('p', { class: 'muted pad', id: 'dir-empty' }, t('dir.none')) : null,
            list.map(d => this.card(d)),
            h('nav', { class: 'pager', 'aria-label': 'pages' },
                h('button', { type: 'button', id: 'dir-prev', disabled: this.page <= 1, onclick: go(this.page - 1) },
                    t('dir.prev')),
                h('span', { class: 'muted', id: 'dir-page' }, `${t('dir.page', { page: this.page, pages })} · ${t('dir.total', { n: total })}`),
                h('button', { type: 'button', id: 'dir-next', disabled: this.page >= pages, onclick: go(this.page + 1) },
                    t('dir.next'))));
    }

    card(d) {
        const selected = this.app.selectedDoctor === d.doctor_id;
        return h('article', { class: 'doctor-card' + (d.accepting ? '' : ' off') + (selected ? ' selected' : ''),
            'data-doctor-id': d.doctor_id,
            // a tap on the card (not its button) shows the doctor in the right-hand pane on a desktop
            onclick: e => { if (!e.target.closest('button')) { this.app.selectDoctor(d); } } },
            avatar(d.name, d.avatar_url),
            h('div', { class: 'doctor-main' },
                h('div', { class: 'doctor-name' },
                    h('strong', {}, d.name), ' ', h('span', { class: 'muted' }, d.title || ''),
                    d.accepting ? null : h('span', { class: 'tag off' }, t('dir.notAccepting'))),
                h('div', { class: 'muted small' }, [d.dept, d.hospital].filter(Boolean).join(' · ')),
                d.intro ? h('p', { class: 'intro' }, d.intro) : null),
            consultButton(this.app, d));
    }
}
