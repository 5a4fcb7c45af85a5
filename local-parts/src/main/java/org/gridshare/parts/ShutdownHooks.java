package org.gridshare.parts;

/** Closes a running part on normal JVM exit or Ctrl-C; removed again when the part is closed first. */
final class ShutdownHooks {
    private ShutdownHooks() {}

    static Thread register(String name, Runnable close) {
        Thread hook = new Thread(close, "gridshare-stop-" + name);
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    static void unregister(Thread hook) {
        if (hook == null || hook == Thread.currentThread()) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting and runs the hook itself; nothing to undo
        }
    }
}
