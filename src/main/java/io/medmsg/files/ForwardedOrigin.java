package io.medmsg.files;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.util.UriComponentsBuilder;

import io.medmsg.config.TrustedProxies;

/**
 * The scheme, host and port a client used, as the proxies in front report them: {@code
 * Forwarded} (RFC 7239) when it says any of them, else {@code X-Forwarded-Host}, {@code -Proto}
 * and {@code -Port}. Null where nothing usable was said. Read only for a request whose peer is
 * a trusted proxy ({@link LinkBases}); a value that is no scheme, host or port is ignored, so a
 * header can never put a path or user info into a link.
 *
 * <p>Which of several values counts: the last one, which the nearest proxy added; of the elements
 * of {@code Forwarded}, the one added by the outermost proxy that is still trusted (walking back
 * while an element's {@code for} is itself a trusted proxy), as anything before it may have come
 * from the client.
 */
record ForwardedOrigin(String proto, String host, Integer port) {

    private static final Pattern HOST = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+)(?::(\\d{1,5}))?");

    /** What the request's headers say, believing them as if its peer were trusted. */
    static ForwardedOrigin of(HttpServletRequest request, TrustedProxies trusted) {
        List<Map<String, String>> elements = elements(Collections.list(request.getHeaders("Forwarded")));
        if (!elements.isEmpty()) {
            Map<String, String> e = outermostTrusted(elements, trusted);
            ForwardedOrigin said = new ForwardedOrigin(proto(e.get("proto")), e.get("host"), null).valid();
            if (said.proto != null || said.host != null) {
                return said;
            }
        }
        return new ForwardedOrigin(proto(last(request.getHeader("X-Forwarded-Proto"))),
                last(request.getHeader("X-Forwarded-Host")), port(last(request.getHeader("X-Forwarded-Port")))).valid();
    }

    boolean isEmpty() {
        return proto == null && host == null && port == null;
    }

    /**
     * The link base: what was forwarded over what the request itself says. A forwarded host or
     * scheme brings its own port (the host's, {@code X-Forwarded-Port}, or the scheme's default).
     */
    LinkBase over(HttpServletRequest request) {
        String scheme = proto != null ? proto : request.getScheme();
        String name = request.getServerName();
        int p = port != null ? port : proto != null || host != null ? -1 : request.getServerPort();
        if (host != null) {
            Matcher m = HOST.matcher(host);
            m.matches();
            name = m.group(1);
            if (m.group(2) != null) {
                p = Integer.parseInt(m.group(2));
            }
        }
        if (("http".equals(scheme) && p == 80) || ("https".equals(scheme) && p == 443)) {
            p = -1;
        }
        return new LinkBase(UriComponentsBuilder.newInstance().scheme(scheme).host(name).port(p)
                .path(request.getContextPath()).build().toUriString());
    }

    /** Drops what is no host (with optional port) or no port. */
    private ForwardedOrigin valid() {
        String h = host;
        if (h != null) {
            Matcher m = HOST.matcher(h);
            if (!m.matches() || (m.group(2) != null && port(m.group(2)) == null)) {
                h = null;
            }
        }
        return new ForwardedOrigin(proto, h, port);
    }

    /** The element whose {@code host} and {@code proto} are believed (see the class comment). */
    private static Map<String, String> outermostTrusted(List<Map<String, String>> elements, TrustedProxies trusted) {
        int i = elements.size() - 1;
        while (i > 0 && trusted.trusts(address(elements.get(i).get("for")))) {
            i--;
        }
        return elements.get(i);
    }

    /** The IP of a {@code for} value ({@code 192.0.2.1}, {@code 192.0.2.1:80}, {@code [2001:db8::1]:80}), else null. */
    private static String address(String node) {
        if (node == null) {
            return null;
        }
        if (node.startsWith("[")) {
            int end = node.indexOf(']');
            return end < 0 ? null : node.substring(1, end);
        }
        int colon = node.indexOf(':');
        return colon < 0 ? node : node.substring(0, colon);
    }

    /** Forwarded header values as elements of lower-case parameter names to unquoted values. */
    static List<Map<String, String>> elements(List<String> headers) {
        List<Map<String, String>> elements = new ArrayList<>();
        for (String header : headers) {
            Map<String, String> element = new HashMap<>();
            StringBuilder token = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i <= header.length(); i++) {
                char c = i < header.length() ? header.charAt(i) : ',';
                if (quoted) {
                    if (c == '\\' && i + 1 < header.length()) {
                        token.append(header.charAt(++i));
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        token.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ';' || c == ',') {
                    pair(token.toString(), element);
                    token.setLength(0);
                    if (c == ',') {
                        elements.add(element);
                        element = new HashMap<>();
                    }
                } else {
                    token.append(c);
                }
            }
        }
        return elements;
    }

    private static void pair(String pair, Map<String, String> element) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
            element.putIfAbsent(pair.substring(0, eq).strip().toLowerCase(Locale.ROOT), pair.substring(eq + 1).strip());
        }
    }

    private static String last(String list) {
        if (list == null) {
            return null;
        }
        String value = list.substring(list.lastIndexOf(',') + 1).strip();
        return value.isEmpty() ? null : value;
    }

    private static String proto(String value) {
        String p = value == null ? null : value.strip().toLowerCase(Locale.ROOT);
        return "http".equals(p) || "https".equals(p) ? p : null;
    }

    private static Integer port(String value) {
        if (value == null || !value.matches("\\d{1,5}")) {
            return null;
        }
        int p = Integer.parseInt(value);
        return p >= 1 && p <= 65535 ? p : null;
    }
}
