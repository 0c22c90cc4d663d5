package bng.core.impl;

import bng.core.api.PacketBus.ProcessorInfo;
import bng.core.api.PacketProcessor;
import bng.core.api.ProcessorProperties;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** One bound processor: the object (resolved once, at bind), where it runs, what it wants, its counters. */
final class ProcessorEntry implements Comparable<ProcessorEntry> {
    static final int ADVISOR = 0;
    static final int DIRECTOR = 1;
    static final int OBSERVER = 2;
    private static final String[] BAND_NAMES = {
        ProcessorProperties.BAND_ADVISOR, ProcessorProperties.BAND_DIRECTOR, ProcessorProperties.BAND_OBSERVER
    };

    final PacketProcessor processor;
    final String name;
    final String module;
    final int band;
    final int priority;
    final int ranking;
    final long serviceId;
    /** Ethertypes wanted, or null for all. */
    final int[] ethertypes;
    /** IP protocols wanted, or null for all. */
    final int[] protocols;

    final LongAdder packets = new LongAdder();
    final LongAdder nanos = new LongAdder();
    final LongAdder handled = new LongAdder();
    final LongAdder failures = new LongAdder();

    ProcessorEntry(PacketProcessor processor, String name, String module, int band, int priority,
                   int ranking, long serviceId, int[] ethertypes, int[] protocols) {
        this.processor = processor;
        this.name = name;
        this.module = module;
        this.band = band;
        this.priority = priority;
        this.ranking = ranking;
        this.serviceId = serviceId;
        this.ethertypes = ethertypes;
        this.protocols = protocols;
    }

    /** Reads the whiteboard properties; bad values fall back to defaults rather than refuse the processor. */
    static ProcessorEntry of(PacketProcessor processor, Map<String, ?> props) {
        Object n = props.get(ProcessorProperties.NAME);
        String name = n != null ? n.toString() : processor.getClass().getSimpleName();
        Object m = props.get(ProcessorProperties.MODULE);
        String module = m != null ? m.toString() : "-";
        int band = switch (String.valueOf(props.get(ProcessorProperties.BAND))) {
            case ProcessorProperties.BAND_ADVISOR -> ADVISOR;
            case ProcessorProperties.BAND_OBSERVER -> OBSERVER;
            default -> DIRECTOR;
        };
        int priority = Math.clamp(intOf(props.get(ProcessorProperties.PRIORITY), ProcessorProperties.DEFAULT_PRIORITY),
            0, ProcessorProperties.MAX_PRIORITY);
        int ranking = intOf(props.get("service.ranking"), 0);
        Object sid = props.get("service.id");
        long serviceId = sid instanceof Number num ? num.longValue() : 0;
        return new ProcessorEntry(processor, name, module, band, priority, ranking, serviceId,
            intsOf(props.get(ProcessorProperties.ETHERTYPE)), intsOf(props.get(ProcessorProperties.IP_PROTOCOL)));
    }

    private static int intOf(Object o, int dflt) {
        if (o instanceof Number num) {
            return num.intValue();
        }
        if (o != null) {
            try {
                return Integer.decode(o.toString().trim());
            } catch (NumberFormatException e) {
                return dflt;
            }
        }
        return dflt;
    }

    private static int[] intsOf(Object o) {
        if (o == null) {
            return null;
        }
        if (o instanceof int[] a) {
            return a.clone();
        }
        if (o instanceof Integer[] a) {
            return Arrays.stream(a).mapToInt(Integer::intValue).toArray();
        }
        if (o instanceof Object[] a) {
            return Arrays.stream(a).mapToInt(x -> intOf(x, -1)).filter(x -> x >= 0).toArray();
        }
        if (o instanceof Iterable<?> it) {
            java.util.List<Integer> l = new java.util.ArrayList<>();
            it.forEach(x -> l.add(intOf(x, -1)));
            return l.stream().mapToInt(Integer::intValue).filter(x -> x >= 0).toArray();
        }
        int v = intOf(o, -1);
        return v >= 0 ? new int[] {v} : new int[0];
    }

    boolean wantsEthertype(int ethertype) {
        return ethertypes == null || contains(ethertypes, ethertype);
    }

    boolean wantsProtocol(int proto) {
        return protocols == null || contains(protocols, proto);
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    String wants() {
        StringBuilder sb = new StringBuilder();
        if (ethertypes != null) {
            for (int e : ethertypes) {
                sb.append(sb.isEmpty() ? "" : ",").append(String.format("0x%04x", e));
            }
        }
        if (protocols != null) {
            sb.append(sb.isEmpty() ? "" : " ").append("proto ");
            for (int i = 0; i < protocols.length; i++) {
                sb.append(i == 0 ? "" : ",").append(protocols[i]);
            }
        }
        return sb.isEmpty() ? "all" : sb.toString();
    }

    ProcessorInfo info() {
        return new ProcessorInfo(name, module, BAND_NAMES[band], priority, wants(), packets.sum(), nanos.sum(),
            handled.sum(), failures.sum());
    }

    /** Band, then priority (lower first), then ranking (higher first), then age (older first). */
    @Override
    public int compareTo(ProcessorEntry o) {
        if (band != o.band) {
            return Integer.compare(band, o.band);
        }
        if (priority != o.priority) {
            return Integer.compare(priority, o.priority);
        }
        if (ranking != o.ranking) {
            return Integer.compare(o.ranking, ranking);
        }
        return Long.compare(serviceId, o.serviceId);
    }
}
