package org.gridshare.cli.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.gridshare.backend.aggregate.IntervalTable;
import org.gridshare.backend.aggregate.IntervalTotals;
import org.gridshare.backend.rejects.Rejection;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.RejectReason;
import org.gridshare.protocol.Topics;

/** What the demo shows people: the backend's output topics, read through {@link IntervalTable}. */
final class DemoReport implements AutoCloseable {
    private static final DateTimeFormatter HH_MM_SS =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private final IntervalTable table;

    DemoReport(String bootstrap) {
        this.table = IntervalTable.start(bootstrap);
    }

    long verifiedCount() {
        return table.verified().size();
    }

    /** Rejected readings (orders and statements are rejected onto the same topic; they are not counted here). */
    long rejectedCount() {
        return table.rejections().stream().filter(DemoReport::isReading).count();
    }

    static boolean isReading(Rejection r) {
        Rejection.Source s = r.source();
        if (s == null) {
            return true;
        }
        if (s.topic() != null) {
            return s.topic().equals(Topics.READINGS);
        }
        return s.mqttTopic() == null || s.mqttTopic().endsWith("/readings");
    }

    /** Waits until the backend has verified a reading. */
    void awaitFirstVerified(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (table.verified().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no reading was verified within " + timeout + "; rejections so far: "
                        + table.rejectsByReason());
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** Waits until the counts stop moving (the last readings were verified), at most {@code timeout}. */
    void awaitQuiet(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            long now = verifiedCount() + rejectedCount();
            if (now == last) {
                return;
            }
            last = now;
            TimeUnit.MILLISECONDS.sleep(1_000);
        }
    }

    /** Verified kWh per meter per interval, then rejected readings by reason. */
    void print(PrintStream out, List<Address> meters) {
        out.println();
        out.println("Verified energy per meter and interval (UTC; kWh = register change between verified readings)");
        out.printf(
                "%-12s %-14s %-19s %12s %12s %9s%n",
                "household", "meter", "interval", "import kWh", "export kWh", "readings");
        for (int i = 0; i < meters.size(); i++) {
            String meter = meters.get(i).toHex();
            for (IntervalTotals t : table.intervals()) {
                if (!t.meter().equalsIgnoreCase(meter)) {
                    continue;
                }
                Instant start = Instant.ofEpochMilli(t.intervalStartMs());
                out.printf(
                        "%-12s %-14s %-19s %12s %12s %9d%n",
                        "household " + (i + 1),
                        meter.substring(0, 10) + "…",
                        HH_MM_SS.format(start) + "–" + HH_MM_SS.format(start.plusSeconds(t.intervalSeconds())),
                        kWh(t.importMilliWh()),
                        kWh(t.exportMilliWh()),
                        t.readings());
            }
        }
        out.println();
        Map<RejectReason, Long> rejects = new TreeMap<>();
        Map<RejectReason, Long> marketRejects = new TreeMap<>();
        for (Rejection r : table.rejections()) {
            (isReading(r) ? rejects : marketRejects).merge(r.reason(), 1L, Long::sum);
        }
        long total = rejects.values().stream().mapToLong(Long::longValue).sum();
        out.printf("Rejected readings: %d%n", total);
        rejects.forEach((reason, n) -> out.printf("  %-22s %6d%n", reason, n));
        out.printf("Verified readings: %d%n", verifiedCount());
        if (!marketRejects.isEmpty()) {
            out.printf(
                    "Rejected orders and statements: %d%n",
                    marketRejects.values().stream().mapToLong(Long::longValue).sum());
            marketRejects.forEach((reason, n) -> out.printf("  %-22s %6d%n", reason, n));
        }
    }

    /** Milliwatt-hours as kWh with three decimals, from integers (no floating point). */
    static String kWh(long milliWh) {
        long wh = milliWh / 1000;
        return String.format("%d.%03d", wh / 1000, Math.abs(wh % 1000));
    }

    @Override
    public void close() {
        table.close();
    }
}
