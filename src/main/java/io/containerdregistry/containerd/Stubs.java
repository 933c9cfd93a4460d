package io.containerdregistry.containerd;

import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.containerd.api.content.ContentGrpc;
import io.containerdregistry.containerd.api.cri.RuntimeServiceGrpc;
import io.containerdregistry.containerd.api.images.ImagesGrpc;
import io.containerdregistry.containerd.api.introspection.IntrospectionGrpc;
import io.containerdregistry.containerd.api.leases.LeasesGrpc;
import io.containerdregistry.containerd.api.version.VersionGrpc;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Async stubs for containerd's services; unary ones carry the configured deadline. */
@ApplicationScoped
class Stubs {
    private final ContainerdChannel channel;
    private final long timeoutMillis;

    Stubs(ContainerdChannel channel, RegistryConfig config) {
        this.channel = channel;
        this.timeoutMillis = config.containerd().rpcTimeout().toMillis();
    }

    ContentGrpc.ContentStub content() {
        return deadline(ContentGrpc.newStub(channel.get()));
    }

    /**
     * For streams whose length depends on the client: no deadline, cancelled when the client goes (or stalls: the
     * HTTP read and write timeouts). Reads and writes of bounded size (manifests) use {@link #content()}, with the
     * unary deadline, so a containerd that stops answering never leaves one waiting for good.
     */
    ContentGrpc.ContentStub contentStream() {
        return ContentGrpc.newStub(channel.get());
    }

    ImagesGrpc.ImagesStub images() {
        return deadline(ImagesGrpc.newStub(channel.get()));
    }

    LeasesGrpc.LeasesStub leases() {
        return deadline(LeasesGrpc.newStub(channel.get()));
    }

    VersionGrpc.VersionStub version(Duration deadline) {
        return VersionGrpc.newStub(channel.get()).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    IntrospectionGrpc.IntrospectionStub introspection(Duration deadline) {
        return IntrospectionGrpc.newStub(channel.get()).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The CRI plugin's runtime service (kubelet's API), served on containerd's own socket when the plugin runs. */
    RuntimeServiceGrpc.RuntimeServiceStub criRuntime(Duration deadline) {
        return RuntimeServiceGrpc.newStub(channel.get()).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The stub with the {@code containerd-lease} header, so what it writes belongs to that lease. */
    static <S extends AbstractStub<S>> S leased(S stub, String leaseId) {
        Metadata headers = new Metadata();
        headers.put(ContainerdChannel.LEASE, leaseId);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private <S extends AbstractStub<S>> S deadline(S stub) {
        return stub.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
