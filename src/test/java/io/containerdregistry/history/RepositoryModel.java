package io.containerdregistry.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one repository holds according to the requests its owner sent and their outcomes, and therefore what the
 * registry must answer for it:
 * <ul>
 * <li>a blob answered 201 (push or mount) must read back for {@code freshMillis} from the start of that request,
 * unless a blob delete that succeeded or may have succeeded came after;</li>
 * <li>a tag or digest pin the model is certain of must resolve; the manifests they name, the child manifests of an
 * index among them, and every blob those reference must read back through the repository;</li>
 * <li>a digest the repository never {@link #touched} (pushed, mounted or referenced, whatever the outcome) must read
 * as unknown through it.</li>
 * </ul>
 * Only the owning client writes the model; other clients only read {@link #touched}, which only grows.
 */
final class RepositoryModel {
    static final String ABSENT = "";

    private final String name;
    private final long freshMillis;
    private final Set<String> touched = ConcurrentHashMap.newKeySet();
    private final Map<String, BlobRecord> blobs = new HashMap<>();
    private final Map<String, Possible<String>> tags = new TreeMap<>();
    private final Map<String, Possible<Boolean>> pins = new LinkedHashMap<>();
    private final Map<String, ManifestDoc> manifests = new LinkedHashMap<>();

    /** The start of the last 201 for a blob; haunted once a delete that may still land was sent. */
    private static final class BlobRecord {
        long confirmedAt = -1;
        boolean haunted;
    }

    RepositoryModel(String name, long freshMillis) {
        this.name = name;
        this.freshMillis = freshMillis;
    }

    String name() {
        return name;
    }

    /** Records that a request of this repository involves the digest; called before the request is sent. */
    void touch(String digest) {
        touched.add(digest);
    }

    boolean touched(String digest) {
        return touched.contains(digest);
    }

    // ---- blobs

    /** A push or mount of the blob. */
    void blobWritten(String digest, Exchange exchange) {
        BlobRecord record = blobs.computeIfAbsent(digest, d -> new BlobRecord());
        if (exchange.success()) {
            record.confirmedAt = exchange.start();
        }
    }

    void blobDeleted(String digest, Exchange exchange) {
        BlobRecord record = blobs.computeIfAbsent(digest, d -> new BlobRecord());
        if (exchange.outcome() != Outcome.FAILURE) {
            record.confirmedAt = -1;
            record.haunted |= exchange.lingering();
        }
    }

    /** The start of the 201 that makes the blob readable at {@code now}, or -1. */
    long confirmedAt(String digest, long now) {
        BlobRecord record = blobs.get(digest);
        if (record == null || record.haunted || record.confirmedAt < 0 || now - record.confirmedAt >= freshMillis) {
            return -1;
        }
        return record.confirmedAt;
    }

    /** Blobs whose 201 still obliges the registry at {@code now}. */
    List<String> freshBlobs(long now) {
        List<String> fresh = new ArrayList<>();
        blobs.keySet().forEach(digest -> {
            if (confirmedAt(digest, now) >= 0) {
                fresh.add(digest);
            }
        });
        return fresh;
    }

    /** Every blob this repository was ever sent (whatever the outcome). */
    List<String> knownBlobs() {
        return List.copyOf(blobs.keySet());
    }

    // ---- manifests

    /** A manifest push by tag or by digest ({@code reference}). */
    void manifestPut(ManifestDoc doc, String reference, Exchange exchange) {
        manifests.putIfAbsent(doc.digest(), doc);
        if (reference.equals(doc.digest())) {
            pins.computeIfAbsent(doc.digest(), d -> new Possible<>(false)).set(true, exchange);
        } else {
            tags.computeIfAbsent(reference, t -> new Possible<>(ABSENT)).set(doc.digest(), exchange);
        }
    }

    void tagDeleted(String tag, Exchange exchange) {
        tags.computeIfAbsent(tag, t -> new Possible<>(ABSENT)).set(ABSENT, exchange);
    }

    /** A manifest delete by digest: its pin and every tag that names it go. */
    void manifestDeleted(String digest, Exchange exchange) {
        Possible<Boolean> pin = pins.get(digest);
        if (pin != null) {
            pin.set(false, exchange);
        }
        tags.values().forEach(tag -> tag.replace(digest, ABSENT, exchange));
    }

    /** A tag delete was answered 404: no such record, whatever earlier unknown outcomes left possible. */
    void tagAbsent(String tag) {
        tags.computeIfAbsent(tag, t -> new Possible<>(ABSENT)).observe(ABSENT);
    }

    /**
     * A manifest delete by digest was answered 404: the manifest is not readable here, so no pin of it exists. (Tags
     * are left as they are: a wrong 404 would otherwise make a tag look certain.)
     */
    void manifestUnpinned(String digest) {
        Possible<Boolean> pin = pins.get(digest);
        if (pin != null) {
            pin.observe(false);
        }
    }

    Optional<String> certainTag(String tag) {
        Possible<String> possible = tags.get(tag);
        return possible == null ? Optional.of(ABSENT) : possible.certain();
    }

    Possible<String> tag(String tag) {
        return tags.get(tag);
    }

    Collection<String> tagNames() {
        return List.copyOf(tags.keySet());
    }

    /** Tags certainly naming a manifest, with its digest. */
    Map<String, String> certainTags() {
        Map<String, String> certain = new TreeMap<>();
        tags.forEach((tag, possible) -> possible.certain().filter(d -> !d.equals(ABSENT))
                .ifPresent(d -> certain.put(tag, d)));
        return certain;
    }

    /** Tags certainly absent (deleted, or moved away by a delete of their manifest). */
    List<String> certainlyAbsentTags() {
        List<String> absent = new ArrayList<>();
        tags.forEach((tag, possible) -> possible.certain().filter(ABSENT::equals).ifPresent(d -> absent.add(tag)));
        return absent;
    }

    boolean certainlyPinned(String digest) {
        Possible<Boolean> pin = pins.get(digest);
        return pin != null && pin.certain().orElse(false);
    }

    /** Manifests pushed by digest that may still be pinned. */
    List<String> possiblyPinned() {
        List<String> pinned = new ArrayList<>();
        pins.forEach((digest, pin) -> {
            if (pin.possibly(true)) {
                pinned.add(digest);
            }
        });
        return pinned;
    }

    ManifestDoc manifest(String digest) {
        return manifests.get(digest);
    }

    Collection<ManifestDoc> manifests() {
        return List.copyOf(manifests.values());
    }

    /**
     * Manifests certainly stored and readable through this repository, each with why: certainly pinned, certainly
     * tagged, or a child of such an index (transitively).
     */
    Map<String, String> storedManifests() {
        Map<String, String> stored = new LinkedHashMap<>();
        pins.forEach((digest, pin) -> {
            if (pin.certain().orElse(false)) {
                stored.putIfAbsent(digest, "pinned by digest");
            }
        });
        certainTags().forEach((tag, digest) -> stored.putIfAbsent(digest, "tag " + tag));
        Deque<String> queue = new ArrayDeque<>(stored.keySet());
        while (!queue.isEmpty()) {
            String digest = queue.poll();
            ManifestDoc doc = manifests.get(digest);
            if (doc == null) {
                continue;
            }
            for (String child : doc.children()) {
                if (!stored.containsKey(child)) {
                    stored.put(child, "child of index " + digest + " (" + stored.get(digest) + ")");
                    queue.add(child);
                }
            }
        }
        return stored;
    }

    /** Blobs referenced by the stored manifests, each with why. */
    Map<String, String> referencedBlobs() {
        Map<String, String> referenced = new LinkedHashMap<>();
        storedManifests().forEach((digest, why) -> {
            ManifestDoc doc = manifests.get(digest);
            if (doc != null) {
                doc.blobs().forEach(blob -> referenced.putIfAbsent(blob,
                        "referenced by " + doc.kind().name().toLowerCase() + " " + digest + " (" + why + ")"));
            }
        });
        return referenced;
    }

    /** Why the blob must be readable through the repository at {@code now}; null when it need not be. */
    String blobExpectation(String digest, long now) {
        long confirmed = confirmedAt(digest, now);
        if (confirmed >= 0) {
            return "answered 201 " + (now - confirmed) + " ms before";
        }
        return referencedBlobs().get(digest);
    }

    /** Why the manifest must be readable by digest through the repository; null when it need not be. */
    String manifestExpectation(String digest) {
        return storedManifests().get(digest);
    }

    /** Artifacts certainly stored here. */
    List<ManifestDoc> storedArtifacts() {
        List<ManifestDoc> artifacts = new ArrayList<>();
        storedManifests().keySet().forEach(digest -> {
            ManifestDoc doc = manifests.get(digest);
            if (doc != null && doc.kind() == ManifestDoc.Kind.ARTIFACT) {
                artifacts.add(doc);
            }
        });
        return artifacts;
    }

    @Override
    public String toString() {
        return name;
    }
}
