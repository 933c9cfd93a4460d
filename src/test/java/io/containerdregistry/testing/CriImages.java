package io.containerdregistry.testing;

import io.containerdregistry.containerd.api.cri.Image;
import io.containerdregistry.containerd.api.cri.ImageServiceGrpc;
import io.containerdregistry.containerd.api.cri.ImageSpec;
import io.containerdregistry.containerd.api.cri.ImageStatusRequest;
import io.containerdregistry.containerd.api.cri.PullImageRequest;
import io.containerdregistry.containerd.api.cri.PullImageResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** kubelet's side of containerd's CRI image service, over containerd's socket: the calls kubelet makes to pull. */
public final class CriImages implements AutoCloseable {
    private final EpollEventLoopGroup group = new EpollEventLoopGroup(1);
    private final ManagedChannel channel;

    public CriImages(Path socket) {
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toFile()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(group)
                .usePlaintext().overrideAuthority("localhost").build();
    }

    /** kubelet's call: PullImage with the image reference only (no auth, no sandbox config). */
    public PullImageResponse pull(String image) {
        return ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                .pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
    }

    /** ImageStatus of a reference: the image as CRI reports it (empty when it has none). */
    public Image status(String image) {
        return ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build())
                .getImage();
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
