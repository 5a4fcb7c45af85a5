package org.gridshare.config.schema;

import java.nio.file.Path;

/**
 * A configuration file that does not match the schema: says which file, which line and column
 * (1-based) and which field (dotted path, e.g. {@code meter.impulsesPerKWh}).
 */
public final class ConfigException extends Exception {
    private final Path file;
    private final int line;
    private final int column;
    private final String field;

    public ConfigException(Path file, int line, int column, String field, String problem) {
        super(file + ":" + line + ":" + column + ": " + (field.isEmpty() ? "(document)" : field) + ": " + problem);
        this.file = file;
        this.line = line;
        this.column = column;
        this.field = field;
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    public String field() {
        return field;
    }
}
