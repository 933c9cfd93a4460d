package io.containerdregistry.peers;

import jakarta.enterprise.context.ApplicationScoped;

/** Whether a connection comes from one of the current peers (the addresses of the fleet's membership). */
@ApplicationScoped
public class PeerAddresses {
    private final Membership membership;

    PeerAddresses(Membership membership) {
        this.membership = membership;
    }

    /** Whether the address (an IP literal, as the connection reports it) belongs to a current peer. */
    public boolean isPeer(String address) {
        // a URL writes an IPv6 host in brackets
        return membership.hasHost(address) || address.indexOf(':') >= 0 && membership.hasHost("[" + address + "]");
    }
}
