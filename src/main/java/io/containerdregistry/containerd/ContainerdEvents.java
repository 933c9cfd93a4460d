package io.containerdregistry.containerd;

import io.containerdregistry.containerd.api.events.Envelope;
import io.containerdregistry.containerd.api.events.EventsGrpc;
import io.containerdregistry.containerd.api.events.SubscribeRequest;
import io.grpc.stub.StreamObserver;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * containerd's event stream for the namespace's image and content topics, kept connected (reconnecting every second
 * while containerd is away) and fanned out to what caches containerd state. A listener may trust its cache only
 * between {@link Listener#up} and {@link Listener#down}: every change made while the stream is up is delivered.
 */
@ApplicationScoped
class ContainerdEvents {
    private static final Logger LOG = Logger.getLogger(ContainerdEvents.class);

    /** What follows containerd state through the stream. Called on the stream's thread or the retry timer. */
    interface Listener {
        /** The stream is connected (and containerd registered it): changes from now on will be delivered. */
        void up();

        /** The stream is gone: changes may be missed until the next {@link #up}. */
        void down();

        void event(Envelope envelope);
    }

    private final ContainerdChannel channel;
    private final List<Listener> listeners;
    private final ScheduledExecutorService retries = Daemons.scheduler("containerd-events");
    private final AtomicLong attempts = new AtomicLong();
    private volatile boolean stopped;
    private volatile boolean streamOpen;

    ContainerdEvents(ContainerdChannel channel, TagCache tags, ImageIndex images) {
        this.channel = channel;
        this.listeners = List.of(tags, images);
    }

    void start(@Observes StartupEvent event) {
        subscribe();
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        retries.shutdownNow();
        listeners.forEach(Listener::down);
    }

    private void subscribe() {
        if (stopped) {
            return;
        }
        SubscribeRequest request = SubscribeRequest.newBuilder()
                .addFilters("namespace==" + Filters.quote(channel.namespace()) + ",topic~=\"^/(images|content)/\"")
                .build();
        try {
            EventsGrpc.newStub(channel.get()).subscribe(request, new StreamObserver<Envelope>() {
                @Override
                public void onNext(Envelope envelope) {
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
            });
            // containerd sends nothing until an event happens, and registers the subscription a moment after the call
            // starts: listeners are told the stream is up only once it has stayed open for a while
            long attempt = attempts.incrementAndGet();
            streamOpen = true;
            retries.schedule(() -> {
                if (!stopped && streamOpen && attempts.get() == attempt) {
                    listeners.forEach(Listener::up);
                }
            }, 500, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            lost(e.getMessage());
        }
    }

    private void lost(String why) {
        streamOpen = false;
        listeners.forEach(Listener::down);
        if (!stopped) {
            LOG.debugf("containerd event stream lost (%s); caches off until it is back", why);
            retries.schedule(this::subscribe, 1, TimeUnit.SECONDS);
        }
    }
}
