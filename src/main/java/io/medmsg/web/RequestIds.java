package io.medmsg.web;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

/** Where the id of the current request lives, and which client-sent ids we echo. */
public final class RequestIds {

    static final String HEADER = "X-Request-Id";
    static final String ATTRIBUTE = RequestIds.class.getName();
    private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private RequestIds() {
    }

    public static String of(HttpServletRequest request) {
        Object id = request.getAttribute(ATTRIBUTE);
        return id != null ? id.toString() : assign(request);
    }

    static String assign(HttpServletRequest request) {
        String id = accept(request.getHeader(HEADER));
        request.setAttribute(ATTRIBUTE, id);
        return id;
    }

    /** The id a client sent when it is one we echo, otherwise a new one. */
    static String accept(String sent) {
        return sent != null && ACCEPTABLE.matcher(sent).matches() ? sent : newId();
    }

    /**
     * A random (version 4) UUID from the thread's generator. A request id must be unique, not
     * unguessable: it is echoed to the caller and logged, and grants nothing. UUID.randomUUID's
     * SecureRandom read the system's generator under a lock for every request (0.8 % of an idle
     * new_msg's CPU, async-profiler).
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }
}
