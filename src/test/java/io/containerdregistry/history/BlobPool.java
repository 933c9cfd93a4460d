package io.containerdregistry.history;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.PatternStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The contents every client pushes: one seeded set of blobs shared by all repositories, so that the same content is
 * pushed, mounted and deleted through many repositories at once (the dedupe paths, and races such as one repository
 * deleting a digest while another pushes it). Blob 0 is the empty JSON object {@code {}}, the OCI empty descriptor
 * that artifacts use as config; a few blobs are hot, most are small, a few are 8 to 16 MiB. The loose blobs are never
 * referenced by a manifest: only upload leases hold them, so their expiry and collection really happen.
 */
final class BlobPool {
    /** A blob of the pool. */
    record Blob(int index, String digest, byte[] bytes) {
        long size() {
            return bytes.length;
        }

        @Override
        public String toString() {
            return "blob#" + index + "(" + bytes.length + " B " + digest.substring(7, 19) + ")";
        }
    }

    static final String EMPTY_DIGEST = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    private static final int HOT = 8;
    private static final int SMALL = 24;
    private static final int MEDIUM = 36;
    private static final int REFERABLE = 40;
    private static final int LOOSE = 24;

    private final List<Blob> blobs;
    private final Map<String, Blob> byDigest = new HashMap<>();

    private BlobPool(List<Blob> blobs) {
        this.blobs = List.copyOf(blobs);
        blobs.forEach(blob -> byDigest.put(blob.digest(), blob));
    }

    static BlobPool of(long seed) {
        Random random = new Random(seed ^ 0x5DEECE66DL);
        List<Blob> blobs = new ArrayList<>();
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        blobs.add(new Blob(0, Digest.sha256Of(empty).toString(), empty));
        for (int i = 1; i < REFERABLE + LOOSE; i++) {
            int size;
            if (i >= REFERABLE) {
                size = 512 + random.nextInt(32 * 1024);
            } else if (i <= SMALL) {
                size = 1024 + random.nextInt(63 * 1024);
            } else if (i <= MEDIUM) {
                size = (64 << 10) + random.nextInt((2 << 20) - (64 << 10));
            } else {
                size = (8 << 20) + random.nextInt(8 << 20);
            }
            byte[] bytes = new byte[size];
            new PatternStream(size, random.nextLong()).read(bytes, 0, size);
            blobs.add(new Blob(i, Digest.sha256Of(bytes).toString(), bytes));
        }
        if (!blobs.get(0).digest().equals(EMPTY_DIGEST)) {
            throw new IllegalStateException("the empty descriptor's digest is " + blobs.get(0).digest());
        }
        return new BlobPool(blobs);
    }

    Blob empty() {
        return blobs.get(0);
    }

    /** A blob other than the empty one, for blob operations: a loose one a third of the time. */
    Blob pick(Random random) {
        if (random.nextInt(3) == 0) {
            return blobs.get(REFERABLE + random.nextInt(LOOSE));
        }
        return referable(random);
    }

    /** A blob manifests may reference: hot ones most often, large ones seldom. */
    Blob referable(Random random) {
        int roll = random.nextInt(100);
        if (roll < 45) {
            return blobs.get(1 + random.nextInt(HOT));
        }
        if (roll < 77) {
            return blobs.get(1 + HOT + random.nextInt(SMALL - HOT));
        }
        if (roll < 97) {
            return blobs.get(1 + SMALL + random.nextInt(MEDIUM - SMALL));
        }
        return blobs.get(1 + MEDIUM + random.nextInt(REFERABLE - 1 - MEDIUM));
    }

    /** A small blob (for configs and lies). */
    Blob small(Random random) {
        return blobs.get(1 + random.nextInt(SMALL));
    }

    Blob get(String digest) {
        return byDigest.get(digest);
    }

    List<Blob> all() {
        return blobs;
    }
}
