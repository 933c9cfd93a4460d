package io.containerdregistry.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.containerdregistry.containerd.LocalContainerd;
import io.containerdregistry.containerd.api.cri.Image;
import io.containerdregistry.containerd.api.cri.PullImageResponse;
import io.containerdregistry.testing.CriImages;
import io.containerdregistry.testing.Ctr;
import io.containerdregistry.testing.FileTrees;
import io.containerdregistry.testing.OciLayout;
import io.containerdregistry.testing.PackagedRegistry;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registry's image as users make it, {@code mvn package -Dquarkus.container-image.build=true
 * -Dquarkus.container-image.push=true}, without a daemon and without the internet: on a Java base image made here
 * from Debian's own JDK, pushed to a registry this test starts, then run in containerd exactly as the generated
 * DaemonSet describes its pod, and pulled through with kubelet's CRI PullImage by a containerd whose CRI plugin reads
 * the hosts.toml the init container wrote.
 */
class ContainerImageIT {
    private static final String SOCKET = "/run/containerd/containerd.sock";
    private static final String CONTENT = "/var/lib/containerd/io.containerd.content.v1.content";
    private static final String CERTS = "/etc/containerd/certs.d";
    private static final String NODE_NAMESPACE = "k8s.io";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path work;
    private static LocalContainerd store;
    private static PackagedRegistry registry;
    private static String image;
    private static int nodePort;
    private static ProjectImageBuild build;

    @BeforeAll
    static void buildTheImageOnALocalBase() throws IOException, InterruptedException {
        work = fresh(Path.of("target", "container-image-it").toAbsolutePath());
        Map<String, Path> rootfs = new LinkedHashMap<>();
        rootfs.put("amd64", LocalJreRootfs.build(work.resolve("rootfs-amd64")));
        rootfs.put("arm64", DebianJreRootfs.build(work.resolve("rootfs-arm64"), "arm64",
                Path.of("target", "debian-arm64").toAbsolutePath()));
        Path baseLayout = work.resolve("base-layout");
        BaseImageLayout.write(baseLayout, "17", rootfs);

        store = LocalContainerd.startFresh(work.resolve("store"));
        registry = PackagedRegistry.start(work.resolve("registry"), "256m",
                Map.of("CONTAINERD_ADDRESS", store.socket().toString()));
        String base = "127.0.0.1:" + registry.port() + "/base/jre:17";
        Ctr.run("skopeo", "--insecure-policy", "copy", "--all", "--dest-tls-verify=false",
                "oci:" + baseLayout + ":17", "docker://" + base);

        image = "127.0.0.1:" + registry.port() + "/infra/containerd-registry:it";
        nodePort = PackagedRegistry.freePort();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("quarkus.container-image.build", "true");
        properties.put("quarkus.container-image.push", "true");
        properties.put("quarkus.container-image.insecure", "true");
        // the reference in its parts, as users give it (a whole quarkus.container-image.image would leave the init
        // container on the default reference, which the build refuses)
        properties.put("quarkus.container-image.registry", "127.0.0.1:" + registry.port());
        properties.put("quarkus.container-image.group", "infra");
        properties.put("quarkus.container-image.name", "containerd-registry");
        properties.put("quarkus.container-image.tag", "it");
        properties.put("quarkus.jib.base-jvm-image", base);
        properties.put("quarkus.jib.base-image-layers-cache", work.resolve("jib-cache").toString());
        properties.put("kubernetes.registry.port", Integer.toString(nodePort));
        build = ProjectImageBuild.run(work.resolve("build"), properties);
        System.out.println("image build took " + build.took().toSeconds() + " s");
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (store != null) {
            store.stop();
        }
    }

    @Test
    void theGeneratedDaemonSetNamesTheImageTheBuildPushed() throws IOException {
        PodInContainerd pod = PodInContainerd.read(build.kubernetesManifest(), Map.of(), Map.of(), Map.of(), work);
        assertEquals(image, pod.registry().getImage());
        assertEquals(image, pod.initContainer("hosts-toml").getImage());
        String stored = Ctr.ctr(store.socket(), "default", "images", "ls");
        assertTrue(stored.contains(image.substring(image.indexOf('/') + 1)) && stored.contains(build.pushedDigest()),
                "the registry holds the pushed image " + build.pushedDigest() + ":\n" + stored);
    }

    @Test
    void theBuildPushesOneImageForEachPlatformWithItsOwnJavaAndEpollNative() throws Exception {
        PushedImage pushed = pushed();
        List<String> platforms = new ArrayList<>();
        pushed.index().path("manifests").forEach(entry -> platforms.add(
                entry.path("platform").path("os").asText() + "/" + entry.path("platform").path("architecture").asText()));
        assertEquals(List.of("linux/amd64", "linux/arm64"), platforms.stream().sorted().toList());

        UnpackedImage arm64 = UnpackedImage.unpack(pushed, "arm64", fresh(work.resolve("unpacked-arm64")));
        assertEquals(ElfMachine.AARCH64, arm64.java());
        assertEquals(Optional.of(ElfMachine.AARCH64),
                arm64.nativeLibrary("deployments/lib/main", "libnetty_transport_native_epoll_aarch_64.so"));
        UnpackedImage amd64 = UnpackedImage.unpack(pushed, "amd64", fresh(work.resolve("unpacked-amd64")));
        assertEquals(ElfMachine.X86_64, amd64.java());
        assertEquals(Optional.of(ElfMachine.X86_64),
                amd64.nativeLibrary("deployments/lib/main", "libnetty_transport_native_epoll_x86_64.so"));
        for (UnpackedImage platform : List.of(arm64, amd64)) {
            JsonNode config = platform.config().path("config");
            assertEquals("[\"java\",\"-jar\",\"/deployments/quarkus-run.jar\"]", config.path("Entrypoint").toString());
            assertTrue(Files.isRegularFile(platform.rootfs().resolve("deployments/quarkus-run.jar")));
            assertEquals("/deployments", config.path("WorkingDir").asText());
            assertEquals("0", config.path("User").asText());
        }
    }

    @Test
    void theImageHoldsNoTimeOfItsBuildInItsConfigOrFileTimes() throws Exception {
        UnpackedImage amd64 = UnpackedImage.unpack(pushed(), "amd64", fresh(work.resolve("unpacked-times")));
        assertEquals("1970-01-01T00:00:00Z", amd64.config().path("created").asText());
        amd64.config().path("history").forEach(step ->
                assertEquals("1970-01-01T00:00:00Z", step.path("created").asText("1970-01-01T00:00:00Z"), step.toString()));
        try (Stream<Path> files = Files.walk(amd64.rootfs().resolve("deployments"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertEquals(0, Files.getLastModifiedTime(file).toMillis(), "modification time of " + file);
            }
        }
    }

    @Test
    void theImageRunsAsTheDaemonSetsPodAndTheNodesContainerdPullsThroughIt() throws Exception {
        Path certs = Files.createDirectories(work.resolve("certs.d"));
        // the API server the DaemonSet's peers follow (PEERS_KUBERNETES): fabric8's mock, empty, on the host network
        KubernetesMockServer apiServer = new KubernetesMockServer(new Context(Serialization.jsonMapper()),
                new MockWebServer(), new HashMap<>(), new KubernetesMixedDispatcher(new HashMap<>()), false);
        apiServer.init(InetAddress.getByName("127.0.0.1"), 0);
        try (LocalContainerd node = LocalContainerd.startFresh(work.resolve("node"))) {
            Ctr.ctr(node.socket(), NODE_NAMESPACE, "images", "pull", "--plain-http", image);
            OciLayout app = OciLayout.build(work.resolve("app"), "docker.io/library/app:v1", "image-it", 2);
            Path appTar = work.resolve("app.tar");
            Ctr.run("tar", "-C", app.dir().toString(), "-cf", appTar.toString(), ".");
            Ctr.ctr(node.socket(), NODE_NAMESPACE, "images", "import", "--all-platforms", "--no-unpack",
                    appTar.toString());

            PodInContainerd pod = PodInContainerd.read(build.kubernetesManifest(),
                    Map.of(SOCKET, node.socket(), CONTENT, node.contentDir(), CERTS, certs),
                    Map.of("metadata.namespace", "containerd-registry", "spec.nodeName", "node-1"),
                    Map.of("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", "http://127.0.0.1:" + apiServer.getPort() + "/"),
                    work.resolve("volumes"));
            // ids of this run only, and runc's state under the node's directory: nothing shared with other containerds
            String runId = Long.toHexString(System.nanoTime());
            String runcRoot = "--runc-root=" + node.dir().resolve("runc");
            run(node, pod.runArguments(pod.initContainer("hosts-toml"), "hosts-toml-" + runId, "--rm", runcRoot));
            String hostsToml = Files.readString(certs.resolve("docker.io/hosts.toml"));
            assertTrue(hostsToml.contains("http://127.0.0.1:" + nodePort), hostsToml);

            Path log = work.resolve("node-registry.log");
            String registryId = "registry-" + runId;
            run(node, pod.runArguments(pod.registry(), registryId, "--detach", runcRoot, "--log-uri=file://" + log));
            try {
                awaitReady(URI.create("http://127.0.0.1:" + nodePort + "/readyz"), log);
                JsonNode spec = JSON.readTree(Ctr.ctr(node.socket(), NODE_NAMESPACE, "containers", "info", registryId))
                        .path("Spec");
                assertTrue(spec.path("root").path("readonly").asBoolean(), "read-only root filesystem");
                assertTrue(spec.path("process").path("noNewPrivileges").asBoolean(), "no privilege escalation");
                for (String set : List.of("bounding", "effective", "permitted")) {
                    assertEquals(0, spec.path("process").path("capabilities").path(set).size(), "no " + set + " capabilities");
                }
                assertEquals(0, spec.path("process").path("user").path("uid").asInt(), "root, for containerd's files");
                // kubelet's own call, on a containerd whose CRI plugin reads the hosts directory the init container wrote
                try (LocalContainerd kubelets = LocalContainerd.startFresh(work.resolve("client"),
                        Optional.of(new LocalContainerd.CriPlugin(Optional.of(certs.toString()), false)));
                        CriImages cri = new CriImages(kubelets.socket())) {
                    PullImageResponse pulled = cri.pull("docker.io/library/app:v1");
                    Image image = cri.status("docker.io/library/app:v1");
                    assertEquals(List.of("docker.io/library/app@" + app.indexDigest()), image.getRepoDigestsList(),
                            image.toString());
                    assertEquals(image.getId(), pulled.getImageRef());
                    assertTrue(app.blobs().contains(image.getId()), "the pulled image's config: " + image);
                    assertTrue(Ctr.stored(kubelets.socket(), "k8s.io", image.getId()), "pulled " + image.getId());
                }
                String served = Files.readString(log);
                assertTrue(served.contains("/v2/library/app/manifests/v1"), "the mirror served the pull:\n" + served);
            } finally {
                Ctr.ctr(node.socket(), NODE_NAMESPACE, "tasks", "delete", "--force", registryId);
                Ctr.ctr(node.socket(), NODE_NAMESPACE, "containers", "delete", registryId);
            }
        } finally {
            apiServer.destroy();
        }
    }

    private static PushedImage pushed() {
        String repositoryAndTag = image.substring(image.indexOf('/') + 1);
        return new PushedImage(registry.uri(""), repositoryAndTag.substring(0, repositoryAndTag.indexOf(':')),
                repositoryAndTag.substring(repositoryAndTag.indexOf(':') + 1));
    }

    private static String run(LocalContainerd node, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of("run"));
        command.addAll(arguments);
        return Ctr.ctr(node.socket(), NODE_NAMESPACE, command.toArray(String[]::new));
    }

    private static void awaitReady(URI uri, Path log) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the containerized registry was not ready within 60 s:\n"
                + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }

    /** An empty {@code dir}; what an interrupted earlier run left mounted below it (container root filesystems) is unmounted. */
    private static Path fresh(Path dir) throws IOException {
        List<String> mounted = Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                .map(line -> line.split(" ")[1]).filter(point -> point.startsWith(dir + "/"))
                .sorted(Comparator.reverseOrder()).toList();
        mounted.forEach(point -> Ctr.run("umount", point));
        FileTrees.delete(dir);
        return Files.createDirectories(dir);
    }
}
