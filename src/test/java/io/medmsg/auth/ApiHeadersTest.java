package io.medmsg.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.web.header.HeaderWriter;
import org.springframework.security.web.header.writers.CacheControlHeadersWriter;
import org.springframework.security.web.header.writers.HstsHeaderWriter;
import org.springframework.security.web.header.writers.XContentTypeOptionsHeaderWriter;
import org.springframework.security.web.header.writers.XXssProtectionHeaderWriter;
import org.springframework.security.web.header.writers.frameoptions.XFrameOptionsHeaderWriter;

/** The headers of every answer are those Spring Security's own writers, configured as they were, wrote. */
class ApiHeadersTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theHeadersAreThoseOfSpringSecuritysWriters(boolean https) {
        List<HeaderWriter> springs = List.of(new XContentTypeOptionsHeaderWriter(), new XXssProtectionHeaderWriter(),
                new CacheControlHeadersWriter(), new HstsHeaderWriter(),
                new XFrameOptionsHeaderWriter(XFrameOptionsHeaderWriter.XFrameOptionsMode.DENY));
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/msg_service/msg/patient/new_msg");
        request.setSecure(https);
        MockHttpServletResponse theirs = new MockHttpServletResponse();
        springs.forEach(writer -> writer.writeHeaders(request, theirs));
        MockHttpServletResponse ours = new MockHttpServletResponse();
        new ApiHeaders().writeHeaders(request, ours);

        assertThat(ours.getHeaderNames()).containsExactlyElementsOf(theirs.getHeaderNames()).hasSize(https ? 7 : 6);
        for (String name : theirs.getHeaderNames()) {
            assertThat(ours.getHeaders(name)).as(name).isEqualTo(theirs.getHeaders(name));
        }
    }
}
