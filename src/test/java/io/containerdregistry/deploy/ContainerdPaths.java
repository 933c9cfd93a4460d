package io.containerdregistry.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;

/**
 * Where a Kubernetes distribution's containerd keeps its socket, its content directory and the hosts directory its
 * CRI plugin reads ({@code config_path}), as docs/install.md gives them, and what the distribution's kustomize
 * overlay must therefore make of the generated DaemonSet.
 */
record ContainerdPaths(String overlay, String socket, String contentDir, String hostsDir) {
    static final ContainerdPaths CONTAINERD = new ContainerdPaths("containerd",
            "/run/containerd/containerd.sock",
            "/var/lib/containerd/io.containerd.content.v1.content",
            "/etc/containerd/certs.d");
    static final ContainerdPaths K3S = new ContainerdPaths("k3s",
            "/run/k3s/containerd/containerd.sock",
            "/var/lib/rancher/k3s/agent/containerd/io.containerd.content.v1.content",
            "/var/lib/rancher/k3s/agent/etc/containerd/certs.d");
    static final ContainerdPaths RKE2 = new ContainerdPaths("rke2",
            "/run/k3s/containerd/containerd.sock",
            "/var/lib/rancher/rke2/agent/containerd/io.containerd.content.v1.content",
            "/var/lib/rancher/rke2/agent/etc/containerd/certs.d");
    static final ContainerdPaths K0S = new ContainerdPaths("k0s",
            "/run/k0s/containerd.sock",
            "/var/lib/k0s/containerd/io.containerd.content.v1.content",
            "/etc/k0s/containerd.d/certs.d");

    static final String REGISTRY_CONTAINER = "containerd-registry";
    static final String HOSTS_TOML_CONTAINER = "hosts-toml";
    static final String CONTENT_DIR_VARIABLE = "REGISTRY_CONTAINERD_CONTENT_DIR";

    static List<ContainerdPaths> all() {
        return List.of(CONTAINERD, K3S, RKE2, K0S);
    }

    /**
     * The DaemonSet with this distribution's paths: each hostPath volume points at them and is mounted at the same
     * path in the pod, {@code CONTAINERD_ADDRESS} names the socket, the init container's {@code --config-dir} and the
     * registry's {@code HOSTS_CONFIG_DIR} (the containerd doctor's) the hosts directory, and a content directory other than containerd's default is named to the registry (which looks
     * only there by itself). Nothing else differs.
     */
    ObjectNode applyTo(JsonNode daemonSet) {
        ObjectNode expected = daemonSet.deepCopy();
        ObjectNode pod = (ObjectNode) expected.path("spec").path("template").path("spec");
        moveVolume(pod, "containerd-socket", socket);
        moveVolume(pod, "containerd-content", contentDir);
        moveVolume(pod, "containerd-certs", hostsDir);
        ObjectNode registry = named(pod.withArray("containers"), REGISTRY_CONTAINER);
        named(registry.withArray("env"), "CONTAINERD_ADDRESS").put("value", socket);
        named(registry.withArray("env"), "HOSTS_CONFIG_DIR").put("value", hostsDir);
        if (!contentDir.equals(CONTAINERD.contentDir())) {
            registry.withArray("env").addObject().put("name", CONTENT_DIR_VARIABLE).put("value", contentDir);
        }
        ArrayNode args = named(pod.withArray("initContainers"), HOSTS_TOML_CONTAINER).withArray("args");
        args.set(indexAfter(args, "--config-dir"), TextNode.valueOf(hostsDir));
        return expected;
    }

    /** Points the named hostPath volume at the path and mounts it there in every container that mounts it. */
    private static void moveVolume(ObjectNode pod, String volume, String path) {
        named(pod.withArray("volumes"), volume).with("hostPath").put("path", path);
        for (String containers : List.of("containers", "initContainers")) {
            for (JsonNode container : pod.withArray(containers)) {
                for (JsonNode mount : container.path("volumeMounts")) {
                    if (volume.equals(mount.path("name").asText())) {
                        ((ObjectNode) mount).put("mountPath", path);
                    }
                }
            }
        }
    }

    /** The element of a list of named objects (containers, volumes, env) with that name. */
    static ObjectNode named(ArrayNode list, String name) {
        for (JsonNode element : list) {
            if (name.equals(element.path("name").asText())) {
                return (ObjectNode) element;
            }
        }
        throw new AssertionError("no " + name + " in " + list);
    }

    private static int indexAfter(ArrayNode args, String flag) {
        for (int i = 0; i + 1 < args.size(); i++) {
            if (flag.equals(args.get(i).asText())) {
                return i + 1;
            }
        }
        throw new AssertionError("no " + flag + " <value> in " + args);
    }
}
