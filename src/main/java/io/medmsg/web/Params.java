package io.medmsg.web;

/** Range checks for request parameters, each failure naming the parameter. */
public final class Params {

    private Params() {
    }

    public static int range(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw ApiException.badParameter(name + " must be between " + min + " and " + max);
        }
        return value;
    }

    public static long atLeast(String name, long value, long min) {
        if (value < min) {
            throw ApiException.badParameter(name + " must be at least " + min);
        }
        return value;
    }

    public static String required(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw ApiException.badParameter(name + " is required");
        }
        return value;
    }
}
