package io.medmsg.web;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * An answer whose JSON body may reach the client only once something else is done (a read's audit
 * record committed): the body is rendered at once, held in memory, and written when the condition
 * returns; if it throws instead, nothing was written and the error becomes the answer, as any
 * error of the request does ({@link HeldJsonConverter}). Rendering before waiting lets the wait
 * overlap the rendering, which is also cheaper on the thread that just built the body than after
 * the wait, when the body's objects have gone cold in the processor's cache (docs/benchmarks.md).
 */
public final class HeldAnswers {

    private static final String ATTRIBUTE = HeldAnswers.class.getName();

    private HeldAnswers() {
    }

    /** Whether a body written by this converter can be held (else the caller must wait first). */
    public static boolean canHold(Class<?> converterType) {
        return HeldJsonConverter.class.isAssignableFrom(converterType);
    }

    /** Holds the JSON body of this request's answer, which {@link #canHold} its converter, until {@code until} returns. */
    public static void holdUntil(HttpServletRequest request, Runnable until) {
        request.setAttribute(ATTRIBUTE, until);
    }

    /** The condition held on the current request, removed from it; null if none. */
    static Runnable take() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (!(attributes instanceof ServletRequestAttributes servlet)) {
            return null;
        }
        HttpServletRequest request = servlet.getRequest();
        Runnable until = (Runnable) request.getAttribute(ATTRIBUTE);
        if (until != null) {
            request.removeAttribute(ATTRIBUTE);
        }
        return until;
    }
}
