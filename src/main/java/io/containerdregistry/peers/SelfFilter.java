package io.containerdregistry.peers;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Recognises this registry in a peer list: its advertised URL ({@code PEER_SELF}), or any URL naming one of this
 * machine's addresses with the port the registry listens on.
 */
final class SelfFilter {
    private final Optional<Peer> self;
    private final int listenPort;

    SelfFilter(Optional<String> self, int listenPort) {
        this.self = self.filter(s -> !s.isBlank()).map(Peer::of);
        this.listenPort = listenPort;
    }

    boolean isSelf(Peer peer) {
        if (self.isPresent() && self.get().base().equalsIgnoreCase(peer.base())) {
            return true;
        }
        URI uri = peer.uri();
        int port = uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
        return port == listenPort && isLocal(uri.getHost());
    }

    private static boolean isLocal(String host) {
        try {
            InetAddress address = InetAddress.getByName(host);
            return address.isLoopbackAddress() || address.isAnyLocalAddress()
                    || NetworkInterface.getByInetAddress(address) != null;
        } catch (UnknownHostException | SocketException e) {
            return false;
        }
    }
}
