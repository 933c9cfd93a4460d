package io.containerdregistry.history;

import static io.containerdregistry.history.Verdicts.Invariant.BLOB_DURABILITY;
import static io.containerdregistry.history.Verdicts.Invariant.DELETES;
import static io.containerdregistry.history.Verdicts.Invariant.INTEGRITY;
import static io.containerdregistry.history.Verdicts.Invariant.ISOLATION;
import static io.containerdregistry.history.Verdicts.Invariant.LISTING;
import static io.containerdregistry.history.Verdicts.Invariant.MANIFEST_DURABILITY;
import static io.containerdregistry.history.Verdicts.Invariant.REFERRERS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.containerdregistry.oci.Digest;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The reads that hold the registry to the model: each computes what the model expects when the request starts, sends
 * it, and records a pass, an inconclusive check (no answer, or a 5xx: the registry did not say) or a violation in
 * {@link Verdicts}. Shared by the clients during the run and by the {@link Checker} afterwards.
 */
final class Verifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> ACCEPT_MANIFESTS = Map.of("Accept",
            ManifestDoc.IMAGE_MANIFEST + ", " + ManifestDoc.IMAGE_INDEX);

    /** How a blob is read. */
    enum Read { GET, HEAD, RANGE }

    private final Verdicts verdicts;
    private final BlobPool pool;

    Verifier(Verdicts verdicts, BlobPool pool) {
        this.verdicts = verdicts;
        this.pool = pool;
    }

    /**
     * Reads a blob the repository must hold now: 200 (206) with exactly its bytes. Nothing when it need not. False
     * when the check could not conclude (no answer, or a 5xx).
     */
    boolean blob(Calls calls, RepositoryModel repo, String digest, Read how, Random random) {
        long now = System.currentTimeMillis();
        String why = repo.blobExpectation(digest, now);
        if (why == null) {
            return true;
        }
        Exchange exchange = readBlob(calls, "verify.blob", repo, digest, how, random);
        if (exchange.unknown()) {
            verdicts.inconclusive(BLOB_DURABILITY);
            return false;
        }
        verdicts.check(BLOB_DURABILITY, exchange.is(200) || exchange.is(206), calls.client(),
                repo.name() + " must serve " + describe(digest) + ": " + why, exchange);
        return true;
    }

    /** Reads a blob the repository may or may not hold: whatever is served must be exact. */
    void blobMaybe(Calls calls, RepositoryModel repo, String digest, Random random) {
        readBlob(calls, "read.blob", repo, digest, Read.GET, random);
    }

    /** Reads a blob and checks that a 200/206 carries exactly the content; returns the exchange. */
    private Exchange readBlob(Calls calls, String kind, RepositoryModel repo, String digest, Read how,
            Random random) {
        BlobPool.Blob blob = pool.get(digest);
        String target = "/v2/" + repo.name() + "/blobs/" + digest;
        if (how == Read.HEAD) {
            Exchange exchange = calls.head(kind, target);
            if (exchange.is(200)) {
                verdicts.check(INTEGRITY, String.valueOf(blob.size()).equals(exchange.header("content-length"))
                                && digest.equals(exchange.header("docker-content-digest")), calls.client(),
                        "HEAD of " + describe(digest) + " must announce its size and digest", exchange);
            }
            return exchange;
        }
        if (how == Read.RANGE && blob.size() > 1) {
            int from = random.nextInt((int) blob.size());
            int to = from + random.nextInt((int) blob.size() - from);
            Exchange exchange = calls.get(kind, target, Map.of("Range", "bytes=" + from + "-" + to));
            if (exchange.is(206)) {
                verdicts.check(INTEGRITY, Arrays.equals(exchange.reply().body(),
                                Arrays.copyOfRange(blob.bytes(), from, to + 1))
                                && ("bytes " + from + "-" + to + "/" + blob.size())
                                .equals(exchange.header("content-range")), calls.client(),
                        "bytes " + from + "-" + to + " of " + describe(digest) + " must be exact", exchange);
            } else if (exchange.is(200)) {
                exact(calls, exchange, blob);
            }
            return exchange;
        }
        Exchange exchange = calls.get(kind, target);
        if (exchange.is(200)) {
            exact(calls, exchange, blob);
        }
        return exchange;
    }

    private void exact(Calls calls, Exchange exchange, BlobPool.Blob blob) {
        byte[] body = exchange.reply().body();
        verdicts.check(INTEGRITY, body.length == blob.size()
                        && Digest.sha256Of(body).toString().equals(blob.digest()), calls.client(),
                describe(blob.digest()) + " must be served byte-exact (got " + body.length + " bytes, sha256 "
                        + Digest.sha256Of(body) + ")", exchange);
    }

    /** Resolves a tag the model is certain of: 200 with exactly the manifest it names. */
    boolean tag(Calls calls, RepositoryModel repo, String tag, boolean head) {
        String expected = repo.certainTag(tag).orElse(RepositoryModel.ABSENT);
        if (expected.equals(RepositoryModel.ABSENT)) {
            return true;
        }
        Exchange exchange = head
                ? calls.send("verify.tag", "HEAD", "/v2/" + repo.name() + "/manifests/" + tag, ACCEPT_MANIFESTS,
                        null, false)
                : calls.get("verify.tag", "/v2/" + repo.name() + "/manifests/" + tag, ACCEPT_MANIFESTS);
        return manifestAnswer(calls, repo, repo.manifest(expected), exchange, "tag " + tag, head);
    }

    /** Resolves a tag the model is certain was deleted: 404, by {@code GET} or {@code HEAD}. */
    boolean deletedTag(Calls calls, RepositoryModel repo, String tag, boolean head) {
        if (!repo.certainTag(tag).orElse("?").equals(RepositoryModel.ABSENT)) {
            return true;
        }
        String target = "/v2/" + repo.name() + "/manifests/" + tag;
        Exchange exchange = head ? calls.send("verify.deleted-tag", "HEAD", target, ACCEPT_MANIFESTS, null, false)
                : calls.get("verify.deleted-tag", target, ACCEPT_MANIFESTS);
        if (exchange.unknown()) {
            verdicts.inconclusive(DELETES);
            return false;
        }
        verdicts.check(DELETES, exchange.is(404), calls.client(), "tag " + tag + " of " + repo.name()
                + " was certainly deleted, yet it resolves", exchange);
        return true;
    }

    /** Reads a manifest the repository must hold by digest: 200 with exactly its bytes. */
    boolean manifest(Calls calls, RepositoryModel repo, String digest, boolean head) {
        String why = repo.manifestExpectation(digest);
        if (why == null) {
            return true;
        }
        String target = "/v2/" + repo.name() + "/manifests/" + digest;
        Exchange exchange = head ? calls.send("verify.manifest", "HEAD", target, ACCEPT_MANIFESTS, null, false)
                : calls.get("verify.manifest", target, ACCEPT_MANIFESTS);
        return manifestAnswer(calls, repo, repo.manifest(digest), exchange, why, head);
    }

    private boolean manifestAnswer(Calls calls, RepositoryModel repo, ManifestDoc doc, Exchange exchange,
            String why, boolean head) {
        if (exchange.unknown()) {
            verdicts.inconclusive(MANIFEST_DURABILITY);
            return false;
        }
        String what = repo.name() + " must serve " + doc + " (" + why + ")";
        if (!verdicts.check(MANIFEST_DURABILITY, exchange.is(200)
                && doc.digest().equals(exchange.header("docker-content-digest")), calls.client(), what, exchange)) {
            return true;
        }
        if (head) {
            verdicts.check(INTEGRITY, String.valueOf(doc.size()).equals(exchange.header("content-length")),
                    calls.client(), what + ": HEAD must announce its size", exchange);
        } else {
            byte[] body = exchange.reply().body();
            verdicts.check(INTEGRITY, Arrays.equals(body, doc.bytes())
                            && doc.mediaType().equals(exchange.header("content-type")), calls.client(),
                    what + " byte-exact with its media type (body sha256 " + Digest.sha256Of(body) + ")", exchange);
        }
        return true;
    }

    /** Lists the referrers of an artifact's subject: the artifact is among them, and nothing the repository never touched. */
    boolean referrers(Calls calls, RepositoryModel repo, ManifestDoc artifact) {
        if (repo.manifestExpectation(artifact.digest()) == null) {
            return true;
        }
        Exchange exchange = calls.get("verify.referrers", "/v2/" + repo.name() + "/referrers/" + artifact.subject());
        if (exchange.unknown()) {
            verdicts.inconclusive(REFERRERS);
            return false;
        }
        Set<String> listed = new TreeSet<>();
        if (exchange.is(200)) {
            try {
                for (JsonNode descriptor : JSON.readTree(exchange.reply().body()).path("manifests")) {
                    listed.add(descriptor.path("digest").asText());
                }
            } catch (IOException e) {
                verdicts.violation(REFERRERS, calls.client(), "the referrers answer is not JSON: " + e, exchange);
                return true;
            }
        }
        verdicts.check(REFERRERS, listed.contains(artifact.digest()), calls.client(), repo.name()
                + " must list " + artifact + " (" + repo.manifestExpectation(artifact.digest()) + ") as a referrer of "
                + artifact.subject() + "; listed " + listed, exchange);
        for (String digest : listed) {
            verdicts.check(ISOLATION, repo.touched(digest), calls.client(), repo.name() + " lists referrer "
                    + digest + ", which it never pushed", exchange);
        }
        return true;
    }

    /**
     * Reads, through {@code target}, a digest it never touched: it must be unknown (404), whoever else holds it. A
     * digest the repository touches while the probe runs makes the probe inconclusive.
     */
    boolean isolation(Calls calls, RepositoryModel target, String digest, boolean manifest, boolean head,
            String context) {
        if (target.touched(digest)) {
            return true;
        }
        String path = "/v2/" + target.name() + (manifest ? "/manifests/" : "/blobs/") + digest;
        Exchange exchange = head ? calls.head("probe.isolation", path) : calls.get("probe.isolation", path);
        if (target.touched(digest) || exchange.unknown()) {
            verdicts.inconclusive(ISOLATION);
            return false;
        }
        verdicts.check(ISOLATION, exchange.is(404), calls.client(), target.name() + " never pushed, mounted or"
                + " referenced " + digest + (context.isEmpty() ? "" : " (" + context + ")") + ", yet it is served",
                exchange);
        return true;
    }

    /** Lists the repository's tags: every certain tag is there, no certainly deleted one. */
    boolean listing(Calls calls, RepositoryModel repo) {
        Map<String, String> present = repo.certainTags();
        List<String> absent = repo.certainlyAbsentTags();
        Exchange exchange = calls.get("verify.tags", "/v2/" + repo.name() + "/tags/list?n=1000");
        if (exchange.unknown()) {
            verdicts.inconclusive(LISTING);
            return false;
        }
        Set<String> listed = new HashSet<>();
        if (exchange.is(200)) {
            try {
                JSON.readTree(exchange.reply().body()).path("tags").forEach(tag -> listed.add(tag.asText()));
            } catch (IOException e) {
                verdicts.violation(LISTING, calls.client(), "the tags answer is not JSON: " + e, exchange);
                return true;
            }
        } else if (!(exchange.is(404) && exchange.code().equals("NAME_UNKNOWN"))) {
            verdicts.violation(LISTING, calls.client(), "tags/list answered " + exchange.status(), exchange);
            return true;
        }
        Set<String> missing = new TreeSet<>(present.keySet());
        missing.removeAll(listed);
        Set<String> stale = new TreeSet<>(absent);
        stale.retainAll(listed);
        verdicts.check(LISTING, missing.isEmpty() && stale.isEmpty(), calls.client(), repo.name()
                + " tags/list must show " + present.keySet() + " and none of " + absent + "; missing " + missing
                + ", deleted but listed " + stale, exchange);
        return true;
    }

    private String describe(String digest) {
        BlobPool.Blob blob = pool.get(digest);
        return blob == null ? digest : blob + " " + digest;
    }
}
