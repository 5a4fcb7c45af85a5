package org.gridshare.parts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.gridshare.testsupport.Reports;

/**
 * Measures start and stop time of each part; not a test (surefire does not pick it up). Run with
 * {@code ./mvnw -q -pl local-parts exec:java -Dexec.mainClass=org.gridshare.parts.StartupTimes
 * -Dexec.classpathScope=test [-Dexec.args=5]}. The first start of each part in a JVM includes class
 * loading and is reported on its own.
 */
public final class StartupTimes {
    private StartupTimes() {}

    interface Starter {
        AutoCloseable start(Path dir) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path work = Files.createTempDirectory("gridshare-startup-times");
        Path repo = RepoRoot.find();
        Reports.write("part-start-stop.txt", "");
        measure("anvil", runs, work, dir -> AnvilNode.start(repo));
        if (Mosquitto.available()) {
            measure("mosquitto", runs, work, Mosquitto::start);
        } else {
            System.out.println("mosquitto: not installed, not measured");
        }
        measure("hivemq-ce-embedded", runs, work, EmbeddedHiveMq::start);
        measure("kafka (KRaft)", runs, work, KafkaNode::start);
        try (var paths = Files.walk(work)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    private static void measure(String name, int runs, Path work, Starter starter) throws Exception {
        List<Long> starts = new ArrayList<>();
        List<Long> stops = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Path dir = Files.createDirectories(work.resolve(name.replaceAll("\\W", "") + "-" + i));
            long t0 = System.nanoTime();
            AutoCloseable part = starter.start(dir);
            long t1 = System.nanoTime();
            part.close();
            long t2 = System.nanoTime();
            starts.add((t1 - t0) / 1_000_000);
            stops.add((t2 - t1) / 1_000_000);
        }
        Reports.appendf(
                "part-start-stop.txt",
                "%-20s first start %5d ms, then start median %5d ms, stop median %5d ms (%d runs: starts %s, stops %s)%n",
                name,
                starts.get(0),
                median(starts.subList(1, runs)),
                median(stops),
                runs,
                starts,
                stops);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
