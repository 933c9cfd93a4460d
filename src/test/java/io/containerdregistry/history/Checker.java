package io.containerdregistry.history;

import static io.containerdregistry.history.Verdicts.Invariant.ANSWERED;
import static io.containerdregistry.history.Verdicts.Invariant.NO_UNEXPLAINED_5XX;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * The check after the run, with chaos stopped and both processes up: every repository's model is held against the
 * registry. First the blobs whose 201 still obliges the registry (they expire while the check runs), then every
 * certain tag, every stored manifest by digest, every blob they reference, the referrers of stored artifacts, the
 * tag listing, and isolation probes; finally every 5xx of the run against the {@link Downtime} windows, and every
 * request left unanswered. A read
 * without an answer is tried again a few times.
 */
final class Checker {
    private static final int PROBES_PER_REPOSITORY = 12;

    private final Verdicts verdicts;
    private final Verifier verifier;
    private final Holdings holdings;
    private final BlobPool pool;
    private final Random random;

    Checker(Verdicts verdicts, Verifier verifier, Holdings holdings, BlobPool pool, long seed) {
        this.verdicts = verdicts;
        this.verifier = verifier;
        this.holdings = holdings;
        this.pool = pool;
        this.random = new Random(seed);
    }

    void check(Calls calls) {
        List<RepositoryModel> repositories = holdings.repositories();
        for (RepositoryModel repo : repositories) {
            for (String digest : repo.freshBlobs(System.currentTimeMillis())) {
                retry(() -> verifier.blob(calls, repo, digest, Verifier.Read.GET, random));
            }
        }
        for (RepositoryModel repo : repositories) {
            for (String tag : repo.certainTags().keySet()) {
                retry(() -> verifier.tag(calls, repo, tag, false));
            }
            for (String tag : repo.certainlyAbsentTags()) {
                retry(() -> verifier.deletedTag(calls, repo, tag, false));
            }
            for (String digest : repo.storedManifests().keySet()) {
                retry(() -> verifier.manifest(calls, repo, digest, false));
            }
            for (String digest : repo.referencedBlobs().keySet()) {
                retry(() -> verifier.blob(calls, repo, digest, Verifier.Read.GET, random));
            }
            for (ManifestDoc artifact : repo.storedArtifacts()) {
                retry(() -> verifier.referrers(calls, repo, artifact));
            }
            retry(() -> verifier.listing(calls, repo));
        }
        for (RepositoryModel repo : repositories) {
            List<String> probes = new ArrayList<>();
            pool.all().stream().map(BlobPool.Blob::digest)
                    .filter(d -> !repo.touched(d) && holdings.heldAnywhere(d)).forEach(probes::add);
            for (int i = 0; i < PROBES_PER_REPOSITORY && !probes.isEmpty(); i++) {
                String digest = probes.remove(random.nextInt(probes.size()));
                retry(() -> verifier.isolation(calls, repo, digest, false, false, "final check"));
            }
            for (int i = 0; i < PROBES_PER_REPOSITORY / 2; i++) {
                ManifestDoc doc = holdings.anyManifest(random);
                if (doc != null && !repo.touched(doc.digest())) {
                    retry(() -> verifier.isolation(calls, repo, doc.digest(), true, false, "final check"));
                }
            }
        }
    }

    /** Every 5xx of the run: a 503 that overlaps a down window (with its grace) is explained, nothing else is. */
    void serverErrors(Journal journal, Downtime downtime) {
        long answered = 0;
        for (Exchange exchange : journal.serverErrors()) {
            answered++;
            boolean explained = exchange.is(503) && downtime.explains(exchange.start(), exchange.end());
            verdicts.check(NO_UNEXPLAINED_5XX, explained, exchange.client(), exchange.is(503)
                    ? "503 outside every containerd or registry outage (grace " + downtime.graceMillis() + " ms)"
                    : "a " + exchange.status() + " answer", exchange);
        }
        verdicts.passMany(NO_UNEXPLAINED_5XX, journal.answered() - answered);
    }

    /** Every request was answered (or its connection closed) before the client's timeout. */
    void silences(Journal journal, long timeoutMillis) {
        List<Exchange> silences = journal.silences();
        for (Exchange exchange : silences) {
            verdicts.violation(ANSWERED, exchange.client(), "no answer and no closed connection within "
                    + timeoutMillis + " ms", exchange);
        }
        verdicts.passMany(ANSWERED, journal.total() - silences.size());
    }

    private static void retry(BooleanSupplier check) {
        for (int attempt = 0; attempt < 4 && !check.getAsBoolean(); attempt++) {
            Calls.pause(500);
        }
    }
}
