package io.medmsg.web;

import java.util.UUID;
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
        return sent != null && ACCEPTABLE.matcher(sent).matches() ? sent : UUID.randomUUID().toString();
    }
}
