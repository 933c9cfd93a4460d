package io.containerdregistry.store;

import io.containerdregistry.oci.Digest;

/** A stored blob: its digest and size. */
public record BlobInfo(Digest digest, long size) {
}
