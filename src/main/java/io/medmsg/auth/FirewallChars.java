package io.medmsg.auth;

import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Spring Security's firewall checks, without their regular expressions. {@link StrictHttpFirewall}
 * tests every header name and value, and every parameter name, each time the application reads one,
 * against a regular expression of Unicode classes ({@code [\p{IsAssigned}&&[^\p{IsControl}]]*}, a
 * value also allowing a tab): for the Authorization header of 200 characters, read three times a
 * request, that took 6.2 % of the CPU of an idle {@code new_msg} (async-profiler,
 * docs/benchmarks.md). These are the same rules written as loops, with a quick path for the
 * printable ASCII that nearly every header is; {@code FirewallCharsTest} holds them to Spring's
 * predicates character by character.
 */
final class FirewallChars {

    private FirewallChars() {
    }

    /** A firewall as strict as Spring Security's default, with these checks. */
    static StrictHttpFirewall firewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(FirewallChars::isName);
        firewall.setAllowedHeaderValues(FirewallChars::isHeaderValue);
        firewall.setAllowedParameterNames(FirewallChars::isName);
        return firewall;
    }

    /** Spring's {@code [\p{IsAssigned}&&[^\p{IsControl}]]*}: header and parameter names. */
    static boolean isName(String s) {
        return allowed(s, false);
    }

    /** Spring's {@code [\p{IsAssigned}&&[[^\p{IsControl}]||\t]]*}: header values. */
    static boolean isHeaderValue(String s) {
        return allowed(s, true);
    }

    private static boolean allowed(String s, boolean tab) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7F) {
                return allowedFrom(s, i, tab);
            }
        }
        return true;
    }

    /** The rest of the string from {@code from}, code point by code point, as the regular expression reads it. */
    private static boolean allowedFrom(String s, int from, boolean tab) {
        for (int i = from; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int type = Character.getType(cp);
            if (type == Character.UNASSIGNED || (type == Character.CONTROL && !(tab && cp == '\t'))) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }
}
