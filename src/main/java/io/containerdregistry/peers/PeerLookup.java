package io.containerdregistry.peers;

import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the peers that hold a piece of content. The content's key (its digest) ranks the peers by rendezvous
 * hashing; the first {@code candidates} are asked in parallel ({@code HEAD}), and only when none holds it the next
 * {@code fanout} are. So a miss costs at most {@code candidates + fanout} short requests whatever the fleet's size.
 * Concurrent lookups of the same content share one round of requests.
 */
@ApplicationScoped
class PeerLookup {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(PeerLookup.class);
    private final Membership membership;
    private final PeerClient client;
    private final PeerMetrics metrics;
    private final int candidates;
    private final int fanout;
    private final Map<String, CompletableFuture<List<Peer>>> inFlight = new ConcurrentHashMap<>();

    PeerLookup(Membership membership, PeerClient client, PeerMetrics metrics, PeersConfig config) {
        this.membership = membership;
        this.client = client;
        this.metrics = metrics;
        this.candidates = Math.max(1, config.candidates());
        this.fanout = Math.max(0, config.fanout());
    }

    /** The peers holding what {@code uri} names, best first; empty when none does. Never fails. */
    CompletableFuture<List<Peer>> holders(String key, String uri) {
        CompletableFuture<List<Peer>> mine = new CompletableFuture<>();
        CompletableFuture<List<Peer>> shared = inFlight.putIfAbsent(uri, mine);
        if (shared != null) {
            return shared;
        }
        long start = System.nanoTime();
        List<Peer> ranked = Rendezvous.rank(key, membership.peers());
        List<Peer> first = ranked.subList(0, Math.min(candidates, ranked.size()));
        List<Peer> rest = ranked.subList(first.size(), Math.min(first.size() + fanout, ranked.size()));
        Future<List<Peer>> asked;
        try {
            asked = ask(first, uri)
                    .compose(found -> found.isEmpty() && !rest.isEmpty() ? ask(rest, uri) : Future.succeededFuture(found));
        } catch (RuntimeException e) {
            // a request that cannot even be made (never expected): a miss, and never a lookup left pending for good
            asked = Future.failedFuture(e);
        }
        asked.onComplete(result -> {
                    inFlight.remove(uri, mine);
                    metrics.lookup(Duration.ofNanos(System.nanoTime() - start));
                    List<Peer> holders = result.succeeded() ? result.result() : List.of();
                    LOG.debugf("lookup %s among %d peers: held by %s", uri, ranked.size(), holders);
                    mine.complete(holders);
                });
        return mine;
    }

    private Future<List<Peer>> ask(List<Peer> peers, String uri) {
        List<Future<Boolean>> answers = new ArrayList<>();
        for (Peer peer : peers) {
            answers.add(client.holds(peer, uri));
        }
        return Future.join(answers).transform(ignored -> {
            List<Peer> holders = new ArrayList<>();
            for (int i = 0; i < peers.size(); i++) {
                if (Boolean.TRUE.equals(answers.get(i).result())) {
                    holders.add(peers.get(i));
                }
            }
            return Future.succeededFuture(holders);
        });
    }
}
