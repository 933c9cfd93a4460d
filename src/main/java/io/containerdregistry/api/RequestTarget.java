package io.containerdregistry.api;

import io.containerdregistry.mirror.MirrorPolicy;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.security.Access;
import io.containerdregistry.security.Action;
import io.vertx.core.http.HttpMethod;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * What a {@code /v2/} request needs, read from its method and path with the same patterns the routes use: the
 * repository and action ({@code pull} to read, {@code pull} and {@code push} to upload or put a manifest, {@code delete}), pull on the
 * source of a cross-repository mount, the catalog permission for {@code _catalog}. An empty list means any valid
 * credential ({@code GET /v2/} and paths that are no endpoint).
 */
final class RequestTarget {

    private RequestTarget() {
    }

    /**
     * The accesses the request needs; {@code param} reads a query parameter. A mirror request ({@code ?ns=<host>})
     * reads and writes the repository {@code <host>/<name>} (the same mapping the routes use), so that is the name
     * decided on.
     */
    static List<Access> required(HttpMethod method, String path, Function<String, String> param) {
        ApiPath target = ApiPath.parse(path);
        String ns = param.apply("ns");
        return switch (target.family()) {
            case CATALOG -> List.of(Access.catalog());
            case UPLOAD -> {
                Access push = Access.repository(name(target.name(), ns), Action.PULL, Action.PUSH);
                String from = target.isUploadSession() ? param.apply("from") : null;
                yield from != null && param.apply("mount") != null
                        ? List.of(push, Access.repository(mapped(from, ns), Action.PULL)) : List.of(push);
            }
            case BLOB, MANIFEST -> List.of(Access.repository(name(target.name(), ns), byMethod(method)));
            case TAGS, REFERRERS -> List.of(Access.repository(name(target.name(), ns), Action.PULL));
            default -> List.of();
        };
    }

    /** The repository a path's (percent-encoded) name stands for. */
    private static String name(String encoded, String ns) {
        return mapped(decode(encoded), ns);
    }

    private static String mapped(String name, String ns) {
        return ns == null ? name : MirrorPolicy.mapped(ns, name).name();
    }

    /** Reads need pull, deletes need delete, writes need pull and push (as Docker's registry asks for uploads). */
    private static Action[] byMethod(HttpMethod method) {
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            return new Action[] {Action.PULL};
        }
        return method == HttpMethod.DELETE ? new Action[] {Action.DELETE} : new Action[] {Action.PULL, Action.PUSH};
    }

    /** The repository name as the route will see it (route parameters are percent-decoded). */
    private static String decode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        try {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ErrorCode.NAME_INVALID.exception("malformed percent-encoding in the repository name");
        }
    }
}
