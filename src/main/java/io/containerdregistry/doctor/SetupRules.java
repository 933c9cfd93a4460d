package io.containerdregistry.doctor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Whether a node's containerd is set up so that kubelet's pulls go through this registry: from what containerd says
 * about itself, the hosts directory the registry's {@code hosts.toml} files are written into, and where the registry
 * reads blob files. Pure: no I/O.
 */
final class SetupRules {
    static final String CRI_TABLE = "[plugins.\"io.containerd.grpc.v1.cri\"";
    private static final String RESTART = " and restart containerd";

    private final Path hostsDir;

    /** @param hostsDir the directory whose {@code <host>/hosts.toml} files name this registry as a mirror */
    SetupRules(Path hostsDir) {
        this.hostsDir = hostsDir.normalize();
    }

    Verdict judge(ContainerdView view, ContentFiles files) {
        List<Finding> findings = new ArrayList<>();
        findings.add(version(view.version()));
        findings.add(contentPlugin(view));
        findings.add(contentDir(files));
        Optional<Finding> criMissing = criMissing(view);
        if (criMissing.isPresent()) {
            findings.add(criMissing.get());
            String why = "not known without the CRI plugin";
            findings.add(Finding.unknown(Check.CONFIG_PATH, why));
            findings.add(Finding.unknown(Check.UNPACKED_LAYERS, why));
            return new Verdict(findings);
        }
        findings.add(Finding.ok(Check.CRI, "CRI plugin serves kubelet's runtime service"));
        CriPluginConfig config = CriPluginConfig.parse(view.criConfig().orElseThrow());
        findings.add(configPath(config));
        findings.add(unpackedLayers(config));
        return new Verdict(findings);
    }

    private static Optional<Finding> criMissing(ContainerdView view) {
        Optional<ContainerdView.Plugin> cri = view.plugin(ContainerdView.CRI_TYPE, ContainerdView.CRI_ID);
        if (cri.isPresent() && cri.get().initError().isPresent()) {
            return Optional.of(Finding.problem(Check.CRI,
                    "CRI plugin failed to start: " + cri.get().initError().get(),
                    "correct the CRI plugin's configuration (containerd's log names the error)" + RESTART));
        }
        if (cri.isEmpty() || view.criConfig().isEmpty()) {
            return Optional.of(Finding.problem(Check.CRI,
                    "no CRI plugin: kubelet does not use this containerd",
                    "point the registry at kubelet's containerd (registry.containerd.address, the socket kubelet's "
                            + "--container-runtime-endpoint names), or remove \"io.containerd.grpc.v1.cri\" from "
                            + "containerd's disabled_plugins" + RESTART));
        }
        return Optional.empty();
    }

    private Finding configPath(CriPluginConfig config) {
        String fix = "set " + CRI_TABLE + ".registry] config_path = \"" + hostsDir + "\"" + RESTART;
        if (config.configPath().isEmpty()) {
            return Finding.unknown(Check.CONFIG_PATH, "the CRI plugin's status does not show its registry config_path");
        }
        String configured = config.configPath().get();
        if (configured.isBlank()) {
            return Finding.problem(Check.CONFIG_PATH, "CRI registry config_path is empty, so hosts.toml files are not read",
                    fix);
        }
        boolean covers = Arrays.stream(configured.split(":")).filter(s -> !s.isBlank())
                .anyMatch(entry -> Path.of(entry).normalize().equals(hostsDir));
        if (!covers) {
            return Finding.problem(Check.CONFIG_PATH, "CRI registry config_path \"" + configured
                    + "\" does not include " + hostsDir + ", where this registry's hosts.toml files are",
                    "add " + hostsDir + " to config_path (entries are separated by ':')" + RESTART
                            + ", or set registry.doctor.hosts-dir (and the init container's --config-dir) to a "
                            + "directory config_path names");
        }
        return Finding.ok(Check.CONFIG_PATH, "CRI registry config_path \"" + configured + "\" includes " + hostsDir);
    }

    private static Finding unpackedLayers(CriPluginConfig config) {
        if (config.discardUnpackedLayers().isEmpty()) {
            return Finding.unknown(Check.UNPACKED_LAYERS, "the CRI plugin's status does not show discard_unpacked_layers");
        }
        if (config.discardUnpackedLayers().get()) {
            return Finding.problem(Check.UNPACKED_LAYERS,
                    "discard_unpacked_layers is true, so layers leave the content store once unpacked",
                    "set " + CRI_TABLE + ".containerd] discard_unpacked_layers = false" + RESTART);
        }
        return Finding.ok(Check.UNPACKED_LAYERS, "unpacked layers are kept");
    }

    private static Finding version(String version) {
        Optional<ContainerdVersion> parsed = ContainerdVersion.parse(version);
        if (parsed.isEmpty()) {
            return Finding.unknown(Check.VERSION, "containerd version \"" + version + "\" not recognised");
        }
        if (parsed.get().compareTo(ContainerdVersion.HOSTS_TOML) < 0) {
            return Finding.problem(Check.VERSION, "containerd " + version + " predates hosts.toml (config_path needs 1.5)",
                    "upgrade containerd to 1.5 or later");
        }
        if (parsed.get().compareTo(ContainerdVersion.DIAL_TIMEOUT) < 0) {
            // the mirror is used all the same; only the fall-back from a mirror that hangs is slower
            return Finding.ok(Check.VERSION, "containerd " + version + " reads hosts.toml but ignores its dial_timeout"
                    + " (2.1 and later honour it): a mirror that accepts connections and then hangs delays pulls by"
                    + " containerd's own timeouts before it falls back");
        }
        return Finding.ok(Check.VERSION, "containerd " + version + " reads hosts.toml, dial_timeout included");
    }

    private static Finding contentPlugin(ContainerdView view) {
        Optional<ContainerdView.Plugin> content = view.plugins().stream()
                .filter(p -> p.type().equals(ContainerdView.CONTENT_TYPE)).findFirst();
        if (content.isEmpty()) {
            return Finding.problem(Check.CONTENT_PLUGIN, "containerd has no content plugin",
                    "remove \"" + ContainerdView.CONTENT_TYPE + ".content\" from containerd's disabled_plugins" + RESTART);
        }
        if (content.get().initError().isPresent()) {
            return Finding.problem(Check.CONTENT_PLUGIN, "content plugin failed to start: " + content.get().initError().get(),
                    "correct containerd's root directory (containerd's log names the error)" + RESTART);
        }
        return Finding.ok(Check.CONTENT_PLUGIN, "content store at "
                + Optional.ofNullable(content.get().exports().get("root")).orElse("(no root exported)"));
    }

    private static Finding contentDir(ContentFiles files) {
        if (files.readable()) {
            return Finding.ok(Check.CONTENT_DIR, "blobs are sent from the files in " + files.directory().orElseThrow());
        }
        if (files.directory().isEmpty()) {
            return Finding.problem(Check.CONTENT_DIR, "containerd's content plugin exports no root directory",
                    "set registry.containerd.content-dir to containerd's <root>/io.containerd.content.v1.content, "
                            + "mounted read-only into the registry");
        }
        Path dir = files.directory().get();
        if (files.origin() == ContentFiles.Origin.CONFIGURED) {
            return Finding.problem(Check.CONTENT_DIR, "registry.containerd.content-dir " + dir + " is not readable here",
                    "mount containerd's content directory read-only at " + dir
                            + ", or unset registry.containerd.content-dir to use the directory containerd names");
        }
        return Finding.problem(Check.CONTENT_DIR, "containerd's content directory " + dir + " is not readable here",
                "mount the hostPath " + dir + " read-only at the same path in the registry's pod "
                        + "(the DaemonSet's containerd-content volume), or set registry.containerd.content-dir to where "
                        + "it is mounted");
    }
}
