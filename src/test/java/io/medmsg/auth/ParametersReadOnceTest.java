package io.medmsg.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.web.firewall.RequestRejectedException;

/** The firewall reads a request's parameter map from the container once, and still refuses what the strict one refuses. */
class ParametersReadOnceTest {

    private final ParametersReadOnce firewall = new ParametersReadOnce(FirewallChars.firewall());

    @Test
    void theParameterMapIsReadFromTheContainerOnceARequest() {
        MockHttpServletRequest container = get("session_id", "s1", "after_seq", "4");
        AtomicInteger reads = new AtomicInteger();
        HttpServletRequest counted = new HttpServletRequestWrapper(container) {
            @Override
            public Map<String, String[]> getParameterMap() {
                reads.incrementAndGet();
                return super.getParameterMap();
            }
        };

        HttpServletRequest request = firewall.getFirewalledRequest(counted);
        Map<String, String[]> first = request.getParameterMap();
        Map<String, String[]> second = request.getParameterMap();

        assertThat(reads).hasValue(1);
        assertThat(second).isSameAs(first);
        assertThat(first).containsOnlyKeys("session_id", "after_seq");
        assertThat(first.get("after_seq")).containsExactly("4");
    }

    @Test
    void eachRequestGetsItsOwnParameters() {
        HttpServletRequest waits = firewall.getFirewalledRequest(get("wait", "30"));
        HttpServletRequest idle = firewall.getFirewalledRequest(get("after_seq", "1"));

        assertThat(waits.getParameterMap()).containsOnlyKeys("wait");
        assertThat(idle.getParameterMap()).containsOnlyKeys("after_seq");
    }

    @Test
    void aParameterNameTheStrictFirewallRefusesIsStillRefused() {
        HttpServletRequest request = firewall.getFirewalledRequest(get("bad\u0007name", "1"));

        assertThatThrownBy(request::getParameterMap).isInstanceOf(RequestRejectedException.class);
        assertThatThrownBy(request::getParameterMap).isInstanceOf(RequestRejectedException.class);
    }

    @Test
    void aPathTheStrictFirewallRefusesIsRefusedBeforeAnyParameterIsRead() {
        MockHttpServletRequest encodedSlash = get("a", "1");
        encodedSlash.setRequestURI("/msg_service/msg/patient/new_msg%2F..");

        assertThatThrownBy(() -> firewall.getFirewalledRequest(encodedSlash)).isInstanceOf(RequestRejectedException.class);
    }

    private static MockHttpServletRequest get(String... nameValues) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/msg_service/msg/patient/new_msg");
        for (int i = 0; i < nameValues.length; i += 2) {
            request.addParameter(nameValues[i], nameValues[i + 1]);
        }
        return request;
    }
}
