package io.medmsg.files;

/**
 * Where the client being answered reaches MedMsg ({@code scheme://host:port} and the context
 * path, no trailing slash): the start of the upload and download URLs of local storage. Resolved
 * once per request by {@link LinkBases} and handed down explicitly, because an answer may be
 * written long after the request arrived and on another thread (a woken long-poll, an event
 * stream), where no request is at hand. S3 presigned URLs ignore it.
 */
public record LinkBase(String url) {

    public LinkBase {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("a link base needs a URL");
        }
    }
}
