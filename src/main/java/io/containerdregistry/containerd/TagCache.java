package io.containerdregistry.containerd;

import io.containerdregistry.containerd.api.events.Envelope;
import io.containerdregistry.containerd.api.events.EventsGrpc;
import io.containerdregistry.containerd.api.events.SubscribeRequest;
import io.containerdregistry.store.StoredManifest;
import io.grpc.stub.StreamObserver;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * What image records (tags) resolve to, kept only while containerd's event stream is connected: every image or
 * content event in the namespace empties the cache, and so does losing the stream (the cache is then off until it
 * is back). A tag is therefore never served staler than containerd takes to deliver an event (milliseconds), and
 * a resolution that raced with an event is not cached.
 */
@ApplicationScoped
class TagCache {
    private static final Logger LOG = Logger.getLogger(TagCache.class);
    private static final int MAX_ENTRIES = 10_000;

    private final ContainerdChannel channel;
    private final ConcurrentHashMap<String, StoredManifest> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final ScheduledExecutorService retries = Daemons.scheduler("containerd-events");
    private volatile boolean live;
    private volatile boolean stopped;
    private volatile boolean streamOpen;
    private final AtomicLong attempts = new AtomicLong();

    TagCache(ContainerdChannel channel) {
        this.channel = channel;
    }

    void start(@Observes StartupEvent event) {
        subscribe();
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        live = false;
        retries.shutdownNow();
    }

    /** The generation to pass to {@link #put}: read it before asking containerd. */
    long generation() {
        return generation.get();
    }

    StoredManifest get(String imageName) {
        return live ? entries.get(imageName) : null;
    }

    /** Caches a resolution made since {@code seen} unless something changed in between. */
    void put(String imageName, StoredManifest target, long seen) {
        if (live && generation.get() == seen && entries.size() < MAX_ENTRIES) {
            entries.put(imageName, target.withoutBytes());
            if (generation.get() != seen) {
                entries.remove(imageName);
            }
        }
    }

    /** Forgets everything (an image changed, or the registry itself changed one). */
    void invalidate() {
        generation.incrementAndGet();
        entries.clear();
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
                    invalidate();
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
            // starts: the cache turns on only once the stream has stayed up for a while, starting empty
            long attempt = attempts.incrementAndGet();
            streamOpen = true;
            retries.schedule(() -> {
                if (!stopped && streamOpen && attempts.get() == attempt) {
                    invalidate();
                    live = true;
                }
            }, 500, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            lost(e.getMessage());
        }
    }

    private void lost(String why) {
        streamOpen = false;
        live = false;
        invalidate();
        if (!stopped) {
            LOG.debugf("containerd event stream lost (%s); tag cache off until it is back", why);
            retries.schedule(this::subscribe, 1, TimeUnit.SECONDS);
        }
    }
}
