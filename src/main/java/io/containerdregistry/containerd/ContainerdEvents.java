package io.containerdregistry.containerd;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.containerd.api.events.Envelope;
import io.containerdregistry.containerd.api.events.EventsGrpc;
import io.containerdregistry.containerd.api.events.PublishRequest;
import io.containerdregistry.containerd.api.events.SubscribeRequest;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * containerd's event stream for the namespace's image and content topics, kept connected (reconnecting every second
 * while containerd is away) and fanned out to what caches containerd state.
 *
 * <p>A listener may trust its cache only between {@link Listener#up} and {@link Listener#down}, and {@code up} is
 * told only once containerd is known to deliver this stream's events: after subscribing, the registry publishes a
 * handshake event of its own (a fresh token on topic {@value #HANDSHAKE_TOPIC}) into the namespace until it comes
 * back on the stream. Every change made after that arrives. On top of it, listeners are told to
 * {@link Listener#resync resync} from a full listing every {@code registry.containerd.cache-resync}, so that even an
 * event containerd dropped (its exchange does not promise delivery) leaves a cache stale for at most that long.
 */
@ApplicationScoped
class ContainerdEvents {
    private static final Logger LOG = Logger.getLogger(ContainerdEvents.class);
    static final String HANDSHAKE_TOPIC = "/containerd-registry/handshake";
    private static final String HANDSHAKE_TYPE = "types.containerd-registry.io/handshake";
    private static final long HANDSHAKE_RETRY_MS = 200;
    /** A stream whose handshake has not come back in this time is dropped and made again. */
    private static final long HANDSHAKE_TIMEOUT_MS = 10_000;

    /** What follows containerd state through the stream. Called on the stream's thread or the stream's timer. */
    interface Listener {
        /** The stream is connected and containerd delivers its events: changes from now on will be delivered. */
        void up();

        /** The stream is gone: changes may be missed until the next {@link #up}. */
        void down();

        void event(Envelope envelope);

        /** Time to rebuild from a full listing (called periodically while the stream is up). */
        default void resync() {
        }
    }

    private final ContainerdChannel channel;
    private final List<Listener> listeners;
    private final long resyncMillis;
    private final ScheduledExecutorService timer = Daemons.scheduler("containerd-events");
    /** The stream now open, or null. */
    private final AtomicReference<Stream> current = new AtomicReference<>();
    private volatile boolean stopped;

    ContainerdEvents(ContainerdChannel channel, TagCache tags, ImageIndex images, RegistryConfig config) {
        this.channel = channel;
        this.listeners = List.of(tags, images);
        this.resyncMillis = Math.max(1000, config.containerd().cacheResync().toMillis());
    }

    void start(@Observes StartupEvent event) {
        subscribe();
        timer.scheduleWithFixedDelay(this::resync, resyncMillis, resyncMillis, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        timer.shutdownNow();
        Stream stream = current.getAndSet(null);
        if (stream != null) {
            stream.cancel();
        }
        listeners.forEach(Listener::down);
    }

    private void resync() {
        Stream stream = current.get();
        if (stream != null && stream.confirmed) {
            listeners.forEach(Listener::resync);
        }
    }

    private void subscribe() {
        if (stopped) {
            return;
        }
        Stream stream = new Stream();
        current.set(stream);
        try {
            stream.open();
        } catch (RuntimeException e) {
            stream.lost(e.getMessage());
        }
    }

    /** One subscription: open, then confirmed by its handshake, then lost (and replaced) at most once. */
    private final class Stream implements StreamObserver<Envelope> {
        private final String token = UUID.randomUUID().toString();
        private final long openedAt = System.currentTimeMillis();
        private final Context.CancellableContext context = Context.current().withCancellation();
        private volatile boolean confirmed;
        private volatile boolean ended;

        void open() {
            SubscribeRequest request = SubscribeRequest.newBuilder()
                    .addFilters("namespace==" + Filters.quote(channel.namespace())
                            + ",topic~=\"^/(images|content|containerd-registry)/\"")
                    .build();
            context.run(() -> EventsGrpc.newStub(channel.get()).subscribe(request, this));
            timer.schedule(this::handshake, 0, TimeUnit.MILLISECONDS);
        }

        /** Publishes the handshake until it comes back; gives the stream up when it does not in time. */
        private void handshake() {
            if (ended || confirmed || stopped) {
                return;
            }
            if (System.currentTimeMillis() - openedAt > HANDSHAKE_TIMEOUT_MS) {
                cancel();
                lost("no handshake within " + HANDSHAKE_TIMEOUT_MS + " ms");
                return;
            }
            PublishRequest publish = PublishRequest.newBuilder().setTopic(HANDSHAKE_TOPIC)
                    .setEvent(Any.newBuilder().setTypeUrl(HANDSHAKE_TYPE)
                            .setValue(ByteString.copyFrom(token, StandardCharsets.UTF_8)))
                    .build();
            EventsGrpc.newStub(channel.get()).withDeadlineAfter(5, TimeUnit.SECONDS).publish(publish,
                    new StreamObserver<>() {
                        @Override
                        public void onNext(com.google.protobuf.Empty value) {
                        }

                        @Override
                        public void onError(Throwable t) {
                            retryHandshake();
                        }

                        @Override
                        public void onCompleted() {
                            retryHandshake();
                        }
                    });
        }

        private void retryHandshake() {
            if (!ended && !confirmed && !stopped) {
                timer.schedule(this::handshake, HANDSHAKE_RETRY_MS, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void onNext(Envelope envelope) {
            if (HANDSHAKE_TOPIC.equals(envelope.getTopic())) {
                if (!confirmed && !ended
                        && token.equals(envelope.getEvent().getValue().toString(StandardCharsets.UTF_8))) {
                    confirmed = true;
                    listeners.forEach(Listener::up);
                }
                return;
            }
            listeners.forEach(listener -> listener.event(envelope));
        }

        @Override
        public void onError(Throwable t) {
            lost(t.getMessage());
        }

        @Override
        public void onCompleted() {
            lost("stream ended");
        }

        void cancel() {
            context.cancel(null);
        }

        synchronized void lost(String why) {
            if (ended) {
                return;
            }
            ended = true;
            listeners.forEach(Listener::down);
            if (!stopped && current.compareAndSet(this, null)) {
                LOG.debugf("containerd event stream lost (%s); caches off until it is back", why);
                timer.schedule(ContainerdEvents.this::subscribe, 1, TimeUnit.SECONDS);
            }
        }
    }
}
