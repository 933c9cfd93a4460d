package io.containerdregistry.containerd;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** Background timers of the adapter: one daemon thread each, named for what it does. */
final class Daemons {
    private Daemons() {
    }

    /** One thread; a cancelled task leaves the queue at once, so short-lived timers never pile up. */
    static ScheduledExecutorService scheduler(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
