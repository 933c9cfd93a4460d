package io.containerdregistry.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostsTomlTest {
    private static final String MIRROR = "http://127.0.0.1:30020";

    @TempDir
    Path dir;

    private HostsToml writer(boolean resolve) {
        return new HostsToml(dir, MIRROR, resolve, "200ms");
    }

    @Test
    void writesAFreshFileWithUpstreamServerAndTheMirrorFirst() throws IOException {
        Path file = writer(true).write("docker.io", false);
        assertEquals(dir.resolve("docker.io/hosts.toml"), file);
        String toml = Files.readString(file);
        assertTrue(toml.contains("server = \"https://registry-1.docker.io\""), toml);
        assertTrue(toml.contains("[host.\"http://127.0.0.1:30020\"]"), toml);
        assertTrue(toml.contains("capabilities = [\"pull\", \"resolve\"]"), toml);
        assertTrue(toml.contains("dial_timeout = \"200ms\""), toml);
    }

    @Test
    void pullOnlyWhenTagsAreNotResolved() throws IOException {
        String toml = Files.readString(writer(false).write("ghcr.io", false));
        assertTrue(toml.contains("server = \"https://ghcr.io\""), toml);
        assertTrue(toml.contains("capabilities = [\"pull\"]"), toml);
    }

    @Test
    void replacingAFileBacksItUpOnceAndRestoreBringsItBack() throws IOException {
        Path file = dir.resolve("quay.io/hosts.toml");
        Files.createDirectories(file.getParent());
        String original = "server = \"https://quay.io\"\n\n[host.\"https://cache.example\"]\n  capabilities = [\"pull\"]\n";
        Files.writeString(file, original);
        writer(true).write("quay.io", false);
        writer(true).write("quay.io", false);
        assertEquals(original, Files.readString(dir.resolve("quay.io").resolve(HostsToml.BACKUP)));
        assertTrue(writer(true).restore("quay.io"));
        assertEquals(original, Files.readString(file));
        assertFalse(Files.exists(dir.resolve("quay.io").resolve(HostsToml.BACKUP)));
    }

    @Test
    void keepingOtherHostsPutsTheMirrorFirstAndKeepsTheirTables() throws IOException {
        Path file = dir.resolve("registry.k8s.io/hosts.toml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "server = \"https://registry.k8s.io\"\n\n[host.\"https://cache.example\"]\n"
                + "  capabilities = [\"pull\"]\n[host.\"https://cache.example\".header]\n  x-token = \"a\"\n");
        String toml = Files.readString(writer(true).write("registry.k8s.io", true));
        assertTrue(toml.indexOf(MIRROR) < toml.indexOf("https://cache.example"), toml);
        assertTrue(toml.contains("[host.\"https://cache.example\".header]"), toml);
        assertTrue(toml.contains("server = \"https://registry.k8s.io\""), toml);
        // running again does not duplicate anything
        String again = Files.readString(writer(true).write("registry.k8s.io", true));
        assertEquals(toml, again);
    }

    @Test
    void restoreRemovesWhatItWroteAndLeavesOtherFilesAlone() throws IOException {
        writer(true).write("docker.io", false);
        assertTrue(writer(true).restore("docker.io"));
        assertFalse(Files.exists(dir.resolve("docker.io")));
        Path foreign = dir.resolve("gcr.io/hosts.toml");
        Files.createDirectories(foreign.getParent());
        Files.writeString(foreign, "server = \"https://gcr.io\"\n");
        assertFalse(writer(true).restore("gcr.io"));
        assertTrue(Files.exists(foreign));
    }

    @Test
    void everyHostIsContainerdsDefaultEntryWithoutServer() throws IOException {
        String toml = Files.readString(writer(true).write(HostsToml.DEFAULT_HOST, false));
        assertFalse(toml.contains("server ="), toml);
        assertTrue(toml.contains(MIRROR), toml);
    }

    @Test
    void invalidHostNamesAreRefused() {
        for (String bad : new String[] {"../etc", "Docker.IO/x", "a b", "", "host:port", "-lead.example"}) {
            assertThrows(IllegalArgumentException.class, () -> writer(true).write(bad, false), bad);
        }
    }

    @Test
    void commandLineWritesEveryHostAndRefusesBadInput() throws Exception {
        assertEquals(0, HostsTomlCli.run("--config-dir", dir.toString(), "--mirror", MIRROR,
                "--hosts", "docker.io,ghcr.io:443", "--no-resolve"));
        assertTrue(Files.exists(dir.resolve("docker.io/hosts.toml")));
        assertTrue(Files.exists(dir.resolve("ghcr.io:443/hosts.toml")));
        assertEquals(2, HostsTomlCli.run("--config-dir", dir.toString(), "--mirror", MIRROR, "--hosts", "../x"));
        assertEquals(2, HostsTomlCli.run("--config-dir", dir.toString(), "--hosts", "docker.io"));
        assertEquals(0, HostsTomlCli.run("--config-dir", dir.toString(), "--restore", "--hosts", "docker.io,ghcr.io:443"));
        assertFalse(Files.exists(dir.resolve("docker.io")));
    }
}
