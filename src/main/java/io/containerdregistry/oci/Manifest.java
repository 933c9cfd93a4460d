package io.containerdregistry.oci;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the registry needs to know of a pushed manifest: its media type and the descriptors it references.
 * The bytes themselves are never re-serialised; this is only a reading of them.
 */
public record Manifest(
        String mediaType, Descriptor config, List<Descriptor> layers, List<Descriptor> manifests, Descriptor subject,
        String artifactType, Map<String, String> annotations) {

    /** JSON tokens a manifest may have: thousands of descriptors, never millions of tiny values. */
    static final long MAX_TOKENS = 500_000;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxTokenCount(MAX_TOKENS).build());
    }

    /** Descriptors a pushed manifest may name at most (config, layers and child manifests together). */
    public static final int MAX_PUSHED_DESCRIPTORS = 4096;

    /**
     * Parses the bytes of a manifest a client pushes: {@link #parse}, and the rules of what a push may store. It may
     * name at most {@value #MAX_PUSHED_DESCRIPTORS} descriptors (each is looked up in the store: a push costs no more
     * than that). A document without its own {@code mediaType} field is an OCI one (Docker's schema 2 requires the
     * field), and its {@code Content-Type}, when given, must be the OCI type its shape says (an index for a document
     * with {@code manifests}, else an image manifest): the stored content is shared by every repository that pushes
     * the same bytes, so its type must follow from the bytes, never from one pusher's header.
     */
    public static Manifest parsePushed(byte[] bytes, String contentType) {
        return parse(bytes, contentType, true);
    }

    /**
     * Parses manifest bytes. The media type is the document's {@code mediaType} field; when absent it is the
     * request's {@code Content-Type}; when that is absent too it is inferred from the document's shape.
     */
    public static Manifest parse(byte[] bytes, String contentType) {
        return parse(bytes, contentType, false);
    }

    private static Manifest parse(byte[] bytes, String contentType, boolean pushed) {
        requireUtf8(bytes);
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ErrorCode.MANIFEST_INVALID.exception("manifest is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ErrorCode.MANIFEST_INVALID.exception("manifest is not readable: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw ErrorCode.MANIFEST_INVALID.exception("manifest must be a JSON object");
        }
        JsonNode schemaVersion = root.get("schemaVersion");
        if (schemaVersion == null || !schemaVersion.isInt() || schemaVersion.intValue() != 2) {
            throw ErrorCode.MANIFEST_INVALID.exception("schemaVersion must be 2");
        }
        String declared = text(root, "mediaType");
        String header = MediaTypes.base(contentType);
        if (declared != null && header != null && MediaTypes.isManifest(header) && !declared.equals(header)) {
            throw ErrorCode.MANIFEST_INVALID.exception(
                    "mediaType " + declared + " does not match Content-Type " + header);
        }
        String mediaType = declared != null ? declared : header != null ? header : inferred(root);
        List<Descriptor> manifests = descriptors(root, "manifests");
        List<Descriptor> layers = descriptors(root, "layers");
        Descriptor config = root.has("config") ? descriptor(root.get("config"), "config") : null;
        if (MediaTypes.isIndex(mediaType) && !root.has("manifests")) {
            throw ErrorCode.MANIFEST_INVALID.exception("an index needs a manifests array");
        }
        if (!MediaTypes.isIndex(mediaType) && MediaTypes.isManifest(mediaType) && config == null) {
            throw ErrorCode.MANIFEST_INVALID.exception("an image manifest needs a config descriptor");
        }
        Descriptor subject = root.has("subject") ? descriptor(root.get("subject"), "subject") : null;
        String artifactType = text(root, "artifactType");
        // these become containerd labels and response headers: they must be media types, not arbitrary text
        requireMediaType(mediaType, declared != null ? "mediaType" : "Content-Type");
        if (artifactType != null) {
            requireMediaType(artifactType, "artifactType");
        } else if (config != null) {
            requireMediaType(config.mediaType(), "config mediaType");
        }
        if (pushed) {
            int descriptors = (config == null ? 0 : 1) + layers.size() + manifests.size();
            if (descriptors > MAX_PUSHED_DESCRIPTORS) {
                throw ErrorCode.MANIFEST_INVALID.exception("a manifest may name at most " + MAX_PUSHED_DESCRIPTORS
                        + " descriptors, this one names " + descriptors);
            }
            // without a mediaType field only an OCI document (Docker's schema 2 requires the field), whose type
            // follows from its shape
            String fitting = root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
            if (declared == null && header != null && !header.equals(fitting)) {
                throw ErrorCode.MANIFEST_INVALID.exception("the manifest has no mediaType field, so its Content-Type "
                        + "must be " + fitting + ", not " + Strings.printable(header));
            }
        }
        return new Manifest(mediaType, config, layers, manifests, subject, artifactType, annotations(root));
    }

    private static void requireMediaType(String value, String what) {
        if (!MediaTypes.isValid(value)) {
            throw ErrorCode.MANIFEST_INVALID.exception(what + " is not a media type: " + Strings.printable(value));
        }
    }

    /** JSON is UTF-8: malformed sequences, overlong forms and lone surrogates are refused before parsing. */
    private static void requireUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw ErrorCode.MANIFEST_INVALID.exception("manifest is not valid UTF-8");
        }
    }

    /** Every descriptor the manifest requires to be stored: config, layers without {@code urls}, child manifests. */
    public List<Descriptor> requiredContent() {
        List<Descriptor> all = new ArrayList<>();
        if (config != null) {
            all.add(config);
        }
        layers.stream().filter(d -> !d.external()).forEach(all::add);
        all.addAll(manifests);
        return all;
    }

    /**
     * The type the referrers API reports for this manifest: its {@code artifactType}, else its config's media type.
     */
    public String effectiveArtifactType() {
        if (artifactType != null) {
            return artifactType;
        }
        return config == null ? null : config.mediaType();
    }

    private static Map<String, String> annotations(JsonNode root) {
        JsonNode node = root.get("annotations");
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw ErrorCode.MANIFEST_INVALID.exception("annotations must be an object of strings");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (var it = node.fields(); it.hasNext(); ) {
            var field = it.next();
            if (!field.getValue().isTextual()) {
                throw ErrorCode.MANIFEST_INVALID.exception("annotation " + field.getKey() + " must be a string");
            }
            result.put(field.getKey(), field.getValue().textValue());
        }
        return result;
    }

    private static String inferred(JsonNode root) {
        return root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ErrorCode.MANIFEST_INVALID.exception(field + " must be a string");
        }
        return value.textValue();
    }

    private static List<Descriptor> descriptors(JsonNode root, String field) {
        JsonNode array = root.get(field);
        if (array == null || array.isNull()) {
            return List.of();
        }
        if (!array.isArray()) {
            throw ErrorCode.MANIFEST_INVALID.exception(field + " must be an array");
        }
        List<Descriptor> result = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            result.add(descriptor(array.get(i), field + "[" + i + "]"));
        }
        return List.copyOf(result);
    }

    private static Descriptor descriptor(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw ErrorCode.MANIFEST_INVALID.exception(where + " must be a descriptor object");
        }
        String mediaType = text(node, "mediaType");
        String digest = text(node, "digest");
        JsonNode size = node.get("size");
        if (mediaType == null || digest == null || size == null || !size.canConvertToLong() || size.longValue() < 0) {
            throw ErrorCode.MANIFEST_INVALID.exception(where + " needs mediaType, digest and a non-negative size");
        }
        Digest parsed;
        try {
            parsed = Digest.parse(digest);
        } catch (RegistryException e) {
            throw ErrorCode.MANIFEST_INVALID.exception(where + ": " + e.detail());
        }
        List<String> urls = new ArrayList<>();
        JsonNode urlNode = node.get("urls");
        if (urlNode != null && urlNode.isArray()) {
            urlNode.forEach(u -> urls.add(u.asText()));
        }
        return new Descriptor(mediaType, parsed, size.longValue(), List.copyOf(urls));
    }
}
