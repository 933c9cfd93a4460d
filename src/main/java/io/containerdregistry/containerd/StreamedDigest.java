package io.containerdregistry.containerd;

import io.containerdregistry.oci.Digest;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A digest computed while a blob streams in, for an algorithm containerd cannot verify itself (it hashes sha256
 * only). Used when the whole blob passes through one request.
 */
final class StreamedDigest {
    private final MessageDigest digest;
    private final String algorithm;
    private Digest result;

    StreamedDigest(String algorithm) {
        this.algorithm = algorithm;
        this.digest = Digest.messageDigest(algorithm);
    }

    void update(ByteBuffer data) {
        digest.update(data.duplicate());
    }

    synchronized Digest result() {
        if (result == null) {
            result = new Digest(algorithm, HexFormat.of().formatHex(digest.digest()));
        }
        return result;
    }
}
