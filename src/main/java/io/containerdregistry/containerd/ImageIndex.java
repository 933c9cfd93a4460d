package io.containerdregistry.containerd;

import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.containerd.api.events.Envelope;
import io.containerdregistry.containerd.api.images.Image;
import io.containerdregistry.containerd.api.images.ListImagesRequest;
import io.containerdregistry.containerd.api.images.ListImagesResponse;
import io.containerdregistry.store.ImageNames;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jboss.logging.Logger;

/**
 * The namespace's image record names, sorted in memory, so a page of tags or of the catalog costs the page and not
 * the number of records. Loaded with one listing once containerd's event stream is confirmed up, then kept by the
 * stream's image events, rebuilt from a fresh listing on every resync tick (events that arrive during a listing are
 * replayed onto it), and changed at once by the registry's own writes so a client reads its own writes. While the
 * stream is down, before its first listing, or once the namespace holds more records than
 * {@code registry.listing.index-max-records}, it is off (and empty) and listings ask containerd.
 *
 * <p>The registry's own changes race with the stream: the answer to a create may arrive before or after its event,
 * and someone else's change to the same record may come between. A change reported by the registry is therefore
 * applied only when no event about that record (or one sharing its stripe) arrived since the call was made; when one
 * did, the stream already holds the truth and the report is dropped.
 */
@ApplicationScoped
class ImageIndex implements ContainerdEvents.Listener {
    private static final Logger LOG = Logger.getLogger(ImageIndex.class);
    /** Events buffered while a listing is taken, at most; beyond it the listing is abandoned and retried later. */
    static final int MAX_PENDING = 100_000;
    private static final int STRIPES = 4096;

    private final Stubs stubs;
    private final int maxRecords;
    /** What listings read; replaced whole when a listing is installed, so a reader never sees one half-built. */
    private volatile Contents contents = new Contents();
    /** When an event last named a record of each stripe, in event sequence numbers. */
    private final AtomicLongArray lastEvent = new AtomicLongArray(STRIPES);
    private final AtomicLong sequence = new AtomicLong();
    private List<Envelope> pending;
    /** The registry's own changes reported while a listing is taken, replayed onto it like the events. */
    private List<OwnChange> pendingOwn;
    private long loads;
    private boolean streamUp;
    private volatile boolean live;

    ImageIndex(Stubs stubs, RegistryConfig config) {
        this.stubs = stubs;
        this.maxRecords = config.listing().indexMaxRecords();
    }

    /** Whether listings may be answered from here. */
    boolean live() {
        return live;
    }

    /** Image record names from {@code from} (exclusive) up to {@code to} (exclusive), in order. */
    NavigableSet<String> names(String from, String to) {
        return contents.names.subSet(from, false, to, false);
    }

    /** Repositories after {@code last} (exclusive; null for the first), in order. */
    NavigableSet<String> repositoriesAfter(String last) {
        ConcurrentSkipListMap<String, Integer> repositories = contents.repositories;
        return last == null ? repositories.navigableKeySet() : repositories.tailMap(last, false).navigableKeySet();
    }

    /** Read before a call that changes records; pass it to {@link #added} or {@link #removed} with its outcome. */
    long sequence() {
        return sequence.get();
    }

    /** The registry itself created or moved these records with a call made at {@code since}. */
    synchronized void added(List<String> imageNames, long since) {
        imageNames.forEach(name -> own(new OwnChange(name, true, since)));
        if (live && contents.names.size() > maxRecords) {
            switchOff();
        }
    }

    /** The registry itself removed this record with a call made at {@code since}. */
    synchronized void removed(String imageName, long since) {
        own(new OwnChange(imageName, false, since));
    }

    private void own(OwnChange change) {
        if (pending != null && pendingOwn.size() < MAX_PENDING) {
            pendingOwn.add(change);
        }
        if (live && quietSince(change)) {
            change.applyTo(contents);
        }
    }

    /** A change the registry made itself, applied only where no event about the record came since it was made. */
    private record OwnChange(String name, boolean added, long since) {
        void applyTo(Contents contents) {
            if (added) {
                contents.add(name);
            } else {
                contents.remove(name);
            }
        }
    }

    private boolean quietSince(OwnChange change) {
        return lastEvent.get(stripe(change.name())) <= change.since();
    }

    private static int stripe(String name) {
        return (name.hashCode() & 0x7fffffff) % STRIPES;
    }

    @Override
    public void up() {
        synchronized (this) {
            streamUp = true;
        }
        load();
    }

    @Override
    public void resync() {
        load();
    }

    /** Takes a full listing; events arriving meanwhile are kept and replayed onto it. */
    private void load() {
        long load;
        synchronized (this) {
            if (!streamUp || pending != null) {
                return; // down, or a listing is already being taken
            }
            pending = new ArrayList<>();
            pendingOwn = new ArrayList<>();
            load = ++loads;
        }
        ListImagesRequest request = ListImagesRequest.getDefaultInstance();
        Calls.<ListImagesResponse>unary(o -> stubs.images().list(request, o)).subscribe().with(
                response -> loaded(load, response.getImagesList()),
                failure -> abandon(load, "image listing failed (" + failure.getMessage() + ")"));
    }

    private synchronized void abandon(long load, String why) {
        if (load == loads) {
            pending = null;
            pendingOwn = null;
            LOG.debugf("%s; listings %s until the next resync", why, live ? "stay as they were" : "ask containerd");
        }
    }

    @Override
    public synchronized void down() {
        streamUp = false;
        live = false;
        pending = null;
        pendingOwn = null;
        loads++;
        contents = new Contents();
    }

    @Override
    public void event(Envelope envelope) {
        String name = ImageEvents.name(envelope);
        if (name == null) {
            return;
        }
        synchronized (this) {
            lastEvent.set(stripe(name), sequence.incrementAndGet());
            if (pending != null) {
                if (pending.size() >= MAX_PENDING) {
                    abandon(loads, "more than " + MAX_PENDING + " events during an image listing");
                } else {
                    pending.add(envelope);
                }
            }
            if (live) {
                contents.change(envelope, name);
                if (contents.names.size() > maxRecords) {
                    switchOff();
                }
            }
        }
    }

    /** Installs a listing, then replays what the stream delivered while it was taken. */
    private synchronized void loaded(long load, List<Image> images) {
        if (load != loads || pending == null) {
            return; // the stream went down (or the listing was abandoned) meanwhile
        }
        List<Envelope> replay = pending;
        List<OwnChange> replayOwn = pendingOwn;
        pending = null;
        pendingOwn = null;
        if (images.size() > maxRecords) {
            LOG.infof("%d image records exceed registry.listing.index-max-records (%d): listings ask containerd",
                    images.size(), maxRecords);
            live = false;
            contents = new Contents();
            return;
        }
        Contents fresh = new Contents();
        images.forEach(image -> fresh.add(image.getName()));
        replay.forEach(envelope -> fresh.change(envelope, ImageEvents.name(envelope)));
        replayOwn.stream().filter(this::quietSince)
                .forEach(change -> change.applyTo(fresh));
        if (fresh.names.size() > maxRecords) {
            switchOff();
            return;
        }
        contents = fresh;
        live = true;
    }

    private void switchOff() {
        LOG.infof("more than %d image records (registry.listing.index-max-records): listings ask containerd", maxRecords);
        live = false;
        contents = new Contents();
    }

    /** Record names and how many each repository has. */
    private static final class Contents {
        final ConcurrentSkipListSet<String> names = new ConcurrentSkipListSet<>();
        final ConcurrentSkipListMap<String, Integer> repositories = new ConcurrentSkipListMap<>();

        void change(Envelope envelope, String name) {
            if (ImageEvents.DELETE.equals(envelope.getTopic())) {
                remove(name);
            } else {
                add(name);
            }
        }

        void add(String name) {
            if (names.add(name)) {
                ImageNames.repositoryOf(name).ifPresent(repo -> repositories.merge(repo, 1, Integer::sum));
            }
        }

        void remove(String name) {
            if (names.remove(name)) {
                ImageNames.repositoryOf(name)
                        .ifPresent(repo -> repositories.computeIfPresent(repo, (k, n) -> n == 1 ? null : n - 1));
            }
        }
    }
}
