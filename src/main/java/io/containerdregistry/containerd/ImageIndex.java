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
import org.jboss.logging.Logger;

/**
 * The namespace's image record names, sorted in memory, so a page of tags or of the catalog costs the page and not
 * the number of records. Loaded with one listing each time containerd's event stream comes up, then kept by the
 * stream's image events (and at once by the registry's own changes, so a client reads its own writes). While the
 * stream is down, or once the namespace holds more records than {@code registry.listing.index-max-records}, it is
 * off (and empty) until the stream next comes up, and listings ask containerd.
 */
@ApplicationScoped
class ImageIndex implements ContainerdEvents.Listener {
    private static final Logger LOG = Logger.getLogger(ImageIndex.class);

    private final Stubs stubs;
    private final int maxRecords;
    private final ConcurrentSkipListSet<String> names = new ConcurrentSkipListSet<>();
    private final ConcurrentSkipListMap<String, Integer> repositories = new ConcurrentSkipListMap<>();
    private List<Envelope> pending;
    private long loads;
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
        return names.subSet(from, false, to, false);
    }

    /** Repositories after {@code last} (exclusive; null for the first), in order. */
    NavigableSet<String> repositoriesAfter(String last) {
        return last == null ? repositories.navigableKeySet() : repositories.tailMap(last, false).navigableKeySet();
    }

    /** The registry itself created or moved these records. */
    void added(List<String> imageNames) {
        if (live) {
            imageNames.forEach(this::add);
        }
    }

    /** The registry itself removed this record. */
    void removed(String imageName) {
        if (live) {
            remove(imageName);
        }
    }

    @Override
    public void up() {
        long load;
        synchronized (this) {
            pending = new ArrayList<>();
            load = ++loads;
        }
        ListImagesRequest request = ListImagesRequest.getDefaultInstance();
        Calls.<ListImagesResponse>unary(o -> stubs.images().list(request, o)).subscribe().with(
                response -> loaded(load, response.getImagesList()),
                failure -> LOG.debugf("image listing failed (%s); listings ask containerd", failure.getMessage()));
    }

    @Override
    public synchronized void down() {
        live = false;
        pending = null;
        loads++;
        clear();
    }

    @Override
    public void event(Envelope envelope) {
        synchronized (this) {
            if (pending != null) {
                pending.add(envelope);
                return;
            }
        }
        apply(envelope);
    }

    /** Installs a listing, then replays what the stream delivered while it was taken. */
    private synchronized void loaded(long load, List<Image> images) {
        if (load != loads || pending == null) {
            return; // the stream went down (or up again) meanwhile
        }
        clear();
        if (images.size() > maxRecords) {
            LOG.infof("%d image records exceed registry.listing.index-max-records (%d): listings ask containerd",
                    images.size(), maxRecords);
            pending = null;
            return;
        }
        images.forEach(image -> add(image.getName()));
        pending.forEach(this::change);
        pending = null;
        live = names.size() <= maxRecords;
        if (!live) {
            clear();
        }
    }

    /** Applies an event to the live index; while it is off (too many records) nothing is kept. */
    private void apply(Envelope envelope) {
        if (live) {
            change(envelope);
            if (names.size() > maxRecords) {
                switchOff();
            }
        }
    }

    private void change(Envelope envelope) {
        String name = ImageEvents.name(envelope);
        if (name == null) {
            return;
        }
        if (ImageEvents.DELETE.equals(envelope.getTopic())) {
            remove(name);
        } else {
            add(name);
        }
    }

    private void add(String name) {
        if (names.add(name)) {
            ImageNames.repositoryOf(name).ifPresent(repo -> repositories.merge(repo, 1, Integer::sum));
        }
    }

    private void remove(String name) {
        if (names.remove(name)) {
            ImageNames.repositoryOf(name).ifPresent(repo -> repositories.computeIfPresent(repo, (k, n) -> n == 1 ? null : n - 1));
        }
    }

    private synchronized void switchOff() {
        LOG.infof("more than %d image records (registry.listing.index-max-records): listings ask containerd", maxRecords);
        live = false;
        clear();
    }

    private void clear() {
        names.clear();
        repositories.clear();
    }
}
