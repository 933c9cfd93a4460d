package io.containerdregistry.store;

import io.containerdregistry.oci.Repository;

/**
 * An upload session as a request names it: its id, and who asks: the repository of the request's path and the
 * principal that sent it ({@code ""} without authentication). A session is known only to the repository and principal
 * that opened it; asked for by anyone else it is unknown.
 */
public record UploadSession(Repository repository, String owner, String id) {
}
