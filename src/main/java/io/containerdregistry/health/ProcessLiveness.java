package io.containerdregistry.health;

import jakarta.enterprise.context.ApplicationScoped;
import java.lang.management.ManagementFactory;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while the process answers HTTP. It deliberately ignores containerd: restarting the registry does not bring
 * containerd back, so an outage there makes the registry unready, never dead.
 */
@Liveness
@ApplicationScoped
class ProcessLiveness implements HealthCheck {
    static final String NAME = "registry";

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(NAME).up()
                .withData("uptime_seconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000)
                .build();
    }
}
