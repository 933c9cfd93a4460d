package io.containerdregistry.history;

/**
 * One request as the journal keeps it: who sent it and why ({@code kind}), when it was sent and when its answer (or
 * the lack of one) arrived, the answer, and its {@link Outcome}. {@code lingering} marks an unknown outcome that
 * may still take effect later (the client gave up waiting, or containerd's deadline passed while it may still be
 * working), as opposed to one whose request died with a process.
 */
record Exchange(String client, String kind, String method, String target, long start, long end, Wire.Reply reply,
        String error, Outcome outcome, boolean lingering) {

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
