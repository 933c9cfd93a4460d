package io.containerdregistry.api;

import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every request pays before its handler runs, besides the router: classifying the path for metrics and logs,
 * and working out the accesses it needs for authorization. Paths are those of the benchmark's hot requests.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingBenchmark {
    private static final String MANIFEST = "/v2/library/some-team/service-api/manifests/v1.2.3";
    private static final String BLOB = "/v2/library/some-team/service-api/blobs/sha256:" + "0123456789abcdef".repeat(4);
    private static final String UPLOAD = "/v2/library/some-team/service-api/blobs/uploads/"
            + "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

    @Benchmark
    public EndpointFamily familyOfManifest() {
        return EndpointFamily.of(MANIFEST);
    }

    @Benchmark
    public EndpointFamily familyOfBlob() {
        return EndpointFamily.of(BLOB);
    }

    @Benchmark
    public List<?> accessForManifestHead() {
        return RequestTarget.required(HttpMethod.HEAD, MANIFEST, name -> null);
    }

    @Benchmark
    public List<?> accessForUploadPatch() {
        return RequestTarget.required(HttpMethod.PATCH, UPLOAD, name -> null);
    }
}
