package io.containerdregistry.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContainerdReachabilityTest {
    private static final Path SOCKET = Path.of("/run/nowhere/containerd.sock");
    private static final Status MISSING_SOCKET = Status.UNAVAILABLE.withDescription("io exception")
            .withCause(new FileNotFoundException());
    private static final Status REFUSED = Status.UNAVAILABLE.withDescription("io exception")
            .withCause(new java.io.IOException("connect(..) failed: Connection refused"));

    private final Logger logger = Logger.getLogger(ContainerdReachability.class.getName());
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final ContainerdReachability reachability = new ContainerdReachability(() -> SOCKET);

    @BeforeEach
    void capture() {
        logger.addHandler(capture);
    }

    @AfterEach
    void release() {
        logger.removeHandler(capture);
    }

    @Test
    void anOutageIsOneWarningNamingTheSocketAndTheReasonHoweverManyCallsFail() {
        for (int i = 0; i < 500; i++) {
            reachability.observe(i % 2 == 0 ? MISSING_SOCKET : REFUSED);
        }
        assertEquals(1, records.size(), messages());
        LogRecord warning = records.get(0);
        assertEquals(Level.WARNING, warning.getLevel());
        assertEquals("containerd at /run/nowhere/containerd.sock is unreachable: the socket does not exist;"
                + " answering 503 until it is back", warning.getMessage());
        assertNull(warning.getThrown(), "no stack trace");
    }

    @Test
    void theReturnIsOneInfoLineAndTheNextOutageIsToldAgain() {
        reachability.observe(REFUSED);
        reachability.observe(Status.OK);
        reachability.observe(Status.NOT_FOUND);
        reachability.observe(REFUSED);
        reachability.observe(REFUSED);
        assertEquals(3, records.size(), messages());
        assertTrue(records.get(0).getMessage().endsWith("unreachable: connect(..) failed: Connection refused;"
                + " answering 503 until it is back"), messages());
        assertEquals(Level.INFO, records.get(1).getLevel());
        assertTrue(records.get(1).getMessage().startsWith("containerd at /run/nowhere/containerd.sock is reachable"
                + " again after "), messages());
        assertEquals(Level.WARNING, records.get(2).getLevel());
    }

    @Test
    void aReachableContainerdIsNotAnnouncedAndOutcomesTheClientMadeUpChangeNothing() {
        reachability.observe(Status.OK);
        reachability.observe(Status.ALREADY_EXISTS);
        assertEquals(List.of(), records);

        reachability.observe(REFUSED);
        reachability.observe(Status.DEADLINE_EXCEEDED);
        reachability.observe(Status.CANCELLED);
        reachability.observe(Status.UNAVAILABLE.withDescription("ref upload-x locked for 1s"));
        assertEquals(1, records.size(), messages());
    }

    private String messages() {
        return records.stream().map(LogRecord::getMessage).toList().toString();
    }
}
