package io.containerdregistry.containerd;

import io.containerdregistry.oci.Digest;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Digests computed while a blob streams in: sha256 (the key containerd stores it under) and the algorithm the
 * client named. Used only for algorithms containerd cannot verify itself.
 */
final class StreamedDigests {
    private final MessageDigest sha256 = Digest.messageDigest("sha256");
    private final MessageDigest other;
    private final String algorithm;
    private Digest sha256Result;
    private Digest otherResult;

    StreamedDigests(String algorithm) {
        this.algorithm = algorithm;
        this.other = Digest.messageDigest(algorithm);
    }

    void update(ByteBuffer data) {
        sha256.update(data.duplicate());
        other.update(data.duplicate());
    }

    synchronized Digest sha256() {
        if (sha256Result == null) {
            sha256Result = new Digest("sha256", HexFormat.of().formatHex(sha256.digest()));
        }
        return sha256Result;
    }

    synchronized Digest other() {
        if (otherResult == null) {
            otherResult = new Digest(algorithm, HexFormat.of().formatHex(other.digest()));
        }
        return otherResult;
    }
}
