package io.containerdregistry.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Http;
import io.fabric8.kubernetes.api.model.Event;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real containerd 1.6 whose CRI plugin runs without {@code config_path} and with
 * {@code discard_unpacked_layers = true}: kubelet's pulls would never reach the mirror, and what the node pulls would
 * not stay for its peers. Readiness stays UP; the problems are in its details, the gauges and one Event on the node.
 */
@QuarkusTest
@WithTestResource(value = ContainerdTestResource.class, initArgs = {
        @ResourceArg(name = "cri", value = "no-config-path"),
        @ResourceArg(name = "discard-unpacked-layers", value = "true")})
@WithTestResource(NodeEventsApiServer.class)
class MisconfiguredContainerdTest {
    private static final Path HOSTS = Path.of("target", "containerd-test-cri-no-config-path", "certs.d").toAbsolutePath();

    @Test
    void theMirrorIsNotUsedAndEachProblemNamesItsFixWhileReadinessStaysUp() {
        Map<String, Object> data = MirrorSetupHealth.awaitVerdict();

        assertEquals("UP", MirrorSetupHealth.checkResponse().get("status"));
        assertEquals("not used", data.get("mirror"), data.toString());
        assertEquals(2, data.get("problems"), data.toString());
        assertEquals("problem: CRI registry config_path is empty, so hosts.toml files are not read; fix: set "
                + "[plugins.\"io.containerd.grpc.v1.cri\".registry] config_path = \"" + HOSTS
                + "\" and restart containerd", data.get("config_path"));
        assertEquals("problem: discard_unpacked_layers is true, so layers leave the content store once unpacked; fix: "
                + "set [plugins.\"io.containerd.grpc.v1.cri\".containerd] discard_unpacked_layers = false and restart "
                + "containerd", data.get("unpacked_layers"));
        assertEquals("ok: CRI plugin serves kubelet's runtime service", data.get("cri"));

        assertEquals(2.0, MirrorSetupHealth.problems());
        assertEquals(0.0, MirrorSetupHealth.ok(Check.CONFIG_PATH));
        assertEquals(0.0, MirrorSetupHealth.ok(Check.UNPACKED_LAYERS));
        assertEquals(1.0, MirrorSetupHealth.ok(Check.CRI));
        assertEquals(1.0, MirrorSetupHealth.ok(Check.VERSION));
        assertEquals(1.0, MirrorSetupHealth.ok(Check.CONTENT_DIR));
    }

    @Test
    void oneWarningEventOnTheNodeNamesTheFixesAndAnUnchangedVerdictPostsNoOther() throws InterruptedException {
        MirrorSetupHealth.awaitVerdict();
        List<Event> events = Http.await(Duration.ofSeconds(15), MisconfiguredContainerdTest::events, e -> !e.isEmpty());
        Thread.sleep(3500); // the doctor checks every second: three more unchanged verdicts

        events = events();
        assertEquals(1, events.size(), events.toString());
        Event event = events.get(0);
        assertEquals("Node", event.getInvolvedObject().getKind());
        assertEquals(NodeEventsApiServer.NODE, event.getInvolvedObject().getName());
        assertEquals("Warning", event.getType());
        assertEquals(NodeEvents.REASON_NOT_USED, event.getReason());
        assertEquals(NodeEvents.COMPONENT, event.getSource().getComponent());
        assertTrue(event.getMessage().startsWith("containerd will not use this mirror: CRI registry config_path is "
                + "empty"), event.getMessage());
        assertTrue(event.getMessage().contains(" | this node cannot serve what it pulls to its peers: "
                + "discard_unpacked_layers is true"), event.getMessage());
    }

    private static List<Event> events() {
        return NodeEventsApiServer.client.v1().events().inNamespace(NodeEventsApiServer.NAMESPACE).list().getItems();
    }
}
