package io.containerdregistry.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestTest {
    private static final String CONFIG_DIGEST = "sha256:" + "1".repeat(64);
    private static final String LAYER_DIGEST = "sha256:" + "2".repeat(64);
    private static final String FOREIGN_DIGEST = "sha256:" + "3".repeat(64);
    private static final String CHILD_A = "sha256:" + "a".repeat(64);
    private static final String CHILD_B = "sha512:" + "b".repeat(128);
    private static final String SUBJECT_DIGEST = "sha256:" + "c".repeat(64);
    private static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final String FOREIGN_TYPE = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    private static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static String descriptor(String mediaType, String digest, long size) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }

    private static String config() {
        return descriptor(CONFIG_TYPE, CONFIG_DIGEST, 10);
    }

    /** An image manifest body with the given extra fields (each a complete {@code "key":value}). */
    private static String image(String... fields) {
        StringBuilder sb = new StringBuilder("{\"schemaVersion\":2,\"config\":").append(config());
        for (String field : fields) {
            sb.append(',').append(field);
        }
        return sb.append('}').toString();
    }

    private static String mediaType(String type) {
        return "\"mediaType\":\"" + type + "\"";
    }

    private static void assertInvalid(String json, String contentType) {
        assertInvalid(bytes(json), contentType);
    }

    private static void assertInvalid(byte[] body, String contentType) {
        RegistryException e = assertThrows(RegistryException.class, () -> Manifest.parse(body, contentType));
        assertEquals(ErrorCode.MANIFEST_INVALID, e.code());
        assertEquals(400, e.status());
    }

    private static String nestedArray(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    // --- schemaVersion ---

    @Test
    void acceptsSchemaVersion2() {
        Manifest m = Manifest.parse(bytes(image(mediaType(MediaTypes.OCI_MANIFEST))), null);
        assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
    }

    @Test
    void rejectsMissingSchemaVersion() {
        assertInvalid("{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":" + config() + "}", null);
    }

    @Test
    void rejectsSchemaVersion1() {
        assertInvalid(image().replace("\"schemaVersion\":2", "\"schemaVersion\":1"), null);
    }

    @Test
    void rejectsSchemaVersionAsString() {
        assertInvalid(image().replace("\"schemaVersion\":2", "\"schemaVersion\":\"2\""), null);
    }

    @Test
    void rejectsSchemaVersionAsFloat() {
        assertInvalid(image().replace("\"schemaVersion\":2", "\"schemaVersion\":2.0"), null);
    }

    // --- JSON shape ---

    @Test
    void rejectsInvalidJson() {
        assertInvalid("{\"schemaVersion\":2,", null);
        assertInvalid("not json", null);
    }

    @Test
    void rejectsEmptyBody() {
        assertInvalid(new byte[0], MediaTypes.OCI_MANIFEST);
    }

    @Test
    void rejectsNonObjectJson() {
        assertInvalid("[]", null);
        assertInvalid("2", null);
        assertInvalid("\"manifest\"", null);
        assertInvalid("null", null);
    }

    @Test
    void rejectsDuplicateTopLevelKeys() {
        assertInvalid("{\"schemaVersion\":2,\"schemaVersion\":2,\"config\":" + config() + "}", null);
    }

    @Test
    void rejectsDuplicateKeysInsideDescriptor() {
        String config = "{\"mediaType\":\"" + CONFIG_TYPE + "\",\"digest\":\"" + CONFIG_DIGEST
                + "\",\"digest\":\"" + LAYER_DIGEST + "\",\"size\":1}";
        assertInvalid("{\"schemaVersion\":2,\"config\":" + config + "}", null);
    }

    @Test
    void acceptsNestingUpToTheLimit() {
        // the root object is one level, so 63 nested arrays inside it make 64 levels
        Manifest m = Manifest.parse(bytes(image("\"annotations_extra\":" + nestedArray(63))), null);
        assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
    }

    @Test
    void rejectsNestingDeeperThan64() {
        assertInvalid(image("\"annotations_extra\":" + nestedArray(64)), null);
        assertInvalid(image("\"annotations_extra\":" + nestedArray(1000)), null);
    }

    // --- media type selection ---

    @Test
    void bodyMediaTypeWinsWhenContentTypeAbsent() {
        Manifest m = Manifest.parse(bytes(image(mediaType(MediaTypes.DOCKER_MANIFEST))), null);
        assertEquals(MediaTypes.DOCKER_MANIFEST, m.mediaType());
    }

    @Test
    void bodyMediaTypeMatchingContentTypeIsAccepted() {
        Manifest m = Manifest.parse(bytes(image(mediaType(MediaTypes.OCI_MANIFEST))), MediaTypes.OCI_MANIFEST);
        assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
    }

    @Test
    void contentTypeParametersAreIgnoredWhenComparing() {
        Manifest m = Manifest.parse(bytes(image(mediaType(MediaTypes.OCI_MANIFEST))),
                MediaTypes.OCI_MANIFEST + "; charset=utf-8");
        assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
    }

    @Test
    void rejectsBodyMediaTypeThatDiffersFromManifestContentType() {
        assertInvalid(image(mediaType(MediaTypes.OCI_MANIFEST)), MediaTypes.DOCKER_MANIFEST);
        assertInvalid(image(mediaType(MediaTypes.OCI_MANIFEST)), MediaTypes.OCI_INDEX + "; charset=utf-8");
    }

    @Test
    void bodyMediaTypeWinsOverNonManifestContentType() {
        Manifest m = Manifest.parse(bytes(image(mediaType(MediaTypes.OCI_MANIFEST))), "application/json");
        assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
    }

    @Test
    void contentTypeIsUsedWhenBodyHasNoMediaType() {
        Manifest m = Manifest.parse(bytes(image()), MediaTypes.DOCKER_MANIFEST);
        assertEquals(MediaTypes.DOCKER_MANIFEST, m.mediaType());
    }

    @Test
    void contentTypeParametersAreStrippedWhenUsedAsMediaType() {
        Manifest m = Manifest.parse(bytes(image()), " " + MediaTypes.OCI_MANIFEST + " ; charset=utf-8");
        assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
    }

    @Test
    void unknownContentTypeIsKeptAsPushedWhenBodyHasNoMediaType() {
        Manifest m = Manifest.parse(bytes("{\"schemaVersion\":2}"), "application/vnd.example.thing+json");
        assertEquals("application/vnd.example.thing+json", m.mediaType());
        assertTrue(m.requiredContent().isEmpty());
    }

    @Test
    void infersImageManifestWhenNoMediaTypeAnywhere() {
        Manifest m = Manifest.parse(bytes(image()), null);
        assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
    }

    @Test
    void infersIndexWhenManifestsFieldPresent() {
        String json = "{\"schemaVersion\":2,\"manifests\":[" + descriptor(MediaTypes.OCI_MANIFEST, CHILD_A, 5) + "]}";
        Manifest m = Manifest.parse(bytes(json), null);
        assertEquals(MediaTypes.OCI_INDEX, m.mediaType());
        assertEquals(1, m.manifests().size());
    }

    @Test
    void infersIndexFromEmptyManifestsArray() {
        Manifest m = Manifest.parse(bytes("{\"schemaVersion\":2,\"manifests\":[]}"), "");
        assertEquals(MediaTypes.OCI_INDEX, m.mediaType());
        assertTrue(m.manifests().isEmpty());
    }

    @Test
    void rejectsNonStringMediaType() {
        assertInvalid(image("\"mediaType\":5"), null);
    }

    // --- structural requirements ---

    @Test
    void rejectsIndexWithoutManifestsArray() {
        assertInvalid("{\"schemaVersion\":2," + mediaType(MediaTypes.OCI_INDEX) + "}", null);
        assertInvalid("{\"schemaVersion\":2}", MediaTypes.DOCKER_MANIFEST_LIST);
    }

    @Test
    void rejectsImageManifestWithoutConfig() {
        assertInvalid("{\"schemaVersion\":2," + mediaType(MediaTypes.OCI_MANIFEST) + ",\"layers\":[]}", null);
        assertInvalid("{\"schemaVersion\":2}", MediaTypes.DOCKER_MANIFEST);
        assertInvalid("{\"schemaVersion\":2}", null);
    }

    @Test
    void rejectsLayersThatAreNotAnArray() {
        assertInvalid(image("\"layers\":{}"), null);
    }

    @Test
    void rejectsManifestsThatAreNotAnArray() {
        assertInvalid("{\"schemaVersion\":2,\"manifests\":\"x\"}", MediaTypes.OCI_INDEX);
    }

    @Test
    void rejectsDescriptorThatIsNotAnObject() {
        assertInvalid(image("\"layers\":[\"" + LAYER_DIGEST + "\"]"), null);
        assertInvalid("{\"schemaVersion\":2,\"config\":\"" + CONFIG_DIGEST + "\"}", null);
    }

    @Test
    void rejectsDescriptorMissingDigestMediaTypeOrSize() {
        assertInvalid(image("\"layers\":[{\"mediaType\":\"" + LAYER_TYPE + "\",\"size\":1}]"), null);
        assertInvalid(image("\"layers\":[{\"digest\":\"" + LAYER_DIGEST + "\",\"size\":1}]"), null);
        assertInvalid(image("\"layers\":[{\"mediaType\":\"" + LAYER_TYPE + "\",\"digest\":\"" + LAYER_DIGEST
                + "\"}]"), null);
    }

    @Test
    void rejectsDescriptorWithNegativeSize() {
        assertInvalid(image("\"layers\":[" + descriptor(LAYER_TYPE, LAYER_DIGEST, -1) + "]"), null);
    }

    @Test
    void rejectsDescriptorWithNonNumericSize() {
        assertInvalid(image("\"layers\":[{\"mediaType\":\"" + LAYER_TYPE + "\",\"digest\":\"" + LAYER_DIGEST
                + "\",\"size\":\"ten\"}]"), null);
    }

    @Test
    void rejectsDescriptorWithMalformedDigestAsManifestInvalid() {
        assertInvalid(image("\"layers\":[" + descriptor(LAYER_TYPE, "sha256:abc", 1) + "]"), null);
        assertInvalid(image("\"layers\":[" + descriptor(LAYER_TYPE, "md5:d41d8cd98f00b204e9800998ecf8427e", 1)
                + "]"), null);
    }

    // --- descriptors and required content ---

    @Test
    void parsesConfigAndLayers() {
        Manifest m = Manifest.parse(bytes(image("\"layers\":[" + descriptor(LAYER_TYPE, LAYER_DIGEST, 1234) + "]")),
                null);
        assertEquals(new Descriptor(CONFIG_TYPE, Digest.parse(CONFIG_DIGEST), 10, List.of()), m.config());
        assertEquals(1, m.layers().size());
        Descriptor layer = m.layers().get(0);
        assertEquals(LAYER_TYPE, layer.mediaType());
        assertEquals(Digest.parse(LAYER_DIGEST), layer.digest());
        assertEquals(1234, layer.size());
        assertFalse(layer.external());
        assertTrue(m.manifests().isEmpty());
        assertNull(m.subject());
        assertNull(m.artifactType());
    }

    @Test
    void acceptsZeroSizeDescriptor() {
        Manifest m = Manifest.parse(bytes(image("\"layers\":[" + descriptor(LAYER_TYPE, LAYER_DIGEST, 0) + "]")),
                null);
        assertEquals(0, m.layers().get(0).size());
    }

    @Test
    void requiredContentContainsConfigThenLayersWithoutUrls() {
        String layers = "\"layers\":[" + descriptor(LAYER_TYPE, LAYER_DIGEST, 1) + "]";
        Manifest m = Manifest.parse(bytes(image(mediaType(MediaTypes.OCI_MANIFEST), layers)), null);
        List<Digest> required = m.requiredContent().stream().map(Descriptor::digest).toList();
        assertEquals(List.of(Digest.parse(CONFIG_DIGEST), Digest.parse(LAYER_DIGEST)), required);
    }

    @Test
    void requiredContentExcludesLayersWithUrls() {
        String foreign = "{\"mediaType\":\"" + FOREIGN_TYPE + "\",\"digest\":\"" + FOREIGN_DIGEST
                + "\",\"size\":99,\"urls\":[\"https://example.com/layer\"]}";
        String layers = "\"layers\":[" + descriptor(LAYER_TYPE, LAYER_DIGEST, 1) + "," + foreign + "]";
        Manifest m = Manifest.parse(bytes(image(mediaType(MediaTypes.DOCKER_MANIFEST), layers)), null);

        assertEquals(2, m.layers().size());
        Descriptor external = m.layers().get(1);
        assertTrue(external.external());
        assertEquals(List.of("https://example.com/layer"), external.urls());

        List<Digest> required = m.requiredContent().stream().map(Descriptor::digest).toList();
        assertEquals(List.of(Digest.parse(CONFIG_DIGEST), Digest.parse(LAYER_DIGEST)), required);
        assertFalse(required.contains(Digest.parse(FOREIGN_DIGEST)));
    }

    @Test
    void layerWithEmptyUrlsIsRequired() {
        String layer = "{\"mediaType\":\"" + LAYER_TYPE + "\",\"digest\":\"" + LAYER_DIGEST
                + "\",\"size\":1,\"urls\":[]}";
        Manifest m = Manifest.parse(bytes(image("\"layers\":[" + layer + "]")), null);
        assertFalse(m.layers().get(0).external());
        assertEquals(2, m.requiredContent().size());
    }

    @Test
    void requiredContentOfIndexIsItsChildManifests() {
        String json = "{\"schemaVersion\":2," + mediaType(MediaTypes.OCI_INDEX) + ",\"manifests\":["
                + descriptor(MediaTypes.OCI_MANIFEST, CHILD_A, 100) + ","
                + descriptor(MediaTypes.DOCKER_MANIFEST, CHILD_B, 200) + "]}";
        Manifest m = Manifest.parse(bytes(json), MediaTypes.OCI_INDEX);
        assertEquals(MediaTypes.OCI_INDEX, m.mediaType());
        assertNull(m.config());
        assertTrue(m.layers().isEmpty());
        List<Digest> required = m.requiredContent().stream().map(Descriptor::digest).toList();
        assertEquals(List.of(Digest.parse(CHILD_A), Digest.parse(CHILD_B)), required);
    }

    @Test
    void requiredContentDoesNotIncludeSubject() {
        String subject = "\"subject\":" + descriptor(MediaTypes.OCI_MANIFEST, SUBJECT_DIGEST, 7);
        Manifest m = Manifest.parse(bytes(image(subject)), null);
        assertFalse(m.requiredContent().stream().anyMatch(d -> d.digest().equals(Digest.parse(SUBJECT_DIGEST))));
    }

    @Test
    void parsesSubjectAndArtifactType() {
        String subject = "\"subject\":" + descriptor(MediaTypes.OCI_MANIFEST, SUBJECT_DIGEST, 7);
        String artifactType = "\"artifactType\":\"application/vnd.example.sbom\"";
        String emptyConfig = "\"config\":" + descriptor(MediaTypes.OCI_EMPTY, CONFIG_DIGEST, 2);
        String json = "{\"schemaVersion\":2," + mediaType(MediaTypes.OCI_MANIFEST) + "," + emptyConfig + ","
                + artifactType + "," + subject + ",\"layers\":[]}";
        Manifest m = Manifest.parse(bytes(json), MediaTypes.OCI_MANIFEST);
        assertEquals("application/vnd.example.sbom", m.artifactType());
        assertEquals(new Descriptor(MediaTypes.OCI_MANIFEST, Digest.parse(SUBJECT_DIGEST), 7, List.of()), m.subject());
        assertEquals(MediaTypes.OCI_EMPTY, m.config().mediaType());
    }

    @Test
    void parsesArtifactTypeOnIndex() {
        String json = "{\"schemaVersion\":2," + mediaType(MediaTypes.OCI_INDEX)
                + ",\"artifactType\":\"application/vnd.example\",\"manifests\":[],\"subject\":"
                + descriptor(MediaTypes.OCI_INDEX, SUBJECT_DIGEST, 3) + "}";
        Manifest m = Manifest.parse(bytes(json), null);
        assertEquals("application/vnd.example", m.artifactType());
        assertEquals(Digest.parse(SUBJECT_DIGEST), m.subject().digest());
    }

    @Test
    void nullArtifactTypeAndNullLayersAreTreatedAsAbsent() {
        Manifest m = Manifest.parse(bytes(image("\"artifactType\":null", "\"layers\":null")), null);
        assertNull(m.artifactType());
        assertTrue(m.layers().isEmpty());
    }

    @Test
    void rejectsNonStringArtifactType() {
        assertInvalid(image("\"artifactType\":1"), null);
    }

    @Test
    void rejectsSubjectThatIsNotADescriptor() {
        assertInvalid(image("\"subject\":\"" + SUBJECT_DIGEST + "\""), null);
        assertInvalid(image("\"subject\":{\"digest\":\"" + SUBJECT_DIGEST + "\"}"), null);
    }

    @Test
    void descriptorListsAreImmutable() {
        Manifest m = Manifest.parse(bytes(image("\"layers\":[" + descriptor(LAYER_TYPE, LAYER_DIGEST, 1) + "]")),
                null);
        assertThrows(UnsupportedOperationException.class, () -> m.layers().clear());
    }

    @Test
    void rejectsContentAfterTheJsonDocument() {
        assertInvalid(image() + " garbage", null);
        assertInvalid(image() + "{}", null);
    }
}
