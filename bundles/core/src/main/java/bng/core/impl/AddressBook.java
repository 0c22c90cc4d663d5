package bng.core.impl;

import bng.core.api.ConfigListener;
import bng.core.api.OwnedAddresses;
import bng.core.config.Configuration;
import bng.core.config.NetworkDef;
import bng.core.config.ObjectState;
import bng.core.config.ServerDef;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * Owned addresses derived from each committed configuration: enabled networks' real/virt and
 * enabled servers' VIPs, and the {@code prx}/{@code prx6} of enabled proxy servers. Published as immutable sorted arrays behind one volatile field, so a
 * per-packet lookup is a binary search with no lock and no allocation.
 */
@Component(service = {OwnedAddresses.class, ConfigListener.class, AddressBook.class}, immediate = true)
public final class AddressBook implements OwnedAddresses, ConfigListener {
    private record Snapshot(int[] ipv4, byte[][] ipv6) {}

    private static final Snapshot NONE = new Snapshot(new int[0], new byte[0][]);

    /** Everything owned (master) and the {@code real}/{@code real6} addresses only (not master). */
    private Snapshot all = NONE;
    private Snapshot realOnly = NONE;
    private boolean floating = true;
    private volatile Snapshot snapshot = NONE;

    @Override
    public synchronized void configurationChanged(Configuration previous, Configuration current) {
        List<InetAddress> owned = new ArrayList<>();
        List<InetAddress> real = new ArrayList<>();
        for (NetworkDef n : current.networks().values()) {
            if (n.state() == ObjectState.ENABLED) {
                add(owned, n.real(), n.virt(), n.real6(), n.virt6());
                add(real, n.real(), n.real6());
            }
        }
        for (ServerDef s : current.servers().values()) {
            if (s.state() == ObjectState.ENABLED) {
                add(owned, s.ipaddr(), s.ipaddr6());
                if (s.proxy()) {
                    add(owned, s.prx(), s.prx6()); // SNAT replies come to prx: ARP must answer for it
                }
            }
        }
        all = build(owned);
        realOnly = build(real);
        snapshot = floating ? all : realOnly;
    }

    /**
     * Whether the floating addresses (networks' virt/virt6, server VIPs) are owned: true while this
     * node is the VRRP master or VRRP is not configured ({@link MastershipManager}).
     */
    synchronized void ownFloating(boolean own) {
        floating = own;
        snapshot = own ? all : realOnly;
    }

    private static void add(List<InetAddress> to, InetAddress... addrs) {
        for (InetAddress a : addrs) {
            if (a != null) {
                to.add(a);
            }
        }
    }

    static Snapshot build(List<InetAddress> addrs) {
        int[] v4 = addrs.stream().map(InetAddress::getAddress).filter(b -> b.length == 4)
            .mapToInt(AddressBook::toInt).sorted().distinct().toArray();
        byte[][] v6 = addrs.stream().map(InetAddress::getAddress).filter(b -> b.length == 16).toArray(byte[][]::new);
        return new Snapshot(v4, v6);
    }

    static int toInt(byte[] b) {
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    @Override
    public boolean ownsIpv4(int address) {
        return Arrays.binarySearch(snapshot.ipv4, address) >= 0;
    }

    @Override
    public boolean ownsIpv6(byte[] b, int off) {
        for (byte[] a : snapshot.ipv6) {
            if (Arrays.equals(a, 0, 16, b, off, off + 16)) {
                return true;
            }
        }
        return false;
    }

    /** Every owned address, for {@code show} and the ARP module's gratuitous announcements. */
    public List<InetAddress> addresses() {
        Snapshot s = snapshot;
        List<InetAddress> l = new ArrayList<>();
        try {
            for (int a : s.ipv4) {
                l.add(InetAddress.getByAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a}));
            }
            for (byte[] a : s.ipv6) {
                l.add(InetAddress.getByAddress(a));
            }
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: lengths are 4 and 16
        }
        return l;
    }
}
