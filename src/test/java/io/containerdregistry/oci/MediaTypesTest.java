package io.containerdregistry.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MediaTypesTest {

    @Test
    void baseStripsParameters() {
        assertEquals(MediaTypes.OCI_MANIFEST, MediaTypes.base(MediaTypes.OCI_MANIFEST + "; charset=utf-8"));
        assertEquals("application/json", MediaTypes.base("application/json;charset=utf-8;q=1"));
    }

    @Test
    void baseTrimsBlanks() {
        assertEquals(MediaTypes.OCI_INDEX, MediaTypes.base("  " + MediaTypes.OCI_INDEX + "  "));
        assertEquals(MediaTypes.OCI_INDEX, MediaTypes.base(" " + MediaTypes.OCI_INDEX + " ; x=y"));
    }

    @Test
    void baseLeavesPlainTypeUnchanged() {
        assertEquals(MediaTypes.DOCKER_MANIFEST, MediaTypes.base(MediaTypes.DOCKER_MANIFEST));
    }

    @Test
    void baseOfNullBlankOrParameterOnlyIsNull() {
        assertNull(MediaTypes.base(null));
        assertNull(MediaTypes.base(""));
        assertNull(MediaTypes.base("   "));
        assertNull(MediaTypes.base("; charset=utf-8"));
    }

    @Test
    void isIndexRecognisesOciIndexAndDockerManifestList() {
        assertTrue(MediaTypes.isIndex(MediaTypes.OCI_INDEX));
        assertTrue(MediaTypes.isIndex(MediaTypes.DOCKER_MANIFEST_LIST));
    }

    @Test
    void isIndexRejectsImageManifestsAndOtherTypes() {
        assertFalse(MediaTypes.isIndex(MediaTypes.OCI_MANIFEST));
        assertFalse(MediaTypes.isIndex(MediaTypes.DOCKER_MANIFEST));
        assertFalse(MediaTypes.isIndex(MediaTypes.OCI_EMPTY));
        assertFalse(MediaTypes.isIndex("application/json"));
    }

    @Test
    void isManifestRecognisesAllFourManifestTypes() {
        assertTrue(MediaTypes.isManifest(MediaTypes.OCI_MANIFEST));
        assertTrue(MediaTypes.isManifest(MediaTypes.DOCKER_MANIFEST));
        assertTrue(MediaTypes.isManifest(MediaTypes.OCI_INDEX));
        assertTrue(MediaTypes.isManifest(MediaTypes.DOCKER_MANIFEST_LIST));
    }

    @Test
    void isManifestRejectsOtherTypes() {
        assertFalse(MediaTypes.isManifest(MediaTypes.OCI_EMPTY));
        assertFalse(MediaTypes.isManifest("application/json"));
        assertFalse(MediaTypes.isManifest("application/vnd.oci.image.layer.v1.tar+gzip"));
    }

    @Test
    void matchingIsExactSoParametersMustBeStrippedFirst() {
        String withParams = MediaTypes.OCI_MANIFEST + "; charset=utf-8";
        assertFalse(MediaTypes.isManifest(withParams));
        assertTrue(MediaTypes.isManifest(MediaTypes.base(withParams)));
        assertFalse(MediaTypes.isManifest(MediaTypes.OCI_MANIFEST.toUpperCase()));
    }
}
