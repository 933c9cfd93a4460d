package io.containerdregistry.peers;

import io.containerdregistry.oci.Digest;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * One peer {@code GET} shared by every concurrent miss of the same content. It finds the holders, streams from them
 * through a {@link PeerStream} (hedging, resuming, verifying the digest) and writes the bytes to a spool file as they
 * arrive; each client is a {@link SpoolReader} that reads that file from the start at its own pace, so a slow client
 * never holds up the fetch or the others, and a late one first gets what has already arrived. Nothing is kept in
 * memory but the chunks on their way to the file (at most about {@link #WRITE_AHEAD} bytes: beyond that the holder is
 * paused).
 *
 * <p>The fetch runs on the event loop of the request that started it; readers run on theirs and see its progress
 * through {@link #view()}. Once the fetch has ended (complete, broken, not found) it takes no new reader, and its
 * file is deleted when the last reader has left. When every reader leaves a running fetch, it is cancelled.
 */
final class SharedFetch implements PeerStream.Sink {
    private static final Logger LOG = Logger.getLogger(SharedFetch.class);
    /** Bytes handed to the file and not yet written, beyond which the holder is paused. */
    static final long WRITE_AHEAD = 1024 * 1024;

    enum State {
        /** Asking the peers who holds the content. */
        LOOKING,
        /** Reading from a holder. */
        STREAMING,
        /** Every byte is in the file and the digest matched. */
        COMPLETE,
        /** No peer holds the content: each reader answers 404. */
        NOT_FOUND,
        /** The content cannot be spooled (no room, no file): each reader fetches on its own from the holders. */
        FALLBACK,
        /** The transfer broke after it began (no holder left, digest mismatch, write failure, every reader left). */
        BROKEN;

        boolean running() {
            return this == LOOKING || this == STREAMING;
        }
    }

    /**
     * What a reader sees: {@code head} and {@code path} once the spool file exists, {@code written} bytes of it are
     * readable, and {@code holders} is who holds the content.
     */
    record View(State state, PeerStream.Head head, Path path, long written, List<Peer> holders) {
    }

    private final SharedFetches owner;
    private final String key;
    private final String uri;
    private final Digest digest;
    private final Context context;

    // guarded by this
    private final List<SpoolReader> readers = new ArrayList<>();
    private State state = State.LOOKING;
    private PeerStream.Head head;
    private Path path;
    private long written;
    private List<Peer> holders = List.of();
    private boolean released;

    // on the fetch's event loop only
    private PeerStream stream;
    private AsyncFile file;
    private long size;
    private Future<Void> tail = Future.succeededFuture();
    private long issued;
    private long queued;
    private boolean pausedForDisk;

    /** Created on the event loop it will run on. */
    SharedFetch(SharedFetches owner, String key, String uri, Digest digest) {
        this.owner = owner;
        this.key = key;
        this.uri = uri;
        this.digest = digest;
        this.context = Vertx.currentContext();
    }

    /** Adds a reader; false once the fetch has ended badly or its file is gone. */
    synchronized boolean join(SpoolReader reader) {
        if (released || !(state.running() || state == State.COMPLETE)) {
            return false;
        }
        readers.add(reader);
        return true;
    }

    synchronized View view() {
        return new View(state, head, path, written, holders);
    }

    /** The reader is done. The last one to leave deletes the file, and cancels the fetch if it still runs. */
    void leave(SpoolReader reader) {
        boolean last;
        synchronized (this) {
            last = readers.remove(reader) && readers.isEmpty();
        }
        if (last) {
            context.runOnContext(v -> lastLeft());
        }
    }

    void start() {
        owner.lookup().holders(key, uri).whenComplete((found, error) -> context.runOnContext(v -> looked(found)));
    }

    private void looked(List<Peer> found) {
        List<Peer> list = found == null ? List.of() : found;
        synchronized (this) {
            if (state != State.LOOKING) {
                return; // every reader left meanwhile
            }
            holders = list;
            if (!list.isEmpty()) {
                state = State.STREAMING;
            }
        }
        if (list.isEmpty()) {
            finish(State.NOT_FOUND);
            return;
        }
        stream = owner.stream(uri, digest, list, this);
        stream.start();
    }

    @Override
    public void head(PeerStream.Head announced) {
        Path spool = owner.newPath();
        long length = announced.length();
        tail = owner.open(spool, length).map(opened -> {
            opened(opened, spool, length, announced);
            return null;
        });
        tail.onFailure(e -> {
            LOG.infof("%s is not shared: %s", uri, e.getMessage());
            stream.cancel();
            finish(State.FALLBACK);
        });
    }

    private void opened(AsyncFile opened, Path spool, long length, PeerStream.Head announced) {
        boolean discard;
        synchronized (this) {
            file = opened;
            size = length;
            path = spool;
            if (state == State.STREAMING) {
                head = announced;
            }
            discard = released;
        }
        if (discard) {
            file = null;
            owner.discard(opened, spool, length);
        } else {
            wakeReaders();
        }
    }

    @Override
    public void chunk(Buffer chunk) {
        int length = chunk.length();
        long at = issued;
        issued += length;
        queued += length;
        tail = tail.compose(v -> file == null ? Future.failedFuture("spool file closed") : file.write(chunk, at));
        tail.onComplete(result -> wrote(result, at + length, length));
        if (queued > WRITE_AHEAD && !pausedForDisk) {
            pausedForDisk = true;
            stream.pause();
        }
    }

    private void wrote(AsyncResult<Void> result, long upTo, int length) {
        queued -= length;
        synchronized (this) {
            if (state != State.STREAMING) {
                return;
            }
            if (result.succeeded()) {
                written = upTo;
            }
        }
        if (result.failed()) {
            LOG.warnf("%s: writing the spool failed: %s", uri, result.cause().toString());
            stream.cancel();
            finish(State.BROKEN);
            return;
        }
        wakeReaders();
        if (pausedForDisk && queued <= WRITE_AHEAD / 2) {
            pausedForDisk = false;
            stream.resume();
        }
    }

    @Override
    public void end() {
        tail.onSuccess(v -> finish(State.COMPLETE));
    }

    @Override
    public void notFound() {
        finish(State.NOT_FOUND);
    }

    @Override
    public void unsatisfiable(long contentSize) {
        finish(State.NOT_FOUND); // never asked for a range
    }

    @Override
    public void abort(String why) {
        finish(State.BROKEN);
    }

    /** Ends the fetch once: it takes no new reader, and its file goes when the last reader has left. */
    private void finish(State end) {
        boolean release;
        synchronized (this) {
            if (!state.running()) {
                return;
            }
            state = end;
            release = readers.isEmpty();
        }
        owner.forget(uri, this);
        wakeReaders();
        if (release) {
            release();
        }
    }

    private void lastLeft() {
        boolean cancel;
        synchronized (this) {
            if (!readers.isEmpty() || released) {
                return; // a reader joined meanwhile
            }
            cancel = state.running();
            if (cancel) {
                state = State.BROKEN;
            }
        }
        if (cancel) {
            LOG.debugf("%s: every client left, the fetch is cancelled", uri);
            owner.forget(uri, this);
            if (stream != null) {
                stream.cancel();
            }
        }
        release();
    }

    private void release() {
        AsyncFile open;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            open = file;
            file = null;
        }
        if (open != null) {
            owner.discard(open, path, size);
        }
    }

    private void wakeReaders() {
        List<SpoolReader> now;
        synchronized (this) {
            now = List.copyOf(readers);
        }
        now.forEach(SpoolReader::wake);
    }
}
