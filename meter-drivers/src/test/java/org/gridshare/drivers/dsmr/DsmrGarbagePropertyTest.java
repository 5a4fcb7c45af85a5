package org.gridshare.drivers.dsmr;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

/** Random garbage and mutated telegrams only ever raise DecodeException (seeded, reproducible). */
class DsmrGarbagePropertyTest {

    private static final String ALPHABET = "/!()*.-:0123456789ABCDEFkWhm3VAS\r\n";

    @Test
    void random_bytes_only_raise_decode_exception() {
        Random random = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            byte[] data = new byte[random.nextInt(300)];
            for (int j = 0; j < data.length; j++) {
                data[j] = random.nextInt(4) == 0
                        ? (byte) random.nextInt(256)
                        : (byte) ALPHABET.charAt(random.nextInt(ALPHABET.length()));
            }
            if (data.length > 0 && random.nextBoolean()) {
                data[0] = '/';
            }
            decodeExpectingOnlyDecodeException(data);
        }
    }

    @Test
    void mutated_real_telegrams_only_raise_decode_exception_or_decode() {
        Random random = new Random(2);
        List<byte[]> seeds = Fixtures.captures("dsmr")
                .filter(p -> p.toString().endsWith(".p1"))
                .map(Fixtures::bytes)
                .toList();
        for (int i = 0; i < 20_000; i++) {
            byte[] data = seeds.get(random.nextInt(seeds.size())).clone();
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                data[random.nextInt(data.length)] = (byte) ALPHABET.charAt(random.nextInt(ALPHABET.length()));
            }
            decodeExpectingOnlyDecodeException(data);
            StreamDecoder stream = DsmrStreamDecoder.plain();
            List<StreamDecoder.Event> events = Fixtures.feedInChunks(stream, data, random, 64);
            assertTrue(events.stream().allMatch(ev -> ev.offset() >= 0 && ev.offset() < data.length));
        }
    }

    @Test
    void random_bytes_never_break_the_smarty_decryptor() {
        Random random = new Random(3);
        SmartyDecryptor d = new SmartyDecryptor(new byte[16], SmartyDecryptor.DEFAULT_AUTHENTICATION_KEY);
        for (int i = 0; i < 5_000; i++) {
            byte[] data = new byte[random.nextInt(200)];
            random.nextBytes(data);
            if (data.length > 13 && random.nextBoolean()) {
                data[0] = (byte) 0xDB;
                data[1] = 8;
                data[10] = (byte) 0x82;
                data[13] = 0x30;
            }
            try {
                d.decrypt(data);
            } catch (DecodeException expected) {
                // the only allowed failure
            }
            Fixtures.feedInChunks(DsmrStreamDecoder.encrypted(d), data, random, 32);
        }
    }

    private static void decodeExpectingOnlyDecodeException(byte[] data) {
        try {
            DsmrDecoder.decode(data);
        } catch (DecodeException expected) {
            assertTrue(expected.kind() != null);
        }
    }
}
