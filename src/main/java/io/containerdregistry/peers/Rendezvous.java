package io.containerdregistry.peers;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

/**
 * Rendezvous (highest random weight) hashing: every node ranks the peers for a key the same way, a key's ranking
 * only changes where a peer joins or leaves, and keys spread evenly over peers. No coordination needed.
 */
final class Rendezvous {
    private Rendezvous() {
    }

    /** The peers in descending weight for the key. */
    static List<Peer> rank(String key, List<Peer> peers) {
        record Weighted(Peer peer, long weight) {
        }
        return peers.stream().map(p -> new Weighted(p, weight(key, p)))
                .sorted(Comparator.comparingLong(Weighted::weight).reversed()
                        .thenComparing(w -> w.peer().base()))
                .map(Weighted::peer).toList();
    }

    static long weight(String key, Peer peer) {
        long h = fnv(fnv(0xcbf29ce484222325L, key), "\u0000" + peer.base());
        // splitmix64 finaliser: FNV alone mixes the last bytes poorly
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    private static long fnv(long h, String text) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
