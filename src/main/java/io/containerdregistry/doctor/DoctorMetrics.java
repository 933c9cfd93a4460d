package io.containerdregistry.doctor;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The doctor's gauges: {@code registry_containerd_setup_ok{check=…}} (1 when the check passed, 0 for a problem or an
 * unknown, NaN before the first check) and {@code registry_containerd_setup_problems} (how many checks found a
 * problem, NaN before the first check).
 */
@ApplicationScoped
class DoctorMetrics {
    static final String OK = "registry.containerd.setup.ok";
    static final String PROBLEMS = "registry.containerd.setup.problems";

    private final MeterRegistry registry;
    private final List<Gauge> gauges = new ArrayList<>();
    private final Map<Check, Double> ok = new EnumMap<>(Check.class);
    private volatile double problems = Double.NaN;

    DoctorMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Check check : Check.values()) {
            ok.put(check, Double.NaN);
            gauges.add(Gauge.builder(OK, this, m -> m.ok(check)).tag("check", check.key())
                    .description("1 when this containerd setup check passed, 0 otherwise").register(registry));
        }
        gauges.add(Gauge.builder(PROBLEMS, this, m -> m.problems)
                .description("containerd setup checks that found a problem").register(registry));
    }

    synchronized void record(Verdict verdict) {
        for (Finding finding : verdict.findings()) {
            ok.put(finding.check(), finding.status() == Finding.Status.OK ? 1.0 : 0.0);
        }
        problems = verdict.problems().size();
    }

    private synchronized double ok(Check check) {
        return ok.get(check);
    }

    /** The gauges read this bean: they go with it, so a registry that outlives it never reads a dead one. */
    @PreDestroy
    void close() {
        gauges.forEach(registry::remove);
    }
}
