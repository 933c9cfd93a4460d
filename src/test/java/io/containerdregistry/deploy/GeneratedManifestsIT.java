package io.containerdregistry.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The manifests that {@code ./mvnw package} writes to {@code target/kubernetes}, read into the fabric8 Kubernetes
 * model: one DaemonSet (and no Deployment) with everything the registry needs on a node, its ServiceAccount and a
 * headless Service. Runs after the package phase, which generates them and turns the Deployment into a DaemonSet.
 */
class GeneratedManifestsIT {
    private static final Path MANIFESTS = Path.of("target", "kubernetes");
    private static final String SOCKET = "/run/containerd/containerd.sock";
    private static final String CONTENT = "/var/lib/containerd/io.containerd.content.v1.content";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    private static List<HasMetadata> resources;
    private static DaemonSet daemonSet;
    private static PodSpec pod;
    private static Container container;
    private static int port;

    @BeforeAll
    static void readManifests() throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = YAML.createParser(MANIFESTS.resolve("kubernetes.yml").toFile())) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
        }
        resources = documents.stream().map(GeneratedManifestsIT::toModel).toList();
        daemonSet = only(DaemonSet.class);
        pod = daemonSet.getSpec().getTemplate().getSpec();
        assertEquals(1, pod.getContainers().size());
        container = pod.getContainers().get(0);
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src", "main", "resources", "application.properties"))) {
            properties.load(in);
        }
        port = Integer.parseInt(properties.getProperty("kubernetes.registry.port"));
    }

    @Test
    void theWorkloadIsADaemonSetAndNothingIsLeftOfTheDeployment() throws IOException {
        assertEquals("containerd-registry", daemonSet.getMetadata().getName());
        assertEquals("apps/v1", daemonSet.getApiVersion());
        assertTrue(resources.stream().noneMatch(r -> r.getKind().equals("Deployment")), kinds());
        assertFalse(Files.readString(MANIFESTS.resolve("kubernetes.yml")).contains("Deployment"));
        assertFalse(Files.readString(MANIFESTS.resolve("kubernetes.json")).contains("Deployment"));
        assertEquals("RollingUpdate", daemonSet.getSpec().getUpdateStrategy().getType());
        assertNotNull(daemonSet.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable());
        assertTrue(daemonSet.getSpec().getAdditionalProperties().isEmpty(),
                "no Deployment-only field such as replicas: " + daemonSet.getSpec().getAdditionalProperties());
    }

    @Test
    void theJsonManifestHoldsTheSameDaemonSet() throws IOException {
        JsonNode json = JSON.readTree(MANIFESTS.resolve("kubernetes.json").toFile());
        assertEquals("List", json.path("kind").asText(), "a JSON document kubectl takes: a v1 List, not a bare array");
        assertEquals("v1", json.path("apiVersion").asText());
        List<HasMetadata> fromJson = new ArrayList<>();
        json.path("items").forEach(node -> fromJson.add(toModel(node)));
        assertEquals(kinds(), fromJson.stream().map(HasMetadata::getKind).toList().toString());
        assertTrue(fromJson.contains(daemonSet), "the DaemonSet of kubernetes.json equals that of kubernetes.yml");
    }

    @Test
    void safeByDefaultKubeletAndPeersPullNobodyPushesAndBlobsAreCapped() {
        assertEquals("false", env("WRITES_ENABLED"), "no pushes or deletes into the node's store");
        assertEquals("true", env("WRITES_NEED_AUTHENTICATION"), "turning writes on alone does not open the store");
        assertEquals("loopback-and-peers", env("READ_FROM"), "kubelet (loopback) and the peers only");
        assertTrue(container.getEnv().stream().noneMatch(e -> e.getName().equals("MIRROR_READ_ONLY")),
                "mirror requests stay read-only (the default)");
        assertTrue(Long.parseLong(env("MAX_BLOB_SIZE")) > 0, "blobs are capped");
        assertEquals("true", env("PEERS_KUBERNETES"), "peers find each other through the headless Service");
        long spool = Long.parseLong(env("REGISTRY_PEERS_SPOOL_MAX_SIZE"));
        Volume tmp = volume(mountAt("/tmp").getName());
        assertNotNull(tmp.getEmptyDir().getSizeLimit(), "the /tmp volume has a sizeLimit");
        assertTrue(Quantity.getAmountInBytes(tmp.getEmptyDir().getSizeLimit()).longValue() > spool,
                "the peer spool fits in /tmp");
    }

    @Test
    void everyContainerIsLockedDownAndThePodUsesTheRuntimesSeccompProfile() {
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        for (Container c : List.of(container, pod.getInitContainers().get(0))) {
            var context = c.getSecurityContext();
            assertNotNull(context, c.getName());
            assertEquals(Boolean.FALSE, context.getAllowPrivilegeEscalation(), c.getName());
            assertEquals(Boolean.TRUE, context.getReadOnlyRootFilesystem(), c.getName());
            assertEquals(List.of("ALL"), context.getCapabilities().getDrop(), c.getName());
            assertNotNull(c.getResources().getLimits().get("memory"), c.getName() + " has a memory limit");
            assertNotNull(c.getResources().getRequests().get("cpu"), c.getName() + " has a cpu request");
        }
    }

    @Test
    void everyObjectCarriesTheApplicationsLabelsAndNothingChangesWithACommit() throws IOException {
        for (HasMetadata resource : resources) {
            Map<String, String> labels = resource.getMetadata().getLabels();
            assertNotNull(labels, resource.getKind());
            assertEquals("containerd-registry", labels.get("app.kubernetes.io/name"), resource.getKind());
            assertEquals("containerd-registry", labels.get("app.kubernetes.io/part-of"), resource.getKind());
        }
        String yaml = Files.readString(MANIFESTS.resolve("kubernetes.yml"));
        assertFalse(yaml.contains("commit-id"), "a new commit alone must not restart every node's registry");
        assertFalse(yaml.contains("build-timestamp"));
    }

    @Test
    void onePodPerNodeOnTheNodesNetwork() {
        assertEquals(Boolean.TRUE, pod.getHostNetwork());
        assertEquals("ClusterFirstWithHostNet", pod.getDnsPolicy());
        assertEquals("system-node-critical", pod.getPriorityClassName());
        assertTrue(pod.getTolerations().stream().anyMatch(t -> "Exists".equals(t.getOperator()) && t.getKey() == null
                && t.getEffect() == null), "a toleration for every taint: " + pod.getTolerations());
    }

    @Test
    void listensOnTheConfiguredPortAndProbesIt() {
        assertEquals(30020, port, "the default port of the Kubernetes deployment");
        assertEquals(":" + port, env("LISTEN_ADDRESS"));
        assertEquals(1, container.getPorts().size());
        assertEquals(port, container.getPorts().get(0).getContainerPort());
        assertEquals("http", container.getPorts().get(0).getName());

        assertProbe(container.getLivenessProbe(), "/q/health/live");
        assertProbe(container.getReadinessProbe(), "/q/health/ready");
        assertProbe(container.getStartupProbe(), "/q/health/started");
    }

    @Test
    void reachesTheNodesContainerd() {
        assertEquals(SOCKET, env("CONTAINERD_ADDRESS"));
        assertEquals("k8s.io", env("CONTAINERD_NAMESPACE"));
        assertEquals("json", env("LOG_FORMAT"));

        VolumeMount socket = mountAt(SOCKET);
        assertEquals(SOCKET, volume(socket.getName()).getHostPath().getPath());
        assertEquals("Socket", volume(socket.getName()).getHostPath().getType());

        VolumeMount content = mountAt(CONTENT);
        assertEquals(Boolean.TRUE, content.getReadOnly());
        assertEquals(CONTENT, volume(content.getName()).getHostPath().getPath());
    }

    @Test
    void anInitContainerWritesContainerdsHostsTomlForTheMirroredHosts() {
        assertEquals(1, pod.getInitContainers().size());
        Container init = pod.getInitContainers().get(0);
        assertEquals(container.getImage(), init.getImage());
        String command = String.join(" ", init.getCommand()) + " " + String.join(" ", init.getArgs());
        assertTrue(command.contains("io.containerdregistry.mirror.HostsTomlCli"), command);
        assertTrue(command.contains("--config-dir /etc/containerd/certs.d"), command);
        assertTrue(command.contains("--mirror http://127.0.0.1:" + port), command);
        String hosts = init.getEnv().stream().filter(e -> e.getName().equals("MIRROR_HOSTS")).findFirst()
                .map(EnvVar::getValue).orElseThrow();
        assertEquals(hosts, env("MIRROR_HOSTS"), "the registry serves the hosts the init container configures");
        VolumeMount certs = init.getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals("/etc/containerd/certs.d")).findFirst().orElseThrow();
        assertEquals("/etc/containerd/certs.d", volume(certs.getName()).getHostPath().getPath());
    }

    @Test
    void theContainerdDoctorKnowsTheHostsDirectoryAndMayPostEventsOnItsNode() {
        Container init = pod.getInitContainers().get(0);
        String command = String.join(" ", init.getCommand()) + " " + String.join(" ", init.getArgs());
        assertTrue(command.contains("--config-dir " + env("HOSTS_CONFIG_DIR") + " "), command);
        assertEquals("true", env("NODE_EVENTS"));
        EnvVar nodeName = container.getEnv().stream().filter(e -> e.getName().equals("NODE_NAME")).findFirst()
                .orElseThrow();
        assertEquals("spec.nodeName", nodeName.getValueFrom().getFieldRef().getFieldPath());

        GenericKubernetesResource role = resources.stream().filter(r -> r.getKind().equals("Role"))
                .filter(r -> r.getMetadata().getName().equals("node-events"))
                .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow(() -> new AssertionError(kinds()));
        JsonNode rule = JSON.valueToTree(role.getAdditionalProperties().get("rules")).get(0);
        assertEquals("[\"\"]", rule.get("apiGroups").toString(), "the core API group, where v1 Events are");
        assertEquals("[\"events\"]", rule.get("resources").toString());
        assertTrue(rule.get("verbs").toString().contains("\"create\""), rule.toString());
        GenericKubernetesResource binding = resources.stream().filter(r -> r.getKind().equals("RoleBinding"))
                .filter(r -> r.getMetadata().getName().equals("node-events"))
                .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow(() -> new AssertionError(kinds()));
        JsonNode subject = JSON.valueToTree(binding.getAdditionalProperties().get("subjects")).get(0);
        assertEquals(pod.getServiceAccountName(), subject.get("name").asText());
    }

    @Test
    void runsOnAReadOnlyRootFilesystemWithAWritableTmp() {
        assertEquals(Boolean.TRUE, container.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(Boolean.FALSE, container.getSecurityContext().getAllowPrivilegeEscalation());
        assertNotNull(volume(mountAt("/tmp").getName()).getEmptyDir());
    }

    @Test
    void theJvmFitsTheMemoryLimit() {
        Map<String, Quantity> requests = container.getResources().getRequests();
        Map<String, Quantity> limits = container.getResources().getLimits();
        assertNotNull(requests.get("cpu"));
        BigDecimal request = Quantity.getAmountInBytes(requests.get("memory"));
        BigDecimal limit = Quantity.getAmountInBytes(limits.get("memory"));
        assertTrue(request.compareTo(limit) <= 0, "request " + request + " above limit " + limit);

        String options = env("JAVA_TOOL_OPTIONS");
        long heap = jvmSize(options, "-Xmx");
        long pools = heap + jvmSize(options, "-XX:MaxMetaspaceSize=") + jvmSize(options, "-XX:ReservedCodeCacheSize=")
                + jvmSize(options, "-XX:MaxDirectMemorySize=");
        assertTrue(pools < limit.longValue(), "JVM pools " + pools + " must stay under the limit " + limit);
        assertTrue(heap <= limit.longValue() / 2, "heap " + heap + " leaves room for the rest of the JVM");
    }

    @Test
    void theServiceAccountExistsAndThePodsUseIt() {
        ServiceAccount account = only(ServiceAccount.class);
        assertEquals(account.getMetadata().getName(), pod.getServiceAccountName());
    }

    @Test
    void aHeadlessServiceSelectsTheRegistryPodsOnTheirHttpPort() {
        Service service = only(Service.class);
        assertEquals("None", service.getSpec().getClusterIP());
        Map<String, String> selector = service.getSpec().getSelector();
        Map<String, String> podLabels = daemonSet.getSpec().getTemplate().getMetadata().getLabels();
        assertFalse(selector.isEmpty());
        assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), selector + " vs " + podLabels);
        Map<String, String> workloadSelector = daemonSet.getSpec().getSelector().getMatchLabels();
        assertTrue(podLabels.entrySet().containsAll(workloadSelector.entrySet()));
        assertFalse(workloadSelector.containsKey("app.kubernetes.io/version"), "a DaemonSet selector cannot change");

        assertEquals(1, service.getSpec().getPorts().size());
        ServicePort http = service.getSpec().getPorts().get(0);
        assertEquals("http", http.getName());
        assertEquals(port, http.getPort(), "the skeleton's Service port follows kubernetes.registry.port");
        String target = http.getTargetPort().getStrVal();
        assertTrue("http".equals(target) || Integer.valueOf(port).equals(http.getTargetPort().getIntVal()));
    }

    /**
     * Both containers run {@code <registry>/<group>/<name>:<tag>} from {@code quarkus.container-image.*}: by default
     * {@code ghcr.io/containerd-registry/containerd-registry:<project version>}, or what {@code -D} set at package time
     * (failsafe hands the same {@code -D} to this test).
     */
    @Test
    void runsTheConfiguredImageReference() {
        String expected = part("registry", "ghcr.io") + "/" + part("group", "containerd-registry") + "/"
                + part("name", "containerd-registry") + ":" + part("tag", System.getProperty("project.version"));
        assertEquals(expected, container.getImage());
        assertEquals(expected, pod.getInitContainers().get(0).getImage(), "the init container runs the same image");
        assertEquals("IfNotPresent", container.getImagePullPolicy());
    }

    private static String part(String name, String otherwise) {
        return System.getProperty("quarkus.container-image." + name, otherwise);
    }

    private static HasMetadata toModel(JsonNode node) {
        Class<? extends HasMetadata> type = switch (node.path("kind").asText()) {
            case "DaemonSet" -> DaemonSet.class;
            case "Service" -> Service.class;
            case "ServiceAccount" -> ServiceAccount.class;
            default -> GenericKubernetesResource.class;
        };
        return JSON.convertValue(node, type);
    }

    private static <T extends HasMetadata> T only(Class<T> type) {
        List<T> found = resources.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), "one " + type.getSimpleName() + " in " + kinds());
        return found.get(0);
    }

    private static String kinds() {
        return resources.stream().map(HasMetadata::getKind).toList().toString();
    }

    private static String env(String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue)
                .findFirst().orElseThrow(() -> new AssertionError("no env " + name + " in " + container.getEnv()));
    }

    private static VolumeMount mountAt(String path) {
        return container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at " + path));
    }

    private static Volume volume(String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static void assertProbe(Probe probe, String path) {
        assertNotNull(probe, path);
        HTTPGetAction get = probe.getHttpGet();
        assertEquals(path, get.getPath());
        assertTrue(Integer.valueOf(port).equals(get.getPort().getIntVal()) || "http".equals(get.getPort().getStrVal()),
                path + " probes port " + get.getPort());
    }

    /** A JVM size option ({@code -Xmx160m}, {@code -XX:MaxMetaspaceSize=64m}) in bytes. */
    private static long jvmSize(String options, String option) {
        Matcher m = Pattern.compile(Pattern.quote(option) + "(\\d+)([kKmMgG]?)(\\s|$)").matcher(options);
        assertTrue(m.find(), option + " missing from JAVA_TOOL_OPTIONS: " + options);
        long value = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase()) {
            case "k" -> value << 10;
            case "m" -> value << 20;
            case "g" -> value << 30;
            default -> value;
        };
    }
}
