package org.gridshare.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportsTest {
    @TempDir
    Path tmp;

    private static final Path MODULE_REPORTS =
            Path.of("target", "reports").toAbsolutePath().normalize();

    @Test
    void the_callers_reports_go_to_target_reports_of_its_module() throws Exception {
        assertEquals(MODULE_REPORTS, Reports.directory().toAbsolutePath().normalize());
        // from a lambda too: the frame is the test class's, not the JDK's
        Supplier<Path> fromLambda = () -> Reports.file("reports-test-lambda.txt");
        Path file = fromLambda.get();
        assertEquals(
                MODULE_REPORTS.resolve("reports-test-lambda.txt"),
                file.toAbsolutePath().normalize());
        Path written = Reports.write("reports-test.txt", "figure\n");
        assertEquals("figure\n", Files.readString(written));
        assertEquals(MODULE_REPORTS, written.toAbsolutePath().normalize().getParent());
    }

    @Test
    void reports_of_a_class_are_those_of_the_module_it_was_loaded_from() {
        assertEquals(
                MODULE_REPORTS,
                Reports.of(ReportsTest.class).path().toAbsolutePath().normalize());
    }

    @Test
    void write_replaces_the_previous_run_and_creates_the_directory() throws Exception {
        Reports.Directory reports = Reports.in(tmp.resolve("a/reports"));
        reports.write("gas.md", "first run\n");
        Path file = reports.write("gas.md", "second run\n");
        assertEquals(tmp.resolve("a/reports/gas.md"), file);
        assertEquals("second run\n", Files.readString(file));
    }

    @Test
    void append_and_appendf_add_lines_in_order() throws Exception {
        Reports.Directory reports = Reports.in(tmp);
        reports.write("parts.txt", "");
        reports.appendf("parts.txt", "%s %d ms%n", "anvil", 46);
        reports.append("parts.txt", "kafka 1520 ms\n");
        assertEquals(
                "anvil 46 ms" + System.lineSeparator() + "kafka 1520 ms\n", Files.readString(tmp.resolve("parts.txt")));
    }

    @Test
    void printf_formats_with_the_root_locale_and_returns_what_it_wrote() throws Exception {
        Reports.Directory reports = Reports.in(tmp);
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            String text = reports.printf("drain.txt", "drained in %.1f s", 8.75);
            assertEquals("drained in 8.8 s", text);
            assertEquals(text, Files.readString(tmp.resolve("drain.txt")));
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void a_report_name_cannot_leave_the_report_directory() {
        Reports.Directory reports = Reports.in(tmp.resolve("reports"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> reports.write("../escape.txt", "x"));
        assertTrue(e.getMessage().contains("../escape.txt"), e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("escape.txt")));
    }
}
