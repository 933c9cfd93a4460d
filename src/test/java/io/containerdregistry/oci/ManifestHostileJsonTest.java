package io.containerdregistry.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** JSON that could cost the registry memory or fool its reading is refused as {@code MANIFEST_INVALID}. */
class ManifestHostileJsonTest {
    private static final String CONFIG = "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
            + "a".repeat(64) + "\",\"size\":2}";

    private static void assertInvalid(byte[] bytes) {
        RegistryException e = assertThrows(RegistryException.class, () -> Manifest.parse(bytes, null));
        assertEquals(ErrorCode.MANIFEST_INVALID, e.code());
    }

    private static byte[] withAnnotationBytes(byte... raw) {
        byte[] head = "{\"schemaVersion\":2,\"config\":".concat(CONFIG).concat(",\"annotations\":{\"a\":\"")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"}}".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + raw.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(raw, 0, all, head.length, raw.length);
        System.arraycopy(tail, 0, all, head.length + raw.length, tail.length);
        return all;
    }

    @Test
    void validUtf8IsAccepted() {
        Manifest manifest = Manifest.parse(withAnnotationBytes("é€😀".getBytes(StandardCharsets.UTF_8)), null);
        assertEquals("é€😀", manifest.annotations().get("a"));
    }

    @Test
    void invalidUtf8IsRefused() {
        assertInvalid(withAnnotationBytes((byte) 0xff));
        assertInvalid(withAnnotationBytes((byte) 0xc0, (byte) 0xaf));
        assertInvalid(withAnnotationBytes((byte) 0xed, (byte) 0xa0, (byte) 0x80));
        assertInvalid(withAnnotationBytes((byte) 0xe2, (byte) 0x82));
        assertInvalid(withAnnotationBytes((byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80));
    }

    @Test
    void duplicateKeysAreRefused() {
        assertInvalid(("{\"schemaVersion\":2,\"config\":" + CONFIG + ",\"config\":" + CONFIG + "}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void deepNestingIsRefused() {
        assertInvalid(("{\"schemaVersion\":2,\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void millionsOfTinyTokensAreRefusedBeforeTheyAreAllRead() {
        assertInvalid(("{\"schemaVersion\":2,\"x\":[" + "0,".repeat(1_000_000) + "0]}").getBytes(StandardCharsets.UTF_8));
    }
}
