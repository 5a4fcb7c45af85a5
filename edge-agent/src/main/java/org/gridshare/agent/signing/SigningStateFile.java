package org.gridshare.agent.signing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.gridshare.protocol.Bytes32;

/**
 * Keeps the {@link SigningState} in one small file, replaced atomically and synced before the
 * caller may use the sequence number it records. A power cut leaves either the old or the new
 * state, never a torn one, so a sequence number is never handed out twice.
 */
public final class SigningStateFile implements SigningStateStore {
    private final Path file;

    public SigningStateFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    /** Reads the state; a missing file is a fresh meter. A damaged file is an error, never a reset. */
    @Override
    public SigningState load() throws IOException {
        if (!Files.exists(file)) {
            return SigningState.INITIAL;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        String[] parts = text.split(" ", -1); // trimmed text: no trailing empty field either way
        if (parts.length != 4 || !parts[0].equals("v1")) {
            throw new IOException(file + ": not a gridshare signing state (expected 'v1 <seq> <digest> <timeMs>'): "
                    + abbreviate(text));
        }
        try {
            return new SigningState(
                    Long.parseUnsignedLong(parts[1]), Bytes32.fromHex(parts[2]), Long.parseLong(parts[3]));
        } catch (RuntimeException e) {
            throw new IOException(file + ": damaged signing state: " + abbreviate(text), e);
        }
    }

    /** Durably replaces the state: temp file, fsync, atomic rename, fsync of the directory. */
    @Override
    public void store(SigningState state) throws IOException {
        String line = "v1 " + Long.toUnsignedString(state.lastSeq()) + " "
                + state.lastDigest().toHex() + " " + state.lastTimeMs() + "\n";
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the data directory " + dir + " does not support atomic rename", e);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // some file systems cannot open a directory for sync; the rename is still atomic there
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
