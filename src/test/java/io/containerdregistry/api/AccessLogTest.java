package io.containerdregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

class AccessLogTest {

    private static AccessLog.Line line(int status, String aborted, String error) {
        return new AccessLog.Line("req-1", "GET", "/v2/team/app/manifests/v1", EndpointFamily.MANIFEST, status, 12,
                512, 0, "127.0.0.1", aborted, error);
    }

    @Test
    void successAndRedirectAreInfoClientErrorsWarnServerErrorsError() {
        assertEquals(Logger.Level.INFO, line(200, null, null).level());
        assertEquals(Logger.Level.INFO, line(307, null, null).level());
        assertEquals(Logger.Level.WARN, line(404, null, null).level());
        assertEquals(Logger.Level.WARN, line(499, "connection closed", null).level());
        assertEquals(Logger.Level.ERROR, line(500, null, "boom").level());
        assertEquals(Logger.Level.ERROR, line(503, null, "containerd unavailable").level());
    }

    @Test
    void transferCutShortIsAWarningEvenWith200() {
        assertEquals(Logger.Level.WARN, line(200, "write timeout", null).level());
    }

    @Test
    void fieldsCarryEveryDocumentedKeyInOrder() {
        Map<String, String> fields = line(200, null, null).fields();
        assertEquals(List.of("request_id", "method", "path", "endpoint", "status", "duration_ms", "bytes",
                "bytes_received", "remote"), List.copyOf(fields.keySet()));
        assertEquals("200", fields.get("status"));
        assertEquals("512", fields.get("bytes"));
        assertEquals("manifest", fields.get("endpoint"));
    }

    @Test
    void abortReasonAndErrorAreAddedOnlyWhenPresent() {
        Map<String, String> fields = line(503, "read timeout", "containerd unavailable").fields();
        assertEquals("read timeout", fields.get("aborted"));
        assertEquals("containerd unavailable", fields.get("error"));
        assertFalse(line(200, null, null).fields().containsKey("error"));
    }

    @Test
    void humanMessageStartsWithRequestLineStatusAndDuration() {
        assertEquals("GET /v2/team/app/manifests/v1 200 12ms request_id=req-1 endpoint=manifest bytes=512"
                + " bytes_received=0 remote=127.0.0.1", line(200, null, null).message());
    }
}
