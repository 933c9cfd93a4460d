package io.containerdregistry.api;

import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.peers.PeerAddresses;
import io.containerdregistry.security.Access;
import io.containerdregistry.security.AccessPolicy;
import io.containerdregistry.security.Action;
import io.containerdregistry.security.Glob;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.List;

/**
 * What a node's registry takes, whoever asks ({@code registry.access.*}): whether it takes writes at all and into
 * which repositories (decided on the repository actually written, after the {@code ?ns=} mapping, through
 * {@link RequestTarget}), and from where it may be read. Runs for every {@code /v2/} request before authentication;
 * with everything at its default (writes on, into any repository, reads from anywhere) it is not registered at all.
 */
@ApplicationScoped
class NodeAccess {
    /** Between {@link RegistryRouter} and {@link AccessControl}: refused before anyone is asked for credentials. */
    static final int PRIORITY = Interceptor.Priority.APPLICATION + 550;

    private final boolean writes;
    private final List<Glob> writeRepositories;
    private final boolean anywhere;
    private final PeerAddresses peers;

    NodeAccess(RegistryConfig config, AccessPolicy authentication, PeerAddresses peers) {
        RegistryConfig.NodeAccess access = config.access();
        this.writes = access.writes();
        this.writeRepositories = access.writeRepositories().stream().map(Glob::new).toList();
        this.anywhere = access.readFrom() == RegistryConfig.NodeAccess.ReadFrom.ANYWHERE;
        this.peers = peers;
        if (writes && access.writesNeedAuthentication() && !authentication.enabled()) {
            throw new IllegalStateException("registry.access.writes is on and registry.access.writes-need-authentication"
                    + " is set, but no authentication is configured (registry.auth.*: AUTH_HTPASSWD, AUTH_TOKEN or the"
                    + " token service): configure one, or turn writes off (WRITES_ENABLED=false)");
        }
    }

    void init(@Observes @Priority(PRIORITY) Router router) {
        boolean everyRepository = writeRepositories.stream().anyMatch(glob -> glob.toString().equals("**"));
        if (writes && everyRepository && anywhere) {
            return;
        }
        router.route("/v2/*").order(RegistryRouter.FIRST).handler(this::check);
    }

    private void check(RoutingContext rc) {
        HttpMethod method = rc.request().method();
        boolean write = method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS;
        if (write) {
            if (!writes) {
                throw ErrorCode.UNSUPPORTED.exception("this registry takes no pushes or deletes"
                        + " (registry.access.writes is off)");
            }
            for (Access access : RequestTarget.required(method, rc.normalizedPath(), rc.request()::getParam)) {
                boolean writing = access.actions().contains(Action.PUSH.scopeName())
                        || access.actions().contains(Action.DELETE.scopeName());
                if (writing && writeRepositories.stream().noneMatch(glob -> glob.matches(access.name()))) {
                    throw ErrorCode.DENIED.exception("writes to " + access.name() + " are not taken here"
                            + " (registry.access.write-repositories)");
                }
            }
        } else if (!anywhere && !fromLoopbackOrPeer(rc.request().remoteAddress())) {
            throw ErrorCode.DENIED.exception("this registry serves this machine and its peers only"
                    + " (registry.access.read-from)");
        }
        rc.next();
    }

    private boolean fromLoopbackOrPeer(SocketAddress remote) {
        if (remote == null || remote.host() == null) {
            return false;
        }
        String host = remote.host();
        if (isLoopback(host)) {
            return true;
        }
        return peers.isPeer(host);
    }

    /** Whether an IP literal is a loopback address (no name lookup: a connection's address is always a literal). */
    static boolean isLoopback(String address) {
        return address.startsWith("127.") || address.equals("::1") || address.equals("0:0:0:0:0:0:0:1")
                || address.startsWith("::ffff:127.");
    }
}
