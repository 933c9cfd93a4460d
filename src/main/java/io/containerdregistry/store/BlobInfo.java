package io.containerdregistry.store;

import io.containerdregistry.oci.Digest;

/**
 * A stored blob: the digest a client asked for, its size, and the sha256 digest it is stored under (the same digest
 * unless the client used another algorithm).
 */
public record BlobInfo(Digest digest, long size, Digest stored) {
}
