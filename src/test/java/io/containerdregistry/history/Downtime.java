package io.containerdregistry.history;

import java.util.ArrayList;
import java.util.List;

/**
 * When containerd or the registry was down: from the moment the chaos began a fault until the registry answered
 * {@code /readyz} with 200 again. A {@code 503} is explained when its request overlaps a window or its grace after.
 */
final class Downtime {
    /** A fault's window; {@code to} is {@link Long#MAX_VALUE} while it lasts. */
    record Window(String cause, long from, long to) {
        boolean registry() {
            return cause.startsWith("registry");
        }
    }

    private final long graceMillis;
    private final List<Window> windows = new ArrayList<>();

    Downtime(long graceMillis) {
        this.graceMillis = graceMillis;
    }

    synchronized int begin(String cause, long at) {
        windows.add(new Window(cause, at, Long.MAX_VALUE));
        return windows.size() - 1;
    }

    synchronized void end(int id, long at) {
        Window open = windows.get(id);
        windows.set(id, new Window(open.cause(), open.from(), at));
    }

    long graceMillis() {
        return graceMillis;
    }

    /** Whether a request between {@code start} and {@code end} overlaps a window (with its grace). */
    synchronized boolean explains(long start, long end) {
        for (Window window : windows) {
            long until = window.to() == Long.MAX_VALUE ? Long.MAX_VALUE : window.to() + graceMillis;
            if (start <= until && end >= window.from()) {
                return true;
            }
        }
        return false;
    }

    /** Whether the registry process may have been replaced between the two instants. */
    synchronized boolean registryReplacedBetween(long start, long end) {
        for (Window window : windows) {
            if (window.registry() && start <= window.to() && end >= window.from()) {
                return true;
            }
        }
        return false;
    }

    synchronized List<Window> windows() {
        return List.copyOf(windows);
    }
}
