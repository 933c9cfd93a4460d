package io.containerdregistry.containerd;

import com.google.protobuf.Empty;
import io.containerdregistry.containerd.api.version.VersionResponse;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.store.StoreHealth;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** containerd is healthy when its Version service answers within the deadline. */
@ApplicationScoped
class ContainerdHealth implements StoreHealth {
    private final Stubs stubs;

    ContainerdHealth(Stubs stubs) {
        this.stubs = stubs;
    }

    @Override
    public Uni<String> version(Duration deadline) {
        return Calls.<VersionResponse>unary(o -> stubs.version(deadline).version(Empty.getDefaultInstance(), o))
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.UNAVAILABLE))
                .map(VersionResponse::getVersion);
    }
}
