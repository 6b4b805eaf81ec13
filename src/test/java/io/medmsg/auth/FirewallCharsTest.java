package io.medmsg.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/** The firewall's names and header values are allowed exactly when Spring Security's own predicates allow them. */
class FirewallCharsTest {

    @Test
    void everyCharacterIsJudgedAsSpringJudgesIt() {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            String one = String.valueOf((char) c);
            assertSame(one, "x" + one + "y");
        }
    }

    @Test
    void codePointsBeyondTheBasicPlaneAreJudgedAsSpringJudgesThem() {
        for (int cp = Character.MIN_SUPPLEMENTARY_CODE_POINT; cp <= Character.MAX_CODE_POINT; cp += 97) {
            assertSame(Character.toString(cp), "Bearer a" + Character.toString(cp));
        }
    }

    @Test
    void typicalHeadersAreJudgedAsSpringJudgesThem() {
        List<String> values = new ArrayList<>(List.of("", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwMSJ9.c2ln",
                "application/json; charset=utf-8", "a\tb", "\t", "a\nb", "a\rb", "x\u0000", "\u007F", "\u0085",
                "张医生", "\uD83D\uDE00 ok", "lone \uD800 high", "lone \uDC00 low", "\uDC00\uD800", "\u0378",
                "text\u200Bzero width", "\uFFFF", "\uE000 private use"));
        for (String value : values) {
            assertSame(value);
        }
    }

    private static void assertSame(String... strings) {
        for (String s : strings) {
            judgedAlike(s, StrictHttpFirewall.ALLOWED_HEADER_NAMES, FirewallChars::isName, "header name");
            judgedAlike(s, StrictHttpFirewall.ALLOWED_HEADER_VALUES, FirewallChars::isHeaderValue, "header value");
            judgedAlike(s, StrictHttpFirewall.ALLOWED_PARAMETER_NAMES, FirewallChars::isName, "parameter name");
        }
    }

    private static void judgedAlike(String s, Predicate<String> spring, Predicate<String> ours, String what) {
        assertThat(ours.test(s)).as("%s %s", what, s.codePoints().mapToObj(Integer::toHexString).toList())
                .isEqualTo(spring.test(s));
    }
}
