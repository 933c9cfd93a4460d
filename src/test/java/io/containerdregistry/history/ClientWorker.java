package io.containerdregistry.history;

import static io.containerdregistry.history.Verdicts.Invariant.BLOB_DURABILITY;
import static io.containerdregistry.history.Verdicts.Invariant.INTEGRITY;
import static io.containerdregistry.history.Verdicts.Invariant.ISOLATION;
import static io.containerdregistry.history.Verdicts.Invariant.LIES_REFUSED;
import static io.containerdregistry.history.Verdicts.Invariant.MANIFEST_DURABILITY;
import static io.containerdregistry.history.Verdicts.Invariant.TRUTH_ACCEPTED;
import static io.containerdregistry.history.Verdicts.Invariant.UPLOAD_SESSIONS;

import io.containerdregistry.oci.Digest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One client of the history: a thread with its own seeded {@link Random} that sends random operations for the run's
 * duration, writing only to its own repositories ({@code h/c<n>/r<m>}) and reading anyone's, and keeps their
 * {@link RepositoryModel}s in step with every outcome. Blob pushes (monolithic, chunked, with a final chunk in the
 * {@code PUT}), mounts, manifest, index and artifact pushes by tag and by digest, tag moves, deletes of tags,
 * manifests and blobs, lies, and reads that check the model ({@link Verifier}).
 */
final class ClientWorker implements Runnable {
    private static final String[] TAGS = {"t0", "t1", "t2", "t3"};
    private static final String[] ARTIFACT_TAGS = {"a0", "a1"};
    private static final Map<String, String> OCTETS = Map.of("Content-Type", "application/octet-stream");
    /** A blob pushed less than this long ago counts as present for a manifest push; older ones are pushed again. */
    private static final long RECENT_ENOUGH_FOR_MANIFEST = 8_000;
    /** Digest pins a repository keeps at most, about (more make deletes of pinned manifests likelier). */
    private static final int MAX_PINS = 24;
    /** Sessions are not used this close to their expiry. */
    private static final long SESSION_MARGIN = 4_000;

    private final String name;
    private final Random random;
    private final List<RepositoryModel> own;
    private final Holdings holdings;
    private final BlobPool pool;
    private final Calls calls;
    private final Verifier verifier;
    private final Verdicts verdicts;
    private final Downtime downtime;
    private final Journal journal;
    private final long deadline;
    private final long expirationMillis;
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
        this.downtime = downtime;
        this.journal = calls.journal();
        this.deadline = deadline;
        this.expirationMillis = expirationMillis;
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
                ? upload(repo, blob.bytes(), blob.digest(), patchLie)
                : calls.send("blob.monolithic", "POST", "/v2/" + repo.name() + "/blobs/uploads/?digest="
                        + blob.digest(), OCTETS, blob.bytes(), false);
        if (last == null) {
            journal.operation(kind, Outcome.FAILURE);
            return false;
        }
        blobAnswer(repo, blob, last);
        journal.operation(kind, last.outcome());
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

    /** An upload session: where it is, when it was opened, whether bytes certainly reached it. */
    private static final class Session {
        final String location;
        final long started;
        boolean written;

        Session(String location, long started) {
            this.location = location;
            this.started = started;
        }
    }

    /**
     * Uploads {@code bytes} claiming {@code digest} in a session: {@code PATCH} chunks with {@code Content-Range}
     * (one of them a lie when {@code patchLie}), the last part sometimes in the {@code PUT}. After an unknown
     * outcome or a 416 it asks the session where it stands and resumes there. Returns the final {@code PUT}'s
     * exchange, or null when the upload was given up before it (no effect).
     */
    private Exchange upload(RepositoryModel repo, byte[] bytes, String digest, boolean patchLie) {
        Exchange opened = calls.send("blob.session.start", "POST", "/v2/" + repo.name() + "/blobs/uploads/",
                Map.of(), null, false);
        if (!opened.is(202) || opened.header("location") == null) {
            unexpectedFailure(opened, "opening an upload session");
            return null;
        }
        Session session = new Session(opened.header("location"), opened.start());
        int chunks = 1 + random.nextInt(4);
        int chunkSize = Math.max(256, (bytes.length + chunks - 1) / chunks);
        int patchLimit = random.nextBoolean() ? Math.max(0, bytes.length - chunkSize) : bytes.length;
        if (patchLimit == 1) {
            patchLimit = 0; // a session holding one byte says "Range: 0-0", as one holding none does
        }
        long offset = 0;
        int requests = 0;
        while (offset < patchLimit) {
            if (++requests > chunks + 8 || tooOld(session)) {
                return null;
            }
            if (patchLie) {
                patchLie = false;
                Long stored = patchLie(repo, session, bytes, offset);
                if (stored == null) {
                    return null;
                }
                offset = stored;
                continue;
            }
            int n = (int) Math.min(chunkSize, patchLimit - offset);
            Exchange patch = calls.send("blob.session.patch", "PATCH", session.location,
                    Map.of("Content-Type", "application/octet-stream",
                            "Content-Range", offset + "-" + (offset + n - 1)),
                    Arrays.copyOfRange(bytes, (int) offset, (int) offset + n), false);
            if (patch.is(202)) {
                verdicts.pass(UPLOAD_SESSIONS);
                session.written = true;
                long stored = stored(patch.header("range"));
                offset = stored == offset + n ? stored : resyncOr(session, -1);
            } else if (patch.is(404)) {
                sessionUnknown(session, patch);
                return null;
            } else {
                offset = resyncOr(session, -1);
            }
            if (offset < 0) {
                return null;
            }
        }
        for (int attempt = 0; attempt < 2 && !tooOld(session); attempt++) {
            byte[] rest = Arrays.copyOfRange(bytes, (int) offset, bytes.length);
            Map<String, String> headers = new LinkedHashMap<>(OCTETS);
            if (rest.length > 0 && random.nextBoolean()) {
                headers.put("Content-Range", offset + "-" + (bytes.length - 1));
            }
            String separator = session.location.contains("?") ? "&" : "?";
            Exchange put = calls.send("blob.session.put", "PUT", session.location + separator + "digest=" + digest,
                    headers, rest, false);
            if (put.is(404) && put.code().equals("BLOB_UPLOAD_UNKNOWN")) {
                sessionUnknown(session, put);
            }
            if (!put.is(416)) {
                return put;
            }
            offset = resyncOr(session, -1);
            if (offset < 0) {
                return null;
            }
        }
        return null;
    }

    private boolean tooOld(Session session) {
        return System.currentTimeMillis() > session.started + expirationMillis - SESSION_MARGIN;
    }

    /**
     * A {@code PATCH} whose {@code Content-Range} disagrees with its body: a {@code Content-Length} other than the
     * range's length, or a chunked body shorter or longer than the range. The registry must refuse it with 400
     * {@code SIZE_INVALID}; the upload then resumes where the session says it stands. Returns that offset, or null
     * when the session is lost or unreachable.
     */
    private Long patchLie(RepositoryModel repo, Session session, byte[] bytes, long offset) {
        int n = (int) Math.min(Math.min(32 * 1024, bytes.length - offset), 1 + random.nextInt(16 * 1024));
        n = Math.max(n, 4);
        if (offset + n > bytes.length) {
            return offset;
        }
        int how = random.nextInt(3);
        Map<String, String> headers = new LinkedHashMap<>(Map.of("Content-Type", "application/octet-stream"));
        byte[] body;
        boolean chunked = how > 0;
        String kind;
        if (how == 0) {
            int claimed = n + (random.nextBoolean() ? 1 + random.nextInt(64) : -Math.min(n - 1, 1 + random.nextInt(64)));
            headers.put("Content-Range", offset + "-" + (offset + claimed - 1));
            body = Arrays.copyOfRange(bytes, (int) offset, (int) offset + n);
            kind = "lie.patch.content-length";
        } else if (how == 1) {
            headers.put("Content-Range", offset + "-" + (offset + n - 1));
            body = Arrays.copyOfRange(bytes, (int) offset, (int) offset + n / 2);
            kind = "lie.patch.body-short";
        } else {
            headers.put("Content-Range", offset + "-" + (offset + n - 1));
            int extra = 1 + random.nextInt(512);
            body = new byte[n + extra];
            int real = (int) Math.min(body.length, bytes.length - offset);
            System.arraycopy(bytes, (int) offset, body, 0, real);
            kind = "lie.patch.body-long";
        }
        Exchange lie = calls.send(kind, "PATCH", session.location, headers, body, chunked);
        if (lie.is(404) && lie.code().equals("BLOB_UPLOAD_UNKNOWN")) {
            sessionUnknown(session, lie);
            journal.operation(kind, lie.outcome());
            return null;
        }
        judgeLie(lie, kind, "SIZE_INVALID");
        journal.operation(kind, lie.outcome());
        long stored = resyncOr(session, -1);
        return stored < 0 ? null : stored;
    }

    /** Asks the session where it stands (waiting out an outage); its offset, or {@code lost} when it is gone. */
    private long resyncOr(Session session, long lost) {
        for (int attempt = 0; attempt < 40 && !tooOld(session); attempt++) {
            Exchange status = calls.get("blob.session.status", session.location);
            if (status.is(204)) {
                verdicts.pass(UPLOAD_SESSIONS);
                long stored = stored(status.header("range"));
                session.written |= stored > 0;
                return stored;
            }
            if (status.is(404)) {
                sessionUnknown(session, status);
                return lost;
            }
            if (status.outcome() == Outcome.FAILURE) {
                unexpectedFailure(status, "asking an upload session's status");
                return lost;
            }
            Calls.pause(500);
        }
        return lost;
    }

    /** The offset a {@code Range: 0-<last>} header says the session holds ("0-0" is read as nothing yet). */
    private static long stored(String range) {
        if (range == null || !range.startsWith("0-")) {
            return -1;
        }
        long last = Long.parseLong(range.substring(2).trim());
        return last == 0 ? 0 : last + 1;
    }

    /**
     * The registry says a session is unknown. It may be: when it expired, or when no bytes certainly reached it and
     * the registry was replaced since it was opened (it lived only in the old process's memory).
     */
    private void sessionUnknown(Session session, Exchange exchange) {
        boolean expired = exchange.start() >= session.started + expirationMillis - 3_000;
        boolean forgotten = !session.written && downtime.registryReplacedBetween(session.started, exchange.end());
        verdicts.check(UPLOAD_SESSIONS, expired || forgotten, name, "upload session opened at +"
                + journal.since(session.started) + " ms" + (session.written ? " and written to" : "")
                + " is unknown " + (exchange.start() - session.started) + " ms later", exchange);
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
                Session session = new Session(location, mount.start());
                Exchange put = calls.send("blob.session.put", "PUT", location + (location.contains("?") ? "&" : "?")
                        + "digest=" + blob.digest(), OCTETS, blob.bytes(), false);
                if (put.is(404) && put.code().equals("BLOB_UPLOAD_UNKNOWN")) {
                    sessionUnknown(session, put);
                }
                blobAnswer(repo, blob, put);
                journal.operation("blob.push.after-mount", put.outcome());
            } else {
                Exchange cancel = calls.delete("blob.session.cancel", location);
                journal.operation("blob.session.cancel", cancel.outcome());
            }
        } else {
            repo.blobWritten(blob.digest(), mount);
            unexpectedFailure(mount, "a mount");
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

    /** Pushes a new image manifest by tag (or by digest when {@code tag} is null); returns it when answered 201. */
    private ManifestDoc pushImage(RepositoryModel repo, String tag) {
        List<BlobPool.Blob> layers = layers(1 + random.nextInt(3));
        BlobPool.Blob config = pool.small(random);
        while (layers.contains(config)) {
            config = pool.small(random);
        }
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
            unexpectedFailure(put, "a manifest push");
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
            lieMonolithic(repo);
        } else if (how == 1) {
            lieChunked(repo);
        } else if (how == 2) {
            lieManifestSize(repo);
        } else {
            pushBlob(repo, pool.pick(random), true);
        }
    }

    /** Bytes to lie with and a digest that is not theirs: often another pool blob's, held by some repository. */
    private record Lie(byte[] bytes, BlobPool.Blob actual, String claimed) {
    }

    private Lie lieContent() {
        BlobPool.Blob actual = random.nextBoolean() ? pool.small(random) : null;
        byte[] bytes;
        if (actual != null) {
            bytes = actual.bytes();
        } else {
            bytes = new byte[2 + random.nextInt(8192)];
            random.nextBytes(bytes);
        }
        String claimed;
        if (random.nextInt(4) > 0) {
            BlobPool.Blob other = pool.pick(random);
            while (actual != null && other.equals(actual)) {
                other = pool.pick(random);
            }
            claimed = other.digest();
        } else {
            byte[] never = new byte[64];
            random.nextBytes(never);
            claimed = Digest.sha256Of(never).toString();
        }
        return new Lie(bytes, actual, claimed);
    }

    private void lieMonolithic(RepositoryModel repo) {
        Lie lie = lieContent();
        Exchange push = calls.send("lie.digest.monolithic", "POST", "/v2/" + repo.name()
                + "/blobs/uploads/?digest=" + lie.claimed(), OCTETS, lie.bytes(), false);
        journal.operation("lie.digest.monolithic", push.outcome());
        judgeLie(push, "a monolithic push claiming " + lie.claimed(), "DIGEST_INVALID");
        probeAfterLie(repo, lie);
    }

    private void lieChunked(RepositoryModel repo) {
        Lie lie = lieContent();
        Exchange put = upload(repo, lie.bytes(), lie.claimed(), false);
        journal.operation("lie.digest.chunked", put == null ? Outcome.FAILURE : put.outcome());
        if (put != null && !(put.is(404) && put.code().equals("BLOB_UPLOAD_UNKNOWN"))) {
            judgeLie(put, "a chunked push claiming " + lie.claimed(), "DIGEST_INVALID");
        }
        probeAfterLie(repo, lie);
    }

    /** After a refused lie neither the claimed digest nor the bytes' own may have become readable. */
    private void probeAfterLie(RepositoryModel repo, Lie lie) {
        verifier.isolation(calls, repo, lie.claimed(), false, false, "after a lying push of it");
        if (lie.actual() != null) {
            verifier.isolation(calls, repo, lie.actual().digest(), false, random.nextBoolean(),
                    "after a lying push of its bytes");
        }
    }

    private void lieManifestSize(RepositoryModel repo) {
        List<BlobPool.Blob> layers = layers(1 + random.nextInt(2));
        BlobPool.Blob config = pool.small(random);
        while (layers.contains(config)) {
            config = pool.small(random);
        }
        List<BlobPool.Blob> blobs = new ArrayList<>(List.of(config));
        blobs.addAll(layers);
        if (!ensureBlobs(repo, blobs)) {
            return;
        }
        long now = System.currentTimeMillis();
        boolean allReadable = blobs.stream().allMatch(b -> repo.blobExpectation(b.digest(), now) != null);
        ManifestDoc lying = ManifestDoc.image(config, layers, "lie", random.nextInt(layers.size()));
        String reference = random.nextBoolean() ? "lie" : lying.digest();
        Exchange put = calls.send("lie.manifest.size", "PUT", "/v2/" + repo.name() + "/manifests/" + reference,
                Map.of("Content-Type", lying.mediaType()), lying.bytes(), false);
        journal.operation("lie.manifest.size", put.outcome());
        if (allReadable) {
            judgeLie(put, "a manifest with a wrong layer size", "MANIFEST_INVALID");
        } else if (!(put.is(404) && put.code().equals("MANIFEST_BLOB_UNKNOWN"))) {
            judgeLie(put, "a manifest with a wrong layer size", "MANIFEST_INVALID");
        }
        verifier.isolation(calls, repo, lying.digest(), true, false, "a refused lying manifest");
    }

    /** A lie must be answered 400 with the documented code; an unknown outcome says nothing. */
    private void judgeLie(Exchange exchange, String what, String code) {
        if (exchange.unknown()) {
            verdicts.inconclusive(LIES_REFUSED);
            return;
        }
        verdicts.check(LIES_REFUSED, exchange.is(400) && exchange.code().equals(code), name,
                what + " must be refused with 400 " + code, exchange);
    }

    /** A 4xx that no model state explains; journaled, not a violation by itself. */
    private void unexpectedFailure(Exchange exchange, String what) {
        if (exchange.outcome() == Outcome.FAILURE) {
            journal.note(name, "unexpected " + exchange.status() + " " + exchange.code() + " for " + what);
        }
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }
}
