package io.containerdregistry.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pod of a generated DaemonSet, turned into {@code ctr run} arguments the way the kubelet would run its
 * containers: host network, the volumes mounted where the manifest says (host paths swapped for the test's own
 * directories), the container's environment, command and arguments, and its security context (read-only root
 * filesystem, dropped capabilities, no privilege escalation, the runtime's default seccomp profile, memory limit).
 */
final class PodInContainerd {
    /** linux/capability.h, 0 to 40. */
    static final List<String> ALL_CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
            "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
            "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
            "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
            "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
            "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
            "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");
    private final PodSpec pod;
    private final Map<String, Path> hostPaths;
    private final Map<String, String> fieldValues;
    private final Map<String, String> clusterEnvironment;
    private final Path emptyDirs;

    private PodInContainerd(PodSpec pod, Map<String, Path> hostPaths, Map<String, String> fieldValues,
            Map<String, String> clusterEnvironment, Path emptyDirs) {
        this.pod = pod;
        this.hostPaths = hostPaths;
        this.fieldValues = fieldValues;
        this.clusterEnvironment = clusterEnvironment;
        this.emptyDirs = emptyDirs;
    }

    /**
     * Reads the DaemonSet's pod from {@code manifest}. {@code hostPaths} maps each hostPath volume's path to the
     * test's stand-in, {@code fieldValues} each {@code fieldRef} path to its value; {@code clusterEnvironment} is
     * what the cluster adds to every container's environment (where its API server is, as the kubelet's
     * {@code KUBERNETES_SERVICE_*} variables say in a real pod); emptyDir volumes become fresh directories under
     * {@code emptyDirs}.
     */
    static PodInContainerd read(Path manifest, Map<String, Path> hostPaths, Map<String, String> fieldValues,
            Map<String, String> clusterEnvironment, Path emptyDirs) throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        try (var parser = yaml.createParser(manifest.toFile())) {
            for (JsonNode document : yaml.readValues(parser, JsonNode.class).readAll()) {
                if ("DaemonSet".equals(document.path("kind").asText())) {
                    DaemonSet daemonSet = yaml.convertValue(document, DaemonSet.class);
                    return new PodInContainerd(daemonSet.getSpec().getTemplate().getSpec(), hostPaths, fieldValues,
                            clusterEnvironment, emptyDirs);
                }
            }
        }
        throw new IllegalStateException("no DaemonSet in " + manifest);
    }

    /** The pod's only application container. */
    Container registry() {
        if (pod.getContainers().size() != 1) {
            throw new IllegalStateException("expected one container, found " + pod.getContainers().size());
        }
        return pod.getContainers().get(0);
    }

    Container initContainer(String name) {
        return pod.getInitContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no init container " + name));
    }

    /** {@code ctr run} arguments (after {@code run}) that start {@code container} as {@code id}, its image as named. */
    List<String> runArguments(Container container, String id, String... options) throws IOException {
        List<String> arguments = new ArrayList<>(List.of(options));
        if (Boolean.TRUE.equals(pod.getHostNetwork())) {
            arguments.add("--net-host");
        }
        if (pod.getSecurityContext() != null && pod.getSecurityContext().getSeccompProfile() != null
                && "RuntimeDefault".equals(pod.getSecurityContext().getSeccompProfile().getType())) {
            arguments.add("--seccomp");
        }
        arguments.addAll(security(container.getSecurityContext()));
        Quantity memory = container.getResources() == null || container.getResources().getLimits() == null ? null
                : container.getResources().getLimits().get("memory");
        if (memory != null) {
            arguments.add("--memory-limit=" + Quantity.getAmountInBytes(memory).longValueExact());
        }
        for (VolumeMount mount : container.getVolumeMounts()) {
            arguments.add("--mount=type=bind,src=" + source(mount.getName()) + ",dst=" + mount.getMountPath()
                    + ",options=rbind:" + (Boolean.TRUE.equals(mount.getReadOnly()) ? "ro" : "rw"));
        }
        for (EnvVar env : container.getEnv()) {
            arguments.add("--env=" + env.getName() + "=" + value(env));
        }
        clusterEnvironment.forEach((name, value) -> arguments.add("--env=" + name + "=" + value));
        arguments.add(container.getImage());
        arguments.add(id);
        arguments.addAll(container.getCommand());
        arguments.addAll(container.getArgs());
        return arguments;
    }

    private static List<String> security(SecurityContext context) {
        List<String> arguments = new ArrayList<>();
        if (context == null) {
            return arguments;
        }
        if (Boolean.TRUE.equals(context.getReadOnlyRootFilesystem())) {
            arguments.add("--read-only");
        }
        if (context.getCapabilities() != null) {
            context.getCapabilities().getDrop().stream().flatMap(cap -> capabilities(cap).stream())
                    .forEach(cap -> arguments.add("--cap-drop=" + cap));
            context.getCapabilities().getAdd().stream().flatMap(cap -> capabilities(cap).stream())
                    .forEach(cap -> arguments.add("--cap-add=" + cap));
        }
        if (!Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
            arguments.add("--allow-new-privs");
        }
        if (context.getRunAsUser() != null && context.getRunAsUser() != 0) {
            throw new IllegalStateException("ctr runs the image's user; the manifest asks for " + context.getRunAsUser());
        }
        return arguments;
    }

    /** ctr takes capabilities by their kernel names only; {@code ALL} is every capability Linux 6 has. */
    private static List<String> capabilities(String name) {
        if (name.equals("ALL")) {
            return ALL_CAPABILITIES;
        }
        return List.of(name.startsWith("CAP_") ? name : "CAP_" + name);
    }

    private Path source(String volumeName) throws IOException {
        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(volumeName)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no volume " + volumeName));
        if (volume.getHostPath() != null) {
            Path standIn = hostPaths.get(volume.getHostPath().getPath());
            if (standIn == null) {
                throw new IllegalStateException("no stand-in for hostPath " + volume.getHostPath().getPath());
            }
            return standIn;
        }
        if (volume.getEmptyDir() != null) {
            return Files.createDirectories(emptyDirs.resolve(volumeName));
        }
        throw new IllegalStateException("volume " + volumeName + " is neither hostPath nor emptyDir");
    }

    private String value(EnvVar env) {
        if (env.getValueFrom() == null) {
            return env.getValue();
        }
        String field = env.getValueFrom().getFieldRef().getFieldPath();
        String value = fieldValues.get(field);
        if (value == null) {
            throw new IllegalStateException("no value for " + env.getName() + " from " + field);
        }
        return value;
    }
}
