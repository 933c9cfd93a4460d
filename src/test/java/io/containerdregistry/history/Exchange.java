package io.containerdregistry.history;

/**
 * One request as the journal keeps it: who sent it and why ({@code kind}), when it was sent and when its answer (or
 * the lack of one) arrived, the answer, and its {@link Outcome}. {@code lingering} marks an unknown outcome that
 * may still take effect later (the client gave up waiting, or containerd's deadline passed while it may still be
 * working), as opposed to one whose request died with a process; {@code timedOut} marks the first kind: no answer
 * and no closed connection for the client's whole timeout.
 */
record Exchange(String client, String kind, String method, String target, long start, long end, Wire.Reply reply,
        String error, Outcome outcome, boolean lingering, boolean timedOut) {

    /** The status, or -1 when no answer arrived. */
    int status() {
        return reply == null ? -1 : reply.status();
    }

    boolean is(int status) {
        return status() == status;
    }

    /** The OCI error code of the answer, or the empty string. */
    String code() {
        return reply == null ? "" : reply.errorCode();
    }

    boolean success() {
        return outcome == Outcome.SUCCESS;
    }

    boolean unknown() {
        return outcome == Outcome.UNKNOWN;
    }

    String header(String name) {
        return reply == null ? null : reply.header(name);
    }

    /**
     * Whether a completing upload was answered 404 {@code BLOB_UPLOAD_UNKNOWN} because the content it found stored
     * was deleted (through another repository) before this upload's hold was in place: the registry's designed answer
     * to that race ({@code ContainerdUploads#vanished}); the client must upload again.
     */
    static boolean vanished(Exchange exchange) {
        return exchange.is(404) && exchange.code().equals("BLOB_UPLOAD_UNKNOWN")
                && exchange.reply().text().contains("removed while this upload completed");
    }

    /** The request line. */
    String request() {
        return method + " " + target;
    }

    /** The answer in a line: status and the start of the body, or the client-side error. */
    String answer() {
        if (reply == null) {
            return "no answer: " + error;
        }
        String type = String.valueOf(reply.header("content-type"));
        String text = type.contains("json") || type.startsWith("text/") ? reply.text()
                : reply.body().length + " bytes";
        return reply.status() + " " + (text.length() > 400 ? text.substring(0, 400) + "..." : text);
    }
}
