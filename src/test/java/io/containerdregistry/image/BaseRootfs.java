package io.containerdregistry.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** What every root filesystem of the test's base images has: where Java lives, and the few files a JVM needs. */
final class BaseRootfs {
    /** The runtime's home in the image; the image config puts its {@code bin} on {@code PATH}. */
    static final String JAVA_HOME = "/opt/java";

    private BaseRootfs() {
    }

    /** root's passwd and group entries, name service files only, root's home and a world-writable /tmp. */
    static void writeEtc(Path rootfs) throws IOException {
        Path etc = Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/sbin/nologin\n");
        Files.writeString(etc.resolve("group"), "root:x:0:\n");
        Files.writeString(etc.resolve("nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files dns\n");
        Files.createDirectories(rootfs.resolve("root"));
        Path tmp = Files.createDirectories(rootfs.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
    }
}
