package io.containerdregistry.history;

import io.containerdregistry.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A manifest a client pushes, with its exact bytes (written by hand, so the digest is known before the push) and what
 * it references: blobs (config and layers) and, for an index, child manifests. An artifact also names a
 * {@code subject}, which it does not reference.
 */
record ManifestDoc(Kind kind, String digest, String mediaType, byte[] bytes, List<String> blobs,
        List<String> children, String subject) {

    enum Kind { IMAGE, INDEX, ARTIFACT }

    static final String IMAGE_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String IMAGE_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String ARTIFACT_TYPE = "application/vnd.containerd-registry.history.note";

    long size() {
        return bytes.length;
    }

    /** Everything that must be readable through the repository for the push to succeed. */
    List<String> references() {
        List<String> all = new ArrayList<>(blobs);
        all.addAll(children);
        return all;
    }

    static ManifestDoc image(BlobPool.Blob config, List<BlobPool.Blob> layers, String variant) {
        return image(config, layers, variant, -1);
    }

    /**
     * An image manifest whose descriptor of layer {@code wrongLayer} claims one byte more than the layer has (a lie
     * the registry must refuse); -1 for an honest one.
     */
    static ManifestDoc image(BlobPool.Blob config, List<BlobPool.Blob> layers, String variant, int wrongLayer) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"").append(IMAGE_MANIFEST)
                .append("\",\"config\":").append(descriptor("application/vnd.oci.image.config.v1+json",
                        config.digest(), config.size())).append(",\"layers\":[");
        List<String> blobs = new ArrayList<>(List.of(config.digest()));
        for (int i = 0; i < layers.size(); i++) {
            BlobPool.Blob layer = layers.get(i);
            json.append(i == 0 ? "" : ",").append(descriptor("application/vnd.oci.image.layer.v1.tar",
                    layer.digest(), layer.size() + (i == wrongLayer ? 1 : 0)));
            blobs.add(layer.digest());
        }
        json.append("],\"annotations\":{\"history.variant\":\"").append(variant).append("\"}}");
        return of(Kind.IMAGE, IMAGE_MANIFEST, json, blobs, List.of(), null);
    }

    static ManifestDoc index(List<ManifestDoc> children) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"").append(IMAGE_INDEX)
                .append("\",\"manifests\":[");
        List<String> digests = new ArrayList<>();
        String[] architectures = {"amd64", "arm64", "s390x", "ppc64le"};
        for (int i = 0; i < children.size(); i++) {
            ManifestDoc child = children.get(i);
            String descriptor = descriptor(child.mediaType(), child.digest(), child.size());
            json.append(i == 0 ? "" : ",").append(descriptor, 0, descriptor.length() - 1)
                    .append(",\"platform\":{\"architecture\":\"").append(architectures[i % architectures.length])
                    .append("\",\"os\":\"linux\"}}");
            digests.add(child.digest());
        }
        json.append("]}");
        return of(Kind.INDEX, IMAGE_INDEX, json, List.of(), digests, null);
    }

    /** An artifact (OCI 1.1: {@code artifactType}, the empty config) with one layer and a subject. */
    static ManifestDoc artifact(BlobPool.Blob empty, BlobPool.Blob layer, ManifestDoc subject, String note) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"").append(IMAGE_MANIFEST)
                .append("\",\"artifactType\":\"").append(ARTIFACT_TYPE)
                .append("\",\"config\":").append(descriptor("application/vnd.oci.empty.v1+json", empty.digest(),
                        empty.size()))
                .append(",\"layers\":[").append(descriptor("application/vnd.containerd-registry.history.note.v1",
                        layer.digest(), layer.size()))
                .append("],\"subject\":").append(descriptor(subject.mediaType(), subject.digest(), subject.size()))
                .append(",\"annotations\":{\"history.note\":\"").append(note).append("\"}}");
        return of(Kind.ARTIFACT, IMAGE_MANIFEST, json, List.of(empty.digest(), layer.digest()), List.of(),
                subject.digest());
    }

    private static String descriptor(String mediaType, String digest, long size) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }

    private static ManifestDoc of(Kind kind, String mediaType, StringBuilder json, List<String> blobs,
            List<String> children, String subject) {
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        return new ManifestDoc(kind, Digest.sha256Of(bytes).toString(), mediaType, bytes, List.copyOf(blobs),
                List.copyOf(children), subject);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase() + " " + digest.substring(7, 19);
    }
}
