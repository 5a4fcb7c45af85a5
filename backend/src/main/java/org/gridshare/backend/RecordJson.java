package org.gridshare.backend;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON of the backend's own Kafka records (rejections, verified readings, intervals, accepted orders,
 * clearing and settlement records, stream state): not the device protocol, whose messages have their
 * own codecs in the {@code protocol} module. Long values are
 * written as JSON integers; unknown fields are ignored on read so consumers survive added fields.
 */
public final class RecordJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private RecordJson() {}

    /** The object as UTF-8 JSON. */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Reads one of the backend's own records; throws {@link UncheckedIOException} naming the type. */
    public static <T> T read(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + type.getSimpleName() + " from JSON", e);
        }
    }

    /** A Kafka serde over {@link #write} and {@link #read}. */
    public static <T> Serde<T> serde(Class<T> type) {
        Serializer<T> ser = (topic, value) -> value == null ? null : write(value);
        Deserializer<T> de = (topic, bytes) -> bytes == null ? null : read(bytes, type);
        return Serdes.serdeFrom(ser, de);
    }
}
