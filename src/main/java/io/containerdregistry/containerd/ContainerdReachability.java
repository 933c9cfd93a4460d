package io.containerdregistry.containerd;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Whether containerd can be reached, as the calls on its channel find it, said once per change: a WARN naming the
 * socket and the reason when calls stop reaching it, an INFO when one reaches it again. Meanwhile every request that
 * needs containerd is answered 503 (by {@link GrpcErrors}) and appears in the access log only, so an outage costs
 * two log lines, not a stack trace per request. The readiness probe keeps calling, so a return is seen even when no
 * client asks.
 */
@ApplicationScoped
class ContainerdReachability {
    private static final Logger LOG = Logger.getLogger(ContainerdReachability.class);

    private final Supplier<Path> socket;
    /** null until the first call tells; then whether the last call that told reached containerd. */
    private Boolean reachable;
    private long unreachableSince;

    @Inject
    ContainerdReachability(ContainerdSocket socket) {
        this(socket::path);
    }

    ContainerdReachability(Supplier<Path> socket) {
        this.socket = socket;
    }

    /** The interceptor that shows every call's outcome to {@link #observe}; a method reference, as in RpcTimings. */
    ClientInterceptor interceptor() {
        return this::intercept;
    }

    /** Takes a call's final status as news of containerd: a transport failure, an answer, or nothing either way. */
    void observe(Status status) {
        if (GrpcErrors.unreachable(status)) {
            unreachable(GrpcErrors.unreachableReason(status));
        } else if (GrpcErrors.answered(status)) {
            reachable();
        }
    }

    private void unreachable(String reason) {
        synchronized (this) {
            if (Boolean.FALSE.equals(reachable)) {
                return;
            }
            reachable = false;
            unreachableSince = System.nanoTime();
        }
        LOG.warnf("containerd at %s is unreachable: %s; answering 503 until it is back", socket.get(), reason);
    }

    private void reachable() {
        long since;
        synchronized (this) {
            if (!Boolean.FALSE.equals(reachable)) {
                reachable = true;
                return;
            }
            reachable = true;
            since = unreachableSince;
        }
        Duration away = Duration.ofNanos(System.nanoTime() - since);
        LOG.infof("containerd at %s is reachable again after %d s", socket.get(), away.toSeconds());
    }

    private <Q, R> ClientCall<Q, R> intercept(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        observe(status);
                        super.onClose(status, trailers);
                    }
                }, headers);
            }
        };
    }
}
