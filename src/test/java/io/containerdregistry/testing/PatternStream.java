package io.containerdregistry.testing;

import java.io.InputStream;

/** A deterministic pseudo-random stream of a given length, generated on the fly (never held in memory). */
public final class PatternStream extends InputStream {
    private final long length;
    private long position;
    private long state;

    public PatternStream(long length, long seed) {
        this.length = length;
        this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) {
        if (position >= length) {
            return -1;
        }
        int n = (int) Math.min(count, length - position);
        for (int i = 0; i < n; i++) {
            if (((position + i) & 7) == 0) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
            }
            buffer[offset + i] = (byte) (state >>> (((position + i) & 7) * 8));
        }
        position += n;
        return n;
    }
}
