package org.gridshare.cli.provision;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.gridshare.cli.provision.Blocker.Code;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.serial.SerialLink;
import org.gridshare.drivers.serial.SerialPorts;
import org.gridshare.drivers.serial.SerialSettings;

/**
 * Reads a detected meter live before anything is written: {@code frames} checksum-valid frames at the
 * detected settings, then {@link #judge judges} them. Only decoded frames count (the decoders check the CRC
 * of DSMR and SML frames and the BCC of IEC ones), so noise never passes.
 */
final class LiveCheck {
    /**
     * No household meter has counted this much: 10^14 mWh is 100 GWh, a thousand years of a large house.
     * A register above it is a decoding or scaling fault, not a reading.
     */
    static final long MAX_PLAUSIBLE_MILLIWH = 100_000_000_000_000L;

    private static final long POLL_MILLIS = 200;

    /** What the check saw and what it concluded; {@code notes} are findings that do not block. */
    record Result(
            List<NormalizedReading> frames, long bytes, int failedFrames, List<Blocker> blockers, List<String> notes) {
        Result {
            frames = List.copyOf(frames);
            blockers = List.copyOf(blockers);
            notes = List.copyOf(notes);
        }

        NormalizedReading last() {
            return frames.get(frames.size() - 1);
        }
    }

    private LiveCheck() {}

    /** Opens {@code port} at {@code settings}, decodes until {@code wanted} frames or {@code timeout}, judges them. */
    static Result read(
            SerialPorts ports,
            String port,
            SerialSettings settings,
            StreamDecoder decoder,
            int wanted,
            Duration timeout,
            Clock clock)
            throws IOException {
        List<NormalizedReading> frames = new ArrayList<>();
        long bytes = 0;
        int failed = 0;
        long deadline = clock.millis() + timeout.toMillis();
        byte[] buf = new byte[4096];
        try (SerialLink link = ports.open(port, settings)) {
            long left;
            while (frames.size() < wanted && (left = deadline - clock.millis()) > 0) {
                int n = link.read(buf, 0, buf.length, Math.min(left, POLL_MILLIS));
                if (n <= 0) {
                    continue;
                }
                bytes += n;
                for (StreamDecoder.Event e : decoder.feed(buf, 0, n)) {
                    if (e instanceof StreamDecoder.Decoded d) {
                        frames.add(d.reading());
                    } else if (e instanceof StreamDecoder.Failed) {
                        failed++;
                    }
                }
            }
        }
        List<Blocker> blockers = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (frames.size() < wanted) {
            blockers.add(new Blocker(
                    Code.TOO_FEW_FRAMES,
                    frames.size() + " of " + wanted + " checksum-valid frames arrived on " + port + " at " + settings
                            + " within " + timeout.toSeconds() + " s (" + bytes + " bytes, " + failed
                            + " frames failed their checksum or decoding): check the cable and its connector"));
        }
        if (!frames.isEmpty()) {
            judge(frames, blockers, notes);
        }
        return new Result(frames, bytes, failed, blockers, notes);
    }

    /**
     * The checks on decoded frames: an import register on every frame, every register plausible and never
     * going down, one meter id throughout, and the registers' movement agreeing with the sign of the live
     * power (import power {@code > 0}, export {@code < 0}). When neither register moved over the frames the
     * direction cannot be told from them: that is a note, not a blocker.
     */
    static void judge(List<NormalizedReading> frames, List<Blocker> blockers, List<String> notes) {
        Objects.requireNonNull(frames, "frames");
        String id = frames.get(0).meterId();
        NormalizedReading prev = null;
        for (int i = 0; i < frames.size(); i++) {
            NormalizedReading r = frames.get(i);
            if (r.meterId() == null || r.meterId().isBlank()) {
                blockers.add(new Blocker(
                        Code.METER_ID,
                        "frame " + (i + 1) + " names no meter id (DSMR 0-0:96.1.1, SML server id, IEC identification):"
                                + " the commissioning record needs the meter's own id"));
                return;
            }
            if (!r.meterId().equals(id)) {
                blockers.add(new Blocker(
                        Code.METER_ID,
                        "frame " + (i + 1) + " names meter '" + r.meterId() + "', frame 1 '" + id
                                + "': two meters on one line, or a cable shared between boxes"));
                return;
            }
            if (r.importMilliWh() == null) {
                blockers.add(new Blocker(
                        Code.IMPLAUSIBLE_REGISTER,
                        "frame " + (i + 1) + " of meter " + id
                                + " has no import register (1.8.0 or 1.8.x): this meter cannot be traded on"));
                return;
            }
            if (!plausible(r.importMilliWh()) || (r.exportMilliWh() != null && !plausible(r.exportMilliWh()))) {
                blockers.add(new Blocker(
                        Code.IMPLAUSIBLE_REGISTER,
                        "frame " + (i + 1) + " of meter " + id + " reads import " + r.importMilliWh() + " mWh, export "
                                + r.exportMilliWh() + " mWh: outside 0 to " + MAX_PLAUSIBLE_MILLIWH
                                + " mWh, a decoding or scaling fault"));
                return;
            }
            if (prev != null) {
                if (r.importMilliWh() < prev.importMilliWh()) {
                    blockers.add(decreased(id, "import", i, prev.importMilliWh(), r.importMilliWh()));
                    return;
                }
                if (prev.exportMilliWh() != null
                        && r.exportMilliWh() != null
                        && r.exportMilliWh() < prev.exportMilliWh()) {
                    blockers.add(decreased(id, "export", i, prev.exportMilliWh(), r.exportMilliWh()));
                    return;
                }
            }
            prev = r;
        }
        direction(frames, blockers, notes);
    }

    private static void direction(List<NormalizedReading> frames, List<Blocker> blockers, List<String> notes) {
        NormalizedReading first = frames.get(0);
        NormalizedReading last = frames.get(frames.size() - 1);
        long importRose = last.importMilliWh() - first.importMilliWh();
        long exportRose = first.exportMilliWh() == null || last.exportMilliWh() == null
                ? 0
                : last.exportMilliWh() - first.exportMilliWh();
        boolean anyPower = false;
        boolean importing = true;
        boolean exporting = true;
        for (NormalizedReading r : frames) {
            if (r.powerMilliW() == null) {
                continue;
            }
            anyPower = true;
            importing &= r.powerMilliW() > 0;
            exporting &= r.powerMilliW() < 0;
        }
        if (!anyPower) {
            notes.add("the meter reports no power: import/export direction not checked");
            return;
        }
        if (importRose == 0 && exportRose == 0) {
            notes.add("neither register moved over " + frames.size()
                    + " frames: direction not checked (read more frames with --frames to check it)");
            return;
        }
        if (importRose > 0 && exportRose == 0 && exporting) {
            blockers.add(new Blocker(
                    Code.DIRECTION_REVERSED,
                    "the import register rose by " + importRose
                            + " mWh while every frame reported export power (negative): import and export are"
                            + " swapped (meter mounted or wired the wrong way round)"));
        } else if (exportRose > 0 && importRose == 0 && importing) {
            blockers.add(new Blocker(
                    Code.DIRECTION_REVERSED,
                    "the export register rose by " + exportRose
                            + " mWh while every frame reported import power (positive): import and export are"
                            + " swapped (meter mounted or wired the wrong way round)"));
        } else {
            notes.add("direction checked: registers moved (import +" + importRose + " mWh, export +" + exportRose
                    + " mWh) as the live power says");
        }
    }

    private static Blocker decreased(String id, String register, int i, long before, long after) {
        return new Blocker(
                Code.REGISTER_DECREASED,
                "the " + register + " register of meter " + id + " went down from " + before + " to " + after
                        + " mWh between frames " + i + " and " + (i + 1)
                        + ": a register never goes back; not commissioned");
    }

    private static boolean plausible(long milliWh) {
        return milliWh >= 0 && milliWh <= MAX_PLAUSIBLE_MILLIWH;
    }
}
