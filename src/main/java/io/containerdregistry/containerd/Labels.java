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

    private Labels() {
    }
}
