package io.containerdregistry.api;

import io.containerdregistry.mirror.MirrorPolicy;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.Repository;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The repository a request works on: the path's {@code <name>}, or for a containerd mirror request
 * ({@code ?ns=<upstream host>}) that name in the upstream's namespace, answered with {@code OCI-Namespace}.
 */
@ApplicationScoped
class Scope {
    private final MirrorPolicy mirror;

    Scope(MirrorPolicy mirror) {
        this.mirror = mirror;
    }

    /**
     * Another repository the request names ({@code from} of a mount): for a mirror request, that name in the same
     * upstream's namespace, as authorization saw it.
     */
    Repository other(RoutingContext rc, String name) {
        String ns = rc.request().getParam("ns");
        return ns == null ? new Repository(name) : MirrorPolicy.mapped(ns, name);
    }

    Repository repository(RoutingContext rc, MirrorPolicy.Access access, ErrorCode miss) {
        String ns = rc.request().getParam("ns");
        String name = rc.pathParam("name");
        if (ns == null) {
            return new Repository(name);
        }
        Repository repository = mirror.repository(ns, name, access, miss);
        rc.response().putHeader("OCI-Namespace", ns);
        return repository;
    }
}
