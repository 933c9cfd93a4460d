package io.containerdregistry.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A simulation of rendezvous choice over fleets of 10, 100 and 1,000 nodes. */
class RendezvousTest {
    private static final int K = 3;

    private static List<Peer> fleet(int n) {
        return IntStream.range(0, n).mapToObj(i -> Peer.of("http://10.0." + (i / 250) + "." + (i % 250) + ":30020"))
                .toList();
    }

    private static String digest(int i) {
        return "sha256:" + String.format("%064x", i * 0x9E3779B97F4A7C15L);
    }

    @Test
    void everyNodeRanksTheSameWayWhateverOrderItKnowsThePeersIn() {
        List<Peer> peers = fleet(100);
        List<Peer> shuffled = new ArrayList<>(peers);
        java.util.Collections.shuffle(shuffled, new java.util.Random(7));
        for (int i = 0; i < 200; i++) {
            assertEquals(Rendezvous.rank(digest(i), peers), Rendezvous.rank(digest(i), shuffled));
        }
    }

    @Test
    void candidatesSpreadEvenlyOverTheFleet() {
        for (int n : new int[] {10, 100}) {
            List<Peer> peers = fleet(n);
            Map<Peer, Integer> load = new HashMap<>();
            int keys = n * 200;
            for (int i = 0; i < keys; i++) {
                Rendezvous.rank(digest(i), peers).subList(0, K).forEach(p -> load.merge(p, 1, Integer::sum));
            }
            double mean = keys * (double) K / n;
            int max = load.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
            int min = load.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
            assertEquals(n, load.size(), "every node is some digest's candidate");
            assertTrue(max < mean * 1.25 && min > mean * 0.75, n + " nodes: load " + min + ".." + max + ", mean " + mean);
        }
    }

    @Test
    void aNodeLeavingMovesOnlyTheDigestsItWasCandidateFor() {
        List<Peer> peers = fleet(100);
        Peer leaving = peers.get(42);
        List<Peer> after = peers.stream().filter(p -> !p.equals(leaving)).toList();
        int moved = 0;
        for (int i = 0; i < 5000; i++) {
            List<Peer> before = Rendezvous.rank(digest(i), peers).subList(0, K);
            List<Peer> now = Rendezvous.rank(digest(i), after).subList(0, K);
            if (!before.contains(leaving)) {
                assertEquals(before, now, "a digest whose candidates stayed keeps them");
            } else {
                moved++;
                assertTrue(now.containsAll(before.stream().filter(p -> !p.equals(leaving)).toList()));
            }
        }
        assertTrue(moved > 50 && moved < 300, "about K/N of the digests move: " + moved);
    }

    @Test
    void requestsPerMissStayBoundedByCandidatesPlusFanoutWhateverTheFleetSize() {
        int fanout = 8;
        for (int n : new int[] {10, 100, 1000}) {
            List<Peer> peers = fleet(n);
            for (int i = 0; i < 100; i++) {
                List<Peer> ranked = Rendezvous.rank(digest(i), peers);
                int first = Math.min(K, ranked.size());
                int worst = first + Math.min(fanout, ranked.size() - first);
                assertTrue(worst <= K + fanout, n + " nodes: " + worst + " requests");
            }
        }
    }
}
