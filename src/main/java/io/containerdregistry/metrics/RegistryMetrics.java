package io.containerdregistry.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every meter the registry publishes at {@code /q/metrics}: the one place that names them. Callers pass plain
 * values (endpoint family, method, status, sizes); the README's metrics table documents each name and tag.
 */
@Singleton
public class RegistryMetrics implements RpcRecorder {
    /** Requests by endpoint family, method and status; a timer, so it also carries their durations. */
    public static final String REQUESTS = "registry.http.requests";
    /** Response body bytes written to clients, by endpoint family. */
    public static final String SENT = "registry.http.sent";
    /** Request body bytes read from clients, by endpoint family. */
    public static final String RECEIVED = "registry.http.received";
    /** Duration of upload requests that carry blob bytes (PATCH, PUT, monolithic POST). */
    public static final String UPLOAD_DURATION = "registry.upload.duration";
    /** Upload requests whose body is being received right now. */
    public static final String UPLOADS_IN_FLIGHT = "registry.uploads.in.flight";
    /** Blobs and manifests served with a body, by where the content came from. */
    public static final String SERVED = "registry.served";
    /** containerd gRPC calls by method and status code; a timer, so it also carries their latency. */
    public static final String RPC = "registry.containerd.rpc";
    /** containerd gRPC calls that ended with a status other than {@code OK}. */
    public static final String RPC_ERRORS = "registry.containerd.rpc.errors";

    /** The {@code source} of content read from this node's containerd. */
    public static final String LOCAL = "local";

    private final Meter.MeterProvider<Timer> requests;
    private final Meter.MeterProvider<Counter> sent;
    private final Meter.MeterProvider<Counter> received;
    private final Meter.MeterProvider<Timer> uploads;
    private final Meter.MeterProvider<Counter> served;
    private final Meter.MeterProvider<Timer> rpcs;
    private final Meter.MeterProvider<Counter> rpcErrors;
    private final AtomicInteger uploadsInFlight = new AtomicInteger();
    private final MeterRegistry registry;
    private final Gauge uploadsInFlightGauge;

    public RegistryMetrics(MeterRegistry registry) {
        requests = Timer.builder(REQUESTS).description("HTTP requests by endpoint family, method and status")
                .withRegistry(registry);
        sent = Counter.builder(SENT).baseUnit("bytes").description("Response body bytes written to clients")
                .withRegistry(registry);
        received = Counter.builder(RECEIVED).baseUnit("bytes").description("Request body bytes read from clients")
                .withRegistry(registry);
        uploads = Timer.builder(UPLOAD_DURATION).description("Upload requests carrying blob bytes")
                .withRegistry(registry);
        served = Counter.builder(SERVED).description("Blobs and manifests served, by source")
                .withRegistry(registry);
        rpcs = Timer.builder(RPC).description("containerd gRPC calls by method and status code")
                .withRegistry(registry);
        rpcErrors = Counter.builder(RPC_ERRORS).description("containerd gRPC calls that did not end OK")
                .withRegistry(registry);
        this.registry = registry;
        this.uploadsInFlightGauge = Gauge.builder(UPLOADS_IN_FLIGHT, uploadsInFlight, AtomicInteger::get)
                .description("Upload requests receiving blob bytes now").register(registry);
    }

    /** The gauge reads this bean's counter: it goes with the bean, so a registry that outlives it never reads a dead one. */
    @PreDestroy
    void close() {
        registry.remove(uploadsInFlightGauge);
    }

    /** One HTTP request ended, with the body bytes it moved each way. */
    public void request(String family, String method, int status, long nanos, long bytesReceived, long bytesSent) {
        requests.withTags("family", family, "method", method, "status", Integer.toString(status))
                .record(nanos, TimeUnit.NANOSECONDS);
        if (bytesReceived > 0) {
            received.withTags("family", family).increment(bytesReceived);
        }
        if (bytesSent > 0) {
            sent.withTags("family", family).increment(bytesSent);
        }
    }

    /** An upload request carrying blob bytes started receiving its body. */
    public void uploadStarted() {
        uploadsInFlight.incrementAndGet();
    }

    /** An upload request carrying blob bytes ended. */
    public void uploadEnded(String method, int status, long nanos) {
        uploadsInFlight.decrementAndGet();
        uploads.withTags("method", method, "status", Integer.toString(status)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A blob or manifest body was served; {@code kind} is {@code blob} or {@code manifest}. */
    public void served(String kind, String source) {
        served.withTags("kind", kind, "source", source).increment();
    }

    @Override
    public void rpc(String method, String code, long nanos) {
        rpcs.withTags("method", method, "code", code).record(nanos, TimeUnit.NANOSECONDS);
        if (!"OK".equals(code)) {
            rpcErrors.withTags("method", method, "code", code).increment();
        }
    }
}
