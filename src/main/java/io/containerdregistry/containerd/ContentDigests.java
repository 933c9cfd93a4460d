package io.containerdregistry.containerd;

import io.containerdregistry.oci.Digest;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * Computes a digest of stored content by streaming it (one message at a time, never whole). The hashing runs on
 * worker threads, one step after the other, so the thread that receives containerd's answers is never held by it.
 */
final class ContentDigests implements Flow.Subscriber<ByteBuffer> {
    private final MessageDigest digest;
    private final String algorithm;
    private final UniEmitter<? super Digest> emitter;
    private final Executor worker;
    /** The last hashing step queued: steps run one after the other, in the order the messages came. */
    private volatile CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private Flow.Subscription subscription;

    private ContentDigests(String algorithm, UniEmitter<? super Digest> emitter, Executor worker) {
        this.algorithm = algorithm;
        this.digest = Digest.messageDigest(algorithm);
        this.emitter = emitter;
        this.worker = worker;
    }

    static Uni<Digest> compute(Flow.Publisher<ByteBuffer> content, String algorithm) {
        return Uni.createFrom().emitter(emitter -> content.subscribe(
                new ContentDigests(algorithm, emitter, Infrastructure.getDefaultWorkerPool())));
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(ByteBuffer item) {
        tail = tail.thenRunAsync(() -> {
            digest.update(item);
            subscription.request(1);
        }, worker);
    }

    @Override
    public void onError(Throwable throwable) {
        emitter.fail(throwable);
    }

    @Override
    public void onComplete() {
        tail = tail.thenRunAsync(() -> emitter.complete(
                new Digest(algorithm, HexFormat.of().formatHex(digest.digest()))), worker);
    }
}
