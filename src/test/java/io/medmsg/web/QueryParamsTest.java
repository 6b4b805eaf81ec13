package io.medmsg.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Objects;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.format.support.DefaultFormattingConversionService;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.support.ConfigurableWebBindingInitializer;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.method.annotation.RequestParamMethodArgumentResolver;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.mvc.method.annotation.ServletRequestDataBinderFactory;

/**
 * A text or numeric query parameter reads as Spring's own resolver read it: the same value, or the same
 * exception (which ApiExceptionHandler turns into the same 400), for every kind of parameter the
 * controllers declare.
 */
class QueryParamsTest {

    @SuppressWarnings("unused")
    private void declared(@RequestParam(defaultValue = "100") int limit,
            @RequestParam(name = "after_seq", defaultValue = "0") long afterSeq,
            @RequestParam(name = "before_seq", required = false) Long beforeSeq,
            @RequestParam int page,
            @RequestParam(required = false) String cursor,
            @RequestParam(defaultValue = "fhir") String format,
            @RequestParam(name = "session_id") String sessionId) {
    }

    private static MethodParameter parameter(int index) throws NoSuchMethodException {
        Method method = QueryParamsTest.class.getDeclaredMethod("declared", int.class, long.class, Long.class, int.class,
                String.class, String.class, String.class);
        MethodParameter parameter = new MethodParameter(method, index);
        parameter.initParameterNameDiscovery(new DefaultParameterNameDiscoverer());
        return parameter;
    }

    /** The parameter's index in {@link #declared}, and the query's value of it ("-": not given). */
    @ParameterizedTest
    @CsvSource({"0,-", "0,5", "0,' 5 '", "0,-3", "0,0x10", "0,#10", "0,abc", "0,1.5", "0,2147483648", "0,''",
            "1,-", "1,9223372036854775807", "1,9223372036854775808", "1,12", "2,-", "2,7", "2,x", "2,''", "3,-", "3,4",
            "3,1e3", "3,''", "4,-", "4,''", "4,abc", "4,' a b '", "5,-", "5,''", "5,csv", "6,-", "6,''", "6,0123abc"})
    void aParameterReadsAsSpringReadsIt(int index, String given) throws Exception {
        MethodParameter parameter = parameter(index);
        String name = parameter.getParameterAnnotation(RequestParam.class).name();
        name = name.isEmpty() ? parameter.getParameterName() : name;
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/");
        if (!given.equals("-")) {
            request.addParameter(name, given);
        }
        QueryParams ours = new QueryParams();
        assertThat(ours.supportsParameter(parameter)).isTrue();
        assertThat(outcome(ours, parameter, request)).matches("(value|mismatch|missing) .*")
                .isEqualTo(outcome(springs(), parameter, request));
    }

    private static HandlerMethodArgumentResolver springs() {
        return new RequestParamMethodArgumentResolver(false);
    }

    /** The value read, or the exception with what the error handler reads of it. */
    private static String outcome(HandlerMethodArgumentResolver resolver, MethodParameter parameter,
            MockHttpServletRequest request) {
        ConfigurableWebBindingInitializer binding = new ConfigurableWebBindingInitializer();
        binding.setConversionService(new DefaultFormattingConversionService());
        try {
            return "value " + Objects.toString(resolver.resolveArgument(parameter, null, new ServletWebRequest(request),
                    new ServletRequestDataBinderFactory(null, binding)));
        } catch (MethodArgumentTypeMismatchException e) {
            return "mismatch " + e.getName() + " " + e.getRequiredType() + " " + e.getValue();
        } catch (MissingServletRequestParameterException e) {
            return "missing " + e.getParameterName() + " " + e.getParameterType();
        } catch (Exception e) {
            return e.getClass().getName();
        }
    }
}
