package io.containerdregistry.api;

import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.security.Access;
import io.containerdregistry.security.Action;
import io.vertx.core.http.HttpMethod;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;

/**
 * What a {@code /v2/} request needs, read from its method and path with the same patterns the routes use: the
 * repository and action ({@code pull} to read, {@code pull} and {@code push} to upload or put a manifest, {@code delete}), pull on the
 * source of a cross-repository mount, the catalog permission for {@code _catalog}. An empty list means any valid
 * credential ({@code GET /v2/} and paths that are no endpoint).
 */
final class RequestTarget {

    private RequestTarget() {
    }

    /** The accesses the request needs; {@code param} reads a query parameter. */
    static List<Access> required(HttpMethod method, String path, Function<String, String> param) {
        if (path.equals("/v2/_catalog")) {
            return List.of(Access.catalog());
        }
        Matcher m;
        if ((m = Paths.UPLOADS_PATTERN.matcher(path)).matches()) {
            String from = param.apply("from");
            Access push = Access.repository(name(m), Action.PULL, Action.PUSH);
            return param.apply("mount") != null && from != null
                    ? List.of(push, Access.repository(decode(from), Action.PULL)) : List.of(push);
        }
        if ((m = Paths.UPLOAD_PATTERN.matcher(path)).matches()) {
            return List.of(Access.repository(name(m), Action.PULL, Action.PUSH));
        }
        if ((m = Paths.BLOB_PATTERN.matcher(path)).matches()
                || (m = Paths.MANIFEST_PATTERN.matcher(path)).matches()) {
            return List.of(Access.repository(name(m), byMethod(method)));
        }
        if ((m = Paths.TAGS_PATTERN.matcher(path)).matches()
                || (m = Paths.REFERRERS_PATTERN.matcher(path)).matches()) {
            return List.of(Access.repository(name(m), Action.PULL));
        }
        return List.of();
    }

    /** Reads need pull, deletes need delete, writes need pull and push (as Docker's registry asks for uploads). */
    private static Action[] byMethod(HttpMethod method) {
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            return new Action[] {Action.PULL};
        }
        return method == HttpMethod.DELETE ? new Action[] {Action.DELETE} : new Action[] {Action.PULL, Action.PUSH};
    }

    /** The repository name as the route will see it (route parameters are percent-decoded). */
    private static String name(Matcher m) {
        return decode(m.group("name"));
    }

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
