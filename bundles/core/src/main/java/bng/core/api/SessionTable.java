package bng.core.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Client sessions of the virtual servers: which target a client (or a client's connection) is
 * bound to. Kept by core so it outlives slb (no slb = no balancing, the sessions stay and age out).
 *
 * <p>A session's key is one long ({@link #key}): client IPv4 address, client port (0 when the
 * server's {@code sessionid} is {@code src}) and server id. Every fast-path call is lock-free and
 * allocates nothing; several port threads may insert at once (slots are claimed by CAS).
 *
 * <p>A <em>slot</em> is where a session lives in the current table; it is only good until the
 * table is re-created ({@code set sessions} changed), after which the calls that take a slot
 * ignore it ({@link #target} returns -1). Never keep a slot beyond one packet.
 *
 * <p>Per-server and per-target counters are kept here too, so {@code show servers} and
 * {@code show targets} work without slb.
 */
@ProviderType
public interface SessionTable {
    /** TCP, only the client's SYN seen: expires after {@code synctimeout}. */
    int STATE_SYN = 1;
    /** TCP, the client sent more than a SYN. */
    int STATE_ESTABLISHED = 2;
    /** TCP, FIN or RST seen: a connection (src+port) expires fast. */
    int STATE_CLOSING = 3;
    /** UDP (or another protocol without connection state). */
    int STATE_UDP = 4;

    /** TCP flag bits as in the header (RFC 9293 §3.1). */
    int TCP_FIN = 0x01;
    int TCP_SYN = 0x02;
    int TCP_RST = 0x04;
    int TCP_ACK = 0x10;

    /**
     * The key of a session: client address, client port (0 for {@code sessionid src}), server id
     * (1..65535: a key with server 0 is refused).
     */
    static long key(int clientAddress, int clientPort, int serverId) {
        return (clientAddress & 0xffff_ffffL) << 32 | (clientPort & 0xffffL) << 16 | (serverId & 0xffffL);
    }

    static int keyClient(long key) {
        return (int) (key >>> 32);
    }

    static int keyPort(long key) {
        return (int) (key >>> 16) & 0xffff;
    }

    static int keyServer(long key) {
        return (int) key & 0xffff;
    }

    /** The target of the session {@code key}, or -1 when there is none. Pure read. */
    int lookup(long key);

    /** The slot of the session {@code key}, or -1 when there is none. */
    int find(long key);

    /**
     * Inserts a session bound to {@code target}, in {@link #STATE_SYN} for a TCP packet with
     * {@code tcpFlags} (or {@link #STATE_UDP} when {@code tcp} is false). When the key is already
     * there (another port thread inserted it first) that session is kept and its slot returned:
     * read the bound target with {@link #target}. Returns -1 when the table is full (the refusal is
     * counted; established sessions are never evicted for a new one).
     */
    int insert(long key, int target, boolean tcp, int tcpFlags);

    /** The target bound at {@code slot}, or -1 (slot free, being removed, or of an older table). */
    int target(int slot);

    /**
     * Refreshes the session's idle time and follows TCP: FIN or RST → closing; anything but a bare
     * SYN after a SYN → established; a bare SYN on a closing session (port reused) → SYN again.
     * Pass {@code tcpFlags} 0 for UDP.
     */
    void touch(int slot, int tcpFlags);

    /** Removes the session {@code key}; true when it was there. */
    boolean remove(long key);

    /** Removes every session of {@code server}, or all when {@code server} is -1; returns how many. */
    int clear(int server);

    /** Counts one packet of {@code bytes} for a server and the target it went to (fast path). */
    void count(int server, int target, int bytes);

    /**
     * Milliseconds until the sessions of a target taken out of service ({@code disable target}:
     * {@code set draintimeout}) are removed, 0 when due, -1 when the target is not draining.
     */
    long drainMillis(int target);

    /** Active sessions bound to {@code target} (least-session choice: allocation-free). */
    int activeSessions(int target);

    /** Bytes counted for {@code target} since start (least-bandwidth sampling: allocation-free). */
    long targetBytes(int target);

    /** First source port of SNAT proxy connections; they take ports up to 65535. */
    int PROXY_PORT_FIRST = 1024;

    /**
     * SNAT proxy: the source port of connection {@code conn} (a {@link #key} with the client's real
     * port) toward {@code target}, allocated from {@link #PROXY_PORT_FIRST}..65535 on first use so
     * that no two live connections to one target share it. The mapping lives as long as the session
     * {@code conn} (insert it first): removing or expiring that session frees the port. Returns -1
     * when no port could be found (counted by the caller). Lock-free, allocation-free.
     */
    int proxyPort(long conn, int target);

    /** SNAT proxy reply: the connection holding proxy port {@code port} toward {@code target}, or 0. */
    long proxied(int target, int port);

    /**
     * Replication (bngsync), the sending side: the proxy port connection {@code conn} holds toward
     * {@code target}, or 0 when it holds none; unlike {@link #proxyPort} it claims nothing.
     * @since 1.3
     */
    int heldProxyPort(long conn, int target);

    /**
     * Replication (bngsync), the receiving side: gives connection {@code conn} (a session already
     * in the table, see {@link #insertSynced}) proxy port {@code port} toward {@code target}, the
     * port it holds on the peer, so that the target's replies map back here after a failover
     * before the connection's client side has sent anything. False when the port is out of range
     * or another connection holds it. Lock-free, allocation-free.
     * @since 1.3
     */
    boolean claimProxyPort(long conn, int target, int port);

    /**
     * Generic NAT (module {@code nat}) keeps its mappings in this table too, under ids no
     * configuration can name (server and target ids stop at {@link #MAX_CONFIG_ID}): a mapping of
     * an inside host's (address, port or ICMP identifier) is the session {@code key(address, port,
     * NAT_x)} bound to target {@code NAT_x}, and its outside port is {@link #proxyPort} of that key
     * toward target {@code NAT_x}; {@link #proxied}{@code (NAT_x, port)} maps a reply back. So
     * mappings expire, are counted, refused when full and replicated (bngsync) like sessions, and
     * their ports never collide with SNAT proxy ports (those are per real target).
     */
    int NAT_ICMP = 65_533;
    /** Generic NAT's id for UDP mappings (see {@link #NAT_ICMP}). */
    int NAT_UDP = 65_534;
    /** Generic NAT's id for TCP mappings (see {@link #NAT_ICMP}). */
    int NAT_TCP = 65_535;
    /** The highest server or target id a configuration may use; the ids above are core's. */
    int MAX_CONFIG_ID = NAT_ICMP - 1;

    /** Sessions in the table now. */
    int size();

    /** Capacity ({@code set sessions}). */
    int capacity();

    /** New sessions refused because the table was full, since start. */
    long refused();

    /** Counters of one server or target (ids 1..65535); all zero for an unknown id. */
    Counters serverCounters(int server);

    Counters targetCounters(int target);

    /**
     * Visits every session matching the filters (-1 = any for server, target; {@code client} is
     * matched only when {@code anyClient} is false). A snapshot walk: sessions may come and go
     * while it runs.
     */
    void forEach(int server, int target, int client, boolean anyClient, Visitor v);

    @FunctionalInterface
    interface Visitor {
        void session(int client, int clientPort, int server, int target, int state, long idleMillis);
    }

    /** A change of {@link #changes}: a new session. */
    int CHANGE_ADDED = 1;
    /** A change of {@link #changes}: a session removed (expired, closed, cleared). */
    int CHANGE_REMOVED = 2;

    /** The sequence number the next change will get (changes are numbered from 0). */
    long changeSequence();

    /**
     * Replication (bngsync): visits the changes numbered {@code from} and up that are complete, in
     * order, and returns the number to pass next time; returns -1 when changes after {@code from}
     * were overwritten (the reader fell too far behind: walk the table with {@link #forEach}). Sessions
     * inserted by {@link #insertSynced} and the table's re-creation are not changes. One reader.
     */
    long changes(long from, ChangeVisitor v);

    @FunctionalInterface
    interface ChangeVisitor {
        /** @param op {@link #CHANGE_ADDED} or {@link #CHANGE_REMOVED} */
        void change(long key, int target, int state, int op);
    }

    /**
     * Inserts (or re-binds, or refreshes) a session learnt from the peer node (bngsync) in
     * {@code state}; not a change for {@link #changes}. Returns its slot, or -1 (table full, bad key).
     */
    int insertSynced(long key, int target, int state);

    /** @param active sessions now; {@code newSessions}, packets and bytes since start */
    record Counters(long newSessions, long active, long packets, long bytes) {}

    /** "syn", "established", "closing", "udp". */
    static String stateName(int state) {
        return switch (state) {
            case STATE_SYN -> "syn";
            case STATE_ESTABLISHED -> "established";
            case STATE_CLOSING -> "closing";
            case STATE_UDP -> "udp";
            default -> "unknown";
        };
    }
}
