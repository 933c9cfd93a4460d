package io.containerdregistry.peers;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Follows the EndpointSlices ({@code discovery.k8s.io/v1}) labelled {@code kubernetes.io/service-name=<service>} with
 * an informer, and reports the ready endpoints' base URLs whenever a slice is added, changed or removed.
 */
final class EndpointSliceWatch implements AutoCloseable {
    static final String SERVICE_LABEL = "kubernetes.io/service-name";

    private final KubernetesClient client;
    private final String namespace;
    private final String service;
    private final OptionalInt port;
    private final Consumer<Set<String>> onChange;
    private final Map<String, EndpointSlice> slices = new ConcurrentHashMap<>();
    private SharedIndexInformer<EndpointSlice> informer;

    EndpointSliceWatch(KubernetesClient client, String namespace, String service, OptionalInt port,
            Consumer<Set<String>> onChange) {
        this.client = client;
        this.namespace = namespace;
        this.service = service;
        this.port = port;
        this.onChange = onChange;
    }

    void start() {
        informer = client.discovery().v1().endpointSlices().inNamespace(namespace).withLabel(SERVICE_LABEL, service)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(EndpointSlice slice) {
                        slices.put(slice.getMetadata().getName(), slice);
                        publish();
                    }

                    @Override
                    public void onUpdate(EndpointSlice old, EndpointSlice slice) {
                        slices.put(slice.getMetadata().getName(), slice);
                        publish();
                    }

                    @Override
                    public void onDelete(EndpointSlice slice, boolean unknownFinalState) {
                        slices.remove(slice.getMetadata().getName());
                        publish();
                    }
                }, 0);
    }

    private synchronized void publish() {
        onChange.accept(urls(slices.values()));
    }

    /** The base URLs of every ready endpoint address in the slices. */
    Set<String> urls(Iterable<EndpointSlice> all) {
        Set<String> urls = new TreeSet<>();
        for (EndpointSlice slice : all) {
            Integer slicePort = slice.getPorts() == null ? null
                    : slice.getPorts().stream().map(EndpointPort::getPort).filter(p -> p != null).findFirst().orElse(null);
            int p = port.isPresent() ? port.getAsInt() : slicePort == null ? 80 : slicePort;
            if (slice.getEndpoints() == null) {
                continue;
            }
            for (Endpoint endpoint : slice.getEndpoints()) {
                boolean ready = endpoint.getConditions() == null || endpoint.getConditions().getReady() == null
                        || endpoint.getConditions().getReady();
                if (!ready || endpoint.getAddresses() == null) {
                    continue;
                }
                for (String address : endpoint.getAddresses()) {
                    String host = address.contains(":") ? "[" + address + "]" : address;
                    urls.add("http://" + host + ":" + p);
                }
            }
        }
        return urls;
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
    }
}
