package io.medmsg.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The error codes an endpoint answers besides those every endpoint can meet (see {@link ApiDocs}):
 * the OpenAPI document lists each under its HTTP status, with the envelope. A test validates every
 * answer of the API tests against the document, so a code that is answered but not listed here fails.
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ApiErrors {

    ErrorCode[] value();
}
