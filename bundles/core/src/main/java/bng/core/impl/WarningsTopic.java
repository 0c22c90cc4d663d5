package bng.core.impl;

import bng.core.api.ModuleManager;
import bng.core.api.RunningConfig;
import bng.core.api.ShowTopic;
import bng.core.config.InterfaceDef;
import bng.core.config.ObjectState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code show warnings}: what an operator should fix, computed on demand — modules named without
 * a bundle, interfaces that could not open, and the host kernel competing with bng: bng owns its
 * addresses, so the kernel must hold none of them on bng's interfaces and must not forward.
 * {@code bng start} prints these once the instance is up.
 */
@Component(property = {ShowTopic.TOPIC + "=warnings", ShowTopic.DESCRIPTION + "=problems an operator should fix"})
public final class WarningsTopic implements ShowTopic {
    @Reference
    RunningConfig running;

    @Reference
    ModuleManager modules;

    @Reference
    PortManager ports;

    @Reference
    AddressBook owned;

    /** Read where the kernel says whether it forwards (a field so tests can point elsewhere). */
    Path ipForward = Path.of("/proc/sys/net/ipv4/ip_forward");

    @Override
    public void show(List<String> args, StringBuilder out) {
        for (String w : warnings()) {
            out.append(w).append('\n');
        }
    }

    List<String> warnings() {
        List<String> w = new ArrayList<>();
        for (ModuleManager.ModuleInfo m : modules.modules()) {
            if (m.state().equals("missing")) {
                w.add("module " + m.name() + " is named in the modules line but has no bundle yet; everything else runs");
            }
        }
        for (Map.Entry<Integer, String> p : ports.problems().entrySet()) {
            w.add("interface " + p.getKey() + ": " + p.getValue());
        }
        Map<Integer, InterfaceDef> defs = running.current().interfaces();
        for (Map.Entry<Integer, Long> o : ports.oversizeFrames().entrySet()) {
            InterfaceDef d = defs.get(o.getKey());
            w.add("interface " + o.getKey() + ": "
                + PortManager.oversizeWarning(d == null ? "the interface" : d.name(), o.getValue()));
        }
        boolean kernelInterfaces = false;
        for (InterfaceDef i : running.current().interfaces().values()) {
            if (i.state() != ObjectState.ENABLED || i.access().equals("memory")) {
                continue;
            }
            kernelInterfaces = true;
            for (InetAddress a : kernelAddresses(i.name())) {
                if (owned.addresses().contains(a)) {
                    w.add("interface " + i.name() + ": the host kernel holds " + a.getHostAddress()
                        + ", an address bng owns; remove it (ip addr del " + a.getHostAddress() + " dev " + i.name()
                        + "): the kernel would answer ARP and TCP beside bng");
                }
            }
        }
        if (kernelInterfaces && forwarding()) {
            w.add("the host kernel forwards IPv4 (net.ipv4.ip_forward=1): it would route bng's traffic a second time; "
                + "set it to 0. To spare the kernel the VIPs' frames altogether, drop them at ingress after bng has seen "
                + "them: nft add table netdev bng; nft add chain netdev bng in '{ type filter hook ingress device \"IF\" "
                + "priority -500; }'; nft add rule netdev bng in ip daddr VIP drop");
        }
        return w;
    }

    private static List<InetAddress> kernelAddresses(String name) {
        try {
            NetworkInterface ni = NetworkInterface.getByName(name);
            return ni == null ? List.of() : Collections.list(ni.getInetAddresses());
        } catch (SocketException e) {
            return List.of();
        }
    }

    private boolean forwarding() {
        try {
            return Files.readString(ipForward).strip().equals("1");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
