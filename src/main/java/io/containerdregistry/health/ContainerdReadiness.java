package io.containerdregistry.health;

import io.containerdregistry.store.StoreHealth;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while containerd answers its {@code Version} call within {@value #DEADLINE_SECONDS} s; DOWN with the
 * reason otherwise. Asynchronous, so a slow containerd never holds an event loop.
 */
@Readiness
@ApplicationScoped
class ContainerdReadiness implements AsyncHealthCheck {
    static final String NAME = "containerd";
    static final long DEADLINE_SECONDS = 2;
    private final StoreHealth store;

    ContainerdReadiness(StoreHealth store) {
        this.store = store;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return store.version(Duration.ofSeconds(DEADLINE_SECONDS))
                .map(version -> HealthCheckResponse.named(NAME).up().withData("version", version).build())
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).down()
                        .withData("reason", String.valueOf(failure.getMessage())).build());
    }
}
