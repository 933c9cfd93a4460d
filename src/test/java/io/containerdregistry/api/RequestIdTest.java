package io.containerdregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RequestIdTest {

    @Test
    void saneIncomingIdIsKept() {
        assertEquals("abc-123_x.y:z", RequestId.of("abc-123_x.y:z"));
        assertEquals("0b9f4f6e-3c1d-4a49-9d7e-7f1f1c0de0aa", RequestId.of("0b9f4f6e-3c1d-4a49-9d7e-7f1f1c0de0aa"));
    }

    @Test
    void missingIdIsGeneratedAs32HexDigits() {
        String id = RequestId.of(null);
        assertTrue(id.matches("[0-9a-f]{32}"), id);
        assertNotEquals(id, RequestId.of(null));
    }

    @Test
    void idThatCouldForgeLogLinesIsReplaced() {
        assertTrue(RequestId.of("a b").matches("[0-9a-f]{32}"));
        assertTrue(RequestId.of("x\nFAKE LOG LINE").matches("[0-9a-f]{32}"));
        assertTrue(RequestId.of("\"quoted\"").matches("[0-9a-f]{32}"));
        assertTrue(RequestId.of("").matches("[0-9a-f]{32}"));
    }

    @Test
    void overlongIdIsReplaced() {
        assertEquals("a".repeat(128), RequestId.of("a".repeat(128)));
        assertTrue(RequestId.of("a".repeat(129)).matches("[0-9a-f]{32}"));
    }
}
