package io.containerdregistry.containerd;

/** Label keys the registry writes on containerd content and leases. */
final class Labels {
    /** containerd GC: a lease or content with this label is collected after the RFC 3339 time. */
    static final String GC_EXPIRE = "containerd.io/gc.expire";
    /** containerd GC: content reachable from a manifest through these labels lives as long as the manifest. */
    static final String GC_REF_CONFIG = "containerd.io/gc.ref.content.config";
    static final String GC_REF_LAYER_PREFIX = "containerd.io/gc.ref.content.l.";
    static final String GC_REF_MANIFEST_PREFIX = "containerd.io/gc.ref.content.m.";
    /** The media type a manifest was pushed with, so it is served with it when fetched by digest. */
    static final String MEDIA_TYPE = "containerd-registry.io/media-type";
    /** On a manifest with a {@code subject}: the subject's digest, so referrers are found with a label filter. */
    static final String SUBJECT = "containerd-registry.io/subject";
    /** On a manifest: its {@code artifactType}, or its config's media type, as the referrers API reports it. */
    static final String ARTIFACT_TYPE = "containerd-registry.io/artifact-type";
    /**
     * On a pushed blob: {@code upload-<session>}, the upload session that committed it, which is also the id of the
     * session's own lease when it had one.
     */
    static final String UPLOAD_LEASE = "containerd-registry.io/upload-lease";
    private static final String DIGEST_PREFIX = "containerd-registry.io/digest.";

    private Labels() {
    }

    /** On content verified under another algorithm than sha256: that digest, e.g. {@code ...digest.sha512}. */
    static String digestLabel(String algorithm) {
        return DIGEST_PREFIX + algorithm;
    }
}
