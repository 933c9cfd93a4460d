package io.containerdregistry.doctor;

import java.util.List;
import java.util.Optional;

/**
 * What containerd says about itself: its version, its plugins, and what its CRI plugin answers to a verbose
 * {@code RuntimeService/Status}.
 *
 * @param version   the Version service's version string, as containerd wrote it ({@code 1.6.20~ds1}, {@code v1.7.2})
 * @param plugins   the introspection service's plugin list
 * @param criConfig the CRI plugin's configuration (JSON, the {@code config} entry of the status info); empty when
 *                  containerd does not serve the CRI runtime service
 */
public record ContainerdView(String version, List<Plugin> plugins, Optional<String> criConfig) {
    /** Plugin type of containerd's content store. */
    public static final String CONTENT_TYPE = "io.containerd.content.v1";
    /** Plugin type and id of the CRI plugin kubelet talks to. */
    static final String CRI_TYPE = "io.containerd.grpc.v1";
    static final String CRI_ID = "cri";

    public ContainerdView {
        plugins = List.copyOf(plugins);
    }

    /** The plugin of this type and id, if containerd has it. */
    Optional<Plugin> plugin(String type, String id) {
        return plugins.stream().filter(p -> p.type().equals(type) && p.id().equals(id)).findFirst();
    }

    /**
     * One containerd plugin.
     *
     * @param exports   values the plugin publishes, such as the content store's {@code root}
     * @param initError why it failed to initialise, if it did (it then cannot be used)
     */
    public record Plugin(String type, String id, java.util.Map<String, String> exports, Optional<String> initError) {
        public Plugin {
            exports = java.util.Map.copyOf(exports);
        }
    }
}
