// Voice notes recorded in the browser (MediaRecorder): hold the microphone button to talk and let
// go to send, or tap it once to start and again to send; ✕ cancels. The recording goes through
// the ordinary file flow as audio/webm (audio/mp4 where WebM is not recordable, as in Safari),
// named "语音-12s.webm" so that the bubble knows its length before the metadata does. Refused or
// missing microphones are explained next to the composer.

import { h, setChildren } from './dom.js';
import { addStrings, t } from './i18n.js';

addStrings({
    zh: { 'rec.start': '按住说话，松开发送（或点一下开始，再点一下发送）', 'rec.stop': '录音中 {s} 秒，松开或点击发送',
        'rec.cancel': '取消录音', 'rec.name': '语音', 'rec.denied': '无法使用麦克风：您拒绝了麦克风权限。请在浏览器地址栏左侧的网站设置中允许使用麦克风，然后再试。',
        'rec.none': '没有找到可用的麦克风。', 'rec.unsupported': '此浏览器或当前连接（非 HTTPS）不支持录音，可以发送录好的语音文件。',
        'rec.failed': '录音失败，请重试。', 'rec.short': '说话时间太短。' },
    en: { 'rec.start': 'Hold to talk, release to send (or tap to start and tap again to send)',
        'rec.stop': 'Recording {s} s: release or tap to send', 'rec.cancel': 'Cancel recording', 'rec.name': 'voice',
        'rec.denied': 'The microphone is blocked: you refused its permission. Allow the microphone in the site settings (left of the address bar) and try again.',
        'rec.none': 'No microphone was found.', 'rec.unsupported': 'This browser or this connection (not HTTPS) cannot record; you can send a recorded voice file instead.',
        'rec.failed': 'Recording failed. Please try again.', 'rec.short': 'Too short to send.' },
});

const HOLD_MS = 400;      // a press longer than this is "hold to talk"; shorter, a tap
const MIN_MS = 700;       // shorter recordings are not sent
const MAX_MS = 60_000;    // a voice note is at most a minute

/** A microphone drawn as SVG (an emoji needs a colour-emoji font, which many systems lack). */
function micIcon() {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '20');
    svg.setAttribute('height', '20');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    for (const d of ['M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3z',
        'M19 11a7 7 0 0 1-14 0M12 18v3M8 21h8']) {
        const path = document.createElementNS(ns, 'path');
        path.setAttribute('d', d);
        path.setAttribute('fill', 'none');
        path.setAttribute('stroke', 'currentColor');
        path.setAttribute('stroke-width', '2');
        path.setAttribute('stroke-linecap', 'round');
        svg.appendChild(path);
    }
    return svg;
}

function recordingType() {
    for (const type of ['audio/webm;codecs=opus', 'audio/webm', 'audio/mp4']) {
        if (globalThis.MediaRecorder && MediaRecorder.isTypeSupported(type)) {
            return type;
        }
    }
    return null;
}

/** The record button, its status line; `onRecorded(file)` gets the finished recording. */
export function voiceRecorder(onRecorded) {
    const status = h('p', { class: 'record-status', id: 'record-status', role: 'status', hidden: true });
    const label = h('span', { class: 'visually-hidden' }, t('rec.start'));
    const button = h('button', { type: 'button', class: 'record', id: 'record-button', 'aria-pressed': 'false' },
        micIcon(), label);
    const cancel = h('button', { type: 'button', class: 'record-cancel', id: 'record-cancel', hidden: true,
        'aria-label': t('rec.cancel'), onclick: () => stop(false) }, '✕');
    let rec = null; // {recorder, stream, chunks, started, timer, send}
    let pressedAt = 0;

    const say = (text, error = false) => {
        status.hidden = !text;
        status.classList.toggle('error-text', error);
        setChildren(status, text || '');
    };

    const start = async () => {
        const type = recordingType();
        if (!navigator.mediaDevices?.getUserMedia || !type) {
            say(t('rec.unsupported'), true);
            return;
        }
        let stream;
        try {
            stream = await navigator.mediaDevices.getUserMedia({ audio: true });
        } catch (err) {
            say(t(err && err.name === 'NotAllowedError' ? 'rec.denied'
                : err && err.name === 'NotFoundError' ? 'rec.none' : 'rec.failed'), true);
            return;
        }
        const recorder = new MediaRecorder(stream, { mimeType: type });
        const chunks = [];
        recorder.ondataavailable = e => e.data.size && chunks.push(e.data);
        rec = { recorder, stream, chunks, started: Date.now(), send: true, type };
        recorder.onstop = () => finish(rec === null ? null : rec);
        recorder.start(250);
        button.classList.add('on');
        button.setAttribute('aria-pressed', 'true');
        cancel.hidden = false;
        const tick = () => {
            const s = Math.floor((Date.now() - rec.started) / 1000);
            label.textContent = t('rec.stop', { s });
            say(t('rec.stop', { s }));
        };
        tick();
        rec.timer = setInterval(() => {
            tick();
            if (Date.now() - rec.started > MAX_MS) {
                stop(true);
            }
        }, 500);
    };

    const stop = send => {
        if (!rec) {
            return;
        }
        const current = rec;
        current.send = send;
        current.stopped = Date.now();
        clearInterval(current.timer);
        current.recorder.onstop = () => finish(current);
        current.recorder.stop();
        current.stream.getTracks().forEach(track => track.stop());
        rec = null;
        button.classList.remove('on');
        button.setAttribute('aria-pressed', 'false');
        label.textContent = t('rec.start');
        cancel.hidden = true;
    };

    const finish = current => {
        if (!current) {
            return;
        }
        const ms = (current.stopped || Date.now()) - current.started;
        if (!current.send) {
            say('');
            return;
        }
        if (ms < MIN_MS) {
            say(t('rec.short'), true);
            return;
        }
        say('');
        const mime = current.type.split(';')[0];
        const seconds = Math.max(1, Math.round(ms / 1000));
        const ext = mime === 'audio/mp4' ? 'm4a' : 'webm';
        onRecorded(new File(current.chunks, `${t('rec.name')}-${seconds}s.${ext}`, { type: mime }));
    };

    // hold to talk (pointer held past HOLD_MS, sent on release), or tap to start and tap to send
    button.addEventListener('pointerdown', e => {
        if (e.button !== 0) {
            return;
        }
        pressedAt = Date.now();
        if (!rec) {
            start();
        }
    });
    button.addEventListener('pointerup', () => {
        if (rec && Date.now() - pressedAt > HOLD_MS && Date.now() - rec.started > HOLD_MS) {
            stop(true);
        }
    });
    button.addEventListener('click', e => {
        // a tap that did not start the recording (keyboard, or the second tap) sends it
        if (e.detail === 0 && !rec) {
            start();
        } else if (rec && Date.now() - rec.started > HOLD_MS) {
            stop(true);
        }
    });
    return { button, cancel, status, stop: () => stop(false) };
}
