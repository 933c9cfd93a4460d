package io.containerdregistry.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.containerdregistry.testing.Ctr;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** One platform's image of an index, its layers unpacked in order into a directory, and what is found there. */
final class UnpackedImage {
    private final Path rootfs;
    private final JsonNode config;

    private UnpackedImage(Path rootfs, JsonNode config) {
        this.rootfs = rootfs;
        this.config = config;
    }

    static UnpackedImage unpack(PushedImage image, String architecture, Path dir) throws IOException, InterruptedException {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        int i = 0;
        for (JsonNode layer : image.manifest(architecture).path("layers")) {
            Path file = image.blob(layer.path("digest").asText(), dir.resolve("layer-" + i++ + ".tar.gz"));
            Ctr.run("tar", "-xzf", file.toString(), "-C", rootfs.toString());
            Files.delete(file);
        }
        return new UnpackedImage(rootfs, image.config(architecture));
    }

    JsonNode config() {
        return config;
    }

    Path rootfs() {
        return rootfs;
    }

    /** The machine of the {@code java} that the image's {@code PATH} finds first. */
    ElfMachine java() throws IOException {
        for (JsonNode variable : config.path("config").path("Env")) {
            if (variable.asText().startsWith("PATH=")) {
                for (String dir : variable.asText().substring("PATH=".length()).split(":")) {
                    Path java = rootfs.resolve(dir.substring(1)).resolve("java");
                    if (Files.isRegularFile(java)) {
                        try (InputStream in = Files.newInputStream(java)) {
                            return ElfMachine.of(in);
                        }
                    }
                }
            }
        }
        throw new AssertionError("no java on the image's PATH: " + config.path("config").path("Env"));
    }

    /** The machine of the library {@code META-INF/native/<name>} in any jar under {@code dir}, if one has it. */
    Optional<ElfMachine> nativeLibrary(String dir, String name) throws IOException {
        try (Stream<Path> jars = Files.walk(rootfs.resolve(dir))) {
            for (Path jar : jars.filter(file -> file.toString().endsWith(".jar")).toList()) {
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    ZipEntry entry = zip.getEntry("META-INF/native/" + name);
                    if (entry != null) {
                        try (InputStream in = zip.getInputStream(entry)) {
                            return Optional.of(ElfMachine.of(in));
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }
}
