// Pinyin initials of Chinese text ("王建国" → "wjg"), for searching the directory by initials as
// patients do on phone keyboards. No dictionary: the browser's Chinese collation sorts characters
// by pinyin, so a character's initial is that of the last boundary character not after it (the
// first character of each initial in that order). Polyphonic characters get their most common
// reading; letters and digits stay as they are.

const LETTERS = 'abcdefghjklmnopqrstwxyz';
const BOUNDARIES = '阿芭擦搭蛾发噶哈击喀垃妈拿哦啪期然撒塌挖昔压匝';
const collator = new Intl.Collator('zh-Hans-CN-u-co-pinyin');
const cache = new Map();

/** Whether this browser sorts Chinese by pinyin (else initials are not offered). */
export const pinyinAvailable = collator.compare('阿', '芭') < 0 && collator.compare('芭', '擦') < 0
    && collator.compare('压', '匝') < 0;

function initialOf(ch) {
    if (/[a-z0-9]/i.test(ch)) {
        return ch.toLowerCase();
    }
    if (!/\p{Script=Han}/u.test(ch)) {
        return '';
    }
    if (!cache.has(ch)) {
        let letter = '';
        for (let i = BOUNDARIES.length - 1; i >= 0; i--) {
            if (collator.compare(ch, BOUNDARIES[i]) >= 0) {
                letter = LETTERS[i];
                break;
            }
        }
        cache.set(ch, letter);
    }
    return cache.get(ch);
}

export function initials(text) {
    return Array.from(text || '', initialOf).join('');
}

/** Whether a keyword is meant as initials: two or more Latin letters and nothing else. */
export function looksLikeInitials(keyword) {
    return pinyinAvailable && /^[a-z]{2,}$/i.test(keyword.trim());
}
