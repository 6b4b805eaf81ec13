// What to tell a person about a failed call, in their language. Every error code of API.md has a
// short sentence of its own; the server's `msg` (English, sometimes long: a MIME list, a byte
// count) is only offered in a folded details line. retryable() says whether trying again can
// succeed: only without a connection, after a 429's Retry-After, and on a 5xx.

import { addStrings, t } from './i18n.js';

addStrings({
    zh: {
        'err.40001': '请求内容有误，请检查后再试。',
        'err.40002': '列表位置已失效，请刷新。',
        'err.40101': '登录已失效，请重新登录。',
        'err.40301': '当前身份不能进行此操作。',
        'err.40302': '文件链接已过期，请重新打开会话。',
        'err.40401': '找不到该医生、会话或文件。',
        'err.40501': '不支持此操作。',
        'err.40801': '网络太慢，上传中断，请重试。',
        'err.40901': '这条消息与之前发送的内容冲突，请重新编辑后发送。',
        'err.40902': '该医生暂停接诊，暂时无法咨询。',
        'err.40903': '文件尚未就绪，请重新选择文件。',
        'err.40904': '已超过 2 分钟，不能撤回。',
        'err.40905': '当前没有进行中的问诊。',
        'err.40906': '本次问诊的提问次数已用完。',
        'err.40907': '问诊状态已变化，请刷新后再试。',
        'err.41301': '文件太大。',
        'err.41301.limit': '文件太大（上限 {limit}）。',
        'err.41501': '不支持此文件类型，或文件内容与类型不符。请发送图片、语音、视频或 PDF。',
        'err.43101': '登录信息过长，请重新登录。',
        'err.42201': '文件上传不完整，请重新选择文件。',
        'err.42202': '消息含有不允许发送的内容，请修改后再发。',
        'err.42901': '操作太频繁，请稍后再试。',
        'err.42901.wait': '操作太频繁，请 {s} 秒后再试。',
        'err.50001': '服务器出错了，请稍后重试。',
        'err.50301': '服务暂时不可用，请稍后重试。',
        'err.50701': '服务器存储已满，暂时无法保存，请稍后重试。',
        'err.other4': '请求未被接受（{status}）。',
        'err.other5': '服务器出错了（{status}），请稍后重试。',
        'err.details': '详情',
    },
    en: {
        'err.40001': 'Something in the request is not right. Check it and try again.',
        'err.40002': 'The list position is out of date. Reload.',
        'err.40101': 'Your sign-in is no longer valid. Sign in again.',
        'err.40301': 'Your role cannot do this.',
        'err.40302': 'The file link has expired. Open the conversation again.',
        'err.40401': 'No such doctor, conversation or file.',
        'err.40501': 'This is not supported.',
        'err.40801': 'The network was too slow and the upload stopped. Try again.',
        'err.40901': 'This message conflicts with one sent before. Edit it and send it again.',
        'err.40902': 'This doctor is not taking consultations at the moment.',
        'err.40903': 'The file is not ready. Choose it again.',
        'err.40904': 'More than 2 minutes have passed: it can no longer be recalled.',
        'err.40905': 'There is no open consultation.',
        'err.40906': 'All messages of this consultation are used up.',
        'err.40907': 'The consultation changed. Reload and try again.',
        'err.41301': 'The file is too large.',
        'err.41301.limit': 'The file is too large (at most {limit}).',
        'err.41501': 'This file type is not supported, or the file is not what its type says. Send a picture, voice note, video or PDF.',
        'err.43101': 'Your sign-in data is too long. Sign in again.',
        'err.42201': 'The upload arrived incomplete. Choose the file again.',
        'err.42202': 'The message contains something that may not be sent. Edit it and send again.',
        'err.42901': 'Too many requests. Try again shortly.',
        'err.42901.wait': 'Too many requests. Try again in {s} s.',
        'err.50001': 'The server had a problem. Try again shortly.',
        'err.50301': 'The service is briefly unavailable. Try again shortly.',
        'err.50701': 'The server\'s storage is full; nothing was saved. Try again later.',
        'err.other4': 'The request was not accepted ({status}).',
        'err.other5': 'The server had a problem ({status}). Try again shortly.',
        'err.details': 'Details',
    },
});

/** The short sentence for `err` (an ApiError, or any Error whose message is already ours). */
export function errorMessage(err) {
    if (!err || err.name !== 'ApiError') {
        return err && typeof err.message === 'string' ? err.message : String(err);
    }
    if (err.status === 0) {
        return t('error.network');
    }
    if (err.code === 41301) {
        const bytes = /(\d{4,})\s*bytes/.exec(err.message || '');
        return bytes ? t('err.41301.limit', { limit: megabytes(Number(bytes[1])) }) : t('err.41301');
    }
    if (err.code === 42901 && err.retryAfter) {
        return t('err.42901.wait', { s: err.retryAfter });
    }
    const key = `err.${err.code}`;
    if (err.code && t(key) !== key) {
        return t(key);
    }
    return t(err.status >= 500 ? 'err.other5' : 'err.other4', { status: err.status });
}

/** The server's own words and the request id, for the details line; null when there are none. */
export function errorDetail(err) {
    if (!err || err.name !== 'ApiError' || err.status === 0) {
        return null;
    }
    const parts = [err.code ? String(err.code) : `HTTP ${err.status}`, err.message, err.requestId].filter(Boolean);
    return parts.join(' · ');
}

/** Whether the same call can succeed later: no connection, rate limited, or the server's fault. */
export function retryable(err) {
    if (!err || err.name !== 'ApiError') {
        return false;
    }
    return err.status === 0 || err.status === 429 || err.status === 408 || err.status >= 500;
}

/** When a retry may start (ms since the epoch): after Retry-After, else at once. */
export function retryAt(err) {
    return err && err.retryAfter ? (err.at || Date.now()) + err.retryAfter * 1000 : 0;
}

function megabytes(bytes) {
    const mb = bytes / 1024 / 1024;
    return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}
