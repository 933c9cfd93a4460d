package io.containerdregistry.containerd;

import io.containerdregistry.oci.Digest;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.Flow;

/** Computes a digest of stored content by streaming it (one message at a time, never whole). */
final class ContentDigests implements Flow.Subscriber<ByteBuffer> {
    private final MessageDigest digest;
    private final String algorithm;
    private final UniEmitter<? super Digest> emitter;
    private Flow.Subscription subscription;

    private ContentDigests(String algorithm, UniEmitter<? super Digest> emitter) {
        this.algorithm = algorithm;
        this.digest = Digest.messageDigest(algorithm);
        this.emitter = emitter;
    }

    static Uni<Digest> compute(Flow.Publisher<ByteBuffer> content, String algorithm) {
        return Uni.createFrom().emitter(emitter -> content.subscribe(new ContentDigests(algorithm, emitter)));
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(ByteBuffer item) {
        digest.update(item);
        subscription.request(1);
    }

    @Override
    public void onError(Throwable throwable) {
        emitter.fail(throwable);
    }

    @Override
    public void onComplete() {
        emitter.complete(new Digest(algorithm, HexFormat.of().formatHex(digest.digest())));
    }
}
