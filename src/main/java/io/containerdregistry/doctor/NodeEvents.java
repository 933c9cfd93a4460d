package io.containerdregistry.doctor;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Posts a verdict as a Kubernetes Event about this Node ({@code kubectl describe node} lists it), when turned on
 * ({@code registry.doctor.node-events.*}). Blocking (an API server call): never call it on an event loop.
 */
@ApplicationScoped
class NodeEvents {
    static final String COMPONENT = "containerd-registry";
    static final String REASON_USED = "ContainerdMirrorUsed";
    static final String REASON_NOT_USED = "ContainerdMirrorNotUsed";
    static final String REASON_PROBLEM = "ContainerdMirrorSetupProblem";
    static final String REASON_UNVERIFIED = "ContainerdMirrorUnverified";
    private static final Logger LOG = Logger.getLogger(NodeEvents.class);
    private static final int MAX_MESSAGE = 1024;

    private final DoctorConfig.NodeEventsConfig config;
    private final Instance<KubernetesClient> kubernetes;

    NodeEvents(DoctorConfig config, Instance<KubernetesClient> kubernetes) {
        this.config = config.nodeEvents();
        this.kubernetes = kubernetes;
    }

    void post(Verdict verdict) {
        if (!config.enabled()) {
            return;
        }
        if (config.nodeName().isEmpty()) {
            LOG.warn("registry.doctor.node-events.enabled is set but no node name (NODE_NAME): no Event posted");
            return;
        }
        String node = config.nodeName().get();
        try {
            KubernetesClient client = kubernetes.get();
            String namespace = config.namespace().or(() -> Optional.ofNullable(client.getNamespace()))
                    .orElse("default");
            client.v1().events().inNamespace(namespace).resource(event(node, verdict)).create();
        } catch (KubernetesClientException e) {
            LOG.warnf("could not post the containerd mirror setup Event on node %s: %s", node, e.getMessage());
        }
    }

    private static Event event(String node, Verdict verdict) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String message = verdict.summary();
        String reason = switch (verdict.mirrorUse()) {
            case NOT_USED -> REASON_NOT_USED;
            case USED -> verdict.problems().isEmpty() ? REASON_USED : REASON_PROBLEM;
            case UNKNOWN -> verdict.problems().isEmpty() ? REASON_UNVERIFIED : REASON_PROBLEM;
        };
        return new EventBuilder()
                .withNewMetadata()
                .withName(node + "." + Long.toHexString(System.currentTimeMillis()) + "." + COMPONENT)
                .endMetadata()
                .withNewInvolvedObject().withApiVersion("v1").withKind("Node").withName(node).withUid(node)
                .endInvolvedObject()
                .withType(verdict.problems().isEmpty() ? "Normal" : "Warning")
                .withReason(reason)
                .withMessage(message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message)
                .withNewSource().withComponent(COMPONENT).withHost(node).endSource()
                .withReportingComponent(COMPONENT)
                .withReportingInstance(node)
                .withFirstTimestamp(now.toString())
                .withLastTimestamp(now.toString())
                .withCount(1)
                .build();
    }
}
