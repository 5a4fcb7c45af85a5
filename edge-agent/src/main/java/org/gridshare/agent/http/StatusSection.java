package org.gridshare.agent.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/** An extra part of the {@code /status} document, rendered on every request under {@link #name()}. */
public interface StatusSection {
    String name();

    JsonNode render() throws IOException;
}
