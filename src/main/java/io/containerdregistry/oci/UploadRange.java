package io.containerdregistry.oci;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Content-Range} of an upload chunk, {@code <start>-<end>} inclusive (the distribution spec's form; a
 * leading {@code bytes } is tolerated).
 */
public record UploadRange(long start, long end) {
    private static final Pattern FORM = Pattern.compile("(?:bytes )?(\\d{1,19})-(\\d{1,19})(?:/(?:\\d{1,19}|\\*))?");

    public static UploadRange parse(String header) {
        Matcher m = header == null ? null : FORM.matcher(header.trim());
        if (m == null || !m.matches()) {
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, 416,
                    "invalid Content-Range: " + Strings.printable(header), null);
        }
        try {
            long start = Long.parseLong(m.group(1));
            long end = Long.parseLong(m.group(2));
            if (end < start) {
                throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, 416,
                        "Content-Range end before start: " + header, null);
            }
            return new UploadRange(start, end);
        } catch (NumberFormatException e) {
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, 416,
                    "Content-Range out of range: " + Strings.printable(header), null);
        }
    }

    public long length() {
        return end - start + 1;
    }

    /** The {@code Range} header value that tells a client how much of an upload is stored. */
    public static String stored(long offset) {
        return "0-" + Math.max(0, offset - 1);
    }
}
