// A voice note as a bubble: a play button and the duration (12″), its width growing with the
// length as in the messaging apps; the <audio> element plays it and is not shown. The duration is
// read from the file's metadata (a browser-recorded WebM has none until it is scanned to its end,
// hence the seek), else from a "…-12s.webm" name the recorder gives its files.

import { h } from './dom.js';
import { addStrings, t } from './i18n.js';

addStrings({
    zh: { 'chat.playVoice': '播放语音', 'chat.playVoiceFor': '播放 {s} 秒语音' },
    en: { 'chat.playVoice': 'Play voice note', 'chat.playVoiceFor': 'Play {s} s voice note' },
});

/** The duration in seconds encoded in a recorded file's name ("语音-12s.webm"), or null. */
export function durationFromName(name) {
    const m = /-(\d{1,3})s\.\w+$/.exec(name || '');
    return m ? Number(m[1]) : null;
}

export function voiceBubble(resource) {
    const audio = h('audio', { preload: 'metadata', src: resource.url, class: 'voice-audio' });
    const label = h('span', { class: 'voice-duration' }, '');
    const icon = h('span', { class: 'voice-icon', 'aria-hidden': 'true' }, '▶');
    const button = h('button', { type: 'button', class: 'voice-play', 'aria-label': t('chat.playVoice'),
        onclick: () => (audio.paused ? audio.play().catch(() => {}) : audio.pause()) }, icon, label);
    const bubble = h('div', { class: 'bubble voice' }, button, audio);
    const show = seconds => {
        if (!Number.isFinite(seconds) || seconds <= 0) {
            return;
        }
        const s = Math.max(1, Math.round(seconds));
        label.textContent = `${s}″`;
        bubble.dataset.duration = String(s);
        button.setAttribute('aria-label', t('chat.playVoiceFor', { s }));
        button.style.minWidth = `${Math.min(220, 72 + s * 4)}px`;
    };
    show(durationFromName(resource.file_name));
    audio.addEventListener('loadedmetadata', () => {
        if (audio.duration === Infinity) {
            audio.currentTime = 1e7; // WebM from MediaRecorder: scan to the end to learn the length
            audio.addEventListener('durationchange', () => {
                if (Number.isFinite(audio.duration)) {
                    show(audio.duration);
                    audio.currentTime = 0;
                }
            }, { once: true });
        } else {
            show(audio.duration);
        }
    });
    audio.addEventListener('play', () => { icon.textContent = '❚❚'; bubble.classList.add('playing'); });
    const stopped = () => { icon.textContent = '▶'; bubble.classList.remove('playing'); };
    audio.addEventListener('pause', stopped);
    audio.addEventListener('ended', stopped);
    return bubble;
}
