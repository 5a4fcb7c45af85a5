package org.gridshare.cli.provision;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.gridshare.protocol.crypto.Randomness;

/**
 * Writes a file so that a reader sees either nothing or the whole file, never a part: a temporary file
 * beside the target, born with the final mode, synced, checked, then linked into place (a hard link never
 * replaces an existing file, so two provisioning runs cannot overwrite each other's result).
 */
final class AtomicWrite {
    /** Checks the written temporary file before it becomes visible under its name. */
    @FunctionalInterface
    interface Check {
        void check(Path written) throws Exception;
    }

    static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    static final Set<PosixFilePermission> OWNER_GROUP_READ =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ);

    private AtomicWrite() {}

    /**
     * Writes {@code content} to {@code target} with mode {@code perms}; {@code check} sees the temporary file
     * first and its exception aborts the write (nothing left behind).
     *
     * @throws FileAlreadyExistsException when {@code target} exists
     */
    static void write(Path target, byte[] content, Set<PosixFilePermission> perms, Check check) throws Exception {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // the name keeps the target's extension: the configuration reader decides by it how to parse
        Path tmp = dir.resolve(
                "." + Long.toUnsignedString(Randomness.secureRandom().nextLong(), 36) + "." + target.getFileName());
        try {
            try (FileChannel ch = FileChannel.open(
                    tmp,
                    EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(perms))) {
                Files.setPosixFilePermissions(tmp, perms);
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (check != null) {
                check.check(tmp);
            }
            Files.createLink(target, tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not every platform can fsync a directory; the file itself is synced
        }
    }
}
