package io.containerdregistry.testing;

import io.containerdregistry.oci.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a real OCI image layout for client tests: a two-platform index (linux/amd64 and linux/arm64), each image
 * with several gzip layers that are genuine tar archives and a config whose diff_ids match, so containerd can unpack
 * what it pulls.
 */
public final class OciLayout {
    public static final String INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    private final Path dir;
    private final List<String> blobs = new ArrayList<>();
    private String indexDigest;

    private OciLayout(Path dir) {
        this.dir = dir;
    }

    /** Builds the layout in {@code dir} with the index tagged {@code tag}. */
    public static OciLayout build(Path dir, String tag, String seed, int layersPerImage) {
        OciLayout layout = new OciLayout(dir);
        try {
            Files.createDirectories(dir.resolve("blobs/sha256"));
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
            StringBuilder children = new StringBuilder();
            for (String arch : new String[] {"amd64", "arm64"}) {
                String manifest = layout.image(arch, seed, layersPerImage);
                String digest = layout.blob(manifest.getBytes(StandardCharsets.UTF_8));
                String described = descriptor(MANIFEST, digest, manifest.length());
                children.append(children.length() == 0 ? "" : ",")
                        .append(described, 0, described.length() - 1)
                        .append(",\"platform\":{\"architecture\":\"").append(arch).append("\",\"os\":\"linux\"}}");
            }
            String index = "{\"schemaVersion\":2,\"mediaType\":\"" + INDEX + "\",\"manifests\":[" + children + "]}";
            layout.indexDigest = layout.blob(index.getBytes(StandardCharsets.UTF_8));
            Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + INDEX
                    + "\",\"digest\":\"" + layout.indexDigest + "\",\"size\":" + index.length()
                    + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag + "\"}}]}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return layout;
    }

    public String indexDigest() {
        return indexDigest;
    }

    /** Every blob digest written (layers, configs, manifests, the index). */
    public List<String> blobs() {
        return List.copyOf(blobs);
    }

    public Path dir() {
        return dir;
    }

    private String image(String arch, String seed, int layers) throws IOException {
        StringBuilder layerDescriptors = new StringBuilder();
        StringBuilder diffIds = new StringBuilder();
        for (int i = 0; i < layers; i++) {
            byte[] file = (seed + "/" + arch + "/layer-" + i + "\n").repeat(200 + i * 50).getBytes(StandardCharsets.UTF_8);
            byte[] tar = tar("file-" + i + ".txt", file);
            byte[] gzip = gzip(tar);
            String digest = blob(gzip);
            layerDescriptors.append(i == 0 ? "" : ",")
                    .append(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", digest, gzip.length));
            diffIds.append(i == 0 ? "" : ",").append('"').append(Digest.sha256Of(tar)).append('"');
        }
        String config = "{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[" + diffIds + "]}}";
        String configDigest = blob(config.getBytes(StandardCharsets.UTF_8));
        return "{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"config\":"
                + descriptor("application/vnd.oci.image.config.v1+json", configDigest, config.length())
                + ",\"layers\":[" + layerDescriptors + "]}";
    }

    private static String descriptor(String mediaType, String digest, long size) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }

    private String blob(byte[] content) throws IOException {
        Digest digest = Digest.sha256Of(content);
        Files.write(dir.resolve("blobs/sha256").resolve(digest.encoded()), content);
        blobs.add(digest.toString());
        return digest.toString();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    /** A ustar archive holding one regular file. */
    static byte[] tar(String name, byte[] content) {
        byte[] header = new byte[512];
        put(header, 0, name);
        put(header, 100, "0000644");
        put(header, 108, "0000000");
        put(header, 116, "0000000");
        put(header, 124, String.format("%011o", content.length));
        put(header, 136, String.format("%011o", 0));
        header[156] = '0';
        put(header, 257, "ustar");
        put(header, 263, "00");
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, String.format("%06o", sum));
        header[154] = 0;
        header[155] = ' ';
        int padded = (content.length + 511) / 512 * 512;
        byte[] tar = new byte[512 + padded + 1024];
        System.arraycopy(header, 0, tar, 0, 512);
        System.arraycopy(content, 0, tar, 512, content.length);
        return tar;
    }

    private static void put(byte[] target, int at, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, target, at, bytes.length);
    }
}
