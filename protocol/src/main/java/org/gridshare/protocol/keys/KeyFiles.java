package org.gridshare.protocol.keys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.gridshare.protocol.MalformedValueException;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.crypto.Randomness;

/**
 * A device key in a file: 64 hex digits (optionally 0x-prefixed, optional trailing newline), POSIX
 * mode 0600. The key never leaves the file and this process; nothing here logs or prints it.
 */
public final class KeyFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);
    private static final int MAX_FILE_BYTES = 256;

    private KeyFiles() {}

    /**
     * Loads the key in {@code file}, or creates the file with a fresh key from
     * {@link Randomness} when it does not exist. Creation writes a temporary file that is born with
     * mode 0600 (never readable by others, not even briefly), syncs it, then links it into place
     * atomically; if another process created {@code file} meanwhile, that key is loaded instead.
     *
     * @throws InsecureKeyFileException when the file is accessible by group or others, or the file
     *     system has no POSIX permissions
     * @throws KeyFileFormatException when the file does not hold one valid key
     */
    public static Secp256k1Signer loadOrCreate(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return load(target);
        }
        Path dir = target.getParent();
        Files.createDirectories(
                dir,
                PosixFilePermissions.asFileAttribute(EnumSet.of(
                        PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.OWNER_EXECUTE)));
        requirePosix(target, dir);
        Path tmp = dir.resolve("." + target.getFileName() + "."
                + Long.toUnsignedString(Randomness.secureRandom().nextLong(), 36) + ".tmp");
        FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
        byte[] key = Randomness.bytes(32);
        byte[] text = hexLine(key);
        try {
            Secp256k1Signer signer = Secp256k1Signer.fromPrivateKey(key);
            try (FileChannel ch = FileChannel.open(
                    tmp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly)) {
                // the umask can only remove bits; re-assert 0600 in case an ACL default added any
                Files.setPosixFilePermissions(tmp, OWNER_ONLY);
                ByteBuffer buf = ByteBuffer.wrap(text);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                // a hard link never replaces an existing file, unlike rename
                Files.createLink(target, tmp);
            } catch (FileAlreadyExistsException raced) {
                return load(target);
            } finally {
                Files.deleteIfExists(tmp);
            }
            syncDirectory(dir);
            return signer;
        } catch (MalformedValueException e) {
            // 2^-128: the random bytes were not a valid key; try again with fresh ones
            return loadOrCreate(file);
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(text, (byte) 0);
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Loads the existing key in {@code file} as web3j credentials, for a service that sends transactions
     * with it (the backend's operator key); the same checks as {@link #loadOrCreate}, and nothing is created.
     *
     * @throws java.nio.file.NoSuchFileException when the file does not exist
     * @throws InsecureKeyFileException when the file is accessible by group or others
     * @throws KeyFileFormatException when the file does not hold one valid key
     */
    public static org.web3j.crypto.Credentials loadCredentials(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.NoSuchFileException(target.toString());
        }
        load(target); // the mode, size and format checks
        byte[] raw = Files.readAllBytes(target);
        byte[] key = null;
        try {
            key = parse(target, raw);
            return org.web3j.crypto.Credentials.create(org.web3j.crypto.ECKeyPair.create(key));
        } finally {
            Arrays.fill(raw, (byte) 0);
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    private static Secp256k1Signer load(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            // a symbolic link could point anywhere, including at a file others can read
            throw new KeyFileFormatException(file, "not a regular file (symbolic links are refused)");
        }
        Set<PosixFilePermission> perms = requirePosix(file, file);
        Set<PosixFilePermission> open = EnumSet.copyOf(perms);
        open.retainAll(GROUP_OR_OTHERS);
        if (!open.isEmpty()) {
            throw new InsecureKeyFileException(
                    file,
                    "mode " + PosixFilePermissions.toString(perms)
                            + " gives access to group or others; chmod 600 it (and consider the key compromised)");
        }
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new KeyFileFormatException(file, "larger than " + MAX_FILE_BYTES + " bytes");
        }
        byte[] raw = Files.readAllBytes(file);
        byte[] key = null;
        try {
            key = parse(file, raw);
            return Secp256k1Signer.fromPrivateKey(key);
        } catch (MalformedValueException e) {
            throw new KeyFileFormatException(file, "key is not in [1, n-1]");
        } finally {
            Arrays.fill(raw, (byte) 0);
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    private static byte[] parse(Path file, byte[] raw) throws KeyFileFormatException {
        int start = 0;
        int end = raw.length;
        while (end > 0 && (raw[end - 1] == '\n' || raw[end - 1] == '\r')) {
            end--;
        }
        if (end - start >= 2 && raw[0] == '0' && (raw[1] == 'x' || raw[1] == 'X')) {
            start = 2;
        }
        if (end - start != 64) {
            throw new KeyFileFormatException(file, "expected 64 hex digits, found " + (end - start) + " characters");
        }
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            int hi = Character.digit(raw[start + 2 * i], 16);
            int lo = Character.digit(raw[start + 2 * i + 1], 16);
            if (hi < 0 || lo < 0) {
                Arrays.fill(key, (byte) 0);
                throw new KeyFileFormatException(
                        file, "non-hex character at offset " + (start + 2 * i + (hi < 0 ? 0 : 1)));
            }
            key[i] = (byte) ((hi << 4) | lo);
        }
        return key;
    }

    private static Set<PosixFilePermission> requirePosix(Path file, Path probe) throws IOException {
        try {
            return Files.getPosixFilePermissions(probe, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException e) {
            throw new InsecureKeyFileException(file, "file system has no POSIX permissions; cannot keep the key 0600");
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not every platform can fsync a directory; the file itself is already synced
        }
    }

    /** Hex digits and a newline, built in a byte array that can be wiped (a String cannot). */
    private static byte[] hexLine(byte[] key) {
        byte[] digits = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[2 * key.length + 1];
        for (int i = 0; i < key.length; i++) {
            out[2 * i] = digits[(key[i] >> 4) & 0xf];
            out[2 * i + 1] = digits[key[i] & 0xf];
        }
        out[out.length - 1] = '\n';
        return out;
    }
}
