package io.containerdregistry.store;

import io.containerdregistry.oci.Digest;
import java.util.Map;

/** A manifest whose {@code subject} names another, as the referrers API lists it. */
public record Referrer(String mediaType, Digest digest, long size, String artifactType, Map<String, String> annotations) {
}
