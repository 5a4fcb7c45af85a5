package org.gridshare.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Moved from the agent command's test when the command moved into cli: it checks AgentConfig alone. */
class AgentConfigTest {
    @TempDir
    Path dir;

    @Test
    void the_data_directory_can_be_overridden_from_the_environment() throws Exception {
        Path example = Path.of("..", "firmware-config", "examples", "simulated.yaml");
        AgentConfig plain = AgentConfig.load(example, Map.of());
        assertTrue(
                plain.dataDir().endsWith(Path.of("target", "gridshare-agent")),
                plain.dataDir().toString());
        AgentConfig moved = AgentConfig.load(example, Map.of(AgentConfig.DATA_DIR_ENV, dir.toString()));
        assertEquals(dir, moved.dataDir());
        assertTrue(moved.toYaml().contains("dataDir: " + dir), moved.toYaml());
    }
}
