package io.containerdregistry.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceLabelsTest {
    private static final String NATIVE = "containerd-registry";

    private static SourceLabels.Source source(String name) {
        return SourceLabels.of(name, NATIVE);
    }

    @Test
    void namesStartingWithAHostSplitThereAsContainerdWritesThem() {
        assertEquals(new SourceLabels.Source("docker.io", "library/alpine"), source("docker.io/library/alpine"));
        assertEquals(new SourceLabels.Source("localhost:5000", "team/app"), source("localhost:5000/team/app"));
        assertEquals(new SourceLabels.Source("localhost", "app"), source("localhost/app"));
        assertEquals(new SourceLabels.Source("ghcr.io", "org/tool"), source("ghcr.io/org/tool"));
        assertEquals("containerd.io/distribution.source.docker.io", source("docker.io/library/alpine").key());
    }

    @Test
    void otherNamesTakeTheNativeHostWhole() {
        assertEquals(new SourceLabels.Source(NATIVE, "team/app"), source("team/app"));
        assertEquals(new SourceLabels.Source(NATIVE, "app"), source("app"));
        assertEquals(new SourceLabels.Source(NATIVE, "docker/library/alpine"), source("docker/library/alpine"));
    }

    @Test
    void theNativeHostMustNotLookLikeAHost() {
        assertEquals(NATIVE, Readers.requireNativeHost(NATIVE));
        for (String bad : new String[] {"registry.local", "host:5000", "localhost", "", "Upper", "-x", "a/b"}) {
            assertThrows(IllegalArgumentException.class, () -> Readers.requireNativeHost(bad), bad);
        }
    }

    @Test
    void addingKeepsContainerdsSortedDuplicateFreeFormat() {
        Map<String, String> labels = Map.of("containerd.io/distribution.source.docker.io", "library/busybox,library/zz");
        Map<String, String> changes = SourceLabels.adding(labels, source("docker.io/library/alpine"));
        assertEquals(Map.of("containerd.io/distribution.source.docker.io", "library/alpine,library/busybox,library/zz"),
                changes);
        assertEquals(Map.of(), SourceLabels.adding(labels, source("docker.io/library/busybox")));
        assertEquals(Map.of("containerd.io/distribution.source." + NATIVE, "team/app"),
                SourceLabels.adding(labels, source("team/app")));
    }

    @Test
    void listsMatchesWholePathsOnTheRightHostOnly() {
        Map<String, String> labels = Map.of("containerd.io/distribution.source.docker.io", "library/alpine,team/app2");
        assertTrue(SourceLabels.lists(labels, source("docker.io/library/alpine")));
        assertFalse(SourceLabels.lists(labels, source("docker.io/team/app")));
        assertFalse(SourceLabels.lists(labels, source("quay.io/library/alpine")));
        assertFalse(SourceLabels.lists(labels, source("library/alpine")));
        assertFalse(SourceLabels.lists(Map.of(), source("team/app")));
    }

    @Test
    void pathsThatNoLongerFitSpillIntoFurtherLabelsThatStayValid() {
        Map<String, String> labels = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            SourceLabels.Source source = source("team-" + i + "/application-with-a-rather-long-name");
            Map<String, String> changes = SourceLabels.adding(labels, source);
            assertEquals(1, changes.size());
            changes.forEach((key, value) -> assertTrue(SourceLabels.fits(key, value), key));
            labels.putAll(changes);
        }
        assertTrue(labels.size() > 1, "spilled: " + labels.keySet());
        assertTrue(labels.containsKey("containerd-registry.io/distribution.source." + NATIVE + ".1"));
        for (int i = 0; i < 400; i++) {
            assertTrue(SourceLabels.lists(labels, source("team-" + i + "/application-with-a-rather-long-name")), "" + i);
        }
        assertFalse(SourceLabels.lists(labels, source("team-400/application-with-a-rather-long-name")));
        labels.forEach((key, value) -> assertTrue(SourceLabels.fits(key, value), key));
    }

    @Test
    void spillLabelsOfAnotherHostOrShapeAreNotRead() {
        Map<String, String> labels = Map.of(
                "containerd-registry.io/distribution.source.docker.io.x", "library/alpine",
                "containerd-registry.io/distribution.source.docker.io.1.2", "library/alpine",
                "containerd-registry.io/distribution.source.quay.io.1", "library/alpine");
        assertFalse(SourceLabels.lists(labels, source("docker.io/library/alpine")));
        assertTrue(SourceLabels.lists(Map.of("containerd-registry.io/distribution.source.docker.io.7", "library/alpine"),
                source("docker.io/library/alpine")));
    }

    @Test
    void removingTakesOnlyThatRepositoryOffAndEmptiesALabelToDeleteIt() {
        Map<String, String> labels = Map.of(
                "containerd.io/distribution.source." + NATIVE, "team/app,team/other",
                "containerd-registry.io/distribution.source." + NATIVE + ".1", "team/app",
                "containerd.io/distribution.source.docker.io", "team/app");
        Map<String, String> changes = SourceLabels.removing(labels, source("team/app"));
        assertEquals(Map.of(
                "containerd.io/distribution.source." + NATIVE, "team/other",
                "containerd-registry.io/distribution.source." + NATIVE + ".1", ""), changes);
        assertTrue(SourceLabels.listsOthers(labels, source("team/app")));
        assertTrue(SourceLabels.listsOthers(Map.of("containerd.io/distribution.source.docker.io", "team/app"),
                source("team/app")), "the same path on another host is another repository");
        assertFalse(SourceLabels.listsOthers(Map.of("containerd.io/distribution.source." + NATIVE, "team/app",
                "containerd.io/gc.ref.content.l.0", "sha256:x"), source("team/app")));
    }
}
