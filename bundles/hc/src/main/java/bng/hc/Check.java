package bng.hc;

import bng.core.api.TargetHealth;

/**
 * One configured check of one target and its state machine, driven by {@link CheckEngine} on the
 * scheduler thread only. Times are clock readings in nanoseconds.
 */
final class Check {
    enum Kind { TCPOPEN, PING, AGENT, SCRIPT, ARP }

    static final long SECOND = 1_000_000_000L;
    /** {@code script} has no timing in its syntax: bng runs it every 5 s, kills it after 5 s, down after 15 s. */
    static final int SCRIPT_INTERVAL = 5;
    static final int SCRIPT_TIMEOUT = 15;
    static final int SCRIPT_LIMIT = 5;

    final Kind kind;
    /** Final but for IPv6 checks, which {@link ProbeSender6} relabels ({@code ping6}, {@code agent6 N}). */
    String label;
    final int targetId;
    final int address;
    /** An IPv6 check: probes go to {@link #hi6}:{@link #lo6} from the network's {@code real6}. */
    boolean ipv6;
    long hi6;
    long lo6;
    final int port;
    final long intervalNanos;
    final int timeoutSeconds;
    /** When the timeout is not longer than the interval, one interval and a second of grace (see docs). */
    final long timeoutNanos;

    int state = TargetHealth.UNKNOWN;
    String reason = "";
    final long createdNanos;
    long lastSuccessNanos;
    boolean succeeded;
    String lastResult;
    long lastResultNanos;
    /** The last failure, or null when the last probe went unanswered. */
    String lastFailure;
    long nextDueNanos;
    int slot = -1;
    long sentNanos;
    /** {@code script}: the command line, and its run while one is under way. */
    String command;
    ScriptRunner.Run run;
    /** {@code arp}: wall-clock time the request left, -1 when none is outstanding. */
    long arpSentMillis = -1;

    Check(Kind kind, int targetId, int address, int port, int interval, int timeout, long now) {
        this.kind = kind;
        this.label = switch (kind) {
            case TCPOPEN -> "tcpopen " + port;
            case PING -> "ping";
            case AGENT -> "agent " + port;
            case SCRIPT -> "script";
            case ARP -> "arp";
        };
        this.targetId = targetId;
        this.address = address;
        this.port = port;
        this.intervalNanos = interval * SECOND;
        this.timeoutSeconds = timeout;
        this.timeoutNanos = Math.max(timeout, interval + 1L) * SECOND;
        this.createdNanos = now;
        this.nextDueNanos = now;
    }

    /** A probe succeeded at {@code at}. */
    void success(long at, String result) {
        succeeded = true;
        lastSuccessNanos = Math.max(lastSuccessNanos, at);
        result(at, result);
        lastFailure = null;
        if (state != TargetHealth.UP) {
            state = TargetHealth.UP;
            reason = result;
        }
    }

    /** A probe failed for a stated reason (refused, no ARP entry, ...); the timeout decides the state. */
    void failure(long at, String result) {
        result(at, result);
        lastFailure = result;
    }

    /** A probe went unanswered. */
    void noAnswer(long at) {
        result(at, label + ": no answer");
        lastFailure = null;
    }

    /** Goes down once no probe has succeeded for the timeout; true when it just did. */
    boolean expire(long now) {
        long since = succeeded ? lastSuccessNanos : createdNanos;
        if (state == TargetHealth.DOWN || now - since < timeoutNanos) {
            return false;
        }
        state = TargetHealth.DOWN;
        reason = lastFailure != null ? lastFailure : label + ": no answer for " + timeoutSeconds + " s";
        return true;
    }

    private void result(long at, String text) {
        lastResult = text;
        lastResultNanos = at;
    }
}
