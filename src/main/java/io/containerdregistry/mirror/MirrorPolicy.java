package io.containerdregistry.mirror;

import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.Repository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides how a request with {@code ?ns=<upstream host>} maps onto containerd's image names: repository
 * {@code <host>/<path>} (with Docker Hub's {@code library/} rule), only for mirrored hosts, tags only when tag
 * resolution is on, and no writes in read-only mode. Everything it refuses is answered at once, so containerd falls
 * back to the upstream without waiting.
 */
@ApplicationScoped
public class MirrorPolicy {
    private final Set<String> hosts;
    private final boolean allHosts;
    private final boolean resolveTags;
    private final boolean readOnly;

    MirrorPolicy(RegistryConfig config) {
        RegistryConfig.Mirror mirror = config.mirror();
        this.hosts = mirror.hosts().stream().map(String::trim).filter(h -> !h.isEmpty() && !h.equals("*"))
                .map(UpstreamHost::require).collect(Collectors.toUnmodifiableSet());
        this.allHosts = mirror.hosts().stream().anyMatch(h -> h.trim().equals("*"));
        this.resolveTags = mirror.resolveTags();
        this.readOnly = mirror.readOnly();
    }

    /** What kind of request is being mapped. */
    public enum Access {
        /** a read by digest */
        DIGEST,
        /** a read that resolves a tag */
        TAG,
        /** a push */
        WRITE
    }

    /**
     * The repository a mirror request for {@code path} at upstream {@code ns} names, whatever the policy allows:
     * {@code <host>/<path>}, with Docker Hub's {@code library/} rule. Authorization decides on this name.
     */
    public static Repository mapped(String ns, String path) {
        String host = UpstreamHost.require(ns);
        return Repository.mirrored(host, UpstreamHost.repositoryPath(host, path));
    }

    /**
     * The repository a mirror request reads. {@code miss} is the error for content this registry will not serve
     * ({@code MANIFEST_UNKNOWN} or {@code BLOB_UNKNOWN}), answered immediately.
     */
    public Repository repository(String ns, String path, Access access, ErrorCode miss) {
        Repository repository = mapped(ns, path);
        String host = UpstreamHost.require(ns);
        if (access == Access.WRITE && readOnly) {
            throw ErrorCode.UNSUPPORTED.exception("mirror requests are read-only");
        }
        if (!allHosts && !hosts.contains(host)) {
            throw miss.exception(host + " is not mirrored here");
        }
        if (access == Access.TAG && !resolveTags) {
            throw miss.exception("tags are not resolved for mirror requests; ask by digest");
        }
        return repository;
    }
}
