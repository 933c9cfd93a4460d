package io.containerdregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EndpointFamilyTest {
    private static final String DIGEST = "sha256:" + "a".repeat(64);

    @Test
    void versionCheckIsBase() {
        assertEquals(EndpointFamily.BASE, EndpointFamily.of("/v2/"));
        assertEquals(EndpointFamily.BASE, EndpointFamily.of("/v2"));
    }

    @Test
    void blobPathsAreBlob() {
        assertEquals(EndpointFamily.BLOB, EndpointFamily.of("/v2/library/alpine/blobs/" + DIGEST));
        assertEquals(EndpointFamily.BLOB, EndpointFamily.of("/v2/a/blobs/" + DIGEST));
    }

    @Test
    void uploadPathsAreUploadEvenThoughTheyLookLikeBlobs() {
        assertEquals(EndpointFamily.UPLOAD, EndpointFamily.of("/v2/team/app/blobs/uploads/"));
        assertEquals(EndpointFamily.UPLOAD, EndpointFamily.of("/v2/team/app/blobs/uploads"));
        assertEquals(EndpointFamily.UPLOAD,
                EndpointFamily.of("/v2/team/app/blobs/uploads/0b9f4f6e-3c1d-4a49-9d7e-7f1f1c0de0aa"));
    }

    @Test
    void manifestTagsAndCatalogPathsHaveTheirOwnFamilies() {
        assertEquals(EndpointFamily.MANIFEST, EndpointFamily.of("/v2/team/app/manifests/v1"));
        assertEquals(EndpointFamily.MANIFEST, EndpointFamily.of("/v2/team/app/manifests/" + DIGEST));
        assertEquals(EndpointFamily.TAGS, EndpointFamily.of("/v2/team/app/tags/list"));
        assertEquals(EndpointFamily.CATALOG, EndpointFamily.of("/v2/_catalog"));
    }

    @Test
    void everythingElseIsOther() {
        assertEquals(EndpointFamily.OTHER, EndpointFamily.of("/readyz"));
        assertEquals(EndpointFamily.OTHER, EndpointFamily.of("/q/metrics"));
        assertEquals(EndpointFamily.OTHER, EndpointFamily.of("/v2/team/app/unknown-endpoint"));
        assertEquals(EndpointFamily.OTHER, EndpointFamily.of("/"));
        assertEquals(EndpointFamily.OTHER, EndpointFamily.of(null));
    }

    @Test
    void tagsAreLowerCaseNames() {
        assertEquals("upload", EndpointFamily.UPLOAD.tag());
        assertEquals("other", EndpointFamily.OTHER.tag());
    }
}
