package bng.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Mastership.State;
import bng.core.config.Configuration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MastershipManagerTest {
    static final int REAL = 0xc6120002; // 198.18.0.2
    static final int VIRT = 0xc6120003;
    static final int VIP = 0xc6120064;

    static final String BASE = """
            interface 1 { name eth0 }
            register interface 1
            enable interface 1
            network 1 { addr 198.18.0.0 mask 24 real 198.18.0.2 virt 198.18.0.3 real6 2001:db8::2 virt6 2001:db8::3 interface 1 }
            register network 1
            enable network 1
            server 1 { ipaddr 198.18.0.100 port 80 protocol tcp }
            register server 1
            enable server 1
            """;
    static final String VRRP = "modules vrrp,arp\nvrrp { vrid 7 priority 200 network 1 }\n";

    final AddressBook book = new AddressBook();
    final MastershipManager m = new MastershipManager();
    final List<String> told = new ArrayList<>();

    MastershipManagerTest() {
        m.addresses = book;
        m.addListener((before, now, why) -> told.add(before + "->" + now + " " + why));
    }

    void apply(String text) {
        Configuration c = SessionStoreTest.config(text);
        book.configurationChanged(Configuration.empty(), c);
        m.configurationChanged(Configuration.empty(), c);
    }

    static byte[] v6(int last) {
        byte[] b = new byte[16];
        b[0] = 0x20;
        b[1] = 0x01;
        b[2] = 0x0d;
        b[3] = (byte) 0xb8;
        b[15] = (byte) last;
        return b;
    }

    @Test
    void withoutVrrpTheNodeOwnsEverything() {
        apply(BASE);
        assertEquals(State.MASTER, m.state());
        assertTrue(book.ownsIpv4(REAL) && book.ownsIpv4(VIRT) && book.ownsIpv4(VIP));
        assertTrue(book.ownsIpv6(v6(3), 0));
        assertEquals(List.of(), told);
    }

    @Test
    void aVrrpBlockWithoutTheModuleIsStillMaster() {
        apply(BASE + "modules arp\nvrrp { vrid 7 priority 200 network 1 }\n");
        assertTrue(m.isMaster());
        assertTrue(book.ownsIpv4(VIP));
    }

    @Test
    void untilMasterOnlyTheRealAddressesAreOwned() {
        apply(BASE + VRRP);
        assertEquals(State.INIT, m.state());
        assertTrue(book.ownsIpv4(REAL));
        assertTrue(book.ownsIpv6(v6(2), 0));
        assertFalse(book.ownsIpv4(VIRT) || book.ownsIpv4(VIP) || book.ownsIpv6(v6(3), 0));

        m.report(State.BACKUP, "startup, priority 200 < 255");
        assertFalse(book.ownsIpv4(VIP));
        m.report(State.MASTER, "master down timer expired");
        assertTrue(book.ownsIpv4(VIRT) && book.ownsIpv4(VIP) && book.ownsIpv6(v6(3), 0));
        // a new commit keeps the mastership
        apply(BASE + VRRP + "server 2 { ipaddr 198.18.0.101 port 80 protocol tcp }\nregister server 2\nenable server 2\n");
        assertTrue(book.ownsIpv4(VIP + 1));
        m.announce("lower priority advert");
        m.report(State.BACKUP, "higher priority advert");
        assertFalse(book.ownsIpv4(VIP + 1));
        m.announce("ignored: not master");
        assertEquals(List.of("MASTER->INIT vrrp configured", "INIT->BACKUP startup, priority 200 < 255",
                "BACKUP->MASTER master down timer expired", "MASTER->MASTER lower priority advert",
                "MASTER->BACKUP higher priority advert"), told);
        assertEquals("higher priority advert", m.reason());
    }

    @Test
    void droppingTheVrrpBlockMakesTheNodeMaster() {
        apply(BASE + VRRP);
        m.report(State.BACKUP, "x");
        apply(BASE);
        assertTrue(m.isMaster());
        assertTrue(book.ownsIpv4(VIP));
    }
}
