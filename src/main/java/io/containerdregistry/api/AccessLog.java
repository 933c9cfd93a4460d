package io.containerdregistry.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One log line per request, in category {@value #CATEGORY}: INFO for 2xx/3xx, WARN for 4xx and for transfers cut
 * short, ERROR for 5xx. The fields are also put in the MDC for the duration of the call, so the JSON console format
 * ({@code LOG_FORMAT=json}) carries them as keys of its {@code mdc} object. The path never includes the query
 * string, which may carry credentials.
 */
final class AccessLog {
    static final String CATEGORY = "io.containerdregistry.access";
    private static final Logger LOG = Logger.getLogger(CATEGORY);
    /** Fields the human message already shows at its start. */
    private static final Set<String> IN_REQUEST_LINE = Set.of("method", "path", "status", "duration_ms");

    private AccessLog() {
    }

    /** What is known about a request once it is over. {@code aborted} and {@code error} may be null. */
    record Line(String requestId, String method, String path, EndpointFamily family, int status, long durationMs,
            long bytesSent, long bytesReceived, String remote, String aborted, String error) {

        Logger.Level level() {
            if (status >= 500) {
                return Logger.Level.ERROR;
            }
            return status >= 400 || aborted != null ? Logger.Level.WARN : Logger.Level.INFO;
        }

        Map<String, String> fields() {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("request_id", requestId);
            fields.put("method", method);
            fields.put("path", path);
            fields.put("endpoint", family.tag());
            fields.put("status", Integer.toString(status));
            fields.put("duration_ms", Long.toString(durationMs));
            fields.put("bytes", Long.toString(bytesSent));
            fields.put("bytes_received", Long.toString(bytesReceived));
            fields.put("remote", remote);
            if (aborted != null) {
                fields.put("aborted", aborted);
            }
            if (error != null) {
                fields.put("error", error);
            }
            return fields;
        }

        /** The human form: {@code GET /v2/app/manifests/v1 200 3ms request_id=... endpoint=manifest bytes=512 ...}. */
        String message() {
            StringBuilder text = new StringBuilder(160).append(method).append(' ').append(path).append(' ')
                    .append(status).append(' ').append(durationMs).append("ms");
            fields().forEach((key, value) -> {
                if (!IN_REQUEST_LINE.contains(key)) {
                    text.append(' ').append(key).append('=').append(value);
                }
            });
            return text.toString();
        }
    }

    static void write(Line line) {
        Logger.Level level = line.level();
        if (!LOG.isEnabled(level)) {
            return;
        }
        Map<String, String> fields = line.fields();
        fields.forEach(MDC::put);
        try {
            LOG.log(level, line.message());
        } finally {
            fields.keySet().forEach(MDC::remove);
        }
    }
}
