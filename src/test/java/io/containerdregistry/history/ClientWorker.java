package io.containerdregistry.history;

import static io.containerdregistry.history.Verdicts.Invariant.BLOB_DURABILITY;
import static io.containerdregistry.history.Verdicts.Invariant.INTEGRITY;
import static io.containerdregistry.history.Verdicts.Invariant.ISOLATION;
import static io.containerdregistry.history.Verdicts.Invariant.MANIFEST_DURABILITY;
import static io.containerdregistry.history.Verdicts.Invariant.TRUTH_ACCEPTED;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One client of the history: a thread with its own seeded {@link Random} that sends random operations for the run's
 * duration, writing only to its own repositories ({@code h/c<n>/r<m>}) and reading anyone's, and keeps their
 * {@link RepositoryModel}s in step with every outcome. Blob pushes (monolithic, chunked, with a final chunk in the
 * {@code PUT}), mounts, manifest, index and artifact pushes by tag and by digest, tag moves, deletes of tags,
 * manifests and blobs, lies ({@link Liar}), and reads that check the model ({@link Verifier}). Uploads in sessions
 * go through the {@link Uploader}.
 */
final class ClientWorker implements Runnable {
    private static final String[] TAGS = {"t0", "t1", "t2", "t3"};
    private static final String[] ARTIFACT_TAGS = {"a0", "a1"};
    private static final Map<String, String> OCTETS = Map.of("Content-Type", "application/octet-stream");
    /** A blob pushed less than this long ago counts as present for a manifest push; older ones are pushed again. */
    private static final long RECENT_ENOUGH_FOR_MANIFEST = 8_000;
    /** Digest pins a repository keeps at most, about (more make deletes of pinned manifests likelier). */
    private static final int MAX_PINS = 24;

    private final String name;
    private final Random random;
    private final List<RepositoryModel> own;
    private final Holdings holdings;
    private final BlobPool pool;
    private final Calls calls;
    private final Verifier verifier;
    private final Verdicts verdicts;
    private final Journal journal;
    private final Uploader uploader;
    private final Liar liar;
    private final long deadline;
    private int notes;
    private volatile Throwable crash;

    ClientWorker(String name, long seed, List<RepositoryModel> own, Holdings holdings, BlobPool pool, Calls calls,
            Verifier verifier, Verdicts verdicts, Downtime downtime, long deadline, long expirationMillis) {
        this.name = name;
        this.random = new Random(seed);
        this.own = own;
        this.holdings = holdings;
        this.pool = pool;
        this.calls = calls;
        this.verifier = verifier;
        this.verdicts = verdicts;
        this.journal = calls.journal();
        this.deadline = deadline;
        this.uploader = new Uploader(name, random, calls, verdicts, downtime, expirationMillis);
        this.liar = new Liar(name, random, calls, uploader, verifier, verdicts, pool);
    }

    List<RepositoryModel> repositories() {
        return own;
    }

    /** What broke the client itself (a bug of the test, not a finding), or null. */
    Throwable crash() {
        return crash;
    }

    @Override
    public void run() {
        try {
            while (System.currentTimeMillis() < deadline && !Thread.currentThread().isInterrupted()) {
                step();
                Calls.pause(random.nextInt(20));
            }
        } catch (Throwable t) {
            crash = t;
            journal.note(name, "client crashed: " + t);
        }
    }

    private void step() {
        RepositoryModel repo = own.get(random.nextInt(own.size()));
        if (repo.possiblyPinned().size() > MAX_PINS && random.nextBoolean()) {
            // the reference check reads at most 256 manifests of a repository: stay far below
            deleteManifest(repo);
            return;
        }
        int roll = random.nextInt(100);
        if (roll < 16) {
            pushBlob(repo, pool.pick(random), random.nextInt(8) == 0);
        } else if (roll < 23) {
            mount(repo);
        } else if (roll < 34) {
            pushImage(repo, random.nextInt(10) < 6 ? pick(TAGS) : null);
        } else if (roll < 38) {
            pushIndex(repo);
        } else if (roll < 42) {
            pushArtifact(repo);
        } else if (roll < 47) {
            moveTag(repo);
        } else if (roll < 50) {
            deleteTag(repo);
        } else if (roll < 54) {
            deleteManifest(repo);
        } else if (roll < 59) {
            deleteBlob(repo);
        } else if (roll < 71) {
            verifyBlobs(repo);
        } else if (roll < 78) {
            verifyManifests(repo);
        } else if (roll < 81) {
            verifyReferrers(repo);
        } else if (roll < 89) {
            probeIsolation();
        } else if (roll < 97) {
            lie(repo);
        } else {
            verifier.listing(calls, repo);
        }
    }

    // ---- blobs

    /** Pushes the blob honestly, monolithic or chunked; true when it was answered 201. */
    private boolean pushBlob(RepositoryModel repo, BlobPool.Blob blob, boolean patchLie) {
        repo.touch(blob.digest());
        boolean chunked = blob.size() > 64 && (patchLie || random.nextInt(10) < 4);
        String kind = chunked ? (patchLie ? "blob.push.chunked-with-lie" : "blob.push.chunked") : "blob.push.monolithic";
        Exchange last = chunked
                ? uploader.upload(repo, blob.bytes(), blob.digest(), patchLie)
                : calls.send("blob.monolithic", "POST", "/v2/" + repo.name() + "/blobs/uploads/?digest="
                        + blob.digest(), OCTETS, blob.bytes(), false);
        if (last == null) {
            journal.operation(kind, Outcome.FAILURE);
            return false;
        }
        blobAnswer(repo, blob, last);
        journal.operation(kind, last.outcome());
        if (!chunked && Exchange.vanished(last)) {
            journal.operation("blob.push.vanished", last.outcome());
        }
        return last.success();
    }

    /** What a final upload request (monolithic POST, or PUT) tells the model. */
    private void blobAnswer(RepositoryModel repo, BlobPool.Blob blob, Exchange exchange) {
        repo.blobWritten(blob.digest(), exchange);
        if (exchange.success()) {
            holdings.held(blob.digest(), repo);
            verdicts.pass(TRUTH_ACCEPTED);
            verdicts.check(INTEGRITY, exchange.is(201) && blob.digest().equals(exchange.header("docker-content-digest")),
                    name, "a completed upload answers 201 with its digest", exchange);
            if (random.nextInt(4) == 0) {
                verifier.blob(calls, repo, blob.digest(), Verifier.Read.GET, random);
            }
        } else if (exchange.outcome() == Outcome.FAILURE && exchange.is(400)) {
            verdicts.violation(TRUTH_ACCEPTED, name, "an honest upload of " + blob + " was refused", exchange);
        }
    }

    private void mount(RepositoryModel repo) {
        BlobPool.Blob blob = pool.pick(random);
        String holder = holdings.holder(blob.digest(), repo.name(), random);
        RepositoryModel from = null;
        if (holder != null && random.nextInt(5) > 0) {
            from = holdings.repositories().stream().filter(r -> r.name().equals(holder)).findFirst().orElse(null);
        }
        if (from == null) {
            from = holdings.any(random);
        }
        boolean fromTouched = from.touched(blob.digest());
        repo.touch(blob.digest());
        Exchange mount = calls.send("blob.mount", "POST", "/v2/" + repo.name() + "/blobs/uploads/?mount="
                + blob.digest() + "&from=" + from.name(), Map.of(), null, false);
        journal.operation("blob.mount", mount.outcome());
        if (mount.is(201)) {
            blobAnswer(repo, blob, mount);
            if (from != repo) {
                verdicts.check(ISOLATION, fromTouched || from.touched(blob.digest()), name, "mounted " + blob
                        + " from " + from.name() + ", which never pushed, mounted or referenced it", mount);
            }
        } else if (mount.is(202) && mount.header("location") != null) {
            // not mounted (the blob is not readable through the source): a new session instead
            if (!from.touched(blob.digest())) {
                verdicts.pass(ISOLATION);
            }
            String location = mount.header("location");
            if (random.nextBoolean()) {
                // the spec's fallback: upload the blob into the session the mount opened, in the PUT
                Exchange put = uploader.finish(location, mount.start(), blob.bytes(), blob.digest());
                blobAnswer(repo, blob, put);
                journal.operation("blob.push.after-mount", put.outcome());
            } else {
                Exchange cancel = calls.delete("blob.session.cancel", location);
                journal.operation("blob.session.cancel", cancel.outcome());
            }
        } else {
            repo.blobWritten(blob.digest(), mount);
            journal.unexpected(name, mount, "a mount");
        }
    }

    private void deleteBlob(RepositoryModel repo) {
        long now = System.currentTimeMillis();
        List<String> candidates = random.nextInt(10) < 7 ? new ArrayList<>(repo.freshBlobs(now)) : new ArrayList<>();
        if (random.nextInt(4) == 0) {
            candidates.addAll(repo.referencedBlobs().keySet());
        }
        if (candidates.isEmpty()) {
            candidates.addAll(repo.knownBlobs());
        }
        if (candidates.isEmpty()) {
            return;
        }
        String digest = candidates.get(random.nextInt(candidates.size()));
        String why = repo.blobExpectation(digest, System.currentTimeMillis());
        Exchange delete = calls.delete("blob.delete", "/v2/" + repo.name() + "/blobs/" + digest);
        repo.blobDeleted(digest, delete);
        journal.operation("blob.delete", delete.outcome());
        if (why != null && delete.outcome() == Outcome.FAILURE) {
            verdicts.violation(BLOB_DURABILITY, name, "deleting " + pool.get(digest) + " through " + repo.name()
                    + " was refused although it must be stored: " + why, delete);
        } else if (why != null && delete.success()) {
            verdicts.pass(BLOB_DURABILITY);
        }
    }

    // ---- manifests

    /**
     * Makes sure each blob is readable through the repository for a manifest push: recently answered 201, or
     * referenced by a stored manifest; others are pushed (or mounted) again. False when one could not be.
     */
    private boolean ensureBlobs(RepositoryModel repo, List<BlobPool.Blob> blobs) {
        for (BlobPool.Blob blob : blobs) {
            long now = System.currentTimeMillis();
            long confirmed = repo.confirmedAt(blob.digest(), now);
            boolean recent = confirmed >= 0 && now - confirmed < RECENT_ENOUGH_FOR_MANIFEST;
            if (!recent && !repo.referencedBlobs().containsKey(blob.digest()) && !pushBlob(repo, blob, false)) {
                return false;
            }
        }
        return true;
    }

    private List<BlobPool.Blob> layers(int count) {
        List<BlobPool.Blob> layers = new ArrayList<>();
        while (layers.size() < count) {
            BlobPool.Blob layer = pool.referable(random);
            if (!layers.contains(layer)) {
                layers.add(layer);
            }
        }
        return layers;
    }

    private BlobPool.Blob config(List<BlobPool.Blob> layers) {
        BlobPool.Blob config = pool.small(random);
        while (layers.contains(config)) {
            config = pool.small(random);
        }
        return config;
    }

    /** Pushes a new image manifest by tag (or by digest when {@code tag} is null); returns it when answered 201. */
    private ManifestDoc pushImage(RepositoryModel repo, String tag) {
        List<BlobPool.Blob> layers = layers(1 + random.nextInt(3));
        BlobPool.Blob config = config(layers);
        ManifestDoc doc = ManifestDoc.image(config, layers, "v" + random.nextInt(3));
        List<BlobPool.Blob> blobs = new ArrayList<>(List.of(config));
        blobs.addAll(layers);
        if (!ensureBlobs(repo, blobs)) {
            return null;
        }
        return putManifest(repo, doc, tag == null ? doc.digest() : tag, "manifest.image") ? doc : null;
    }

    private void pushIndex(RepositoryModel repo) {
        List<ManifestDoc> images = storedOfKind(repo, ManifestDoc.Kind.IMAGE);
        if (images.isEmpty()) {
            ManifestDoc image = pushImage(repo, null);
            if (image == null) {
                return;
            }
            images = List.of(image);
        }
        List<ManifestDoc> children = new ArrayList<>();
        int count = 1 + random.nextInt(Math.min(3, images.size()));
        while (children.size() < count) {
            ManifestDoc child = images.get(random.nextInt(images.size()));
            if (!children.contains(child)) {
                children.add(child);
            }
        }
        ManifestDoc index = ManifestDoc.index(children);
        putManifest(repo, index, random.nextInt(10) < 6 ? pick(TAGS) : index.digest(), "manifest.index");
    }

    private void pushArtifact(RepositoryModel repo) {
        BlobPool.Blob layer = pool.small(random);
        if (!ensureBlobs(repo, List.of(pool.empty(), layer))) {
            return;
        }
        ManifestDoc subject = random.nextBoolean() ? holdings.anyManifest(random) : null;
        if (subject == null) {
            List<ManifestDoc> mine = new ArrayList<>(repo.manifests());
            if (mine.isEmpty()) {
                return;
            }
            subject = mine.get(random.nextInt(mine.size()));
        }
        ManifestDoc artifact = ManifestDoc.artifact(pool.empty(), layer, subject, name + "-" + notes++);
        boolean pushed = putManifest(repo, artifact, random.nextInt(3) == 0 ? pick(ARTIFACT_TAGS)
                : artifact.digest(), "manifest.artifact");
        if (pushed && random.nextBoolean()) {
            verifier.referrers(calls, repo, artifact);
        }
        if (pushed && !repo.touched(subject.digest())) {
            // a subject is named, not referenced: it must not become readable
            verifier.isolation(calls, repo, subject.digest(), true, false, "the subject of artifact " + artifact);
        }
    }

    private void moveTag(RepositoryModel repo) {
        String tag = pick(TAGS);
        String current = repo.certainTag(tag).orElse(null);
        List<ManifestDoc> candidates = new ArrayList<>(storedOfKind(repo, ManifestDoc.Kind.IMAGE));
        candidates.addAll(storedOfKind(repo, ManifestDoc.Kind.INDEX));
        candidates.removeIf(doc -> doc.digest().equals(current));
        if (candidates.isEmpty()) {
            pushImage(repo, tag);
            return;
        }
        putManifest(repo, candidates.get(random.nextInt(candidates.size())), tag, "manifest.move-tag");
    }

    /**
     * Pushes the manifest under the reference (a tag, or its digest) and applies the outcome to the model. A
     * {@code MANIFEST_BLOB_UNKNOWN} is a violation when everything it references had to be readable. True on 201.
     */
    private boolean putManifest(RepositoryModel repo, ManifestDoc doc, String reference, String kind) {
        long now = System.currentTimeMillis();
        Map<String, String> required = new LinkedHashMap<>();
        List<String> notRequired = new ArrayList<>();
        for (String blob : doc.blobs()) {
            String why = repo.blobExpectation(blob, now);
            if (why == null) {
                notRequired.add(blob);
            } else {
                required.put(blob, why);
            }
        }
        for (String child : doc.children()) {
            String why = repo.manifestExpectation(child);
            if (why == null) {
                notRequired.add(child);
            } else {
                required.put(child, why);
            }
        }
        repo.touch(doc.digest());
        Exchange put = calls.send(kind, "PUT", "/v2/" + repo.name() + "/manifests/" + reference,
                Map.of("Content-Type", doc.mediaType()), doc.bytes(), false);
        repo.manifestPut(doc, reference, put);
        journal.operation(kind + (reference.equals(doc.digest()) ? ".by-digest" : ".by-tag"), put.outcome());
        if (put.success()) {
            verdicts.pass(TRUTH_ACCEPTED);
            holdings.held(doc.digest(), repo);
            holdings.manifestPushed(doc);
            verdicts.check(INTEGRITY, put.is(201) && doc.digest().equals(put.header("docker-content-digest")), name,
                    "a manifest push answers 201 with the manifest's digest", put);
            if (random.nextInt(4) == 0) {
                if (reference.equals(doc.digest())) {
                    verifier.manifest(calls, repo, doc.digest(), false);
                } else {
                    verifier.tag(calls, repo, reference, false);
                }
            }
            return true;
        }
        if (put.is(404) && put.code().equals("MANIFEST_BLOB_UNKNOWN")) {
            verdicts.check(doc.children().isEmpty() ? BLOB_DURABILITY : MANIFEST_DURABILITY, !notRequired.isEmpty(),
                    name, "pushing " + doc + " to " + repo.name() + " found referenced content unknown, although"
                            + " all of it had to be readable: " + required, put);
        } else if (put.is(400)) {
            verdicts.violation(TRUTH_ACCEPTED, name, "an honest push of " + doc + " was refused", put);
        } else {
            journal.unexpected(name, put, "a manifest push");
        }
        return false;
    }

    private void deleteTag(RepositoryModel repo) {
        List<String> tags = repo.tagNames().stream()
                .filter(tag -> repo.tag(tag).values().stream().anyMatch(d -> !d.equals(RepositoryModel.ABSENT)))
                .toList();
        if (tags.isEmpty()) {
            return;
        }
        String tag = tags.get(random.nextInt(tags.size()));
        String certain = repo.certainTag(tag).orElse(RepositoryModel.ABSENT);
        Exchange delete = calls.delete("manifest.delete.tag", "/v2/" + repo.name() + "/manifests/" + tag);
        repo.tagDeleted(tag, delete);
        if (delete.is(404)) {
            repo.tagAbsent(tag);
        }
        journal.operation("manifest.delete.tag", delete.outcome());
        if (!certain.equals(RepositoryModel.ABSENT) && !delete.unknown()) {
            verdicts.check(MANIFEST_DURABILITY, delete.success(), name, "deleting tag " + tag + " of " + repo.name()
                    + ", which certainly names " + certain + ", was refused", delete);
        }
    }

    private void deleteManifest(RepositoryModel repo) {
        List<String> candidates = new ArrayList<>(repo.possiblyPinned());
        repo.tagNames().forEach(tag -> repo.tag(tag).values().stream()
                .filter(d -> !d.equals(RepositoryModel.ABSENT)).forEach(candidates::add));
        if (candidates.isEmpty()) {
            return;
        }
        String digest = candidates.get(random.nextInt(candidates.size()));
        String why = repo.manifestExpectation(digest);
        Exchange delete = calls.delete("manifest.delete.digest", "/v2/" + repo.name() + "/manifests/" + digest);
        repo.manifestDeleted(digest, delete);
        if (delete.is(404)) {
            repo.manifestUnpinned(digest);
        }
        journal.operation("manifest.delete.digest", delete.outcome());
        if (why != null && !delete.unknown()) {
            verdicts.check(MANIFEST_DURABILITY, delete.success(), name, "deleting " + digest + " from "
                    + repo.name() + " was refused although it must be stored: " + why, delete);
        }
    }

    private List<ManifestDoc> storedOfKind(RepositoryModel repo, ManifestDoc.Kind kind) {
        List<ManifestDoc> docs = new ArrayList<>();
        repo.storedManifests().keySet().forEach(digest -> {
            ManifestDoc doc = repo.manifest(digest);
            if (doc != null && doc.kind() == kind) {
                docs.add(doc);
            }
        });
        return docs;
    }

    // ---- reads

    private void verifyBlobs(RepositoryModel repo) {
        long now = System.currentTimeMillis();
        List<String> candidates = new ArrayList<>(random.nextInt(10) < 6 ? repo.freshBlobs(now)
                : List.copyOf(repo.referencedBlobs().keySet()));
        for (int i = 0; i < 3 && !candidates.isEmpty(); i++) {
            String digest = candidates.remove(random.nextInt(candidates.size()));
            int how = random.nextInt(10);
            verifier.blob(calls, repo, digest, how < 6 ? Verifier.Read.GET : how < 8 ? Verifier.Read.HEAD
                    : Verifier.Read.RANGE, random);
        }
        List<String> known = repo.knownBlobs();
        if (!known.isEmpty() && random.nextInt(5) == 0) {
            verifier.blobMaybe(calls, repo, known.get(random.nextInt(known.size())), random);
        }
    }

    private void verifyManifests(RepositoryModel repo) {
        List<String> tags = new ArrayList<>(repo.certainTags().keySet());
        if (!tags.isEmpty()) {
            verifier.tag(calls, repo, tags.get(random.nextInt(tags.size())), random.nextInt(5) == 0);
        }
        List<String> deleted = repo.certainlyAbsentTags();
        if (!deleted.isEmpty()) {
            verifier.deletedTag(calls, repo, deleted.get(random.nextInt(deleted.size())), random.nextBoolean());
        }
        List<String> stored = new ArrayList<>(repo.storedManifests().keySet());
        if (!stored.isEmpty()) {
            verifier.manifest(calls, repo, stored.get(random.nextInt(stored.size())), random.nextInt(5) == 0);
        }
    }

    private void verifyReferrers(RepositoryModel repo) {
        List<ManifestDoc> artifacts = repo.storedArtifacts();
        if (!artifacts.isEmpty()) {
            verifier.referrers(calls, repo, artifacts.get(random.nextInt(artifacts.size())));
        }
    }

    /** Reads, through any repository, a digest it never touched that some repository holds. */
    private void probeIsolation() {
        RepositoryModel target = holdings.any(random);
        if (random.nextInt(3) == 0) {
            ManifestDoc doc = holdings.anyManifest(random);
            if (doc != null) {
                verifier.isolation(calls, target, doc.digest(), true, random.nextBoolean(), "");
            }
            return;
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            BlobPool.Blob blob = pool.pick(random);
            if (!target.touched(blob.digest()) && holdings.heldAnywhere(blob.digest())) {
                verifier.isolation(calls, target, blob.digest(), false, random.nextBoolean(), "");
                return;
            }
        }
    }

    // ---- lies

    private void lie(RepositoryModel repo) {
        int how = random.nextInt(4);
        if (how == 0) {
            liar.wrongDigestMonolithic(repo);
        } else if (how == 1) {
            liar.wrongDigestChunked(repo);
        } else if (how == 2) {
            List<BlobPool.Blob> layers = layers(1 + random.nextInt(2));
            BlobPool.Blob config = config(layers);
            List<BlobPool.Blob> blobs = new ArrayList<>(List.of(config));
            blobs.addAll(layers);
            if (ensureBlobs(repo, blobs)) {
                liar.wrongSizeManifest(repo, config, layers);
            }
        } else {
            pushBlob(repo, pool.pick(random), true);
        }
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }
}
