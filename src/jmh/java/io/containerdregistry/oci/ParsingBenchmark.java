package io.containerdregistry.oci;

import java.nio.charset.StandardCharsets;
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
 * What every request parses: a digest, a repository name, a reference, a Range header, and on a manifest push the
 * manifest itself (a typical five-layer image manifest).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ParsingBenchmark {
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);
    private static final String NAME = "library/some-team/service-api";
    private final byte[] manifest = manifest();

    private static byte[] manifest() {
        StringBuilder layers = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            layers.append(i == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",")
                    .append("\"digest\":\"sha256:").append(Integer.toHexString(i).repeat(64)).append("\",\"size\":")
                    .append(1000 + i).append('}');
        }
        return ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + DIGEST
                + "\",\"size\":1234},\"layers\":[" + layers + "],\"annotations\":{\"org.opencontainers.image.created\":"
                + "\"2026-01-01T00:00:00Z\"}}").getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public Digest digest() {
        return Digest.parse(DIGEST);
    }

    @Benchmark
    public Repository repository() {
        return new Repository(NAME);
    }

    @Benchmark
    public Reference tagReference() {
        return Reference.parse("v1.2.3-alpine");
    }

    @Benchmark
    public Reference digestReference() {
        return Reference.parse(DIGEST);
    }

    @Benchmark
    public ByteRange range() {
        return ByteRange.resolve("bytes=1048576-2097151", 10_000_000L);
    }

    @Benchmark
    public Manifest imageManifest() {
        return Manifest.parse(manifest, "application/vnd.oci.image.manifest.v1+json");
    }
}
