package io.containerdregistry.containerd;

import io.containerdregistry.containerd.api.content.ContentGrpc;
import io.containerdregistry.containerd.api.content.ReadContentRequest;
import io.containerdregistry.containerd.api.content.ReadContentResponse;
import io.containerdregistry.oci.ErrorCode;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A blob range read through containerd's {@code Content.Read} stream with manual flow control: a message
 * (about 1 MiB) is asked for only when the subscriber asks, so a slow HTTP client slows the read instead of
 * filling the heap. A stream that ends short of the requested length fails.
 */
final class ContentReader implements Flow.Publisher<ByteBuffer> {
    private final ContentGrpc.ContentStub stub;
    private final ReadContentRequest request;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    ContentReader(ContentGrpc.ContentStub stub, String digest, long offset, long length) {
        this.stub = stub;
        this.request = ReadContentRequest.newBuilder().setDigest(digest).setOffset(offset).setSize(length).build();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        if (!subscribed.compareAndSet(false, true)) {
            throw new IllegalStateException("a blob read can be subscribed once");
        }
        Relay relay = new Relay(subscriber, request.getSize());
        stub.read(request, relay);
        subscriber.onSubscribe(relay);
    }

    private static final class Relay implements ClientResponseObserver<ReadContentRequest, ReadContentResponse>,
            Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final long expected;
        private ClientCallStreamObserver<ReadContentRequest> call;
        private long received;
        private volatile boolean cancelled;

        Relay(Flow.Subscriber<? super ByteBuffer> subscriber, long expected) {
            this.subscriber = subscriber;
            this.expected = expected;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<ReadContentRequest> requestStream) {
            this.call = requestStream;
            requestStream.disableAutoRequestWithInitial(0);
        }

        @Override
        public void request(long n) {
            if (!cancelled) {
                call.request((int) Math.min(n, Integer.MAX_VALUE));
            }
        }

        @Override
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                call.cancel("client went away", null);
            }
        }

        @Override
        public void onNext(ReadContentResponse value) {
            received += value.getData().size();
            subscriber.onNext(value.getData().asReadOnlyByteBuffer());
        }

        @Override
        public void onError(Throwable t) {
            if (!cancelled) {
                subscriber.onError(GrpcErrors.map(t, ErrorCode.BLOB_UNKNOWN));
            }
        }

        @Override
        public void onCompleted() {
            if (received != expected) {
                subscriber.onError(GrpcErrors.map(Status.DATA_LOSS
                        .withDescription("read " + received + " of " + expected + " bytes").asException(),
                        ErrorCode.BLOB_UNKNOWN));
            } else {
                subscriber.onComplete();
            }
        }
    }
}
