package io.medmsg.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A mapping taken only when the request gives this query parameter, with or without a value: what
 * {@code params = "wait"} states, read as that one parameter (see {@link ApiMapping}). When a
 * mapping of the same route without it matches too, this one is taken.
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface WhenGiven {

    /** The parameter's name. */
    String value();
}
