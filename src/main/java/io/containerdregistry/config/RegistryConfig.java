package io.containerdregistry.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of the registry. The seed's environment variables ({@code CONTAINERD_ADDRESS}, ...) are aliases
 * defined in {@code application.properties}; see the README's configuration table.
 */
@ConfigMapping(prefix = "registry")
public interface RegistryConfig {

    /** How the registry reaches containerd. */
    Containerd containerd();

    /** Size limits, enforced while streaming. */
    Limits limits();

    /** Upload sessions. */
    Uploads uploads();

    /** Tags list and catalog paging. */
    Listing listing();

    /** Serving containerd's mirror requests ({@code ?ns=<upstream host>}). */
    Mirror mirror();

    /** Which repositories may read a blob or manifest. */
    Isolation isolation();

    /** Who may push into this registry, and from where it may be read. */
    NodeAccess access();

    /** Whether {@code DELETE} of manifests, tags and blobs is allowed (alias {@code ALLOW_DELETE}). */
    @WithDefault("false")
    boolean allowDelete();

    interface Containerd {
        /** Path of containerd's gRPC unix socket (alias {@code CONTAINERD_ADDRESS}; a {@code unix://} prefix is accepted). */
        @WithDefault("/run/containerd/containerd.sock")
        String address();

        /** containerd namespace that holds the registry's content and images (alias {@code CONTAINERD_NAMESPACE}). */
        @WithDefault("default")
        String namespace();

        /** Deadline of unary containerd calls. */
        @WithDefault("30s")
        @WithConverter(GoDurationConverter.class)
        Duration rpcTimeout();

        /**
         * Start a private containerd (root, state and socket under {@code target/}) when the configured socket does
         * not exist. On in dev mode only.
         */
        @WithDefault("false")
        boolean autoStart();

        /**
         * containerd's content directory ({@code <root>/io.containerd.content.v1.content}), when it is mounted here:
         * blobs are then sent from their files with zero-copy {@code sendfile} after a lookup in the namespace; without
         * it (or when a file is missing) they stream through containerd's {@code Read}. When unset: the private
         * containerd's directory when one was started, else the {@code root} containerd's content plugin exports (asked
         * through the introspection service at start and at each containerd doctor check); until containerd has
         * answered, {@code /var/lib/containerd/io.containerd.content.v1.content} if it exists. Set it only when the
         * directory is mounted at another path than containerd's own.
         */
        Optional<String> contentDir();

        /**
         * How often what the registry keeps in memory of containerd's image records (the listing index, the tag
         * cache) is rebuilt from a full listing, whatever the event stream said meanwhile: the longest any missed event
         * could leave them stale. Between two rebuilds they follow the event stream, and they are off while it is down.
         */
        @WithDefault("60s")
        @WithConverter(GoDurationConverter.class)
        Duration cacheResync();

        /** Where the private containerd keeps its files when {@link #autoStart()} starts one. */
        @WithDefault("target/containerd")
        String autoStartDir();
    }

    interface Limits {
        /** Largest manifest accepted, in bytes (alias {@code MAX_MANIFEST_SIZE}). */
        @WithDefault("4194304")
        long maxManifestSize();

        /** Memory for cached manifest bytes (immutable by digest), in bytes; 0 turns the cache off. */
        @WithDefault("33554432")
        long manifestCacheBytes();

        /**
         * Largest blob accepted (alias {@code MAX_BLOB_SIZE}): bytes, or a size such as {@code 16G}; unlimited when
         * unset. Enforced while streaming, and before reading a body whose {@code Content-Length} is larger.
         */
        Optional<MemorySize> maxBlobSize();

        /**
         * Upload requests handled at once for one remote address (alias {@code MAX_UPLOADS_PER_CLIENT}); more are
         * answered 429 {@code TOOMANYREQUESTS}. 0 means no cap.
         */
        @WithDefault("32")
        int maxUploadsPerClient();

        /**
         * Memory the registry's transfers may hold in buffers at once (alias {@code TRANSFER_MEMORY}): each blob upload
         * request takes 2 MiB of it, each blob read that streams through containerd (no content directory) 2.5 MiB,
         * each manifest push twice its size. A transfer that finds too little free waits for it (its body unread) up
         * to {@link #admissionWait()}, then is answered 503 with {@code Retry-After}; so are those beyond four waiting
         * transfers per 2 MiB share. Downloads sent from containerd's content directory and small
         * requests need none.
         */
        @WithDefault("64M")
        MemorySize transferMemory();

        /** How long a transfer waits for its share of {@link #transferMemory()} before it is answered 503. */
        @WithDefault("5s")
        @WithConverter(GoDurationConverter.class)
        Duration admissionWait();

        /**
         * Largest request header block, in bytes (alias {@code MAX_HEADER_SIZE}): the header lines' names and values,
         * each with its {@code ": "}. Larger ones are answered 431 with an OCI error. The HTTP layer's own limit,
         * {@code quarkus.http.limits.max-header-size}, stays above it as a backstop.
         */
        @WithDefault("16K")
        MemorySize maxHeaderSize();

        /**
         * Longest request line ({@code <method> <target> HTTP/1.1}), in bytes; longer ones are answered 414 with an
         * OCI error. The HTTP layer's own limit, {@code quarkus.http.limits.max-initial-line-length}, stays above it.
         */
        @WithDefault("8192")
        int maxRequestLine();
    }

    interface Uploads {
        /**
         * How long an upload session, and a pushed blob that no manifest references yet, is kept by its containerd
         * lease (alias {@code BLOB_LEASE_EXPIRATION}; Go duration syntax such as {@code 15m} or {@code 1h30m}).
         */
        @WithDefault("15m")
        @WithConverter(GoDurationConverter.class)
        Duration leaseExpiration();

        /**
         * The {@code OCI-Chunk-Min-Length} advertised when an upload starts. Chunks of any size are accepted (the
         * registry batches them into ~1 MiB writes to containerd), so the default is 0: no minimum.
         */
        @WithDefault("0")
        long chunkMinLength();

        /**
         * How long the containerd write stream of a chunked upload stays open between two of its requests, so the next
         * chunk continues on it instead of reopening the ingest (which makes containerd re-read and re-hash what the
         * ingest holds). Never longer than the session's lease.
         */
        @WithDefault("30s")
        @WithConverter(GoDurationConverter.class)
        Duration idleStreamTimeout();

        /** How many such idle write streams may stay open at once; beyond it a stream is closed after its request. */
        @WithDefault("64")
        int maxIdleStreams();
    }

    interface Mirror {
        /**
         * Upstream hosts whose mirror requests are served (alias {@code MIRROR_HOSTS}, comma-separated, {@code *} for
         * every host). A request for another host is a fast 404, so containerd goes upstream.
         */
        @WithDefault("*")
        List<String> hosts();

        /**
         * Whether mirror requests may resolve tags ({@code resolve} capability). Off, only digests are served, which is
         * safer when upstream tags move.
         */
        @WithDefault("true")
        boolean resolveTags();

        /** Whether mirror requests are read-only: pushes that carry {@code ?ns=} are refused. */
        @WithDefault("true")
        boolean readOnly();
    }

    interface Isolation {
        /**
         * Whether a blob or manifest is readable only through a repository that pushed it, mounted it or references
         * it (alias {@code REPOSITORY_ISOLATION}). Membership is recorded in containerd's
         * {@code containerd.io/distribution.source.<host>} content labels, which are written whether or not this is
         * on; off, any stored content is readable through every repository.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * The {@code <host>} of the {@code distribution.source} labels for repositories whose name does not start
         * with a registry host (such as {@code team/app}). It must not itself look like a host (no {@code .} or
         * {@code :}, not {@code localhost}), so that it never collides with a label containerd writes when it pulls.
         */
        @WithDefault("containerd-registry")
        String nativeHost();
    }

    interface NodeAccess {
        /**
         * Whether the registry takes writes at all: uploads, manifest pushes and deletes (alias {@code WRITES_ENABLED}).
         * Off, every write under {@code /v2/} is answered 405 {@code UNSUPPORTED}; the generated DaemonSet turns them off.
         */
        @WithDefault("true")
        boolean writes();

        /**
         * Whether writes need authentication (alias {@code WRITES_NEED_AUTHENTICATION}): with writes on and no
         * authentication configured ({@code registry.auth.*}), the registry refuses to start. The DaemonSet sets it, so
         * a node's store is never opened to anonymous pushes by turning writes on alone.
         */
        @WithDefault("false")
        boolean writesNeedAuthentication();

        /**
         * Repositories writes may go to (alias {@code WRITE_REPOSITORIES}, comma-separated globs: {@code *} within a
         * path segment, {@code **} across segments), after the {@code ?ns=} mapping; others are 403 {@code DENIED}.
         */
        @WithDefault("**")
        List<String> writeRepositories();

        /**
         * Who may read under {@code /v2/} (alias {@code READ_FROM}): {@code anywhere}, or {@code loopback-and-peers}:
         * this machine (kubelet's containerd asks through {@code 127.0.0.1}) and the current peers' addresses. Others
         * are answered 403 {@code DENIED}. The DaemonSet sets {@code loopback-and-peers}.
         */
        @WithDefault("anywhere")
        ReadFrom readFrom();

        /** Where reads may come from. */
        enum ReadFrom {
            ANYWHERE, LOOPBACK_AND_PEERS
        }
    }

    interface Listing {
        /** Largest page of tags or repositories; larger {@code n} values are capped to it. */
        @WithDefault("1000")
        int maxPageSize();

        /**
         * Most image records the in-memory listing index holds; with more, tag and catalog pages are read from
         * containerd's listing instead (their cost then grows with the number of records).
         */
        @WithDefault("50000")
        int indexMaxRecords();
    }

}
