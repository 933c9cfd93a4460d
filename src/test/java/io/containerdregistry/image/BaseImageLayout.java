package io.containerdregistry.image;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.Ctr;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a base image as an OCI image layout: one image per platform, each a single gzip layer of its root
 * filesystem (archived by GNU tar with fixed owners, order and times, so the same files make the same digest), a
 * config whose environment puts the runtime's {@code java} on {@code PATH}, and an index over the platforms.
 */
final class BaseImageLayout {
    static final String INDEX = "application/vnd.oci.image.index.v1+json";
    static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

    private final Path dir;

    private BaseImageLayout(Path dir) {
        this.dir = dir;
    }

    /**
     * Writes the layout into {@code dir}, its index named {@code tag}, from root filesystems by architecture
     * ({@code amd64}, {@code arm64}); returns the index digest.
     */
    static String write(Path dir, String tag, Map<String, Path> rootfsByArchitecture) throws IOException {
        BaseImageLayout layout = new BaseImageLayout(dir);
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        StringBuilder manifests = new StringBuilder();
        for (Map.Entry<String, Path> platform : rootfsByArchitecture.entrySet()) {
            String architecture = platform.getKey();
            byte[] manifest = layout.image(architecture, platform.getValue());
            manifests.append(manifests.length() == 0 ? "" : ",")
                    .append("{\"mediaType\":\"").append(MANIFEST).append("\",\"digest\":\"").append(layout.blob(manifest))
                    .append("\",\"size\":").append(manifest.length).append(",\"platform\":{\"architecture\":\"")
                    .append(architecture).append("\",\"os\":\"linux\"}}");
        }
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + INDEX + "\",\"manifests\":[" + manifests + "]}")
                .getBytes(StandardCharsets.UTF_8);
        String digest = layout.blob(index);
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[" + descriptor(INDEX, digest,
                index.length, ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag + "\"}") + "]}");
        return digest;
    }

    private byte[] image(String architecture, Path rootfs) throws IOException {
        Path tar = dir.resolve(architecture + "-layer.tar");
        Ctr.run("tar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0",
                "-C", rootfs.toString(), "-cf", tar.toString(), ".");
        byte[] uncompressed = Files.readAllBytes(tar);
        Files.delete(tar);
        byte[] layer = gzip(uncompressed);
        String config = "{\"architecture\":\"" + architecture + "\",\"os\":\"linux\",\"config\":{\"Env\":["
                + "\"PATH=" + BaseRootfs.JAVA_HOME + "/bin:/usr/bin:/bin\",\"JAVA_HOME=" + BaseRootfs.JAVA_HOME + "\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Digest.sha256Of(uncompressed) + "\"]}}";
        byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"config\":"
                + descriptor(CONFIG, blob(configBytes), configBytes.length, "")
                + ",\"layers\":[" + descriptor(LAYER, blob(layer), layer.length, "") + "]}";
        return manifest.getBytes(StandardCharsets.UTF_8);
    }

    private static String descriptor(String mediaType, String digest, long size, String more) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + more + "}";
    }

    private String blob(byte[] content) throws IOException {
        Digest digest = Digest.sha256Of(content);
        Files.write(dir.resolve("blobs/sha256").resolve(digest.encoded()), content);
        return digest.toString();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
