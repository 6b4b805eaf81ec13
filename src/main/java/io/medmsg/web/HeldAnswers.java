package io.medmsg.web;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
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

    /**
     * Holds the JSON body of this request's answer until {@code until} returns, if the body is
     * written by a converter that holds ({@link HeldJsonConverter}) on this thread, which must know
     * the request; returns false, holding nothing, otherwise: the caller must then wait itself.
     */
    public static boolean holdUntil(HttpServletRequest request, Class<?> converterType, Runnable until) {
        if (!canHold(converterType) || !sameRequest(current(), request)) {
            return false;
        }
        request.setAttribute(ATTRIBUTE, until);
        return true;
    }

    /** Whether a body written by this converter can be held. */
    static boolean canHold(Class<?> converterType) {
        return HeldJsonConverter.class.isAssignableFrom(converterType);
    }

    /** The condition held on the current request, removed from it; null if none. */
    static Runnable take() {
        HttpServletRequest request = current();
        if (request == null) {
            return null;
        }
        Runnable until = (Runnable) request.getAttribute(ATTRIBUTE);
        if (until != null) {
            request.removeAttribute(ATTRIBUTE);
        }
        return until;
    }

    /** Whether the two are the same request, whatever wrappers (Spring Security's) either wears. */
    private static boolean sameRequest(ServletRequest a, ServletRequest b) {
        return a != null && b != null && unwrapped(a) == unwrapped(b);
    }

    private static ServletRequest unwrapped(ServletRequest request) {
        ServletRequest inner = request;
        while (inner instanceof ServletRequestWrapper wrapper) {
            inner = wrapper.getRequest();
        }
        return inner;
    }

    private static HttpServletRequest current() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        return attributes instanceof ServletRequestAttributes servlet ? servlet.getRequest() : null;
    }
}
