package io.containerdregistry.history;

import io.containerdregistry.oci.Digest;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Pushes that lie, each of which the registry must refuse with its documented 400, after which neither the claimed
 * digest nor the bytes' own may have become readable through the repository: a monolithic or chunked upload whose
 * digest is not its bytes' (often the digest of content another repository holds), and a manifest whose layer
 * descriptor claims a wrong size. Lies never touch the model. ({@link Uploader} tells the {@code Content-Range} lies.)
 */
final class Liar {
    private static final Map<String, String> OCTETS = Map.of("Content-Type", "application/octet-stream");

    private final String client;
    private final Random random;
    private final Calls calls;
    private final Uploader uploader;
    private final Verifier verifier;
    private final Verdicts verdicts;
    private final BlobPool pool;

    Liar(String client, Random random, Calls calls, Uploader uploader, Verifier verifier, Verdicts verdicts,
            BlobPool pool) {
        this.client = client;
        this.random = random;
        this.calls = calls;
        this.uploader = uploader;
        this.verifier = verifier;
        this.verdicts = verdicts;
        this.pool = pool;
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

    /** {@code POST ?digest=} with bytes that are not the digest's: 400 {@code DIGEST_INVALID}. */
    void wrongDigestMonolithic(RepositoryModel repo) {
        Lie lie = lieContent();
        Exchange push = calls.send("lie.digest.monolithic", "POST", "/v2/" + repo.name()
                + "/blobs/uploads/?digest=" + lie.claimed(), OCTETS, lie.bytes(), false);
        calls.journal().operation("lie.digest.monolithic", push.outcome());
        verdicts.refused(push, client, "a monolithic push claiming " + lie.claimed(), "DIGEST_INVALID");
        probeAfterLie(repo, lie);
    }

    /** A session's {@code PATCH} chunks, then {@code PUT ?digest=} naming another digest: 400 {@code DIGEST_INVALID}. */
    void wrongDigestChunked(RepositoryModel repo) {
        Lie lie = lieContent();
        Exchange put = uploader.upload(repo, lie.bytes(), lie.claimed(), false);
        calls.journal().operation("lie.digest.chunked", put == null ? Outcome.FAILURE : put.outcome());
        if (put != null && !(put.is(404) && put.code().equals("BLOB_UPLOAD_UNKNOWN"))) {
            verdicts.refused(put, client, "a chunked push claiming " + lie.claimed(), "DIGEST_INVALID");
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

    /**
     * A manifest over blobs the repository holds (the caller made sure of them) whose descriptor of one layer claims a
     * byte more than the layer has: 400 {@code MANIFEST_INVALID} (or 404 {@code MANIFEST_BLOB_UNKNOWN} when a blob
     * need not be readable any more).
     */
    void wrongSizeManifest(RepositoryModel repo, BlobPool.Blob config, List<BlobPool.Blob> layers) {
        long now = System.currentTimeMillis();
        boolean allReadable = repo.blobExpectation(config.digest(), now) != null
                && layers.stream().allMatch(b -> repo.blobExpectation(b.digest(), now) != null);
        ManifestDoc lying = ManifestDoc.image(config, layers, "lie", random.nextInt(layers.size()));
        String reference = random.nextBoolean() ? "lie" : lying.digest();
        Exchange put = calls.send("lie.manifest.size", "PUT", "/v2/" + repo.name() + "/manifests/" + reference,
                Map.of("Content-Type", lying.mediaType()), lying.bytes(), false);
        calls.journal().operation("lie.manifest.size", put.outcome());
        if (allReadable || !(put.is(404) && put.code().equals("MANIFEST_BLOB_UNKNOWN"))) {
            verdicts.refused(put, client, "a manifest with a wrong layer size", "MANIFEST_INVALID");
        }
        verifier.isolation(calls, repo, lying.digest(), true, false, "a refused lying manifest");
    }
}
