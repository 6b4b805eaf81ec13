package io.medmsg.db;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SQL written for one row, made into one statement for many ({@link Database.Deferred}): each
 * copy of a part gets its row's number after every named parameter, and the rows' values are bound
 * under those names. Parts of one script that bind the same names take a tag each, which goes
 * before the number.
 */
public final class ManyRows {

    /** A named parameter, not PostgreSQL's {@code ::} cast. */
    private static final Pattern PARAMETER = Pattern.compile("(?<!:):(\\w+)");

    private ManyRows() {
    }

    /** {@code part} once for each of {@code rows} rows, its parameters tagged {@code tag} and numbered, joined by {@code separator}. */
    public static String repeat(String tag, String part, int rows, String separator) {
        StringBuilder sql = new StringBuilder();
        for (int row = 0; row < rows; row++) {
            if (row > 0) {
                sql.append(separator);
            }
            sql.append(of(tag, part, row));
        }
        return sql.toString();
    }

    /** {@code part} with its parameters numbered for row {@code row}. */
    public static String of(String part, int row) {
        return of("", part, row);
    }

    private static String of(String tag, String part, int row) {
        return PARAMETER.matcher(part).replaceAll(m -> Matcher.quoteReplacement(":" + m.group(1) + "_" + tag + row));
    }

    /** Binds row {@code row}'s values under the names {@link #repeat} gave its parameters. */
    public static void bind(Map<String, Object> params, int row, Map<String, ?> values) {
        bind("", params, row, values);
    }

    /** As {@link #bind(Map, int, Map)}, for parameters tagged {@code tag}. */
    public static void bind(String tag, Map<String, Object> params, int row, Map<String, ?> values) {
        values.forEach((name, value) -> params.put(name + "_" + tag + row, value));
    }
}
