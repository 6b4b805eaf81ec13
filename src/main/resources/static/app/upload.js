// The upload flow of API.md "Files": pre_upload (a slot) → PUT the bytes to upload_url with
// upload_headers (XMLHttpRequest, for upload progress) → upload_access (the server checks size,
// sha256 and the leading bytes, and makes the file ready). The result's file_id goes into
// send_res_msg.

import { ApiError, retryAfterOf } from './api.js';

export const ACCEPT = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'audio/mpeg', 'audio/mp4', 'audio/aac',
    'audio/amr', 'audio/webm', 'audio/ogg', 'video/mp4', 'application/pdf'];

const BY_EXTENSION = {
    jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp',
    mp3: 'audio/mpeg', m4a: 'audio/mp4', aac: 'audio/aac', amr: 'audio/amr', weba: 'audio/webm',
    ogg: 'audio/ogg', oga: 'audio/ogg', opus: 'audio/ogg', mp4: 'video/mp4', pdf: 'application/pdf',
};

const ALIASES = { 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg', 'audio/mp3': 'audio/mpeg',
    'audio/x-m4a': 'audio/mp4', 'audio/m4a': 'audio/mp4', 'audio/x-aac': 'audio/aac', 'audio/opus': 'audio/ogg' };

// headers a page may not set itself; the browser writes them from the body
const FORBIDDEN = new Set(['content-length', 'host', 'connection', 'accept-encoding', 'expect']);

/** The type to declare for a picked file: what the browser says, normalised, else by extension. */
export function mimeTypeOf(file) {
    const declared = (file.type || '').toLowerCase();
    if (declared) {
        return ALIASES[declared] || declared;
    }
    const ext = (file.name.split('.').pop() || '').toLowerCase();
    return BY_EXTENSION[ext] || 'application/octet-stream';
}

async function sha256Hex(file) {
    if (!globalThis.crypto?.subtle) {
        return null; // plain http on a LAN address: sha256 is optional, the server checks the rest
    }
    const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
    return Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Uploads `file`; `onProgress(fraction)` follows the PUT. Resolves to the ready file
 * ({file_id, url, mime_type, ...}); rejects with an ApiError whose message says what went wrong.
 */
export async function uploadFile(api, file, onProgress = () => {}) {
    const mimeType = mimeTypeOf(file);
    const sha256 = await sha256Hex(file);
    const body = { file_name: file.name, size: file.size, mime_type: mimeType };
    if (sha256) {
        body.sha256 = sha256;
    }
    const slot = await api.chatPost('file/pre_upload', body);
    await put(slot, file, mimeType, onProgress);
    onProgress(1);
    return api.chatPost('file/upload_access', { file_id: slot.file_id });
}

function put(slot, file, mimeType, onProgress) {
    return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open(slot.upload_method || 'PUT', slot.upload_url);
        const headers = slot.upload_headers || {};
        for (const [name, value] of Object.entries(headers)) {
            if (!FORBIDDEN.has(name.toLowerCase())) {
                xhr.setRequestHeader(name, value);
            }
        }
        if (!Object.keys(headers).some(name => name.toLowerCase() === 'content-type')) {
            xhr.setRequestHeader('Content-Type', mimeType);
        }
        xhr.upload.onprogress = e => {
            if (e.lengthComputable && e.total > 0) {
                onProgress(Math.min(0.99, e.loaded / e.total));
            }
        };
        xhr.onload = () => {
            if (xhr.status >= 200 && xhr.status < 300) {
                resolve();
                return;
            }
            // MedMsg's own upload URL answers with the envelope; an object store with XML
            let msg = `HTTP ${xhr.status}`;
            let code = 0;
            try {
                const envelope = JSON.parse(xhr.responseText);
                msg = envelope.msg || msg;
                code = envelope.code || 0;
            } catch {
                // not JSON
            }
            reject(new ApiError(xhr.status, code, msg, null, retryAfterOf(xhr.getResponseHeader('Retry-After'))));
        };
        xhr.onerror = () => reject(new ApiError(0, 0, null, null));
        xhr.onabort = () => reject(new ApiError(0, 0, null, null));
        xhr.send(file);
    });
}
