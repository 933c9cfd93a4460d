package io.containerdregistry.image;

import io.containerdregistry.testing.Ctr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The root filesystem of a Java 17 base image for another architecture than this machine's, from that
 * architecture's Debian packages: Debian's JRE and the libraries it loads, unpacked with {@code dpkg-deb}, Java
 * linked at {@link BaseRootfs#JAVA_HOME}. apt downloads the packages with a private state directory (its own
 * package lists for the architecture), so the machine's apt and dpkg configuration stay as they are.
 */
final class DebianJreRootfs {
    private static final List<String> PACKAGES = List.of("openjdk-17-jre-headless", "libc6", "libgcc-s1",
            "libstdc++6", "zlib1g");

    private DebianJreRootfs() {
    }

    /**
     * Writes the root filesystem for {@code architecture} (Debian's name: {@code arm64}) into {@code rootfs};
     * {@code downloads} keeps the packages between runs.
     */
    static Path build(Path rootfs, String architecture, Path downloads) throws IOException {
        List<Path> debs = download(architecture, downloads);
        Files.createDirectories(rootfs);
        for (Path deb : debs) {
            Ctr.run("dpkg-deb", "-x", deb.toString(), rootfs.toString());
        }
        Path javaHome = rootfs.resolve(BaseRootfs.JAVA_HOME.substring(1));
        Files.createDirectories(javaHome.getParent());
        // relative, so that it resolves inside an unpacked copy of the image too
        Files.createSymbolicLink(javaHome, Path.of("../usr/lib/jvm/java-17-openjdk-" + architecture));
        BaseRootfs.writeEtc(rootfs);
        return rootfs;
    }

    private static List<Path> download(String architecture, Path downloads) throws IOException {
        Path debs = Files.createDirectories(downloads.resolve("debs"));
        if (listDebs(debs).size() != PACKAGES.size()) {
            Files.createDirectories(downloads.resolve("lists/partial"));
            Files.createDirectories(downloads.resolve("cache/archives/partial"));
            List<String> apt = List.of("apt-get", "-qq",
                    "-o", "Dir::State::Lists=" + downloads.resolve("lists"),
                    "-o", "Dir::Cache=" + downloads.resolve("cache"),
                    "-o", "APT::Architecture=" + architecture, "-o", "APT::Architectures::=" + architecture,
                    "-o", "APT::Sandbox::User=root", "-o", "Debug::NoLocking=1");
            List<String> update = new ArrayList<>(apt);
            update.add("update");
            Ctr.run(update);
            List<String> download = new ArrayList<>(List.of("sh", "-c", "cd \"$0\" && exec \"$@\"", debs.toString()));
            download.addAll(apt);
            download.add("download");
            PACKAGES.forEach(name -> download.add(name + ":" + architecture));
            Ctr.run(download);
        }
        List<Path> found = listDebs(debs);
        if (found.size() != PACKAGES.size()) {
            throw new IllegalStateException("expected " + PACKAGES + " in " + debs + ", found " + found);
        }
        return found;
    }

    private static List<Path> listDebs(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".deb")).sorted().toList();
        }
    }
}
