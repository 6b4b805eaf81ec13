package io.medmsg.auth;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.web.firewall.FirewalledRequest;
import org.springframework.security.web.firewall.HttpFirewall;

/**
 * A firewall that checks a request's parameter map once. Spring MVC asks for the whole map to
 * choose between the mappings of {@code new_msg} and {@code new_session} with and without
 * {@code wait}: twice a request, and each time Jetty copied its parameters into a new map and the
 * strict firewall checked every name and value of the copy again, 2.6 % of an idle poll's CPU
 * (async-profiler, docs/benchmarks.md). A request's parameters do not change while the chain
 * handles it (a new dispatch is filtered again, with a firewalled request of its own).
 */
final class ParametersReadOnce implements HttpFirewall {

    private final HttpFirewall checks;

    ParametersReadOnce(HttpFirewall checks) {
        this.checks = checks;
    }

    @Override
    public FirewalledRequest getFirewalledRequest(HttpServletRequest request) {
        return new Request(checks.getFirewalledRequest(request));
    }

    @Override
    public HttpServletResponse getFirewalledResponse(HttpServletResponse response) {
        return checks.getFirewalledResponse(response);
    }

    private static final class Request extends FirewalledRequest {
        private final FirewalledRequest checked;
        private Map<String, String[]> parameters;

        Request(FirewalledRequest checked) {
            super(checked);
            this.checked = checked;
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            Map<String, String[]> read = parameters;
            if (read == null) {
                read = checked.getParameterMap();
                parameters = read;
            }
            return read;
        }

        @Override
        public void reset() {
            checked.reset();
        }
    }
}
