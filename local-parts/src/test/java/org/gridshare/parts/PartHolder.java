package org.gridshare.parts;

import java.nio.file.Path;
import java.util.stream.Collectors;

/** A throwaway JVM for {@link ChildProcessGuardIT}: starts one part, prints its process tree, then blocks. */
public final class PartHolder {
    private PartHolder() {}

    public static void main(String[] args) throws Exception {
        Path workDir = Path.of(args[1]);
        AutoCloseable part = switch (args[0]) {
            case AnvilNode.NAME -> AnvilNode.start(RepoRoot.find());
            case Mosquitto.NAME -> Mosquitto.start(workDir);
            default -> throw new IllegalArgumentException(args[0]);
        };
        String pids = ProcessHandle.current()
                .descendants()
                .map(p -> Long.toString(p.pid()))
                .collect(Collectors.joining(" "));
        System.out.println("DESCENDANTS " + pids);
        System.out.flush();
        while (System.in.read() >= 0) {
            // hold the part until killed
        }
        part.close();
    }
}
