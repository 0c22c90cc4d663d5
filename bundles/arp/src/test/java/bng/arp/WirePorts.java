package bng.arp;

import bng.core.access.AccessPort;
import bng.core.access.MemoryWires;
import bng.core.api.Frame;
import bng.core.api.Ports;
import bng.core.config.Configuration;
import bng.core.config.NetworkDef;
import bng.core.impl.MemoryAccessDriver;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A small real {@link Ports}: ports opened on core's in-memory access ({@link MemoryAccessDriver}),
 * networks mapped to the port of their interface as {@code PortManager} does. What the module
 * sends is polled at each wire's host end.
 */
final class WirePorts implements Ports {
    final MemoryAccessDriver driver = new MemoryAccessDriver();
    private final Map<Integer, AccessPort> open = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> networks = new ConcurrentHashMap<>();

    WirePorts open(int port, String wire) {
        open.put(port, driver.open(wire));
        return this;
    }

    WirePorts close(int port) {
        AccessPort p = open.remove(port);
        if (p != null) {
            p.close();
        }
        return this;
    }

    WirePorts networks(Configuration c) {
        networks.clear();
        for (NetworkDef n : c.networks().values()) {
            if (n.interfaceId() != null) {
                networks.put(n.id(), n.interfaceId());
            }
        }
        return this;
    }

    MemoryWires.Host host(String wire) {
        return driver.host(wire);
    }

    /** Everything the wire's host end has received so far, as hex, in order. */
    java.util.List<String> drain(String wire) throws InterruptedException {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (byte[] b = host(wire).poll(0, TimeUnit.MILLISECONDS); b != null; b = host(wire).poll(0, TimeUnit.MILLISECONDS)) {
            out.add(Fixtures.hex(b));
        }
        return out;
    }

    @Override
    public long mac(int port) {
        AccessPort p = open.get(port);
        return p == null ? -1 : p.mac();
    }

    @Override
    public boolean isUp(int port) {
        return open.containsKey(port);
    }

    @Override
    public boolean send(int port, byte[] frame, int length) {
        AccessPort p = open.get(port);
        if (p == null || length <= 0 || length > frame.length) {
            return false;
        }
        // The driver copies, as Ports.send promises; the caller may reuse its buffer at once.
        Frame f = new Frame(Arrays.copyOf(frame, length), length);
        return p.transmit(new Frame[] {f}, 1) == 1;
    }

    @Override
    public int portOfNetwork(int networkId) {
        return networks.getOrDefault(networkId, -1);
    }
}
