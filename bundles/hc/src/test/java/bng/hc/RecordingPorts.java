package bng.hc;

import bng.core.api.Ports;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Ports adapter: one open port whose slow-path transmissions are kept for the test to read. */
final class RecordingPorts implements Ports {
    final int port;
    final long mac;
    final int network;
    final List<byte[]> sent = new ArrayList<>();
    boolean refuse;

    RecordingPorts(int port, long mac, int network) {
        this.port = port;
        this.mac = mac;
        this.network = network;
    }

    @Override
    public synchronized long mac(int p) {
        return p == port ? mac : -1;
    }

    @Override
    public boolean isUp(int p) {
        return p == port;
    }

    @Override
    public synchronized boolean send(int p, byte[] frame, int length) {
        if (p != port || refuse) {
            return false;
        }
        sent.add(Arrays.copyOf(frame, length));
        return true;
    }

    @Override
    public int portOfNetwork(int networkId) {
        return networkId == network ? port : -1;
    }

    synchronized byte[] last() {
        return sent.isEmpty() ? null : sent.getLast();
    }

    synchronized int count() {
        return sent.size();
    }
}
