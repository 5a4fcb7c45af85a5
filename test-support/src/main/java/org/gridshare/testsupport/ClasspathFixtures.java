package org.gridshare.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;

/**
 * Named fixture resources (recorded captures, expected values) read from the test classpath, so a module uses
 * another module's fixtures through that module's test-jar, never through a relative path into its sources.
 */
public final class ClasspathFixtures {
    private ClasspathFixtures() {}

    /** The bytes of resource {@code name} (a path relative to the classpath root, e.g. {@code fixtures/dsmr/x.p1}). */
    public static byte[] bytes(String name) {
        try (InputStream in = open(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading fixture " + name, e);
        }
    }

    /** The text of resource {@code name} in {@code charset}. */
    public static String text(String name, Charset charset) {
        return new String(bytes(name), charset);
    }

    /** Opens resource {@code name}; fails naming the resource when it is not on the classpath. */
    public static InputStream open(String name) {
        String path = name.startsWith("/") ? name.substring(1) : name;
        InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(path);
        if (in == null) {
            in = ClasspathFixtures.class.getClassLoader().getResourceAsStream(path);
        }
        if (in == null) {
            throw new IllegalArgumentException("fixture " + path + " is not on the test classpath"
                    + " (is the module that records it a test-jar dependency?)");
        }
        return in;
    }
}
