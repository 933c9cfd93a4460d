package io.containerdregistry.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The verdict from what containerd says, with CRI configurations as containerd 1.6's verbose status shows them. */
class SetupRulesTest {
    private static final Path HOSTS = Path.of("/etc/containerd/certs.d");
    private static final SetupRules RULES = new SetupRules(HOSTS);
    private static final ContainerdView.Plugin CONTENT = new ContainerdView.Plugin("io.containerd.content.v1", "content",
            Map.of("root", "/var/lib/containerd/io.containerd.content.v1.content"), Optional.empty());
    private static final ContainerdView.Plugin CRI = new ContainerdView.Plugin("io.containerd.grpc.v1", "cri", Map.of(),
            Optional.empty());
    private static final ContentFiles READABLE = new ContentFiles(
            Optional.of(Path.of("/var/lib/containerd/io.containerd.content.v1.content")),
            ContentFiles.Origin.CONTENT_PLUGIN, true);

    /** A shortened {@code info["config"]} of containerd 1.6.20, with the two values the rules read. */
    private static String criConfig(String configPath, boolean discard) {
        return """
                {"containerd":{"snapshotter":"overlayfs","defaultRuntimeName":"runc","discardUnpackedLayers":%s,
                "ignoreRdtNotEnabledErrors":false},"cni":{"binDir":"/opt/cni/bin","confDir":"/etc/cni/net.d"},
                "registry":{"configPath":"%s","mirrors":null,"configs":null,"auths":null,"headers":null},
                "sandboxImage":"registry.k8s.io/pause:3.6","containerdRootDir":"/var/lib/containerd"}
                """.formatted(discard, configPath);
    }

    private static ContainerdView view(String version, Optional<String> criConfig, ContainerdView.Plugin... plugins) {
        return new ContainerdView(version, List.of(plugins), criConfig);
    }

    private static Finding finding(Verdict verdict, Check check) {
        return verdict.findings().stream().filter(f -> f.check() == check).findFirst().orElseThrow();
    }

    @Test
    void configPathThatNamesTheHostsDirectoryAndKeptLayersMeanTheMirrorIsUsed() {
        Verdict verdict = RULES.judge(view("1.6.20~ds1", Optional.of(criConfig("/etc/containerd/certs.d", false)),
                CONTENT, CRI), READABLE);

        assertEquals(List.of(), verdict.problems());
        assertEquals(Verdict.MirrorUse.USED, verdict.mirrorUse());
        assertEquals(Check.values().length, verdict.findings().size());
        assertTrue(verdict.summary().startsWith("containerd will use this mirror: "), verdict.summary());
    }

    @Test
    void configPathMayListSeveralDirectoriesWithTrailingSlashes() {
        Verdict verdict = RULES.judge(view("v1.7.2", Optional.of(criConfig("/etc/docker/certs.d:/etc/containerd/certs.d/",
                false)), CONTENT, CRI), READABLE);

        assertEquals(Finding.Status.OK, finding(verdict, Check.CONFIG_PATH).status());
    }

    @Test
    void emptyConfigPathMeansTheMirrorIsNotUsedAndNamesTheFix() {
        Verdict verdict = RULES.judge(view("1.6.20", Optional.of(criConfig("", false)), CONTENT, CRI), READABLE);

        assertEquals(Verdict.MirrorUse.NOT_USED, verdict.mirrorUse());
        assertEquals(List.of(Check.CONFIG_PATH), verdict.problems().stream().map(Finding::check).toList());
        assertEquals("containerd will not use this mirror: CRI registry config_path is empty, so hosts.toml files are "
                + "not read; fix: set [plugins.\"io.containerd.grpc.v1.cri\".registry] config_path = "
                + "\"/etc/containerd/certs.d\" and restart containerd", verdict.summary());
    }

    @Test
    void configPathElsewhereIsAProblem() {
        Verdict verdict = RULES.judge(view("1.6.20", Optional.of(criConfig("/etc/docker/certs.d", false)), CONTENT, CRI),
                READABLE);

        Finding configPath = finding(verdict, Check.CONFIG_PATH);
        assertTrue(configPath.isProblem());
        assertTrue(configPath.message().contains("does not include /etc/containerd/certs.d"), configPath.message());
    }

    @Test
    void discardedLayersLeaveTheMirrorUsedButNotServedToPeers() {
        Verdict verdict = RULES.judge(view("1.6.20", Optional.of(criConfig("/etc/containerd/certs.d", true)), CONTENT, CRI),
                READABLE);

        assertEquals(Verdict.MirrorUse.USED, verdict.mirrorUse());
        Finding layers = finding(verdict, Check.UNPACKED_LAYERS);
        assertTrue(layers.isProblem());
        assertEquals(Optional.of("set [plugins.\"io.containerd.grpc.v1.cri\".containerd] discard_unpacked_layers = false "
                + "and restart containerd"), layers.fix());
    }

    @Test
    void withoutTheCriPluginKubeletDoesNotUseThisContainerd() {
        Verdict verdict = RULES.judge(view("1.6.20", Optional.empty(), CONTENT), READABLE);

        assertEquals(Verdict.MirrorUse.NOT_USED, verdict.mirrorUse());
        assertEquals("no CRI plugin: kubelet does not use this containerd", finding(verdict, Check.CRI).message());
        assertEquals(Finding.Status.UNKNOWN, finding(verdict, Check.CONFIG_PATH).status());
        assertEquals(Finding.Status.UNKNOWN, finding(verdict, Check.UNPACKED_LAYERS).status());
    }

    @Test
    void aCriPluginThatFailedToStartIsNamedWithItsError() {
        ContainerdView.Plugin failed = new ContainerdView.Plugin("io.containerd.grpc.v1", "cri", Map.of(),
                Optional.of("invalid plugin config: `mirrors` cannot be set when `config_path` is provided"));
        Verdict verdict = RULES.judge(view("1.6.20", Optional.empty(), CONTENT, failed), READABLE);

        assertTrue(finding(verdict, Check.CRI).message().contains("`mirrors` cannot be set"));
    }

    @Test
    void aContainerdBeforeOneFiveIgnoresHostsToml() {
        Verdict verdict = RULES.judge(view("v1.4.13", Optional.of(criConfig("/etc/containerd/certs.d", false)),
                CONTENT, CRI), READABLE);

        assertTrue(finding(verdict, Check.VERSION).isProblem());
        assertEquals(Verdict.MirrorUse.NOT_USED, verdict.mirrorUse());
    }

    @Test
    void aConfigWithoutTheKeysLeavesThemUnknownNotWrong() {
        Verdict verdict = RULES.judge(view("2.0.0", Optional.of("{\"enableCDI\":true}"), CONTENT, CRI), READABLE);

        assertEquals(Finding.Status.UNKNOWN, finding(verdict, Check.CONFIG_PATH).status());
        assertEquals(Finding.Status.UNKNOWN, finding(verdict, Check.UNPACKED_LAYERS).status());
        assertEquals(List.of(), verdict.problems());
        assertEquals(Verdict.MirrorUse.UNKNOWN, verdict.mirrorUse());
        assertTrue(verdict.summary().startsWith("containerd may use this mirror (not everything could be checked): "),
                verdict.summary());
    }

    @Test
    void anUnreadableContentRootMeansSlowerReadsAndNamesTheMount() {
        ContentFiles unmounted = new ContentFiles(
                Optional.of(Path.of("/var/lib/rancher/k3s/agent/containerd/io.containerd.content.v1.content")),
                ContentFiles.Origin.CONTENT_PLUGIN, false);
        Verdict verdict = RULES.judge(view("1.7.11-k3s2", Optional.of(criConfig("/etc/containerd/certs.d", false)),
                CONTENT, CRI), unmounted);

        assertEquals(Verdict.MirrorUse.USED, verdict.mirrorUse());
        Finding dir = finding(verdict, Check.CONTENT_DIR);
        assertTrue(dir.isProblem());
        assertTrue(dir.fix().orElseThrow().startsWith(
                "mount the hostPath /var/lib/rancher/k3s/agent/containerd/io.containerd.content.v1.content read-only"),
                dir.fix().orElseThrow());
        assertTrue(verdict.summary().startsWith("blob reads go through containerd's gRPC Read (slower): "),
                verdict.summary());
    }

    /** Found by the attack run: containerd before 2.1 ignores the dial_timeout the mirror's hosts.toml sets. */
    @Test
    void aContainerdThatIgnoresDialTimeoutIsSaidToWhileTheMirrorStillCounts() {
        Optional<String> config = Optional.of(criConfig("/etc/containerd/certs.d", false));
        Verdict old = RULES.judge(view("1.6.20~ds1", config, CONTENT, CRI), READABLE);
        Finding version = finding(old, Check.VERSION);
        assertEquals(Finding.Status.OK, version.status(), version.describe());
        assertTrue(version.message().contains("ignores its dial_timeout"), version.message());
        Finding recent = finding(RULES.judge(view("v2.1.0", config, CONTENT, CRI), READABLE), Check.VERSION);
        assertTrue(recent.message().contains("dial_timeout included"), recent.message());
    }

    @Test
    void versionsAreReadFromTheirLeadingNumbers() {
        assertEquals(Optional.of(new ContainerdVersion(1, 6)), ContainerdVersion.parse("1.6.20~ds1"));
        assertEquals(Optional.of(new ContainerdVersion(1, 7)), ContainerdVersion.parse("v1.7.11-k3s2"));
        assertEquals(Optional.of(new ContainerdVersion(2, 0)), ContainerdVersion.parse("2.0.0-rc.1"));
        assertEquals(Optional.empty(), ContainerdVersion.parse("devel"));
    }
}
