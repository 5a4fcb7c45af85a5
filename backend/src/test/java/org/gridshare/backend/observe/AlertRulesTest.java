package org.gridshare.backend.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The alert rule file parses as Prometheus rules and names only metrics the backend exports. */
class AlertRulesTest {
    private static final Path RULES = Path.of("..", "docs", "alerts", "gridshare-backend.rules.yaml");
    private static final Pattern METRIC = Pattern.compile("gridshare_[a-z_]+");

    @Test
    @SuppressWarnings("unchecked")
    void every_rule_names_exported_metrics() throws Exception {
        Map<String, Object> doc = new Yaml().load(Files.readString(RULES, StandardCharsets.UTF_8));
        List<Map<String, Object>> groups = (List<Map<String, Object>>) doc.get("groups");
        assertEquals(1, groups.size());
        List<Map<String, Object>> rules =
                (List<Map<String, Object>>) groups.get(0).get("rules");
        assertTrue(rules.size() >= 3, "meter silent, batch not settled, rejects high");
        String scrape = new String(new BackendMetrics().scrape(), StandardCharsets.UTF_8);
        List<String> named = new ArrayList<>();
        for (Map<String, Object> r : rules) {
            assertFalse(((String) r.get("alert")).isBlank());
            Matcher m = METRIC.matcher((String) r.get("expr"));
            while (m.find()) {
                String name = m.group().replaceFirst("_total$", "");
                named.add(name);
                assertTrue(BackendMetrics.NAMES.contains(name), name + " in " + r.get("alert") + " is not exported");
            }
        }
        for (String n : List.of(
                BackendMetrics.METER_LAST_VERIFIED, BackendMetrics.BATCH_OLDEST_UNSETTLED, BackendMetrics.REJECTED)) {
            assertTrue(named.contains(n), n + " has no alert");
        }
        // a fresh registry already exposes the label-less figures
        assertTrue(scrape.contains(BackendMetrics.BATCH_OLDEST_UNSETTLED), scrape);
        assertTrue(scrape.contains("gridshare_backend_batches{status=\"HELD\"} 0"), scrape);
    }
}
