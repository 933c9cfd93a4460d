package io.containerdregistry.api;

import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Caps the upload requests ({@code POST}, {@code PATCH}, {@code PUT} of blob uploads) the registry handles at once for
 * one remote address ({@code registry.limits.max-uploads-per-client}); one more is 429 {@code TOOMANYREQUESTS}. A
 * request counts until its response ends or its connection closes. Runs after {@link AccessControl}.
 */
@ApplicationScoped
class UploadLimits {
    private final int max;
    private final Map<String, Integer> active = new ConcurrentHashMap<>();

    UploadLimits(RegistryConfig config) {
        this.max = config.limits().maxUploadsPerClient();
    }

    void init(@Observes @Priority(AccessControl.AFTER_REGISTRY_ROUTER + 100) Router router) {
        if (max <= 0) {
            return;
        }
        router.routeWithRegex(HttpMethod.POST, Paths.UPLOADS).order(RegistryRouter.FIRST).handler(this::admit);
        router.routeWithRegex(HttpMethod.PATCH, Paths.UPLOAD).order(RegistryRouter.FIRST).handler(this::admit);
        router.routeWithRegex(HttpMethod.PUT, Paths.UPLOAD).order(RegistryRouter.FIRST).handler(this::admit);
    }

    private void admit(RoutingContext rc) {
        String client = rc.request().remoteAddress() == null ? "unknown" : rc.request().remoteAddress().host();
        if (active.merge(client, 1, Integer::sum) > max) {
            release(client);
            throw new RegistryException(ErrorCode.TOOMANYREQUESTS, 429,
                    "more than " + max + " concurrent uploads from " + client, null).withHeader("Retry-After", "1");
        }
        AtomicBoolean released = new AtomicBoolean();
        rc.addEndHandler(ignored -> {
            if (released.compareAndSet(false, true)) {
                release(client);
            }
        });
        rc.next();
    }

    private void release(String client) {
        active.computeIfPresent(client, (key, count) -> count <= 1 ? null : count - 1);
    }
}
