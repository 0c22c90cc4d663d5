package bng.core.impl;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The foreign-function API's first use in bng: libc's {@code getpid()} through a downcall. It
 * proves, in every launch (runtime and in-framework tests), that a bundle compiled for Java 25
 * may use {@code java.lang.foreign} with native access enabled; the fast path's ring driver
 * builds on the same ground.
 */
public final class NativeProcess {
    private static final MethodHandle GETPID;

    static {
        Linker linker = Linker.nativeLinker();
        GETPID = linker.defaultLookup().find("getpid")
            .map(addr -> linker.downcallHandle(addr, FunctionDescriptor.of(ValueLayout.JAVA_INT)))
            .orElseThrow(() -> new IllegalStateException("libc has no getpid"));
    }

    private NativeProcess() {}

    /** The process id as the kernel tells it through libc. */
    public static long pid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("getpid through the foreign-function API failed", t);
        }
    }
}
