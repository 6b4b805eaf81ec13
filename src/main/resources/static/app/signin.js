// Sign-in. In demo mode a person picks a role and a user and gets a token from POST /demo/token;
// otherwise (and always as an option) pastes a token issued by the hospital's identity system.
// The token is handed to the app, which keeps it in sessionStorage (this tab only), never in a URL.

import { Api, demoAvailable, demoToken, readClaims } from './api.js';
import { errorDetails, errorText, h, setChildren } from './dom.js';
import { currentLang, onLangChange, setLang, t } from './i18n.js';

/** Every doctor of the directory (a few pages of 100), read with a demo token of a visitor. */
async function allDoctors() {
    const visitor = await demoToken('patient', 'demo-visitor', 'Demo visitor');
    const api = new Api(visitor.token, 'patient');
    const doctors = [];
    for (let page = 1; page <= 10; page++) {
        const answer = await api.doctors({ page, page_size: 100 });
        doctors.push(...answer.list);
        if (doctors.length >= answer.total || answer.list.length === 0) {
            break;
        }
    }
    return doctors;
}

/**
 * Shows the sign-in screen in `root`; calls `onSignedIn({token, role, id, name, expiresAt})`.
 * `notice` is an optional sentence to show first (e.g. "your sign-in has expired").
 */
export function showSignIn(root, onSignedIn, notice = null) {
    const state = {
        role: 'patient',
        demo: undefined, // true or false once known; null when it cannot be told (both ways offered)
        doctors: null,
        doctorId: '',
        patientId: 'p' + String(Math.floor(100000 + Math.random() * 900000)),
        patientName: null, // the default follows the language until someone types
        token: '',
        tokenOpen: false,
        // {prefix (an i18n key or ''), err, near: 'token' | 'demo'}: worded at each render, so
        // that a language switch rewords it; shown next to the form it is about
        failure: notice ? { prefix: '', err: { message: notice }, near: 'demo' } : null,
        busy: false,
    };

    const render = () => {
        const roleButton = role => h('button', {
            type: 'button', class: 'seg' + (state.role === role ? ' on' : ''), id: `role-${role}`,
            'aria-pressed': String(state.role === role),
            onclick: () => {
                state.role = role;
                state.failure = null;
                render();
                if (role === 'doctor') {
                    loadDoctors();
                }
            },
        }, t(`role.${role}`));
        const errorNear = near => (state.failure && state.failure.near === near
            ? h('div', { class: 'error', role: 'alert', id: 'signin-error' },
                (state.failure.prefix ? t(state.failure.prefix) : '') + errorText(state.failure.err),
                errorDetails(state.failure.err))
            : null);

        let demoBody;
        if (state.demo === undefined) {
            demoBody = h('p', { class: 'muted' }, '…');
        } else if (state.demo === false) {
            demoBody = h('p', { class: 'muted', id: 'demo-off' }, t('signin.demoOff'));
        } else {
            const fields = state.role === 'patient'
                ? [
                    h('label', { for: 'patient-id' }, t('signin.patientId')),
                    h('input', { id: 'patient-id', value: state.patientId, autocomplete: 'off', maxlength: 64,
                        oninput: e => { state.patientId = e.target.value; } }),
                    h('label', { for: 'patient-name' }, t('signin.patientName')),
                    h('input', { id: 'patient-name', value: state.patientName ?? (currentLang() === 'zh' ? '张三' : 'Zhang San'),
                        maxlength: 64,
                        oninput: e => { state.patientName = e.target.value; } }),
                ]
                : [
                    h('label', { for: 'doctor-select' }, t('signin.doctor')),
                    state.doctors === null
                        ? h('p', { class: 'muted' }, t('signin.loadingDoctors'))
                        : h('select', { id: 'doctor-select', onchange: e => { state.doctorId = e.target.value; } },
                            state.doctors.map(d => h('option', { value: d.doctor_id, selected: d.doctor_id === state.doctorId },
                                `${d.name} · ${d.title || ''} · ${d.dept || ''} (${d.doctor_id})`))),
                ];
            demoBody = h('form', { id: 'demo-form', class: 'form', onsubmit: e => { e.preventDefault(); signInDemo(); } },
                h('p', { class: 'muted' }, t('signin.demoHint')),
                fields,
                h('button', { type: 'submit', class: 'primary', id: 'demo-signin', disabled: state.busy }, t('signin.submit')));
        }

        setChildren(root, h('div', { class: 'signin' },
            h('div', { class: 'signin-card' },
                h('div', { class: 'signin-head' },
                    h('img', { src: 'app/icon.svg', alt: '', class: 'logo', width: 40, height: 40 }),
                    h('div', {}, h('h1', {}, t('app.name')), h('p', { class: 'muted' }, t('app.tagline'))),
                    h('button', { type: 'button', class: 'link lang', id: 'lang-switch',
                        onclick: () => setLang(currentLang() === 'zh' ? 'en' : 'zh') }, t('lang.switch'))),
                h('h2', {}, t('signin.title')),
                h('div', { class: 'segmented', role: 'group', 'aria-label': t('signin.as') },
                    roleButton('patient'), roleButton('doctor')),
                errorNear('demo'),
                demoBody,
                h('div', { class: 'or' }, h('span', {}, t('signin.or'))),
                h('details', { id: 'token-box', open: state.tokenOpen || state.demo === false,
                    ontoggle: e => { state.tokenOpen = e.target.open; } },
                    h('summary', {}, t('signin.token')),
                    h('form', { class: 'form', onsubmit: e => { e.preventDefault(); signInWithToken(); } },
                        h('label', { for: 'token-input' }, t('signin.tokenHint')),
                        h('textarea', { id: 'token-input', rows: 3, spellcheck: 'false', autocomplete: 'off',
                            'aria-describedby': state.failure && state.failure.near === 'token' ? 'signin-error' : null,
                            oninput: e => { state.token = e.target.value; } }, state.token),
                        errorNear('token'),
                        h('button', { type: 'submit', id: 'token-signin', disabled: state.busy }, t('signin.tokenSubmit')))))));
    };

    const fail = (prefix, err, near = 'demo') => {
        state.busy = false;
        state.failure = { prefix, err, near };
        if (near === 'token') {
            state.tokenOpen = true;
        }
        render();
    };

    const loadDoctors = async () => {
        if (state.doctors !== null || state.demo === false) {
            return;
        }
        try {
            state.doctors = await allDoctors();
            state.doctorId = state.doctorId || (state.doctors[0] && state.doctors[0].doctor_id) || '';
            render();
        } catch (err) {
            fail('error.load', err);
        }
    };

    const signInDemo = async () => {
        state.busy = true;
        state.failure = null;
        render();
        try {
            let id;
            let name;
            if (state.role === 'patient') {
                id = state.patientId.trim();
                name = (state.patientName ?? document.getElementById('patient-name').value).trim() || id;
            } else {
                id = state.doctorId;
                const doctor = (state.doctors || []).find(d => d.doctor_id === id);
                name = doctor ? doctor.name : id;
            }
            const answer = await demoToken(state.role, id, name);
            finish({ token: answer.token, role: state.role, id, name, expiresAt: answer.expires_at });
        } catch (err) {
            fail('error.signin', err);
        }
    };

    const signInWithToken = async () => {
        const token = state.token.trim();
        const claims = readClaims(token);
        if (!claims || !claims.sub) {
            fail('signin.badToken', { message: '' }, 'token');
            return;
        }
        if (claims.role !== 'patient' && claims.role !== 'doctor') {
            fail('', { message: t('signin.badRole', { role: String(claims.role) }) }, 'token');
            return;
        }
        state.busy = true;
        render();
        try {
            // one call that any role may make: the server says whether it accepts the token
            await new Api(token, claims.role).doctors({ page: 1, page_size: 1 });
            finish({ token, role: claims.role, id: claims.sub, name: claims.name || claims.sub,
                expiresAt: claims.exp ? claims.exp * 1000 : null });
        } catch (err) {
            fail('error.signin', err, 'token');
        }
    };

    const offLang = onLangChange(render);
    const finish = auth => {
        offLang();
        onSignedIn(auth);
    };

    render();
    demoAvailable().then(on => {
        state.demo = on;
        render();
        if (state.role === 'doctor') {
            loadDoctors();
        }
    });
}
