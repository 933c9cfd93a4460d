package io.containerdregistry.image;

import io.containerdregistry.testing.Ctr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The root filesystem of a small Java 17 base image for this machine's platform, made from what Debian installed:
 * a runtime {@code jlink}ed from the machine's JDK into {@link BaseRootfs#JAVA_HOME}, the shared libraries it loads
 * (found with {@code ldd}) and the rest of the C library at their own paths, and {@link BaseRootfs#writeEtc}.
 */
final class LocalJreRootfs {
    /** What the registry, its gRPC and Kubernetes clients, Jackson and jose4j use of the JDK. */
    static final List<String> MODULES = List.of("java.base", "java.logging", "java.management", "java.naming",
            "java.net.http", "java.security.jgss", "java.sql", "java.xml", "jdk.crypto.ec", "jdk.management",
            "jdk.unsupported", "jdk.zipfs");
    private static final Pattern LIBRARY = Pattern.compile("(/\\S+\\.so[.\\d]*)");
    private static final Pattern C_LIBRARY = Pattern.compile("/\\S+\\.so(\\.\\d+)*");

    private LocalJreRootfs() {
    }

    /** Writes the root filesystem into {@code rootfs} (which must not exist yet) and returns it. */
    static Path build(Path rootfs) throws IOException {
        Path jdk = Path.of(System.getProperty("java.home"));
        Path javaHome = rootfs.resolve(BaseRootfs.JAVA_HOME.substring(1));
        Files.createDirectories(javaHome.getParent());
        Ctr.run(jdk.resolve("bin/jlink").toString(), "--add-modules", String.join(",", MODULES),
                "--strip-debug", "--no-header-files", "--no-man-pages", "--output", javaHome.toString());
        Set<String> libraries = sharedLibraries(javaHome);
        libraries.addAll(cLibrary());
        for (String library : libraries) {
            Path target = rootfs.resolve(library.substring(1));
            Files.createDirectories(target.getParent());
            Files.copy(Path.of(library), target, StandardCopyOption.REPLACE_EXISTING);
        }
        BaseRootfs.writeEtc(rootfs);
        return rootfs;
    }

    /** Every library outside the runtime that its executables and libraries load, the dynamic loader included. */
    private static Set<String> sharedLibraries(Path javaHome) throws IOException {
        Set<String> libraries = new TreeSet<>();
        try (Stream<Path> files = Files.walk(javaHome)) {
            for (Path file : files.filter(LocalJreRootfs::isElf).toList()) {
                Matcher found = LIBRARY.matcher(Ctr.run("ldd", file.toString()));
                while (found.find()) {
                    if (!found.group(1).startsWith(javaHome.toString())) {
                        libraries.add(found.group(1));
                    }
                }
            }
        }
        return libraries;
    }

    /**
     * Every library of Debian's C library package (the loader, libc, libdl, libpthread, libresolv, ...): what native
     * code that the application unpacks at run time may link against, such as netty's epoll transport.
     */
    private static List<String> cLibrary() {
        return Ctr.run("dpkg", "-L", "libc6").lines()
                .filter(path -> C_LIBRARY.matcher(path).matches() && !path.contains("/gconv/")).toList();
    }

    private static boolean isElf(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".so") || file.getParent().getFileName().toString().equals("bin"));
    }
}
