package org.gridshare.drivers.s0;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Pi4J's mock platform for simulated S0 meters, kept off a real box's class path. The mock plugin
 * ({@code com.pi4j:pi4j-plugin-mock}) is used from the class path when it is there (the demo, tests,
 * {@code ./gridshare}); otherwise it is loaded from the {@code sim/} directory beside the agent's jars
 * ({@code /opt/gridshare/lib/sim}, installed only by {@code install.sh --with-simulator}), and only when a
 * simulated meter asks for it, so that a real meter's Pi4J context can never pick a mock provider.
 */
public final class MockPlatform {
    /** The plugin class that Pi4J's service loader finds in the mock plugin's jar. */
    static final String PLUGIN_CLASS = "com.pi4j.plugin.mock.MockPlugin";
    /** Overrides where the mock plugin's jar is looked for (default: {@code sim/} beside this class's jar). */
    public static final String SIM_LIB_PROPERTY = "gridshare.simLib";

    private MockPlatform() {}

    /** The mock plugin was not found: names the artifact and the directory to install it into. */
    public static final class MissingException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        MissingException(String message) {
            super(message);
        }
    }

    /**
     * A Pi4J context on the mock platform, as {@code Pi4J.newContextBuilder().autoDetectMockPlugins()
     * .autoDetectPlatforms().build()} gives it, with the plugin from the class path or else from {@code simLib}.
     *
     * @throws MissingException when the plugin is on neither
     */
    public static Context context(Path simLib) {
        ClassLoader own = MockPlatform.class.getClassLoader();
        if (present(own)) {
            return build();
        }
        List<URL> jars = jars(simLib);
        if (jars.isEmpty()) {
            throw new MissingException("a simulated meter needs Pi4J's mock plugin (com.pi4j:pi4j-plugin-mock, the "
                    + "version of pi4j-core), which is neither on the class path nor in " + simLib.toAbsolutePath()
                    + ": install its jar there (firmware-config/os/install.sh --with-simulator) or configure a real "
                    + "meter type");
        }
        // stays open as long as the context: the mock providers' classes come from it
        URLClassLoader loader = new URLClassLoader(jars.toArray(URL[]::new), own);
        if (!present(loader)) {
            throw new MissingException("the jars in " + simLib.toAbsolutePath() + " hold no " + PLUGIN_CLASS
                    + ": install " + "com.pi4j:pi4j-plugin-mock (the version of pi4j-core) there");
        }
        // Pi4J finds plugins with the thread's context class loader
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return build();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** {@code sim/} beside the jar (or class directory) this class came from, or the system property's value. */
    public static Path defaultSimLib() {
        String configured = System.getProperty(SIM_LIB_PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        CodeSource source = MockPlatform.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            return Path.of("sim");
        }
        try {
            return Path.of(source.getLocation().toURI())
                    .toAbsolutePath()
                    .getParent()
                    .resolve("sim");
        } catch (URISyntaxException e) {
            return Path.of("sim");
        }
    }

    private static Context build() {
        return Pi4J.newContextBuilder()
                .autoDetectMockPlugins()
                .autoDetectPlatforms()
                .build();
    }

    private static boolean present(ClassLoader loader) {
        try {
            Class.forName(PLUGIN_CLASS, false, loader);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static List<URL> jars(Path dir) {
        List<URL> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                if (p.getFileName().toString().endsWith(".jar")) {
                    out.add(p.toUri().toURL());
                }
            }
        } catch (MalformedURLException e) {
            throw new IllegalStateException("cannot name " + dir + " as a URL", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return out;
    }
}
