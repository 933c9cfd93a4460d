package io.containerdregistry.history;

import io.containerdregistry.testing.Ctr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The fault injector: a thread that, until told to stop, forces containerd garbage collections every few seconds
 * and now and then takes a process down: containerd restarted (SIGTERM) or killed (SIGKILL, back after a pause),
 * the registry killed (SIGKILL) or stopped (SIGTERM) and started again on the same port, sometimes without
 * containerd's content directory (reads then stream through containerd). Each outage is a {@link Downtime} window
 * from the fault until {@code /readyz} answers 200 again. The first faults cover every kind once, in a seeded order.
 */
final class Chaos implements Runnable {
    enum Fault {
        CONTAINERD_RESTART, CONTAINERD_KILL, REGISTRY_KILL, REGISTRY_TERM
    }

    private final SystemUnderTest system;
    private final Downtime downtime;
    private final Journal journal;
    private final Random random;
    private final long meanGapMillis;
    private final Map<String, Integer> injected = new TreeMap<>();
    private volatile boolean stopped;
    private volatile Throwable crash;

    Chaos(SystemUnderTest system, Downtime downtime, Journal journal, long seed, long meanGapMillis) {
        this.system = system;
        this.downtime = downtime;
        this.journal = journal;
        this.random = new Random(seed);
        this.meanGapMillis = meanGapMillis;
    }

    void stop() {
        stopped = true;
    }

    Throwable crash() {
        return crash;
    }

    synchronized Map<String, Integer> injected() {
        return new TreeMap<>(injected);
    }

    @Override
    public void run() {
        List<Fault> first = new ArrayList<>(List.of(Fault.values()));
        Collections.shuffle(first, random);
        long nextGc = System.currentTimeMillis() + 1000 + random.nextInt(3000);
        long nextFault = System.currentTimeMillis() + gap();
        try {
            while (!stopped) {
                long now = System.currentTimeMillis();
                if (now >= nextFault) {
                    inject(first.isEmpty() ? randomFault() : first.remove(0));
                    nextFault = System.currentTimeMillis() + gap();
                } else if (now >= nextGc) {
                    collectGarbage();
                    nextGc = System.currentTimeMillis() + 1500 + random.nextInt(3500);
                } else {
                    Calls.pause(Math.min(100, Math.min(nextGc, nextFault) - now));
                }
            }
        } catch (Throwable t) {
            crash = t;
            journal.note("chaos", "chaos crashed: " + t);
        }
    }

    private long gap() {
        return meanGapMillis / 2 + (long) (random.nextDouble() * meanGapMillis);
    }

    private Fault randomFault() {
        int roll = random.nextInt(100);
        return roll < 30 ? Fault.CONTAINERD_RESTART : roll < 50 ? Fault.CONTAINERD_KILL
                : roll < 85 ? Fault.REGISTRY_KILL : Fault.REGISTRY_TERM;
    }

    private void collectGarbage() {
        try {
            Ctr.collectGarbage(system.socket(), "default");
            count("containerd GC (forced)");
        } catch (AssertionError e) {
            count("containerd GC (failed: containerd away)");
        }
    }

    private void inject(Fault fault) throws Exception {
        String name;
        int window;
        switch (fault) {
            case CONTAINERD_RESTART -> {
                name = "containerd restart (SIGTERM)";
                window = begin(name);
                system.restartContainerd();
            }
            case CONTAINERD_KILL -> {
                long pause = 500 + random.nextInt(2500);
                name = "containerd kill (SIGKILL) and start";
                window = begin(name + " after " + pause + " ms");
                system.killContainerd();
                Calls.pause(pause);
                system.startContainerd();
            }
            default -> {
                boolean graceful = fault == Fault.REGISTRY_TERM;
                boolean contentDir = random.nextInt(4) > 0;
                name = "registry " + (graceful ? "stop (SIGTERM)" : "kill (SIGKILL)") + " and start"
                        + (contentDir ? "" : " without content dir");
                window = begin(name);
                system.stopRegistry(graceful);
                Calls.pause(random.nextInt(1500));
                system.startRegistry(contentDir);
            }
        }
        if (!system.awaitReady(Duration.ofSeconds(60))) {
            throw new IllegalStateException("not ready within 60 s after " + name);
        }
        long back = System.currentTimeMillis();
        downtime.end(window, back);
        journal.note("chaos", "up again after " + name);
        count(name);
    }

    private int begin(String name) {
        journal.note("chaos", "fault: " + name);
        return downtime.begin(name, System.currentTimeMillis());
    }

    private synchronized void count(String kind) {
        injected.merge(kind, 1, Integer::sum);
    }
}
