package io.containerdregistry.doctor;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Inspects containerd at start and every {@code registry.doctor.interval}, on a thread of its own, and reports each
 * change of verdict once: a log line naming the fixes, the gauges, and a Kubernetes Event on the node. The last
 * verdict is what the {@code containerd-mirror-setup} readiness check shows.
 */
@ApplicationScoped
class ContainerdDoctor {
    private static final Logger LOG = Logger.getLogger(ContainerdDoctor.class);

    private final ContainerdInspection inspection;
    private final DoctorConfig config;
    private final SetupRules rules;
    private final DoctorMetrics metrics;
    private final NodeEvents events;
    private volatile Report report = Report.NOT_YET;
    private ScheduledExecutorService executor;

    ContainerdDoctor(ContainerdInspection inspection, DoctorConfig config, DoctorMetrics metrics, NodeEvents events) {
        this.inspection = inspection;
        this.config = config;
        this.rules = new SetupRules(Path.of(config.hostsDir()));
        this.metrics = metrics;
        this.events = events;
    }

    /**
     * The last check's outcome.
     *
     * @param verdict   the last verdict containerd answered for (empty before the first)
     * @param checkedAt when it was found
     * @param failure   why the latest check got no answer, when it did not
     */
    record Report(Optional<Verdict> verdict, Optional<Instant> checkedAt, Optional<String> failure) {
        static final Report NOT_YET = new Report(Optional.empty(), Optional.empty(), Optional.empty());
    }

    Report report() {
        return report;
    }

    void start(@Observes StartupEvent event) {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "containerd-doctor");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        executor = scheduler;
        executor.execute(this::checkAndReschedule);
    }

    void stop(@Observes ShutdownEvent event) {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private void checkAndReschedule() {
        boolean answered = check();
        Duration interval = config.interval();
        Duration next = answered ? interval : min(config.retry(), interval);
        if (!next.isZero() && !executor.isShutdown()) {
            executor.schedule(this::checkAndReschedule, next.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** One inspection; false when containerd did not answer. Runs on the doctor's thread, which may block. */
    boolean check() {
        Verdict verdict;
        try {
            // each call has the deadline; the bound here only guards against a call that never starts
            ContainerdView view = inspection.inspect(config.timeout()).await().atMost(config.timeout().multipliedBy(2));
            verdict = rules.judge(view, inspection.contentFiles());
        } catch (RuntimeException e) {
            if (report.failure().isEmpty()) {
                LOG.infof("containerd mirror setup not checked: containerd did not answer (%s)", e.getMessage());
            }
            report = new Report(report.verdict(), report.checkedAt(), Optional.of(String.valueOf(e.getMessage())));
            return false;
        }
        Optional<Verdict> previous = report.verdict();
        report = new Report(Optional.of(verdict), Optional.of(Instant.now()), Optional.empty());
        metrics.record(verdict);
        if (previous.isEmpty() || !previous.get().equals(verdict)) {
            announce(verdict);
        }
        return true;
    }

    private void announce(Verdict verdict) {
        if (verdict.problems().isEmpty()) {
            LOG.info(verdict.summary());
        } else {
            LOG.warn(verdict.summary());
        }
        events.post(verdict);
    }

    private static Duration min(Duration a, Duration b) {
        return b.isZero() || a.compareTo(b) <= 0 ? a : b;
    }
}
