package org.gridshare.config.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A configuration schema (a subset of JSON Schema written in YAML: {@code type} object, string,
 * integer or boolean; {@code properties}, {@code required}, {@code additionalProperties: false} (or a
 * schema every further key's value must match),
 * {@code enum}, {@code minimum}, {@code maximum}, {@code pattern}, {@code default}, and {@code allOf} of
 * {@code if}/{@code then} rules that make fields required for some values of another) and its validator.
 * Validation works on SnakeYAML's node tree so every error names the file, line, column and field.
 */
public final class ConfigSchema {
    /** The edge agent's configuration schema, {@code agent-config.schema.yaml} in this module. */
    public static final String AGENT = "/org/gridshare/config/agent-config.schema.yaml";
    /** The backend's ({@code gridshare backend run}) configuration schema, {@code backend-config.schema.yaml}. */
    public static final String BACKEND = "/org/gridshare/config/backend-config.schema.yaml";

    private final Map<String, Object> root;

    private ConfigSchema(Map<String, Object> root) {
        this.root = root;
    }

    /** The schema at a class-path resource such as {@link #AGENT}. */
    @SuppressWarnings("unchecked")
    public static ConfigSchema fromResource(String resource) {
        try (InputStream in = ConfigSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource " + resource + " is missing");
            }
            return new ConfigSchema((Map<String, Object>) new Yaml().load(in));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read schema " + resource, e);
        }
    }

    /** The agent configuration schema. */
    public static ConfigSchema agent() {
        return fromResource(AGENT);
    }

    /** The backend configuration schema. */
    public static ConfigSchema backend() {
        return fromResource(BACKEND);
    }

    /**
     * A ConfigException at the line and column of {@code dottedField}'s value in {@code file} (its
     * deepest part present; the document start when none is): for the checks a reader makes after
     * the schema, reported like the schema's own.
     */
    public static ConfigException at(Path file, String dottedField, String problem) throws IOException {
        Node node;
        try (Reader r = new StringReader(Files.readString(file, StandardCharsets.UTF_8))) {
            node = new Yaml(new LoaderOptions()).compose(r);
        }
        for (String part : dottedField.split("\\.", -1)) {
            Node next = null;
            if (node instanceof MappingNode map) {
                for (NodeTuple t : map.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(part)) {
                        next = t.getValueNode();
                    }
                }
            }
            if (next == null) {
                break;
            }
            node = next;
        }
        int line = node == null ? 1 : node.getStartMark().getLine() + 1;
        int column = node == null ? 1 : node.getStartMark().getColumn() + 1;
        return new ConfigException(file, line, column, dottedField, problem);
    }

    /** Validates the YAML file and returns its content with the schema's defaults filled in. */
    public Map<String, Object> validate(Path file) throws ConfigException, IOException {
        return validate(file, Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Validates YAML text said to come from {@code file}; the result has the defaults filled in. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> validate(Path file, String yaml) throws ConfigException {
        Node node;
        try (Reader r = new StringReader(yaml)) {
            node = new Yaml(new LoaderOptions()).compose(r);
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark();
            throw new ConfigException(
                    file,
                    m == null ? 0 : m.getLine() + 1,
                    m == null ? 0 : m.getColumn() + 1,
                    "",
                    "not valid YAML: " + e.getProblem());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (node == null) {
            throw new ConfigException(file, 1, 1, "", "the file is empty");
        }
        return (Map<String, Object>) check(file, node, root, "");
    }

    @SuppressWarnings("unchecked")
    private Object check(Path file, Node node, Map<String, Object> schema, String field) throws ConfigException {
        String type = (String) schema.get("type");
        return switch (type) {
            case "object" -> {
                if (!(node instanceof MappingNode map)) {
                    throw error(file, node, field, "must be a mapping (key: value lines)");
                }
                Map<String, Object> props = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
                Map<String, Object> out = new LinkedHashMap<>();
                Set<String> seen = new HashSet<>();
                for (NodeTuple t : map.getValue()) {
                    if (!(t.getKeyNode() instanceof ScalarNode k)) {
                        throw error(file, t.getKeyNode(), field, "keys must be plain names");
                    }
                    String name = k.getValue();
                    String path = field.isEmpty() ? name : field + "." + name;
                    if (!seen.add(name)) {
                        throw error(file, k, path, "appears twice");
                    }
                    Map<String, Object> sub = (Map<String, Object>) props.get(name);
                    if (sub == null && schema.get("additionalProperties") instanceof Map<?, ?> any) {
                        // a free-form map (e.g. Kafka client properties passed through): any key, values of one type
                        sub = (Map<String, Object>) any;
                    }
                    if (sub == null) {
                        throw error(file, k, path, "unknown field (known: " + String.join(", ", props.keySet()) + ")");
                    }
                    out.put(name, check(file, t.getValueNode(), sub, path));
                }
                for (String req : (List<String>) schema.getOrDefault("required", List.of())) {
                    if (!out.containsKey(req)) {
                        throw error(file, node, field.isEmpty() ? req : field + "." + req, "is required");
                    }
                }
                checkConditions(file, node, schema, field, out);
                for (Map.Entry<String, Object> p : props.entrySet()) {
                    Map<String, Object> sub = (Map<String, Object>) p.getValue();
                    if (!out.containsKey(p.getKey()) && sub.containsKey("default")) {
                        out.put(p.getKey(), withDefaults(sub.get("default"), sub));
                    }
                }
                yield out;
            }
            case "string", "integer", "boolean" -> {
                if (!(node instanceof ScalarNode s)) {
                    throw error(file, node, field, "must be a single " + type + " value");
                }
                Object value = scalar(file, s, type, field);
                check(file, s, schema, field, value);
                yield value;
            }
            default -> throw new IllegalStateException("schema type " + type + " not supported at " + field);
        };
    }

    /**
     * {@code allOf: [{if: {properties: {f: {enum: [...]}}}, then: {required: [...]}}]}: fields required only
     * when another field has one of some values (e.g. a serial port for serial meter types).
     */
    @SuppressWarnings("unchecked")
    private static void checkConditions(
            Path file, Node node, Map<String, Object> schema, String field, Map<String, Object> values)
            throws ConfigException {
        for (Map<String, Object> rule : (List<Map<String, Object>>) schema.getOrDefault("allOf", List.of())) {
            Map<String, Object> when = (Map<String, Object>) ((Map<String, Object>) rule.get("if")).get("properties");
            boolean applies = true;
            String condition = "";
            for (Map.Entry<String, Object> w : when.entrySet()) {
                List<Object> allowed = (List<Object>) ((Map<String, Object>) w.getValue()).get("enum");
                Object v = values.get(w.getKey());
                applies &= v != null
                        && allowed.stream().anyMatch(a -> String.valueOf(a).equals(String.valueOf(v)));
                condition = w.getKey() + " is " + v;
            }
            if (!applies) {
                continue;
            }
            for (String req :
                    (List<String>) ((Map<String, Object>) rule.get("then")).getOrDefault("required", List.of())) {
                if (!values.containsKey(req)) {
                    throw error(file, node, field.isEmpty() ? req : field + "." + req, "is required when " + condition);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Object withDefaults(Object dflt, Map<String, Object> schema) {
        if (!"object".equals(schema.get("type"))) {
            return dflt instanceof Number n ? (Object) n.longValue() : dflt; // integers are always long
        }
        Map<String, Object> out = new LinkedHashMap<>((Map<String, Object>) dflt);
        Map<String, Object> props = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
        for (Map.Entry<String, Object> p : props.entrySet()) {
            Map<String, Object> sub = (Map<String, Object>) p.getValue();
            if (!out.containsKey(p.getKey()) && sub.containsKey("default")) {
                out.put(p.getKey(), withDefaults(sub.get("default"), sub));
            }
        }
        return out;
    }

    private static Object scalar(Path file, ScalarNode s, String type, String field) throws ConfigException {
        String v = s.getValue();
        switch (type) {
            case "string" -> {
                // any scalar: an unquoted 0x… address resolves to an integer tag in YAML 1.1, its text is what counts
                if (s.getTag().equals(Tag.NULL)) {
                    throw error(file, s, field, "must not be empty");
                }
                return v;
            }
            case "integer" -> {
                if (!s.getTag().equals(Tag.INT) || !v.matches("-?[0-9]+")) {
                    throw error(file, s, field, "must be a whole number in decimal, not '" + v + "'");
                }
                try {
                    return Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw error(file, s, field, "is out of range: " + v);
                }
            }
            default -> {
                if (!s.getTag().equals(Tag.BOOL)) {
                    throw error(file, s, field, "must be true or false, not '" + v + "'");
                }
                return Boolean.parseBoolean(v);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void check(Path file, ScalarNode s, Map<String, Object> schema, String field, Object value)
            throws ConfigException {
        if (schema.containsKey("enum")) {
            List<Object> allowed = new ArrayList<>((List<Object>) schema.get("enum"));
            if (allowed.stream().noneMatch(a -> String.valueOf(a).equals(String.valueOf(value)))) {
                throw error(file, s, field, "must be one of " + allowed + ", not '" + value + "'");
            }
        }
        if (value instanceof Long n) {
            if (schema.get("minimum") instanceof Number min && n < min.longValue()) {
                throw error(file, s, field, "must be at least " + min + ", not " + n);
            }
            if (schema.get("maximum") instanceof Number max && n > max.longValue()) {
                throw error(file, s, field, "must be at most " + max + ", not " + n);
            }
        }
        if (value instanceof String str
                && schema.get("pattern") instanceof String p
                && !Pattern.compile(p).matcher(str).matches()) {
            throw error(file, s, field, "'" + str + "' does not match " + p);
        }
    }

    private static ConfigException error(Path file, Node node, String field, String problem) {
        Mark m = node.getStartMark();
        return new ConfigException(file, m.getLine() + 1, m.getColumn() + 1, field, problem);
    }

    /** Sequences are not part of the agent schema; kept explicit so a list is reported, not guessed. */
    static boolean isSequence(Node n) {
        return n instanceof SequenceNode;
    }
}
