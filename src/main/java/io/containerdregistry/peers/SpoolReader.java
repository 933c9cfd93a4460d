package io.containerdregistry.peers;

import io.containerdregistry.oci.ByteRange;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One client served from a {@link SharedFetch}: it reads the spool file from its own offset in 64 KiB reads, as fast
 * as its connection takes them and never past what the fetch has written, on the client's own event loop. The
 * content's last byte is sent only once the fetch has checked the whole digest; if the fetch breaks first, the
 * connection is reset. A client's {@code Range} is cut out of the shared content (a part ending before the last byte
 * is not held back: a part cannot be verified on its own). Until its headers are sent the client can still be told
 * 404 (nobody holds it, or the fetch broke) or be handed to a fetch of its own (the content could not be spooled).
 */
final class SpoolReader {
    private static final Logger LOG = Logger.getLogger(SpoolReader.class);
    private static final int CHUNK = 64 * 1024;

    private final RoutingContext rc;
    private final HttpServerResponse out;
    private final Context context;
    private final PeerMetrics metrics;
    private final String range;
    private final Runnable notFound;
    private final Consumer<List<Peer>> fallback;
    private final AtomicBoolean wakeQueued = new AtomicBoolean();

    private SharedFetch fetch;
    private boolean started;
    private boolean finished;
    private boolean busy;
    private long position;
    private long end;
    private long total;
    private AsyncFile file;

    /**
     * {@code range} is the client's single {@code Range} header, or null; {@code notFound} answers 404;
     * {@code fallback} serves the client from the holders on its own.
     */
    SpoolReader(RoutingContext rc, PeerMetrics metrics, String range, Runnable notFound,
            Consumer<List<Peer>> fallback) {
        this.rc = rc;
        this.out = rc.response();
        this.context = Vertx.currentContext();
        this.metrics = metrics;
        this.range = range;
        this.notFound = notFound;
        this.fallback = fallback;
    }

    void attach(SharedFetch joined) {
        this.fetch = joined;
        out.closeHandler(ignored -> finish());
        pump();
    }

    /** The fetch made progress; called from any thread. */
    void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            context.runOnContext(v -> {
                wakeQueued.set(false);
                pump();
            });
        }
    }

    private void pump() {
        if (finished || busy || fetch == null) {
            return;
        }
        if (out.closed()) {
            finish(); // the client went away (its close handler may not have run yet)
            return;
        }
        SharedFetch.View view = fetch.view();
        if (!started) {
            switch (view.state()) {
                case NOT_FOUND, BROKEN -> {
                    finish();
                    notFound.run();
                }
                case FALLBACK -> {
                    finish();
                    fallback.accept(view.holders());
                }
                default -> {
                    if (view.head() != null) {
                        begin(view);
                    }
                }
            }
            return;
        }
        boolean complete = view.state() == SharedFetch.State.COMPLETE;
        long readable = Math.min(view.written(), end);
        if (end == total && !complete) {
            readable = Math.min(readable, total - 1); // the content's last byte waits for the digest
        }
        if (position < readable) {
            if (out.writeQueueFull()) {
                out.drainHandler(ignored -> pump());
                return;
            }
            read((int) Math.min(CHUNK, readable - position));
        } else if (position == end && (complete || end < total)) {
            finish();
            metrics.hit();
            out.end();
        } else if (!complete && !view.state().running()) {
            cut("the fetch from peers broke at " + view.written() + " of " + total + " bytes");
        }
    }

    /** Sends the headers (of the client's range, if any) and opens the spool file. */
    private void begin(SharedFetch.View view) {
        PeerStream.Head head = view.head();
        total = head.length();
        ByteRange part;
        try {
            part = range == null ? null : ByteRange.resolve(range, total);
        } catch (ByteRange.RangeNotSatisfiable e) {
            finish();
            rc.fail(e);
            return;
        }
        position = part == null ? 0 : part.start();
        end = part == null ? total : part.start() + part.length();
        started = true;
        ResponseSink.headers(out, head.digest(), head.contentType(), end - position,
                part == null ? null : new PeerStream.Part(part.start(), part.end(), total));
        if (end == position) {
            pump();
            return;
        }
        busy = true;
        context.owner().fileSystem().open(view.path().toString(), new OpenOptions().setRead(true).setWrite(false)
                .setCreate(false)).onComplete(opened -> {
                    busy = false;
                    if (opened.failed()) {
                        cut("cannot open the spool file: " + opened.cause());
                    } else if (finished) {
                        opened.result().close();
                    } else {
                        file = opened.result();
                        pump();
                    }
                });
    }

    private void read(int length) {
        busy = true;
        file.read(Buffer.buffer(length), 0, position, length).onComplete(read -> {
            busy = false;
            if (finished) {
                return;
            }
            if (read.failed() || read.result().length() == 0) {
                cut("cannot read the spool file: " + (read.failed() ? read.cause() : "nothing at " + position));
                return;
            }
            position += read.result().length();
            out.write(read.result());
            pump();
        });
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (file != null) {
            file.close();
            file = null;
        }
        fetch.leave(this);
    }

    private void cut(String why) {
        LOG.warnf("%s from peers cut at byte %d: %s", rc.request().uri(), position, why);
        finish();
        out.reset();
    }
}
