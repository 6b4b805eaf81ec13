package io.medmsg.chat;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerExceptionResolver;
import tools.jackson.databind.json.JsonMapper;

import io.medmsg.auth.FastPathSecurity;
import io.medmsg.files.LinkBases;
import io.medmsg.records.Audit;
import io.medmsg.web.EnvelopeWriter;

@Configuration(proxyBeanMethods = false)
class ChatWebConfig {

    /**
     * After the request id, metrics and body limit filters, right before the security chain,
     * which it stands in for on the one request it answers.
     */
    @Bean
    FilterRegistrationBean<SendTextFastPath> sendTextFastPath(ChatController controller, FastPathSecurity security,
            JsonMapper json, EnvelopeWriter writer,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors, LinkBases linkBases, Audit audit) {
        FilterRegistrationBean<SendTextFastPath> bean =
                new FilterRegistrationBean<>(new SendTextFastPath(controller, security, json, writer, errors, linkBases, audit));
        bean.addUrlPatterns(SendTextFastPath.PATIENT, SendTextFastPath.DOCTOR);
        bean.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER - 1);
        return bean;
    }
}
