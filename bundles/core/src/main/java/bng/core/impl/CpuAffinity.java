package bng.core.impl;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

/**
 * Pins the calling thread to one CPU (libc's {@code sched_setaffinity} with pid 0 = this thread,
 * through the foreign-function API), chosen among the CPUs the process may use
 * ({@code sched_getaffinity}, so {@code taskset} and cgroup limits are respected). Port threads
 * of an interface with {@code threads N} pin themselves: queue k on the k-th allowed CPU.
 */
final class CpuAffinity {
    private static final int MASK_BYTES = 128; // 1024 CPUs, glibc's cpu_set_t
    private static final MethodHandle GET;
    private static final MethodHandle SET;

    static {
        Linker linker = Linker.nativeLinker();
        FunctionDescriptor fd = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
            ValueLayout.ADDRESS);
        GET = linker.defaultLookup().find("sched_getaffinity").map(a -> linker.downcallHandle(a, fd)).orElse(null);
        SET = linker.defaultLookup().find("sched_setaffinity").map(a -> linker.downcallHandle(a, fd)).orElse(null);
    }

    private CpuAffinity() {}

    /** The CPUs the calling thread may run on, ascending; empty when libc cannot tell. */
    static int[] allowed() {
        if (GET == null) {
            return new int[0];
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES, 8);
            if ((int) GET.invokeExact(0, (long) MASK_BYTES, mask) != 0) {
                return new int[0];
            }
            int[] cpus = new int[MASK_BYTES * 8];
            int n = 0;
            for (int cpu = 0; cpu < MASK_BYTES * 8; cpu++) {
                if ((mask.get(ValueLayout.JAVA_BYTE, cpu >> 3) & (1 << (cpu & 7))) != 0) {
                    cpus[n++] = cpu;
                }
            }
            return Arrays.copyOf(cpus, n);
        } catch (Throwable t) {
            return new int[0];
        }
    }

    /** Pins the calling thread to {@code cpu}; false when the kernel refused (the thread then runs anywhere). */
    static boolean pinCurrentThread(int cpu) {
        if (SET == null || cpu < 0 || cpu >= MASK_BYTES * 8) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES, 8);
            mask.set(ValueLayout.JAVA_BYTE, cpu >> 3, (byte) (1 << (cpu & 7)));
            return (int) SET.invokeExact(0, (long) MASK_BYTES, mask) == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
