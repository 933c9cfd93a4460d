package io.containerdregistry.oci;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A single satisfiable byte range of a blob: {@code [start, start + length)}. */
public record ByteRange(long start, long length) {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");

    public long end() {
        return start + length - 1;
    }

    /**
     * Resolves an HTTP {@code Range} header against a blob of the given size. Returns null when the header is absent
     * or not a single byte range we understand (then the whole blob is served, as RFC 9110 allows), and throws a
     * {@link RangeNotSatisfiable} (answered with 416) when the range lies outside the blob.
     */
    public static ByteRange resolve(String header, long size) {
        if (header == null) {
            return null;
        }
        Matcher m = RANGE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return null;
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0 || size == 0) {
                    throw new RangeNotSatisfiable(size);
                }
                long len = Math.min(suffix, size);
                return new ByteRange(size - len, len);
            }
            long start = Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
            if (last < start) {
                return null;
            }
            if (start >= size) {
                throw new RangeNotSatisfiable(size);
            }
            last = Math.min(last, size - 1);
            return new ByteRange(start, last - start + 1);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Thrown when a range cannot be served: the answer is 416 with {@code Content-Range: bytes *}/size. */
    public static final class RangeNotSatisfiable extends RuntimeException {
        private final long size;

        public RangeNotSatisfiable(long size) {
            super("range not satisfiable for a blob of " + size + " bytes", null, false, false);
            this.size = size;
        }

        public long size() {
            return size;
        }
    }
}
