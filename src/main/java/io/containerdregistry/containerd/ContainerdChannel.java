package io.containerdregistry.containerd;

import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.metrics.RpcRecorder;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC channel to containerd over its unix socket, with the namespace header on every call. The channel is
 * built lazily: nothing connects until the first call, so the registry starts even while containerd is down.
 */
@ApplicationScoped
public class ContainerdChannel {
    static final Metadata.Key<String> NAMESPACE = Metadata.Key.of("containerd-namespace", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> LEASE = Metadata.Key.of("containerd-lease", Metadata.ASCII_STRING_MARSHALLER);
    private static final int MAX_MESSAGE = 16 * 1024 * 1024;
    private static final int READ_WINDOW = 256 * 1024;

    private final ContainerdSocket socket;
    private final String namespace;
    private final ClientInterceptor timings;
    private final ClientInterceptor reachability;
    private EpollEventLoopGroup group;
    private ManagedChannel channel;

    ContainerdChannel(ContainerdSocket socket, RegistryConfig config, RpcRecorder rpcs,
            ContainerdReachability reachability) {
        this.socket = socket;
        this.namespace = config.containerd().namespace();
        this.timings = RpcTimings.interceptor(rpcs);
        this.reachability = reachability.interceptor();
    }

    public synchronized ManagedChannel get() {
        if (channel == null) {
            Metadata headers = new Metadata();
            headers.put(NAMESPACE, namespace);
            group = new EpollEventLoopGroup(2, new DefaultThreadFactory("containerd-grpc", true));
            channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.path().toFile()))
                    .channelType(EpollDomainSocketChannel.class)
                    .eventLoopGroup(group)
                    // responses are handled where they arrive: nothing downstream blocks, and a hand-off to another
                    // thread per message costs more than the handling itself
                    .directExecutor()
                    .usePlaintext()
                    .overrideAuthority("localhost")
                    .maxInboundMessageSize(MAX_MESSAGE)
                    // a fixed receive window per stream (no growth by bandwidth probing): what containerd may send a
                    // read stream ahead of the client's pace stays this small, whatever the number of streams
                    .flowControlWindow(READ_WINDOW)
                    .intercept(MetadataUtils.newAttachHeadersInterceptor(headers), timings, reachability)
                    .build();
        }
        return channel;
    }

    public String namespace() {
        return namespace;
    }

    @PreDestroy
    synchronized void close() {
        if (channel != null) {
            channel.shutdown();
            try {
                if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                    channel.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                channel.shutdownNow();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            channel = null;
        }
    }
}
