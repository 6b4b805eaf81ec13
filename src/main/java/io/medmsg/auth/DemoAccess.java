package io.medmsg.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;

/**
 * Who may have a demo token. Demo mode is the default run and mints admin tokens, so a demo
 * reachable from a network would be an open admin API: only a client on this machine (its
 * connection from 127.0.0.0/8 or ::1) is answered, unless {@code medmsg.demo.allow-remote=true}.
 *
 * <p>Forwarding headers are never read as the client's address. A request carrying one came
 * through a proxy, which may well connect from loopback on behalf of anyone, so it is not local.
 *
 * <p>Refused with 403/40301 rather than 404: whether demo mode is on is no secret (the web client
 * shows it), and the message tells the person trying a demo from another machine what to set.
 */
final class DemoAccess {

    private static final List<String> PROXY_HEADERS = List.of("Forwarded", "X-Forwarded-For", "X-Real-IP");
    /** An IP literal: anything else would make InetAddress ask DNS. */
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    private final boolean allowRemote;

    DemoAccess(boolean allowRemote) {
        this.allowRemote = allowRemote;
    }

    void check(HttpServletRequest request) {
        if (!allows(request)) {
            throw new ApiException(ErrorCode.FORBIDDEN_ROLE, "demo tokens are handed out only to clients on the server's "
                    + "own machine; set medmsg.demo.allow-remote=true to hand them to anyone who can reach it");
        }
    }

    boolean allows(HttpServletRequest request) {
        if (allowRemote) {
            return true;
        }
        for (String header : PROXY_HEADERS) {
            if (request.getHeader(header) != null) {
                return false;
            }
        }
        return isLoopback(request.getRemoteAddr());
    }

    static boolean isLoopback(String address) {
        if (address == null) {
            return false;
        }
        String literal = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1)
                : address;
        if (!IP_LITERAL.matcher(literal).matches()) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException notAnAddress) {
            return false;
        }
    }
}
