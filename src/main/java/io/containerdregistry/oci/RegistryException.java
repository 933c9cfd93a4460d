package io.containerdregistry.oci;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failure that the registry answers with an OCI error body. The HTTP status is the code's own unless a
 * more specific one is given (416 for an upload range mismatch, 413 for an oversized manifest).
 */
public final class RegistryException extends RuntimeException {
    private final ErrorCode code;
    private final int status;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public RegistryException(ErrorCode code, String detail) {
        this(code, code.status(), detail, null);
    }

    public RegistryException(ErrorCode code, int status, String detail, Throwable cause) {
        super(detail, cause, false, false);
        this.code = code;
        this.status = status;
    }

    public ErrorCode code() {
        return code;
    }

    public int status() {
        return status;
    }

    public String detail() {
        return getMessage();
    }

    /** Extra response headers (for example {@code Range} on a 416). */
    public Map<String, String> headers() {
        return headers;
    }

    public RegistryException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public RegistryException withStatus(int newStatus) {
        RegistryException copy = new RegistryException(code, newStatus, getMessage(), getCause());
        copy.headers.putAll(headers);
        return copy;
    }
}
