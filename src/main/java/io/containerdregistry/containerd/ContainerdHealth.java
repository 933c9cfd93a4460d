package io.containerdregistry.containerd;

import com.google.protobuf.Empty;
import io.containerdregistry.containerd.api.version.VersionResponse;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.store.StoreHealth;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * containerd is healthy when its Version service answers within the deadline. A channel that failed to connect
 * waits out an exponential backoff (up to two minutes) before it tries again; a health check cuts that wait short,
 * so a containerd that came back is seen at the next check, without restarting the registry.
 */
@ApplicationScoped
class ContainerdHealth implements StoreHealth {
    private final Stubs stubs;
    private final ContainerdChannel channel;

    ContainerdHealth(Stubs stubs, ContainerdChannel channel) {
        this.stubs = stubs;
        this.channel = channel;
    }

    @Override
    public Uni<String> version(Duration deadline) {
        return Uni.createFrom().deferred(() -> {
            reconnectIfBackingOff();
            return Calls.<VersionResponse>unary(o -> stubs.version(deadline).version(Empty.getDefaultInstance(), o));
        })
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.UNAVAILABLE))
                .map(VersionResponse::getVersion);
    }

    private void reconnectIfBackingOff() {
        ManagedChannel managed = channel.get();
        if (managed.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            managed.resetConnectBackoff();
        }
    }
}
