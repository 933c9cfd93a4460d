package io.containerdregistry.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** containerd's hosts.toml files as the init container writes them, merges them into a node's own and restores them. */
class HostsTomlTest {
    private static final String MIRROR = "http://127.0.0.1:30020";

    @TempDir
    Path dir;

    private HostsToml writer(boolean resolve) {
        return new HostsToml(dir, MIRROR, resolve, "200ms");
    }

    private static ObjectNode parsed(Path file) throws IOException {
        return HostsToml.parse(Files.readString(file));
    }

    @Test
    void writesAFreshFileWithUpstreamServerAndTheMirrorFirst() throws IOException {
        Path file = writer(true).write("docker.io", false);
        assertEquals(dir.resolve("docker.io/hosts.toml"), file);
        ObjectNode toml = parsed(file);
        assertEquals("https://registry-1.docker.io", toml.get("server").asText());
        JsonNode mirror = toml.get("host").get(MIRROR);
        assertEquals("[\"pull\",\"resolve\"]", mirror.get("capabilities").toString());
        assertEquals("200ms", mirror.get("dial_timeout").asText());
        assertTrue(Files.readString(file).contains("[host.'" + MIRROR + "']"), Files.readString(file));
    }

    @Test
    void pullOnlyWhenTagsAreNotResolved() throws IOException {
        ObjectNode toml = parsed(writer(false).write("ghcr.io", false));
        assertEquals("https://ghcr.io", toml.get("server").asText());
        assertEquals("[\"pull\"]", toml.get("host").get(MIRROR).get("capabilities").toString());
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
        ObjectNode parsed = HostsToml.parse(toml);
        assertEquals(List.of(MIRROR, "https://cache.example"), fieldNames(parsed.get("host")));
        assertEquals("a", parsed.get("host").get("https://cache.example").get("header").get("x-token").asText());
        assertEquals("https://registry.k8s.io", parsed.get("server").asText());
        // running again does not duplicate anything
        String again = Files.readString(writer(true).write("registry.k8s.io", true));
        assertEquals(toml, again);
    }

    /**
     * A node's file as a cluster admin writes it: a corporate CA and client certificate for the upstream itself, a
     * header, a pull-through cache with its own CA, client pair and header, an {@code override_path} mirror and a
     * {@code skip_verify} one. Merged, every key and table of it is still there, with the same values.
     */
    @Test
    void aRealWorldFileSurvivesAMergeWholeWithTheMirrorFirst() throws IOException {
        String node = """
                # managed by the platform team
                server = "https://registry-1.docker.io"
                ca = "/etc/pki/corp/root-ca.pem"
                client = [["/etc/pki/corp/node.crt", "/etc/pki/corp/node.key"]]
                skip_verify = false

                [header]
                  X-Corp-Tenant = "platform"
                  X-Trace = ["a", "b"]

                [host."https://cache.corp.example:5443/v2/dockerhub"]
                  capabilities = ["pull", "resolve"]
                  ca = ["/etc/pki/corp/cache-ca.pem", "/etc/pki/corp/cache-ca-2.pem"]
                  client = [["/etc/pki/corp/cache.crt", "/etc/pki/corp/cache.key"]]
                  override_path = true
                  [host."https://cache.corp.example:5443/v2/dockerhub".header]
                    Authorization = "Basic dXNlcjpwYXNz"

                [host."http://10.0.0.7:5000"]
                  capabilities = ["pull"]
                  skip_verify = true
                """;
        Path file = dir.resolve("docker.io/hosts.toml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, node);
        ObjectNode before = HostsToml.parse(node);
        ObjectNode after = parsed(writer(true).write("docker.io", true));
        for (String key : List.of("server", "ca", "client", "skip_verify", "header")) {
            assertEquals(before.get(key), after.get(key), key);
        }
        assertEquals(List.of(MIRROR, "https://cache.corp.example:5443/v2/dockerhub", "http://10.0.0.7:5000"),
                fieldNames(after.get("host")));
        before.get("host").fields().forEachRemaining(host ->
                assertEquals(host.getValue(), after.get("host").get(host.getKey()), host.getKey()));
        assertTrue(writer(true).restore("docker.io"));
        assertEquals(node, Files.readString(file), "uninstall gives the node its own file back, byte for byte");
    }

    @Test
    void valuesThatCouldBreakOutOfTheirStringAreRefusedOrEscaped() throws IOException {
        assertThrows(IllegalArgumentException.class,
                () -> new HostsToml(dir, "http://127.0.0.1:30020\"]\n[x]", true, "200ms"));
        assertThrows(IllegalArgumentException.class,
                () -> new HostsToml(dir, MIRROR, true, "200ms\"\nserver = \"https://evil\""));
        Path file = dir.resolve("docker.io/hosts.toml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "[host.\"https://q.example/\\\"quoted\\\"/path\"]\n  capabilities = [\"pull\"]\n"
                + "  [host.\"https://q.example/\\\"quoted\\\"/path\".header]\n    x = \"line1\\nline2\\t\\\"q\\\"\"\n");
        ObjectNode before = HostsToml.parse(Files.readString(file));
        ObjectNode after = parsed(writer(true).write("docker.io", true));
        String key = "https://q.example/\"quoted\"/path";
        assertEquals(before.get("host").get(key), after.get("host").get(key));
        assertEquals("line1\nline2\t\"q\"", after.get("host").get(key).get("header").get("x").asText());
    }

    @Test
    void aNodeFileThatIsNoTomlIsLeftAlone() throws Exception {
        Path file = dir.resolve("docker.io/hosts.toml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "server = \"unterminated\n[host.\n");
        assertThrows(IOException.class, () -> writer(true).write("docker.io", true));
        assertEquals("server = \"unterminated\n[host.\n", Files.readString(file));
        assertEquals(1, HostsTomlCli.run("--config-dir", dir.toString(), "--mirror", MIRROR, "--hosts", "docker.io",
                "--keep-other-hosts"));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
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
