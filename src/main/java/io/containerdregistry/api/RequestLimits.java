package io.containerdregistry.api;

import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;

/**
 * Oversized request lines (414) and header blocks (431), and bodies framed with a {@code Transfer-Encoding} other
 * than {@code chunked} (400), answered with an OCI error body on every path. The HTTP
 * layer refuses such requests itself only above its own, higher limits, and then without a body: Vert.x answers those
 * from its decoder before any route runs, and Quarkus offers no hook there.
 */
@ApplicationScoped
class RequestLimits {
    static final int ORDER = StallGuard.ORDER + 1;
    private static final int VERSION_LENGTH = " HTTP/1.1".length();

    private final long maxHeaderBytes;
    private final int maxRequestLine;

    RequestLimits(RegistryConfig config) {
        this.maxHeaderBytes = config.limits().maxHeaderSize().asLongValue();
        this.maxRequestLine = config.limits().maxRequestLine();
    }

    void init(@Observes Router router) {
        router.route().order(ORDER).handler(this::check);
    }

    private void check(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        String transferEncoding = request.getHeader("Transfer-Encoding");
        if (transferEncoding != null && !transferEncoding.trim().equalsIgnoreCase("chunked")) {
            // a body framed in a way this registry does not decode: reading on would take its bytes for a request
            rc.response().putHeader("Connection", "close");
            ErrorResponses.answer(rc, new RegistryException(ErrorCode.UNSUPPORTED, 400,
                    "Transfer-Encoding " + io.containerdregistry.oci.Strings.printable(transferEncoding)
                            + " is not supported: send the body chunked or with a Content-Length", null));
            return;
        }
        long line = request.method().name().length() + 1L + request.uri().length() + VERSION_LENGTH;
        if (line > maxRequestLine) {
            ErrorResponses.answer(rc, new RegistryException(ErrorCode.UNSUPPORTED, 414,
                    "request line is longer than " + maxRequestLine + " bytes", null));
            return;
        }
        long headers = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            headers += header.getKey().length() + 2L + header.getValue().length();
        }
        if (headers > maxHeaderBytes) {
            ErrorResponses.answer(rc, new RegistryException(ErrorCode.UNSUPPORTED, 431,
                    "request headers are larger than " + maxHeaderBytes + " bytes", null));
            return;
        }
        rc.next();
    }
}
