package bng.core.impl;

import bng.core.api.Frame;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Immutable per-type processor chains, rebuilt whenever a processor comes or goes, so dispatch is
 * an array index and an array walk. Chains: IPv4 by protocol, IPv6 by protocol, ARP, and one for
 * every other ethertype (filtered per frame: such frames are rare and never on the fast path).
 */
final class DispatchTable {
    private static final ProcessorEntry[] NONE = new ProcessorEntry[0];
    static final DispatchTable EMPTY = new DispatchTable(List.of());

    private final ProcessorEntry[][] ipv4 = new ProcessorEntry[256][];
    private final ProcessorEntry[][] ipv6 = new ProcessorEntry[256][];
    private final ProcessorEntry[] arp;
    private final ProcessorEntry[] other;
    final ProcessorEntry[] all;

    DispatchTable(Collection<ProcessorEntry> entries) {
        all = entries.stream().sorted().toArray(ProcessorEntry[]::new);
        for (int p = 0; p < 256; p++) {
            ipv4[p] = select(Frame.ETH_IPV4, p);
            ipv6[p] = select(Frame.ETH_IPV6, p);
        }
        arp = select(Frame.ETH_ARP, -1);
        List<ProcessorEntry> rest = new ArrayList<>();
        for (ProcessorEntry e : all) {
            if (e.protocols == null) {
                rest.add(e);
            }
        }
        other = rest.toArray(NONE);
    }

    private ProcessorEntry[] select(int ethertype, int proto) {
        List<ProcessorEntry> l = new ArrayList<>();
        for (ProcessorEntry e : all) {
            if (!e.wantsEthertype(ethertype)) {
                continue;
            }
            if (proto < 0 ? e.protocols == null : e.wantsProtocol(proto)) {
                l.add(e);
            }
        }
        return l.isEmpty() ? NONE : l.toArray(NONE);
    }

    /** The chain for a decoded, sound frame. Entries of {@link #otherChain()} still need their ethertype checked. */
    ProcessorEntry[] chainFor(Frame f) {
        int proto = f.ipProtocol();
        return switch (f.ethertype()) {
            case Frame.ETH_IPV4 -> proto >= 0 ? ipv4[proto] : NONE;
            case Frame.ETH_IPV6 -> proto >= 0 ? ipv6[proto] : NONE;
            case Frame.ETH_ARP -> arp;
            default -> other;
        };
    }

    boolean isOther(ProcessorEntry[] chain) {
        return chain == other;
    }
}
