package bng.ping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.Frame;
import bng.core.api.ProcessorProperties;
import bng.core.config.ConfigParser;
import bng.core.config.ConfigResult;
import bng.core.config.Configuration;
import bng.core.impl.AddressBook;
import bng.core.impl.Dispatcher;
import bng.core.impl.PacketBusManager;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ICMPv6 echo through the real bus and the real {@link EchoResponder6}; the golden frames come
 * from tools/golden/icmpv6.py (an independent generator, checksums from scratch).
 */
class EchoResponder6Test {
    static final int IN_PORT = 1;
    static final long PORT_MAC = 0x02_00_00_00_00_01L;

    static final String CONFIG = """
        modules ping
        interface 1 name eth0
        register interface 1
        enable interface 1
        network 1 {
          mask6 64
          real6 2001:db8::1
          interface 1
        }
        server 1 {
          ipaddr6 2001:db8::100
          port 80
          protocol tcp
        }
        register network 1
        enable network 1
        register server 1
        enable server 1
        """;

    /** 2001:db8::a -> 2001:db8::100 (the VIP), hop limit 63, id 0x1234 seq 1, 16 bytes of data. */
    static final String REQUEST = "02000000000102000000000a86dd6000000000183a3f20010db800000000000000000000000a20010db80000000000000000000001008000583b12340001101112131415161718191a1b1c1d1e1f";
    /** Its answer: MACs and addresses turned, type 129, hop limit 64. */
    static final String REPLY = "02000000000a02000000000186dd6000000000183a4020010db800000000000000000000010020010db800000000000000000000000a8100573b12340001101112131415161718191a1b1c1d1e1f";
    static final String NOT_OWNED = "02000000000102000000000a86dd6000000000183a3f20010db800000000000000000000000a20010db8000000000000000000000077800058c412340001101112131415161718191a1b1c1d1e1f";
    static final String BAD_CHECKSUM = "02000000000102000000000a86dd6000000000183a3f20010db800000000000000000000000a20010db80000000000000000000001008000583a12340001101112131415161718191a1b1c1d1e1f";

    PacketBusManager bus;
    Dispatcher port;

    @BeforeEach
    void setUp() {
        ConfigResult parsed = ConfigParser.parse("ping6-test.conf", CONFIG, Configuration.empty());
        assertTrue(parsed.ok(), () -> parsed.errors().toString());
        AddressBook book = new AddressBook();
        book.configurationChanged(Configuration.empty(), parsed.configuration());
        EchoResponder6 responder = new EchoResponder6();
        responder.owned = book;
        bus = new PacketBusManager();
        bus.add(responder, Map.of(
            ProcessorProperties.NAME, "ping.echo6",
            ProcessorProperties.MODULE, "ping",
            ProcessorProperties.BAND, ProcessorProperties.BAND_DIRECTOR,
            ProcessorProperties.PRIORITY, 1000,
            ProcessorProperties.ETHERTYPE, Frame.ETH_IPV6,
            ProcessorProperties.IP_PROTOCOL, Frame.PROTO_ICMPV6));
        port = bus.newDispatcher("eth0");
    }

    @AfterEach
    void tearDown() {
        port.close();
    }

    static Frame frame(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        byte[] buf = new byte[1518];
        System.arraycopy(b, 0, buf, 0, b.length);
        return new Frame(buf, b.length);
    }

    static String out(Frame f) {
        return HexFormat.of().formatHex(Arrays.copyOf(f.data(), f.length()));
    }

    int run(Frame f) {
        return port.dispatch(new Frame[] {f}, 1, IN_PORT, PORT_MAC);
    }

    @Test
    void anEchoRequestToTheVipComesBackAsTheExactReply() {
        Frame f = frame(REQUEST);
        assertEquals(1, run(f));
        assertEquals(IN_PORT, f.outPort());
        assertEquals(REPLY, out(f));
    }

    @Test
    void anEchoRequestToAnAddressNotOwnedPassesUntouched() {
        Frame f = frame(NOT_OWNED);
        assertEquals(0, run(f));
        assertEquals(NOT_OWNED, out(f));
        assertEquals(1, bus.counters().unhandled());
    }

    @Test
    void aBadChecksumIsDropped() {
        Frame f = frame(BAD_CHECKSUM);
        assertEquals(0, run(f));
        assertEquals(BAD_CHECKSUM, out(f));
        assertEquals(1, bus.counters().handled());
    }

    @Test
    void anEchoReplyIsIgnored() {
        Frame f = frame(REPLY.replace("02000000000a020000000001", "020000000001020000000002"));
        assertEquals(0, run(f));
        assertEquals(1, bus.counters().unhandled());
    }
}
