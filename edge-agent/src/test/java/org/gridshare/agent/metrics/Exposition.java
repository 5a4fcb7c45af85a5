package org.gridshare.agent.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed Prometheus text exposition (format 0.0.4): the {@code # TYPE} of each family and the value
 * of each sample. Strict: a line that is neither a comment nor {@code name{labels} value} fails the
 * parse, so a malformed scrape fails the test that reads it.
 */
public record Exposition(Map<String, String> types, Map<String, Double> samples) {
    private static final Pattern SAMPLE =
            Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})? "
                    + "(\\S+)( -?\\d+)?");
    private static final Pattern TYPE = Pattern.compile(
            "# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) " + "(counter|gauge|histogram|summary|info|stateset|untyped|unknown)");

    public static Exposition parse(String text) {
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, Double> samples = new LinkedHashMap<>();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            if (line.isEmpty() || line.startsWith("# HELP ")) {
                continue;
            }
            Matcher t = TYPE.matcher(line);
            if (t.matches()) {
                types.put(t.group(1), t.group(2));
                continue;
            }
            Matcher s = SAMPLE.matcher(line);
            if (!s.matches()) {
                throw new IllegalArgumentException("line " + n + " is not a sample: " + line);
            }
            String key = s.group(1) + (s.group(2) == null ? "" : s.group(2));
            if (samples.put(
                            key,
                            Double.parseDouble(
                                    s.group(3).replace("+Inf", "Infinity").replace("-Inf", "-Infinity")))
                    != null) {
                throw new IllegalArgumentException("line " + n + " repeats " + key);
            }
        }
        return new Exposition(types, samples);
    }

    /** The value of the one sample {@code name} (no labels). */
    public double value(String name) {
        Double v = samples.get(name);
        if (v == null) {
            throw new AssertionError("no sample " + name + " in " + samples.keySet());
        }
        return v;
    }

    /** The value of {@code name} with exactly these labels as written, e.g. {@code state="OK"}. */
    public double value(String name, String labels) {
        return value(name + "{" + labels + "}");
    }
}
