package io.containerdregistry.peers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SelfFilterTest {

    @Test
    void aNodeNeverCountsItselfByItsAdvertisedUrlOrItsOwnPortOnALocalAddress() {
        SelfFilter filter = new SelfFilter(Optional.of("http://10.1.2.3:30020/"), 30020);
        assertTrue(filter.isSelf(Peer.of("http://10.1.2.3:30020")));
        assertTrue(filter.isSelf(Peer.of("http://127.0.0.1:30020")));
        assertTrue(filter.isSelf(Peer.of("http://localhost:30020")));
        assertFalse(filter.isSelf(Peer.of("http://127.0.0.1:30021")));
        assertFalse(filter.isSelf(Peer.of("http://10.1.2.4:30020")));
    }
}
