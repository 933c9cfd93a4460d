package io.containerdregistry.containerd;

import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/** Reads small content (manifests, bounded by the manifest size limit) fully into memory. */
final class ContentBytes implements Flow.Subscriber<ByteBuffer> {
    private final byte[] bytes;
    private final io.smallrye.mutiny.subscription.UniEmitter<? super byte[]> emitter;
    private int at;

    private ContentBytes(long size, io.smallrye.mutiny.subscription.UniEmitter<? super byte[]> emitter) {
        this.bytes = new byte[Math.toIntExact(size)];
        this.emitter = emitter;
    }

    static Uni<byte[]> read(Flow.Publisher<ByteBuffer> content, long size) {
        if (size == 0) {
            return Uni.createFrom().item(new byte[0]);
        }
        return Uni.createFrom().emitter(emitter -> content.subscribe(new ContentBytes(size, emitter)));
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ByteBuffer item) {
        int n = Math.min(item.remaining(), bytes.length - at);
        item.get(bytes, at, n);
        at += n;
    }

    @Override
    public void onError(Throwable throwable) {
        emitter.fail(throwable);
    }

    @Override
    public void onComplete() {
        emitter.complete(bytes);
    }
}
