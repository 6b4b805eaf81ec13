package io.medmsg.web.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * axe-core (src/test/resources/axe, vendored from npm) run in a page: the serious and critical
 * violations of WCAG 2.x A/AA and best practice, each as "rule: help (targets)".
 */
final class Axe {

    private static final String SOURCE = load();

    private Axe() {
    }

    private static String load() {
        try (InputStream in = Axe.class.getResourceAsStream("/axe/axe.min.js")) {
            if (in == null) {
                throw new IllegalStateException("src/test/resources/axe/axe.min.js is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<String> seriousViolations(Browser b) {
        if (!Boolean.TRUE.equals(b.js("return typeof window.axe === 'object'"))) {
            b.js(SOURCE);
        }
        Object found = b.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { resultTypes: ['violations'],
                        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } })
                    .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                        .map(v => v.id + ': ' + v.help + ' (' + v.nodes.map(n => n.target.join(' ')
                            + (n.any[0] && n.any[0].message ? ' [' + n.any[0].message + ']' : '')).slice(0, 6).join('; ') + ')')))
                    .catch(e => done(['axe failed: ' + e]));
                """);
        return (List<String>) found;
    }

}
