package org.gridshare.cli.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendCommandTest {
    @TempDir
    Path dir;

    @Test
    void a_bad_configuration_exits_2_naming_file_line_column_and_field() throws Exception {
        Path f = dir.resolve("backend.yaml");
        Files.writeString(f, "operatorKeyFile: operator.key\nmqtt:\n  serverUri: mqtt://nowhere\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BackendCommand.run(
                new String[] {"run", "--config", f.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, e);
        assertTrue(e.contains(f + ":3:14: mqtt.serverUri: 'mqtt://nowhere' does not match"), e);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
