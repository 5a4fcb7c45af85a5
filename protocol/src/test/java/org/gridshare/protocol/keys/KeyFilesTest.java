package org.gridshare.protocol.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Secp256k1Signer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
    @TempDir
    Path dir;

    @Test
    void creates_an_owner_only_key_file_and_loads_the_same_key_again() throws Exception {
        Path file = dir.resolve("sub/meter.key");
        Secp256k1Signer created = KeyFiles.loadOrCreate(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String content = Files.readString(file, StandardCharsets.US_ASCII);
        assertTrue(content.matches("[0-9a-f]{64}\n"), "hex key and newline");
        assertEquals(created.address(), KeyFiles.loadOrCreate(file).address());
        assertEquals(
                created.address(),
                Secp256k1Signer.fromPrivateKey(org.web3j.utils.Numeric.hexStringToByteArray(content.trim()))
                        .address());
        try (var listing = Files.list(file.getParent())) {
            assertEquals(List.of(file), listing.collect(Collectors.toList()), "no temporary file left behind");
        }
    }

    @Test
    void two_files_hold_different_keys() throws Exception {
        assertNotEquals(
                KeyFiles.loadOrCreate(dir.resolve("a.key")).address(),
                KeyFiles.loadOrCreate(dir.resolve("b.key")).address());
    }

    @Test
    void concurrent_creators_end_up_with_one_key() throws Exception {
        Path file = dir.resolve("race.key");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Address>> tasks = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                tasks.add(() -> KeyFiles.loadOrCreate(file).address());
            }
            Set<Address> addresses = new java.util.HashSet<>();
            for (Future<Address> f : pool.invokeAll(tasks)) {
                addresses.add(f.get());
            }
            assertEquals(1, addresses.size());
            assertEquals(
                    addresses.iterator().next(), KeyFiles.loadOrCreate(file).address());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refuses_a_key_file_readable_by_group_or_others() throws Exception {
        Path file = dir.resolve("meter.key");
        KeyFiles.loadOrCreate(file);
        for (String mode : new String[] {"rw-r-----", "rw----r--", "rw-rw-rw-", "rw-----w-", "rw---x---"}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            InsecureKeyFileException e =
                    assertThrows(InsecureKeyFileException.class, () -> KeyFiles.loadOrCreate(file));
            assertEquals(file.toAbsolutePath(), e.file());
            assertTrue(e.getMessage().contains(mode), e.getMessage());
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        KeyFiles.loadOrCreate(file);
    }

    @Test
    void rejects_malformed_key_files_without_echoing_their_content() throws Exception {
        String secretish = "ab".repeat(31) + "zz";
        for (String content : new String[] {"", "abc", secretish, "00".repeat(32), "ff".repeat(32), "ab".repeat(33)}) {
            Path file = dir.resolve("bad.key");
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, content, StandardCharsets.US_ASCII);
            KeyFileFormatException e = assertThrows(KeyFileFormatException.class, () -> KeyFiles.loadOrCreate(file));
            assertFalse(content.length() > 8 && e.getMessage().contains(content.substring(0, 8)), e.getMessage());
        }
    }

    @Test
    void accepts_a_0x_prefixed_key_with_crlf() throws Exception {
        Path file = dir.resolve("prefixed.key");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\r\n");
        assertEquals(
                "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
                KeyFiles.loadOrCreate(file).address().toHex());
    }

    @Test
    void refuses_a_symbolic_link_to_a_key() throws Exception {
        Path real = dir.resolve("real.key");
        KeyFiles.loadOrCreate(real);
        Path link = Files.createSymbolicLink(dir.resolve("link.key"), real);
        assertThrows(KeyFileFormatException.class, () -> KeyFiles.loadOrCreate(link));
    }
}
